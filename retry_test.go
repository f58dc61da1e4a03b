package platformclient

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/purecloudgo/platformclient/runtime"
)

// fakeClock is virtual time that moves only when a call waits; it records
// every wait.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

// newFakeClock starts at the current second, so that HTTP dates computed
// from it are exact and the real clock is close by.
func newFakeClock() *fakeClock { return &fakeClock{now: time.Now().Truncate(time.Second)} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits = append(f.waits, d)
	f.now = f.now.Add(d)
	return nil
}

func (f *fakeClock) Waits() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.waits)
}

// checkLeaks fails the test if it leaves goroutines behind. Call it first:
// cleanups run last-in first-out, so the check runs after the server and the
// client's connections are closed.
func checkLeaks(t *testing.T) {
	t.Helper()
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
}

// newTestClient returns a client of srv with a fake clock and jitter 0.
func newTestClient(t *testing.T, srv *httptest.Server, opts ...Option) (*Client, *fakeClock) {
	t.Helper()
	fc := newFakeClock()
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	base := []Option{WithBaseURL(srv.URL), WithHTTPClient(&http.Client{Transport: tr}),
		WithAccessToken("test-token"), withClock(fc), withJitter(func() float64 { return 0 })}
	c, err := New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, fc
}

func newServer(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// writeError writes a Genesys-style error response.
func writeError(w http.ResponseWriter, status int, code string, n int) {
	cid := fmt.Sprintf("corr-%d", n)
	w.Header().Set("ININ-Correlation-Id", cid)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"message":"failure %d","code":%q,"status":%d,"contextId":%q}`, n, code, status, cid)
}

func writeOK(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"id":"ok"}`)
}

type okBody struct {
	ID string `json:"id"`
}

func get(t *testing.T, c *Client, opts ...CallOption) (okBody, Response, error) {
	t.Helper()
	var out okBody
	var r Response
	err := c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/things"), &out, append(opts, CaptureResponse(&r))...)
	return out, r, err
}

func asAPIError(t *testing.T, err error) *APIError {
	t.Helper()
	var e *APIError
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	return e
}

func TestRetry429RetryAfterSeconds(t *testing.T) {
	checkLeaks(t)
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			w.Header().Set("inin-ratelimit-count", "301")
			w.Header().Set("inin-ratelimit-allowed", "300")
			w.Header().Set("inin-ratelimit-reset", "7")
			writeError(w, 429, "too.many.requests", 1)
			return
		}
		writeOK(w)
	})
	var events []RetryEvent
	c, fc := newTestClient(t, srv, WithRetryPolicy(RetryPolicy{OnRetry: func(e RetryEvent) { events = append(events, e) }}))
	out, resp, err := get(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if out.ID != "ok" || resp.Attempts != 2 || n.Load() != 2 {
		t.Fatalf("out %+v, attempts %d, server saw %d", out, resp.Attempts, n.Load())
	}
	if got := fc.Waits(); !slices.Equal(got, []time.Duration{7 * time.Second}) {
		t.Fatalf("waits %v, want [7s]", got)
	}
	if len(events) != 1 || events[0].Attempt != 1 || events[0].Wait != 7*time.Second || events[0].Method != "GET" {
		t.Fatalf("events %+v", events)
	}
	e := asAPIError(t, events[0].Err)
	if e.StatusCode != 429 || e.RetryAfter != 7*time.Second || e.RateLimit == nil || e.RateLimit.Allowed != 300 || e.Attempts != 1 {
		t.Fatalf("cause %+v", e)
	}
}

func TestRetry429RetryAfterHTTPDate(t *testing.T) {
	checkLeaks(t)
	var n atomic.Int32
	var fc *fakeClock
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			w.Header().Set("Retry-After", fc.Now().Add(30*time.Second).UTC().Format(http.TimeFormat))
			writeError(w, 429, "too.many.requests", 1)
			return
		}
		writeOK(w)
	})
	c, fc := newTestClient(t, srv)
	if _, _, err := get(t, c); err != nil {
		t.Fatal(err)
	}
	if got := fc.Waits(); !slices.Equal(got, []time.Duration{30 * time.Second}) {
		t.Fatalf("waits %v, want [30s]", got)
	}
}

