package sim

import (
	"fmt"
	"net/http"
	"time"

	"github.com/purecloudgo/platformclient/models"
)

// Consult transfers and conferences of calls, as the service runs them:
//
//	POST   /api/v2/conversations/calls/{id}/participants/{pid}/consult          destination userId, queueId or address
//	POST   …/participants/{pid}/consult/agent, …/consult/queue, …/consult/external, …/voice/consult
//	PATCH  …/participants/{pid}/consult   change speakTo
//	DELETE …/participants/{pid}/consult   cancel: the destination leaves, the object is resumed
//	POST   /api/v2/conversations/calls/{id}/participants                         add parties: a conference
//
// {pid} is the participant being transferred (the object, usually the
// customer); the consultant is the connected agent named by
// consultingUserId (by default the token's user, or the one connected
// agent). The destination joins the call: a user alerts, a queue's ACD
// participant waits to be routed, an address is connected at once. Its id
// is the answer's destinationParticipantId; the object's participant
// carries it as consultParticipantId while the consult lasts. speakTo says
// who talks to the consultant: DESTINATION (the object is held), OBJECT
// (the destination is held), BOTH (no one is held), CONFERENCE (the
// consult ends in a conference of the three). The consultant completes
// the transfer by disconnecting (PATCH state disconnected): its segment
// ends with disconnectType consultTransfer (transfer.consult on the call)
// and it goes to after-call work; the object and the destination are
// resumed and stay connected. Adding a participant makes the call a
// conference: every party's segments from then on have conference true;
// a party that leaves a conference of three or more ends its segment with
// conferenceTransfer. Every step is published on the users' and queues'
// conversation topics (conversations_render.go).

// Consult speakTo modes.
const (
	speakDestination = "DESTINATION"
	speakObject      = "OBJECT"
	speakBoth        = "BOTH"
	speakConference  = "CONFERENCE"
)

const purposeExternal = "external"

// consult is a consult transfer in progress.
type consult struct {
	object     *participant // the party being transferred
	consultant *participant // the agent who consults
	dest       *participant // the destination as it joined
	speakTo    string
}

func init() {
	base := "/api/v2/conversations/calls/{conversationId}/participants"
	bind("POST", base, addParticipants)
	bind("POST", base+"/{participantId}/consult", postConsult)
	bind("POST", base+"/{participantId}/consult/agent", postConsult)
	bind("POST", base+"/{participantId}/consult/queue", postConsult)
	bind("POST", base+"/{participantId}/consult/external", postConsult)
	bind("POST", base+"/{participantId}/voice/consult", postConsult)
	bind("PATCH", base+"/{participantId}/consult", patchConsult)
	bind("DELETE", base+"/{participantId}/consult", deleteConsult)
}

// consultTarget is what a consult request asks for.
type consultTarget struct {
	speakTo, consultingUser, userID, queueID, address, name string
}

// targetOf reads the body of any of the consult requests.
func targetOf(body any) consultTarget {
	switch b := body.(type) {
	case *models.ConsultTransfer:
		return consultTarget{string(deref(b.SpeakTo)), platformValue(b.ConsultingUserID), platformValue(b.Destination.UserID),
			platformValue(b.Destination.QueueID), platformValue(b.Destination.Address), platformValue(b.Destination.Name)}
	case *models.ConsultTransferToAgent:
		return consultTarget{speakTo: string(deref(b.SpeakTo)), consultingUser: platformValue(b.ConsultingUserID),
			userID: platformValue(b.UserID), name: platformValue(b.UserDisplayName)}
	case *models.ConsultTransferToQueue:
		return consultTarget{speakTo: string(deref(b.SpeakTo)), consultingUser: platformValue(b.ConsultingUserID),
			queueID: platformValue(b.QueueID), name: platformValue(b.QueueName)}
	case *models.ConsultTransferToExternal:
		return consultTarget{speakTo: string(deref(b.SpeakTo)), consultingUser: platformValue(b.ConsultingUserID),
			address: platformValue(b.Address)}
	case *models.ConsultTransferToAddress:
		return consultTarget{speakTo: string(deref(b.SpeakTo)), consultingUser: platformValue(b.ConsultingUserID),
			address: platformValue(b.Address)}
	}
	return consultTarget{}
}

// checkTarget answers 400 for a destination that is not exactly one
// existing user, existing queue or address.
func (s *Server) checkTarget(t consultTarget) *apiError {
	n := 0
	for _, v := range []string{t.userID, t.queueID, t.address} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return badRequest("destination", "The destination needs exactly one of userId, queueId and address.")
	}
	if t.queueID != "" {
		return s.checkQueue("queueId", t.queueID)
	}
	if t.userID != "" {
		if _, ok := s.store.users.getItem(t.userID); !ok {
			e := badRequest("userId", fmt.Sprintf("The user %s does not exist.", t.userID))
			e.entity = t.userID
			return e
		}
	}
	return nil
}

