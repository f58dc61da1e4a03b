package sim

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

// The conversation routes: creation (callbacks, calls, emails, chats),
// reads and listings, participant changes (answer, hold, disconnect,
// wrap-up), transfers and disconnecting a whole conversation.

var convMedia = []string{MediaCall, MediaCallback, MediaEmail, MediaMessage, MediaChat}

func init() {
	bind("POST", "/api/v2/conversations/callbacks", postCallback)
	bind("POST", "/api/v2/conversations/calls", postCall)
	bind("POST", "/api/v2/conversations/emails", postEmail)
	bind("POST", "/api/v2/conversations/chats", postChat)

	bind("GET", "/api/v2/conversations", listConversations(""))
	bind("GET", "/api/v2/conversations/{conversationId}", getConversation(""))
	bind("POST", "/api/v2/conversations/{conversationId}/disconnect", disconnectConversation)
	bind("PATCH", "/api/v2/conversations/{conversationId}/participants/{participantId}", patchParticipant(""))
	bind("GET", "/api/v2/conversations/{conversationId}/participants/{participantId}/wrapup", getWrapup(""))
	bind("GET", "/api/v2/conversations/{conversationId}/participants/{participantId}/wrapupcodes", getWrapupCodes(""))
	bind("POST", "/api/v2/conversations/{conversationId}/participants/{participantId}/replace", replace("", "any"))
	bind("POST", "/api/v2/conversations/{conversationId}/participants/{participantId}/replace/queue", replace("", "queue"))
	bind("POST", "/api/v2/conversations/{conversationId}/participants/{participantId}/replace/agent", replace("", "agent"))
	for _, m := range convMedia {
		base := "/api/v2/conversations/" + mediaPlural(m)
		part := base + "/{conversationId}/participants/{participantId}"
		bind("GET", base, listConversations(m))
		bind("GET", base+"/{conversationId}", getConversation(m))
		bind("PATCH", part, patchParticipant(m))
		bind("PATCH", part+"/communications/{communicationId}", patchParticipant(m))
		bind("POST", part+"/communications/{communicationId}/wrapup", postWrapup(m))
		bind("GET", part+"/communications/{communicationId}/wrapup", getWrapup(m))
		bind("GET", part+"/wrapup", getWrapup(m))
		bind("GET", part+"/wrapupcodes", getWrapupCodes(m))
		bind("POST", part+"/replace", replace(m, "any"))
	}
}

// postCallback creates a callback in a queue.
func postCallback(c *call) (int, any, *apiError) {
	b := c.body.(*models.CreateCallbackCommand)
	qid := platformValue(b.QueueID)
	if qid == "" {
		qid = platformValue(b.RoutingData.QueueID)
	}
	if qid == "" {
		return 0, nil, badRequest("queueId", "Either queueId or routingData.queueId is required.")
	}
	if len(b.CallbackNumbers) == 0 {
		return 0, nil, badRequest("callbackNumbers", "At least one callback number is required.")
	}
	prio := 0
	if b.RoutingData.Priority != nil {
		prio = *b.RoutingData.Priority
	}
	id, ae := c.s.placeInbound(Inbound{Media: MediaCallback, QueueID: qid, From: b.CallbackNumbers[0],
		Name: platformValue(b.CallbackUserName), SkillIDs: b.RoutingData.SkillIDs,
		LanguageID: platformValue(b.RoutingData.LanguageID), Priority: prio})
	if ae != nil {
		return 0, nil, ae
	}
	return http.StatusOK, &models.CreateCallbackResponse{
		Conversation:        models.DomainEntityRef{ID: &id, SelfURI: ptrTo("/api/v2/conversations/" + id)},
		CallbackIdentifiers: []models.CallbackIdentifier{},
	}, nil
}