func TestRetry429AboveCapReturnsAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header func(now time.Time) string
		want   time.Duration
	}{
		{"seconds", func(time.Time) string { return "600" }, 600 * time.Second},
		{"http-date", func(now time.Time) string { return now.Add(10 * time.Minute).UTC().Format(http.TimeFormat) }, 600 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			var n atomic.Int32
			var fc *fakeClock
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1))
				w.Header().Set("Retry-After", tc.header(fc.Now()))
				w.Header().Set("inin-ratelimit-count", "5000")
				w.Header().Set("inin-ratelimit-allowed", "5000")
				w.Header().Set("inin-ratelimit-reset", "600")
				writeError(w, 429, "too.many.requests", i)
			})
			c, fc := newTestClient(t, srv)
			_, _, err := get(t, c)
			e := asAPIError(t, err)
			if n.Load() != 1 || len(fc.Waits()) != 0 {
				t.Fatalf("server saw %d attempts, waits %v; want 1 and none", n.Load(), fc.Waits())
			}
			// The error's RetryAfter is read against the real clock, a little
			// after the fake one for an HTTP date.
			if e.RetryAfter > tc.want || e.RetryAfter < tc.want-3*time.Second {
				t.Fatalf("RetryAfter %s, want about %s", e.RetryAfter, tc.want)
			}
			if !IsRateLimited(err) || e.Attempts != 1 || e.CorrelationID != "corr-1" || e.Body.Code != "too.many.requests" ||
				e.RateLimit == nil || e.RateLimit.Reset != 600*time.Second || RetryAfter(err) != e.RetryAfter {
				t.Fatalf("error %+v", e)
			}
			// A call that accepts longer waits first waits out the client's
			// hold (pacing), then retries.
			n.Store(0)
			_, _, err = get(t, c, CallRetryPolicy(RetryPolicy{MaxRetryAfter: time.Hour, MaxElapsed: time.Hour, RetryMax: 1}))
			if n.Load() != 2 || asAPIError(t, err).Attempts != 2 || len(fc.Waits()) != 2 || fc.Waits()[1] < tc.want-time.Second {
				t.Fatalf("with a larger cap: server saw %d, waits %v, err %v", n.Load(), fc.Waits(), err)
			}
		})
	}
}

func TestRetry429ExhaustedKeepsEverything(t *testing.T) {
	checkLeaks(t)
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1))
		w.Header().Set("Retry-After", "2")
		w.Header().Set("inin-ratelimit-count", "300")
		w.Header().Set("inin-ratelimit-allowed", "300")
		w.Header().Set("inin-ratelimit-reset", "2")
		writeError(w, 429, "too.many.requests", i)
	})
	c, fc := newTestClient(t, srv)
	_, _, err := get(t, c)
	e := asAPIError(t, err)
	if e.Attempts != 4 || n.Load() != 4 || Attempts(err) != 4 {
		t.Fatalf("attempts %d, server saw %d; want 4 (1 + RetryMax 3)", e.Attempts, n.Load())
	}
	if e.StatusCode != 429 || e.RetryAfter != 2*time.Second || e.CorrelationID != "corr-4" || e.Body.Message != "failure 4" ||
		e.RateLimit == nil || e.RateLimit.Count != 300 || !strings.Contains(string(e.RawBody), "failure 4") {
		t.Fatalf("last error lost data: %+v", e)
	}
	if !strings.Contains(e.Error(), "after 4 attempts") {
		t.Fatalf("message %q does not say the attempts", e.Error())
	}
	if got := fc.Waits(); !slices.Equal(got, []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second}) {
		t.Fatalf("waits %v", got)
	}
}

