package sim_test

import (
	"context"
	"fmt"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/analytics"
	"github.com/purecloudgo/platformclient/api/conversations"
	"github.com/purecloudgo/platformclient/api/presence"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

// An inbound call routes to an agent who is On Queue; the agent answers,
// hangs up and wraps up through the API, and the conversation's details
// show the durations that passed on the simulator's clock.
func ExampleServer_InboundCall() {
	ctx := context.Background()
	clock := newFakeClock() // a func() time.Time moved by hand (sim/oauth_test.go); starts 2026-03-01 12:00 UTC
	s, err := sim.Start(sim.WithSeedUsers(50), sim.WithClock(clock.Now))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	c, _ := s.NewClient()
	rt, conv := routing.NewClient(c), conversations.NewClient(c)

	// An agent joins the first queue and goes On Queue.
	qs, _ := rt.GetRoutingQueues(ctx, nil)
	queue := *qs.Entities[0].ID
	ms, _ := rt.GetRoutingQueueMembers(ctx, queue, nil)
	agent := *ms.Entities[0].ID
	_ = rt.PatchRoutingQueueMember(ctx, queue, agent, &models.QueueMember{Joined: platformclient.Ptr(true)}, nil)
	defs, _ := presence.NewClient(c).GetPresencedefinitions(ctx, nil)
	for _, d := range defs.Entities {
		if platformclient.Value(d.SystemPresence) == "OnQueue" {
			_, _ = presence.NewClient(c).PatchUserPresencesPurecloud(ctx, agent,
				&models.UserPresence{PresenceDefinition: models.PresenceDefinition{ID: d.ID}}, nil)
		}
	}

	// A customer calls the queue: the call alerts the agent.
	id, err := s.InboundCall(queue, "tel:+13175550100")
	if err != nil {
		fmt.Println(err)
		return
	}
	call, _ := conv.GetConversationsCall(ctx, id, nil)
	me := call.Participants[len(call.Participants)-1]
	rs, _ := users.NewClient(c).GetUserRoutingstatus(ctx, agent, nil)
	fmt.Println(*me.Purpose, *me.State, *rs.Status)

	// Answer, talk 90 s, hang up, wrap up 15 s later.
	pid := *me.ID
	_ = conv.PatchConversationsCallParticipant(ctx, id, pid,
		&models.MediaParticipantRequest{State: platformclient.Ptr(models.MediaParticipantRequestStateConnected)}, nil)
	clock.Add(90 * time.Second)
	_ = conv.PatchConversationsCallParticipant(ctx, id, pid,
		&models.MediaParticipantRequest{State: platformclient.Ptr(models.MediaParticipantRequestStateDisconnected)}, nil)
	clock.Add(15 * time.Second)
	codes, _ := rt.GetRoutingWrapupcodes(ctx, nil)
	full, _ := conv.GetConversation(ctx, id, nil) // the communication id is in the generic shape
	commID := *full.Participants[len(full.Participants)-1].Calls[0].ID
	err = conv.PostConversationsCallParticipantCommunicationWrapup(ctx, id, pid, commID,
		&conversations.PostConversationsCallParticipantCommunicationWrapupOptions{Body: &models.WrapupInput{Code: codes.Entities[0].ID}})
	if err != nil {
		fmt.Println(err)
		return
	}
	rs, _ = users.NewClient(c).GetUserRoutingstatus(ctx, agent, nil)
	fmt.Println("after wrap-up:", *rs.Status)

	// The conversation's details.
	iv := "2026-03-01T00:00:00Z/2026-03-02T00:00:00Z"
	q, _ := analytics.NewClient(c).PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &iv}, nil)
	for _, m := range q.Conversations[0].Participants[2].Sessions[0].Metrics {
		switch *m.Name {
		case "tTalk", "tAcw", "tHandle":
			fmt.Println(*m.Name, *m.Value)
		}
	}
	// Output:
	// agent alerting INTERACTING
	// after wrap-up: IDLE
	// tTalk 90000
	// tAcw 15000
	// tHandle 105000
}
