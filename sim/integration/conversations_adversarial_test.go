package integration

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/conversations"
	"github.com/purecloudgo/platformclient/api/operations"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/runtime"
	"github.com/purecloudgo/platformclient/sim"
)

// wantAPIError checks that err is a Genesys error with the status (and the
// code, when not empty).
func wantAPIError(t *testing.T, what string, err error, status int, code string) {
	t.Helper()
	var ae *platformclient.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("%s: %v, want a %d", what, err, status)
	}
	if ae.StatusCode != status || (code != "" && ae.Body.Code != code) || ae.Body.Message == "" || ae.Body.ContextID != ae.CorrelationID {
		t.Fatalf("%s: %d %q %q, want %d %q", what, ae.StatusCode, ae.Body.Code, ae.Body.Message, status, code)
	}
}

// TestConversationRefusals sends what a buggy client would: wrong ids,
// changes the participant's state forbids, bad references. Each gets the
// service's 4xx and changes nothing.
func TestConversationRefusals(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	cv := e.cv
	connected := ptr(models.MediaParticipantRequestStateConnected)
	disconnected := ptr(models.MediaParticipantRequestStateDisconnected)
	codes, _ := e.rt.GetRoutingWrapupcodes(ctx, nil)
	code := *codes.Entities[0].ID

	// Creation: an unknown queue, no queue, no number.
	_, err := cv.PostConversationsCallbacks(ctx, &models.CreateCallbackCommand{QueueID: ptr("0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978"),
		CallbackNumbers: []string{"+13175550100"}}, nil)
	wantAPIError(t, "unknown queue", err, http.StatusBadRequest, "bad.request")
	_, err = cv.PostConversationsCallbacks(ctx, &models.CreateCallbackCommand{CallbackNumbers: []string{"+13175550100"}}, nil)
	wantAPIError(t, "no queue", err, http.StatusBadRequest, "bad.request")
	_, err = cv.PostConversationsCallbacks(ctx, &models.CreateCallbackCommand{QueueID: &e.queue}, nil)
	wantAPIError(t, "no callback number", err, http.StatusBadRequest, "bad.request")
	_, err = cv.PostConversationsCalls(ctx, &models.CreateCallRequest{PhoneNumber: ptr("+13175550100")}, nil)
	wantAPIError(t, "a call without a user", err, http.StatusBadRequest, "bad.request")
	if _, err := e.s.Inbound(sim.Inbound{Media: "fax", QueueID: e.queue}); err == nil {
		t.Fatal("Inbound accepted an unknown media type")
	}

	// Two callbacks; the agent is offered the first.
	e.goOnQueue(t, e.agent)
	a, err := cv.PostConversationsCallbacks(ctx, &models.CreateCallbackCommand{QueueID: &e.queue, CallbackNumbers: []string{"+13175550101"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := cv.PostConversationsCallbacks(ctx, &models.CreateCallbackCommand{QueueID: &e.queue, CallbackNumbers: []string{"+13175550102"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	convA, convB := *a.Conversation.ID, *b.Conversation.ID
	agent := e.agentPart(t, convA, e.agent)
	if commState(agent) != "alerting" {
		t.Fatalf("agent on the first callback: %q", commState(agent))
	}
	bConv, _ := cv.GetConversationsCallback(ctx, convB, nil)
	customerB := *bConv.Participants[0].ID

	// Wrong ids.
	err = cv.PatchConversationsCallbackParticipant(ctx, convA, "0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978", &models.MediaParticipantRequest{State: connected}, nil)
	wantAPIError(t, "wrong participant id", err, http.StatusNotFound, "not.found")
	err = cv.PatchConversationsCallbackParticipant(ctx, convB, *agent.ID, &models.MediaParticipantRequest{State: connected}, nil)
	wantAPIError(t, "answering on someone else's conversation", err, http.StatusNotFound, "not.found")
	err = cv.PatchConversationsCallParticipant(ctx, convA, *agent.ID, &models.MediaParticipantRequest{State: connected}, nil)
	wantAPIError(t, "a callback through the calls route", err, http.StatusNotFound, "not.found")
	_, err = cv.GetConversation(ctx, "0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978", nil)
	wantAPIError(t, "unknown conversation", err, http.StatusNotFound, "not.found")
	err = cv.PostConversationsCallbackParticipantCommunicationWrapup(ctx, convA, *agent.ID, "0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978",
		&conversations.PostConversationsCallbackParticipantCommunicationWrapupOptions{Body: &models.WrapupInput{Code: &code}})
	wantAPIError(t, "wrong communication id", err, http.StatusNotFound, "not.found")

	// Invalid transitions.
	invalid := "conversation.participant.invalid.state"
	err = cv.PatchConversationParticipant(ctx, convB, customerB, &models.MediaParticipantRequest{State: connected}, nil)
	wantAPIError(t, "answering as the customer", err, http.StatusBadRequest, invalid)
	err = cv.PatchConversationParticipant(ctx, convA, *agent.ID, &models.MediaParticipantRequest{Held: ptr(true)}, nil)
	wantAPIError(t, "holding an alerting agent", err, http.StatusBadRequest, invalid)
	err = cv.PatchConversationParticipant(ctx, convA, *agent.ID, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateDialing)}, nil)
	wantAPIError(t, "setting dialing", err, http.StatusBadRequest, "bad.request")
	e.patch(t, convA, *agent.ID, &models.MediaParticipantRequest{State: connected})
	err = cv.PatchConversationParticipant(ctx, convA, *agent.ID, &models.MediaParticipantRequest{State: connected}, nil)
	wantAPIError(t, "answering twice", err, http.StatusBadRequest, invalid)
	err = cv.PatchConversationParticipant(ctx, convA, *agent.ID, &models.MediaParticipantRequest{Wrapup: models.WrapupInput{Code: &code}}, nil)
	wantAPIError(t, "wrap-up while connected", err, http.StatusBadRequest, invalid)
	err = cv.PostConversationParticipantReplaceQueue(ctx, convA, *agent.ID, &models.TransferToQueueRequest{QueueID: ptr("0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978")}, nil)
	wantAPIError(t, "transfer to an unknown queue", err, http.StatusBadRequest, "bad.request")
	e.patch(t, convA, *agent.ID, &models.MediaParticipantRequest{State: disconnected})
	err = cv.PatchConversationParticipant(ctx, convA, *agent.ID, &models.MediaParticipantRequest{State: disconnected}, nil)
	wantAPIError(t, "disconnecting twice", err, http.StatusBadRequest, invalid)
	err = cv.PostConversationParticipantReplaceQueue(ctx, convA, *agent.ID, &models.TransferToQueueRequest{QueueID: &e.queue}, nil)
	wantAPIError(t, "transferring a disconnected agent", err, http.StatusBadRequest, invalid)
	err = cv.PatchConversationParticipant(ctx, convA, *agent.ID, &models.MediaParticipantRequest{Wrapup: models.WrapupInput{Code: ptr("0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978")}}, nil)
	wantAPIError(t, "unknown wrap-up code", err, http.StatusBadRequest, "bad.request")
	if st := e.routingStatus(t, e.agent); st != models.RoutingStatusStatusINTERACTING {
		t.Fatalf("refused wrap-ups changed the agent: %s", st)
	}
	e.patch(t, convA, *agent.ID, &models.MediaParticipantRequest{Wrapup: models.WrapupInput{Code: &code}})
	err = cv.PatchConversationParticipant(ctx, convA, *agent.ID, &models.MediaParticipantRequest{Wrapup: models.WrapupInput{Code: &code}}, nil)
	wantAPIError(t, "wrapping up twice", err, http.StatusConflict, "conversation.participant.wrapup.done")
	_, err = cv.PostConversationDisconnect(ctx, convA, nil)
	wantAPIError(t, "disconnecting an ended conversation", err, http.StatusBadRequest, "bad.request")

	// The agent is free again, so the second callback reached them.
	if commState(e.agentPart(t, convB, e.agent)) != "alerting" {
		t.Fatal("the second callback did not route after the wrap-up")
	}
	if _, err := cv.PostConversationDisconnect(ctx, convB, nil); err != nil {
		t.Fatal(err)
	}
}

// TestDetailsQueryRefusalsAndPaging: an invalid interval is a 400, as on
// the service; paging honours pageSize and pageNumber, and totalHits is
// the real count.
func TestDetailsQueryRefusalsAndPaging(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	for _, iv := range []string{"", "yesterday", "2026-03-02T00:00:00Z", "2026-03-02T00:00:00Z/2026-03-01T00:00:00Z"} {
		_, err := e.an.PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &iv}, nil)
		wantAPIError(t, "details query interval "+iv, err, http.StatusBadRequest, "")
		_, err = e.an.PostAnalyticsConversationsDetailsJobs(ctx, &models.AsyncConversationQuery{Interval: &iv}, nil)
		wantAPIError(t, "details job interval "+iv, err, http.StatusBadRequest, "")
	}
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ids, err := e.s.SeedEndedConversations(82, from, from.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	iv := "2026-03-01T00:00:00Z/2026-03-02T00:00:00Z"
	var seen []string
	for page := 1; ; page++ {
		r, err := e.an.PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &iv,
			Paging: models.PagingSpec{PageSize: ptr(25), PageNumber: ptr(page)}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if platformclient.Value(r.TotalHits) != 82 {
			t.Fatalf("page %d: totalHits %d", page, platformclient.Value(r.TotalHits))
		}
		if len(r.Conversations) == 0 {
			break
		}
		if len(r.Conversations) > 25 {
			t.Fatalf("page %d: %d conversations", page, len(r.Conversations))
		}
		for _, c := range r.Conversations {
			seen = append(seen, *c.ConversationID)
		}
	}
	if fmt.Sprint(seen) != fmt.Sprint(ids) {
		t.Fatalf("pages gave %d conversations, not the 82 seeded in order", len(seen))
	}
	_, err = e.an.PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &iv, Paging: models.PagingSpec{PageSize: ptr(101)}}, nil)
	wantAPIError(t, "pageSize 101", err, http.StatusBadRequest, "bad.request")
	// A filter narrows the hits: one queue of the two.
	qs, _ := e.rt.GetRoutingQueues(ctx, nil)
	dim := models.SegmentDetailQueryPredicateDimensionQueueID
	r, err := e.an.PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &iv,
		SegmentFilters: []models.SegmentDetailQueryFilter{{Type: ptr(models.SegmentDetailQueryFilterTypeAnd),
			Predicates: []models.SegmentDetailQueryPredicate{{Dimension: &dim, Value: qs.Entities[1].ID}}}}}, nil)
	if err != nil || platformclient.Value(r.TotalHits) != 41 {
		t.Fatalf("queue filter: %v hits, %v", r, err)
	}
	// A clause of either queue matches them all.
	both := []models.SegmentDetailQueryPredicate{{Dimension: &dim, Value: qs.Entities[0].ID}, {Dimension: &dim, Value: qs.Entities[1].ID}}
	r, err = e.an.PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &iv,
		SegmentFilters: []models.SegmentDetailQueryFilter{{Type: ptr(models.SegmentDetailQueryFilterTypeAnd),
			Clauses: []models.SegmentDetailQueryClause{{Type: ptr(models.SegmentDetailQueryClauseTypeOr), Predicates: both}}}}}, nil)
	if err != nil || platformclient.Value(r.TotalHits) != 82 {
		t.Fatalf("clause of both queues: %v hits, %v", r, err)
	}
	// A dimension the simulator keeps no value of matches nothing.
	odd := models.SegmentDetailQueryPredicateDimensionAni
	r, err = e.an.PostAnalyticsConversationsDetailsQuery(ctx, &models.ConversationQuery{Interval: &iv,
		SegmentFilters: []models.SegmentDetailQueryFilter{{Type: ptr(models.SegmentDetailQueryFilterTypeAnd),
			Predicates: []models.SegmentDetailQueryPredicate{{Dimension: &odd, Value: ptr("x")}}}}}, nil)
	if err != nil || platformclient.Value(r.TotalHits) != 0 || len(r.Conversations) != 0 {
		t.Fatalf("a dimension without values: %+v, %v", r, err)
	}
	// Observations need a queue.
	_, err = e.an.PostAnalyticsQueuesObservationsQuery(ctx, &models.QueueObservationQuery{Metrics: []string{"oWaiting"}}, nil)
	wantAPIError(t, "observations without a queue", err, http.StatusBadRequest, "bad.request")
}

