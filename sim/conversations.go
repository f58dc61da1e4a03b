package sim

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Conversations with state: each one has a customer, an ACD participant per
// queue it waited in and an agent participant per agent it reached. The
// routing engine (routing_engine.go) offers a waiting conversation to an
// agent; the API (conversations_api.go) and the simulator's methods
// (Inbound…) change participants; every change is published
// (conversations_render.go); conversations in progress and ended feed the
// analytics (conversations_analytics.go, conversations_index.go,
// observations.go).

// Media types of a conversation, as Inbound takes them.
const (
	MediaCall     = "call"
	MediaCallback = "callback"
	MediaEmail    = "email"
	MediaMessage  = "message"
	MediaChat     = "chat"
)

// Participant states and purposes, as the API spells them.
const (
	stateAlerting     = "alerting"
	stateConnected    = "connected"
	stateDisconnected = "disconnected"

	purposeCustomer = "customer"
	purposeACD      = "acd"
	purposeAgent    = "agent"
	purposeUser     = "user" // a user on a call they placed themselves
)

// segment is one stretch of a participant's session, as the analytics
// details report it.
type segment struct {
	typ        string // interact, alert, hold, wrapup
	start, end time.Time
	queueID    string
	disconnect string
	code, note string
	// Consult transfers and conferences (conversations_consult.go).
	conference   bool
	transferType string // "Consult" or "Blind" on the segment a transfer ended
}

// participant is one party of a conversation.
type participant struct {
	id, commID string
	purpose    string
	userID     string
	queueID    string
	name       string
	address    string
	state      string
	direction  string
	held       bool
	holdStart  time.Time
	start      time.Time
	alertStart time.Time
	connected  time.Time
	end        time.Time
	disconnect string // disconnectType once disconnected

	// ACD participants: what the conversation asks of an agent.
	skills   []string
	language string
	priority int
	declined []string // agents that declined this offer

	// Agent participants: after-call work.
	wrapupPrompt   string // mandatory, optional, …
	wrapupRequired bool
	wrapupTimeout  int
	acw            bool // in after-call work now
	acwStart       time.Time
	acwEnd         time.Time
	wrapupCode     string
	wrapupName     string
	wrapupNotes    string

	segs []segment

	// Consult transfers and conferences (conversations_consult.go).
	consultPart  string      // the destination of the consult this party is the object of
	consults     []time.Time // when this agent started consults
	inConference bool        // its segments are conference ones

	// Detail events published (conversations_events.go).
	evStart, evEnd, evAcw bool
}

// openSeg starts a segment, closing the open one.
func (p *participant) openSeg(typ string, at time.Time) {
	p.closeSeg(at, "")
	p.segs = append(p.segs, segment{typ: typ, start: at, queueID: p.queueID, conference: p.inConference})
}

// closeSeg ends the open segment, if any.
func (p *participant) closeSeg(at time.Time, disconnect string) {
	if n := len(p.segs); n > 0 && p.segs[n-1].end.IsZero() {
		p.segs[n-1].end = at
		p.segs[n-1].disconnect = disconnect
		p.segs[n-1].transferType = transferType(disconnect)
	}
}

// active reports whether the participant is still alerting or connected.
func (p *participant) active() bool { return p.state == stateAlerting || p.state == stateConnected }

// conv is one conversation.
type conv struct {
	id         string
	media      string
	start, end time.Time
	division   string
	subject    string
	direction  string
	parts      []*participant
	seq        uint64   // creation order
	consult    *consult // in progress (conversations_consult.go)
	conference bool     // parties were added: a conference
}

// ended reports whether every participant has disconnected.
func (cv *conv) ended() bool { return !cv.end.IsZero() }

// participant finds a participant by id.
func (cv *conv) participant(id string) *participant {
	for _, p := range cv.parts {
		if p.id == id {
			return p
		}
	}
	return nil
}

// customer returns the customer participant.
func (cv *conv) customer() *participant {
	for _, p := range cv.parts {
		if p.purpose == purposeCustomer {
			return p
		}
	}
	return nil
}

// queues returns the ids of the queues the conversation waited in.
func (cv *conv) queues() []string {
	var out []string
	for _, p := range cv.parts {
		if p.purpose == purposeACD && !slices.Contains(out, p.queueID) {
			out = append(out, p.queueID)
		}
	}
	return out
}

// users returns the ids of the users of the conversation.
func (cv *conv) users() []string {
	var out []string
	for _, p := range cv.parts {
		if p.userID != "" && !slices.Contains(out, p.userID) {
			out = append(out, p.userID)
		}
	}
	return out
}

