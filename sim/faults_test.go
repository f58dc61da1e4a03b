package sim_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/runtime"
	"github.com/purecloudgo/platformclient/sim"
)

const usersRoute = "GET /api/v2/users"

func getUsers(c *platformclient.Client) error {
	var out map[string]any
	return c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/users"), &out)
}

// startWithClient starts a simulator and a client that does not retry, so
// each fault reaches the test as the error the client returns for it.
func startWithClient(t *testing.T, opts ...sim.Option) (*sim.Server, *platformclient.Client) {
	t.Helper()
	s := sim.StartTest(t, append([]sim.Option{sim.WithSeedUsers(5)}, opts...)...)
	c, err := s.NewClient(platformclient.WithRetryPolicy(platformclient.RetryPolicy{RetryMax: -1}))
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// rawGet sends a GET with a fresh token and no retries of any kind.
func rawGet(t *testing.T, s *sim.Server, path, token string) (int, http.Header, []byte) {
	t.Helper()
	if token == "" {
		token = s.AccessToken()
	}
	resp, b := apiGet(t, s, path, token)
	return resp.StatusCode, resp.Header, b
}

func TestFaultRateLimited(t *testing.T) {
	s, c := startWithClient(t)
	// On the wire: 429, Retry-After, inin-ratelimit-* and a Genesys body.
	if err := s.InjectFault(usersRoute, sim.RateLimited(1500*time.Millisecond).First(1)); err != nil {
		t.Fatal(err)
	}
	status, h, body := rawGet(t, s, "/api/v2/users", "")
	e := errorBody(t, body)
	if status != 429 || h.Get("Retry-After") != "2" || h.Get("inin-ratelimit-allowed") != "300" || h.Get("inin-ratelimit-count") == "" ||
		h.Get("inin-ratelimit-reset") != "2" || e.Code != "too.many.requests" || e.Limit == nil || e.ContextID != h.Get("ININ-Correlation-Id") {
		t.Fatalf("429 on the wire: %d %v %s", status, h, body)
	}
	if status, _, _ := rawGet(t, s, "/api/v2/users", ""); status != 200 {
		t.Fatalf("after the one 429: %d", status)
	}
	// Through the client: a typed error with RetryAfter and RateLimit.
	if err := s.InjectFault(usersRoute, sim.RateLimited(time.Second).First(1)); err != nil {
		t.Fatal(err)
	}
	err := getUsers(c)
	var apiErr *platformclient.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want *APIError, got %T %v", err, err)
	}
	if apiErr.StatusCode != 429 || apiErr.RetryAfter != time.Second || apiErr.RateLimit == nil ||
		apiErr.RateLimit.Allowed != 300 || apiErr.Body.Code != "too.many.requests" || apiErr.CorrelationID == "" ||
		apiErr.Body.Limit == nil || !platformclient.IsRateLimited(err) {
		t.Fatalf("429: %+v (rate limit %+v)", apiErr, apiErr.RateLimit)
	}
	if err := getUsers(c); err != nil {
		t.Fatalf("after the one 429: %v", err)
	}
}

func TestFaultServerErrorBurst(t *testing.T) {
	s, c := startWithClient(t)
	if err := s.InjectFault(usersRoute, sim.ServerError(503).First(2)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		status, _, body := rawGet(t, s, "/api/v2/users", "")
		if e := errorBody(t, body); status != 503 || e.Code != "service.unavailable" {
			t.Fatalf("request %d: %d %s", i+1, status, body)
		}
	}
	if status, _, _ := rawGet(t, s, "/api/v2/users", ""); status != 200 {
		t.Fatalf("after the burst: %d", status)
	}
	if err := s.InjectFault(usersRoute, sim.ServerError(500).First(1)); err != nil {
		t.Fatal(err)
	}
	err := getUsers(c)
	var apiErr *platformclient.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 || apiErr.Body.Code != "internal.server.error" {
		t.Fatalf("500 through the client: %T %v", err, err)
	}
	// Other routes were never affected.
	if err := c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/routing/queues"), nil); err != nil {
		t.Fatal(err)
	}
}

func TestFaultConnectionReset(t *testing.T) {
	s, c := startWithClient(t)
	// Every request: net/http may replay an idempotent request once on a
	// fresh connection when a reused one is reset.
	if err := s.InjectFault(usersRoute, sim.ConnectionReset()); err != nil {
		t.Fatal(err)
	}
	err := getUsers(c)
	var te *platformclient.TransportError
	if !errors.As(err, &te) {
		t.Fatalf("want *TransportError, got %T %v", err, err)
	}
	s.ClearFaults()
	if err := getUsers(c); err != nil {
		t.Fatalf("after ClearFaults: %v", err)
	}
}

func TestFaultHTML(t *testing.T) {
	s, c := startWithClient(t)
	if err := s.InjectFault(usersRoute, sim.HTMLError(0).First(1)); err != nil {
		t.Fatal(err)
	}
	err := getUsers(c)
	var apiErr *platformclient.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || !strings.Contains(string(apiErr.RawBody), "<html>") ||
		apiErr.Body.Code != "" || !strings.HasPrefix(apiErr.ContentType, "text/html") {
		t.Fatalf("HTML page: %T %v", err, err)
	}
}

