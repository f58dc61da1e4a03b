package platformclient_test

import (
	"context"
	"fmt"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/sim"
)

// printObserver prints each call as it ends.
type printObserver struct{}

func (printObserver) StartCall(ctx context.Context, info *platformclient.CallInfo) (context.Context, platformclient.CallObserver) {
	info.Header.Set("X-Request-Source", "billing-sync") // sent with every attempt
	return ctx, printCall{info.Operation}
}

type printCall struct{ op string }

func (c printCall) Event(e platformclient.CallEvent) {
	fmt.Println("  ", c.op, e.Kind, "after attempt", e.Attempt)
}

func (c printCall) End(r platformclient.CallResult) {
	fmt.Println(c.op, r.StatusCode, "attempts:", r.Attempts, "error:", r.Err != nil)
}

// An Observer sees every call and token request, e.g. for audit logs or
// metrics; package otelgenesys builds OpenTelemetry spans on it.
func ExampleWithObserver() {
	s, err := sim.Start(sim.WithSeedUsers(3), sim.WithFault("GET /api/v2/users/{userId}", sim.ServerError(503).First(1)))
	if err != nil {
		panic(err)
	}
	defer s.Close()
	c, err := platformclient.New(platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL()),
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: s.ClientSecret()}),
		platformclient.WithObserver(printObserver{}))
	if err != nil {
		panic(err)
	}
	u := users.NewClient(c)
	page, err := u.GetUsers(context.Background(), nil)
	if err != nil {
		panic(err)
	}
	_, err = u.GetUser(context.Background(), *page.Entities[0].ID, nil)
	fmt.Println(err)
	// Output:
	// oauth.token 200 attempts: 1 error: false
	// users.GetUsers 200 attempts: 1 error: false
	//    users.GetUser retry after attempt 1
	// users.GetUser 200 attempts: 2 error: false
	// <nil>
}
