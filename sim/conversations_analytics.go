package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

// Conversation details from the simulator's own conversations: the ones
// that ended (every participant disconnected) and started in the query's
// interval, with their participants, one session each, its segments and
// its metrics (milliseconds):
//
//	acd:   nOffered; tAcd and tWait (time in queue); tAbandon when the customer left first
//	agent: tAlert, tAnswered (queue entry to answer), nConnected, tTalk and tTalkComplete,
//	       tHeld and tHeldComplete when held, tAcw, tHandle (= tTalkComplete + tHeldComplete
//	       + tAcw), nTransferred
//
// POST /api/v2/analytics/conversations/details/query pages them by body
// paging (pageSize default 25, at most 100) with totalHits the number that
// matched; the details jobs (analytics.go) return the same conversations.

const (
	detailsPageSize    = 25
	detailsMaxPageSize = 100
)

var analyticsMedia = map[string]models.AnalyticsSessionMediaType{
	MediaCall: models.AnalyticsSessionMediaTypeVoice, MediaCallback: models.AnalyticsSessionMediaTypeCallback,
	MediaEmail: models.AnalyticsSessionMediaTypeEmail, MediaMessage: models.AnalyticsSessionMediaTypeMessage,
	MediaChat: models.AnalyticsSessionMediaTypeChat,
}

// ms is a duration in whole milliseconds.
func ms(d time.Duration) int { return int(d / time.Millisecond) }

// segTotal sums the closed segments of a type.
func segTotal(p *participant, typ string) (time.Duration, bool) {
	var d time.Duration
	found := false
	for _, sg := range p.segs {
		if sg.typ == typ && !sg.end.IsZero() {
			d += sg.end.Sub(sg.start)
			found = true
		}
	}
	return d, found
}

// metrics derives a participant's session metrics from its segments.
func metrics(cv *conv, p *participant) []models.AnalyticsSessionMetric {
	var out []models.AnalyticsSessionMetric
	add := func(name string, v int, at time.Time) {
		out = append(out, models.AnalyticsSessionMetric{Name: ptrTo(name), Value: ptrTo(v), EmitDate: ptrTo(types.NewDateTime(at))})
	}
	switch p.purpose {
	case purposeACD:
		add("nOffered", 1, p.start)
		if !p.end.IsZero() {
			add("tAcd", ms(p.end.Sub(p.start)), p.end)
			add("tWait", ms(p.end.Sub(p.start)), p.end)
			if p.disconnect == "peer" {
				add("tAbandon", ms(p.end.Sub(p.start)), p.end)
			}
		}
	case purposeAgent, purposeUser:
		if d, ok := segTotal(p, "alert"); ok {
			add("tAlert", ms(d), p.alertStart.Add(d))
		}
		if p.connected.IsZero() {
			break
		}
		for _, q := range cv.parts {
			if q.purpose == purposeACD && q.queueID == p.queueID && !q.start.After(p.connected) {
				add("tAnswered", ms(p.connected.Sub(q.start)), p.connected)
				break
			}
		}
		add("nConnected", 1, p.connected)
		if p.end.IsZero() {
			break
		}
		talk, _ := segTotal(p, "interact")
		held, wasHeld := segTotal(p, "hold")
		add("tTalk", ms(talk), p.end)
		add("tTalkComplete", ms(talk), p.end)
		if wasHeld {
			add("tHeld", ms(held), p.end)
			add("tHeldComplete", ms(held), p.end)
		}
		if p.disconnect == "transfer" {
			add("nTransferred", 1, p.end)
		}
		acw, _ := segTotal(p, "wrapup")
		handled := p.end
		if !p.acwEnd.IsZero() {
			add("tAcw", ms(acw), p.acwEnd)
			handled = p.acwEnd
		}
		if !p.acw {
			add("tHandle", ms(talk)+ms(held)+ms(acw), handled)
		}
	}
	return out
}

