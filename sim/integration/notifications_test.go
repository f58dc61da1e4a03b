package integration

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/presence"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/notifications"
	"github.com/purecloudgo/platformclient/sim"
)

// notifyEnv is a simulator, an API client and a notification connection.
type notifyEnv struct {
	s        *sim.Server
	c        *platformclient.Client
	conn     *notifications.Conn
	connects chan notifications.ConnectInfo
}

func startNotify(t *testing.T, ns sim.NotificationSettings) *notifyEnv {
	t.Helper()
	e := &notifyEnv{s: sim.StartTest(t, sim.WithSeedUsers(100), sim.WithNotifications(ns)),
		connects: make(chan notifications.ConnectInfo, 16)}
	var err error
	if e.c, err = e.s.NewClient(); err != nil {
		t.Fatal(err)
	}
	n := notifications.NewClient(e.c,
		notifications.WithConnectHandler(func(i notifications.ConnectInfo) { e.connects <- i }),
		notifications.WithReconnectBackoff(time.Millisecond, 10*time.Millisecond),
		notifications.WithHandoverGrace(20*time.Millisecond))
	if e.conn, err = n.Connect(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.conn.Close() })
	if i := e.nextConnect(t); i.Reconnect {
		t.Fatalf("first connection reported as a reconnect: %+v", i)
	}
	return e
}

// nextConnect waits for the connect handler; the timeout only bounds a
// failing test.
func (e *notifyEnv) nextConnect(t *testing.T) notifications.ConnectInfo {
	t.Helper()
	select {
	case i := <-e.connects:
		return i
	case <-time.After(10 * time.Second):
		t.Fatal("no (re)connection")
	}
	return notifications.ConnectInfo{}
}

