package sim

import (
	"slices"
	"sort"
	"time"

	"github.com/purecloudgo/platformclient/models"
)

// The routing engine offers waiting conversations to agents. An agent can
// be offered a conversation of a queue when they are a joined member of
// the queue, their routing status is IDLE (they are On Queue and free)
// and they have every routing skill the conversation asks for; among
// those, the one idle the longest gets it. Offering sets the agent
// INTERACTING; when their after-call work ends they go back to IDLE (or
// OFF_QUEUE if they left On Queue meanwhile) and the engine looks again.
//
// The engine runs after every change that can free an agent or add a
// waiting conversation: conversation changes, presence and routing-status
// changes, and queue membership changes (the routes wrapped below).

// routingTriggers are the routes whose success may let a waiting
// conversation reach an agent: bind wraps their handlers with thenRoute.
// It is a package variable, so it is set before any init function binds a
// handler, whatever the order of the files.
var routingTriggers = map[string]bool{
	routeKey("PATCH", "/api/v2/users/{userId}/presences/purecloud"):          true,
	routeKey("PATCH", "/api/v2/users/{userId}/presences/{sourceId}"):         true,
	routeKey("PUT", "/api/v2/users/{userId}/routingstatus"):                  true,
	routeKey("POST", "/api/v2/routing/queues/{queueId}/members"):             true,
	routeKey("PATCH", "/api/v2/routing/queues/{queueId}/members"):            true,
	routeKey("PATCH", "/api/v2/routing/queues/{queueId}/members/{memberId}"): true,
	routeKey("POST", "/api/v2/routing/queues/{queueId}/users"):               true,
	routeKey("PATCH", "/api/v2/routing/queues/{queueId}/users"):              true,
	routeKey("PATCH", "/api/v2/routing/queues/{queueId}/users/{memberId}"):   true,
}

// A change of a user's routing skills (userstate.go) routes through its
// after hook.
func init() {
	userSkills.after = func(c *call) { c.s.routeWaiting() }
}

// hasSkills reports whether a user has every routing skill.
func (s *Server) hasSkills(userID string, skills []string) bool {
	if len(skills) == 0 {
		return true
	}
	have := userSkills.ids(s.store, userID)
	for _, want := range skills {
		if !slices.Contains(have, want) {
			return false
		}
	}
	return true
}

// thenRoute runs h and, when it succeeds, the routing engine.
func thenRoute(h handler) handler {
	return func(c *call) (int, any, *apiError) {
		status, out, e := h(c)
		if e == nil {
			c.s.routeWaiting()
		}
		return status, out, e
	}
}

// routeWaiting offers waiting conversations to free agents.
func (s *Server) routeWaiting() {
	e := &s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	s.dispatchLocked()
}

// waiting is an ACD participant still in its queue.
type waiting struct {
	cv  *conv
	acd *participant
}

// waitingACD returns the conversations waiting in queues, in the order
// they are served: higher priority first, then the longest waiting. The
// caller holds e.mu.
func (s *Server) waitingACD() []waiting {
	var out []waiting
	for _, cv := range s.convs.live {
		if cv.ended() {
			continue
		}
		for _, p := range cv.parts {
			if p.purpose == purposeACD && p.state == stateConnected && !s.offered(cv, p) {
				out = append(out, waiting{cv, p})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].acd.priority != out[j].acd.priority {
			return out[i].acd.priority > out[j].acd.priority
		}
		return out[i].acd.start.Before(out[j].acd.start)
	})
	return out
}

// offered reports whether an agent is alerting for the ACD participant's
// queue in the conversation.
func (s *Server) offered(cv *conv, acd *participant) bool {
	for _, p := range cv.parts {
		if p.purpose == purposeAgent && p.state == stateAlerting && p.queueID == acd.queueID {
			return true
		}
	}
	return false
}

// dispatchLocked offers every waiting conversation it can. The caller
// holds e.mu.
func (s *Server) dispatchLocked() {
	for _, w := range s.waitingACD() {
		uid := s.pickAgent(w.acd)
		if uid == "" {
			continue
		}
		s.offer(w.cv, w.acd, uid)
	}
}

