package sim_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	gcruntime "github.com/purecloudgo/platformclient/runtime"
	"github.com/purecloudgo/platformclient/sim"
)

// TestRateAllowanceDefault: the service's allowance (300 a minute) is
// counted per token, and going past it is not refused.
func TestRateAllowanceDefault(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithRateAllowance(300, time.Minute))
	tok := s.AccessToken()
	for i := 1; i <= 3; i++ {
		status, h, body := rawGet(t, s, "/api/v2/users", tok)
		if status != 200 || h.Get("inin-ratelimit-allowed") != "300" || h.Get("inin-ratelimit-count") != strconv.Itoa(i) ||
			h.Get("inin-ratelimit-reset") != "60" {
			t.Fatalf("request %d: %d %v %s", i, status, h, body)
		}
	}
	// Another token has its own window.
	if _, h, _ := rawGet(t, s, "/api/v2/users", s.AccessToken()); h.Get("inin-ratelimit-count") != "1" {
		t.Fatalf("a new token's first answer: count %q", h.Get("inin-ratelimit-count"))
	}
}

// TestRateAllowanceCountedNotEnforced: a scaled allowance is counted past
// its end without a 429; WithRateLimit enforces the same numbers.
func TestRateAllowanceCountedNotEnforced(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithRateAllowance(2, 2*time.Second))
	tok := s.AccessToken()
	for i := 1; i <= 4; i++ {
		status, h, _ := rawGet(t, s, "/api/v2/users", tok)
		if status != 200 || h.Get("inin-ratelimit-allowed") != "2" || h.Get("inin-ratelimit-count") != strconv.Itoa(i) {
			t.Fatalf("request %d: %d %v", i, status, h)
		}
		if r, _ := strconv.Atoi(h.Get("inin-ratelimit-reset")); r < 1 || r > 2 {
			t.Fatalf("reset %q in a 2s window", h.Get("inin-ratelimit-reset"))
		}
	}
	if st := s.Stats(); st.RateLimited != 0 {
		t.Fatalf("stats: %+v", st)
	}
	e := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithRateLimit(2, 2*time.Second))
	tok = e.AccessToken()
	var statuses []int
	for range 3 {
		status, _, _ := rawGet(t, e, "/api/v2/users", tok)
		statuses = append(statuses, status)
	}
	if statuses[0] != 200 || statuses[1] != 200 || statuses[2] != 429 || e.Stats().RateLimited != 1 {
		t.Fatalf("enforced 2 per 2s: %v, stats %+v", statuses, e.Stats())
	}
}

// TestNoRateHeadersUnlessAsked: the package sends no headers by default.
func TestNoRateHeadersUnlessAsked(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	status, h, _ := rawGet(t, s, "/api/v2/users", "")
	if status != 200 || h.Get("inin-ratelimit-allowed") != "" || h.Get("inin-ratelimit-count") != "" {
		t.Fatalf("%d %v", status, h)
	}
}

// ccToken asks for a client-credentials token on the wire.
func ccToken(t *testing.T, s *sim.Server) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(s.ClientID(), s.ClientSecret())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, m
}

// TestTokenRateLimit: past the token endpoint's limit a token request gets
// 400 invalid_request "rate limit exceeded; ...", counted in Stats; the
// next second lets requests through again.
func TestTokenRateLimit(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithTokenRateLimit(2))
	var refused map[string]any
	ok, no := 0, 0
	for range 5 {
		status, m := ccToken(t, s)
		switch {
		case status == 200 && m["access_token"] != nil:
			ok++
		case status == 400:
			no++
			refused = m
		default:
			t.Fatalf("token: %d %v", status, m)
		}
	}
	// Five requests in (almost surely) one or two windows of one second.
	if ok < 2 || ok > 4 || no < 1 {
		t.Fatalf("5 token requests at 2 per second: %d issued, %d refused", ok, no)
	}
	if refused["error"] != "invalid_request" || !strings.HasPrefix(refused["error_description"].(string), "rate limit exceeded; ") {
		t.Fatalf("refusal body: %v", refused)
	}
	st := s.Stats()
	if st.TokenRequests != 5 || st.TokenRefusals != int64(no) || st.Requests < 5 {
		t.Fatalf("stats: %+v (refused %d)", st, no)
	}
	time.Sleep(1100 * time.Millisecond)
	if status, m := ccToken(t, s); status != 200 {
		t.Fatalf("after a second: %d %v", status, m)
	}
}

// TestLatency: every answer waits the latency, and a request cancelled
// while it waits ends at once.
func TestLatency(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithLatency(150*time.Millisecond))
	tok := s.AccessToken()
	start := time.Now()
	if status, _, _ := rawGet(t, s, "/api/v2/users", tok); status != 200 {
		t.Fatal(status)
	}
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Fatalf("answer after %s with 150ms latency", d)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL()+"/api/v2/users", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("answered before the latency passed")
	}
}

func TestLimitOptionsRejectBadValues(t *testing.T) {
	for _, o := range []sim.Option{sim.WithTokenRateLimit(-1), sim.WithLatency(-time.Second),
		sim.WithRateAllowance(0, time.Minute), sim.WithRateAllowance(10, time.Millisecond)} {
		if _, err := sim.New(sim.WithSeedUsers(1), o); err == nil {
			t.Error("accepted")
		}
	}
}

// TestUsersIndexFollowsChanges: the kept index of the users listing sees a
// user created, one deactivated and one deleted at once, on every page.
func TestUsersIndexFollowsChanges(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(30))
	c, err := s.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	list := func(q string) (total int, ids []string) {
		t.Helper()
		var l struct {
			Total    int `json:"total"`
			Entities []struct {
				ID string `json:"id"`
			} `json:"entities"`
		}
		if err := c.Do(ctx, gcruntime.NewRequest("GET", "/api/v2/users?"+q), &l); err != nil {
			t.Fatal(err)
		}
		for _, e := range l.Entities {
			ids = append(ids, e.ID)
		}
		return l.Total, ids
	}
	total, first := list("pageSize=10&pageNumber=1")
	if total != 30 || len(first) != 10 {
		t.Fatalf("total %d, page %d", total, len(first))
	}
	if err := c.Do(ctx, gcruntime.NewRequest("DELETE", "/api/v2/users/"+first[0]), nil); err != nil {
		t.Fatal(err)
	}
	total, again := list("pageSize=10&pageNumber=1")
	if total != 29 || again[0] != first[1] {
		t.Fatalf("after a delete: total %d, first %v", total, again)
	}
	_, last := list("pageSize=10&pageNumber=3")
	_, desc := list("pageSize=10&pageNumber=1&sortOrder=descending")
	if len(last) != 9 || desc[0] != last[len(last)-1] {
		t.Fatalf("last page %v, descending %v", last, desc)
	}
	if _, again2 := list("pageSize=10&pageNumber=1"); again2[0] != first[1] {
		t.Fatal("a descending listing changed the kept index")
	}
}
