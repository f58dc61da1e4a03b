package sim

import (
	"time"
)

// Conversations render as JSON objects in two shapes: the generic one of
// GET /api/v2/conversations/{id} and the v2.users.{id}.conversations and
// v2.routing.queues.{id}.conversations events (participants carry their
// communications in calls, callbacks, emails, messages or chats), and the
// media one of GET /api/v2/conversations/calls/{id} and the like and their
// events (each participant carries its communication's state itself).

// mediaPlural is the collection name of a media type: "calls", "callbacks", …
func mediaPlural(media string) string { return media + "s" }

// wireTime is the API's date-time text.
func wireTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// setTime sets a member to a time unless it is zero.
func setTime(e entity, k string, t time.Time) {
	if !t.IsZero() {
		e[k] = wireTime(t)
	}
}

// setStr sets a member unless it is empty.
func setStr(e entity, k, v string) {
	if v != "" {
		e[k] = v
	}
}

func (s *Server) divisions(cv *conv) []any {
	if cv.division == "" {
		return []any{}
	}
	return []any{entity{"division": ref(s.store.divisions, cv.division, ""), "entities": []any{}}}
}

// routingData is a participant's conversationRoutingData.
func routingData(p *participant) entity {
	rd := entity{"queue": entity{"id": p.queueID, "selfUri": "/api/v2/routing/queues/" + p.queueID}, "priority": p.priority}
	if len(p.skills) > 0 {
		sk := make([]any, len(p.skills))
		for i, id := range p.skills {
			sk[i] = entity{"id": id, "selfUri": "/api/v2/routing/skills/" + id}
		}
		rd["skills"] = sk
	}
	if p.language != "" {
		rd["language"] = entity{"id": p.language, "selfUri": "/api/v2/routing/languages/" + p.language}
	}
	return rd
}

// wrapupOf is a participant's wrap-up, nil before one was given.
func wrapupOf(p *participant) entity {
	if p.wrapupCode == "" {
		return nil
	}
	w := entity{"code": p.wrapupCode}
	setStr(w, "name", p.wrapupName)
	setStr(w, "notes", p.wrapupNotes)
	if !p.acwEnd.IsZero() {
		w["endTime"] = wireTime(p.acwEnd)
		w["durationSeconds"] = int(p.acwEnd.Sub(p.acwStart) / time.Second)
	}
	return w
}

// commonParticipant holds the members both shapes share.
func commonParticipant(cv *conv, p *participant) entity {
	e := entity{"id": p.id, "purpose": p.purpose}
	setStr(e, "name", p.name)
	setStr(e, "address", p.address)
	setTime(e, "startTime", p.start)
	setTime(e, "connectedTime", p.connected)
	setTime(e, "endTime", p.end)
	setStr(e, "consultParticipantId", p.consultPart)
	if p.queueID != "" {
		e["conversationRoutingData"] = routingData(p)
	}
	if p.purpose == purposeAgent {
		e["wrapupRequired"] = p.wrapupRequired
		e["wrapupPrompt"] = p.wrapupPrompt
		e["wrapupTimeoutMs"] = p.wrapupTimeout
		setTime(e, "startAcwTime", p.acwStart)
		setTime(e, "endAcwTime", p.acwEnd)
		if w := wrapupOf(p); w != nil {
			e["wrapup"] = w
		}
	}
	return e
}

// communication is a participant's communication in the generic shape.
func communication(cv *conv, p *participant) entity {
	c := entity{"id": p.commID, "state": p.state, "direction": p.direction, "held": p.held, "provider": "PureCloud"}
	setStr(c, "disconnectType", wireDisconnect(p.disconnect))
	setTime(c, "startAlertingTime", p.alertStart)
	setTime(c, "connectedTime", p.connected)
	setTime(c, "disconnectedTime", p.end)
	if p.held {
		setTime(c, "startHoldTime", p.holdStart)
	}
	if p.purpose == purposeAgent {
		c["afterCallWorkRequired"] = p.wrapupRequired
		if !p.acwStart.IsZero() {
			acw := entity{"state": "pending", "startTime": wireTime(p.acwStart)}
			if !p.acw {
				acw["state"] = "complete"
				setTime(acw, "endTime", p.acwEnd)
			}
			c["afterCallWork"] = acw
		}
		if w := wrapupOf(p); w != nil {
			c["wrapup"] = w
		}
	}
	mediaDetails(cv, p, c)
	return c
}

// mediaDetails adds what a media type carries on each communication.
func mediaDetails(cv *conv, p *participant, c entity) {
	switch cv.media {
	case MediaCallback:
		if cust := cv.customer(); cust != nil {
			c["callbackNumbers"] = []any{cust.address}
			setStr(c, "callbackUserName", cust.name)
		}
	case MediaEmail:
		setStr(c, "subject", cv.subject)
	}
}

// genericConv renders the generic shape.
func (s *Server) genericConv(cv *conv) entity {
	parts := make([]any, 0, len(cv.parts))
	for _, p := range cv.parts {
		e := commonParticipant(cv, p)
		if p.userID != "" {
			e["userId"] = p.userID
			e["userUri"] = "/api/v2/users/" + p.userID
		}
		if p.queueID != "" {
			e["queueId"] = p.queueID
		}
		e[mediaPlural(cv.media)] = []any{communication(cv, p)}
		parts = append(parts, e)
	}
	out := entity{"id": cv.id, "participants": parts, "divisions": s.divisions(cv), "maxParticipants": 10,
		"selfUri": "/api/v2/conversations/" + cv.id, "startTime": wireTime(cv.start)}
	setTime(out, "endTime", cv.end)
	if cv.ended() {
		out["state"] = stateDisconnected
	} else {
		out["state"] = stateConnected
	}
	return out
}

// mediaConv renders the media shape.
func (s *Server) mediaConv(cv *conv) entity {
	parts := make([]any, 0, len(cv.parts))
	for _, p := range cv.parts {
		e := commonParticipant(cv, p)
		for k, v := range communication(cv, p) {
			if k != "id" && k != "connectedTime" && k != "disconnectedTime" && k != "afterCallWork" && k != "afterCallWorkRequired" {
				e[k] = v
			}
		}
		if p.userID != "" {
			e["user"] = entity{"id": p.userID, "selfUri": "/api/v2/users/" + p.userID}
		}
		if p.queueID != "" {
			e["queue"] = entity{"id": p.queueID, "selfUri": "/api/v2/routing/queues/" + p.queueID}
		}
		if cv.media == MediaEmail && p.purpose != purposeACD {
			e["messagesSent"] = 0
		}
		parts = append(parts, e)
	}
	return entity{"id": cv.id, "participants": parts, "divisions": s.divisions(cv), "otherMediaUris": []any{},
		"selfUri": "/api/v2/conversations/" + mediaPlural(cv.media) + "/" + cv.id}
}

// publishConv sends a conversation's state to the users and queues it
// involves, in both shapes, and its new detail events. The caller holds
// e.mu.
func (s *Server) publishConv(cv *conv) {
	s.publishDetails(cv)
	if s.liveHub() == nil {
		return
	}
	g, m := s.genericConv(cv), s.mediaConv(cv)
	suffix := ".conversations." + mediaPlural(cv.media)
	for _, uid := range cv.users() {
		s.publish("v2.users."+uid+".conversations", g)
		s.publish("v2.users."+uid+suffix, m)
	}
	for _, qid := range cv.queues() {
		s.publish("v2.routing.queues."+qid+".conversations", g)
		s.publish("v2.routing.queues."+qid+suffix, m)
	}
}