// pickAgent chooses the agent for a waiting ACD participant, or "". The
// caller holds e.mu.
func (s *Server) pickAgent(acd *participant) string {
	st := s.store
	st.memMu.Lock()
	var members []string
	for _, m := range st.queueMembers[acd.queueID] {
		if m.joined {
			members = append(members, m.userID)
		}
	}
	st.memMu.Unlock()
	best, bestSince := "", time.Time{}
	for _, uid := range members {
		if slices.Contains(acd.declined, uid) || !s.hasSkills(uid, acd.skills) || s.agentBusy(uid) {
			continue
		}
		st.agentMu.Lock()
		r := st.routingOf(uid)
		st.agentMu.Unlock()
		if r.status != models.RoutingStatusStatusIDLE {
			continue
		}
		if best == "" || r.start.Before(bestSince) {
			best, bestSince = uid, r.start
		}
	}
	return best
}

// offer alerts an agent with a waiting conversation. The caller holds e.mu.
func (s *Server) offer(cv *conv, acd *participant, uid string) {
	s.alertAgent(cv, acd.queueID, uid, s.now().UTC())
	s.publishConv(cv)
}

// alertAgent adds an alerting agent participant for a user, with the wrap-up
// settings of the queue, and sets the user INTERACTING. The caller holds
// e.mu.
func (s *Server) alertAgent(cv *conv, queueID, uid string, now time.Time) *participant {
	name := ""
	if u, ok := s.store.users.getItem(uid); ok {
		name = str(u.e["name"])
	}
	prompt, timeout := s.queueWrapup(queueID)
	p := &participant{purpose: purposeAgent, userID: uid, queueID: queueID, name: name, state: stateAlerting,
		direction: cv.direction, start: now, alertStart: now, wrapupPrompt: prompt, wrapupTimeout: timeout,
		wrapupRequired: prompt == "mandatory" || prompt == "timeout" || prompt == "forcedTimeout"}
	p.openSeg("alert", now)
	cv.parts = append(cv.parts, p)
	s.assignIDs(cv)
	s.setAgentStatus(uid, models.RoutingStatusStatusINTERACTING)
	return p
}

// queueWrapup reads a queue's wrap-up prompt (as participants spell it)
// and timeout.
func (s *Server) queueWrapup(queueID string) (string, int) {
	prompt, timeout := "optional", 0
	q, ok := s.store.queues.getItem(queueID)
	if !ok {
		return prompt, timeout
	}
	acw, _ := q.e["acwSettings"].(map[string]any)
	switch str(acw["wrapupPrompt"]) {
	case "MANDATORY":
		prompt = "mandatory"
	case "MANDATORY_TIMEOUT":
		prompt = "timeout"
	case "MANDATORY_FORCED_TIMEOUT":
		prompt = "forcedTimeout"
	case "AGENT_REQUESTED":
		prompt = "agentRequested"
	}
	if n, ok := number(acw["timeoutMs"]); ok {
		timeout = int(n)
	}
	return prompt, timeout
}

// setAgentStatus changes a user's routing status (publishing it) unless it
// is that already.
func (s *Server) setAgentStatus(uid string, status models.RoutingStatusStatus) {
	st := s.store
	st.agentMu.Lock()
	defer st.agentMu.Unlock()
	if st.routingOf(uid).status != status {
		st.setRouting(uid, status)
	}
}

// agentFree puts an agent who has nothing left to do back to IDLE, or
// OFF_QUEUE when their presence is no longer On Queue. The caller holds
// e.mu.
func (s *Server) agentFree(uid string) {
	if uid == "" || s.agentBusy(uid) {
		return
	}
	st := s.store
	st.agentMu.Lock()
	defer st.agentMu.Unlock()
	if st.routingOf(uid).status != models.RoutingStatusStatusINTERACTING {
		return
	}
	status := models.RoutingStatusStatusOFFQUEUE
	if onQueue(st.presenceOf(uid, "purecloud").system) {
		status = models.RoutingStatusStatusIDLE
	}
	st.setRouting(uid, status)
}
