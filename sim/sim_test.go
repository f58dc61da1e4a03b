package sim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	gcruntime "github.com/purecloudgo/platformclient/runtime"
	"github.com/purecloudgo/platformclient/sim"
)

// call sends a raw request with a valid token.
func call(t *testing.T, s *sim.Server, method, path, contentType, body string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, s.URL()+path, rd)
	req.Header.Set("Authorization", "Bearer "+s.AccessToken())
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func errorBody(t *testing.T, b []byte) platformclient.ErrorBody {
	t.Helper()
	var e platformclient.ErrorBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	return e
}

func TestRouting(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(3))
	resp, b := call(t, s, "GET", "/api/v2/no/such/thing", "", "")
	e := errorBody(t, b)
	if resp.StatusCode != 404 || e.Code != "not.found" || e.Status != 404 || e.ContextID != resp.Header.Get("ININ-Correlation-Id") {
		t.Fatalf("unknown route: %d %+v", resp.StatusCode, e)
	}
	if resp, _ := call(t, s, "PUT", "/api/v2/users", "application/json", "{}"); resp.StatusCode != 405 || resp.Header.Get("Allow") == "" {
		t.Fatalf("unsupported method: %d", resp.StatusCode)
	}
	// A literal segment wins over a variable: /users/me is getUsersMe, which
	// refuses a client-credentials token (no user context), where
	// /users/{userId} would answer 404.
	if _, b := call(t, s, "GET", "/api/v2/users/me", "", ""); !bytes.Contains(b, []byte(`requires a user context`)) {
		t.Fatalf("/users/me did not route to getUsersMe: %.200s", b)
	}
	// Templates that differ only by variable name: GET uses {messageIds},
	// PATCH and DELETE {messageId}.
	if resp, _ := call(t, s, "GET", "/api/v2/chats/rooms/r1/messages/m1,m2", "", ""); resp.StatusCode != 200 {
		t.Fatalf("GET with {messageIds}: %d", resp.StatusCode)
	}
	if resp, b := call(t, s, "DELETE", "/api/v2/chats/rooms/r1/messages/m1", "", ""); resp.StatusCode/100 != 2 {
		t.Fatalf("DELETE with {messageId}: %d %s", resp.StatusCode, b)
	}
	// An escaped slash stays inside its segment.
	if resp, b := call(t, s, "GET", "/api/v2/users/a%2Fb", "", ""); resp.StatusCode != 404 || !strings.Contains(string(b), "a/b") {
		t.Fatalf("escaped id: %d %s", resp.StatusCode, b)
	}
	// Public operations need no token.
	req, _ := http.NewRequest("GET", s.URL()+"/api/v2/users", nil)
	if r, _ := http.DefaultClient.Do(req); r.StatusCode != 401 {
		t.Fatalf("no token: %d", r.StatusCode)
	}
}

func TestValidation(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(3))
	home := ""
	{
		_, b := call(t, s, "GET", "/api/v2/authorization/divisions/home", "", "")
		var d struct{ ID string }
		_ = json.Unmarshal(b, &d)
		home = d.ID
	}
	cases := []struct {
		name, method, path, ct, body string
		status                       int
		field                        string
	}{
		{"required query", "GET", "/api/v2/groups/search", "", "", 400, "q64"},
		{"query enum", "GET", "/api/v2/users?state=zombie", "", "", 400, "state"},
		{"query integer", "GET", "/api/v2/users?pageSize=ten", "", "", 400, "pageSize"},
		{"query maximum", "GET", "/api/v2/journey/externalevents/configurations?pageSize=21", "", "", 400, "pageSize"},
		{"path pattern", "GET", "/api/v2/casemanagement/caseplans/not-a-uuid", "", "", 400, "caseplanId"},
		{"unknown member", "POST", "/api/v2/routing/skills", "application/json", `{"name":"x","bogus":1}`, 400, "bogus"},
		{"mistyped member", "POST", "/api/v2/routing/skills", "application/json", `{"name":5}`, 400, "name"},
		{"missing required member", "POST", "/api/v2/users", "application/json", `{"email":"x@example.com","divisionId":"` + home + `"}`, 400, "name"},
		{"enum member", "POST", "/api/v2/users", "application/json", `{"name":"x","email":"x@example.com","divisionId":"` + home + `","state":"zombie"}`, 400, "state"},
		{"nested enum member", "POST", "/api/v2/users", "application/json", `{"name":"x","email":"x@example.com","divisionId":"` + home + `","addresses":[{"address":"1","mediaType":"FAX"}]}`, 400, "addresses[0].mediaType"},
		{"unknown reference", "POST", "/api/v2/users", "application/json", `{"name":"x","email":"x@example.com","divisionId":"nope"}`, 400, "divisionId"},
		{"not JSON", "POST", "/api/v2/routing/skills", "application/json", `{"name":`, 400, "name"},
		{"missing body", "POST", "/api/v2/routing/skills", "application/json", ``, 400, "body"},
		{"wrong content type", "POST", "/api/v2/routing/skills", "text/plain", `name`, 415, ""},
		{"unknown entity", "GET", "/api/v2/routing/queues/0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978", "", "", 404, ""},
	}
	for _, tc := range cases {
		resp, b := call(t, s, tc.method, tc.path, tc.ct, tc.body)
		e := errorBody(t, b)
		if resp.StatusCode != tc.status || e.Status != tc.status {
			t.Errorf("%s: status %d, want %d: %s", tc.name, resp.StatusCode, tc.status, b)
			continue
		}
		if tc.field != "" && (len(e.Details) == 0 || e.Details[0].FieldName != tc.field || !strings.Contains(e.Message, tc.field)) {
			t.Errorf("%s: want field %q named in %s", tc.name, tc.field, b)
		}
	}
	// A valid create still works after all that.
	if resp, b := call(t, s, "POST", "/api/v2/routing/skills", "application/json", `{"name":"Valid"}`); resp.StatusCode != 200 {
		t.Fatalf("valid create: %d %s", resp.StatusCode, b)
	}
}

