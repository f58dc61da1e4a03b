package platformclient_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"sync"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

// Export every user with a pool of workers that share one client: the
// client paces their calls to the rate limit the API reports, so none of
// them meets a 429 and none has to back off on its own.
func Example_bulkExport() {
	// A simulator that allows 50 requests a second per token (Genesys
	// Cloud allows 300 a minute).
	s, err := sim.Start(sim.WithSeedUsers(60), sim.WithRateLimit(50, time.Second))
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	// In production: platformclient.New(platformclient.WithRegion(...),
	// platformclient.WithGrant(...)).
	client, err := s.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	api := users.NewClient(client)
	ctx := context.Background()

	ids := make(chan string)
	exported := make(chan *models.User)
	go func() { // list the users, 100 a page, and hand out their ids
		defer close(ids)
		for u, err := range api.GetUsersItems(ctx, &users.GetUsersOptions{PageSize: platformclient.Ptr(100)}) {
			if err != nil {
				log.Print(err)
				return
			}
			ids <- *u.ID
		}
	}()
	var wg sync.WaitGroup
	for range 8 { // eight workers fetch each user's details
		wg.Go(func() {
			for id := range ids {
				u, err := api.GetUser(ctx, id, &users.GetUserOptions{Expand: []string{"routingStatus", "skills"}})
				if err != nil {
					log.Printf("user %s: %v", id, err)
					continue
				}
				exported <- u
			}
		})
	}
	go func() { wg.Wait(); close(exported) }()

	enc := json.NewEncoder(io.Discard) // a file in a real export
	n := 0
	for u := range exported {
		if err := enc.Encode(u); err != nil {
			log.Fatal(err)
		}
		n++
	}
	st := client.RateLimitState()
	fmt.Printf("exported %d users\n", n)
	fmt.Printf("paced at %d requests per %s; 429 answers: %d\n", st.Allowed, st.Window, st.Limited)
	// Output:
	// exported 60 users
	// paced at 50 requests per 1s; 429 answers: 0
}
