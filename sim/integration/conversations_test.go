package integration

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/analyticsjobs"
	"github.com/purecloudgo/platformclient/api/analytics"
	"github.com/purecloudgo/platformclient/api/conversations"
	"github.com/purecloudgo/platformclient/api/presence"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/notifications"
	"github.com/purecloudgo/platformclient/sim"
)

// convClock is a settable clock for the simulator.
type convClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *convClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *convClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// convEnv is a simulator on a fake clock with the API clients a contact
// centre program uses.
type convEnv struct {
	s     *sim.Server
	clock *convClock
	c     *platformclient.Client
	rt    *routing.Client
	us    *users.Client
	cv    *conversations.Client
	an    *analytics.Client
	pr    *presence.Client
	queue string // the first seeded queue
	agent string // a member of it
	onQ   string // the On Queue presence definition
	avail string // the Available presence definition
}

// convStart is where the fake clock starts: now, to the second. (The
// notifications client renews a channel whose expiry, set by the
// simulator's clock, looks past to the real clock.)
var convStart = time.Now().UTC().Truncate(time.Second)

func startConv(t *testing.T) *convEnv {
	t.Helper()
	e := &convEnv{clock: &convClock{t: convStart}}
	e.s = sim.StartTest(t, sim.WithSeedUsers(100), sim.WithClock(e.clock.Now), sim.WithAnalyticsJobPolls(0),
		sim.WithNotifications(sim.NotificationSettings{HeartbeatInterval: -1}))
	var err error
	if e.c, err = e.s.NewClient(); err != nil {
		t.Fatal(err)
	}
	e.rt, e.us, e.cv = routing.NewClient(e.c), users.NewClient(e.c), conversations.NewClient(e.c)
	e.an, e.pr = analytics.NewClient(e.c), presence.NewClient(e.c)
	ctx := context.Background()
	qs, err := e.rt.GetRoutingQueues(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.queue = *qs.Entities[0].ID
	e.agent = e.member(t, 1)
	defs, err := e.pr.GetPresencedefinitions(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs.Entities {
		switch platformclient.Value(d.SystemPresence) {
		case "OnQueue":
			e.onQ = *d.ID
		case "Available":
			e.avail = *d.ID
		}
	}
	return e
}

// member returns the id of the queue's i-th member.
func (e *convEnv) member(t *testing.T, i int) string {
	t.Helper()
	ms, err := e.rt.GetRoutingQueueMembers(context.Background(), e.queue, nil)
	if err != nil {
		t.Fatal(err)
	}
	return *ms.Entities[i].ID
}

// goOnQueue joins a member to the queue and sets them On Queue.
func (e *convEnv) goOnQueue(t *testing.T, uid string) {
	t.Helper()
	ctx := context.Background()
	if err := e.rt.PatchRoutingQueueMember(ctx, e.queue, uid, &models.QueueMember{Joined: ptr(true)}, nil); err != nil {
		t.Fatal(err)
	}
	e.setPresence(t, uid, e.onQ)
}

func (e *convEnv) setPresence(t *testing.T, uid, def string) {
	t.Helper()
	_, err := e.pr.PatchUserPresencesPurecloud(context.Background(), uid,
		&models.UserPresence{PresenceDefinition: models.PresenceDefinition{ID: &def}}, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// routingStatus reads a user's routing status.
func (e *convEnv) routingStatus(t *testing.T, uid string) models.RoutingStatusStatus {
	t.Helper()
	r, err := e.us.GetUserRoutingstatus(context.Background(), uid, nil)
	if err != nil {
		t.Fatal(err)
	}
	return *r.Status
}

// observe reads the queue's observation counts: plain metrics by name,
// qualified ones as "metric/qualifier".
func (e *convEnv) observe(t *testing.T) map[string]int {
	t.Helper()
	dim, op := models.QueueObservationQueryPredicateDimensionQueueID, models.QueueObservationQueryPredicateOperatorMatches
	r, err := e.an.PostAnalyticsQueuesObservationsQuery(context.Background(), &models.QueueObservationQuery{
		Filter: models.QueueObservationQueryFilter{Type: ptr(models.QueueObservationQueryFilterTypeOr),
			Predicates: []models.QueueObservationQueryPredicate{{Dimension: &dim, Operator: &op, Value: &e.queue}}},
		Metrics: []string{"oWaiting", "oAlerting", "oInteracting", "oOnQueueUsers", "oUserPresences"},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Results) != 1 || r.Results[0].Group["queueId"] != e.queue {
		t.Fatalf("observation results %+v", r.Results)
	}
	out := map[string]int{}
	for _, d := range r.Results[0].Data {
		k := *d.Metric
		if d.Qualifier != nil {
			k += "/" + *d.Qualifier
		}
		out[k] = platformclient.Value(d.Stats.Count)
	}
	return out
}

// wantCounts checks observation counts; a missing qualified key counts 0.
func wantCounts(t *testing.T, step string, got map[string]int, want map[string]int) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("%s: %s = %d, want %d (all: %v)", step, k, got[k], v, got)
		}
	}
}

// agentEvent waits for a v2.users.{id}.conversations event in which the
// user's participant has the state; it keeps the other events it reads in
// seen, by topic pattern.
func agentEvent(t *testing.T, conn *notifications.Conn, seen map[string]any, convID, uid, state string) *models.ConversationEventTopicParticipant {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev := <-conn.Events():
			if ev.Err != nil {
				t.Fatalf("event %s: %v", ev.Topic, ev.Err)
			}
			seen[ev.Pattern] = ev.Data
			c, ok := notifications.As[models.ConversationEventTopicConversation](ev)
			if !ok || platformclient.Value(c.ID) != convID {
				continue
			}
			for i, p := range c.Participants {
				if platformclient.Value(p.UserID) == uid && len(p.Callbacks) == 1 && string(platformclient.Value(p.Callbacks[0].State)) == state {
					return &c.Participants[i]
				}
			}
		case <-timeout:
			t.Fatalf("no event of %s %s in conversation %s", uid, state, convID)
			return nil
		}
	}
}

