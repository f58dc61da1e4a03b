package integration

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
	"github.com/purecloudgo/platformclient/types"
)

// agentPart returns the conversation's participant of a user (the last
// one), as GET /api/v2/conversations/{id} shows it.
func (e *convEnv) agentPart(t *testing.T, convID, uid string) *models.Participant {
	t.Helper()
	c, err := e.cv.GetConversation(context.Background(), convID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var out *models.Participant
	for i, p := range c.Participants {
		if platformclient.Value(p.UserID) == uid {
			out = &c.Participants[i]
		}
	}
	return out
}

// commState is the state of a participant's only communication.
func commState(p *models.Participant) string {
	switch {
	case p == nil:
		return ""
	case len(p.Calls) == 1:
		return string(platformclient.Value(p.Calls[0].State))
	case len(p.Callbacks) == 1:
		return string(platformclient.Value(p.Callbacks[0].State))
	case len(p.Emails) == 1:
		return string(platformclient.Value(p.Emails[0].State))
	case len(p.Messages) == 1:
		return string(platformclient.Value(p.Messages[0].State))
	case len(p.Chats) == 1:
		return string(platformclient.Value(p.Chats[0].State))
	}
	return ""
}

// patch changes a participant through the generic route.
func (e *convEnv) patch(t *testing.T, convID, pid string, req *models.MediaParticipantRequest) {
	t.Helper()
	if err := e.cv.PatchConversationParticipant(context.Background(), convID, pid, req, nil); err != nil {
		t.Fatal(err)
	}
}

// TestRoutingWaitsForAnAgent keeps a call waiting while no agent can take
// it (not On Queue, not joined, missing a skill) and routes it the moment
// one can; an agent who declines is not offered it again.
func TestRoutingWaitsForAnAgent(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	other := e.member(t, 2)
	skills, err := e.rt.GetRoutingSkills(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	skill := *skills.Entities[0].ID

	convID, err := e.s.Inbound(sim.Inbound{Media: sim.MediaCall, QueueID: e.queue, From: "tel:+13175550100", SkillIDs: []string{skill}})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "nobody on queue", e.observe(t), map[string]int{"oWaiting": 1, "oAlerting": 0})

	// On Queue but not joined: still waiting.
	if err := e.rt.PatchRoutingQueueMember(ctx, e.queue, e.agent, &models.QueueMember{Joined: ptr(false)}, nil); err != nil {
		t.Fatal(err)
	}
	e.setPresence(t, e.agent, e.onQ)
	wantCounts(t, "not joined", e.observe(t), map[string]int{"oWaiting": 1})
	// Joined but without the skill: still waiting.
	if err := e.rt.PatchRoutingQueueMember(ctx, e.queue, e.agent, &models.QueueMember{Joined: ptr(true)}, nil); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, "no skill", e.observe(t), map[string]int{"oWaiting": 1, "oOnQueueUsers/IDLE": 1})
	// Given the skill: offered at once.
	if _, err := e.us.PutUserRoutingskillsBulk(ctx, e.agent, []models.UserRoutingSkillPost{{ID: &skill, Proficiency: ptr(3.0)}}, nil); err != nil {
		t.Fatal(err)
	}
	p := e.agentPart(t, convID, e.agent)
	if commState(p) != "alerting" {
		t.Fatalf("with the skill: agent participant %+v", p)
	}
	wantCounts(t, "offered", e.observe(t), map[string]int{"oWaiting": 0, "oAlerting": 1})

	// The agent declines: back to IDLE, the call waits again and goes to
	// the other agent once they qualify, never back to the first.
	e.patch(t, convID, *p.ID, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateDisconnected)})
	if st := e.routingStatus(t, e.agent); st != models.RoutingStatusStatusIDLE {
		t.Fatalf("declined: routing status %s", st)
	}
	wantCounts(t, "declined", e.observe(t), map[string]int{"oWaiting": 1, "oAlerting": 0})
	if _, err := e.us.PutUserRoutingskillsBulk(ctx, other, []models.UserRoutingSkillPost{{ID: &skill, Proficiency: ptr(1.0)}}, nil); err != nil {
		t.Fatal(err)
	}
	e.goOnQueue(t, other)
	if commState(e.agentPart(t, convID, other)) != "alerting" {
		t.Fatal("the second agent was not offered the call")
	}
	c, err := e.cv.GetConversationsCall(ctx, convID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Participants); n != 4 { // customer, acd, the decline, the second offer
		t.Fatalf("%d participants", n)
	}
}