// convEngine holds the conversations of a Server; its zero value is ready.
type convEngine struct {
	mu   sync.Mutex
	byID map[string]*conv
	live []*conv // not ended, in creation order
	done []*conv // ended, in end order
	// Index of the ended conversations for analytics (conversations_index.go).
	ended   []*conv       // by start, then creation
	longest time.Duration // the longest of them
	made    uint64
	open    map[string]string // queue by open messaging integration id (conversations_messaging.go)
	openBy  map[string]*conv  // live open messaging conversation by integration and sender
}

// convID makes a deterministic conversation id; the caller holds e.mu.
func (s *Server) convID(kind string) string {
	s.convs.made++
	return uuidFrom(hashString(s.cfg.seed, "conversation/"+kind+"/"+strconv.FormatUint(s.convs.made, 10)))
}

// Inbound describes a customer contact that Server.Inbound places in a
// queue, as an inbound flow would.
type Inbound struct {
	// Media is MediaCall, MediaCallback, MediaEmail, MediaMessage or MediaChat.
	Media string
	// QueueID is the queue the contact waits in.
	QueueID string
	// From is the customer's address: a phone number, an email address or
	// a messaging id.
	From string
	// Name is the customer's name.
	Name string
	// SkillIDs are routing skills an agent must have to be offered the contact.
	SkillIDs []string
	// LanguageID is the requested language (informative).
	LanguageID string
	// Priority orders waiting contacts: higher first, then the longest waiting.
	Priority int
	// Subject is an email's subject.
	Subject string
}

// Inbound places a customer contact in a queue and returns its
// conversation id. It is routed at once to an agent who is a joined member
// of the queue, On Queue and IDLE (and has every skill in SkillIDs); it
// waits otherwise. The changes are published as notifications.
func (s *Server) Inbound(in Inbound) (string, error) {
	id, ae := s.placeInbound(in)
	if ae != nil {
		return "", ae
	}
	return id, nil
}

// InboundCall places an inbound voice call from a phone number in a queue;
// see Inbound.
func (s *Server) InboundCall(queueID, from string) (string, error) {
	return s.Inbound(Inbound{Media: MediaCall, QueueID: queueID, From: from})
}

// InboundMessage places an inbound message (open or web messaging) from a
// customer in a queue; see Inbound.
func (s *Server) InboundMessage(queueID, from string) (string, error) {
	return s.Inbound(Inbound{Media: MediaMessage, QueueID: queueID, From: from})
}

// InboundEmail places an inbound email in a queue; see Inbound.
func (s *Server) InboundEmail(queueID, from, subject string) (string, error) {
	return s.Inbound(Inbound{Media: MediaEmail, QueueID: queueID, From: from, Subject: subject})
}

// validMedia reports whether m is a media type of Inbound.
func validMedia(m string) bool {
	switch m {
	case MediaCall, MediaCallback, MediaEmail, MediaMessage, MediaChat:
		return true
	}
	return false
}

// placeInbound creates the conversation of in and routes it.
func (s *Server) placeInbound(in Inbound) (string, *apiError) {
	if !validMedia(in.Media) {
		return "", badRequest("media", fmt.Sprintf("Unknown media type %q.", in.Media))
	}
	if ae := s.checkQueue("queueId", in.QueueID); ae != nil {
		return "", ae
	}
	for i, sk := range in.SkillIDs {
		if _, ok := s.store.skills.getItem(sk); !ok {
			return "", badRequest(fmt.Sprintf("skillIds[%d]", i), fmt.Sprintf("The routing skill %s does not exist.", sk))
		}
	}
	e := &s.convs
	e.mu.Lock()
	now := s.now().UTC()
	cv := s.newConv(in.Media, "inbound", now)
	cv.subject = in.Subject
	name := in.Name
	if name == "" {
		name = "Customer"
	}
	cust := &participant{purpose: purposeCustomer, name: name, address: in.From, state: stateConnected,
		direction: "inbound", start: now, connected: now}
	cust.openSeg("interact", now)
	cv.parts = append(cv.parts, cust)
	s.addACD(cv, in.QueueID, in.SkillIDs, in.LanguageID, in.Priority, now)
	s.register(cv)
	s.dispatchLocked()
	e.mu.Unlock()
	return cv.id, nil
}

