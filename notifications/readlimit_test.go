package notifications_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/internal/notifysim"
	"github.com/purecloudgo/platformclient/notifications"
)

// A websocket message larger than the client's maximum response size is not
// read: the socket is given up and replaced, and smaller events still
// arrive.
func TestMessageOverTheClientsBound(t *testing.T) {
	hub := notifysim.New(notifysim.Config{})
	srv := httptest.NewServer(hub)
	t.Cleanup(func() { hub.Close(); srv.Close() })
	pc, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("t"),
		platformclient.WithMaxResponseSize(4096))
	if err != nil {
		t.Fatal(err)
	}
	connects := make(chan notifications.ConnectInfo, 10)
	nc := notifications.NewClient(pc, notifications.WithConnectHandler(func(i notifications.ConnectInfo) { connects <- i }),
		notifications.WithReconnectBackoff(time.Millisecond, 10*time.Millisecond))
	conn, err := nc.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	e := &env{hub: hub, srv: srv, client: nc, connects: connects}
	e.nextConnect(t)
	topic := "v2.users.u1.presence"
	if err := conn.Subscribe(context.Background(), topic); err != nil {
		t.Fatal(err)
	}
	publish(t, hub, topic, map[string]any{"message": strings.Repeat("x", 8192)})
	i := e.nextConnect(t)
	if !i.Reconnect || i.Reason == nil || !strings.Contains(i.Reason.Error(), "read limited") {
		t.Fatalf("reconnect %+v", i)
	}
	publish(t, hub, topic, presence("p1"))
	if ev := next(t, conn); ev.Topic != topic {
		t.Fatalf("event %+v", ev)
	}
}
