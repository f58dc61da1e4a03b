package notifications_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/internal/notifysim"
	"github.com/purecloudgo/platformclient/notifications"
)

// TestConnEndsWithItsClient: closing the platformclient.Client closes the
// Conns opened through it (Events is closed), and Connect then fails.
func TestConnEndsWithItsClient(t *testing.T) {
	hub := notifysim.New(notifysim.Config{})
	srv := httptest.NewServer(hub)
	t.Cleanup(func() {
		hub.Close()
		srv.Close()
	})
	pc, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("t"))
	if err != nil {
		t.Fatal(err)
	}
	nc := notifications.NewClient(pc)
	conn, err := nc.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	pc.Close()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-conn.Events():
			if !ok {
				if _, err := nc.Connect(context.Background()); err == nil {
					t.Fatal("Connect after the client's Close succeeded")
				}
				return
			}
		case <-deadline:
			t.Fatal("the Conn is still open after its client's Close")
		}
	}
}