// next returns the next event.
func (e *notifyEnv) next(t *testing.T) notifications.Event {
	t.Helper()
	select {
	case ev, ok := <-e.conn.Events():
		if !ok {
			t.Fatal("events closed")
		}
		if ev.Err != nil {
			t.Fatalf("event %s: %v", ev.Topic, ev.Err)
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
	}
	return notifications.Event{}
}

func (e *notifyEnv) firstUser(t *testing.T) string {
	t.Helper()
	l, err := users.NewClient(e.c).GetUsers(context.Background(), &users.GetUsersOptions{PageSize: platformclient.Ptr(1)})
	if err != nil || len(l.Entities) == 0 {
		t.Fatalf("users: %v", err)
	}
	return *l.Entities[0].ID
}

// presenceID returns the id of the seeded presence definition with a
// system presence.
func (e *notifyEnv) presenceID(t *testing.T, system string) string {
	t.Helper()
	l, err := presence.NewClient(e.c).GetPresencedefinitions(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range l.Entities {
		if platformclient.Value(p.SystemPresence) == system {
			return *p.ID
		}
	}
	t.Fatalf("no presence definition %s", system)
	return ""
}

func (e *notifyEnv) setPresence(t *testing.T, userID, definitionID string) *models.UserPresence {
	t.Helper()
	p, err := presence.NewClient(e.c).PatchUserPresencesPurecloud(context.Background(), userID,
		&models.UserPresence{PresenceDefinition: models.PresenceDefinition{ID: &definitionID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNotificationChannelOnSimulator(t *testing.T) {
	e := startNotify(t, sim.NotificationSettings{})
	ch := e.conn.Channel()
	if want := "ws://" + strings.TrimPrefix(e.s.URL(), "http://") + "/channels/" + ch.ID; ch.ConnectURI != want {
		t.Fatalf("connectUri %q, want %q", ch.ConnectURI, want)
	}
	if got := e.s.NotificationChannels(); !slices.Equal(got, []string{ch.ID}) || e.s.ChannelSockets(ch.ID) != 1 {
		t.Fatalf("channels %v, sockets %d", got, e.s.ChannelSockets(ch.ID))
	}
	if ch.Expires.IsZero() {
		t.Fatal("channel without expiry")
	}
	// A misspelt topic is rejected, the valid one is kept.
	err := e.conn.Subscribe(context.Background(), "v2.users.x.presense", "v2.users.x?presence&routingStatus")
	var se *notifications.SubscriptionError
	if !errors.As(err, &se) || len(se.Rejected) != 1 || *se.Rejected[0].ID != "v2.users.x.presense" {
		t.Fatalf("subscribe: %v", err)
	}
	if got := e.s.ChannelTopics(ch.ID); !slices.Equal(got, []string{"v2.users.x?presence&routingStatus"}) {
		t.Fatalf("topics %v", got)
	}
	// Unknown channels get a Genesys 404.
	_, err = notifications.NewClient(e.c).Subscriptions(context.Background(), "streaming-0-nope")
	var ae *platformclient.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound || !platformclient.IsNotFound(err) || ae.CorrelationID == "" {
		t.Fatalf("unknown channel: %v", err)
	}
}

func TestNotificationRoutesNeedToken(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	for _, path := range []string{"/api/v2/notifications/channels", "/api/v2/notifications/availabletopics"} {
		method := http.MethodPost
		if strings.HasSuffix(path, "topics") {
			method = http.MethodGet
		}
		req, _ := http.NewRequest(method, s.URL()+path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var body struct {
			Code      string `json:"code"`
			Status    int    `json:"status"`
			ContextID string `json:"contextId"`
		}
		if err := json.Unmarshal(data, &body); err != nil || resp.StatusCode != http.StatusUnauthorized ||
			body.Status != 401 || body.Code == "" || body.ContextID != resp.Header.Get("ININ-Correlation-Id") {
			t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, data)
		}
	}
	if n := len(s.NotificationChannels()); n != 0 {
		t.Fatalf("%d channels made without a token", n)
	}
	// The websocket of an unknown channel is a 404.
	resp, err := http.Get(s.URL() + "/channels/streaming-0-unknown")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown socket: %d", resp.StatusCode)
	}
}

func TestPresenceChangeEvent(t *testing.T) {
	e := startNotify(t, sim.NotificationSettings{})
	ctx := context.Background()
	uid := e.firstUser(t)
	topic := notifications.Topic("v2.users.{id}.presence", uid)
	if err := e.conn.Subscribe(ctx, topic, notifications.Topic("v2.users.{id}.routingStatus", uid)); err != nil {
		t.Fatal(err)
	}
	before, err := presence.NewClient(e.c).GetUserPresencesPurecloud(ctx, uid, nil)
	if err != nil || *before.PresenceDefinition.SystemPresence != "Offline" {
		t.Fatalf("initial presence %+v, %v", before, err)
	}

	available := e.presenceID(t, "Available")
	e.setPresence(t, uid, available)
	ev := e.next(t)
	p, ok := notifications.As[models.PresenceEventUserPresence](ev)
	if !ok || ev.Topic != topic || ev.Pattern != "v2.users.{id}.presence" || ev.CorrelationID == "" {
		t.Fatalf("event %+v", ev)
	}
	if *p.PresenceDefinition.ID != available || *p.PresenceDefinition.SystemPresence != "Available" ||
		*p.Source != "PURECLOUD" || !*p.Primary || p.ModifiedDate == nil {
		t.Fatalf("presence %+v", p)
	}
	got, err := presence.NewClient(e.c).GetUserPresence(ctx, uid, "PURECLOUD", nil)
	if err != nil || *got.PresenceDefinition.ID != available {
		t.Fatalf("presence after change %+v, %v", got, err)
	}

	// Going on queue changes the routing status too.
	e.setPresence(t, uid, e.presenceID(t, "OnQueue"))
	var rs *models.UserRoutingStatusUserRoutingStatus
	for rs == nil {
		ev := e.next(t)
		rs, _ = notifications.As[models.UserRoutingStatusUserRoutingStatus](ev)
	}
	if *rs.ID != uid || *rs.RoutingStatus.Status != models.UserRoutingStatusRoutingStatusStatusIDLE {
		t.Fatalf("routing status %+v", rs)
	}
	// And an explicit routing status change is published.
	off := models.RoutingStatusStatusOFFQUEUE
	if _, err := users.NewClient(e.c).PutUserRoutingstatus(ctx, uid, &models.RoutingStatus{Status: &off}, nil); err != nil {
		t.Fatal(err)
	}
	rs, ok = notifications.As[models.UserRoutingStatusUserRoutingStatus](e.next(t))
	if !ok || *rs.RoutingStatus.Status != models.UserRoutingStatusRoutingStatusStatusOFFQUEUE {
		t.Fatalf("routing status %+v", rs)
	}

	// Unknown presence definitions are refused with 400.
	_, err = presence.NewClient(e.c).PatchUserPresencesPurecloud(ctx, uid,
		&models.UserPresence{PresenceDefinition: models.PresenceDefinition{ID: platformclient.Ptr("nope")}}, nil)
	var ae *platformclient.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown definition: %v", err)
	}
}

func TestQueueMembershipEvents(t *testing.T) {
	e := startNotify(t, sim.NotificationSettings{})
	ctx := context.Background()
	rc := routing.NewClient(e.c)
	qs, err := rc.GetRoutingQueues(ctx, &routing.GetRoutingQueuesOptions{PageSize: platformclient.Ptr(1)})
	if err != nil || len(qs.Entities) == 0 {
		t.Fatalf("queues: %v", err)
	}
	qid := *qs.Entities[0].ID
	ms, err := rc.GetRoutingQueueMembers(ctx, qid, nil)
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]bool{}
	for _, m := range ms.Entities {
		members[*m.ID] = true
	}
	ul, err := users.NewClient(e.c).GetUsers(ctx, &users.GetUsersOptions{PageSize: platformclient.Ptr(100)})
	if err != nil {
		t.Fatal(err)
	}
	uid := ""
	for _, u := range ul.Entities {
		if !members[*u.ID] {
			uid = *u.ID
			break
		}
	}
	if uid == "" {
		t.Fatal("every user is a member")
	}
	topic := notifications.Topic("v2.routing.queues.{id}.users", qid)
	if err := e.conn.Subscribe(ctx, topic); err != nil {
		t.Fatal(err)
	}
	check := func(step string, joined bool) {
		t.Helper()
		ev := e.next(t)
		m, ok := notifications.As[models.QueueUserEventTopicQueueMember](ev)
		if !ok || ev.Topic != topic || *m.ID != uid || *m.User.ID != uid || *m.QueueID != qid || *m.Joined != joined {
			t.Fatalf("%s: event %+v", step, ev)
		}
	}
	if err := rc.PostRoutingQueueMembers(ctx, qid, []models.WritableEntity{{ID: &uid}}, nil); err != nil {
		t.Fatal(err)
	}
	check("add", false)
	if err := rc.PatchRoutingQueueMember(ctx, qid, uid, &models.QueueMember{Joined: platformclient.Ptr(true)}, nil); err != nil {
		t.Fatal(err)
	}
	check("join", true)
	if err := rc.DeleteRoutingQueueMember(ctx, qid, uid, nil); err != nil {
		t.Fatal(err)
	}
	check("remove", false)
}

func TestSocketClosingAndDropOnSimulator(t *testing.T) {
	e := startNotify(t, sim.NotificationSettings{ClosingGrace: 50 * time.Millisecond, HeartbeatInterval: 20 * time.Millisecond})
	ctx := context.Background()
	uid := e.firstUser(t)
	topics := []string{notifications.Topic("v2.users.{id}.presence", uid), notifications.Topic("v2.users.{id}.routingStatus", uid)}
	if err := e.conn.Subscribe(ctx, topics...); err != nil {
		t.Fatal(err)
	}
	ch := e.conn.Channel().ID
	definitions := []string{e.presenceID(t, "Busy"), e.presenceID(t, "Away")}

	for round, disturb := range []func() int{
		func() int { return e.s.SocketClosing(ch) },
		func() int { return e.s.DropSockets(ch) },
	} {
		// The socket replaced in round 0 may still be open (closing grace).
		if n := disturb(); n < 1 {
			t.Fatalf("round %d: no socket affected", round)
		}
		i := e.nextConnect(t)
		if !i.Reconnect || i.ChannelID != ch || i.NewChannel {
			t.Fatalf("round %d: reconnect %+v", round, i)
		}
		if round == 0 && !errors.Is(i.Reason, notifications.ErrSocketClosing) {
			t.Fatalf("reason %v", i.Reason)
		}
		if got := e.s.ChannelTopics(ch); !slices.Equal(got, topics) {
			t.Fatalf("round %d: subscriptions after reconnect %v, want %v", round, got, topics)
		}
		e.setPresence(t, uid, definitions[round])
		p, ok := notifications.As[models.PresenceEventUserPresence](e.next(t))
		if !ok || *p.PresenceDefinition.ID != definitions[round] {
			t.Fatalf("round %d: event %+v", round, p)
		}
	}
	// No duplicate arrives after the handover.
	select {
	case ev := <-e.conn.Events():
		t.Fatalf("unexpected event %+v", ev)
	default:
	}
}

func TestCloseWithOpenSockets(t *testing.T) {
	s, err := sim.Start(sim.WithSeedUsers(1))
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := notifications.NewClient(c, notifications.WithReconnectBackoff(time.Millisecond, 5*time.Millisecond)).Connect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := s.Close(); err != nil { // returns once the socket's handler ended
		t.Fatal(err)
	}
	if n := len(s.NotificationChannels()); n != 0 {
		t.Fatalf("%d channels after close", n)
	}
}
