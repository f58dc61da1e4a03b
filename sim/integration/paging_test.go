package integration

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/analyticsjobs"
	"github.com/purecloudgo/platformclient/api/analytics"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

// counter is an http.RoundTripper that counts API requests by method and
// path (the OAuth token requests included, under their own path).
type counter struct {
	next http.RoundTripper
	mu   sync.Mutex
	n    map[string]int
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n[r.Method+" "+r.URL.Path]++
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

// get returns the number of requests of a method and path.
func (c *counter) get(method, path string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[method+" "+path]
}

// matching returns the number of requests whose "METHOD /path" has prefix.
func (c *counter) matching(prefix string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.n {
		if strings.HasPrefix(k, prefix) {
			n += v
		}
	}
	return n
}

// countingClient starts a simulator and returns a client whose requests
// are counted.
func countingClient(t *testing.T, opts ...sim.Option) (*sim.Server, *platformclient.Client, *counter) {
	t.Helper()
	s := sim.StartTest(t, opts...)
	cnt := &counter{next: http.DefaultTransport, n: map[string]int{}}
	c, err := s.NewClient(platformclient.WithHTTPClient(&http.Client{Transport: cnt}))
	if err != nil {
		t.Fatal(err)
	}
	return s, c, cnt
}

// TestUsersItemsAll walks the 1,000 seeded users with the generated item
// iterator: every seeded id once, in order, in 10 page requests.
func TestUsersItemsAll(t *testing.T) {
	s, c, cnt := countingClient(t)
	want := s.UserIDs()
	if len(want) != sim.DefaultSeedUsers {
		t.Fatalf("the simulator holds %d users, want %d", len(want), sim.DefaultSeedUsers)
	}
	var got []string
	seen := map[string]bool{}
	for u, err := range users.NewClient(c).GetUsersItems(context.Background(), &users.GetUsersOptions{PageSize: ptr(100)}) {
		if err != nil {
			t.Fatal(err)
		}
		if seen[*u.ID] {
			t.Fatalf("user %s seen twice (after %d users)", *u.ID, len(got))
		}
		seen[*u.ID] = true
		got = append(got, *u.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("iterated %d users, want the %d seeded ones in order (first difference at %d)", len(got), len(want), firstDiff(got, want))
	}
	if n := cnt.get("GET", "/api/v2/users"); n != 10 {
		t.Fatalf("%d users page requests, want 10", n)
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestUsersItemsLazy breaks after 10 users: one page was fetched.
func TestUsersItemsLazy(t *testing.T) {
	_, c, cnt := countingClient(t)
	n := 0
	for _, err := range users.NewClient(c).GetUsersItems(context.Background(), &users.GetUsersOptions{PageSize: ptr(100)}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 10 {
			break
		}
	}
	if got := cnt.get("GET", "/api/v2/users"); got != 1 {
		t.Fatalf("a break after 10 users made %d users requests, want 1", got)
	}
}

// TestUsersItemsCancel cancels the context after 150 users: the iterator
// finishes the page it holds, yields context.Canceled and fetches nothing
// more.
func TestUsersItemsCancel(t *testing.T) {
	_, c, cnt := countingClient(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n, after := 0, 0
	var last error
	for _, err := range users.NewClient(c).GetUsersItems(ctx, &users.GetUsersOptions{PageSize: ptr(100)}) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 150 {
			cancel()
		} else if n > 150 {
			after++
		}
	}
	if !errors.Is(last, context.Canceled) {
		t.Fatalf("iteration ended with %v, want context.Canceled", last)
	}
	if after > 50 {
		t.Fatalf("%d users after the cancel, want at most the rest of the page (50)", after)
	}
	if got := cnt.get("GET", "/api/v2/users"); got != 2 {
		t.Fatalf("%d users requests, want 2 (none after the cancel)", got)
	}
}

const (
	jobsBase = "/api/v2/analytics/conversations/details/jobs"
	interval = "2026-03-01T00:00:00Z/2026-03-02T00:00:00Z"
	// seeded is the number of ended conversations seedJobConversations adds.
	seeded = 250
)

// seedJobConversations adds ended conversations across the interval for
// the jobs to find.
func seedJobConversations(t *testing.T, s *sim.Server) {
	t.Helper()
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if _, err := s.SeedEndedConversations(seeded, from, from.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
}

// noSleep is a Sleeper that returns at once, counting its calls.
func noSleep(calls *int) analyticsjobs.Sleeper {
	return func(ctx context.Context, d time.Duration) error {
		*calls++
		return ctx.Err()
	}
}

// TestAnalyticsJobCursorPages reads a fulfilled job's results with the
// generated page iterator: every page but the last carries a cursor, the
// cursor is what the next request sends, and the pages hold every result
// once.
func TestAnalyticsJobCursorPages(t *testing.T) {
	s, c, cnt := countingClient(t)
	seedJobConversations(t, s)
	ctx := context.Background()
	api := analytics.NewClient(c)
	r, err := api.PostAnalyticsConversationsDetailsJobs(ctx, &models.AsyncConversationQuery{Interval: ptr(interval)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		st, err := api.GetAnalyticsConversationsDetailsJob(ctx, *r.JobID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if *st.State == models.AsyncQueryStatusStateFULFILLED {
			break
		}
		if *st.State != models.AsyncQueryStatusStateQUEUED || i == 5 {
			t.Fatalf("poll %d: state %s", i, *st.State)
		}
	}
	seen := map[string]bool{}
	pages := 0
	var cursors []string
	for p, err := range api.GetAnalyticsConversationsDetailsJobResultsPages(ctx, *r.JobID, &analytics.GetAnalyticsConversationsDetailsJobResultsOptions{PageSize: ptr(40)}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, conv := range p.Conversations {
			if seen[*conv.ConversationID] {
				t.Fatalf("conversation %s twice", *conv.ConversationID)
			}
			seen[*conv.ConversationID] = true
		}
		last := len(seen) == seeded
		if (p.Cursor == nil) != last {
			t.Fatalf("page %d (%d results so far): cursor %v", pages, len(seen), p.Cursor)
		}
		if p.Cursor != nil {
			cursors = append(cursors, *p.Cursor)
		}
	}
	if len(seen) != seeded || pages != 7 || len(cursors) != 6 {
		t.Fatalf("%d results in %d pages with %d cursors, want %d in 7 with 6", len(seen), pages, len(cursors), seeded)
	}
	if n := cnt.get("GET", jobsBase+"/"+*r.JobID+"/results"); n != 7 {
		t.Fatalf("%d results requests, want 7", n)
	}
	// A cursor that is not the job's is refused.
	_, err = api.GetAnalyticsConversationsDetailsJobResults(ctx, *r.JobID, &analytics.GetAnalyticsConversationsDetailsJobResultsOptions{Cursor: ptr("bogus")})
	if platformclient.StatusCode(err) != http.StatusBadRequest {
		t.Fatalf("bad cursor: %v, want a 400", err)
	}
}

// TestAnalyticsJobSucceeds submits a conversation details job, waits for it
// without sleeping and reads every result through the cursor.
func TestAnalyticsJobSucceeds(t *testing.T) {
	s, c, cnt := countingClient(t, sim.WithAnalyticsJobPolls(2))
	seedJobConversations(t, s)
	ctx := context.Background()
	sleeps := 0
	jobs := analyticsjobs.New(c, analyticsjobs.WithSleeper(noSleep(&sleeps)))
	job, err := jobs.SubmitConversationDetails(ctx, &models.AsyncConversationQuery{Interval: ptr(interval)})
	if err != nil {
		t.Fatal(err)
	}
	st, err := job.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if *st.State != models.AsyncQueryStatusStateFULFILLED || st.CompletionDate == nil || st.SubmissionDate == nil {
		t.Fatalf("status %+v", st)
	}
	if polls := cnt.get("GET", jobsBase+"/"+job.ID); polls != 3 || sleeps != 2 {
		t.Fatalf("%d polls and %d sleeps, want 3 and 2 (QUEUED twice, then FULFILLED)", polls, sleeps)
	}
	start, end := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	seen := map[string]bool{}
	for conv, err := range job.Results(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		id := *conv.ConversationID
		if seen[id] {
			t.Fatalf("conversation %s twice", id)
		}
		seen[id] = true
		if cs := conv.ConversationStart.Time; cs.Before(start) || !cs.Before(end) {
			t.Fatalf("conversation %s starts at %s, outside the interval", id, cs)
		}
		if len(conv.Participants) == 0 {
			t.Fatalf("conversation %s has no participants", id)
		}
	}
	if len(seen) != seeded {
		t.Fatalf("%d conversations, want %d", len(seen), seeded)
	}
	if n := cnt.get("GET", jobsBase+"/"+job.ID+"/results"); n <= 1 {
		t.Fatalf("%d results requests, want several (cursor paging)", n)
	}
	if err := job.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.AnalyticsJobState(job.ID); ok {
		t.Fatal("the job is still there after Delete")
	}

	// The query's limit sets the number of results; a user details job
	// finds the active users.
	job2, err := jobs.SubmitConversationDetails(ctx, &models.AsyncConversationQuery{Interval: ptr(interval), Limit: ptr(30)})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, err := range job2.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 30 {
		t.Fatalf("limit 30: %d conversations", n)
	}
	uj, err := jobs.SubmitUserDetails(ctx, &models.AsyncUserDetailsQuery{Interval: ptr(interval)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for d, err := range uj.All(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, *d.UserID)
	}
	if !slices.Equal(got, s.UserIDs()) {
		t.Fatalf("user details job: %d users, want the %d seeded ones in order", len(got), len(s.UserIDs()))
	}
}

// TestAnalyticsJobFails makes jobs end FAILED, CANCELLED and EXPIRED: Wait
// and All return a *analyticsjobs.JobError with the state.
func TestAnalyticsJobFails(t *testing.T) {
	s, c, _ := countingClient(t)
	ctx := context.Background()
	sleeps := 0
	jobs := analyticsjobs.New(c, analyticsjobs.WithSleeper(noSleep(&sleeps)))
	for _, tc := range []struct{ state, message string }{
		{"FAILED", "the query timed out"},
		{"CANCELLED", ""},
		{"EXPIRED", ""},
	} {
		if err := s.FailNextAnalyticsJob(tc.state, tc.message); err != nil {
			t.Fatal(err)
		}
		job, err := jobs.SubmitConversationDetails(ctx, &models.AsyncConversationQuery{Interval: ptr(interval)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = job.Wait(ctx)
		var je *analyticsjobs.JobError
		if !errors.As(err, &je) || je.State != tc.state || je.Message != tc.message || je.JobID != job.ID {
			t.Fatalf("%s: Wait returned %v, want a JobError with state %s and message %q", tc.state, err, tc.state, tc.message)
		}
		n := 0
		for _, err := range job.All(ctx) {
			n++
			if !errors.As(err, &je) || je.State != tc.state {
				t.Fatalf("%s: All yielded %v", tc.state, err)
			}
		}
		if n != 1 {
			t.Fatalf("%s: All yielded %d values, want the error alone", tc.state, n)
		}
		// Results of a job that did not succeed are refused.
		for _, err := range job.Results(ctx) {
			if platformclient.StatusCode(err) != http.StatusBadRequest {
				t.Fatalf("%s: results: %v, want a 400", tc.state, err)
			}
		}
	}
	if err := s.FailNextAnalyticsJob("FULFILLED", ""); err == nil {
		t.Fatal("FailNextAnalyticsJob accepted FULFILLED")
	}
	// The next job succeeds again.
	job, err := jobs.SubmitConversationDetails(ctx, &models.AsyncConversationQuery{Interval: ptr(interval)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := job.Wait(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestAnalyticsJobCancelDeletes cancels the context while Wait sleeps:
// Wait returns context.Canceled and the job is deleted on the simulator.
func TestAnalyticsJobCancelDeletes(t *testing.T) {
	s, c, cnt := countingClient(t, sim.WithAnalyticsJobPolls(100))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sleeps := 0
	jobs := analyticsjobs.New(c, analyticsjobs.WithSleeper(func(ctx context.Context, d time.Duration) error {
		if sleeps++; sleeps == 3 {
			cancel()
		}
		return ctx.Err()
	}))
	job, err := jobs.SubmitConversationDetails(ctx, &models.AsyncConversationQuery{Interval: ptr(interval)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := job.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait returned %v, want context.Canceled", err)
	}
	if n := cnt.get("DELETE", jobsBase+"/"+job.ID); n != 1 {
		t.Fatalf("%d DELETE requests for the job, want 1", n)
	}
	if polls := cnt.get("GET", jobsBase+"/"+job.ID); polls != 3 {
		t.Fatalf("%d polls, want 3 (none after the cancel)", polls)
	}
	if st, ok := s.AnalyticsJobState(job.ID); ok {
		t.Fatalf("the job is still there (%s)", st)
	}
	_, err = job.Status(context.Background())
	if !platformclient.IsNotFound(err) {
		t.Fatalf("status of the deleted job: %v, want a 404", err)
	}
	if n := cnt.matching("GET " + jobsBase + "/" + job.ID + "/results"); n != 0 {
		t.Fatalf("%d results requests for a cancelled job", n)
	}
}
