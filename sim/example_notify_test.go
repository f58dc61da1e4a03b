package sim_test

import (
	"context"
	"fmt"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/presence"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/notifications"
	"github.com/purecloudgo/platformclient/sim"
)

// Receive a user's presence change as a typed event: the simulator serves
// the notification channel and its websocket, and publishes the change.
func ExampleServer_notifications() {
	ctx := context.Background()
	s, err := sim.Start(sim.WithSeedUsers(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	c, _ := s.NewClient()

	conn, err := notifications.NewClient(c).Connect(ctx) // connectUri is ws://<the simulator>/channels/...
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close()

	l, _ := users.NewClient(c).GetUsers(ctx, nil)
	userID := *l.Entities[0].ID
	if err := conn.Subscribe(ctx, notifications.Topic("v2.users.{id}.presence", userID)); err != nil {
		fmt.Println(err)
		return
	}

	defs, _ := presence.NewClient(c).GetPresencedefinitions(ctx, nil)
	busy := *defs.Entities[2].ID // the seeded "Busy"
	_, err = presence.NewClient(c).PatchUserPresencesPurecloud(ctx, userID,
		&models.UserPresence{PresenceDefinition: models.PresenceDefinition{ID: &busy}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}

	ev := <-conn.Events()
	if p, ok := notifications.As[models.PresenceEventUserPresence](ev); ok {
		fmt.Println(ev.Pattern, platformclient.Value(p.PresenceDefinition.SystemPresence))
	}
	// Output: v2.users.{id}.presence Busy
}