// TestConversationAnswersFitModels reads every conversation route the
// simulator keeps state for, with a conversation of each media type in
// progress, and decodes each answer strictly into its response model.
func TestConversationAnswersFitModels(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	e.goOnQueue(t, e.agent)
	ids := map[string]string{}
	for _, m := range []string{sim.MediaCall, sim.MediaCallback, sim.MediaEmail, sim.MediaMessage, sim.MediaChat} {
		id, err := e.s.Inbound(sim.Inbound{Media: m, QueueID: e.queue, From: "someone", Name: "Pat", Subject: "Hello"})
		if err != nil {
			t.Fatal(err)
		}
		ids[m+"s"] = id
	}
	// The agent answers the call; the rest wait.
	p := e.agentPart(t, ids["calls"], e.agent)
	e.patch(t, ids["calls"], *p.ID, &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateConnected)})
	paths := []string{"/api/v2/conversations", "/api/v2/conversations/" + ids["calls"],
		"/api/v2/analytics/conversations/" + ids["calls"] + "/details"}
	for media, id := range ids {
		paths = append(paths, "/api/v2/conversations/"+media, "/api/v2/conversations/"+media+"/"+id)
	}
	for _, path := range paths {
		var resp platformclient.Response
		if err := e.c.Do(ctx, runtime.NewRequest("GET", path), nil, platformclient.CaptureResponse(&resp)); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		out := responseOf(t, "GET", path)
		if err := json.Unmarshal(resp.Body, out, json.RejectUnknownMembers(true)); err != nil {
			t.Fatalf("GET %s does not fit %T: %v\n%s", path, out, err, resp.Body)
		}
		if f := reflect.ValueOf(out).Elem().FieldByName("Entities"); f.IsValid() && f.Len() == 0 {
			t.Fatalf("GET %s: no entities", path)
		}
	}
	iv := convStart.Add(-time.Hour).Format(time.RFC3339) + "/" + convStart.Add(time.Hour).Format(time.RFC3339)
	for _, id := range ids {
		if _, err := e.cv.PostConversationDisconnect(ctx, id, nil); err != nil {
			t.Fatal(err)
		}
	}
	var resp platformclient.Response
	req := runtime.NewRequest("POST", "/api/v2/analytics/conversations/details/query")
	req.Body = &models.ConversationQuery{Interval: &iv}
	if err := e.c.Do(ctx, req, nil, platformclient.CaptureResponse(&resp)); err != nil {
		t.Fatal(err)
	}
	var q models.AnalyticsConversationQueryResponse
	if err := json.Unmarshal(resp.Body, &q, json.RejectUnknownMembers(true)); err != nil || len(q.Conversations) != 5 {
		t.Fatalf("details query: %v, %d conversations", err, len(q.Conversations))
	}
}