// metricsOf returns a participant's session metrics by name.
func metricsOf(p models.AnalyticsParticipant) map[string]int {
	out := map[string]int{}
	for _, s := range p.Sessions {
		for _, m := range s.Metrics {
			out[*m.Name] = *m.Value
		}
	}
	return out
}

// TestCallbackEndToEnd drives a callback from creation to analytics through
// the generated packages: an agent goes on queue, a callback routes to them
// (the event arrives on the websocket), they answer, talk, disconnect and
// wrap up; the queue observations follow each step; the conversation is in
// a details query and a details job's results with the durations that
// passed on the clock.
func TestCallbackEndToEnd(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	conn, err := notifications.NewClient(e.c).Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Subscribe(ctx, notifications.Topic("v2.users.{id}.conversations", e.agent),
		notifications.Topic("v2.routing.queues.{id}.conversations.callbacks", e.queue)); err != nil {
		t.Fatal(err)
	}

	// 1. The agent goes on queue: IDLE.
	e.goOnQueue(t, e.agent)
	if st := e.routingStatus(t, e.agent); st != models.RoutingStatusStatusIDLE {
		t.Fatalf("on queue: routing status %s", st)
	}
	wantCounts(t, "on queue", e.observe(t), map[string]int{"oWaiting": 0, "oInteracting": 0,
		"oOnQueueUsers/IDLE": 1, "oUserPresences/" + e.onQ: 1})

	// 2. A callback to the queue routes to the agent at once.
	cb, err := e.cv.PostConversationsCallbacks(ctx, &models.CreateCallbackCommand{QueueID: &e.queue,
		CallbackNumbers: []string{"+13175550123"}, CallbackUserName: ptr("Pat Doe")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	convID := *cb.Conversation.ID
	seen := map[string]any{}
	if err := conn.Subscribe(ctx, notifications.Topic("v2.detail.events.conversation.{id}.acd.end", convID),
		notifications.Topic("v2.detail.events.conversation.{id}.user.end", convID),
		notifications.Topic("v2.detail.events.conversation.{id}.acw", convID)); err != nil {
		t.Fatal(err)
	}
	alerting := agentEvent(t, conn, seen, convID, e.agent, "alerting")
	pid, cid := *alerting.ID, *alerting.Callbacks[0].ID
	if st := e.routingStatus(t, e.agent); st != models.RoutingStatusStatusINTERACTING {
		t.Fatalf("alerting: routing status %s", st)
	}
	wantCounts(t, "alerting", e.observe(t), map[string]int{"oWaiting": 0, "oAlerting": 1, "oInteracting": 0,
		"oOnQueueUsers/INTERACTING": 1, "oOnQueueUsers/IDLE": 0})

	// 3. The agent answers after 5 s and talks for 2 min.
	e.clock.Add(5 * time.Second)
	if err := e.cv.PatchConversationsCallbackParticipant(ctx, convID, pid,
		&models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateConnected)}, nil); err != nil {
		t.Fatal(err)
	}
	agentEvent(t, conn, seen, convID, e.agent, "connected")
	wantCounts(t, "connected", e.observe(t), map[string]int{"oWaiting": 0, "oAlerting": 0, "oInteracting": 1})
	got, err := e.cv.GetConversationsCallback(ctx, convID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Participants) != 3 || platformclient.Value(got.Participants[2].State) != models.CallbackMediaParticipantStateConnected ||
		got.Participants[0].CallbackNumbers[0] != "+13175550123" {
		t.Fatalf("callback conversation %+v", got.Participants)
	}
	e.clock.Add(2 * time.Minute)

	// 4. The agent disconnects (the customer with them) and wraps up 30 s later.
	if err := e.cv.PatchConversationsCallbackParticipant(ctx, convID, pid,
		&models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateDisconnected)}, nil); err != nil {
		t.Fatal(err)
	}
	agentEvent(t, conn, seen, convID, e.agent, "disconnected")
	if st := e.routingStatus(t, e.agent); st != models.RoutingStatusStatusINTERACTING {
		t.Fatalf("after-call work: routing status %s, want INTERACTING until wrap-up", st)
	}
	wantCounts(t, "after-call work", e.observe(t), map[string]int{"oInteracting": 0, "oOnQueueUsers/INTERACTING": 1})
	e.clock.Add(30 * time.Second)
	codes, err := e.rt.GetRoutingWrapupcodes(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	code := *codes.Entities[0].ID
	if err := e.cv.PostConversationsCallbackParticipantCommunicationWrapup(ctx, convID, pid, cid,
		&conversations.PostConversationsCallbackParticipantCommunicationWrapupOptions{
			Body: &models.WrapupInput{Code: &code, Notes: ptr("called back")}}); err != nil {
		t.Fatal(err)
	}
	if st := e.routingStatus(t, e.agent); st != models.RoutingStatusStatusIDLE {
		t.Fatalf("wrapped up: routing status %s", st)
	}
	// The detail events: the queue's end (answered by the agent), the
	// agent's end and after-call work, with their durations.
	for deadline := time.After(5 * time.Second); seen["v2.detail.events.conversation.{id}.acw"] == nil; {
		select {
		case ev := <-conn.Events():
			seen[ev.Pattern] = ev.Data
		case <-deadline:
			t.Fatal("no acw detail event")
		}
	}
	acdEnd := seen["v2.detail.events.conversation.{id}.acd.end"].(*models.AcdEndDetailEventTopicAcdEndEvent)
	userEnd := seen["v2.detail.events.conversation.{id}.user.end"].(*models.UserEndDetailEventTopicUserEndEvent)
	acw := seen["v2.detail.events.conversation.{id}.acw"].(*models.AcwDetailEventTopicAfterCallWorkEvent)
	if platformclient.Value(acdEnd.ACDOutcome) != models.AcdEndDetailEventTopicAcdEndEventACDOutcomeANSWERED ||
		platformclient.Value(acdEnd.AnsweredUserID) != e.agent || platformclient.Value(userEnd.InteractingDurationMs) != 120000 ||
		platformclient.Value(userEnd.AlertingDurationMs) != 5000 || platformclient.Value(acw.WrapupDurationMs) != 30000 ||
		platformclient.Value(acw.WrapupCode) != code {
		t.Fatalf("detail events: %+v / %+v / %+v", acdEnd, userEnd, acw)
	}
	wantCounts(t, "wrapped up", e.observe(t), map[string]int{"oWaiting": 0, "oInteracting": 0, "oOnQueueUsers/IDLE": 1})
	full, err := e.cv.GetConversation(ctx, convID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if full.EndTime == nil || !full.EndTime.Time.Equal(convStart.Add(125*time.Second)) {
		t.Fatalf("conversation end %v", full.EndTime)
	}

	// 5. Analytics: the details query and a details job agree with the clock.
	check := func(src string, c models.AnalyticsConversation) {
		t.Helper()
		if *c.ConversationID != convID || !c.ConversationStart.Time.Equal(convStart) ||
			!c.ConversationEnd.Time.Equal(convStart.Add(125*time.Second)) || len(c.Participants) != 3 {
			t.Fatalf("%s: conversation %+v", src, c)
		}
		acd, agent := metricsOf(c.Participants[1]), metricsOf(c.Participants[2])
		if acd["tAcd"] != 5000 || acd["nOffered"] != 1 {
			t.Fatalf("%s: acd metrics %v", src, acd)
		}
		want := map[string]int{"tAlert": 5000, "tAnswered": 5000, "tTalk": 120000, "tTalkComplete": 120000,
			"tAcw": 30000, "tHandle": 150000, "nConnected": 1}
		for k, v := range want {
			if agent[k] != v {
				t.Fatalf("%s: agent %s = %d, want %d (all %v)", src, k, agent[k], v, agent)
			}
		}
		segs := c.Participants[2].Sessions[0].Segments
		last := segs[len(segs)-1]
		if len(segs) != 3 || *last.SegmentType != models.AnalyticsConversationSegmentSegmentTypeWrapup ||
			platformclient.Value(last.WrapUpCode) != code || platformclient.Value(last.WrapUpNote) != "called back" {
			t.Fatalf("%s: agent segments %+v", src, segs)
		}
		if *c.Participants[2].UserID != e.agent {
			t.Fatalf("%s: agent %s", src, *c.Participants[2].UserID)
		}
	}
	interval := convStart.Add(-time.Hour).Format(time.RFC3339) + "/" + convStart.Add(time.Hour).Format(time.RFC3339)
	q, err := e.an.PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &interval}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if platformclient.Value(q.TotalHits) != 1 || len(q.Conversations) != 1 {
		t.Fatalf("details query: %d hits, %d conversations", platformclient.Value(q.TotalHits), len(q.Conversations))
	}
	// The query answers the without-attributes model; read it as the full one.
	var one models.AnalyticsConversation
	raw, err := json.Marshal(q.Conversations[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &one); err != nil {
		t.Fatal(err)
	}
	check("details query", one)
	single, err := e.an.GetAnalyticsConversationDetails(ctx, convID, nil)
	if err != nil || *single.ConversationID != convID || len(single.Participants) != 3 {
		t.Fatalf("details of one conversation: %+v, %v", single, err)
	}
	multi, err := e.an.GetAnalyticsConversationsDetails(ctx, &analytics.GetAnalyticsConversationsDetailsOptions{ID: []string{convID, "0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978"}})
	if err != nil || len(multi.Conversations) != 1 {
		t.Fatalf("details by ids: %+v, %v", multi, err)
	}
	jobs := analyticsjobs.New(e.c)
	job, err := jobs.SubmitConversationDetails(ctx, &models.AsyncConversationQuery{Interval: &interval})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for c, err := range job.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		check("details job", c)
		n++
	}
	if n != 1 {
		t.Fatalf("details job: %d conversations", n)
	}
}
