package platformclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// limitServer is an API with Genesys Cloud's limits: each token allows
// allowed requests per fixed window (counted from its first request, with
// inin-ratelimit-* headers on every answer), and the token endpoint refuses
// more than tokenPerSec requests in a second with 400 "rate limit
// exceeded".
type limitServer struct {
	*httptest.Server
	allowed     int
	window      time.Duration
	tokenPerSec int

	mu      sync.Mutex
	windows map[string]*struct {
		start time.Time
		n     int
	}
	tokSec   time.Time
	tokN     int
	issued   int
	refused  int
	ok       int
	limited  int
	rejected int // 401s
	revoked  map[string]bool
}

func newLimitServer(t *testing.T, allowed int, window time.Duration, tokenPerSec int) *limitServer {
	s := &limitServer{allowed: allowed, window: window, tokenPerSec: tokenPerSec,
		windows: map[string]*struct {
			start time.Time
			n     int
		}{}, revoked: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *limitServer) serve(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/oauth/token" {
		if sec := now.Truncate(time.Second); !sec.Equal(s.tokSec) {
			s.tokSec, s.tokN = sec, 0
		}
		s.tokN++
		if s.tokenPerSec > 0 && s.tokN > s.tokenPerSec {
			s.refused++
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_request","description":"rate limit exceeded; try again later"}`)
			return
		}
		s.issued++
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":"tok-%d","token_type":"bearer","expires_in":86400}`, s.issued)
		return
	}
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if s.revoked[tok] {
		s.rejected++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	win := s.windows[tok]
	if win == nil || !now.Before(win.start.Add(s.window)) {
		win = &struct {
			start time.Time
			n     int
		}{start: now}
		s.windows[tok] = win
	}
	win.n++
	reset := win.start.Add(s.window).Sub(now)
	secs := max(int((reset+time.Second-1)/time.Second), 1)
	w.Header().Set("inin-ratelimit-count", strconv.Itoa(win.n))
	w.Header().Set("inin-ratelimit-allowed", strconv.Itoa(s.allowed))
	w.Header().Set("inin-ratelimit-reset", strconv.Itoa(secs))
	w.Header().Set("Content-Type", "application/json")
	if win.n > s.allowed {
		s.limited++
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, `{"status":429,"code":"too.many.requests","message":"Rate limit exceeded","limit":{"value":%d}}`, s.allowed)
		return
	}
	s.ok++
	fmt.Fprint(w, `{"id":"x"}`)
}

func (s *limitServer) client(t *testing.T, opts ...Option) *Client {
	t.Helper()
	base := []Option{WithBaseURL(s.URL), WithLoginURL(s.URL),
		WithGrant(ClientCredentials{ClientID: "id", ClientSecret: "secret"})}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestTokenPoolOptionErrors(t *testing.T) {
	for _, n := range []int{0, -1, MaxTokenPool + 1} {
		_, err := New(WithBaseURL("http://127.0.0.1:1"), WithTokenPool(n),
			WithGrant(ClientCredentials{ClientID: "id", ClientSecret: "s"}))
		var pe *TokenPoolError
		if !errors.As(err, &pe) || pe.Size != n {
			t.Errorf("WithTokenPool(%d): %v, want *TokenPoolError", n, err)
		}
	}
	for name, o := range map[string]Option{
		"access token": WithAccessToken("abc"),
		"source":       WithTokenSource(StaticToken("abc")),
		"refresh":      WithGrant(RefreshToken{ClientID: "id", RefreshToken: "r"}),
		"none":         nil,
	} {
		_, err := New(WithBaseURL("http://127.0.0.1:1"), o, WithTokenPool(4))
		var pe *TokenPoolError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v, want *TokenPoolError", name, err)
		}
	}
	c, err := New(WithBaseURL("http://127.0.0.1:1"), WithTokenPool(1), WithAccessToken("abc"))
	if err != nil {
		t.Fatalf("WithTokenPool(1) with a token set by hand: %v", err)
	}
	_ = c.Close()
}

