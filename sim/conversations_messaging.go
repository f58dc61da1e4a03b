package sim

import (
	"fmt"
	"net/http"

	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

// Open messaging: POST /api/v2/conversations/messages/{integrationId}/inbound/open/message
// delivers a customer's message through an open messaging integration. The
// simulator runs no inbound message flow: RouteOpenMessaging says which
// queue an integration's messages go to. The first message of a sender
// starts a message conversation in that queue; the next ones, while it is
// in progress, join it.

// RouteOpenMessaging sends the inbound messages of an open messaging
// integration (any id) to a queue, as its inbound message flow would.
func (s *Server) RouteOpenMessaging(integrationID, queueID string) error {
	if integrationID == "" {
		return fmt.Errorf("sim: empty integration id")
	}
	if ae := s.checkQueue("queueId", queueID); ae != nil {
		return ae
	}
	e := &s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.open == nil {
		e.open = map[string]string{}
	}
	e.open[integrationID] = queueID
	return nil
}

func init() {
	bind("POST", "/api/v2/conversations/messages/{integrationId}/inbound/open/message", postOpenMessage)
}

func postOpenMessage(c *call) (int, any, *apiError) {
	s := c.s
	b := c.body.(*models.OpenInboundNormalizedMessage)
	integ := c.vars["integrationId"]
	from := b.Channel.From
	sender := platformValue(from.ID)
	e := &s.convs
	e.mu.Lock()
	queue, ok := e.open[integ]
	cv := e.openBy[integ+"/"+sender]
	e.mu.Unlock()
	if !ok {
		ae := notFound(fmt.Sprintf("The open messaging integration %s was not found (route it with Server.RouteOpenMessaging).", integ))
		ae.entity = integ
		return 0, nil, ae
	}
	convID := ""
	if cv != nil && !cv.ended() {
		convID = cv.id
	} else {
		name := platformValue(from.Nickname)
		if name == "" {
			name = platformValue(from.FirstName)
		}
		id, ae := s.placeInbound(Inbound{Media: MediaMessage, QueueID: queue, From: sender, Name: name})
		if ae != nil {
			return 0, nil, ae
		}
		convID = id
		e.mu.Lock()
		if e.openBy == nil {
			e.openBy = map[string]*conv{}
		}
		e.openBy[integ+"/"+sender] = e.byID[id]
		e.mu.Unlock()
	}
	msgID := uuidFrom(hashString(s.cfg.seed, "openmessage/"+convID+"/"+c.corr))
	at := s.now().UTC()
	if b.Channel.Time != nil {
		at = b.Channel.Time.Time
	}
	out := &models.OpenMessageNormalizedMessage{
		ID:             &msgID,
		Type:           ptrTo(models.OpenMessageNormalizedMessageTypeText),
		Text:           b.Text,
		ConversationID: &convID,
		Channel: models.OpenMessagingChannel{
			ID:        &integ,
			Platform:  ptrTo(models.OpenMessagingChannelPlatformOpen),
			Type:      ptrTo(models.OpenMessagingChannelTypePrivate),
			MessageID: b.Channel.MessageID,
			From:      from,
			Time:      ptrTo(types.NewDateTime(at)),
		},
	}
	return http.StatusAccepted, out, nil
}
