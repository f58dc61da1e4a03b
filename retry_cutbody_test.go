package platformclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/purecloudgo/platformclient/runtime"
)

// A cut is one way of ending a 2xx body early.
type cut struct {
	name string
	// write answers with a body that ends early.
	write func(t *testing.T, w http.ResponseWriter)
}

// hijacked writes raw on the connection and closes it (with a reset when
// rst is set).
func hijacked(t *testing.T, w http.ResponseWriter, raw string, rst bool) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		t.Error(err)
		return
	}
	buf.WriteString(raw)
	buf.Flush()
	if tc, ok := conn.(*net.TCPConn); ok && rst {
		tc.SetLinger(0)
	}
	conn.Close()
}

var cuts = []cut{
	{"closed mid-body", func(t *testing.T, w http.ResponseWriter) {
		hijacked(t, w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"id\":\"o", false)
	}},
	{"reset mid-body", func(t *testing.T, w http.ResponseWriter) {
		hijacked(t, w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"id\":\"o", true)
	}},
	{"Content-Length lies", func(t *testing.T, w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "64")
		io.WriteString(w, `{"id":"ok"}`) // the server closes the connection short of 64
	}},
	{"chunked, cut mid-chunk", func(t *testing.T, w http.ResponseWriter) {
		hijacked(t, w, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n{\"id\":\"o", false)
	}},
	{"chunked, JSON ends early", func(t *testing.T, w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"o`)
		http.NewResponseController(w).Flush() // chunked, and complete: only the JSON is cut
	}},
}

// cutServer cuts the body of the first bad answers, then answers {"id":"ok"}.
func cutServer(t *testing.T, c cut, bad int32) (*atomic.Int32, func(http.ResponseWriter, *http.Request)) {
	var n atomic.Int32
	return &n, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= bad {
			c.write(t, w)
			return
		}
		writeOK(w)
	}
}

// lineCounter is a slog.Handler that counts log lines.
type lineCounter struct{ n atomic.Int32 }

func (h *lineCounter) Enabled(context.Context, slog.Level) bool  { return true }
func (h *lineCounter) Handle(context.Context, slog.Record) error { h.n.Add(1); return nil }
func (h *lineCounter) WithAttrs([]slog.Attr) slog.Handler        { return h }
func (h *lineCounter) WithGroup(string) slog.Handler             { return h }

func TestCutBodyRetriedForReads(t *testing.T) {
	for _, cb := range cuts {
		t.Run(cb.name, func(t *testing.T) {
			n, h := cutServer(t, cb, 2)
			srv := newServer(t, h)
			obs := &retryWatcher{kind: KindAPI}
			logs := &lineCounter{}
			var onRetry []RetryEvent
			c, fc := newTestClient(t, srv, WithObserver(obs), WithLogHandler(logs), WithLogLevel(LogDebug),
				WithRetryPolicy(RetryPolicy{OnRetry: func(e RetryEvent) { onRetry = append(onRetry, e) }}))
			out, resp, err := get(t, c)
			if err != nil || out.ID != "ok" || n.Load() != 3 || resp.Attempts != 3 {
				t.Fatalf("err %v, out %+v, %d requests, %d attempts; want ok after 3", err, out, n.Load(), resp.Attempts)
			}
			if len(onRetry) != 2 || !IsRetryable(onRetry[0].Err) || len(fc.Waits()) != 2 {
				t.Fatalf("OnRetry %v, waits %v", onRetry, fc.Waits())
			}
			var te *TransportError
			if !errors.As(onRetry[0].Err, &te) || te.OutcomeUnknown {
				t.Fatalf("cause %#v", onRetry[0].Err)
			}
			if len(obs.events) != 2 || len(obs.ends) != 1 || obs.ends[0].Attempts != 3 {
				t.Fatalf("observer: events %+v, ends %+v", obs.events, obs.ends)
			}
			if logs.n.Load() != 3 {
				t.Fatalf("%d log lines, want one per attempt (3)", logs.n.Load())
			}
		})
	}
}

func TestCutBodyWithinPolicy(t *testing.T) {
	cb := cuts[len(cuts)-1]
	n, h := cutServer(t, cb, 100)
	c, _ := newTestClient(t, newServer(t, h), WithRetryPolicy(RetryPolicy{RetryMax: 1}))
	_, _, err := get(t, c)
	var te *TransportError
	if !errors.As(err, &te) || !errors.Is(err, errBodyCut) || te.Attempts != 2 || n.Load() != 2 {
		t.Fatalf("err %v (%T), %d requests; want a cut-body *TransportError after 2", err, err, n.Load())
	}
	var de *DecodeError
	if errors.As(err, &de) || IsOutcomeUnknown(err) {
		t.Fatalf("a cut GET is no *DecodeError, and its outcome is no question: %v", err)
	}

	// The budget bounds them too.
	n.Store(0)
	c, _ = newTestClient(t, newServer(t, h), WithRetryBudget(RetryBudget{Capacity: 5, RetryCost: 5, SuccessRefund: 1}))
	get(t, c)
	get(t, c)
	if n.Load() != 3 {
		t.Fatalf("%d requests with a budget of one retry, want 3", n.Load())
	}
}