// placeOutbound creates a call a user places to a phone number: the user
// and the customer are connected at once (the simulator does not ring
// phones). It is not routed and does not change the user's routing status.
func (s *Server) placeOutbound(userID, number string) string {
	e := &s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	now := s.now().UTC()
	cv := s.newConv(MediaCall, "outbound", now)
	name := ""
	if u, ok := s.store.users.getItem(userID); ok {
		name = str(u.e["name"])
	}
	user := &participant{purpose: purposeUser, userID: userID, name: name, state: stateConnected, direction: "outbound",
		start: now, connected: now}
	cust := &participant{purpose: purposeCustomer, name: "Customer", address: number, state: stateConnected,
		direction: "outbound", start: now, connected: now}
	user.openSeg("interact", now)
	cust.openSeg("interact", now)
	cv.parts = append(cv.parts, cust, user)
	s.register(cv)
	return cv.id
}

// newConv starts a conversation with a fresh id. The caller holds e.mu.
func (s *Server) newConv(media, direction string, now time.Time) *conv {
	cv := &conv{media: media, start: now, division: s.store.homeDivision, direction: direction}
	cv.id = s.convID("")
	cv.seq = s.convs.made
	return cv
}

// register makes a new conversation live and publishes it. The caller
// holds e.mu.
func (s *Server) register(cv *conv) {
	s.assignIDs(cv)
	e := &s.convs
	if e.byID == nil {
		e.byID = map[string]*conv{}
	}
	e.byID[cv.id] = cv
	e.live = append(e.live, cv)
	s.publishConv(cv)
}

// checkQueue answers 400 for an empty or unknown queue id.
func (s *Server) checkQueue(field, id string) *apiError {
	if id == "" {
		return badRequest(field, "A queue id is required.")
	}
	if _, ok := s.store.queues.getItem(id); !ok {
		e := badRequest(field, fmt.Sprintf("The queue %s does not exist.", id))
		e.entity = id
		return e
	}
	return nil
}

// addACD adds a participant that waits in a queue. The caller holds e.mu.
func (s *Server) addACD(cv *conv, queueID string, skills []string, lang string, prio int, now time.Time) *participant {
	name := ""
	if q, ok := s.store.queues.getItem(queueID); ok {
		name = str(q.e["name"])
	}
	p := &participant{purpose: purposeACD, queueID: queueID, name: name, state: stateConnected, direction: cv.direction,
		start: now, connected: now, skills: slices.Clone(skills), language: lang, priority: prio}
	p.openSeg("interact", now)
	cv.parts = append(cv.parts, p)
	return p
}

// assignIDs gives new participants their ids. The caller holds e.mu.
func (s *Server) assignIDs(cv *conv) {
	for i, p := range cv.parts {
		if p.id == "" {
			k := cv.id + "/" + strconv.Itoa(i)
			p.id = uuidFrom(hashString(s.cfg.seed, "participant/"+k))
			p.commID = uuidFrom(hashString(s.cfg.seed, "communication/"+k))
		}
	}
}

// disconnectPart disconnects a participant. An agent's session moves to
// after-call work; the conversation ends once nobody is left. The caller
// holds e.mu.
func (s *Server) disconnectPart(cv *conv, p *participant, how string, now time.Time) {
	if !p.active() {
		return
	}
	wasConnected := p.state == stateConnected
	p.state, p.disconnect, p.end, p.held = stateDisconnected, how, now, false
	p.closeSeg(now, how)
	if p.purpose == purposeAgent {
		if wasConnected {
			p.acw, p.acwStart = true, now
			p.openSeg("wrapup", now)
		} else {
			s.agentFree(p.userID)
		}
	}
}

// endIfDone disconnects the remaining parties when the customer side or
// every agent has left, and ends the conversation once nobody is
// connected. The caller holds e.mu.
func (s *Server) endIfDone(cv *conv, now time.Time) {
	if cv.ended() {
		return
	}
	cust := cv.customer()
	others := false
	for _, p := range cv.parts {
		if p != cust && p.active() {
			others = true
		}
	}
	if cust != nil && (!cust.active() || !others) {
		for _, p := range cv.parts {
			s.disconnectPart(cv, p, "peer", now)
		}
	}
	for _, p := range cv.parts {
		if p.active() {
			return
		}
	}
	cv.end, cv.consult = now, nil
	s.convs.done = append(s.convs.done, cv)
	s.convs.indexEnded(cv)
	s.retire(cv)
}

// retire drops an ended conversation from the live ones once no agent
// wraps it up any more. The caller holds e.mu.
func (s *Server) retire(cv *conv) {
	if !cv.ended() {
		return
	}
	for _, p := range cv.parts {
		if p.acw {
			return
		}
	}
	e := &s.convs
	e.live = slices.DeleteFunc(e.live, func(x *conv) bool { return x == cv })
}