func TestDeterministicAnswers(t *testing.T) {
	a := sim.StartTest(t, sim.WithSeedUsers(10))
	b := sim.StartTest(t, sim.WithSeedUsers(10))
	for _, p := range []string{"/api/v2/analytics/conversations/details?id=x", "/api/v2/users?pageSize=5", "/api/v2/flows/f1"} {
		_, x := call(t, a, "GET", p, "", "")
		_, y := call(t, b, "GET", p, "", "")
		if !bytes.Equal(x, y) || len(x) < 10 {
			t.Errorf("%s differs between two simulators:\n%s\n%s", p, x, y)
		}
	}
	// A path that ends in an id answers with that id.
	_, x := call(t, a, "GET", "/api/v2/flows/my-flow-id", "", "")
	if !bytes.Contains(x, []byte(`"id":"my-flow-id"`)) {
		t.Errorf("id not echoed: %.200s", x)
	}
}

func TestTextAndHeadOperations(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	resp, b := call(t, s, "GET", "/api/v2/workforcemanagement/calendar/data/ics?calendarId=c1", "", "")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/calendar") || !strings.HasPrefix(string(b), "BEGIN:VCALENDAR") {
		t.Fatalf("ics: %d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	if resp, _ := call(t, s, "HEAD", "/api/v2/tokens/me", "", ""); resp.StatusCode != 200 {
		t.Fatalf("HEAD: %d", resp.StatusCode)
	}
}

func TestMountedHandler(t *testing.T) {
	s, err := sim.New(sim.WithSeedUsers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	c, _ := platformclient.New(platformclient.WithBaseURL(ts.URL), platformclient.WithAccessToken(s.AccessToken()))
	var out struct {
		Total int `json:"total"`
	}
	if err := c.Do(context.Background(), gcruntime.NewRequest("GET", "/api/v2/users"), &out); err != nil || out.Total != 2 {
		t.Fatalf("%v %+v", err, out)
	}
	if _, err := s.NewClient(); err == nil {
		t.Fatal("NewClient on an unstarted server")
	}
}

func TestLoggerKeepsSecretsOut(t *testing.T) {
	var buf bytes.Buffer
	var mu = make(chan struct{}, 1)
	mu <- struct{}{}
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithLogger(slog.New(slog.NewTextHandler(lockedWriter{&buf, mu}, nil))))
	tok := s.AccessToken()
	call(t, s, "GET", "/api/v2/users?pageSize=1", "", "")
	postToken(t, s, map[string][]string{"grant_type": {"client_credentials"}}, s.ClientID(), s.ClientSecret())
	<-mu
	log := buf.String()
	mu <- struct{}{}
	if !strings.Contains(log, "path=/api/v2/users") || !strings.Contains(log, "status=200") || !strings.Contains(log, "path=/oauth/token") {
		t.Fatalf("log lacks requests:\n%s", log)
	}
	for _, secret := range []string{tok[:12], s.ClientSecret(), "pageSize", "Bearer"} {
		if strings.Contains(log, secret) {
			t.Fatalf("log contains %q:\n%s", secret, log)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu chan struct{}
}

func (l lockedWriter) Write(p []byte) (int, error) {
	<-l.mu
	defer func() { l.mu <- struct{}{} }()
	return l.w.Write(p)
}

// TestCloseLeavesNothingRunning starts servers, uses them (a request stuck
// in a latency fault included) and checks that Close returns promptly and
// leaves no goroutine behind.
func TestCloseLeavesNothingRunning(t *testing.T) {
	before := runtime.NumGoroutine()
	for i := 0; i < 3; i++ {
		s, err := sim.Start(sim.WithSeedUsers(10), sim.WithFault("GET /api/v2/routing/queues", sim.Latency(time.Hour)))
		if err != nil {
			t.Fatal(err)
		}
		tr := &http.Transport{}
		c, _ := s.NewClient(platformclient.WithHTTPClient(&http.Client{Transport: tr}),
			platformclient.WithRetryPolicy(platformclient.RetryPolicy{RetryMax: -1}))
		if err := getUsers(c); err != nil {
			t.Fatal(err)
		}
		stuck := make(chan error, 1)
		go func() {
			stuck <- c.Do(context.Background(), gcruntime.NewRequest("GET", "/api/v2/routing/queues"), nil)
		}()
		time.Sleep(20 * time.Millisecond) // let the request reach the latency fault
		closed := make(chan error, 1)
		go func() { closed <- s.Close() }()
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatal("Close blocked on a request in a latency fault")
		}
		if err := <-stuck; err == nil {
			t.Fatal("request in flight at Close succeeded")
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		tr.CloseIdleConnections()
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines before, %d after Close:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