func TestRetry503BurstBackoff(t *testing.T) {
	for _, tc := range []struct {
		jitter float64
		want   []time.Duration
	}{
		{0, []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second}},
		{0.5, []time.Duration{1500 * time.Millisecond, 3 * time.Second, 6 * time.Second}},
	} {
		t.Run(fmt.Sprint(tc.jitter), func(t *testing.T) {
			checkLeaks(t)
			var n atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if i := int(n.Add(1)); i <= 3 {
					writeError(w, 503, "service.unavailable", i)
					return
				}
				writeOK(w)
			})
			c, fc := newTestClient(t, srv, withJitter(func() float64 { return tc.jitter }))
			_, resp, err := get(t, c)
			if err != nil || resp.Attempts != 4 {
				t.Fatalf("err %v, attempts %d", err, resp.Attempts)
			}
			if got := fc.Waits(); !slices.Equal(got, tc.want) {
				t.Fatalf("waits %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRetryStatuses(t *testing.T) {
	for _, tc := range []struct {
		status int
		want   int32 // attempts
	}{
		{502, 4}, {503, 4}, {504, 4}, {429, 4}, {500, 1}, {400, 1}, {404, 1}, {409, 1},
	} {
		t.Run(strconv.Itoa(tc.status), func(t *testing.T) {
			var n atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				writeError(w, tc.status, "x", int(n.Add(1)))
			})
			c, _ := newTestClient(t, srv)
			_, _, err := get(t, c)
			if e := asAPIError(t, err); n.Load() != tc.want || e.Attempts != int(tc.want) {
				t.Fatalf("server saw %d, error says %d, want %d", n.Load(), e.Attempts, tc.want)
			}
			if IsRetryable(err) != (tc.want > 1) {
				t.Fatalf("IsRetryable = %v", IsRetryable(err))
			}
		})
	}
}

func TestRetryNonIdempotentMethods(t *testing.T) {
	for _, tc := range []struct {
		name   string
		method string
		status int
		client []Option
		call   []CallOption
		want   int32
	}{
		{"POST 503 default", "POST", 503, nil, nil, 1},
		{"PATCH 502 default", "PATCH", 502, nil, nil, 1},
		{"POST 503 call opt-in", "POST", 503, nil, []CallOption{CallIdempotent()}, 4},
		{"POST 503 per-call policy", "POST", 503, nil, []CallOption{CallRetryPolicy(RetryPolicy{RetryNonIdempotent: true})}, 4},
		{"PATCH 504 client opt-in", "PATCH", 504, []Option{WithRetryPolicy(RetryPolicy{RetryNonIdempotent: true})}, nil, 4},
		{"POST 429 default", "POST", 429, nil, nil, 4},
		{"PUT 503 default", "PUT", 503, nil, nil, 4},
		{"DELETE 503 default", "DELETE", 503, nil, nil, 4},
		{"GET 503 no retry", "GET", 503, nil, []CallOption{CallNoRetry()}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method != tc.method {
					t.Errorf("method %s", r.Method)
				}
				writeError(w, tc.status, "x", int(n.Add(1)))
			})
			c, _ := newTestClient(t, srv, tc.client...)
			req := runtime.NewRequest(tc.method, "/api/v2/things")
			if tc.method != "DELETE" {
				req.Body = map[string]string{"name": "x"}
			}
			err := c.Do(context.Background(), req, nil, tc.call...)
			e := asAPIError(t, err)
			if n.Load() != tc.want || e.Attempts != int(tc.want) || e.StatusCode != tc.status {
				t.Fatalf("server saw %d attempts, error %d/%d; want %d", n.Load(), e.Attempts, e.StatusCode, tc.want)
			}
		})
	}
}

