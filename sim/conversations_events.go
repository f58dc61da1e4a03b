package sim

import (
	"strings"
	"time"
)

// Detail events: each participant's start and end, and an agent's end of
// after-call work, are published once on the conversation's detail topics
// (the service's analytics event stream):
//
//	v2.detail.events.conversation.{id}.customer.start / .customer.end
//	v2.detail.events.conversation.{id}.acd.start / .acd.end (acdOutcome ANSWERED or ABANDON)
//	v2.detail.events.conversation.{id}.user.start / .user.end (durations in ms)
//	v2.detail.events.conversation.{id}.acw (wrap-up code, notes and duration)

// detailKinds names the detail topic of a participant's purpose.
var detailKinds = map[string]string{purposeCustomer: "customer", purposeACD: "acd", purposeAgent: "user", purposeUser: "user"}

// epochMs is a time as the detail events carry it.
func epochMs(t time.Time) int64 { return t.UnixMilli() }

// detailBase holds the members every detail event of a participant has.
func (s *Server) detailBase(cv *conv, p *participant, at time.Time) entity {
	e := entity{"eventTime": epochMs(at), "conversationId": cv.id, "participantId": p.id, "sessionId": p.commID,
		"mediaType": strings.ToUpper(string(analyticsMedia[cv.media])), "provider": "PureCloud",
		"direction": strings.ToUpper(cv.direction), "divisionId": cv.division}
	if cust := cv.customer(); cust != nil && cust.address != "" {
		e["addressFrom"] = cust.address
	}
	if cv.media == MediaEmail && cv.subject != "" {
		e["subject"] = cv.subject
	}
	if p.queueID != "" && p.purpose != purposeCustomer {
		e["queueId"] = p.queueID
	}
	if p.userID != "" {
		e["userId"] = p.userID
	}
	return e
}

// detailEnd adds what an end event reports.
func (s *Server) detailEnd(cv *conv, p *participant, e entity) {
	e["disconnectType"] = strings.ToUpper(p.disconnect)
	if d, ok := eventDisconnect[p.disconnect]; ok {
		e["disconnectType"] = d
	}
	switch p.purpose {
	case purposeACD:
		e["acdOutcome"] = "ABANDON"
		for _, q := range cv.parts {
			if q.purpose == purposeAgent && q.queueID == p.queueID && !q.connected.IsZero() {
				e["acdOutcome"], e["answeredUserId"] = "ANSWERED", q.userID
			}
		}
		if len(p.skills) > 0 {
			e["requestedRoutingSkillIds"] = p.skills
		}
	case purposeAgent, purposeUser:
		talk, _ := segTotal(p, "interact")
		held, _ := segTotal(p, "hold")
		alert, _ := segTotal(p, "alert")
		e["interactingDurationMs"], e["heldDurationMs"], e["alertingDurationMs"] = talk.Milliseconds(), held.Milliseconds(), alert.Milliseconds()
	case purposeCustomer:
		e["interactingDurationMs"] = p.end.Sub(p.start).Milliseconds()
	}
}

// publishDetails publishes the detail events not published yet. The caller
// holds e.mu.
func (s *Server) publishDetails(cv *conv) {
	live := s.liveHub() != nil
	topic := "v2.detail.events.conversation." + cv.id + "."
	for _, p := range cv.parts {
		kind := detailKinds[p.purpose]
		if kind == "" { // an external party has no detail topic
			continue
		}
		if !p.evStart {
			p.evStart = true
			if live {
				s.publish(topic+kind+".start", s.detailBase(cv, p, p.start))
			}
		}
		if p.state == stateDisconnected && !p.evEnd {
			p.evEnd = true
			if live {
				e := s.detailBase(cv, p, p.end)
				s.detailEnd(cv, p, e)
				s.publish(topic+kind+".end", e)
			}
		}
		if p.purpose == purposeAgent && !p.acwEnd.IsZero() && !p.evAcw {
			p.evAcw = true
			if live {
				e := s.detailBase(cv, p, p.acwEnd)
				e["wrapupDurationMs"] = p.acwEnd.Sub(p.acwStart).Milliseconds()
				if p.wrapupCode != "" {
					e["wrapupCode"] = p.wrapupCode
				}
				if p.wrapupNotes != "" {
					e["wrapupNotes"] = p.wrapupNotes
				}
				s.publish(topic+"acw", e)
			}
		}
	}
}