// analyticsConv renders a conversation as the details report it. The
// caller holds e.mu.
func (s *Server) analyticsConv(cv *conv) models.AnalyticsConversation {
	media := analyticsMedia[cv.media]
	dir := models.AnalyticsSessionDirection(cv.direction)
	out := models.AnalyticsConversation{
		ConversationID:       ptrTo(cv.id),
		ConversationStart:    ptrTo(types.NewDateTime(cv.start)),
		OriginatingDirection: ptrTo(models.AnalyticsConversationOriginatingDirection(cv.direction)),
		Participants:         make([]models.AnalyticsParticipant, 0, len(cv.parts)),
	}
	if cv.ended() {
		out.ConversationEnd = ptrTo(types.NewDateTime(cv.end))
	}
	if cv.division != "" {
		out.DivisionIDs = []string{cv.division}
	}
	for _, p := range cv.parts {
		ap := models.AnalyticsParticipant{ParticipantID: ptrTo(p.id), Purpose: ptrTo(models.AnalyticsParticipantPurpose(p.purpose))}
		if p.name != "" {
			ap.ParticipantName = ptrTo(p.name)
		}
		if p.userID != "" {
			ap.UserID = ptrTo(p.userID)
		}
		sess := models.AnalyticsSession{SessionID: ptrTo(p.commID), MediaType: &media, Direction: &dir,
			Metrics: metrics(cv, p), Segments: make([]models.AnalyticsConversationSegment, 0, len(p.segs))}
		if p.purpose == purposeCustomer && p.address != "" {
			sess.AddressFrom = ptrTo(p.address)
		}
		if cv.media == MediaCallback {
			if cust := cv.customer(); cust != nil {
				sess.CallbackNumbers = []string{cust.address}
			}
		}
		for _, sg := range p.segs {
			seg := models.AnalyticsConversationSegment{SegmentStart: ptrTo(types.NewDateTime(sg.start)),
				SegmentType: ptrTo(models.AnalyticsConversationSegmentSegmentType(sg.typ))}
			if !sg.end.IsZero() {
				seg.SegmentEnd = ptrTo(types.NewDateTime(sg.end))
			}
			if sg.queueID != "" {
				seg.QueueID = ptrTo(sg.queueID)
			}
			if sg.disconnect != "" {
				seg.DisconnectType = ptrTo(models.AnalyticsConversationSegmentDisconnectType(sg.disconnect))
			}
			if sg.code != "" {
				seg.WrapUpCode = ptrTo(sg.code)
			}
			if sg.note != "" {
				seg.WrapUpNote = ptrTo(sg.note)
			}
			if p.purpose == purposeACD && len(p.skills) > 0 {
				seg.RequestedRoutingSkillIDs = slices.Clone(p.skills)
			}
			sess.Segments = append(sess.Segments, seg)
		}
		ap.Sessions = []models.AnalyticsSession{sess}
		out.Participants = append(out.Participants, ap)
	}
	return out
}

// detailFilter is a compiled set of conversation and segment filters: a
// conversation passes when every filter matches.
type detailFilter []func(cv *conv) bool

// participantDims read a participant's value of a dimension.
var participantDims = map[string]func(p *participant) string{
	"queueId": func(p *participant) string {
		if p.purpose == purposeACD {
			return p.queueID
		}
		return ""
	},
	"userId":        func(p *participant) string { return p.userID },
	"purpose":       func(p *participant) string { return p.purpose },
	"participantId": func(p *participant) string { return p.id },
	"sessionId":     func(p *participant) string { return p.commID },
	"wrapUpCode":    func(p *participant) string { return p.wrapupCode },
}

// segmentDims read a segment's value of a dimension.
var segmentDims = map[string]func(sg segment) string{
	"disconnectType": func(sg segment) string { return sg.disconnect },
	"segmentType":    func(sg segment) string { return sg.typ },
}

// dimensionMatch reports whether a conversation has a value of a dimension.
func dimensionMatch(cv *conv, dim, value string) bool {
	switch dim {
	case "conversationId":
		return cv.id == value
	case "mediaType":
		return string(analyticsMedia[cv.media]) == value
	case "originatingDirection", "direction":
		return cv.direction == value
	case "divisionId":
		return cv.division == value
	}
	pv, sv := participantDims[dim], segmentDims[dim]
	for _, p := range cv.parts {
		if pv != nil && pv(p) == value {
			return true
		}
		for _, sg := range p.segs {
			if sv != nil && sv(sg) == value {
				return true
			}
		}
	}
	return false
}

// predicate is what filtering needs of a conversation or segment predicate.
type predicate struct{ dim, op, value string }

// filterSpec is a details filter of either kind: predicates and clauses
// (groups of predicates) joined by its type, "and" or "or".
type filterSpec struct {
	typ     string
	preds   []predicate
	clauses []filterSpec
}