// postCall places a call into a queue (callQueueId), or, for a user
// token, from the token's user to a phone number. A client-credentials
// token has no user, so a call without a queue gets 400.
func postCall(c *call) (int, any, *apiError) {
	b := c.body.(*models.CreateCallRequest)
	qid := platformValue(b.CallQueueID)
	if qid == "" {
		uid := c.s.tokenUser(c.token)
		if uid == "" {
			return 0, nil, badRequest("callQueueId", "A call needs a user to place it (a user token) or a callQueueId: a client-credentials token has no user.")
		}
		if platformValue(b.PhoneNumber) == "" {
			return 0, nil, badRequest("phoneNumber", "A phoneNumber or a callQueueId is required.")
		}
		id := c.s.placeOutbound(uid, platformValue(b.PhoneNumber))
		return http.StatusOK, &models.CreateCallResponse{ID: &id, SelfURI: ptrTo("/api/v2/conversations/calls/" + id)}, nil
	}
	from := platformValue(b.PhoneNumber)
	if from == "" {
		from = platformValue(b.CallerID)
	}
	prio := 0
	if b.Priority != nil {
		prio = *b.Priority
	}
	id, ae := c.s.placeInbound(Inbound{Media: MediaCall, QueueID: qid, From: from, Name: platformValue(b.CallerIDName),
		SkillIDs: b.RoutingSkillsIDs, LanguageID: platformValue(b.LanguageID), Priority: prio})
	if ae != nil {
		return 0, nil, ae
	}
	return http.StatusOK, &models.CreateCallResponse{ID: &id, SelfURI: ptrTo("/api/v2/conversations/calls/" + id)}, nil
}

// postEmail creates an inbound email in a queue.
func postEmail(c *call) (int, any, *apiError) {
	b := c.body.(*models.CreateEmailRequest)
	if b.Direction != nil && *b.Direction != models.CreateEmailRequestDirectionINBOUND {
		return 0, nil, badRequest("direction", "The simulator creates INBOUND emails only.")
	}
	if platformValue(b.QueueID) == "" {
		return 0, nil, badRequest("queueId", "A queueId is required (the simulator runs no flows).")
	}
	prio := 0
	if b.Priority != nil {
		prio = *b.Priority
	}
	return c.s.createAndShow(Inbound{Media: MediaEmail, QueueID: *b.QueueID, From: platformValue(b.FromAddress),
		Name: platformValue(b.FromName), Subject: platformValue(b.Subject), SkillIDs: b.SkillIDs,
		LanguageID: platformValue(b.LanguageID), Priority: prio})
}

// postChat creates a web chat in a queue.
func postChat(c *call) (int, any, *apiError) {
	b := c.body.(*models.CreateWebChatRequest)
	if platformValue(b.Provider) == "" {
		return 0, nil, badRequest("provider", "A provider is required.")
	}
	prio := 0
	if b.Priority != nil {
		prio = *b.Priority
	}
	return c.s.createAndShow(Inbound{Media: MediaChat, QueueID: platformValue(b.QueueID), Name: platformValue(b.CustomerName),
		SkillIDs: b.SkillIDs, LanguageID: platformValue(b.LanguageID), Priority: prio})
}

// createAndShow places a contact and answers its media shape.
func (s *Server) createAndShow(in Inbound) (int, any, *apiError) {
	id, ae := s.placeInbound(in)
	if ae != nil {
		return 0, nil, ae
	}
	e := &s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	return http.StatusOK, s.mediaConv(e.byID[id]), nil
}

// findConv finds a conversation of a media type ("" for any). The caller
// holds e.mu.
func (s *Server) findConv(id, media string) (*conv, *apiError) {
	cv, ok := s.convs.byID[id]
	if !ok || (media != "" && cv.media != media) {
		e := notFound(fmt.Sprintf("The conversation %s was not found.", id))
		e.entity = id
		return nil, e
	}
	return cv, nil
}