func TestRetryReplaysBodyByteIdentically(t *testing.T) {
	type item struct {
		Name  string   `json:"name"`
		Tags  []string `json:"tags"`
		Count int      `json:"count"`
	}
	for _, tc := range []struct {
		name  string
		build func() *runtime.Request
	}{
		{"json", func() *runtime.Request {
			r := runtime.NewRequest("POST", "/api/v2/things")
			r.Body = &item{Name: "replay é", Tags: []string{"a", "b"}, Count: 3}
			return r
		}},
		{"reader", func() *runtime.Request {
			r := runtime.NewRequest("POST", "/api/v2/things")
			r.Body = strings.NewReader(strings.Repeat("stream-once ", 1000))
			return r
		}},
		{"multipart", func() *runtime.Request {
			r := runtime.NewRequest("POST", "/api/v2/things")
			r.Form = map[string][]string{"field": {"v"}}
			r.Files = []runtime.FormFile{{Field: "file", File: File{Name: "a.bin", Content: bytes.NewReader(bytes.Repeat([]byte{0, 1, 2, 255}, 4096))}}}
			return r
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkLeaks(t)
			var mu sync.Mutex
			var sums []string
			var types []string
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				b, err := io.ReadAll(r.Body)
				if err != nil {
					t.Error(err)
				}
				if int64(len(b)) != r.ContentLength {
					t.Errorf("Content-Length %d, body %d bytes", r.ContentLength, len(b))
				}
				mu.Lock()
				sums = append(sums, fmt.Sprintf("%x", sha256.Sum256(b)))
				types = append(types, r.Header.Get("Content-Type"))
				i := len(sums)
				mu.Unlock()
				if i <= 2 {
					writeError(w, 503, "x", i)
					return
				}
				writeOK(w)
			})
			c, _ := newTestClient(t, srv)
			if err := c.Do(context.Background(), tc.build(), nil, CallIdempotent()); err != nil {
				t.Fatal(err)
			}
			if len(sums) != 3 {
				t.Fatalf("server saw %d attempts", len(sums))
			}
			for i := 1; i < 3; i++ {
				if sums[i] != sums[0] || types[i] != types[0] {
					t.Fatalf("attempt %d sent a different body: %s vs %s (%s vs %s)", i+1, sums[i], sums[0], types[i], types[0])
				}
			}
			if sums[0] == fmt.Sprintf("%x", sha256.Sum256(nil)) {
				t.Fatal("the body was empty")
			}
		})
	}
}

// cutResponse writes the start of a 200 response that promises 100 bytes,
// then resets the connection.
func cutResponse(t *testing.T, w http.ResponseWriter) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":\"trunc")
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // close with RST
	}
	conn.Close()
}

func TestRetryConnectionResetMidResponse(t *testing.T) {
	checkLeaks(t)
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			cutResponse(t, w)
			return
		}
		writeOK(w)
	})
	var causes []error
	c, fc := newTestClient(t, srv, WithRetryPolicy(RetryPolicy{OnRetry: func(e RetryEvent) { causes = append(causes, e.Err) }}))
	out, resp, err := get(t, c)
	if err != nil || out.ID != "ok" || resp.Attempts != 2 {
		t.Fatalf("err %v, out %+v, attempts %d", err, out, resp.Attempts)
	}
	var te *TransportError
	if len(causes) != 1 || !errors.As(causes[0], &te) || !IsRetryable(causes[0]) {
		t.Fatalf("causes %v", causes)
	}
	if got := fc.Waits(); len(got) != 1 || got[0] != time.Second {
		t.Fatalf("waits %v", got)
	}

	// A POST is not repeated: the server may have acted on it.
	n.Store(0)
	err = c.Do(context.Background(), runtime.NewRequest("POST", "/api/v2/things"), nil)
	if !errors.As(err, &te) || te.Attempts != 1 || n.Load() != 1 {
		t.Fatalf("POST: err %v (%T), server saw %d", err, err, n.Load())
	}
	// ... unless the caller says it may be.
	n.Store(0)
	if err := c.Do(context.Background(), runtime.NewRequest("POST", "/api/v2/things"), nil, CallIdempotent()); err != nil || n.Load() != 2 {
		t.Fatalf("POST with CallIdempotent: err %v, server saw %d", err, n.Load())
	}
}