// compileFilter builds the test of one filter or clause. A predicate on a
// dimension the simulator does not keep (or on a metric) matches no
// conversation: they have no value for it.
func compileFilter(field string, f filterSpec) (func(*conv) bool, *apiError) {
	var tests []func(*conv) bool
	for i, p := range f.preds {
		switch p.op {
		case "", "matches", "notMatches", "exists", "notExists":
		default:
			return nil, badRequest(fmt.Sprintf("%s.predicates[%d].operator", field, i), fmt.Sprintf("Unknown operator %q.", p.op))
		}
		tests = append(tests, func(cv *conv) bool {
			switch p.op {
			case "exists":
				return dimensionExists(cv, p.dim)
			case "notExists":
				return !dimensionExists(cv, p.dim)
			case "notMatches":
				return dimensionExists(cv, p.dim) && !dimensionMatch(cv, p.dim, p.value)
			}
			return dimensionMatch(cv, p.dim, p.value)
		})
	}
	for i, cl := range f.clauses {
		fn, ae := compileFilter(fmt.Sprintf("%s.clauses[%d]", field, i), cl)
		if ae != nil {
			return nil, ae
		}
		tests = append(tests, fn)
	}
	or := strings.EqualFold(f.typ, "or")
	return func(cv *conv) bool {
		for _, t := range tests {
			if ok := t(cv); or && ok {
				return true
			} else if !or && !ok {
				return false
			}
		}
		return !or || len(tests) == 0
	}, nil
}

// dimensionExists reports whether a conversation has any value of a
// dimension.
func dimensionExists(cv *conv, dim string) bool {
	switch dim {
	case "conversationId", "mediaType", "originatingDirection", "direction":
		return true
	case "divisionId":
		return cv.division != ""
	}
	pv, sv := participantDims[dim], segmentDims[dim]
	for _, p := range cv.parts {
		if pv != nil && pv(p) != "" {
			return true
		}
		for _, sg := range p.segs {
			if sv != nil && sv(sg) != "" {
				return true
			}
		}
	}
	return false
}

// specOf converts a generated filter or clause (type, predicates) into a
// filterSpec.
func specOf[P any](typ string, preds []P, read func(P) predicate) filterSpec {
	f := filterSpec{typ: typ}
	for _, p := range preds {
		f.preds = append(f.preds, read(p))
	}
	return f
}

func convPredicate(p models.ConversationDetailQueryPredicate) predicate {
	return predicate{dim: string(deref(p.Dimension)), op: string(deref(p.Operator)), value: platformValue(p.Value)}
}

func segPredicate(p models.SegmentDetailQueryPredicate) predicate {
	return predicate{dim: string(deref(p.Dimension)), op: string(deref(p.Operator)), value: platformValue(p.Value)}
}

// compileQuery reads the conversation and segment filters of a details
// query; a conversation passes when it passes every filter.
func compileQuery(convFilters []models.ConversationDetailQueryFilter, segFilters []models.SegmentDetailQueryFilter) (detailFilter, *apiError) {
	type named struct {
		field string
		spec  filterSpec
	}
	var specs []named
	for i, f := range convFilters {
		sp := specOf(string(deref(f.Type)), f.Predicates, convPredicate)
		for _, cl := range f.Clauses {
			sp.clauses = append(sp.clauses, specOf(string(deref(cl.Type)), cl.Predicates, convPredicate))
		}
		specs = append(specs, named{fmt.Sprintf("conversationFilters[%d]", i), sp})
	}
	for i, f := range segFilters {
		sp := specOf(string(deref(f.Type)), f.Predicates, segPredicate)
		for _, cl := range f.Clauses {
			sp.clauses = append(sp.clauses, specOf(string(deref(cl.Type)), cl.Predicates, segPredicate))
		}
		specs = append(specs, named{fmt.Sprintf("segmentFilters[%d]", i), sp})
	}
	var out detailFilter
	for _, n := range specs {
		fn, ae := compileFilter(n.field, n.spec)
		if ae != nil {
			return nil, ae
		}
		out = append(out, fn)
	}
	return out, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// matchingConvs returns the ended conversations that started in [start,
// end) and pass the filter, by conversation start (desc reverses it). The
// caller holds e.mu.
func (s *Server) matchingConvs(start, end time.Time, f detailFilter, desc bool) []*conv {
	var out []*conv
	for _, cv := range s.convs.done {
		if cv.start.Before(start) || !cv.start.Before(end) {
			continue
		}
		keep := true
		for _, fn := range f {
			if !fn(cv) {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, cv)
		}
	}
	byStart := func(a, b *conv) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		return int(a.seq) - int(b.seq)
	}
	if !slices.IsSortedFunc(out, byStart) { // seeded ones come in order
		slices.SortStableFunc(out, byStart)
	}
	if desc {
		slices.Reverse(out)
	}
	return out
}