// findPart finds the conversation and participant of a call's path. The
// caller holds e.mu.
func (s *Server) findPart(c *call, media string) (*conv, *participant, *apiError) {
	cv, ae := s.findConv(c.vars["conversationId"], media)
	if ae != nil {
		return nil, nil, ae
	}
	pid := c.vars["participantId"]
	p := cv.participant(pid)
	if p == nil {
		e := notFound(fmt.Sprintf("The participant %s is not a participant of the conversation %s.", pid, cv.id))
		e.entity = pid
		return nil, nil, e
	}
	if cid, ok := c.vars["communicationId"]; ok && cid != p.commID {
		e := notFound(fmt.Sprintf("The communication %s is not a communication of the participant %s.", cid, pid))
		e.entity = cid
		return nil, nil, e
	}
	return cv, p, nil
}

// change runs f on the call's participant, then publishes the conversation,
// ends it if nobody is left and routes waiting conversations.
func change(c *call, media string, f func(cv *conv, p *participant) *apiError) *apiError {
	s := c.s
	e := &s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	cv, p, ae := s.findPart(c, media)
	if ae != nil {
		return ae
	}
	if ae := s.owns(c, p); ae != nil {
		return ae
	}
	if ae := f(cv, p); ae != nil {
		return ae
	}
	s.followConsult(cv, s.now().UTC())
	s.endIfDone(cv, s.now().UTC())
	s.publishConv(cv)
	s.dispatchLocked()
	return nil
}

// owns refuses a user token's change of another user's participant (a
// client-credentials token acts for the organization and may change any).
func (s *Server) owns(c *call, p *participant) *apiError {
	uid := s.tokenUser(c.token)
	if uid == "" || p.userID == "" || p.userID == uid {
		return nil
	}
	return &apiError{status: http.StatusForbidden, code: "not.authorized",
		message: fmt.Sprintf("The participant %s belongs to another user: a user changes only their own participants.", p.id)}
}

func getConversation(media string) handler {
	return func(c *call) (int, any, *apiError) {
		e := &c.s.convs
		e.mu.Lock()
		defer e.mu.Unlock()
		cv, ae := c.s.findConv(c.vars["conversationId"], media)
		if ae != nil {
			return 0, nil, ae
		}
		if media == "" {
			return http.StatusOK, c.s.genericConv(cv), nil
		}
		return http.StatusOK, c.s.mediaConv(cv), nil
	}
}

// listConversations lists the conversations in progress of the token's
// user, or every one for a client-credentials token (it has no user).
func listConversations(media string) handler {
	return func(c *call) (int, any, *apiError) {
		p, ae := pageOf(c.query)
		if ae != nil {
			return 0, nil, ae
		}
		uid := c.s.tokenUser(c.token)
		e := &c.s.convs
		e.mu.Lock()
		var items []entity
		for _, cv := range e.live {
			if cv.ended() || (media != "" && cv.media != media) || (uid != "" && !slices.Contains(cv.users(), uid)) {
				continue
			}
			if media == "" {
				items = append(items, c.s.genericConv(cv))
			} else {
				items = append(items, c.s.mediaConv(cv))
			}
		}
		e.mu.Unlock()
		return http.StatusOK, fitTo(pageListing(c.path, c.query, items, p), responseType(c)), nil
	}
}

func disconnectConversation(c *call) (int, any, *apiError) {
	s := c.s
	e := &s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	cv, ae := s.findConv(c.vars["conversationId"], "")
	if ae != nil {
		return 0, nil, ae
	}
	if cv.ended() {
		return 0, nil, badRequest("conversationId", fmt.Sprintf("The conversation %s has already ended.", cv.id))
	}
	now := s.now().UTC()
	for _, p := range cv.parts {
		s.disconnectPart(cv, p, "client", now)
	}
	s.endIfDone(cv, now)
	s.publishConv(cv)
	s.dispatchLocked()
	return http.StatusAccepted, []byte(`"` + cv.id + `"`), nil
}

// invalidState is the 400 of a change the participant's state forbids.
func invalidState(p *participant, msg string) *apiError {
	e := badRequest("state", fmt.Sprintf("The participant %s (%s, %s) %s.", p.id, p.purpose, p.state, msg))
	e.code = "conversation.participant.invalid.state"
	return e
}

