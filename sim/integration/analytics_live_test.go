package integration

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/analyticsjobs"
	"github.com/purecloudgo/platformclient/models"
)

// liveQuery is a details query of an interval around the fake clock's now.
type liveQuery struct {
	e    *convEnv
	conv []models.ConversationDetailQueryFilter
	seg  []models.SegmentDetailQueryFilter
}

// interval is [now+from, now+to) on the fake clock.
func (e *convEnv) interval(from, to time.Duration) string {
	now := e.clock.Now()
	return now.Add(from).Format(time.RFC3339) + "/" + now.Add(to).Format(time.RFC3339)
}

// details runs a details query and returns the ids found, checking that
// totalHits agrees.
func (e *convEnv) details(t *testing.T, iv string, order string, conv []models.ConversationDetailQueryFilter,
	seg []models.SegmentDetailQueryFilter) ([]string, []models.AnalyticsConversationWithoutAttributes) {
	t.Helper()
	q := &models.ConversationQuery{Interval: &iv, ConversationFilters: conv, SegmentFilters: seg}
	if order != "" {
		q.Order = ptr(models.ConversationQueryOrder(order))
	}
	r, err := e.an.PostAnalyticsConversationsDetailsQuery(context.Background(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range r.Conversations {
		ids = append(ids, *c.ConversationID)
	}
	if platformclient.Value(r.TotalHits) != len(ids) {
		t.Fatalf("totalHits %d, %d conversations", platformclient.Value(r.TotalHits), len(ids))
	}
	return ids, r.Conversations
}

// convEnd is the conversationEnd predicate with an operator.
func convEnd(op models.ConversationDetailQueryPredicateOperator) []models.ConversationDetailQueryFilter {
	return []models.ConversationDetailQueryFilter{{Type: ptr(models.ConversationDetailQueryFilterTypeAnd),
		Predicates: []models.ConversationDetailQueryPredicate{{
			Dimension: ptr(models.ConversationDetailQueryPredicateDimensionConversationEnd), Operator: &op}}}}
}

// segAnd is one segment filter of predicates (dimension, value), "" values
// meaning notExists.
func segAnd(pairs ...string) []models.SegmentDetailQueryFilter {
	f := models.SegmentDetailQueryFilter{Type: ptr(models.SegmentDetailQueryFilterTypeAnd)}
	for i := 0; i+1 < len(pairs); i += 2 {
		p := models.SegmentDetailQueryPredicate{Dimension: ptr(models.SegmentDetailQueryPredicateDimension(pairs[i]))}
		if pairs[i+1] == "" {
			p.Operator = ptr(models.SegmentDetailQueryPredicateOperatorNotExists)
		} else {
			p.Value = ptr(pairs[i+1])
		}
		f.Predicates = append(f.Predicates, p)
	}
	return []models.SegmentDetailQueryFilter{f}
}

// TestDetailsSeeConversationsInProgress is the service's behaviour a
// supervisor's dashboard relies on: a callback created and queried at once
// is in a details query (also with conversationEnd notExists), with its
// segments so far; segment filters test one segment at a time; an interval
// that starts after the conversation started still finds it while it is in
// progress; a details job returns the same set; once it has ended it is
// still found, with its end, and no longer with notExists.
func TestDetailsSeeConversationsInProgress(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	cb, err := e.cv.PostConversationsCallbacks(ctx, &models.CreateCallbackCommand{QueueID: &e.queue,
		CallbackNumbers: []string{"+13175550123"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := *cb.Conversation.ID
	around := e.interval(-time.Hour, time.Hour)
	notExists, exists := models.ConversationDetailQueryPredicateOperatorNotExists, models.ConversationDetailQueryPredicateOperatorExists

	ids, convs := e.details(t, around, "", nil, nil)
	if !slices.Equal(ids, []string{id}) {
		t.Fatalf("at once: %v, want [%s]", ids, id)
	}
	c := convs[0]
	if c.ConversationEnd != nil || len(c.Participants) != 2 {
		t.Fatalf("in progress: end %v, %d participants", c.ConversationEnd, len(c.Participants))
	}
	for _, p := range c.Participants {
		segs := p.Sessions[0].Segments
		if len(segs) != 1 || segs[0].SegmentEnd != nil || *segs[0].SegmentType != "interact" {
			t.Fatalf("%s: segments so far %+v", platformclient.Value(p.Purpose), segs)
		}
	}
	if ids, _ := e.details(t, around, "", convEnd(notExists), nil); !slices.Equal(ids, []string{id}) {
		t.Fatalf("conversationEnd notExists: %v", ids)
	}
	if ids, _ := e.details(t, around, "", convEnd(exists), nil); len(ids) != 0 {
		t.Fatalf("conversationEnd exists while in progress: %v", ids)
	}
	// Waiting in the queue: an open acd segment of the queue.
	if ids, _ := e.details(t, around, "", nil, segAnd("purpose", "acd", "queueId", e.queue, "segmentEnd", "")); len(ids) != 1 {
		t.Fatalf("open acd segment: %v", ids)
	}
	// One segment at a time: the customer has no acd queue segment.
	if ids, _ := e.details(t, around, "", nil, segAnd("purpose", "customer", "queueId", e.queue)); len(ids) != 0 {
		t.Fatalf("customer segment in the queue: %v", ids)
	}
	if ids, _ := e.details(t, around, "", nil, segAnd("callbackNumber", "+13175550123", "mediaType", "callback")); len(ids) != 1 {
		t.Fatalf("callback number: %v", ids)
	}

	// The agent is offered it: an open alert segment; a details job agrees.
	e.goOnQueue(t, e.agent)
	e.clock.Add(10 * time.Second)
	if ids, _ := e.details(t, around, "", nil, segAnd("userId", e.agent, "segmentType", "alert", "segmentEnd", "")); len(ids) != 1 {
		t.Fatalf("alerting agent: %v", ids)
	}
	job, err := analyticsjobs.New(e.c).SubmitConversationDetails(ctx, &models.AsyncConversationQuery{Interval: &around,
		ConversationFilters: convEnd(notExists)})
	if err != nil {
		t.Fatal(err)
	}
	var fromJob []string
	for c, err := range job.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if c.ConversationEnd != nil {
			t.Fatalf("job: conversation in progress has an end %v", c.ConversationEnd)
		}
		fromJob = append(fromJob, *c.ConversationID)
	}
	if !slices.Equal(fromJob, []string{id}) {
		t.Fatalf("details job: %v", fromJob)
	}

	// An hour later it is still in progress: an interval of the last ten
	// minutes finds it; one that ended before it started does not.
	agent := e.agentPart(t, id, e.agent)
	e.patch(t, id, *agent.ID, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateConnected)})
	e.clock.Add(time.Hour)
	if ids, _ := e.details(t, e.interval(-10*time.Minute, 0), "", convEnd(notExists), nil); !slices.Equal(ids, []string{id}) {
		t.Fatalf("last ten minutes, in progress: %v", ids)
	}
	if ids, _ := e.details(t, e.interval(-3*time.Hour, -2*time.Hour), "", nil, nil); len(ids) != 0 {
		t.Fatalf("an interval before its start: %v", ids)
	}
	if ids, _ := e.details(t, around, "", nil, segAnd("purpose", "agent", "segmentType", "interact", "segmentEnd", "")); len(ids) != 1 {
		t.Fatalf("talking agent: %v", ids)
	}

	// A second conversation; both are in progress, ordered by start.
	e.clock.Add(time.Minute)
	second, err := e.cv.PostConversationsCallbacks(ctx, &models.CreateCallbackCommand{QueueID: &e.queue,
		CallbackNumbers: []string{"+13175550124"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	id2 := *second.Conversation.ID
	wide := e.interval(-3*time.Hour, time.Hour)
	if ids, _ := e.details(t, wide, "desc", convEnd(notExists), nil); !slices.Equal(ids, []string{id2, id}) {
		t.Fatalf("desc: %v, want [%s %s]", ids, id2, id)
	}

	// The first ends: it is found with its end, and not as in progress.
	e.clock.Add(time.Minute)
	e.patch(t, id, *agent.ID, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateDisconnected)})
	end := e.clock.Now()
	ids, convs = e.details(t, wide, "", nil, nil)
	if !slices.Equal(ids, []string{id, id2}) {
		t.Fatalf("after the end: %v", ids)
	}
	if convs[0].ConversationEnd == nil || !convs[0].ConversationEnd.Time.Equal(end) || convs[1].ConversationEnd != nil {
		t.Fatalf("ends: %v, %v", convs[0].ConversationEnd, convs[1].ConversationEnd)
	}
	if ids, _ := e.details(t, wide, "", convEnd(notExists), nil); !slices.Equal(ids, []string{id2}) {
		t.Fatalf("notExists after the end: %v", ids)
	}
	if ids, _ := e.details(t, wide, "", convEnd(exists), nil); !slices.Equal(ids, []string{id}) {
		t.Fatalf("exists after the end: %v", ids)
	}
	// An interval that starts after its end misses it; one that holds its
	// last minute finds it.
	e.clock.Add(time.Hour)
	if ids, _ := e.details(t, e.interval(-10*time.Minute, 0), "", nil, nil); !slices.Equal(ids, []string{id2}) {
		t.Fatalf("after its end: %v", ids)
	}
	if ids, _ := e.details(t, e.interval(-time.Hour-30*time.Second, 0), "", nil, nil); !slices.Equal(ids, []string{id, id2}) {
		t.Fatalf("its last minute: %v", ids)
	}
	// A metric predicate: the agent's talk of a whole hour.
	talk := models.ConversationDetailQueryFilter{Type: ptr(models.ConversationDetailQueryFilterTypeAnd),
		Predicates: []models.ConversationDetailQueryPredicate{{Type: ptr(models.ConversationDetailQueryPredicateTypeMetric),
			Metric: ptr(models.ConversationDetailQueryPredicateMetricTTalk), Range: models.NumericRange{Gte: ptr(3_600_000.0)}}}}
	if ids, _ := e.details(t, wide, "", []models.ConversationDetailQueryFilter{talk}, nil); !slices.Equal(ids, []string{id}) {
		t.Fatalf("tTalk >= 1h: %v", ids)
	}
}

// aggregate runs a conversation aggregates query and returns, by group
// value of groupBy and bucket interval, the stats of each metric.
func (e *convEnv) aggregate(t *testing.T, q *models.ConversationAggregationQuery) map[string]map[string]models.StatisticalSummary {
	t.Helper()
	r, err := e.an.PostAnalyticsConversationsAggregatesQuery(context.Background(), q, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]models.StatisticalSummary{}
	for _, res := range r.Results {
		for _, d := range res.Data {
			k := ""
			for _, g := range q.GroupBy {
				k += res.Group[g] + " "
			}
			k += platformclient.Value(d.Interval)
			if out[k] == nil {
				out[k] = map[string]models.StatisticalSummary{}
			}
			for _, m := range d.Metrics {
				out[k][*m.Metric] = m.Stats
			}
		}
	}
	return out
}

// TestAggregatesOverTheSameSet checks conversation aggregates against the
// conversations a details query finds: seeded ended calls by queue and
// by hour, and a callback in progress counted at once.
func TestAggregatesOverTheSameSet(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if _, err := e.s.SeedEndedConversations(82, from, from.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	day := "2026-03-01T00:00:00Z/2026-03-02T00:00:00Z"
	qs, _ := e.rt.GetRoutingQueues(ctx, nil)
	q0, q1 := *qs.Entities[0].ID, *qs.Entities[1].ID
	got := e.aggregate(t, &models.ConversationAggregationQuery{Interval: &day, GroupBy: []string{"queueId"},
		Metrics: []string{"nOffered", "tTalk"}, Filter: models.ConversationAggregateQueryFilter{Type: ptr(models.ConversationAggregateQueryFilterTypeAnd),
			Predicates: []models.ConversationAggregateQueryPredicate{{Dimension: ptr(models.ConversationAggregateQueryPredicateDimensionMediaType), Value: ptr("voice")}}}})
	bucket := "2026-03-01T00:00:00.000Z/2026-03-02T00:00:00.000Z"
	for _, q := range []string{q0, q1} {
		s := got[q+" "+bucket]
		if platformclient.Value(s["nOffered"].Count) != 41 || platformclient.Value(s["tTalk"].Count) != 41 {
			t.Fatalf("queue %s: %+v (all %v)", q, s, got)
		}
	}
	// The talk time agrees with the details of the same conversations.
	iv := day
	r, err := e.an.PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &iv, Paging: models.PagingSpec{PageSize: ptr(100), PageNumber: ptr(1)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	talk := 0.0
	for _, c := range r.Conversations {
		for _, p := range c.Participants {
			if platformclient.Value(p.Purpose) == "agent" {
				talk += float64(sessionMetrics(p.Sessions)["tTalk"])
			}
		}
	}
	sum := platformclient.Value(got[q0+" "+bucket]["tTalk"].Sum) + platformclient.Value(got[q1+" "+bucket]["tTalk"].Sum)
	if talk == 0 || sum != talk {
		t.Fatalf("tTalk: aggregates %v, details %v", sum, talk)
	}
	// By hour: 24 buckets of the two queues' offers, 82 in all.
	hourly := e.aggregate(t, &models.ConversationAggregationQuery{Interval: &day, Granularity: ptr("PT1H"), Metrics: []string{"nOffered"}})
	n := 0
	for k, s := range hourly {
		if !strings.HasPrefix(k, "2026-03-01T") {
			t.Fatalf("bucket %q", k)
		}
		n += platformclient.Value(s["nOffered"].Count)
	}
	if len(hourly) != 24 || n != 82 {
		t.Fatalf("hourly: %d buckets, %d offers", len(hourly), n)
	}
	_, err = e.an.PostAnalyticsConversationsAggregatesQuery(ctx, &models.ConversationAggregationQuery{Interval: &day, Granularity: ptr("1 hour"), Metrics: []string{"nOffered"}}, nil)
	wantAPIError(t, "granularity", err, http.StatusBadRequest, "")

	// A callback in progress counts at once, without the metrics of its end.
	if _, err := e.cv.PostConversationsCallbacks(ctx, &models.CreateCallbackCommand{QueueID: &e.queue,
		CallbackNumbers: []string{"+13175550123"}}, nil); err != nil {
		t.Fatal(err)
	}
	now := e.interval(-time.Hour, time.Hour)
	live := e.aggregate(t, &models.ConversationAggregationQuery{Interval: &now, GroupBy: []string{"queueId", "mediaType"}, Metrics: []string{"nOffered", "tAcd"}})
	if len(live) != 1 {
		t.Fatalf("in progress: %v", live)
	}
	for k, s := range live {
		if !strings.HasPrefix(k, e.queue+" callback ") || platformclient.Value(s["nOffered"].Count) != 1 || s["tAcd"].Count != nil {
			t.Fatalf("in progress: %s %+v", k, s)
		}
	}
}
