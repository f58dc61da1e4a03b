package sim_test

import (
	"context"
	"fmt"

	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
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

// Cut the answer of a create after the work, as a dropped connection
// does: the call fails, yet the queue exists, and the request record says
// the operation was applied. Faults before the work (sim.RateLimited,
// sim.ServerError, sim.HTMLError, sim.ConnectionReset) apply nothing;
// faults after it (sim.CutBody, sim.CutJSON, sim.ConnectionResetAfter)
// spoil only the answer.
func ExampleServer_InjectFault() {
	s, err := sim.Start(sim.WithSeedUsers(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	c, _ := s.NewClient()
	queues := routing.NewClient(c)

	if err := s.InjectFault("POST /api/v2/routing/queues", sim.CutBody().First(1)); err != nil {
		fmt.Println(err)
		return
	}
	name := "Cut answers"
	_, err = queues.PostRoutingQueues(context.Background(), &models.CreateQueueRequest{Name: &name}, nil)
	fmt.Println("create failed:", err != nil)

	rec := s.RequestsTo("POST /api/v2/routing/queues")[0]
	fmt.Println(rec.Fault, rec.Applied, rec.OperationStatus)

	l, err := queues.GetRoutingQueues(context.Background(), &routing.GetRoutingQueuesOptions{Name: &name})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("queues named so:", len(l.Entities))
	// Output:
	// create failed: true
	// cut-body true 200
	// queues named so: 1
}