// consultant finds the connected agent who consults: the one of userID, or
// the only connected agent when userID is empty. The caller holds e.mu.
func consultantOf(cv *conv, object *participant, userID string) *participant {
	var found []*participant
	for _, p := range cv.parts {
		if p != object && (p.purpose == purposeAgent || p.purpose == purposeUser) && p.state == stateConnected &&
			(userID == "" || p.userID == userID) {
			found = append(found, p)
		}
	}
	if len(found) != 1 {
		return nil
	}
	return found[0]
}

// postConsult starts a consult transfer.
func postConsult(c *call) (int, any, *apiError) {
	t := targetOf(c.body)
	s := c.s
	if ae := s.checkTarget(t); ae != nil {
		return 0, nil, ae
	}
	if t.consultingUser == "" {
		t.consultingUser = s.tokenUser(c.token)
	}
	var destID string
	ae := change(c, MediaCall, func(cv *conv, obj *participant) *apiError {
		if cv.consult != nil {
			return invalidState(obj, "cannot be consult transferred: a consult transfer is in progress")
		}
		if obj.state != stateConnected {
			return invalidState(obj, "cannot be consult transferred: it is not connected")
		}
		agent := consultantOf(cv, obj, t.consultingUser)
		if agent == nil {
			e := badRequest("consultingUserId", "No connected agent of the conversation to consult (consultingUserId names one).")
			e.code = "conversation.participant.invalid.state"
			return e
		}
		if t.userID != "" && t.userID == agent.userID {
			return badRequest("userId", "An agent cannot consult themselves.")
		}
		now := s.now().UTC()
		dest := s.addParty(cv, agent.queueID, t, now)
		cv.consult = &consult{object: obj, consultant: agent, dest: dest, speakTo: t.speakTo}
		obj.consultPart = dest.id
		agent.consults = append(agent.consults, now)
		destID = dest.id
		return nil
	})
	if ae != nil {
		return 0, nil, ae
	}
	return http.StatusOK, &models.ConsultTransferResponse{DestinationParticipantID: &destID}, nil
}

// addParty adds a destination to a call: an alerting agent, a waiting ACD
// participant or a connected external party. The caller holds e.mu.
func (s *Server) addParty(cv *conv, queueID string, t consultTarget, now time.Time) *participant {
	var p *participant
	switch {
	case t.userID != "":
		p = s.alertAgent(cv, queueID, t.userID, now)
		p.direction = "outbound"
	case t.queueID != "":
		p = s.addACD(cv, t.queueID, nil, "", 0, now)
	default:
		name := t.name
		if name == "" {
			name = t.address
		}
		p = &participant{purpose: purposeExternal, name: name, address: t.address, state: stateConnected,
			direction: "outbound", start: now, connected: now}
		p.openSeg("interact", now)
		cv.parts = append(cv.parts, p)
	}
	p.inConference = cv.conference
	if p.inConference {
		p.openSeg(p.segs[len(p.segs)-1].typ, now)
	}
	s.assignIDs(cv)
	return p
}

// consultFor finds the conversation's consult for a request naming the
// object. The caller holds e.mu.
func consultFor(cv *conv, obj *participant) (*consult, *apiError) {
	if cv.consult == nil || cv.consult.object != obj {
		e := badRequest("participantId", fmt.Sprintf("The participant %s has no consult transfer in progress.", obj.id))
		e.code = "conversation.participant.invalid.state"
		return nil, e
	}
	return cv.consult, nil
}

// patchConsult changes who the consultant speaks to.
func patchConsult(c *call) (int, any, *apiError) {
	b := c.body.(*models.ConsultTransferUpdate)
	var destID string
	ae := change(c, MediaCall, func(cv *conv, obj *participant) *apiError {
		k, ae := consultFor(cv, obj)
		if ae != nil {
			return ae
		}
		k.speakTo, destID = string(deref(b.SpeakTo)), k.dest.id
		return nil
	})
	if ae != nil {
		return 0, nil, ae
	}
	return http.StatusOK, &models.ConsultTransferResponse{DestinationParticipantID: &destID}, nil
}

// deleteConsult cancels a consult: the destination leaves, the object is
// resumed.
func deleteConsult(c *call) (int, any, *apiError) {
	s := c.s
	ae := change(c, MediaCall, func(cv *conv, obj *participant) *apiError {
		k, ae := consultFor(cv, obj)
		if ae != nil {
			return ae
		}
		now := s.now().UTC()
		for _, p := range k.destSide(cv) {
			s.disconnectPart(cv, p, "client", now)
		}
		return nil
	})
	if ae != nil {
		return 0, nil, ae
	}
	return http.StatusOK, nil, nil
}

// destSide returns the active participants on the destination's side: the
// destination, and for a queue the agent it was routed to.
func (k *consult) destSide(cv *conv) []*participant {
	var out []*participant
	if k.dest.active() {
		out = append(out, k.dest)
	}
	if k.dest.purpose == purposeACD {
		for _, p := range cv.parts {
			if p.purpose == purposeAgent && p.queueID == k.dest.queueID && !p.start.Before(k.dest.start) && p.active() && p != k.consultant {
				out = append(out, p)
			}
		}
	}
	return out
}