func TestFaultLatency(t *testing.T) {
	s, c := startWithClient(t)
	const d = 30 * time.Millisecond
	if err := s.InjectFault(usersRoute, sim.Latency(d).First(1)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := getUsers(c); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < d {
		t.Fatalf("answered after %s, want at least %s", took, d)
	}
	// A deadline shorter than the latency reaches the caller as its context error.
	if err := s.InjectFault(usersRoute, sim.Latency(time.Minute)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := c.Do(ctx, runtime.NewRequest("GET", "/api/v2/users"), nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
}

func TestFaultGlobalEveryNth(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	if err := s.InjectFault(sim.AllRoutes, sim.ServerError(500).EveryNth(3)); err != nil {
		t.Fatal(err)
	}
	tok := s.AccessToken()
	var failed []int
	for i := 1; i <= 9; i++ {
		switch status, _, _ := rawGet(t, s, "/api/v2/routing/skills", tok); status {
		case 200:
		case 500:
			failed = append(failed, i)
		default:
			t.Fatalf("request %d: %d", i, status)
		}
	}
	if len(failed) != 3 || failed[0] != 3 || failed[1] != 6 || failed[2] != 9 {
		t.Fatalf("failed requests %v, want [3 6 9]", failed)
	}
	// Global faults leave the login service alone.
	for i := 0; i < 3; i++ {
		if status, _ := postToken(t, s, map[string][]string{"grant_type": {"client_credentials"}}, s.ClientID(), s.ClientSecret()); status != 200 {
			t.Fatalf("login under a global fault: %d", status)
		}
	}
}

func TestFaultOnLogin(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithFault("POST /oauth/token", sim.ServerError(503).First(1)))
	form := map[string][]string{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.ClientID(), s.ClientSecret())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Fatalf("want 503 from the login service, got %d", resp.StatusCode)
	}
	if status, tok := postToken(t, s, form, s.ClientID(), s.ClientSecret()); status != 200 || tok.AccessToken == "" {
		t.Fatalf("second login: %d", status)
	}
}

func TestFaultValidation(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	for name, tc := range map[string]struct {
		route string
		f     sim.Fault
	}{
		"unknown route":    {"GET /api/v2/nothing", sim.ServerError(500)},
		"no method":        {"/api/v2/users", sim.ServerError(500)},
		"success status":   {usersRoute, sim.ServerError(200)},
		"latency of zero":  {usersRoute, sim.Latency(0)},
		"no kind":          {usersRoute, sim.Fault{}},
		"negative retries": {usersRoute, sim.RateLimited(-time.Second)},
	} {
		if err := s.InjectFault(tc.route, tc.f); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Variable names do not matter.
	if err := s.InjectFault("GET /api/v2/users/{id}", sim.ServerError(500)); err != nil {
		t.Fatal(err)
	}
	if _, err := sim.New(sim.WithFaultProfile("nope")); err == nil {
		t.Fatal("unknown profile accepted")
	}
	for _, p := range sim.FaultProfiles() {
		if sim.ProfileDescription(p) == "" {
			t.Errorf("profile %s has no description", p)
		}
		if _, err := sim.New(sim.WithFaultProfile(p), sim.WithSeedUsers(0)); err != nil {
			t.Errorf("profile %s: %v", p, err)
		}
	}
}

func TestFaultProfileOutage(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithFaultProfile("outage"))
	if status, _, _ := rawGet(t, s, "/api/v2/users", ""); status != http.StatusServiceUnavailable {
		t.Fatalf("outage: %d", status)
	}
}

func TestRateLimitPerToken(t *testing.T) {
	clock := newFakeClock()
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithClock(clock.Now), sim.WithRateLimit(3, time.Minute))
	a, b := s.AccessToken(), s.AccessToken()
	for i := 0; i < 3; i++ {
		if status, _, _ := rawGet(t, s, "/api/v2/users", a); status != 200 {
			t.Fatalf("request %d: %d", i+1, status)
		}
	}
	clock.Add(20 * time.Second)
	status, h, body := rawGet(t, s, "/api/v2/users", a)
	e := errorBody(t, body)
	if status != 429 || h.Get("Retry-After") != "40" || h.Get("inin-ratelimit-allowed") != "3" || h.Get("inin-ratelimit-count") != "4" ||
		h.Get("inin-ratelimit-reset") != "40" || e.Code != "too.many.requests" || e.Limit == nil || e.Limit.Value != 3 {
		t.Fatalf("over the limit: %d %v %s", status, h, body)
	}
	if status, _, _ := rawGet(t, s, "/api/v2/users", b); status != 200 { // limits are per token
		t.Fatalf("other token: %d", status)
	}
	clock.Add(40 * time.Second)
	if status, _, _ := rawGet(t, s, "/api/v2/users", a); status != 200 {
		t.Fatalf("next window: %d", status)
	}
}

// TestFaultsRetriedByClient shows the client's retries getting past
// injected bursts: two 503s, then a reset (short backoff, so no real
// seconds are spent).
func TestFaultsRetriedByClient(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(5))
	var mu sync.Mutex
	var events []string
	c, err := s.NewClient(platformclient.WithRetryPolicy(platformclient.RetryPolicy{
		RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond,
		OnRetry: func(e platformclient.RetryEvent) {
			mu.Lock()
			events = append(events, fmt.Sprintf("%d:%T", e.Attempt, e.Err))
			mu.Unlock()
		},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.InjectFault(usersRoute, sim.ServerError(503).First(2)); err != nil {
		t.Fatal(err)
	}
	if err := getUsers(c); err != nil {
		t.Fatalf("after two 503s: %v", err)
	}
	if err := s.InjectFault(usersRoute, sim.ConnectionReset().First(1)); err != nil {
		t.Fatal(err)
	}
	if err := getUsers(c); err != nil {
		t.Fatalf("after a reset: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(events) < 2 || events[0] != "1:*platformclient.APIError" || events[1] != "2:*platformclient.APIError" {
		t.Fatalf("retries: %v", events)
	}
}
