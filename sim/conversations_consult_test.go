package sim_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/analytics"
	"github.com/purecloudgo/platformclient/api/conversations"
	"github.com/purecloudgo/platformclient/api/presence"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

// consultEnv is a call an agent has answered, and a colleague.
type consultEnv struct {
	s                        *sim.Server
	conv                     *conversations.Client
	c                        *platformclient.Client
	id, customer, me         string
	agent, colleague, queue2 string
}

func startConsult(t *testing.T) *consultEnv {
	t.Helper()
	ctx := context.Background()
	s := sim.StartTest(t, sim.WithSeedUsers(100))
	c, err := s.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	e := &consultEnv{s: s, c: c, conv: conversations.NewClient(c)}
	rt := routing.NewClient(c)
	qs, _ := rt.GetRoutingQueues(ctx, nil)
	queue := *qs.Entities[0].ID
	e.queue2 = *qs.Entities[1].ID
	ms, _ := rt.GetRoutingQueueMembers(ctx, queue, nil)
	e.agent, e.colleague = *ms.Entities[0].ID, *ms.Entities[1].ID
	if err := rt.PatchRoutingQueueMember(ctx, queue, e.agent, &models.QueueMember{Joined: platformclient.Ptr(true)}, nil); err != nil {
		t.Fatal(err)
	}
	defs, _ := presence.NewClient(c).GetPresencedefinitions(ctx, nil)
	for _, d := range defs.Entities {
		if platformclient.Value(d.SystemPresence) == "OnQueue" {
			if _, err := presence.NewClient(c).PatchUserPresencesPurecloud(ctx, e.agent,
				&models.UserPresence{PresenceDefinition: models.PresenceDefinition{ID: d.ID}}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if e.id, err = s.InboundCall(queue, "tel:+13175550100"); err != nil {
		t.Fatal(err)
	}
	call, _ := e.conv.GetConversationsCall(ctx, e.id, nil)
	e.customer, e.me = *call.Participants[0].ID, *call.Participants[2].ID
	e.set(t, e.me, models.MediaParticipantRequestStateConnected)
	return e
}

func (e *consultEnv) set(t *testing.T, pid string, st models.MediaParticipantRequestState) {
	t.Helper()
	if err := e.conv.PatchConversationsCallParticipant(context.Background(), e.id, pid, &models.MediaParticipantRequest{State: &st}, nil); err != nil {
		t.Fatal(err)
	}
}

// parts reads the call's participants by id.
func (e *consultEnv) parts(t *testing.T) map[string]models.CallMediaParticipant {
	t.Helper()
	call, err := e.conv.GetConversationsCall(context.Background(), e.id, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]models.CallMediaParticipant{}
	for _, p := range call.Participants {
		out[*p.ID] = p
	}
	return out
}

func (e *consultEnv) consult(t *testing.T, speak models.ConsultTransferSpeakTo, d models.Destination) string {
	t.Helper()
	r, err := e.conv.PostConversationsCallParticipantConsult(context.Background(), e.id, e.customer,
		&models.ConsultTransfer{SpeakTo: &speak, Destination: d}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return *r.DestinationParticipantID
}

func wantStatus(t *testing.T, what string, err error, status int) {
	t.Helper()
	var ae *platformclient.APIError
	if !errors.As(err, &ae) || ae.StatusCode != status {
		t.Fatalf("%s: %v, want %d", what, err, status)
	}
}

// A colleague who declines ends the consult: the customer is resumed and
// the colleague is free again.
func TestConsultDeclined(t *testing.T) {
	e := startConsult(t)
	dest := e.consult(t, models.ConsultTransferSpeakToDESTINATION, models.Destination{UserID: &e.colleague})
	if p := e.parts(t); !platformclient.Value(p[e.customer].Held) || platformclient.Value(p[e.customer].ConsultParticipantID) != dest {
		t.Fatalf("consulting: customer %+v", p[e.customer])
	}
	e.set(t, dest, models.MediaParticipantRequestStateDisconnected)
	p := e.parts(t)
	if platformclient.Value(p[e.customer].Held) || p[e.customer].ConsultParticipantID != nil ||
		platformclient.Value(p[e.me].State) != models.CallMediaParticipantStateConnected {
		t.Fatalf("declined: customer %+v, agent %+v", p[e.customer], p[e.me])
	}
	rs, _ := users.NewClient(e.c).GetUserRoutingstatus(context.Background(), e.colleague, nil)
	if platformclient.Value(rs.Status) == models.RoutingStatusStatusINTERACTING {
		t.Fatal("the colleague who declined is still INTERACTING")
	}
	err := e.conv.DeleteConversationsCallParticipantConsult(context.Background(), e.id, e.customer, nil)
	wantStatus(t, "cancel after the decline", err, http.StatusBadRequest)
	// Consulting oneself, or with a speakTo the definition does not have.
	_, err = e.conv.PostConversationsCallParticipantConsult(context.Background(), e.id, e.customer,
		&models.ConsultTransfer{SpeakTo: platformclient.Ptr(models.ConsultTransferSpeakToBOTH), Destination: models.Destination{UserID: &e.agent}}, nil)
	wantStatus(t, "consult oneself", err, http.StatusBadRequest)
	_, err = e.conv.PostConversationsCallParticipantConsult(context.Background(), e.id, e.customer,
		&models.ConsultTransfer{SpeakTo: platformclient.Ptr(models.ConsultTransferSpeakTo("EVERYONE")), Destination: models.Destination{UserID: &e.colleague}}, nil)
	wantStatus(t, "unknown speakTo", err, http.StatusBadRequest)
}

// speakTo CONFERENCE turns the consult into a conference of three: their
// segments are conference ones; the third party leaving ends with
// transfer.conference and the call goes on.
func TestConsultToConference(t *testing.T) {
	e := startConsult(t)
	ctx := context.Background()
	dest := e.consult(t, models.ConsultTransferSpeakToBOTH, models.Destination{Address: platformclient.Ptr("tel:+13175550199")})
	p := e.parts(t)
	if platformclient.Value(p[dest].State) != models.CallMediaParticipantStateConnected || platformclient.Value(p[e.customer].Held) {
		t.Fatalf("speaking to both: %+v / %+v", p[dest], p[e.customer])
	}
	if _, err := e.conv.PatchConversationsCallParticipantConsult(ctx, e.id, e.customer,
		&models.ConsultTransferUpdate{SpeakTo: platformclient.Ptr(models.ConsultTransferUpdateSpeakToCONFERENCE)}, nil); err != nil {
		t.Fatal(err)
	}
	err := e.conv.DeleteConversationsCallParticipantConsult(ctx, e.id, e.customer, nil)
	wantStatus(t, "cancel a conference", err, http.StatusBadRequest)
	d, err := analytics.NewClient(e.c).GetAnalyticsConversationDetails(ctx, e.id, nil)
	if err != nil {
		t.Fatal(err)
	}
	inConf := 0
	for _, ap := range d.Participants {
		segs := ap.Sessions[0].Segments
		if last := segs[len(segs)-1]; last.SegmentEnd == nil && platformclient.Value(last.Conference) {
			inConf++
		}
	}
	if inConf != 3 {
		t.Fatalf("%d open conference segments, want 3", inConf)
	}
	e.set(t, dest, models.MediaParticipantRequestStateDisconnected)
	p = e.parts(t)
	if platformclient.Value(p[dest].DisconnectType) != models.CallMediaParticipantDisconnectTypeTransferConference ||
		platformclient.Value(p[e.me].State) != models.CallMediaParticipantStateConnected ||
		platformclient.Value(p[e.customer].State) != models.CallMediaParticipantStateConnected {
		t.Fatalf("third party left: %+v / %+v / %+v", p[dest], p[e.me], p[e.customer])
	}
}

// The customer hanging up during a consult ends the call for everyone,
// the queue the consult waited in too.
func TestConsultCustomerHangsUp(t *testing.T) {
	e := startConsult(t)
	dest := e.consult(t, models.ConsultTransferSpeakToDESTINATION, models.Destination{QueueID: &e.queue2})
	if p := e.parts(t); platformclient.Value(p[dest].Purpose) != "acd" || platformclient.Value(p[dest].Queue.ID) != e.queue2 {
		t.Fatalf("consult to a queue: %+v", p[dest])
	}
	e.set(t, e.customer, models.MediaParticipantRequestStateDisconnected)
	for id, p := range e.parts(t) {
		if platformclient.Value(p.State) != models.CallMediaParticipantStateDisconnected || p.ConsultParticipantID != nil {
			t.Fatalf("after the customer left: %s %+v", id, p)
		}
	}
	c, err := e.conv.GetConversation(context.Background(), e.id, nil)
	if err != nil || c.EndTime == nil {
		t.Fatalf("conversation end: %v, %v", c.EndTime, err)
	}
}