func TestRetryConnectionRefusedAnyMethod(t *testing.T) {
	checkLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	fc := newFakeClock()
	c, err := New(WithBaseURL("http://"+addr), WithHTTPClient(&http.Client{Transport: tr}), withClock(fc),
		withJitter(func() float64 { return 0 }))
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(context.Background(), runtime.NewRequest("POST", "/api/v2/things"), nil)
	var te *TransportError
	if !errors.As(err, &te) || te.Attempts != 4 || !IsRetryable(err) {
		t.Fatalf("err %v (%T); want a *TransportError after 4 attempts", err, err)
	}
	if len(fc.Waits()) != 3 {
		t.Fatalf("waits %v", fc.Waits())
	}
}

// hangServer never answers until the request is cancelled or the test ends.
func hangServer(t *testing.T, fast func(n int32) bool) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if i := n.Add(1); fast != nil && fast(i) {
			writeOK(w)
			return
		}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) }) // runs before srv.Close
	return srv, &n
}

func TestSlowResponseAgainstDeadline(t *testing.T) {
	checkLeaks(t)
	srv, n := hangServer(t, nil)
	c, fc := newTestClient(t, srv)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := c.Do(ctx, runtime.NewRequest("GET", "/api/v2/things"), nil)
	if !errors.Is(err, context.DeadlineExceeded) || !IsTimeout(err) || IsRetryable(err) {
		t.Fatalf("err %v; want the context's deadline", err)
	}
	if n.Load() != 1 || len(fc.Waits()) != 0 {
		t.Fatalf("server saw %d attempts, waits %v: the caller's deadline must not be retried", n.Load(), fc.Waits())
	}

	// The client-wide default timeout does the same.
	c2, _ := newTestClient(t, srv, WithTimeout(50*time.Millisecond))
	if err := c2.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/things"), nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WithTimeout: err %v", err)
	}
}

func TestAttemptTimeoutRetries(t *testing.T) {
	checkLeaks(t)
	srv, n := hangServer(t, func(n int32) bool { return n >= 2 })
	var causes []error
	c, _ := newTestClient(t, srv, WithRetryPolicy(RetryPolicy{AttemptTimeout: 50 * time.Millisecond,
		OnRetry: func(e RetryEvent) { causes = append(causes, e.Err) }}))
	out, resp, err := get(t, c)
	if err != nil || out.ID != "ok" || resp.Attempts != 2 || n.Load() != 2 {
		t.Fatalf("err %v, attempts %d, server saw %d", err, resp.Attempts, n.Load())
	}
	if len(causes) != 1 || !IsTimeout(causes[0]) {
		t.Fatalf("causes %v", causes)
	}
	if avail, capacity := c.RetryTokens(); avail != capacity {
		t.Fatalf("budget %d/%d: a successful retry gives its tokens back", avail, capacity)
	}
}

func TestRetryWaitBeyondDeadlineReturnsAtOnce(t *testing.T) {
	checkLeaks(t)
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		writeError(w, 503, "x", int(n.Add(1)))
	})
	c, fc := newTestClient(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := c.Do(ctx, runtime.NewRequest("GET", "/api/v2/things"), nil)
	if e := asAPIError(t, err); e.StatusCode != 503 || e.RetryAfter != 30*time.Second || e.Attempts != 1 {
		t.Fatalf("error %+v", e)
	}
	if n.Load() != 1 || len(fc.Waits()) != 0 {
		t.Fatalf("server saw %d, waits %v", n.Load(), fc.Waits())
	}
}

