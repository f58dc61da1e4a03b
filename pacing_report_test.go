package platformclient

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// TestPacingAbsurdHeaders: answers whose inin-ratelimit-* headers are
// absurd teach the client nothing it cannot survive: 20 calls all succeed,
// within bounded waits, and the state stays sane.
func TestPacingAbsurdHeaders(t *testing.T) {
	checkLeaks(t)
	for _, tc := range []struct {
		name                   string
		allowed, count, reset  string
		wantAllowed            int
		wantWindow, totalWaits time.Duration // totalWaits: an upper bound
	}{
		{"allowed 0", "0", "5", "60", 0, 0, 0},
		{"allowed negative", "-100", "5", "60", 0, 0, 0},
		{"allowed huge", "999999999999999", "5", "60", 0, 0, 0},
		{"garbage", "lots", "x", "soon", 0, 0, 0},
		{"count negative", "1000", "-7", "60", 1000, time.Minute, 2 * time.Second},
		{"reset negative", "1000", "5", "-5", 1000, time.Minute, 2 * time.Second},
		{"reset huge", "1000", "5", "1e12", 1000, time.Minute, 2 * time.Second},
		{"reset NaN", "1000", "5", "NaN", 1000, time.Minute, 2 * time.Second},
		{"reset Inf", "1000", "5", "+Inf", 1000, time.Minute, 2 * time.Second},
		// A count above the allowance on every answer: each call waits for
		// the reported reset (1 s), no longer.
		{"count above allowance", "10", "999999999", "1", 10, time.Second, 20 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("inin-ratelimit-allowed", tc.allowed)
				w.Header().Set("inin-ratelimit-count", tc.count)
				w.Header().Set("inin-ratelimit-reset", tc.reset)
				writeOK(w)
			})
			c, fc := newTestClient(t, srv)
			for i := range 20 {
				if _, _, err := get(t, c); err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
			}
			var total time.Duration
			for _, w := range fc.Waits() {
				total += w
			}
			st := c.RateLimitState()
			if st.Allowed != tc.wantAllowed || st.Window != tc.wantWindow || total > tc.totalWaits ||
				math.IsNaN(st.Rate) || math.IsInf(st.Rate, 0) || st.Remaining < 0 {
				t.Fatalf("waited %s in all (at most %s), state %+v", total, tc.totalWaits, st)
			}
		})
	}
}

// TestPacingAbsurdRetryAfter: a 429 asking for 10^30 seconds neither
// overflows into a negative wait nor holds the client for more than an
// hour; one asking for a negative or unreadable time holds for a second.
func TestPacingAbsurdRetryAfter(t *testing.T) {
	checkLeaks(t)
	for _, tc := range []struct {
		retryAfter string
		hold       time.Duration
	}{
		{"1e30", time.Hour},
		{"-10", time.Second},
		{"soon", time.Second},
	} {
		t.Run(tc.retryAfter, func(t *testing.T) {
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Retry-After", tc.retryAfter)
				writeError(w, http.StatusTooManyRequests, "too.many.requests", 1)
			})
			c, fc := newTestClient(t, srv, WithRetryPolicy(RetryPolicy{RetryMax: -1}))
			_, _, err := get(t, c)
			if StatusCode(err) != http.StatusTooManyRequests || RetryAfter(err) < 0 {
				t.Fatalf("first call: %v (RetryAfter %s)", err, RetryAfter(err))
			}
			if st := c.RateLimitState(); !st.HeldUntil.Equal(fc.Now().Add(tc.hold)) {
				t.Fatalf("held until %s, want %s from now", st.HeldUntil, tc.hold)
			}
		})
	}
}

// TestPacingLyingServer: a server that claims 1000 requests per second in
// its headers but refuses the 11th of each second. The client learns the
// true allowance from the 429s (with or without a count header), every
// call succeeds, and few answers are 429.
func TestPacingLyingServer(t *testing.T) {
	checkLeaks(t)
	for _, noCount := range []bool{false, true} {
		sc := newSimClock(8)
		s := &windowServer{clk: sc, allowed: 10, window: time.Second, claim: 1000, noCount: noCount}
		c, errs := runCallers(t, s, sc, 8, 25)
		n, limited := s.figures()
		st := c.RateLimitState()
		t.Logf("count header %v: %d requests for 200 calls, %d answered 429; state %+v", !noCount, n, limited, st)
		if len(errs) != 0 {
			t.Fatalf("%d calls failed: %v", len(errs), errs[0])
		}
		// It learns 10 from the first 429s, and after 10 quiet windows
		// tries a quarter more at a time.
		if limited > n/20 || st.Allowed >= 1000 {
			t.Errorf("%d of %d answers were 429; learnt %d", limited, n, st.Allowed)
		}
	}
}

