package integration

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/notifications"
)

// callPart is a participant's call as a conversation event shows it.
type callPart struct {
	state, disconnect string
	held              bool
	consult           string
}

// eventParts reads a conversation event's participants by id.
func eventParts(c models.ConversationEventTopicConversation) map[string]callPart {
	out := map[string]callPart{}
	for _, p := range c.Participants {
		cp := callPart{consult: platformclient.Value(p.ConsultParticipantID)}
		if len(p.Calls) == 1 {
			cp.state = string(platformclient.Value(p.Calls[0].State))
			cp.held = platformclient.Value(p.Calls[0].Held)
			cp.disconnect = string(platformclient.Value(p.Calls[0].DisconnectType))
		}
		out[*p.ID] = cp
	}
	return out
}

// events reads a connection's conversation events and keeps them by
// topic, so a wait on one topic does not lose another topic's events.
type events struct {
	conn *notifications.Conn
	by   map[string][]models.ConversationEventTopicConversation
	used map[string]int // events of a topic already matched
}

// waitEvent waits for an event of the conversation on a topic, after the
// last one matched there, whose participants satisfy ok.
func (es *events) waitEvent(t *testing.T, topic, convID, step string, ok func(map[string]callPart) bool) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	var last map[string]callPart
	for {
		for i := es.used[topic]; i < len(es.by[topic]); i++ {
			c := es.by[topic][i]
			if platformclient.Value(c.ID) != convID {
				continue
			}
			if last = eventParts(c); ok(last) {
				es.used[topic] = i + 1
				return
			}
		}
		es.used[topic] = len(es.by[topic])
		select {
		case ev := <-es.conn.Events():
			if ev.Err != nil {
				t.Fatalf("%s: event %s: %v", step, ev.Topic, ev.Err)
			}
			if c, isConv := notifications.As[models.ConversationEventTopicConversation](ev); isConv {
				es.by[ev.Topic] = append(es.by[ev.Topic], *c)
			} else if q, isQueue := notifications.As[models.QueueConversationEventTopicConversation](ev); isQueue {
				// The queue topics have a model of their own: read it as the users' one.
				var c models.ConversationEventTopicConversation
				if raw, err := json.Marshal(q); err != nil || json.Unmarshal(raw, &c) != nil {
					t.Fatalf("%s: queue event %s: %v", step, ev.Topic, err)
				}
				es.by[ev.Topic] = append(es.by[ev.Topic], c)
			}
		case <-timeout:
			t.Fatalf("%s: no event on %s (last %+v)", step, topic, last)
		}
	}
}