func TestRetryMaxElapsed(t *testing.T) {
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeError(w, 503, "x", int(n.Add(1))) })
	c, fc := newTestClient(t, srv, WithRetryPolicy(RetryPolicy{RetryMax: 10, MaxElapsed: 5 * time.Second}))
	_, _, err := get(t, c)
	// Waits 1 s and 2 s fit in 5 s; the next one (4 s) would end at 7 s.
	if e := asAPIError(t, err); e.Attempts != 3 || n.Load() != 3 {
		t.Fatalf("attempts %d, server saw %d", e.Attempts, n.Load())
	}
	if got := fc.Waits(); !slices.Equal(got, []time.Duration{time.Second, 2 * time.Second}) {
		t.Fatalf("waits %v", got)
	}
}

func TestCancelStopsWaitingAtOnce(t *testing.T) {
	checkLeaks(t)
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		writeError(w, 429, "too.many.requests", int(n.Add(1)))
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	// The real clock: the wait is two minutes, and the cancel must end it.
	c, err := New(WithBaseURL(srv.URL), WithHTTPClient(&http.Client{Transport: tr}),
		WithRetryPolicy(RetryPolicy{OnRetry: func(RetryEvent) { go cancel() }}))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Do(ctx, runtime.NewRequest("GET", "/api/v2/things"), nil) }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second): // a safety net; the call ends in milliseconds
		t.Fatal("Do did not return after cancel")
	}
	if !errors.Is(err, context.Canceled) || IsRetryable(err) {
		t.Fatalf("err %v; want context.Canceled", err)
	}
	if e := asAPIError(t, err); e.StatusCode != 429 || e.RetryAfter != 120*time.Second {
		t.Fatalf("the last attempt's error is lost: %+v", e)
	}
	if avail, capacity := c.RetryTokens(); avail != capacity {
		t.Fatalf("budget %d/%d: a retry not made gives its tokens back", avail, capacity)
	}
}

func TestRetryBudget(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1))
		if failing.Load() {
			writeError(w, 503, "x", i)
			return
		}
		writeOK(w)
	})
	c, _ := newTestClient(t, srv, WithRetryBudget(RetryBudget{Capacity: 10, RetryCost: 5, SuccessRefund: 1}))
	_, _, err := get(t, c)
	if a := Attempts(err); a != 3 {
		t.Fatalf("first call: %d attempts; the budget allows 2 retries", a)
	}
	_, _, err = get(t, c)
	if a := Attempts(err); a != 1 {
		t.Fatalf("second call: %d attempts; the budget is empty", a)
	}
	if avail, _ := c.RetryTokens(); avail != 0 {
		t.Fatalf("tokens %d", avail)
	}
	failing.Store(false)
	for range 5 {
		if _, _, err := get(t, c); err != nil {
			t.Fatal(err)
		}
	}
	if avail, _ := c.RetryTokens(); avail != 5 {
		t.Fatalf("tokens %d after 5 successes; want 5", avail)
	}
	failing.Store(true)
	n.Store(0)
	_, _, err = get(t, c)
	if a := Attempts(err); a != 2 || n.Load() != 2 {
		t.Fatalf("after refill: %d attempts; want 2", a)
	}

	// Without a budget only the policy bounds retries.
	c2, _ := newTestClient(t, srv, WithRetryBudget(RetryBudget{Disabled: true}))
	for range 3 {
		if _, _, err := get(t, c2); Attempts(err) != 4 {
			t.Fatalf("no budget: %d attempts", Attempts(err))
		}
	}
}

func TestRateLimit(t *testing.T) {
	checkLeaks(t)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { writeOK(w) })
	c, fc := newTestClient(t, srv, WithRateLimit(10, 1))
	for range 5 {
		if _, _, err := get(t, c); err != nil {
			t.Fatal(err)
		}
	}
	want := slices.Repeat([]time.Duration{100 * time.Millisecond}, 4)
	if got := fc.Waits(); !slices.Equal(got, want) {
		t.Fatalf("waits %v, want %v", got, want)
	}

	// A turn that comes after the deadline fails at once.
	c2, fc2 := newTestClient(t, srv, WithRateLimit(0.001, 1))
	if _, _, err := get(t, c2); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := c2.Do(ctx, runtime.NewRequest("GET", "/api/v2/things"), nil)
	if !errors.Is(err, context.DeadlineExceeded) || len(fc2.Waits()) != 0 {
		t.Fatalf("err %v, waits %v", err, fc2.Waits())
	}
}