// responseOf returns a new value of the response model of an operation.
func responseOf(t *testing.T, method, path string) any {
	t.Helper()
	segs := strings.Split(path, "/")
	for _, op := range operations.All {
		tsegs := strings.Split(op.Path, "/")
		if op.Method != method || len(tsegs) != len(segs) || op.Response == nil {
			continue
		}
		ok := true
		for i := range segs {
			if tsegs[i] != segs[i] && !strings.HasPrefix(tsegs[i], "{") {
				ok = false
				break
			}
		}
		if ok {
			return op.Response()
		}
	}
	t.Fatalf("no operation for %s %s", method, path)
	return nil
}

// TestUserTokenConversations acts as agents with their own tokens: an
// agent answers their own offer but not someone else's (403), places a
// call to a number, and lists only their conversations.
func TestUserTokenConversations(t *testing.T) {
	e := startConv(t)
	ctx := context.Background()
	other := e.member(t, 2)
	asUser := func(uid string) *conversations.Client {
		tok, err := e.s.UserToken(uid)
		if err != nil {
			t.Fatal(err)
		}
		c, err := platformclient.New(platformclient.WithBaseURL(e.s.URL()), platformclient.WithAccessToken(tok))
		if err != nil {
			t.Fatal(err)
		}
		return conversations.NewClient(c)
	}
	mine, theirs := asUser(e.agent), asUser(other)
	e.goOnQueue(t, e.agent)
	id, err := e.s.InboundCall(e.queue, "tel:+13175550100")
	if err != nil {
		t.Fatal(err)
	}
	p := e.agentPart(t, id, e.agent)
	answer := &models.MediaParticipantRequest{State: ptr(models.MediaParticipantRequestStateConnected)}
	err = theirs.PatchConversationsCallParticipant(ctx, id, *p.ID, answer, nil)
	wantAPIError(t, "answering someone else's offer", err, http.StatusForbidden, "not.authorized")
	if err := mine.PatchConversationsCallParticipant(ctx, id, *p.ID, answer, nil); err != nil {
		t.Fatal(err)
	}

	// The other agent calls a customer: a conversation of their own.
	out, err := theirs.PostConversationsCalls(ctx, &models.CreateCallRequest{PhoneNumber: ptr("+13175550177")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	l, err := theirs.GetConversationsCalls(ctx, nil)
	if err != nil || len(l.Entities) != 1 || *l.Entities[0].ID != *out.ID {
		t.Fatalf("the caller's calls: %+v, %v", l, err)
	}
	call := l.Entities[0]
	if platformclient.Value(call.Participants[1].Purpose) != "user" || platformclient.Value(call.Participants[0].Address) != "+13175550177" ||
		platformclient.Value(call.Participants[1].Direction) != models.CallMediaParticipantDirectionOutbound {
		t.Fatalf("outbound call: %+v", call.Participants)
	}
	all, err := e.cv.GetConversationsCalls(ctx, nil) // client credentials: every call
	if err != nil || len(all.Entities) != 2 {
		t.Fatalf("every call: %+v, %v", all, err)
	}
	if _, err := theirs.PostConversationDisconnect(ctx, *out.ID, nil); err != nil {
		t.Fatal(err)
	}
}