// patchParticipant answers, holds, disconnects or wraps up a participant.
func patchParticipant(media string) handler {
	return func(c *call) (int, any, *apiError) {
		b := c.body.(*models.MediaParticipantRequest)
		s := c.s
		ae := change(c, media, func(cv *conv, p *participant) *apiError {
			now := s.now().UTC()
			if b.State != nil {
				if ae := s.setState(cv, p, string(*b.State), now); ae != nil {
					return ae
				}
			}
			if b.Held != nil && *b.Held != p.held {
				if (p.purpose != purposeAgent && p.purpose != purposeUser) || p.state != stateConnected {
					return invalidState(p, "cannot be held or resumed: only a connected agent or user can")
				}
				p.held = *b.Held
				if p.held {
					p.holdStart = now
					p.openSeg("hold", now)
				} else {
					p.openSeg("interact", now)
				}
			}
			if b.Wrapup.Code != nil || (b.WrapupSkipped != nil && *b.WrapupSkipped) {
				return s.wrapup(p, &b.Wrapup, b.WrapupSkipped != nil && *b.WrapupSkipped, now)
			}
			return nil
		})
		if ae != nil {
			return 0, nil, ae
		}
		if c.rt.op.Response != nil {
			return http.StatusOK, entity{}, nil
		}
		return http.StatusAccepted, nil, nil
	}
}

// setState applies a state change of PATCH …/participants/{id}.
func (s *Server) setState(cv *conv, p *participant, state string, now time.Time) *apiError {
	switch state {
	case stateConnected:
		if p.purpose != purposeAgent {
			return invalidState(p, "cannot be answered: only an alerting agent can answer")
		}
		if p.state != stateAlerting {
			return invalidState(p, "cannot be answered: it is not alerting")
		}
		p.state, p.connected = stateConnected, now
		p.openSeg("interact", now)
		for _, q := range cv.parts {
			if q.purpose == purposeACD && q.queueID == p.queueID && q.active() {
				q.state, q.end, q.disconnect = stateDisconnected, now, "transfer"
				q.closeSeg(now, "transfer")
			}
		}
	case stateDisconnected:
		if !p.active() {
			return invalidState(p, "has already disconnected")
		}
		if p.purpose == purposeAgent && p.state == stateAlerting {
			// Declined: the conversation stays in queue for another agent.
			for _, q := range cv.parts {
				if q.purpose == purposeACD && q.queueID == p.queueID && q.active() {
					q.declined = append(q.declined, p.userID)
				}
			}
		}
		s.disconnectPart(cv, p, leaveKind(cv, p), now)
	default:
		return badRequest("state", fmt.Sprintf("The state %q cannot be set through the API: use connected or disconnected.", state))
	}
	return nil
}

// wrapup ends a participant's after-call work with a code, or skips it.
func (s *Server) wrapup(p *participant, w *models.WrapupInput, skip bool, now time.Time) *apiError {
	cv := s.convOf(p)
	if p.purpose != purposeAgent {
		return invalidState(p, "takes no wrap-up: only agents wrap up")
	}
	if p.active() {
		return invalidState(p, "cannot wrap up yet: wrap-up is given once it has disconnected")
	}
	if !p.acw {
		e := invalidState(p, "has already wrapped up")
		e.status, e.code = http.StatusConflict, "conversation.participant.wrapup.done"
		return e
	}
	if skip {
		if p.wrapupRequired {
			return badRequest("wrapupSkipped", "The queue requires a wrap-up code: it cannot be skipped.")
		}
		s.endACW(cv, p, "", "", "", now)
		return nil
	}
	code := platformValue(w.Code)
	if code == "" {
		return badRequest("code", "A wrap-up code is required.")
	}
	it, ok := s.store.wrapups.getItem(code)
	if !ok {
		e := badRequest("code", fmt.Sprintf("The wrap-up code %s does not exist.", code))
		e.entity = code
		return e
	}
	s.endACW(cv, p, code, str(it.e["name"]), platformValue(w.Notes), now)
	return nil
}

