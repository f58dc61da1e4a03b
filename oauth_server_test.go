package platformclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// tokenCall is one request the test login service received.
type tokenCall struct {
	Path          string
	Form          url.Values
	Authorization string
	ContentType   string
}

// testAuthServer is a local login service and API: /oauth/token issues
// tok-1, tok-2, … (with refresh tokens ref-1, ref-2, … when refresh is on),
// and /api/v2/users/me answers 200 to a valid token and 401 to others.
type testAuthServer struct {
	*httptest.Server
	expiresIn int  // expires_in of issued tokens
	refresh   bool // issue refresh tokens

	// tokenGate, when set, is called before a token is issued (to block or
	// fail the request); a non-nil error answers 500.
	tokenGate func(r *http.Request) error

	refuseAll atomic.Bool // the API refuses every token

	mu       sync.Mutex
	calls    []tokenCall
	valid    map[string]bool
	issued   int
	apiCalls int64
	tokens   atomic.Int64 // token requests received
}

func newTestAuthServer(t testing.TB) *testAuthServer {
	s := &testAuthServer{expiresIn: 3600, valid: map[string]bool{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *testAuthServer) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/oauth/token":
		s.serveToken(w, r)
	case "/api/v2/users/me":
		atomic.AddInt64(&s.apiCalls, 1)
		tok, ok := bearerHeader(r)
		s.mu.Lock()
		ok = ok && s.valid[tok] && !s.refuseAll.Load()
		s.mu.Unlock()
		if !ok {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Invalid login credentials.","code":"bad.credentials","status":401}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"me","name":"Test User"}`)
	default:
		http.NotFound(w, r)
	}
}

func bearerHeader(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if len(h) < 7 || h[:7] != "Bearer " {
		return "", false
	}
	return h[7:], true
}

func (s *testAuthServer) serveToken(w http.ResponseWriter, r *http.Request) {
	s.tokens.Add(1)
	if err := r.ParseForm(); err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.calls = append(s.calls, tokenCall{Path: r.URL.Path, Form: r.PostForm, Authorization: r.Header.Get("Authorization"),
		ContentType: r.Header.Get("Content-Type")})
	s.mu.Unlock()
	s.mu.Lock()
	gate := s.tokenGate
	s.mu.Unlock()
	if gate != nil {
		if err := gate(r); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	s.mu.Lock()
	s.issued++
	n := s.issued
	tok := fmt.Sprintf("tok-%d", n)
	s.valid[tok] = true
	s.mu.Unlock()
	body := map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": s.expiresIn}
	if s.refresh {
		body["refresh_token"] = fmt.Sprintf("ref-%d", n)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

// setGate sets tokenGate.
func (s *testAuthServer) setGate(f func(*http.Request) error) {
	s.mu.Lock()
	s.tokenGate = f
	s.mu.Unlock()
}

// revoke makes the API refuse tok.
func (s *testAuthServer) revoke(tok string) {
	s.mu.Lock()
	s.valid[tok] = false
	s.mu.Unlock()
}

// accept makes the API accept tok.
func (s *testAuthServer) accept(tok string) {
	s.mu.Lock()
	s.valid[tok] = true
	s.mu.Unlock()
}

func (s *testAuthServer) tokenCalls() []tokenCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]tokenCall(nil), s.calls...)
}

// client returns a client whose API and login are the test server.
func (s *testAuthServer) client(t testing.TB, opts ...Option) *Client {
	t.Helper()
	c, err := New(append([]Option{WithBaseURL(s.URL), WithLoginURL(s.URL), noRetries}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// getMe calls GET /api/v2/users/me.
func getMe(ctx context.Context, c *Client) error {
	var out struct {
		ID string `json:"id"`
	}
	if err := c.Do(ctx, runtime.NewRequest(http.MethodGet, "/api/v2/users/me"), &out); err != nil {
		return err
	}
	if out.ID != "me" {
		return fmt.Errorf("unexpected body id %q", out.ID)
	}
	return nil
}

// settableClock is a settable clock.
type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func newSettableClock() *settableClock {
	return &settableClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *settableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *settableClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// noRetries turns retries off, so that a test of a failure gets the first
// answer instead of waiting for the backoff.
var noRetries = WithRetryPolicy(RetryPolicy{RetryMax: -1})
