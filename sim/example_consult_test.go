package sim_test

import (
	"context"
	"fmt"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/conversations"
	"github.com/purecloudgo/platformclient/api/presence"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

// A consult transfer: the agent who answered a call consults a colleague
// (the customer is held), the colleague answers, and the agent completes
// the transfer by hanging up; the customer and the colleague stay on the
// call.
func ExampleServer_consultTransfer() {
	ctx := context.Background()
	clock := newFakeClock()
	s, err := sim.Start(sim.WithSeedUsers(50), sim.WithClock(clock.Now))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	c, _ := s.NewClient()
	rt, conv := routing.NewClient(c), conversations.NewClient(c)
	qs, _ := rt.GetRoutingQueues(ctx, nil)
	queue := *qs.Entities[0].ID
	ms, _ := rt.GetRoutingQueueMembers(ctx, queue, nil)
	agent, colleague := *ms.Entities[0].ID, *ms.Entities[1].ID
	_ = rt.PatchRoutingQueueMember(ctx, queue, agent, &models.QueueMember{Joined: platformclient.Ptr(true)}, nil)
	defs, _ := presence.NewClient(c).GetPresencedefinitions(ctx, nil)
	for _, d := range defs.Entities {
		if platformclient.Value(d.SystemPresence) == "OnQueue" {
			_, _ = presence.NewClient(c).PatchUserPresencesPurecloud(ctx, agent,
				&models.UserPresence{PresenceDefinition: models.PresenceDefinition{ID: d.ID}}, nil)
		}
	}
	id, _ := s.InboundCall(queue, "tel:+13175550100")
	call, _ := conv.GetConversationsCall(ctx, id, nil)
	customer, me := *call.Participants[0].ID, *call.Participants[2].ID
	answer := &models.MediaParticipantRequest{State: platformclient.Ptr(models.MediaParticipantRequestStateConnected)}
	_ = conv.PatchConversationsCallParticipant(ctx, id, me, answer, nil)
	clock.Add(time.Minute)

	// Consult the colleague about the customer, speaking to the colleague.
	r, err := conv.PostConversationsCallParticipantConsult(ctx, id, customer, &models.ConsultTransfer{
		SpeakTo: platformclient.Ptr(models.ConsultTransferSpeakToDESTINATION), Destination: models.Destination{UserID: &colleague}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	dest := *r.DestinationParticipantID
	show := func(step string) {
		call, _ := conv.GetConversationsCall(ctx, id, nil)
		fmt.Print(step, ":")
		for _, p := range call.Participants {
			fmt.Print(" ", *p.Purpose, "=", *p.State)
			if platformclient.Value(p.Held) {
				fmt.Print("(held)")
			}
		}
		fmt.Println()
	}
	show("consulting")
	_ = conv.PatchConversationsCallParticipant(ctx, id, dest, answer, nil)
	show("colleague answers")

	// Hanging up completes the transfer.
	_ = conv.PatchConversationsCallParticipant(ctx, id, me,
		&models.MediaParticipantRequest{State: platformclient.Ptr(models.MediaParticipantRequestStateDisconnected)}, nil)
	show("transferred")
	call, _ = conv.GetConversationsCall(ctx, id, nil)
	fmt.Println("agent:", *call.Participants[2].DisconnectType)
	// Output:
	// consulting: customer=connected(held) acd=disconnected agent=connected agent=alerting
	// colleague answers: customer=connected(held) acd=disconnected agent=connected agent=connected
	// transferred: customer=connected acd=disconnected agent=disconnected agent=connected
	// agent: transfer.consult
}