// convOf finds the conversation of a participant. The caller holds e.mu.
func (s *Server) convOf(p *participant) *conv {
	for _, cv := range s.convs.live {
		if slices.Contains(cv.parts, p) {
			return cv
		}
	}
	for _, cv := range s.convs.done {
		if slices.Contains(cv.parts, p) {
			return cv
		}
	}
	return nil
}

func postWrapup(media string) handler {
	return func(c *call) (int, any, *apiError) {
		w := c.body.(*models.WrapupInput)
		ae := change(c, media, func(cv *conv, p *participant) *apiError {
			return c.s.wrapup(p, w, false, c.s.now().UTC())
		})
		if ae != nil {
			return 0, nil, ae
		}
		return http.StatusAccepted, nil, nil
	}
}

func getWrapup(media string) handler {
	return func(c *call) (int, any, *apiError) {
		e := &c.s.convs
		e.mu.Lock()
		defer e.mu.Unlock()
		_, p, ae := c.s.findPart(c, media)
		if ae != nil {
			return 0, nil, ae
		}
		out := &models.AssignedWrapupCode{}
		if p.wrapupCode != "" {
			out.Code = ptrTo(p.wrapupCode)
			if p.wrapupNotes != "" {
				out.Notes = ptrTo(p.wrapupNotes)
			}
			if !p.acwEnd.IsZero() {
				out.EndTime = ptrTo(types.NewDateTime(p.acwEnd))
				out.DurationSeconds = ptrTo(int(p.acwEnd.Sub(p.acwStart) / time.Second))
			}
		}
		return http.StatusOK, out, nil
	}
}

// getWrapupCodes lists the wrap-up codes a participant can use: every code
// of the organization.
func getWrapupCodes(media string) handler {
	return func(c *call) (int, any, *apiError) {
		e := &c.s.convs
		e.mu.Lock()
		_, _, ae := c.s.findPart(c, media)
		e.mu.Unlock()
		if ae != nil {
			return 0, nil, ae
		}
		out := []any{}
		for _, it := range c.s.store.wrapups.list(nil) {
			out = append(out, it.e)
		}
		return http.StatusOK, out, nil
	}
}

// replace transfers a connected agent's conversation (blind) to a queue or
// a user; kind is "queue", "agent" or "any" (the body says which).
func replace(media, kind string) handler {
	return func(c *call) (int, any, *apiError) {
		var queueID, userID string
		switch b := c.body.(type) {
		case *models.TransferToQueueRequest:
			queueID = platformValue(b.QueueID)
			if queueID == "" {
				return 0, nil, badRequest("queueId", "A queueId is required.")
			}
		case *models.TransferToAgentRequest:
			userID = platformValue(b.UserID)
			if userID == "" {
				return 0, nil, badRequest("userId", "A userId is required.")
			}
		case *models.TransferRequest:
			queueID, userID = platformValue(b.QueueID), platformValue(b.UserID)
			if (queueID == "") == (userID == "") {
				return 0, nil, badRequest("userId", "Exactly one of userId and queueId is required (the simulator does not dial addresses).")
			}
		}
		s := c.s
		if queueID != "" {
			if ae := s.checkQueue("queueId", queueID); ae != nil {
				return 0, nil, ae
			}
		}
		if userID != "" {
			if _, ok := s.store.users.getItem(userID); !ok {
				e := badRequest("userId", fmt.Sprintf("The user %s does not exist.", userID))
				e.entity = userID
				return 0, nil, e
			}
		}
		ae := change(c, media, func(cv *conv, p *participant) *apiError {
			if p.purpose != purposeAgent || p.state != stateConnected {
				return invalidState(p, "cannot be transferred: only a connected agent can")
			}
			now := s.now().UTC()
			s.disconnectPart(cv, p, "transfer", now)
			if queueID != "" {
				s.addACD(cv, queueID, nil, "", 0, now)
				s.assignIDs(cv)
			} else {
				s.alertAgent(cv, p.queueID, userID, now)
			}
			return nil
		})
		if ae != nil {
			return 0, nil, ae
		}
		return http.StatusAccepted, nil, nil
	}
}
