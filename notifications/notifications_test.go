package notifications_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/internal/notifysim"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/notifications"
)

// env is a notification hub on a loopback server and a client for it.
type env struct {
	hub      *notifysim.Hub
	srv      *httptest.Server
	client   *notifications.Client
	connects chan notifications.ConnectInfo
}

func newEnv(t *testing.T, cfg notifysim.Config, opts ...notifications.Option) *env {
	t.Helper()
	e := &env{hub: notifysim.New(cfg), connects: make(chan notifications.ConnectInfo, 100)}
	e.srv = httptest.NewServer(e.hub)
	t.Cleanup(func() {
		e.hub.Close()
		e.srv.Close()
	})
	pc, err := platformclient.New(platformclient.WithBaseURL(e.srv.URL), platformclient.WithAccessToken("t"))
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]notifications.Option{
		notifications.WithConnectHandler(func(i notifications.ConnectInfo) { e.connects <- i }),
		notifications.WithReconnectBackoff(time.Millisecond, 10*time.Millisecond),
		notifications.WithHandoverGrace(20 * time.Millisecond),
	}, opts...)
	e.client = notifications.NewClient(pc, opts...)
	return e
}

func (e *env) connect(t *testing.T) *notifications.Conn {
	t.Helper()
	conn, err := e.client.Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if i := e.nextConnect(t); i.Reconnect {
		t.Fatalf("first connection reported as reconnect: %+v", i)
	}
	return conn
}

// nextConnect waits for the connect handler; the timeout only bounds a
// failing test.
func (e *env) nextConnect(t *testing.T) notifications.ConnectInfo {
	t.Helper()
	select {
	case i := <-e.connects:
		return i
	case <-time.After(10 * time.Second):
		t.Fatal("no (re)connection")
	}
	return notifications.ConnectInfo{}
}