// TestPacingUnderclaimingServer: a server that claims 5 requests per
// second while it would take any number: the client keeps to what it was
// told.
func TestPacingUnderclaimingServer(t *testing.T) {
	checkLeaks(t)
	sc := newSimClock(8)
	s := &windowServer{clk: sc, allowed: 1 << 30, window: time.Second, claim: 5}
	c, errs := runCallers(t, s, sc, 8, 5)
	if len(errs) != 0 {
		t.Fatalf("%d calls failed: %v", len(errs), errs[0])
	}
	s.sent = s.sent[8:] // the first burst went before anything was known
	if m := s.maxInWindow(); m > 5 {
		t.Errorf("%d requests within a second after learning 5 per second; state %+v", m, c.RateLimitState())
	}
}

// TestPacingRateLimitErrorIsTyped: the error of a call that may not wait
// is inspectable with errors.As and reads well.
func TestPacingRateLimitErrorIsTyped(t *testing.T) {
	e := error(&RateLimitError{Method: "GET", URL: "https://api.example/x", Wait: 90 * time.Second,
		State: RateLimitState{Allowed: 300, Window: time.Minute}, Err: context.DeadlineExceeded})
	want := "platformclient: GET https://api.example/x: rate limit: a wait of 1m30s for the next turn: context deadline exceeded [allowance 300 per 1m0s]"
	var rl *RateLimitError
	if e.Error() != want || !errors.As(e, &rl) || !IsRateLimited(e) || !IsTimeout(e) || RetryAfter(e) != 90*time.Second {
		t.Fatalf("%q", e.Error())
	}
}

// TestPacingTinyRate: a fixed rate too small for a time.Duration does not
// overflow into no limit at all.
func TestPacingTinyRate(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeOK(w) })
	c, _ := newTestClient(t, srv, WithRateLimit(1e-300, 1))
	if _, _, err := get(t, c); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	var rl *RateLimitError
	if err := c.Do(ctx, runtime.NewRequest("GET", "/x"), nil); !errors.As(err, &rl) || rl.Wait < time.Hour {
		t.Fatalf("second call at a rate of 1e-300/s: %v", err)
	}
}

// TestPacingWindowChange: at the change of a 2 s window, answers to
// attempts of the old window come back late with a count near the
// allowance. They must not fill the new window: after them, the client may
// still send at once.
func TestPacingWindowChange(t *testing.T) {
	p := newPacer()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	answer := func(now time.Time, count int, reset string) {
		h := http.Header{}
		h.Set("inin-ratelimit-allowed", "100")
		h.Set("inin-ratelimit-count", strconv.Itoa(count))
		h.Set("inin-ratelimit-reset", reset)
		tk, err := p.wait(context.Background(), fixedClock{now}, 0)
		if err != nil {
			t.Fatal(err)
		}
		p.observe(tk, &http.Response{StatusCode: http.StatusOK, Header: h}, nil, now)
	}
	// The first window: 95 attempts spread over 2 s, ending at t0+2s.
	for i := range 95 {
		now := t0.Add(time.Duration(i) * 20 * time.Millisecond)
		answer(now, i+1, strconv.Itoa(int(math.Ceil((2*time.Second - now.Sub(t0)).Seconds()))))
	}
	// Past its end, the answer to the last attempt of the old window arrives: reset 1, count 100.
	late := t0.Add(2050 * time.Millisecond)
	p.mu.Lock()
	p.release(late, late) // an attempt of the new window goes
	p.mu.Unlock()
	p.observe(ticket{epoch: p.epoch}, &http.Response{StatusCode: http.StatusOK,
		Header: http.Header{"Inin-Ratelimit-Allowed": {"100"}, "Inin-Ratelimit-Count": {"100"}, "Inin-Ratelimit-Reset": {"1"}}}, nil, late)
	p.mu.Lock()
	slot, _ := p.turn(late.Add(100 * time.Millisecond))
	st := p.stateLocked(late)
	p.mu.Unlock()
	if wait := slot.Sub(late.Add(100 * time.Millisecond)); wait > 100*time.Millisecond {
		t.Fatalf("the next attempt waits %s after a late answer of the old window; state %+v", wait, st)
	}
}

// fixedClock is a clock that stays at one time and does not sleep.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                                   { return c.t }
func (c fixedClock) Sleep(ctx context.Context, _ time.Duration) error { return ctx.Err() }