// TestTransferAndHold answers a call, holds it, transfers it to another
// agent, who answers and hangs up; both agents wrap up. The details show
// the hold, the transfer and both agents' handle times.
func TestTransferAndHold(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	second := e.member(t, 2)
	e.goOnQueue(t, e.agent)
	call, err := e.cv.PostConversationsCalls(ctx, &models.CreateCallRequest{CallQueueID: &e.queue, PhoneNumber: ptr("+13175550111")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	convID := *call.ID
	first := e.agentPart(t, convID, e.agent)
	e.clock.Add(3 * time.Second)
	e.patch(t, convID, *first.ID, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateConnected)})
	e.clock.Add(time.Minute)
	e.patch(t, convID, *first.ID, &models.MediaParticipantRequest{Held: ptr(true)})
	e.clock.Add(20 * time.Second)
	e.patch(t, convID, *first.ID, &models.MediaParticipantRequest{Held: ptr(false)})
	e.clock.Add(10 * time.Second)
	if err := e.cv.PostConversationParticipantReplaceAgent(ctx, convID, *first.ID, &models.TransferToAgentRequest{UserID: &second}, nil); err != nil {
		t.Fatal(err)
	}
	if st := e.routingStatus(t, second); st != models.RoutingStatusStatusINTERACTING {
		t.Fatalf("transfer target: %s", st)
	}
	sp := e.agentPart(t, convID, second)
	if commState(sp) != "alerting" || commState(e.agentPart(t, convID, e.agent)) != "disconnected" {
		t.Fatalf("after the transfer: %s / %s", commState(sp), commState(e.agentPart(t, convID, e.agent)))
	}
	e.clock.Add(2 * time.Second)
	e.patch(t, convID, *sp.ID, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateConnected)})
	e.clock.Add(30 * time.Second)
	e.patch(t, convID, *sp.ID, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateDisconnected)})
	codes, _ := e.rt.GetRoutingWrapupcodes(ctx, nil)
	code := *codes.Entities[1].ID
	for _, pid := range []string{*first.ID, *sp.ID} {
		e.patch(t, convID, pid, &models.MediaParticipantRequest{Wrapup: models.WrapupInput{Code: &code}})
	}
	for _, uid := range []string{e.agent, second} {
		if st := e.routingStatus(t, uid); st == models.RoutingStatusStatusINTERACTING {
			t.Fatalf("%s still interacting after wrap-up", uid)
		}
	}
	wrap, err := e.cv.GetConversationParticipantWrapup(ctx, convID, *first.ID, nil)
	if err != nil || platformclient.Value(wrap.Code) != code {
		t.Fatalf("wrap-up %+v, %v", wrap, err)
	}

	interval := convStart.Add(-time.Hour).Format(time.RFC3339) + "/" + convStart.Add(time.Hour).Format(time.RFC3339)
	q, err := e.an.PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &interval}, nil)
	if err != nil || len(q.Conversations) != 1 {
		t.Fatalf("details: %+v, %v", q, err)
	}
	parts := q.Conversations[0].Participants
	if len(parts) != 4 {
		t.Fatalf("%d participants", len(parts))
	}
	m1, m2 := map[string]int{}, map[string]int{}
	for _, m := range parts[2].Sessions[0].Metrics {
		m1[*m.Name] = *m.Value
	}
	for _, m := range parts[3].Sessions[0].Metrics {
		m2[*m.Name] = *m.Value
	}
	if m1["tTalk"] != 70000 || m1["tHeld"] != 20000 || m1["nTransferred"] != 1 || m1["tHandle"] != m1["tTalk"]+m1["tHeld"]+m1["tAcw"] {
		t.Fatalf("first agent: %v", m1)
	}
	if m2["tAlert"] != 2000 || m2["tTalk"] != 30000 || m2["tHandle"] != 30000 {
		t.Fatalf("second agent: %v", m2)
	}
}