// checkInterval reads a query's interval, answering 400 like the service
// for a missing or invalid one.
func checkInterval(interval string) (time.Time, time.Time, *apiError) {
	if interval == "" {
		return time.Time{}, time.Time{}, badRequest("interval", "The query needs an interval.")
	}
	start, end, ok := parseInterval(interval)
	if !ok {
		e := badRequest("interval", fmt.Sprintf("Invalid interval %q: it must be two ISO-8601 date-times, start/end, with end after start.", interval))
		e.code = "invalid.interval"
		return time.Time{}, time.Time{}, e
	}
	return start, end, nil
}

// postDetailsQuery serves POST /api/v2/analytics/conversations/details/query.
func postDetailsQuery(c *call) (int, any, *apiError) {
	q := c.body.(*models.ConversationQuery)
	start, end, ae := checkInterval(platformValue(q.Interval))
	if ae != nil {
		return 0, nil, ae
	}
	size, page := detailsPageSize, 1
	if q.Paging.PageSize != nil && *q.Paging.PageSize != 0 {
		size = *q.Paging.PageSize
		if size < 1 || size > detailsMaxPageSize {
			return 0, nil, badRequest("paging.pageSize", fmt.Sprintf("paging.pageSize must be from 1 to %d.", detailsMaxPageSize))
		}
	}
	if q.Paging.PageNumber != nil && *q.Paging.PageNumber != 0 {
		page = *q.Paging.PageNumber
		if page < 1 {
			return 0, nil, badRequest("paging.pageNumber", "paging.pageNumber must be a positive integer.")
		}
	}
	f, ae := compileQuery(q.ConversationFilters, q.SegmentFilters)
	if ae != nil {
		return 0, nil, ae
	}
	desc := q.Order != nil && strings.EqualFold(string(*q.Order), "desc")
	e := &c.s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	found := c.s.matchingConvs(start, end, f, desc)
	out := &models.AnalyticsConversationQueryResponse{TotalHits: ptrTo(len(found))}
	from := min((page-1)*size, len(found))
	to := min(from+size, len(found))
	if to > from {
		list := make([]models.AnalyticsConversation, 0, to-from)
		for _, cv := range found[from:to] {
			list = append(list, c.s.analyticsConv(cv))
		}
		return http.StatusOK, detailsAnswer{Conversations: list, TotalHits: len(found)}, nil
	}
	return http.StatusOK, out, nil
}

// detailsAnswer is AnalyticsConversationQueryResponse with the
// conversations' full model (the same JSON as the without-attributes one
// for conversations that carry no attributes).
type detailsAnswer struct {
	Conversations []models.AnalyticsConversation `json:"conversations"`
	TotalHits     int                            `json:"totalHits"`
}

// getConversationDetails serves GET
// /api/v2/analytics/conversations/{conversationId}/details: the details of
// a conversation, ended or in progress.
func getConversationDetails(c *call) (int, any, *apiError) {
	e := &c.s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	cv, ae := c.s.findConv(c.vars["conversationId"], "")
	if ae != nil {
		return 0, nil, ae
	}
	return http.StatusOK, c.s.analyticsConv(cv), nil
}

// getConversationsDetails serves GET /api/v2/analytics/conversations/details?id=…:
// the details of the conversations named that exist.
func getConversationsDetails(c *call) (int, any, *apiError) {
	e := &c.s.convs
	e.mu.Lock()
	defer e.mu.Unlock()
	out := detailsList{Conversations: []models.AnalyticsConversation{}}
	for _, id := range listValues(c.query, "id") {
		if cv, ok := e.byID[id]; ok {
			out.Conversations = append(out.Conversations, c.s.analyticsConv(cv))
		}
	}
	return http.StatusOK, out, nil
}

// detailsList is AnalyticsConversationWithoutAttributesMultiGetResponse with
// the conversations' full model (see detailsAnswer).
type detailsList struct {
	Conversations []models.AnalyticsConversation `json:"conversations"`
}

func init() {
	bind("POST", "/api/v2/analytics/conversations/details/query", postDetailsQuery)
	bind("GET", "/api/v2/analytics/conversations/{conversationId}/details", getConversationDetails)
	bind("GET", "/api/v2/analytics/conversations/details", getConversationsDetails)
}
