package platformclient

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// windowServer is an API with a fixed-window limit per window (not per
// token) on a test clock, as Genesys Cloud and the simulator count: a
// window starts with the first request after the previous one ended.
type windowServer struct {
	clk     clock
	allowed int           // enforced
	window  time.Duration // enforced
	claim   int           // allowance sent in the headers; 0: the true one
	bare    bool          // no inin-ratelimit-* headers, only Retry-After on 429
	noCount bool          // no inin-ratelimit-count header

	mu      sync.Mutex
	start   time.Time
	count   int
	sent    []time.Time // every request, by the test clock
	limited int
}

func (s *windowServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	now := s.clk.Now()
	if s.start.IsZero() || !now.Before(s.start.Add(s.window)) {
		s.start, s.count = now, 0
	}
	s.count++
	s.sent = append(s.sent, now)
	count := s.count
	reset := s.start.Add(s.window).Sub(now)
	over := count > s.allowed
	if over {
		s.limited++
	}
	s.mu.Unlock()
	secs := strconv.Itoa(int(math.Ceil(reset.Seconds())))
	if !s.bare {
		claim := s.claim
		if claim == 0 {
			claim = s.allowed
		}
		if !s.noCount {
			w.Header().Set("inin-ratelimit-count", strconv.Itoa(count))
		}
		w.Header().Set("inin-ratelimit-allowed", strconv.Itoa(claim))
		w.Header().Set("inin-ratelimit-reset", secs)
	}
	if over {
		w.Header().Set("Retry-After", secs)
		writeError(w, http.StatusTooManyRequests, "too.many.requests", count)
		return
	}
	writeOK(w)
}

