package sim_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

// Start a simulator with your own organization, from a JSON fixture (here
// inline; WithFixtureFile reads a file such as testdata/fixture.json).
func ExampleWithFixture() {
	f, err := sim.ReadFixture(strings.NewReader(`{
		"skills": [{"name": "Billing"}],
		"users": [
			{"name": "Ada Agent", "email": "ada@example.com", "presence": "On Queue", "routingStatus": "IDLE",
			 "skills": [{"name": "Billing", "proficiency": 4}]},
			{"name": "Bruno Agent", "email": "bruno@example.com"}
		],
		"queues": [{"name": "Billing", "members": ["ada@example.com", "bruno@example.com"]}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	s, err := sim.Start(sim.WithFixture(f))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	c, _ := s.NewClient()
	ctx := context.Background()

	l, err := users.NewClient(c).GetUsers(ctx, &users.GetUsersOptions{Expand: []string{"routingStatus", "skills"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range l.Entities {
		fmt.Println(*u.Name, *u.RoutingStatus.Status, len(u.Skills))
	}
	qs, _ := routing.NewClient(c).GetRoutingQueues(ctx, nil)
	fmt.Println(*qs.Entities[0].Name, *qs.Entities[0].MemberCount)
	// Output:
	// Ada Agent IDLE 1
	// Bruno Agent OFF_QUEUE 0
	// Billing 2
}

// Assert on what your code sent: the simulator records each request
// (method, path, query, JSON body) with secrets such as passwords redacted.
func ExampleServer_RequestsTo() {
	s, err := sim.Start(sim.WithSeedUsers(3))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	c, _ := s.NewClient()

	// The code under test.
	_, err = users.NewClient(c).PostUsers(context.Background(), &models.CreateUser{
		Name: platformclient.Ptr("Grace"), Email: platformclient.Ptr("grace@example.com"), Password: platformclient.Ptr("s3cret-Pa55")}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}

	for _, r := range s.RequestsTo("POST /api/v2/users") {
		fmt.Println(r.Method, r.Path, r.Status, string(r.Body))
	}
	// Output:
	// POST /api/v2/users 200 {"email":"grace@example.com","name":"Grace","password":"[redacted]"}
}

// A client-credentials token belongs to no user, so /users/me answers 400
// as on the service; a user token (authorization code, PKCE, SAML2,
// implicit, or UserToken) belongs to a simulated user.
func ExampleServer_UserToken() {
	s, err := sim.Start(sim.WithSeedUsers(3))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	ctx := context.Background()

	c, _ := s.NewClient() // client credentials
	_, err = users.NewClient(c).GetUsersMe(ctx, nil)
	fmt.Println(platformclient.StatusCode(err))

	tok, err := s.UserToken("user0002@sim.example.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	uc, _ := platformclient.New(platformclient.WithBaseURL(s.URL()), platformclient.WithAccessToken(tok))
	me, err := users.NewClient(uc).GetUsersMe(ctx, &users.GetUsersMeOptions{Expand: []string{"presence"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*me.Email, *me.Presence.PresenceDefinition.SystemPresence)
	// Output:
	// 400
	// user0002@sim.example.com Offline
}