func TestRetryPolicyOptions(t *testing.T) {
	if _, err := New(WithRetryPolicy(RetryPolicy{RetryWaitMin: 5 * time.Second, RetryWaitMax: time.Second})); err == nil {
		t.Fatal("RetryWaitMin > RetryWaitMax accepted")
	}
	if _, err := New(WithRetryPolicy(RetryPolicy{RetryWaitMin: -1})); err == nil {
		t.Fatal("negative wait accepted")
	}
	d := DefaultRetryPolicy()
	if d.RetryMax != 3 || d.RetryWaitMin != time.Second || d.RetryWaitMax != 30*time.Second ||
		d.MaxElapsed != 5*time.Minute || d.MaxRetryAfter != 180*time.Second || d.RetryNonIdempotent {
		t.Fatalf("defaults %+v", d)
	}
	// A call overrides only the fields it sets.
	base := RetryPolicy{RetryMax: 5, RetryWaitMin: 2 * time.Second}
	got := base.merge(RetryPolicy{RetryWaitMax: time.Minute}).withDefaults()
	if got.RetryMax != 5 || got.RetryWaitMin != 2*time.Second || got.RetryWaitMax != time.Minute {
		t.Fatalf("merged %+v", got)
	}
}

func TestBackoffBounds(t *testing.T) {
	p := DefaultRetryPolicy()
	for n := 1; n <= 40; n++ {
		for _, r := range []float64{0, 0.25, 0.5, 0.999999} {
			d := p.backoff(n, r)
			if d < p.RetryWaitMin || d > p.RetryWaitMax {
				t.Fatalf("backoff(%d, %v) = %s outside [%s, %s]", n, r, d, p.RetryWaitMin, p.RetryWaitMax)
			}
		}
	}
	if p.backoff(10, 0) != 15*time.Second || p.backoff(10, 0.999999) < 29*time.Second {
		t.Fatalf("capped backoff: %s, %s", p.backoff(10, 0), p.backoff(10, 0.999999))
	}
}

func TestRetryHelpers(t *testing.T) {
	api := func(s int) error { return &APIError{StatusCode: s, RetryAfter: 3 * time.Second, Attempts: 2} }
	for _, tc := range []struct {
		err                 error
		retryable, server   bool
		timeout, ratelimted bool
	}{
		{api(429), true, false, false, true},
		{api(503), true, true, false, false},
		{api(500), false, true, false, false},
		{api(404), false, false, false, false},
		{fmt.Errorf("wrapped: %w", api(502)), true, true, false, false},
		{&TransportError{Err: io.ErrUnexpectedEOF}, true, false, false, false},
		{&TransportError{Err: fmt.Errorf("x: %w", errAttemptTimeout)}, true, false, true, false},
		{context.DeadlineExceeded, false, false, true, false},
		{context.Canceled, false, false, false, false},
		{nil, false, false, false, false},
	} {
		if IsRetryable(tc.err) != tc.retryable || IsServerError(tc.err) != tc.server ||
			IsTimeout(tc.err) != tc.timeout || IsRateLimited(tc.err) != tc.ratelimted {
			t.Errorf("%v: retryable %v server %v timeout %v", tc.err, IsRetryable(tc.err), IsServerError(tc.err), IsTimeout(tc.err))
		}
	}
	if RetryAfter(api(429)) != 3*time.Second || Attempts(api(429)) != 2 || RetryAfter(io.EOF) != 0 {
		t.Error("RetryAfter/Attempts")
	}
}