// TestAbandonAndQueueTransfer: a customer who hangs up while waiting is an
// abandon; a message transferred to another queue waits there.
func TestAbandonAndQueueTransfer(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	id, err := e.s.InboundEmail(e.queue, "pat@example.com", "Order 42")
	if err != nil {
		t.Fatal(err)
	}
	em, err := e.cv.GetConversationsEmail(ctx, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Add(45 * time.Second)
	e.patch(t, id, *em.Participants[0].ID, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateDisconnected)})
	interval := convStart.Add(-time.Hour).Format(time.RFC3339) + "/" + convStart.Add(time.Hour).Format(time.RFC3339)
	q, err := e.an.PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &interval}, nil)
	if err != nil || len(q.Conversations) != 1 {
		t.Fatalf("details: %+v, %v", q, err)
	}
	acd := q.Conversations[0].Participants[1].Sessions[0]
	found := false
	for _, m := range acd.Metrics {
		if *m.Name == "tAbandon" && *m.Value == 45000 {
			found = true
		}
	}
	if !found || *acd.MediaType != models.AnalyticsSessionMediaTypeEmail {
		t.Fatalf("abandoned email: %+v", acd)
	}

	qs, _ := e.rt.GetRoutingQueues(ctx, nil)
	other := *qs.Entities[1].ID
	e.goOnQueue(t, e.agent)
	msg, err := e.s.InboundMessage(e.queue, "+13175550199")
	if err != nil {
		t.Fatal(err)
	}
	p := e.agentPart(t, msg, e.agent)
	e.patch(t, msg, *p.ID, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateConnected)})
	if err := e.cv.PostConversationsMessageParticipantReplace(ctx, msg, *p.ID, &models.TransferRequest{QueueID: &other}, nil); err != nil {
		t.Fatal(err)
	}
	list, err := e.cv.GetConversationsMessages(ctx, nil)
	if err != nil || len(list.Entities) != 1 {
		t.Fatalf("messages listing: %+v, %v", list, err)
	}
	last := list.Entities[0].Participants[len(list.Entities[0].Participants)-1]
	if platformclient.Value(last.Purpose) != "acd" || platformclient.Value(last.Queue.ID) != other ||
		platformclient.Value(last.State) != models.MessageMediaParticipantStateConnected {
		t.Fatalf("after the queue transfer: %+v", last)
	}
}

// TestOpenMessagingInbound delivers messages through an open messaging
// integration: the first one of a sender starts a conversation in the
// integration's queue, the next joins it, and it routes like any other.
func TestOpenMessagingInbound(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	msg := func(text string) (*models.OpenMessageNormalizedMessage, error) {
		idType := models.OpenMessagingFromRecipientIDTypeOpaque
		return e.cv.PostConversationsMessageInboundOpenMessage(ctx, "my-integration", &models.OpenInboundNormalizedMessage{
			Channel: models.OpenInboundMessageMessagingChannel{
				From: models.OpenMessagingFromRecipient{ID: ptr("customer-7"), IDType: &idType, Nickname: ptr("Sam")},
				Time: ptr(types.NewDateTime(e.clock.Now())), MessageID: ptr("m1")},
			Text: &text}, nil)
	}
	_, err := msg("hello")
	wantAPIError(t, "an integration the simulator does not route", err, http.StatusNotFound, "not.found")
	if err := e.s.RouteOpenMessaging("my-integration", e.queue); err != nil {
		t.Fatal(err)
	}
	first, err := msg("hello")
	if err != nil {
		t.Fatal(err)
	}
	second, err := msg("anyone there?")
	if err != nil {
		t.Fatal(err)
	}
	if *first.ConversationID != *second.ConversationID || platformclient.Value(second.Text) != "anyone there?" {
		t.Fatalf("two messages of one sender: %s and %s", *first.ConversationID, *second.ConversationID)
	}
	wantCounts(t, "waiting", e.observe(t), map[string]int{"oWaiting": 1})
	e.goOnQueue(t, e.agent)
	if commState(e.agentPart(t, *first.ConversationID, e.agent)) != "alerting" {
		t.Fatal("the message did not route to the agent")
	}
	m, err := e.cv.GetConversationsMessage(ctx, *first.ConversationID, nil)
	if err != nil || platformclient.Value(m.Participants[0].Name) != "Sam" {
		t.Fatalf("message conversation: %+v, %v", m, err)
	}
}