// setHeld holds or resumes a connected party.
func setHeld(p *participant, held bool, now time.Time) {
	if p == nil || p.state != stateConnected || p.held == held {
		return
	}
	p.held = held
	if held {
		p.holdStart = now
		p.openSeg("hold", now)
	} else {
		p.openSeg("interact", now)
	}
}

// followConsult applies the consult's state after a change: the holds its
// speakTo asks for, a conference, or its end (completed when the
// consultant left, cancelled when the destination did). The caller holds
// e.mu.
func (s *Server) followConsult(cv *conv, now time.Time) {
	k := cv.consult
	if k == nil {
		return
	}
	side := k.destSide(cv)
	done := !k.consultant.active() || !k.object.active() || len(side) == 0 || k.speakTo == speakConference
	if done {
		cv.consult, k.object.consultPart = nil, ""
		setHeld(k.object, false, now)
		for _, p := range side {
			setHeld(p, false, now)
		}
		if k.speakTo == speakConference && k.consultant.active() && k.object.active() && len(side) > 0 {
			s.startConference(cv, now)
		}
		return
	}
	setHeld(k.object, k.speakTo == speakDestination, now)
	for _, p := range side {
		setHeld(p, k.speakTo == speakObject, now)
	}
}

// leaveKind is the disconnect type of a participant leaving by its own
// request: consultTransfer for a consultant completing a consult,
// conferenceTransfer for a party leaving a conference of three or more.
// The caller holds e.mu.
func leaveKind(cv *conv, p *participant) string {
	if cv.consult != nil && cv.consult.consultant == p {
		return "consultTransfer"
	}
	if cv.conference && p.purpose != purposeCustomer {
		n := 0
		for _, q := range cv.parts {
			if q.active() {
				n++
			}
		}
		if n >= 3 {
			return "conferenceTransfer"
		}
	}
	return "client"
}

// startConference makes a call a conference: every active party's
// segments from now on have conference true. The caller holds e.mu.
func (s *Server) startConference(cv *conv, now time.Time) {
	cv.conference = true
	for _, p := range cv.parts {
		if p.active() && !p.inConference {
			p.inConference = true
			if n := len(p.segs); n > 0 && p.segs[n-1].end.IsZero() {
				p.openSeg(p.segs[n-1].typ, now)
			}
		}
	}
}

// addParticipants serves POST /api/v2/conversations/calls/{id}/participants:
// each participant of the body (userId, queueId or address) joins the call,
// which becomes a conference.
func addParticipants(c *call) (int, any, *apiError) {
	b := c.body.(*models.Conversation)
	s := c.s
	if len(b.Participants) == 0 {
		return 0, nil, badRequest("participants", "At least one participant to add is required.")
	}
	var targets []consultTarget
	for i, p := range b.Participants {
		t := consultTarget{userID: platformValue(p.UserID), queueID: platformValue(p.QueueID), address: platformValue(p.Address),
			name: platformValue(p.Name)}
		if ae := s.checkTarget(t); ae != nil {
			ae.field = fmt.Sprintf("participants[%d].%s", i, ae.field)
			return 0, nil, ae
		}
		targets = append(targets, t)
	}
	e := &s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	cv, ae := s.findConv(c.vars["conversationId"], MediaCall)
	if ae != nil {
		return 0, nil, ae
	}
	agent := consultantOf(cv, nil, s.tokenUser(c.token))
	if cv.ended() || agent == nil {
		e := badRequest("conversationId", fmt.Sprintf("The call %s has no connected agent to add participants.", cv.id))
		e.code = "conversation.participant.invalid.state"
		return 0, nil, e
	}
	now := s.now().UTC()
	s.startConference(cv, now)
	for _, t := range targets {
		s.addParty(cv, agent.queueID, t, now)
	}
	s.publishConv(cv)
	s.dispatchLocked()
	return http.StatusOK, fitTo(s.genericConv(cv), responseType(c)), nil
}

// transferType is the kind of transfer a disconnect type is: "Blind",
// "Consult" or none.
func transferType(disconnect string) string {
	switch disconnect {
	case "transfer":
		return "Blind"
	case "consultTransfer":
		return "Consult"
	}
	return ""
}

// wireDisconnect spells a disconnect type as the conversation shapes do.
func wireDisconnect(d string) string {
	switch d {
	case "consultTransfer":
		return "transfer.consult"
	case "conferenceTransfer":
		return "transfer.conference"
	}
	return d
}

// eventDisconnect spells a disconnect type as the detail events do.
var eventDisconnect = map[string]string{"consultTransfer": "CONSULT_TRANSFER", "conferenceTransfer": "CONFERENCE_TRANSFER"}
