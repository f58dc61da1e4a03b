package sim_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/sim"
)

const usersRoute = "GET /api/v2/users"

func getUsers(c *platformclient.Client) error {
	var out map[string]any
	return c.Do(context.Background(), platformclient.NewRequest("GET", "/api/v2/users"), &out)
}

func startWithClient(t *testing.T, opts ...sim.Option) (*sim.Server, *platformclient.Client) {
	t.Helper()
	s := sim.StartTest(t, append([]sim.Option{sim.WithSeedUsers(5)}, opts...)...)
	c, err := s.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func TestFaultRateLimited(t *testing.T) {
	s, c := startWithClient(t)
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
		apiErr.Body.Limit == nil {
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
		err := getUsers(c)
		var apiErr *platformclient.APIError
		if !errors.As(err, &apiErr) || apiErr.StatusCode != 503 || apiErr.Body.Code != "service.unavailable" {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	if err := getUsers(c); err != nil {
		t.Fatalf("after the burst: %v", err)
	}
	// Other routes were never affected.
	if err := c.Do(context.Background(), platformclient.NewRequest("GET", "/api/v2/routing/queues"), nil); err != nil {
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

func TestFaultMalformedJSON(t *testing.T) {
	s, c := startWithClient(t)
	if err := s.InjectFault(usersRoute, sim.MalformedJSON().First(1)); err != nil {
		t.Fatal(err)
	}
	err := getUsers(c)
	var de *platformclient.DecodeError
	if !errors.As(err, &de) || de.StatusCode != 200 || len(de.Body) == 0 {
		t.Fatalf("want *DecodeError, got %T %v", err, err)
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
	err := c.Do(ctx, platformclient.NewRequest("GET", "/api/v2/users"), nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want deadline exceeded, got %v", err)
	}
}

func TestFaultGlobalEveryNth(t *testing.T) {
	s, c := startWithClient(t)
	if err := s.InjectFault(sim.AllRoutes, sim.ServerError(500).EveryNth(3)); err != nil {
		t.Fatal(err)
	}
	var failed []int
	for i := 1; i <= 9; i++ {
		if err := c.Do(context.Background(), platformclient.NewRequest("GET", "/api/v2/routing/skills"), nil); err != nil {
			if platformclient.StatusCode(err) != 500 {
				t.Fatal(err)
			}
			failed = append(failed, i)
		}
	}
	if len(failed) != 3 || failed[0] != 3 || failed[1] != 6 || failed[2] != 9 {
		t.Fatalf("failed requests %v, want [3 6 9]", failed)
	}
	// Global faults leave the login service alone.
	if tok := s.AccessToken(); tok == "" {
		t.Fatal("no token")
	}
}

func TestFaultOnLogin(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithFault("POST /oauth/token", sim.ServerError(503).First(1)))
	c, _ := platformclient.New(platformclient.WithBaseURL(s.URL()))
	req := platformclient.NewRequest("POST", "/oauth/token")
	req.FormValue("grant_type", "client_credentials")
	err := c.Do(context.Background(), req, nil)
	if platformclient.StatusCode(err) != 503 {
		t.Fatalf("want 503 from the login service, got %v", err)
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
	_, c := startWithClient(t, sim.WithFaultProfile("outage"))
	if err := getUsers(c); platformclient.StatusCode(err) != http.StatusServiceUnavailable {
		t.Fatalf("outage: %v", err)
	}
}

func TestRateLimitPerToken(t *testing.T) {
	clock := newFakeClock()
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithClock(clock.Now), sim.WithRateLimit(3, time.Minute))
	a, _ := platformclient.New(platformclient.WithBaseURL(s.URL()), platformclient.WithAccessToken(s.AccessToken()))
	b, _ := platformclient.New(platformclient.WithBaseURL(s.URL()), platformclient.WithAccessToken(s.AccessToken()))
	for i := 0; i < 3; i++ {
		if err := getUsers(a); err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
	}
	clock.Add(20 * time.Second)
	err := getUsers(a)
	var apiErr *platformclient.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.RetryAfter != 40*time.Second ||
		apiErr.RateLimit == nil || apiErr.RateLimit.Allowed != 3 || apiErr.RateLimit.Count != 4 || apiErr.RateLimit.Reset != 40*time.Second {
		t.Fatalf("over the limit: %v", err)
	}
	if err := getUsers(b); err != nil { // limits are per token
		t.Fatalf("other token: %v", err)
	}
	clock.Add(40 * time.Second)
	if err := getUsers(a); err != nil {
		t.Fatalf("next window: %v", err)
	}
}
