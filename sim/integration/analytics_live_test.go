package integration

import (
	"context"
	"slices"
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
