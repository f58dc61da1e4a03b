package platformclient

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// simClock is a discrete-event clock for many concurrent callers: virtual
// time stands still while any caller is working and jumps to the earliest
// wake-up once all callers still running are asleep. A storm of seconds of
// virtual time thus takes milliseconds, and callers interleave as they would
// in real time, without depending on how fast the machine is.
type simClock struct {
	mu       sync.Mutex
	now      time.Time
	active   int // callers not yet finished
	sleepers []*simSleeper
}

type simSleeper struct {
	wake time.Time
	ch   chan struct{}
}

func newSimClock(callers int) *simClock {
	return &simClock{now: time.Unix(1_700_000_000, 0), active: callers}
}

func (s *simClock) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}

func (s *simClock) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	sl := &simSleeper{wake: s.now.Add(d), ch: make(chan struct{})}
	s.sleepers = append(s.sleepers, sl)
	s.advanceLocked()
	s.mu.Unlock()
	select {
	case <-sl.ch:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for i, x := range s.sleepers {
			if x == sl {
				s.sleepers = append(s.sleepers[:i], s.sleepers[i+1:]...)
				break
			}
		}
		s.mu.Unlock()
		return ctx.Err()
	}
}

// finish marks a caller as done.
func (s *simClock) finish() {
	s.mu.Lock()
	s.active--
	s.advanceLocked()
	s.mu.Unlock()
}

func (s *simClock) advanceLocked() {
	if len(s.sleepers) == 0 || len(s.sleepers) < s.active {
		return
	}
	next := s.sleepers[0].wake
	for _, x := range s.sleepers[1:] {
		if x.wake.Before(next) {
			next = x.wake
		}
	}
	if next.After(s.now) {
		s.now = next
	}
	keep := s.sleepers[:0]
	for _, x := range s.sleepers {
		if x.wake.After(s.now) {
			keep = append(keep, x)
		} else {
			close(x.ch)
		}
	}
	clear(s.sleepers[len(keep):])
	s.sleepers = keep
}

type stormResult struct {
	attempts, unavailable int64 // requests the server saw, and its 503s
	ok, failed            int   // callers that succeeded, and got an *APIError
}

// runStorm sends one GET from each of callers goroutines to a server that
// answers 503 for the first outage of virtual time, then 200.
func runStorm(t *testing.T, callers int, outage time.Duration, opts ...Option) stormResult {
	t.Helper()
	sc := newSimClock(callers)
	start := sc.Now()
	var attempts, unavailable atomic.Int64
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n := attempts.Add(1)
		if sc.Now().Sub(start) < outage {
			unavailable.Add(1)
			writeError(w, http.StatusServiceUnavailable, "service.unavailable", int(n))
			return
		}
		writeOK(w)
	})
	tr := &http.Transport{MaxIdleConnsPerHost: callers}
	t.Cleanup(tr.CloseIdleConnections)
	c, err := New(append([]Option{WithBaseURL(srv.URL), WithHTTPClient(&http.Client{Transport: tr}), withClock(sc)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	var res stormResult
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			defer sc.finish()
			var out okBody
			err := c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/things"), &out)
			mu.Lock()
			defer mu.Unlock()
			var e *APIError
			switch {
			case err == nil && out.ID == "ok":
				res.ok++
			case errors.As(err, &e) && e.StatusCode == http.StatusServiceUnavailable && e.Attempts >= 1:
				res.failed++
			default:
				t.Errorf("caller got %v (%T): neither a success nor a typed 503", err, err)
			}
		})
	}
	wg.Wait()
	res.attempts, res.unavailable = attempts.Load(), unavailable.Load()
	return res
}

// TestRetryStorm: 200 concurrent callers meet a 2 s outage. The default
// budget (500 tokens, 5 a retry) allows 100 retries while nothing succeeds,
// so the API sees at most 300 requests during the outage, against 600 to 800
// without a budget.
func TestRetryStorm(t *testing.T) {
	checkLeaks(t)
	const callers = 200
	res := runStorm(t, callers, 2*time.Second)
	t.Logf("with the default budget: %d attempts (%d answered 503) for %d callers: %d succeeded, %d got *APIError 503",
		res.attempts, res.unavailable, callers, res.ok, res.failed)
	b := RetryBudget{}.withDefaults()
	if limit := int64(callers + b.Capacity/b.RetryCost); res.unavailable > limit {
		t.Errorf("%d requests during the outage, above the budget's bound %d", res.unavailable, limit)
	}
	if res.ok+res.failed != callers {
		t.Errorf("%d outcomes for %d callers", res.ok+res.failed, callers)
	}

	free := runStorm(t, callers, 2*time.Second, WithRetryBudget(RetryBudget{Disabled: true}))
	t.Logf("without a budget: %d attempts (%d answered 503): %d succeeded, %d failed",
		free.attempts, free.unavailable, free.ok, free.failed)
	if free.unavailable <= res.unavailable {
		t.Errorf("the budget did not reduce the load: %d vs %d without", res.unavailable, free.unavailable)
	}

	// A long outage: without a budget every caller makes all its attempts
	// and fails anyway.
	long := runStorm(t, callers, 30*time.Second)
	longFree := runStorm(t, callers, 30*time.Second, WithRetryBudget(RetryBudget{Disabled: true}))
	t.Logf("30 s outage: %d attempts with the budget, %d without", long.attempts, longFree.attempts)
	if long.attempts > int64(callers+b.Capacity/b.RetryCost) || longFree.attempts != callers*(1+defaultRetryMax) {
		t.Errorf("30 s outage: %d attempts with the budget, %d without", long.attempts, longFree.attempts)
	}
}
