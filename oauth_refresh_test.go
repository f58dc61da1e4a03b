package platformclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	gcruntime "github.com/purecloudgo/platformclient/runtime"
)

// waitFor polls cond until it holds or a generous deadline passes: an
// assertion with a deadline, not a fixed sleep.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// stormClient returns a client with an expired token and a grant, whose
// HTTP client keeps at most 64 connections so 1,000 callers stay cheap.
func stormClient(t *testing.T, s *testAuthServer, opts ...Option) *Client {
	hc := &http.Client{Transport: &http.Transport{MaxConnsPerHost: 64, MaxIdleConnsPerHost: 64}}
	t.Cleanup(hc.CloseIdleConnections)
	c := s.client(t, append([]Option{WithHTTPClient(hc), WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"})}, opts...)...)
	return c
}

// storm runs n concurrent calls and returns their errors.
func storm(c *Client, n int) []error {
	var wg sync.WaitGroup
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = getMe(context.Background(), c)
		}()
	}
	close(start)
	wg.Wait()
	return errs
}

func failed(errs []error) (n int, first error) {
	for _, err := range errs {
		if err != nil {
			if n == 0 {
				first = err
			}
			n++
		}
	}
	return n, first
}

func TestRefreshStormExpiredToken(t *testing.T) {
	const callers = 1000
	s := newTestAuthServer(t)
	c := stormClient(t, s)
	c.SetToken(Token{AccessToken: "old", Expiry: time.Now().Add(-time.Minute)})
	// Hold the token request until every other caller waits for it, so the
	// test proves they all share the one refresh.
	var gateErr atomic.Value
	var held atomic.Bool
	s.setGate(func(*http.Request) error {
		if !held.CompareAndSwap(false, true) {
			return nil // a second token request: the count below fails
		}
		deadline := time.Now().Add(30 * time.Second)
		for c.auth.waiting.Load() != callers-1 {
			if time.Now().After(deadline) {
				err := fmt.Errorf("only %d callers waited", c.auth.waiting.Load())
				gateErr.Store(err)
				return err
			}
			time.Sleep(time.Millisecond)
		}
		return nil
	})
	errs := storm(c, callers)
	if err, _ := gateErr.Load().(error); err != nil {
		t.Fatal(err)
	}
	if n := s.tokens.Load(); n != 1 {
		t.Errorf("%d token requests, want exactly 1", n)
	}
	if n, first := failed(errs); n != 0 {
		t.Errorf("%d failed calls, want 0; first: %v", n, first)
	}
	if got := atomic.LoadInt64(&s.apiCalls); got != callers {
		t.Errorf("%d API calls, want %d", got, callers)
	}
}

func TestRefreshStormUnauthorized(t *testing.T) {
	const callers = 1000
	s := newTestAuthServer(t)
	c := stormClient(t, s)
	// Valid by the clock, but the API refuses it: every caller gets 401,
	// one refreshes, all replay.
	c.SetToken(Token{AccessToken: "revoked", Expiry: time.Now().Add(time.Hour)})
	errs := storm(c, callers)
	if n := s.tokens.Load(); n != 1 {
		t.Errorf("%d token requests, want exactly 1", n)
	}
	if n, first := failed(errs); n != 0 {
		t.Errorf("%d failed calls, want 0; first: %v", n, first)
	}
}

func TestRefreshSlowerThanWaitTime(t *testing.T) {
	const callers = 10
	s := newTestAuthServer(t)
	c := stormClient(t, s, WithRefreshTokenWaitTime(20*time.Millisecond))
	c.SetToken(Token{AccessToken: "old", Expiry: time.Now().Add(-time.Minute)})
	release := make(chan struct{})
	s.setGate(func(*http.Request) error { <-release; return nil })
	results := make(chan error, callers)
	for range callers {
		go func() { results <- getMe(context.Background(), c) }()
	}
	// The refresh is held until the waiters have given up.
	timeouts := 0
	for timeouts < callers-1 {
		select {
		case err := <-results:
			var te *RefreshTimeoutError
			if !errors.As(err, &te) {
				t.Fatalf("waiter got %v, want *RefreshTimeoutError", err)
			}
			if te.Wait != 20*time.Millisecond || !te.Timeout() {
				t.Errorf("timeout error %+v", te)
			}
			timeouts++
		case <-time.After(30 * time.Second):
			t.Fatalf("only %d waiters timed out", timeouts)
		}
	}
	close(release)
	if err := <-results; err != nil {
		t.Errorf("the refreshing caller failed: %v", err)
	}
	if n := s.tokens.Load(); n != 1 {
		t.Errorf("%d token requests", n)
	}
	// The next call uses the refreshed token.
	if err := getMe(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

func TestRefreshOptOut(t *testing.T) {
	s := newTestAuthServer(t)
	s.refresh = true
	c := s.client(t, WithShouldRefreshAccessToken(false),
		WithGrant(RefreshToken{ClientID: "cid", ClientSecret: "s3cret", RefreshToken: "ref-0"}))
	ctx := context.Background()
	expiry := time.Now().Add(-time.Minute)
	c.SetToken(Token{AccessToken: "expired", RefreshToken: "ref-saved", Expiry: expiry})
	// The expired token is sent as it is: no login, no replay.
	if err := getMe(ctx, c); !IsUnauthorized(err) {
		t.Fatalf("got %v, want a 401 APIError", err)
	}
	if got := atomic.LoadInt64(&s.apiCalls); got != 1 {
		t.Errorf("%d API calls, want 1 (no replay)", got)
	}
	if n := s.tokens.Load(); n != 0 {
		t.Fatalf("%d token requests with refresh off", n)
	}
	// The caller has what it needs to refresh.
	tok, err := c.Token(ctx)
	if err != nil || tok.RefreshToken != "ref-saved" || !tok.Expiry.Equal(expiry) || tok.Valid() {
		t.Fatalf("Token() = %v, %v", tok, err)
	}
	if _, err := c.Authorize(ctx, RefreshToken{ClientID: "cid", ClientSecret: "s3cret", RefreshToken: tok.RefreshToken}); err != nil {
		t.Fatal(err)
	}
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n := s.tokens.Load(); n != 1 {
		t.Errorf("%d token requests, want 1", n)
	}
	checkCall(t, s.tokenCalls()[0], map[string][]string{"grant_type": {"refresh_token"}, "refresh_token": {"ref-saved"}}, basicHeader("cid", "s3cret"))

	// A lazy grant still logs in once with refresh off.
	c2 := s.client(t, WithShouldRefreshAccessToken(false), WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	if err := getMe(ctx, c2); err != nil {
		t.Fatal(err)
	}
	if n := s.tokens.Load(); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
}

func TestWaiterTakesOverWhenLeaderGivesUp(t *testing.T) {
	s := newTestAuthServer(t)
	c := stormClient(t, s)
	c.SetToken(Token{AccessToken: "old", Expiry: time.Now().Add(-time.Minute)})
	var first atomic.Bool
	first.Store(true)
	s.setGate(func(r *http.Request) error {
		if first.CompareAndSwap(true, false) {
			<-r.Context().Done() // held until the leader's caller gives up
			return errors.New("gone")
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() { leader <- getMe(ctx, c) }()
	waitUntil(t, "the token request", func() bool { return s.tokens.Load() == 1 })
	waiter := make(chan error, 1)
	go func() { waiter <- getMe(context.Background(), c) }()
	waitUntil(t, "a waiter", func() bool { return c.auth.waiting.Load() == 1 })
	cancel()
	if err := <-leader; !errors.Is(err, context.Canceled) {
		t.Errorf("leader: %v, want context.Canceled", err)
	}
	if err := <-waiter; err != nil {
		t.Errorf("waiter: %v", err)
	}
	if n := s.tokens.Load(); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
}

// panicDoer panics on token requests while armed.
type panicDoer struct {
	armed   atomic.Bool
	entered chan struct{}
	proceed chan struct{}
}

func (p *panicDoer) Do(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/oauth/token" && p.armed.Load() {
		close(p.entered)
		<-p.proceed
		panic("doer exploded")
	}
	return http.DefaultClient.Do(r)
}

func TestPanickingTokenRequestReleasesWaiters(t *testing.T) {
	s := newTestAuthServer(t)
	d := &panicDoer{entered: make(chan struct{}), proceed: make(chan struct{})}
	d.armed.Store(true)
	c := s.client(t, WithHTTPClient(d), WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	panicked := make(chan any, 1)
	go func() {
		defer func() { panicked <- recover() }()
		getMe(context.Background(), c)
	}()
	<-d.entered
	waiter := make(chan error, 1)
	go func() { waiter <- getMe(context.Background(), c) }()
	waitUntil(t, "a waiter", func() bool { return c.auth.waiting.Load() == 1 })
	d.armed.Store(false)
	close(d.proceed)
	if p := <-panicked; p == nil {
		t.Error("the panic was swallowed")
	}
	if err := <-waiter; !errors.Is(err, errTokenRequestAborted) {
		t.Errorf("waiter: %v", err)
	}
	// The client is not stuck.
	if err := getMe(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkTokenCached(b *testing.B) {
	s := newTestAuthServer(b)
	c := s.client(b, WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	cfg := c.settings()
	ctx := context.Background()
	if _, _, err := c.auth.token(ctx, c, cfg); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := c.auth.token(ctx, c, cfg); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestNoGoroutineLeft runs logins, renewals, waits that time out and a
// caller that gives up, and checks that no goroutine outlives them once the
// idle connections are closed.
func TestNoGoroutineLeft(t *testing.T) {
	base := runtime.NumGoroutine()
	func() {
		s := newTestAuthServer(t)
		hc := &http.Client{Transport: &http.Transport{}}
		c := s.client(t, WithHTTPClient(hc), WithRefreshTokenWaitTime(5*time.Millisecond),
			WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
		release := make(chan struct{})
		s.setGate(func(*http.Request) error { <-release; return nil })
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() { defer wg.Done(); getMe(context.Background(), c) }()
		}
		waitUntil(t, "the waiters to time out", func() bool { return s.tokens.Load() == 1 && c.auth.waiting.Load() == 0 })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		getMe(ctx, c)
		close(release)
		wg.Wait()
		s.setGate(nil)
		for range 10 {
			if err := getMe(context.Background(), c); err != nil {
				t.Fatal(err)
			}
		}
		hc.CloseIdleConnections()
		s.Close()
	}()
	waitUntil(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= base })
}

// TestReplayAfter401CountsEveryAttempt: the attempt refused with 401 and
// its replay with a new token are both counted.
func TestReplayAfter401CountsEveryAttempt(t *testing.T) {
	s := newTestAuthServer(t)
	c := stormClient(t, s)
	c.SetToken(Token{AccessToken: "revoked", Expiry: time.Now().Add(time.Hour)})
	var resp Response
	if err := c.Do(context.Background(), gcruntime.NewRequest(http.MethodGet, "/api/v2/users/me"), nil, CaptureResponse(&resp)); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Attempts != 2 {
		t.Fatalf("status %d after %d attempts, want 200 after 2 (401, then the replay)", resp.StatusCode, resp.Attempts)
	}
}
