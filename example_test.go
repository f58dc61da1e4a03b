package platformclient_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

func Example() {
	// A local Genesys Cloud, so that the example runs anywhere. In
	// production: platformclient.WithEnvironment() (or WithRegion and
	// WithGrant) instead of the simulator's URLs.
	s, err := sim.Start(sim.WithSeedUsers(3))
	if err != nil {
		panic(err)
	}
	defer s.Close()

	// Client credentials: the program acts as itself, so it calls
	// operations about the organization (users, queues…), not /users/me,
	// which needs a user's token.
	client, err := platformclient.New(
		platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL()),
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: s.ClientSecret()}))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	u := users.NewClient(client)

	// Optional parameters go in the options struct (nil for none).
	page, err := u.GetUsers(ctx, &users.GetUsersOptions{PageSize: platformclient.Ptr(2)})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(page.Entities), "of", platformclient.Value(page.Total), "users")
	ada := page.Entities[0]
	fmt.Println(platformclient.Value(ada.Name), platformclient.Value(ada.State))

	// Optional fields are pointers; NullFields sends an explicit null.
	patched, err := u.PatchUser(ctx, *ada.ID, &models.UpdateUser{Version: ada.Version,
		Department: platformclient.Ptr("Research"), NullFields: []string{"title"}}, nil)
	fmt.Println(platformclient.Value(patched.Department), patched.Title == nil, err)

	// Errors are typed.
	_, err = u.GetUser(ctx, "00000000-0000-4000-8000-000000000000", nil)
	var apiErr *platformclient.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Body.Code, apiErr.CorrelationID != "", platformclient.IsNotFound(err))
	}
	// Output:
	// 2 of 3 users
	// Ada Okafor 0001 active
	// Research true <nil>
	// 404 not.found true true
}