// maxInWindow returns the most requests the server received in any span of
// its window's length, 429s included.
func (s *windowServer) maxInWindow() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	most, j := 0, 0
	for i := range s.sent {
		for s.sent[i].Sub(s.sent[j]) >= s.window {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

func (s *windowServer) figures() (requests, limited int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent), s.limited
}

// runCallers makes calls GETs from each of callers goroutines on a
// discrete-event clock, and returns the errors.
func runCallers(t *testing.T, s *windowServer, sc *simClock, callers, calls int, opts ...Option) (*Client, []error) {
	t.Helper()
	srv := newServer(t, s.ServeHTTP)
	tr := &http.Transport{MaxIdleConnsPerHost: callers}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := New(append([]Option{WithBaseURL(srv.URL), WithHTTPClient(&http.Client{Transport: tr}),
		WithAccessToken("t"), withClock(sc), withJitter(func() float64 { return 0 })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var errs []error
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			defer sc.finish()
			for range calls {
				if err := c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/things"), nil); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return c, errs
}

// TestPacingSpreads: 20 callers make 15 calls each against 20 requests per
// 10 s. The client learns the limit from the first answers and then never
// sends more than 20 in any 10 s, without a 429.
func TestPacingSpreads(t *testing.T) {
	checkLeaks(t)
	sc := newSimClock(20)
	s := &windowServer{clk: sc, allowed: 20, window: 10 * time.Second}
	c, errs := runCallers(t, s, sc, 20, 15)
	if len(errs) != 0 {
		t.Fatalf("%d calls failed: %v", len(errs), errs[0])
	}
	n, limited := s.figures()
	st := c.RateLimitState()
	t.Logf("%d requests, %d answered 429, at most %d in a window, %s from first to last; state %+v", n, limited, s.maxInWindow(), s.sent[len(s.sent)-1].Sub(s.sent[0]), st)
	if limited != 0 || n != 300 {
		t.Errorf("%d requests, %d answered 429; want 300 and none", n, limited)
	}
	if st.Allowed != 20 || st.Window != 10*time.Second || !st.Paced || st.Waiting != 0 {
		t.Errorf("state %+v", st)
	}
	// The first 20 went at once (nothing was known yet). After that each of
	// the server's windows got at most 20 (no 429), and any 10 s at most 20
	// plus the burst: the spread keeps to any 10 s, and the catch-up to the
	// end of a window the server reported may add up to a burst across its
	// edge.
	s.sent = s.sent[20:]
	if m := s.maxInWindow(); m > 20+20/paceBurstShare {
		t.Errorf("%d requests in one 10 s after learning, above 20 and a burst of %d", m, 20/paceBurstShare)
	}
}

// serverWindows returns the requests each of the server's windows
// received: a window starts with the first request after the previous one
// ended, as the server counts.
func (s *windowServer) serverWindows() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	var counts []int
	var start time.Time
	for _, at := range s.sent {
		if len(counts) == 0 || !at.Before(start.Add(s.window)) {
			start = at
			counts = append(counts, 0)
		}
		counts[len(counts)-1]++
	}
	return counts
}

// TestPacingUsesWholeWindows: 20 callers against 100 requests per 10 s,
// for 7 windows. Once the client has learnt the API's window, it catches up
// within it: every full window of the server gets its whole allowance (the
// even spread alone, 95 intervals of 10 s / 95, leaves 4 of the 100
// unused), and none gets more.
func TestPacingUsesWholeWindows(t *testing.T) {
	checkLeaks(t)
	sc := newSimClock(20)
	s := &windowServer{clk: sc, allowed: 100, window: 10 * time.Second}
	_, errs := runCallers(t, s, sc, 20, 35)
	if len(errs) != 0 {
		t.Fatalf("%d calls failed: %v", len(errs), errs[0])
	}
	counts := s.serverWindows()
	t.Logf("requests per server window: %v; 429s %d", counts, s.limited)
	if s.limited != 0 {
		t.Errorf("%d requests answered 429", s.limited)
	}
	if len(counts) < 3 {
		t.Fatalf("%d windows", len(counts))
	}
	for i, n := range counts[1 : len(counts)-1] { // the first is the burst before learning, the last is partial
		if n != 100 {
			t.Errorf("server window %d got %d requests, want the whole allowance of 100", i+1, n)
		}
	}
}

// TestPacingHoldsThenSpreads: a server that only answers 429 with
// Retry-After (no inin-ratelimit-* headers), allowing 5 requests per 4 s.
// The first requests go at once (nothing is known yet). After the first
// 429 no request goes until the Retry-After has passed, and then they go
// one at a time, not all at once. The client learns the allowance from
// what got through before a 429.
func TestPacingHoldsThenSpreads(t *testing.T) {
	checkLeaks(t)
	sc := newSimClock(10)
	s := &windowServer{clk: sc, allowed: 5, window: 4 * time.Second, bare: true}
	c, errs := runCallers(t, s, sc, 10, 3)
	if len(errs) != 0 {
		t.Fatalf("%d calls failed: %v", len(errs), errs[0])
	}
	n, limited := s.figures()
	st := c.RateLimitState()
	t.Logf("%d requests, %d answered 429; state %+v", n, limited, st)
	start := s.sent[0]
	first, later := 0, 0 // requests at the start, and after the hold
	for i, at := range s.sent {
		switch since := at.Sub(start); {
		case since == 0:
			first++
		case since < 4*time.Second:
			t.Errorf("request %d at %s, during the hold", i, since)
		default:
			later++
			if !at.After(s.sent[i-1]) {
				t.Errorf("requests %d and %d at the same time %s: not spread", i-1, i, since)
			}
		}
	}
	// Of the later requests at most one was refused: the one that showed
	// the allowance learnt from the first burst was too high.
	if lim := limited - (first - 5); lim > 1 || later < 30-5 {
		t.Errorf("%d requests at the start, %d later; %d 429s after the start", first, later, lim)
	}
	if st.Allowed != 5 {
		t.Errorf("learnt %+v; want an allowance of 5", st)
	}
}

// TestPacingDeadlineWins: after a 429 asking for an hour, a call whose
// deadline comes earlier fails at once with a *RateLimitError, without
// sending anything; so does a call without deadline (the hour is above
// MaxRetryAfter), and one that accepts the wait is held.
func TestPacingDeadlineWins(t *testing.T) {
	checkLeaks(t)
	var mu sync.Mutex
	hits := 0
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		w.Header().Set("Retry-After", "3600")
		writeError(w, http.StatusTooManyRequests, "too.many.requests", 1)
	})
	c, fc := newTestClient(t, srv)
	if _, _, err := get(t, c); StatusCode(err) != http.StatusTooManyRequests || RetryAfter(err) != time.Hour {
		t.Fatalf("first call: %v", err)
	}
	st := c.RateLimitState()
	if want := fc.Now().Add(time.Hour); !st.HeldUntil.Equal(want) || st.Limited != 1 {
		t.Fatalf("state %+v, want held until %s", st, want)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := c.Do(ctx, runtime.NewRequest("GET", "/api/v2/things"), nil)
	var rl *RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, context.DeadlineExceeded) || !IsRateLimited(err) || IsRetryable(err) ||
		rl.Wait != time.Hour || RetryAfter(err) != time.Hour || rl.Method != "GET" || rl.State.HeldUntil.IsZero() {
		t.Fatalf("with a 5 s deadline: %v (%T) %+v", err, err, rl)
	}
	t.Logf("with a deadline: %v", err)

	err = c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/things"), nil)
	if !errors.As(err, &rl) || rl.Err != nil || errors.Is(err, context.DeadlineExceeded) || !IsRetryable(err) {
		t.Fatalf("without a deadline: %v (%T)", err, err)
	}
	t.Logf("without a deadline: %v", err)
	if hits != 1 || len(fc.Waits()) != 0 {
		t.Fatalf("server saw %d requests, waits %v; want 1 and none", hits, fc.Waits())
	}

	// A call that accepts an hour waits it out, once.
	_, _, err = get(t, c, CallRetryPolicy(RetryPolicy{MaxRetryAfter: 2 * time.Hour, RetryMax: -1}))
	if StatusCode(err) != http.StatusTooManyRequests || hits != 2 || len(fc.Waits()) != 1 || fc.Waits()[0] != time.Hour {
		t.Fatalf("accepting the hour: %v, %d requests, waits %v", err, hits, fc.Waits())
	}
}

// TestPacingCancel: a call cancelled while it waits returns a
// *RateLimitError matching context.Canceled, and is no longer counted as
// waiting.
func TestPacingCancel(t *testing.T) {
	checkLeaks(t)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusTooManyRequests, "too.many.requests", 1)
	})
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := New(WithBaseURL(srv.URL), WithHTTPClient(&http.Client{Transport: tr}), WithAccessToken("t"),
		WithRetryPolicy(RetryPolicy{RetryMax: -1}))
	if err != nil {
		t.Fatal(err)
	}
	_ = c.Do(context.Background(), runtime.NewRequest("GET", "/x"), nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- c.Do(ctx, runtime.NewRequest("GET", "/x"), nil) }()
	for c.RateLimitState().Waiting != 1 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	err = <-done
	var rl *RateLimitError
	if !errors.As(err, &rl) || !errors.Is(err, context.Canceled) || c.RateLimitState().Waiting != 0 {
		t.Fatalf("cancelled: %v (%T), state %+v", err, err, c.RateLimitState())
	}
}

