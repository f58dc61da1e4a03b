package analyticsjobs_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/analyticsjobs"
	"github.com/purecloudgo/platformclient/models"
)

// jobServer serves the analytics job endpoints of every kind:
//
//	POST   /api/v2/analytics/{kind}/jobs           -> {"jobId"}
//	GET    /api/v2/analytics/{kind}/jobs/{id}      -> states[poll] (the last one repeats)
//	GET    /api/v2/analytics/{kind}/jobs/{id}/results?cursor -> pages of results
//	DELETE /api/v2/analytics/{kind}/jobs/{id}
type jobServer struct {
	*httptest.Server
	states   []string // states reported by successive polls
	message  string   // errorMessage of a failed job
	results  int      // number of results
	pageSize int

	mu      sync.Mutex
	polls   int
	deleted []string
	bodies  []string
	log     []string
}

func newJobServer(t *testing.T, results int, states ...string) *jobServer {
	s := &jobServer{states: states, results: results, pageSize: 100}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// restart makes the next poll report the first state again.
func (s *jobServer) restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.polls = 0
}

// itemsField is the name of the result array of each job kind.
var itemsField = map[string]string{
	"conversations/details": "conversations", "users/details": "userDetails",
	"conversations/aggregates": "results", "users/aggregates": "results",
}

func (s *jobServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, r.Method+" "+r.URL.RequestURI())
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/v2/analytics/")
	parts := strings.Split(rest, "/")
	if !ok || len(parts) < 3 || parts[2] != "jobs" {
		http.NotFound(w, r)
		return
	}
	kind := parts[0] + "/" + parts[1]
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(v)
		w.Write(b)
	}
	switch {
	case r.Method == "POST" && len(parts) == 3:
		var body map[string]any
		if err := json.UnmarshalRead(r.Body, &body); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		b, _ := json.Marshal(body)
		s.bodies = append(s.bodies, string(b))
		reply(map[string]any{"jobId": "job-" + strings.ReplaceAll(kind, "/", "-")})
	case r.Method == "GET" && len(parts) == 4:
		st := s.states[min(s.polls, len(s.states)-1)]
		s.polls++
		body := map[string]any{"state": st, "submissionDate": "2026-01-02T03:04:05.000Z"}
		if st == analyticsjobs.StateFailed {
			body["errorMessage"] = s.message
		}
		reply(body)
	case r.Method == "DELETE" && len(parts) == 4:
		s.deleted = append(s.deleted, parts[3])
		w.WriteHeader(http.StatusAccepted)
	case r.Method == "GET" && len(parts) == 5 && parts[4] == "results":
		start := 0
		if c := r.URL.Query().Get("cursor"); c != "" {
			start, _ = strconv.Atoi(strings.TrimPrefix(c, "next-"))
		}
		var items []map[string]any
		for i := start; i < start+s.pageSize && i < s.results; i++ {
			switch kind {
			case "conversations/details":
				items = append(items, map[string]any{"conversationId": fmt.Sprintf("c%03d", i)})
			case "users/details":
				items = append(items, map[string]any{"userId": fmt.Sprintf("c%03d", i)})
			default:
				items = append(items, map[string]any{"group": map[string]any{"id": fmt.Sprintf("c%03d", i)}})
			}
		}
		body := map[string]any{itemsField[kind]: items}
		if start+s.pageSize < s.results {
			body["cursor"] = "next-" + strconv.Itoa(start+s.pageSize)
		}
		reply(body)
	default:
		http.NotFound(w, r)
	}
}

// sleeper records the waits it is asked for and returns at once.
type sleeper struct {
	mu     sync.Mutex
	waits  []time.Duration
	onCall func(n int) // called with the number of the wait, from 1
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	n := len(s.waits)
	s.mu.Unlock()
	if s.onCall != nil {
		s.onCall(n)
	}
	return ctx.Err()
}

func newJobs(t *testing.T, srv *jobServer, sl *sleeper) *analyticsjobs.Client {
	t.Helper()
	c, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("t"))
	if err != nil {
		t.Fatal(err)
	}
	return analyticsjobs.New(c, analyticsjobs.WithSleeper(sl.sleep),
		analyticsjobs.WithBackoff(analyticsjobs.Backoff{Initial: time.Second, Max: 3 * time.Second, Multiplier: 2}))
}

