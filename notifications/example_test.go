package notifications_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/internal/notifysim"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/notifications"
)

// Subscribe to a user's presence and read typed events. The example runs
// against a local notification hub; against Genesys Cloud only the
// platformclient.New options differ.
func Example() {
	hub := notifysim.New(notifysim.Config{})
	srv := httptest.NewServer(hub)
	defer srv.Close()
	defer hub.Close()

	client, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("token"))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	conn, err := notifications.NewClient(client).Connect(ctx)
	if err != nil {
		panic(err)
	}
	defer conn.Close()

	topic := notifications.Topic("v2.users.{id}.presence", "8f2c1d9e")
	if err := conn.Subscribe(ctx, topic); err != nil {
		panic(err)
	}

	// Somewhere, the user's presence changes.
	hub.Publish(topic, models.PresenceEventUserPresence{
		PresenceDefinition: models.PresenceEventOrganizationPresence{SystemPresence: platformclient.Ptr("Available")},
	})

	ev := <-conn.Events()
	if p, ok := notifications.As[models.PresenceEventUserPresence](ev); ok {
		fmt.Println(ev.Pattern, *p.PresenceDefinition.SystemPresence)
	}
	// Output: v2.users.{id}.presence Available
}
