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

// Conversation details from the simulator's own conversations: the ones in
// progress and the ended ones whose time overlaps the query's interval
// (conversations_index.go) and that pass its filters
// (conversations_filter.go), with their participants, one session each,
// its segments so far (an open one has no segmentEnd) and its metrics
// (milliseconds):
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
			// The queue's wait this agent answered: it lasted until the answer
			// (a consult's destination answers after it).
			if q.purpose == purposeACD && q.queueID == p.queueID && !q.start.After(p.connected) &&
				(q.end.IsZero() || !q.end.Before(p.connected)) {
				add("tAnswered", ms(p.connected.Sub(q.start)), p.connected)
				break
			}
		}
		add("nConnected", 1, p.connected)
		for _, at := range p.consults {
			add("nConsult", 1, at)
		}
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
		switch p.disconnect {
		case "transfer":
			add("nTransferred", 1, p.end)
			add("nBlindTransferred", 1, p.end)
		case "consultTransfer":
			add("nTransferred", 1, p.end)
			add("nConsultTransferred", 1, p.end)
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
			if sg.conference {
				seg.Conference = ptrTo(true)
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