func next(t *testing.T, conn *notifications.Conn) notifications.Event {
	t.Helper()
	select {
	case ev, ok := <-conn.Events():
		if !ok {
			t.Fatal("events closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
	}
	return notifications.Event{}
}

func presence(id string) *models.PresenceEventUserPresence {
	return &models.PresenceEventUserPresence{Source: platformclient.Ptr("PURECLOUD"),
		PresenceDefinition: models.PresenceEventOrganizationPresence{ID: platformclient.Ptr(id), SystemPresence: platformclient.Ptr("Available")}}
}

// publish publishes until the hub has a subscribed socket to send to (a
// subscription made by PUT right after a new socket connects is visible at
// once, so this normally succeeds the first time).
func publish(t *testing.T, hub *notifysim.Hub, topic string, body any) {
	t.Helper()
	if n := hub.Publish(topic, body); n != 1 {
		t.Fatalf("published %s to %d sockets, want 1", topic, n)
	}
}

func TestSubscribeAndReceiveTypedEvent(t *testing.T) {
	e := newEnv(t, notifysim.Config{})
	conn := e.connect(t)
	topic := notifications.Topic("v2.users.{id}.presence", "user-1")
	if topic != "v2.users.user-1.presence" {
		t.Fatalf("topic %q", topic)
	}
	if err := conn.Subscribe(context.Background(), topic, topic); err != nil {
		t.Fatal(err)
	}
	if got := e.hub.Subscriptions(conn.Channel().ID); !slices.Equal(got, []string{topic}) {
		t.Fatalf("hub subscriptions %v", got)
	}
	publish(t, e.hub, topic, presence("p-1"))
	ev := next(t, conn)
	p, ok := notifications.As[models.PresenceEventUserPresence](ev)
	if !ok || ev.Topic != topic || ev.Pattern != "v2.users.{id}.presence" || *p.PresenceDefinition.ID != "p-1" || ev.CorrelationID == "" {
		t.Fatalf("event %+v", ev)
	}
	if err := conn.Ping(context.Background()); err != nil {
		t.Fatalf("ping: %v", err)
	}
	// Unsubscribing stops delivery.
	if err := conn.Unsubscribe(context.Background(), topic); err != nil {
		t.Fatal(err)
	}
	if n := e.hub.Publish(topic, presence("p-2")); n != 0 || len(conn.Topics()) != 0 {
		t.Fatalf("after unsubscribe: delivered to %d, topics %v", n, conn.Topics())
	}
}

func TestHandlerAndUnknownTopics(t *testing.T) {
	got := make(chan notifications.Event, 10)
	e := newEnv(t, notifysim.Config{}, notifications.WithHandler(func(ev notifications.Event) { got <- ev }))
	conn := e.connect(t)
	if conn.Events() != nil {
		t.Fatal("Events is not nil with a handler")
	}
	if err := conn.SetTopics(context.Background(), "v2.made.up.topic", "v2.routing.queues.q1.users"); err != nil {
		t.Fatal(err)
	}
	e.hub.Publish("v2.made.up.topic", map[string]int{"n": 1})
	ev := <-got
	if ev.Pattern != "" || ev.Data != nil || string(ev.Body) != `{"n":1}` {
		t.Fatalf("unknown topic event %+v", ev)
	}
}

func TestSocketClosingReconnects(t *testing.T) {
	e := newEnv(t, notifysim.Config{ClosingGrace: time.Hour})
	conn := e.connect(t)
	topics := []string{notifications.Topic("v2.users.{id}.presence", "u1"), notifications.Topic("v2.users.{id}.presence", "u2")}
	if err := conn.Subscribe(context.Background(), topics...); err != nil {
		t.Fatal(err)
	}
	ch := conn.Channel().ID
	if n := e.hub.SocketClosing(ch); n != 1 {
		t.Fatalf("socket_closing sent to %d sockets", n)
	}
	// Published after socket_closing but maybe before the new socket: it
	// goes to the old socket, which still delivers during the handover.
	e.hub.Publish(topics[0], presence("before"))
	i := e.nextConnect(t)
	if !i.Reconnect || !errors.Is(i.Reason, notifications.ErrSocketClosing) || i.NewChannel || i.ChannelID != ch {
		t.Fatalf("reconnect %+v", i)
	}
	if got := e.hub.Subscriptions(ch); !slices.Equal(got, topics) {
		t.Fatalf("subscriptions after reconnect %v, want %v", got, topics)
	}
	// The old socket's event is read first: the two sockets are read by
	// different goroutines, so events of the old and the new socket may
	// otherwise arrive in either order.
	var ids []string
	p, _ := notifications.As[models.PresenceEventUserPresence](next(t, conn))
	ids = append(ids, *p.PresenceDefinition.ID)
	publish(t, e.hub, topics[1], presence("after"))
	p, _ = notifications.As[models.PresenceEventUserPresence](next(t, conn))
	ids = append(ids, *p.PresenceDefinition.ID)
	if !slices.Equal(ids, []string{"before", "after"}) {
		t.Fatalf("events %v", ids)
	}
}

func TestDroppedConnectionReconnects(t *testing.T) {
	e := newEnv(t, notifysim.Config{})
	conn := e.connect(t)
	topics := []string{"v2.users.u1.presence", "v2.users.u1?routingStatus&conversationsummary"}
	if err := conn.Subscribe(context.Background(), topics...); err != nil {
		t.Fatal(err)
	}
	ch := conn.Channel().ID
	if e.hub.Drop(ch) != 1 {
		t.Fatal("nothing dropped")
	}
	i := e.nextConnect(t)
	if !i.Reconnect || i.Reason == nil || i.ChannelID != ch {
		t.Fatalf("reconnect %+v", i)
	}
	if got := e.hub.Subscriptions(ch); !slices.Equal(got, topics) {
		t.Fatalf("subscriptions after reconnect %v", got)
	}
	for k := range 5 {
		publish(t, e.hub, "v2.users.u1.routingStatus", map[string]any{"routingStatus": map[string]any{"status": fmt.Sprint(k)}})
	}
	for k := range 5 {
		ev := next(t, conn)
		if ev.Pattern != "v2.users.{id}.routingStatus" || !strings.Contains(string(ev.Body), fmt.Sprintf(`"status":"%d"`, k)) {
			t.Fatalf("event %d: %+v", k, ev)
		}
	}
}

func TestGoneChannelIsReplaced(t *testing.T) {
	e := newEnv(t, notifysim.Config{})
	conn := e.connect(t)
	topic := "v2.users.u1.presence"
	if err := conn.Subscribe(context.Background(), topic); err != nil {
		t.Fatal(err)
	}
	old := conn.Channel().ID
	e.hub.Remove(old) // closes the socket; the channel cannot be reused
	i := e.nextConnect(t)
	if !i.NewChannel || i.ChannelID == old || i.ChannelID != conn.Channel().ID {
		t.Fatalf("reconnect %+v", i)
	}
	if got := e.hub.Subscriptions(i.ChannelID); !slices.Equal(got, []string{topic}) {
		t.Fatalf("subscriptions on the new channel %v", got)
	}
	publish(t, e.hub, topic, presence("new"))
	if p, ok := notifications.As[models.PresenceEventUserPresence](next(t, conn)); !ok || *p.PresenceDefinition.ID != "new" {
		t.Fatal("no event on the new channel")
	}
}

func TestMissingHeartbeatIsDetected(t *testing.T) {
	e := newEnv(t, notifysim.Config{HeartbeatInterval: -1}, notifications.WithHeartbeatTimeout(30*time.Millisecond))
	conn := e.connect(t)
	i := e.nextConnect(t)
	if !i.Reconnect || !errors.Is(i.Reason, notifications.ErrHeartbeatTimeout) || i.ChannelID != conn.Channel().ID {
		t.Fatalf("reconnect %+v", i)
	}
}

func TestHeartbeatsKeepTheSocket(t *testing.T) {
	e := newEnv(t, notifysim.Config{HeartbeatInterval: 5 * time.Millisecond}, notifications.WithHeartbeatTimeout(200*time.Millisecond))
	conn := e.connect(t)
	if err := conn.Subscribe(context.Background(), "v2.users.u1.presence"); err != nil {
		t.Fatal(err)
	}
	// Silence beyond the timeout apart from heartbeats: still one socket.
	for range 3 {
		if err := conn.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case i := <-e.connects:
		t.Fatalf("unexpected reconnect %+v", i)
	default:
	}
}

func TestChannelExpiryMovesToNewChannel(t *testing.T) {
	e := newEnv(t, notifysim.Config{ChannelTTL: time.Hour}, notifications.WithExpiryMargin(time.Hour-50*time.Millisecond))
	conn := e.connect(t)
	topics := []string{"v2.users.u1.presence", "v2.users.u2.presence"}
	if err := conn.Subscribe(context.Background(), topics...); err != nil {
		t.Fatal(err)
	}
	old := conn.Channel().ID
	i := e.nextConnect(t)
	if !i.NewChannel || !errors.Is(i.Reason, notifications.ErrChannelExpiring) || i.ChannelID == old {
		t.Fatalf("rotation %+v", i)
	}
	if got := e.hub.Subscriptions(i.ChannelID); !slices.Equal(got, topics) {
		t.Fatalf("subscriptions on the new channel %v", got)
	}
	// Once the old socket is retired, each event arrives once.
	for e.hub.Connections(old) > 0 {
		time.Sleep(time.Millisecond)
	}
	publish(t, e.hub, topics[0], presence("one"))
	publish(t, e.hub, topics[0], presence("two"))
	for _, want := range []string{"one", "two"} {
		p, _ := notifications.As[models.PresenceEventUserPresence](next(t, conn))
		if *p.PresenceDefinition.ID != want {
			t.Fatalf("got %s, want %s", *p.PresenceDefinition.ID, want)
		}
	}
}

func TestTopicLimit(t *testing.T) {
	e := newEnv(t, notifysim.Config{})
	conn := e.connect(t)
	many := make([]string, 1001)
	for i := range many {
		many[i] = notifications.Topic("v2.users.{id}.presence", fmt.Sprintf("u%d", i))
	}
	var le *notifications.TopicLimitError
	if err := conn.Subscribe(context.Background(), many...); !errors.As(err, &le) || le.Limit != 1000 || le.Requested != 1001 {
		t.Fatalf("1,001 topics: %v", err)
	}
	if len(e.hub.Subscriptions(conn.Channel().ID)) != 0 {
		t.Fatal("topics were sent despite the limit")
	}
	if err := conn.Subscribe(context.Background(), many[:1000]...); err != nil {
		t.Fatal(err)
	}
	if err := conn.Subscribe(context.Background(), many[1000]); !errors.As(err, &le) {
		t.Fatalf("topic 1,001: %v", err)
	}
	if err := conn.SetTopics(context.Background(), many...); !errors.As(err, &le) {
		t.Fatalf("SetTopics 1,001: %v", err)
	}
	var ie *notifications.InvalidTopicError
	if err := conn.Subscribe(context.Background(), "v2.users.{id}.presence"); !errors.As(err, &ie) {
		t.Fatalf("unfilled pattern: %v", err)
	}
}

func TestRejectedTopics(t *testing.T) {
	e := newEnv(t, notifysim.Config{Permit: func(topic string) (bool, string) {
		return !strings.Contains(topic, "secret"), "missing permission"
	}})
	conn := e.connect(t)
	err := conn.Subscribe(context.Background(), "v2.users.u1.presence", "v2.users.secret.presence")
	var se *notifications.SubscriptionError
	if !errors.As(err, &se) || len(se.Rejected) != 1 || !strings.Contains(err.Error(), "missing permission") {
		t.Fatalf("error %v", err)
	}
	if got := conn.Topics(); !slices.Equal(got, []string{"v2.users.u1.presence"}) {
		t.Fatalf("topics %v", got)
	}
}

func TestAvailableTopicsAndClose(t *testing.T) {
	e := newEnv(t, notifysim.Config{})
	topics, err := e.client.AvailableTopics(context.Background())
	if err != nil || len(topics) < 200 {
		t.Fatalf("%d topics, %v", len(topics), err)
	}
	conn := e.connect(t)
	ch := conn.Channel().ID
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // a reader ends when the Conn closes
		defer wg.Done()
		for range conn.Events() {
		}
	}()
	if err := conn.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if err := conn.Subscribe(context.Background(), "v2.users.u1.presence"); !errors.Is(err, notifications.ErrClosed) {
		t.Fatalf("subscribe after close: %v", err)
	}
	for e.hub.Connections(ch) > 0 {
		time.Sleep(time.Millisecond)
	}
}

func TestPatternOf(t *testing.T) {
	for topic, want := range map[string]string{
		"v2.users.abc.presence":      "v2.users.{id}.presence",
		"v2.system.socket_closing":   "v2.system.socket_closing",
		"v2.system.a.b":              "v2.system.{id}.{id}",
		"v2.users..presence":         "",
		"v2.users.abc.presence.more": "",
	} {
		if got := notifications.PatternOf(topic); got != want {
			t.Errorf("PatternOf(%q) = %q, want %q", topic, got, want)
		}
	}
	if got := notifications.Topic("v2.system.{id}.{id}", "a"); got != "v2.system.a.{id}" {
		t.Errorf("Topic with a missing id: %q", got)
	}
}