func TestCompleteBadJSONNotRetried(t *testing.T) {
	for _, body := range []string{`{"id":"ok"} trailing`, `<html>oops</html>`, `{"id":42}`} {
		var n atomic.Int32
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, body)
		})
		c, _ := newTestClient(t, srv)
		_, _, err := get(t, c)
		var de *DecodeError
		if !errors.As(err, &de) || n.Load() != 1 || IsOutcomeUnknown(err) {
			t.Errorf("%s: err %v (%T) after %d requests; want a *DecodeError after 1", body, err, err, n.Load())
		}
	}
}

// A DELETE whose body is discarded succeeds on its 2xx status, however the
// body ends: sending it again would find nothing to delete.
func TestCutBodyDiscarded(t *testing.T) {
	n, h := cutServer(t, cuts[0], 100)
	c, _ := newTestClient(t, newServer(t, h))
	if err := c.Do(context.Background(), runtime.NewRequest("DELETE", "/api/v2/things/1"), nil); err != nil || n.Load() != 1 {
		t.Fatalf("err %v after %d requests", err, n.Load())
	}
}

func TestOutcomeUnknown(t *testing.T) {
	post := func(c *Client, out any, opts ...CallOption) error {
		req := runtime.NewRequest("POST", "/api/v2/things")
		req.Body = map[string]string{"name": "x"}
		return c.Do(context.Background(), req, out, opts...)
	}
	for _, cb := range cuts {
		n, h := cutServer(t, cb, 100)
		c, _ := newTestClient(t, newServer(t, h))
		var out okBody
		err := post(c, &out)
		var te *TransportError
		if !IsOutcomeUnknown(err) || !errors.As(err, &te) || !te.OutcomeUnknown || n.Load() != 1 {
			t.Errorf("POST, %s: err %v after %d requests; want outcome unknown after 1", cb.name, err, n.Load())
		}
	}

	// A reset before any status: unknown as well, for POST and PATCH.
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.Copy(io.Discard, r.Body)
		hijacked(t, w, "", true)
	})
	c, _ := newTestClient(t, srv)
	if err := post(c, nil); !IsOutcomeUnknown(err) || n.Load() != 1 {
		t.Errorf("POST reset: %v after %d", err, n.Load())
	}
	err := c.Do(context.Background(), runtime.NewRequest("PATCH", "/api/v2/things/1"), nil)
	if !IsOutcomeUnknown(err) || !strings.Contains(err.Error(), "PATCH") {
		t.Errorf("PATCH reset: %v", err)
	}
	// A GET is retried and its outcome is no question.
	if _, _, err := get(t, c); err == nil || IsOutcomeUnknown(err) {
		t.Errorf("GET reset: %v", err)
	}
	// A POST marked idempotent is retried; its last failure is still unknown.
	n.Store(0)
	if err := post(c, nil, CallIdempotent()); !IsOutcomeUnknown(err) || n.Load() != 4 {
		t.Errorf("idempotent POST: %v after %d", err, n.Load())
	}

	// An HTTP error status is known: not applied.
	srv = newServer(t, func(w http.ResponseWriter, r *http.Request) { writeError(w, 503, "unavailable", 1) })
	c, _ = newTestClient(t, srv)
	if err := post(c, nil); err == nil || IsOutcomeUnknown(err) {
		t.Errorf("POST 503: %v", err)
	}

	// Nothing was sent: a connection that could not be opened.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	closed, err := New(WithBaseURL("http://"+addr), WithAccessToken("t"), withClock(newFakeClock()))
	if err != nil {
		t.Fatal(err)
	}
	err = post(closed, nil)
	var te *TransportError
	if !errors.As(err, &te) || IsOutcomeUnknown(err) {
		t.Errorf("POST, connection refused: %v (%T) outcome unknown %v", err, err, IsOutcomeUnknown(err))
	}
	if IsOutcomeUnknown(nil) || IsOutcomeUnknown(errors.New("x")) || IsOutcomeUnknown(fmt.Errorf("w: %w", &TransportError{})) {
		t.Error("IsOutcomeUnknown of other errors")
	}
}

// A DELETE retried after an attempt that may have deleted the object, and
// answered 404, has what it asked for: the object is gone.
func TestDeleteGoneAfterRetry(t *testing.T) {
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			hijacked(t, w, "", true) // deleted, then the connection broke
			return
		}
		writeError(w, http.StatusNotFound, "not.found", int(n.Load()))
	})
	c, _ := newTestClient(t, srv)
	var r Response
	if err := c.Do(context.Background(), runtime.NewRequest("DELETE", "/api/v2/things/1"), nil, CaptureResponse(&r)); err != nil || n.Load() != 2 || r.Attempts != 2 {
		t.Fatalf("err %v after %d requests", err, n.Load())
	}
	// Without a doubtful attempt before it, a 404 is a 404.
	if err := c.Do(context.Background(), runtime.NewRequest("DELETE", "/api/v2/things/1"), nil); !IsNotFound(err) {
		t.Fatalf("plain 404: %v", err)
	}
	// And a GET is not a DELETE.
	n.Store(0)
	if _, _, err := get(t, c); !IsNotFound(err) || n.Load() != 2 {
		t.Fatalf("GET after a reset: %v after %d", err, n.Load())
	}
}
