package sim_test

import (
	"context"
	"errors"
	"fmt"

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

// Make an operation answer 200 with a body cut short, to test how code
// handles a response it cannot decode. Other faults: sim.RateLimited,
// sim.ServerError, sim.Latency, sim.ConnectionReset, sim.HTMLError.
func ExampleServer_InjectFault() {
	s, err := sim.Start(sim.WithSeedUsers(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	c, _ := s.NewClient()

	if err := s.InjectFault("GET /api/v2/users", sim.MalformedJSON().First(1)); err != nil {
		fmt.Println(err)
		return
	}
	_, err = users.NewClient(c).GetUsers(context.Background(), nil)
	var decodeErr *platformclient.DecodeError
	fmt.Println(errors.As(err, &decodeErr), decodeErr.StatusCode)

	_, err = users.NewClient(c).GetUsers(context.Background(), nil) // the fault hit only the first call
	fmt.Println(err)
	// Output:
	// true 200
	// <nil>
}