// TestPacingShared: the pacing is one per client, shared by the settings
// copies a configuration reload makes.
func TestPacingShared(t *testing.T) {
	srv := newServer(t, (&windowServer{clk: realClock{}, allowed: 50, window: time.Minute}).ServeHTTP)
	c, _ := newTestClient(t, srv)
	if _, _, err := get(t, c); err != nil {
		t.Fatal(err)
	}
	c.cfg.Store(c.settings().clone()) // what a reload does
	if st := c.RateLimitState(); st.Allowed != 50 || st.Used != 1 || st.Window != time.Minute {
		t.Fatalf("after a reload: %+v", st)
	}
}

// TestPacingOptions: Disabled stops learning and holding; a fixed rate
// alone spaces calls; a fixed rate above the learnt allowance gives way to
// it.
func TestPacingOptions(t *testing.T) {
	checkLeaks(t)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("inin-ratelimit-allowed", "10")
		w.Header().Set("inin-ratelimit-count", "1")
		w.Header().Set("inin-ratelimit-reset", "10")
		writeOK(w)
	})
	off, fc := newTestClient(t, srv, WithPacing(Pacing{Disabled: true}))
	for range 30 {
		if _, _, err := get(t, off); err != nil {
			t.Fatal(err)
		}
	}
	if st := off.RateLimitState(); len(fc.Waits()) != 0 || st.Paced || st.Allowed != 0 || st.Learning {
		t.Fatalf("disabled: waits %v, state %+v", fc.Waits(), st)
	}

	// A fixed rate of 100/s is above the learnt 10 per 10 s: the learnt
	// interval (10 s / 9) applies.
	both, fc := newTestClient(t, srv, WithRateLimit(100, 1))
	for range 3 {
		if _, _, err := get(t, both); err != nil {
			t.Fatal(err)
		}
	}
	// The first wait was decided before the allowance was known; the
	// second is the learnt one: the even spread (10 s / 9), or the rest of
	// the window's allowance over the rest of the window (9 s / 9, more or
	// less the time the first answers took), never the fixed 10 ms.
	waits := fc.Waits()
	if len(waits) != 2 || waits[0] != 10*time.Millisecond || waits[1] < time.Second || waits[1] > 10*time.Second/9 {
		t.Fatalf("fixed rate above the allowance: waits %v, want [10ms, 1 s to 1.11 s]", waits)
	}
	if st := both.RateLimitState(); st.Rate < 0.89 || st.Rate > 0.91 || st.Allowed != 10 {
		t.Fatalf("state %+v", st)
	}
}