// agentBusy reports whether a user still alerts, talks or wraps up. The
// caller holds e.mu.
func (s *Server) agentBusy(userID string) bool {
	for _, cv := range s.convs.live {
		for _, p := range cv.parts {
			if p.userID == userID && (p.active() || p.acw) {
				return true
			}
		}
	}
	return false
}

// endACW ends a participant's after-call work with a wrap-up code (or none
// when skipped) and frees the agent. The caller holds e.mu.
func (s *Server) endACW(cv *conv, p *participant, code, name, notes string, now time.Time) {
	p.wrapupCode, p.wrapupName, p.wrapupNotes = code, name, notes
	if n := len(p.segs); n > 0 && p.segs[n-1].typ == "wrapup" {
		p.segs[n-1].code, p.segs[n-1].note = code, notes
	}
	if p.acw {
		p.acw, p.acwEnd = false, now
		p.closeSeg(now, "")
		s.retire(cv)
		s.agentFree(p.userID)
	}
}

// SeedEndedConversations adds n ended inbound voice conversations, spread
// evenly across [from, to): a customer, a queue (the seeded queues in turn)
// and an agent of it, who answered, talked, wrapped up with a seeded
// wrap-up code and disconnected. They are what analytics details queries
// and jobs find, like the conversations that happened through the API. It
// returns their ids.
func (s *Server) SeedEndedConversations(n int, from, to time.Time) ([]string, error) {
	if n < 0 || !to.After(from) {
		return nil, fmt.Errorf("sim: seed %d conversations in [%s, %s): need n >= 0 and a non-empty interval", n, from, to)
	}
	queues := s.store.queues.ids()
	codes := s.store.wrapups.ids()
	if len(queues) == 0 {
		return nil, fmt.Errorf("sim: no queue to seed conversations in")
	}
	span := to.Sub(from)
	ids := make([]string, 0, n)
	e := &s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.byID == nil {
		e.byID = map[string]*conv{}
	}
	for i := range n {
		at := from.Add(time.Duration(float64(span) * float64(i) / float64(n))).UTC().Truncate(time.Millisecond)
		h := hashString(s.cfg.seed, "seeded/"+strconv.Itoa(i))
		qid := queues[i%len(queues)]
		s.store.memMu.Lock()
		ms := s.store.queueMembers[qid]
		agent := ""
		if len(ms) > 0 {
			agent = ms[int(h%uint64(len(ms)))].userID
		}
		s.store.memMu.Unlock()
		wait := time.Duration(5+h%55) * time.Second
		alert := time.Duration(2+h%8) * time.Second
		talk := time.Duration(60+h%540) * time.Second
		acw := time.Duration(10+h%50) * time.Second
		cv := &conv{media: MediaCall, start: at, division: s.store.homeDivision, direction: "inbound"}
		cv.id = s.convID("seeded")
		cv.seq = e.made
		answered := at.Add(wait + alert)
		end := answered.Add(talk)
		cust := &participant{purpose: purposeCustomer, name: "Customer", address: fmt.Sprintf("tel:+1555%07d", h%10_000_000),
			state: stateDisconnected, direction: "inbound", start: at, connected: at, end: end, disconnect: "peer",
			segs: []segment{{typ: "interact", start: at, end: end, disconnect: "peer"}}}
		acd := &participant{purpose: purposeACD, queueID: qid, state: stateDisconnected, direction: "inbound",
			start: at, connected: at, end: at.Add(wait + alert), disconnect: "transfer",
			segs: []segment{{typ: "interact", start: at, end: answered, queueID: qid, disconnect: "transfer"}}}
		cv.parts = append(cv.parts, cust, acd)
		if agent != "" {
			code := ""
			if len(codes) > 0 {
				code = codes[int(h%uint64(len(codes)))]
			}
			ag := &participant{purpose: purposeAgent, userID: agent, queueID: qid, state: stateDisconnected, direction: "inbound",
				start: at.Add(wait), alertStart: at.Add(wait), connected: answered, end: end, disconnect: "client",
				acwStart: end, acwEnd: end.Add(acw), wrapupCode: code,
				segs: []segment{{typ: "alert", start: at.Add(wait), end: answered, queueID: qid},
					{typ: "interact", start: answered, end: end, queueID: qid, disconnect: "client"},
					{typ: "wrapup", start: end, end: end.Add(acw), queueID: qid, code: code}}}
			cv.parts = append(cv.parts, ag)
		}
		cv.end = end
		s.assignIDs(cv)
		e.byID[cv.id] = cv
		e.done = append(e.done, cv)
		e.indexEnded(cv)
		ids = append(ids, cv.id)
	}
	return ids, nil
}