// runLoad runs workers goroutines calling c for d (each call with no
// deadline, so that none fails for the run's end) and returns the calls
// that failed.
func runLoad(c *Client, workers int, d time.Duration) (failed int64, firstErr error) {
	stop := time.Now().Add(d)
	var mu sync.Mutex
	var n atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for time.Now().Before(stop) {
				err := c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/users/me"), nil)
				if err != nil {
					n.Add(1)
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return n.Load(), firstErr
}

// The done-when: 64 goroutines, a pool of 8, 100 requests per 2 s
// per token, a token endpoint that refuses more than 4 a second.
func TestTokenPoolReachesAllowance(t *testing.T) {
	if testing.Short() {
		t.Skip("10 s load run")
	}
	s := newLimitServer(t, 100, 2*time.Second, 4)
	c := s.client(t, WithTokenPool(8))
	const run = 10 * time.Second
	var ok, limited, issued, refused int
	snap := time.AfterFunc(run, func() { // what the run's 10 s got, not the calls still waiting
		s.mu.Lock()
		ok, limited, issued, refused = s.ok, s.limited, s.issued, s.refused
		s.mu.Unlock()
	})
	defer snap.Stop()
	failed, err := runLoad(c, 64, run)
	allowance := 8 * 100 * int(run/(2*time.Second))
	share := float64(ok) / float64(allowance)
	st := c.TokenPoolStats()
	t.Logf("ok %d of %d (%.1f%%), 429 %d (%.2f%%), tokens issued %d, refused %d, failed calls %d; stats %+v",
		ok, allowance, 100*share, limited, 100*float64(limited)/float64(ok+limited), issued, refused, failed, st)
	if failed > 0 {
		t.Errorf("%d calls failed, first: %v", failed, err)
	}
	if share < 0.80 { // the figure is 90 %; the margin is for a loaded machine
		t.Errorf("goodput %.1f%% of 8 tokens' allowance, want >= 80%%", 100*share)
	}
	if float64(limited) > 0.01*float64(ok+limited) {
		t.Errorf("%d 429s of %d answers, want <= 1%%", limited, ok+limited)
	}
	if issued > 10 {
		t.Errorf("%d tokens issued, want <= 10", issued)
	}
	rs := c.RateLimitState()
	if len(rs.Tokens) != st.Open || rs.Allowed != 100*st.Open {
		t.Errorf("RateLimitState: %d tokens, allowed %d; pool open %d", len(rs.Tokens), rs.Allowed, st.Open)
	}
}

// A pool grows only with demand: one goroutine calling slowly keeps one
// token.
func TestTokenPoolLazy(t *testing.T) {
	s := newLimitServer(t, 100, 2*time.Second, 0)
	c := s.client(t, WithTokenPool(8))
	for range 20 {
		time.Sleep(50 * time.Millisecond) // 20 a second: one token's pace is 50
		if err := c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/users/me"), nil); err != nil {
			t.Fatal(err)
		}
	}
	if st := c.TokenPoolStats(); st.Open != 1 || st.Issued != 1 {
		t.Errorf("stats %+v, want one token", st)
	}
}

// A 401 on one token renews that token alone.
func TestTokenPool401RenewsOneToken(t *testing.T) {
	s := newLimitServer(t, 10, 2*time.Second, 0)
	c := s.client(t, WithTokenPool(4))
	failed, err := runLoad(c, 16, 1500*time.Millisecond)
	if failed > 0 {
		t.Fatalf("%d failed: %v", failed, err)
	}
	before := c.TokenPoolStats()
	if before.Open < 2 {
		t.Fatalf("pool did not grow: %+v", before)
	}
	s.mu.Lock()
	s.revoked["tok-2"] = true
	s.mu.Unlock()
	failed, err = runLoad(c, 16, 1500*time.Millisecond)
	if failed > 0 {
		t.Fatalf("%d failed after revoking one token: %v", failed, err)
	}
	after := c.TokenPoolStats()
	if got := after.Issued - before.Issued - int64(after.Open-before.Open); got != 1 {
		t.Errorf("renewals after one revoked token: %d (before %+v, after %+v), want 1", got, before, after)
	}
}
