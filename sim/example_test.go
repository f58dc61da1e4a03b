package sim_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/sim"
)

// Start a simulator, get a client for it and call the API through a
// generated package.
func ExampleStart() {
	s, err := sim.Start(sim.WithSeedUsers(120))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	c, err := s.NewClient() // authenticated with tokens the simulator issues
	if err != nil {
		fmt.Println(err)
		return
	}
	page := 2
	l, err := users.NewClient(c).GetUsers(context.Background(), &users.GetUsersOptions{PageNumber: &page})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d users, page %d of %d, first on the page: %s\n", *l.Total, *l.PageNumber, *l.PageCount, *l.Entities[0].Name)
	// Output: 120 users, page 2 of 5, first on the page: Farid Lindqvist 0026
}

// Make the next call of an operation fail with 429, as a test of retry
// handling would.
func ExampleServer_InjectFault() {
	s, err := sim.Start(sim.WithSeedUsers(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	c, _ := s.NewClient()

	if err := s.InjectFault("GET /api/v2/users", sim.RateLimited(2*time.Second).First(1)); err != nil {
		fmt.Println(err)
		return
	}
	_, err = users.NewClient(c).GetUsers(context.Background(), nil)
	var apiErr *platformclient.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Body.Code, apiErr.RetryAfter)
	}
	// Output: 429 too.many.requests 2s
}
