package platformclient

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// loginServer is a token endpoint that gives answer(n) to request n (1 for
// the first) and counts the requests.
func loginServer(t *testing.T, answer func(n int32, w http.ResponseWriter)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/oauth/token" || r.Method != http.MethodPost {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		answer(calls.Add(1), w)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func writeToken(w http.ResponseWriter) {
	fmt.Fprint(w, `{"access_token":"tok","token_type":"bearer","expires_in":3600}`)
}

// refuseUntil answers status and body to the first refusals requests, then
// a token.
func refuseUntil(refusals int32, status int, body string) func(int32, http.ResponseWriter) {
	return func(n int32, w http.ResponseWriter) {
		if n <= refusals {
			w.WriteHeader(status)
			fmt.Fprint(w, body)
			return
		}
		writeToken(w)
	}
}

var clientCreds = ClientCredentials{ClientID: "id", ClientSecret: "secret-value"}

func TestLoginRetriesTheLoginRateLimit(t *testing.T) {
	body := `{"error":"invalid_request","error_description":"Rate limit exceeded; retry later"}`
	srv, calls := loginServer(t, refuseUntil(2, http.StatusBadRequest, body))
	clk := newFakeClock()
	c, err := New(WithBaseURL(srv.URL), WithLoginURL(srv.URL), withClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Authorize(context.Background(), clientCreds)
	if err != nil || tok.AccessToken != "tok" || calls.Load() != 3 {
		t.Fatalf("token %q, err %v, %d requests; want a token after 3", tok.AccessToken, err, calls.Load())
	}
	if w := clk.Waits(); len(w) != 2 {
		t.Fatalf("waits %v, want two backoffs", w)
	}
}

func TestLoginRetries503(t *testing.T) {
	srv, calls := loginServer(t, refuseUntil(2, http.StatusServiceUnavailable, `{"error":"unavailable"}`))
	c, err := New(WithBaseURL(srv.URL), WithLoginURL(srv.URL), withClock(newFakeClock()))
	if err != nil {
		t.Fatal(err)
	}
	if tok, err := c.Authorize(context.Background(), clientCreds); err != nil || tok.AccessToken != "tok" || calls.Load() != 3 {
		t.Fatalf("token %q, err %v, %d requests", tok.AccessToken, err, calls.Load())
	}
}

func TestLoginDoesNotRetryRefusals(t *testing.T) {
	for _, tc := range []struct {
		status     int
		body, code string
	}{
		{401, `{"error":"invalid_client","error_description":"bad client"}`, "invalid_client"},
		{400, `{"error":"invalid_grant","error_description":"rate limit exceeded"}`, "invalid_grant"},
		{400, `{"error":"invalid_request","error_description":"missing grant_type"}`, "invalid_request"},
		{403, `{"error":"access_denied"}`, "access_denied"},
	} {
		srv, calls := loginServer(t, refuseUntil(100, tc.status, tc.body))
		c, err := New(WithBaseURL(srv.URL), WithLoginURL(srv.URL), withClock(newFakeClock()))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Authorize(context.Background(), clientCreds)
		var ae *AuthError
		if !errors.As(err, &ae) || ae.Code != tc.code || ae.StatusCode != tc.status || calls.Load() != 1 {
			t.Errorf("%s: err %v after %d requests, want one request", tc.code, err, calls.Load())
		}
	}
}

// A connection reset after the request was sent: a client credentials
// login is sent again, a one-time code is not.
func TestLoginResetAfterSending(t *testing.T) {
	reset := func(n int32, w http.ResponseWriter) {
		if n == 1 {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		writeToken(w)
	}
	srv, calls := loginServer(t, reset)
	c, err := New(WithBaseURL(srv.URL), WithLoginURL(srv.URL), withClock(newFakeClock()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Authorize(context.Background(), clientCreds); err != nil || calls.Load() != 2 {
		t.Fatalf("client credentials: err %v after %d requests", err, calls.Load())
	}
	calls.Store(0)
	code := AuthorizationCode{ClientID: "id", ClientSecret: "s", Code: "one-time", RedirectURI: "https://app.example/cb"}
	_, err = c.Authorize(context.Background(), code)
	var ae *AuthError
	var te *TransportError
	if !errors.As(err, &ae) || !errors.As(err, &te) || calls.Load() != 1 {
		t.Fatalf("authorization code: err %v after %d requests, want one", err, calls.Load())
	}
}

func TestLoginBoundedByMaxElapsed(t *testing.T) {
	srv, calls := loginServer(t, func(_ int32, w http.ResponseWriter) {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":"too_many_requests"}`)
	})
	c, err := New(WithBaseURL(srv.URL), WithLoginURL(srv.URL),
		WithRetryPolicy(RetryPolicy{RetryMax: 50, MaxElapsed: 1500 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Authorize(context.Background(), clientCreds)
	took := time.Since(start)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("err %v", err)
	}
	if took > 3*time.Second || calls.Load() > 3 {
		t.Fatalf("login took %s and %d requests; MaxElapsed 1.5s should bound it", took, calls.Load())
	}
}

func TestLoginWaitCancelled(t *testing.T) {
	srv, _ := loginServer(t, func(_ int32, w http.ResponseWriter) {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"error":"too_many_requests"}`)
	})
	c, err := New(WithBaseURL(srv.URL), WithLoginURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(700*time.Millisecond, cancel)
	start := time.Now()
	_, err = c.Authorize(ctx, clientCreds)
	took := time.Since(start)
	var ae *AuthError
	if !errors.Is(err, context.Canceled) || !errors.As(err, &ae) || ae.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("err %v: want both context.Canceled and the 429 *AuthError", err)
	}
	if took > 1700*time.Millisecond {
		t.Fatalf("returned after %s, want within 1s of the cancel", took)
	}

	// A deadline that falls within the wait: the wait is not begun, the
	// 429 comes back at once.
	dctx, dcancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer dcancel()
	_, err = c.Authorize(dctx, clientCreds)
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("deadline: err %v", err)
	}
}

// retryWatcher is an Observer that keeps the events of the calls of one
// kind (token requests when kind is 0).
type retryWatcher struct {
	kind   CallKind
	mu     sync.Mutex
	events []CallEvent
	ends   []CallResult
}

func (r *retryWatcher) StartCall(ctx context.Context, info *CallInfo) (context.Context, CallObserver) {
	if want := cmp.Or(r.kind, KindToken); info.Kind != want {
		return ctx, nil
	}
	return ctx, r
}

func (r *retryWatcher) Event(e CallEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *retryWatcher) End(res CallResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ends = append(r.ends, res)
}

func TestLoginRetriesObserved(t *testing.T) {
	body := `{"error":"invalid_request","error_description":"rate limit exceeded; 4 per second"}`
	srv, _ := loginServer(t, func(n int32, w http.ResponseWriter) {
		switch n {
		case 1:
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(http.StatusTooManyRequests)
		case 2:
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, body)
		default:
			writeToken(w)
		}
	})
	var onRetry []RetryEvent
	obs := &retryWatcher{}
	c, err := New(WithBaseURL(srv.URL), WithLoginURL(srv.URL), withClock(newFakeClock()), WithObserver(obs),
		WithRetryPolicy(RetryPolicy{OnRetry: func(e RetryEvent) { onRetry = append(onRetry, e) }}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Authorize(context.Background(), clientCreds); err != nil {
		t.Fatal(err)
	}
	if len(onRetry) != 2 || onRetry[0].Attempt != 1 || onRetry[1].Attempt != 2 || onRetry[0].Method != "POST" {
		t.Fatalf("OnRetry saw %+v", onRetry)
	}
	var ae *AuthError
	if !errors.As(onRetry[1].Err, &ae) || ae.StatusCode != 400 {
		t.Fatalf("second cause %v", onRetry[1].Err)
	}
	if len(obs.events) != 2 || obs.events[0].Kind != EventRetryAfter || obs.events[0].StatusCode != 429 ||
		obs.events[1].Kind != EventRetry || obs.events[1].StatusCode != 400 {
		t.Fatalf("observer events %+v", obs.events)
	}
	if len(obs.ends) != 1 || obs.ends[0].Attempts != 3 || obs.ends[0].Err != nil || obs.ends[0].StatusCode != 200 {
		t.Fatalf("observer end %+v", obs.ends)
	}
}