func TestConversationDetailsJobSucceeds(t *testing.T) {
	srv := newJobServer(t, 250, "QUEUED", "PENDING", "PENDING", "PENDING", "FULFILLED")
	sl := &sleeper{}
	jobs := newJobs(t, srv, sl)
	ctx := context.Background()
	interval := "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z"
	job, err := jobs.SubmitConversationDetails(ctx, &models.AsyncConversationQuery{Interval: &interval})
	if err != nil {
		t.Fatal(err)
	}
	if job.ID != "job-conversations-details" || srv.bodies[0] != `{"interval":"2026-01-01T00:00:00Z/2026-01-02T00:00:00Z"}` {
		t.Fatalf("job %q, body %s", job.ID, srv.bodies[0])
	}
	var ids []string
	for conv, err := range job.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *conv.ConversationID)
	}
	if len(ids) != 250 {
		t.Fatalf("%d results, want 250", len(ids))
	}
	for i, id := range ids {
		if id != fmt.Sprintf("c%03d", i) {
			t.Fatalf("result %d is %s", i, id)
		}
	}
	// Four waits between five polls, growing and capped: 1s, 2s, 3s, 3s.
	if fmt.Sprint(sl.waits) != "[1s 2s 3s 3s]" {
		t.Fatalf("waits %v", sl.waits)
	}
	if len(srv.deleted) != 0 {
		t.Fatalf("a successful job was deleted")
	}
}

// countAll counts the values of seq, failing on an error.
func countAll[T any](t *testing.T, seq iter.Seq2[T, error]) int {
	t.Helper()
	n := 0
	for _, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

func TestEveryJobKind(t *testing.T) {
	ctx := context.Background()
	srv := newJobServer(t, 150, "PENDING", "FULFILLED")
	jobs := newJobs(t, srv, &sleeper{})
	ud, err := jobs.SubmitUserDetails(ctx, &models.AsyncUserDetailsQuery{})
	if err != nil {
		t.Fatal(err)
	}
	srv.restart()
	n := countAll(t, ud.All(ctx))
	if n != 150 || ud.Kind != "users/details" {
		t.Fatalf("user details: %d results", n)
	}
	ca, err := jobs.SubmitConversationAggregates(ctx, &models.ConversationAsyncAggregationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	srv.restart()
	n = countAll(t, ca.All(ctx))
	if n != 150 {
		t.Fatalf("conversation aggregates: %d results", n)
	}
	ua, err := jobs.SubmitUserAggregates(ctx, &models.UserAsyncAggregationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	srv.restart()
	n = countAll(t, ua.All(ctx))
	if n != 150 || ua.ID != "job-users-aggregates" {
		t.Fatalf("user aggregates: %d results, id %s", n, ua.ID)
	}
	if err := ua.Delete(ctx); err != nil || srv.deleted[0] != "job-users-aggregates" {
		t.Fatalf("delete: %v %v", err, srv.deleted)
	}
}

func TestFailedJob(t *testing.T) {
	for _, state := range []string{"FAILED", "CANCELLED", "EXPIRED"} {
		t.Run(state, func(t *testing.T) {
			srv := newJobServer(t, 10, "QUEUED", state)
			srv.message = "interval too long"
			jobs := newJobs(t, srv, &sleeper{})
			job := jobs.ConversationDetailsJob("job-1")
			st, err := job.Wait(context.Background())
			var je *analyticsjobs.JobError
			if !errors.As(err, &je) || je.State != state || je.JobID != "job-1" {
				t.Fatalf("error %v, want a *JobError in state %s", err, state)
			}
			if state == "FAILED" && (je.Message != "interval too long" || !strings.Contains(err.Error(), "interval too long")) {
				t.Fatalf("message %q", je.Message)
			}
			if st == nil || string(*st.State) != state {
				t.Fatalf("status %+v", st)
			}
			n := 0
			for _, err := range job.All(context.Background()) {
				if !errors.As(err, &je) {
					t.Fatalf("All yielded %v", err)
				}
				n++
			}
			if n != 1 {
				t.Fatalf("All yielded %d values after a failure", n)
			}
		})
	}
}

func TestCancellationDeletesJob(t *testing.T) {
	srv := newJobServer(t, 10, "QUEUED", "PENDING")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sl := &sleeper{onCall: func(n int) {
		if n == 3 {
			cancel()
		}
	}}
	jobs := newJobs(t, srv, sl)
	job, err := jobs.SubmitConversationDetails(ctx, &models.AsyncConversationQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := job.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait: %v, want context.Canceled", err)
	}
	if len(srv.deleted) != 1 || srv.deleted[0] != job.ID {
		t.Fatalf("deleted %v, want [%s]", srv.deleted, job.ID)
	}
}

func TestCancellationWhileReadingResultsDeletesJob(t *testing.T) {
	srv := newJobServer(t, 1000, "FULFILLED")
	jobs := newJobs(t, srv, &sleeper{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	job := jobs.UserDetailsJob("job-7")
	n := 0
	var last error
	for _, err := range job.All(ctx) {
		if err != nil {
			last = err
			continue
		}
		if n++; n == 150 {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) || n != 200 {
		t.Fatalf("%d results, last error %v", n, last)
	}
	if len(srv.deleted) != 1 || srv.deleted[0] != "job-7" {
		t.Fatalf("deleted %v", srv.deleted)
	}
}