// TestConsultTransferEndToEnd runs the agent-desktop flow through the
// generated packages: agent A answers a call, consults agent B (the
// customer held), B answers, A speaks to the customer, then to both, and
// completes the transfer by disconnecting; each step reaches A's, B's and
// the queue's conversation topics; analytics shows the consult transfer.
// Then a consult to a queue is cancelled, and a third party joins a call:
// a conference of three.
func TestConsultTransferEndToEnd(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	a, b := e.agent, e.member(t, 2)
	conn, err := notifications.NewClient(e.c).Connect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	es := &events{conn: conn, by: map[string][]models.ConversationEventTopicConversation{}, used: map[string]int{}}
	topicA, topicB, topicQ := "v2.users."+a+".conversations", "v2.users."+b+".conversations", "v2.routing.queues."+e.queue+".conversations"
	if err := conn.Subscribe(ctx, notifications.Topic("v2.users.{id}.conversations", a), notifications.Topic("v2.users.{id}.conversations", b),
		notifications.Topic("v2.routing.queues.{id}.conversations", e.queue)); err != nil {
		t.Fatal(err)
	}
	e.goOnQueue(t, a)
	convID, err := e.s.InboundCall(e.queue, "tel:+13175550123")
	if err != nil {
		t.Fatal(err)
	}
	pa := *e.agentPart(t, convID, a).ID
	e.clock.Add(3 * time.Second)
	e.patch(t, convID, pa, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateConnected)})
	got, err := e.cv.GetConversationsCall(ctx, convID, nil)
	if err != nil {
		t.Fatal(err)
	}
	cust := *got.Participants[0].ID
	e.clock.Add(time.Minute)

	// 1. A consults B, speaking to B: the customer is held, B alerts.
	r, err := e.cv.PostConversationsCallParticipantConsult(ctx, convID, cust, &models.ConsultTransfer{
		SpeakTo: ptr(models.ConsultTransferSpeakToDESTINATION), Destination: models.Destination{UserID: &b}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pb := platformclient.Value(r.DestinationParticipantID)
	consulting := func(p map[string]callPart) bool {
		return p[cust].held && p[cust].consult == pb && p[pb].state == "alerting" && p[pa].state == "connected" && !p[pa].held
	}
	es.waitEvent(t, topicB, convID, "B alerted", consulting)
	es.waitEvent(t, topicA, convID, "A consults", consulting)
	// A second consult while one is in progress is refused.
	_, err = e.cv.PostConversationsCallParticipantConsultAgent(ctx, convID, cust,
		&models.ConsultTransferToAgent{SpeakTo: ptr(models.ConsultTransferToAgentSpeakToBOTH), UserID: &b}, nil)
	wantAPIError(t, "second consult", err, http.StatusBadRequest, "conversation.participant.invalid.state")

	// 2. B answers; A speaks to the customer (B held), then to both.
	e.clock.Add(4 * time.Second)
	e.patch(t, convID, pb, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateConnected)})
	es.waitEvent(t, topicB, convID, "B answers", func(p map[string]callPart) bool {
		return p[pb].state == "connected" && !p[pb].held && p[cust].held
	})
	e.clock.Add(20 * time.Second)
	if _, err := e.cv.PatchConversationsCallParticipantConsult(ctx, convID, cust,
		&models.ConsultTransferUpdate{SpeakTo: ptr(models.ConsultTransferUpdateSpeakToOBJECT)}, nil); err != nil {
		t.Fatal(err)
	}
	es.waitEvent(t, topicA, convID, "speak to object", func(p map[string]callPart) bool { return p[pb].held && !p[cust].held })
	e.clock.Add(10 * time.Second)
	if _, err := e.cv.PatchConversationsCallParticipantConsult(ctx, convID, cust,
		&models.ConsultTransferUpdate{SpeakTo: ptr(models.ConsultTransferUpdateSpeakToBOTH)}, nil); err != nil {
		t.Fatal(err)
	}
	es.waitEvent(t, topicQ, convID, "speak to both", func(p map[string]callPart) bool { return !p[pb].held && !p[cust].held && p[cust].consult == pb })

	// 3. A completes the transfer by disconnecting: A goes to after-call
	// work, the customer and B stay connected.
	e.clock.Add(30 * time.Second)
	e.patch(t, convID, pa, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateDisconnected)})
	transferred := func(p map[string]callPart) bool {
		return p[pa].state == "disconnected" && p[pa].disconnect == "transfer.consult" &&
			p[pb].state == "connected" && p[cust].state == "connected" && p[cust].consult == "" && !p[cust].held
	}
	es.waitEvent(t, topicA, convID, "completed (A)", transferred)
	es.waitEvent(t, topicB, convID, "completed (B)", transferred)
	if st := e.routingStatus(t, a); st != models.RoutingStatusStatusINTERACTING {
		t.Fatalf("A after the transfer: %s, want INTERACTING (after-call work)", st)
	}
	_, err = e.cv.PatchConversationsCallParticipantConsult(ctx, convID, cust,
		&models.ConsultTransferUpdate{SpeakTo: ptr(models.ConsultTransferUpdateSpeakToBOTH)}, nil)
	wantAPIError(t, "speakTo after the transfer", err, http.StatusBadRequest, "conversation.participant.invalid.state")

	// 4. Analytics: A's talk ends in a consult transfer; B alerted, talked
	// (held while A spoke to the customer).
	e.clock.Add(time.Minute)
	e.patch(t, convID, pb, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateDisconnected)})
	d, err := e.an.GetAnalyticsConversationDetails(ctx, convID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var agA, agB models.AnalyticsParticipantWithoutAttributes
	for _, p := range d.Participants {
		switch platformclient.Value(p.ParticipantID) {
		case pa:
			agA = p
		case pb:
			agB = p
		}
	}
	ma := sessionMetrics(agA.Sessions)
	if ma["nConsult"] != 1 || ma["nConsultTransferred"] != 1 || ma["nTransferred"] != 1 || ma["nBlindTransferred"] != 0 ||
		ma["tTalkComplete"] != 124_000 {
		t.Fatalf("A's metrics %v", ma)
	}
	var types, last []string
	for _, sg := range agA.Sessions[0].Segments {
		types = append(types, string(*sg.SegmentType))
		if sg.DisconnectType != nil {
			last = append(last, string(*sg.DisconnectType))
		}
	}
	if strings.Join(types, ",") != "alert,interact,wrapup" || strings.Join(last, ",") != "consultTransfer" {
		t.Fatalf("A's segments %v, disconnects %v", types, last)
	}
	types = nil
	for _, sg := range agB.Sessions[0].Segments {
		types = append(types, string(*sg.SegmentType))
	}
	if strings.Join(types, ",") != "alert,interact,hold,interact,wrapup" || sessionMetrics(agB.Sessions)["tHeldComplete"] != 10_000 {
		t.Fatalf("B's segments %v, metrics %v", types, sessionMetrics(agB.Sessions))
	}
	iv := e.interval(-time.Hour, time.Hour)
	if ids, _ := e.details(t, iv, "", nil, segAnd("userId", a, "disconnectType", "consultTransfer")); len(ids) != 1 {
		t.Fatalf("details of A's consult transfer: %v", ids)
	}

	// 5. A consult to a queue, cancelled: the queue's participant leaves,
	// the customer is resumed.
	codes, err := e.rt.GetRoutingWrapupcodes(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.cv.PatchConversationsCallParticipant(ctx, convID, pa, &models.MediaParticipantRequest{Wrapup: models.WrapupInput{Code: codes.Entities[0].ID}}, nil); err != nil {
		t.Fatal(err)
	}
	second, err := e.s.InboundCall(e.queue, "tel:+13175550124")
	if err != nil {
		t.Fatal(err)
	}
	pa2 := *e.agentPart(t, second, a).ID
	e.patch(t, second, pa2, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateConnected)})
	c2, _ := e.cv.GetConversationsCall(ctx, second, nil)
	cust2 := *c2.Participants[0].ID
	qs, _ := e.rt.GetRoutingQueues(ctx, nil)
	other := *qs.Entities[1].ID
	r, err = e.cv.PostConversationsCallParticipantConsultQueue(ctx, second, cust2,
		&models.ConsultTransferToQueue{SpeakTo: ptr(models.ConsultTransferToQueueSpeakToDESTINATION), QueueID: &other}, nil)
	if err != nil {
		t.Fatal(err)
	}
	acd := *r.DestinationParticipantID
	es.waitEvent(t, topicA, second, "consult to a queue", func(p map[string]callPart) bool { return p[acd].state == "connected" && p[cust2].held })
	if err := e.cv.DeleteConversationsCallParticipantConsult(ctx, second, cust2, nil); err != nil {
		t.Fatal(err)
	}
	es.waitEvent(t, topicA, second, "cancelled", func(p map[string]callPart) bool {
		return p[acd].state == "disconnected" && !p[cust2].held && p[cust2].consult == "" && p[pa2].state == "connected"
	})
	err = e.cv.DeleteConversationsCallParticipantConsult(ctx, second, cust2, nil)
	wantAPIError(t, "cancel twice", err, http.StatusBadRequest, "conversation.participant.invalid.state")

	// 6. A third party joins: a conference of three, with conference
	// segments from then on.
	conf, err := e.cv.PostConversationsCallParticipants(ctx, second, &models.Conversation{
		Participants: []models.Participant{{Address: ptr("tel:+13175550199")}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	connected := 0
	for _, p := range conf.Participants {
		if len(p.Calls) == 1 && platformclient.Value(p.Calls[0].State) == models.CallStateConnected {
			connected++
		}
	}
	if connected != 3 {
		t.Fatalf("conference: %d connected, want 3", connected)
	}
	es.waitEvent(t, topicA, second, "conference", func(p map[string]callPart) bool {
		n := 0
		for _, cp := range p {
			if cp.state == "connected" {
				n++
			}
		}
		return n == 3
	})
	if ids, _ := e.details(t, iv, "", nil, segAnd("conference", "true", "userId", a, "segmentEnd", "")); len(ids) != 1 || ids[0] != second {
		t.Fatalf("open conference segment of A: %v", ids)
	}
	// Refusals: an unknown participant, no destination, a non-call.
	_, err = e.cv.PostConversationsCallParticipantConsult(ctx, second, "0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978",
		&models.ConsultTransfer{SpeakTo: ptr(models.ConsultTransferSpeakToBOTH), Destination: models.Destination{UserID: &b}}, nil)
	wantAPIError(t, "unknown participant", err, http.StatusNotFound, "")
	_, err = e.cv.PostConversationsCallParticipantConsult(ctx, second, cust2,
		&models.ConsultTransfer{SpeakTo: ptr(models.ConsultTransferSpeakToBOTH)}, nil)
	var ae *platformclient.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusBadRequest {
		t.Fatalf("no destination: %v", err)
	}
}

// sessionMetrics returns sessions' metrics by name.
func sessionMetrics(ss []models.AnalyticsSession) map[string]int {
	out := map[string]int{}
	for _, s := range ss {
		for _, m := range s.Metrics {
			out[*m.Name] = *m.Value
		}
	}
	return out
}
