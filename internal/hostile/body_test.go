package hostile_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/internal/hostile"
	"go.uber.org/goleak"
)

// A server that announces a large body and sends 10 bytes costs the client
// well under 1 MB: over the limit (256 MiB) the call fails at once as too
// large; under it (60 MiB), as a body cut short.
func TestLyingContentLength(t *testing.T) {
	for _, tc := range []struct {
		length int
		want   any
	}{
		{256 << 20, new(*platformclient.ResponseTooLargeError)},
		{60 << 20, new(*platformclient.TransportError)},
	} {
		t.Run(fmt.Sprint(tc.length), func(t *testing.T) {
			api := hostile.New(t, hostile.Raw(fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n{\"id\":\"u1\"", tc.length)))
			c := newClient(t, api, nil, withToken, platformclient.WithRetryPolicy(platformclient.RetryPolicy{RetryMax: -1}))
			u := users.NewClient(c)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			const calls = 5
			for range calls {
				got, err := u.GetUser(context.Background(), "u1", nil)
				if got != nil || !errors.As(err, tc.want) {
					t.Fatalf("user %+v, error %v, want %T", got, err, tc.want)
				}
			}
			runtime.ReadMemStats(&after)
			if per := (after.TotalAlloc - before.TotalAlloc) / calls; per > 1<<20 {
				t.Errorf("%d bytes allocated per call, want under 1 MiB", per)
			}
		})
	}
}

// A body larger than WithMaxResponseSize is a *ResponseTooLargeError, and
// not retried: announced (not read at all) or chunked (read up to the
// limit).
func TestResponseTooLarge(t *testing.T) {
	const limit = 64 << 10
	big := `{"id":"` + strings.Repeat("x", 2*limit) + `"}`
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
	}{
		{"announced", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			fmt.Fprint(w, big)
		}},
		{"chunked", func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < len(big); i += 1000 {
				fmt.Fprint(w, big[i:min(i+1000, len(big))])
				w.(http.Flusher).Flush()
			}
		}},
		{"error status", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, big)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := hostile.New(t, tc.h)
			c := newClient(t, api, nil, withToken, platformclient.WithMaxResponseSize(limit))
			_, err := users.NewClient(c).GetUser(context.Background(), "u1", nil)
			var tl *platformclient.ResponseTooLargeError
			if !errors.As(err, &tl) || tl.Limit != limit {
				t.Fatalf("error %v, want a *ResponseTooLargeError", err)
			}
			if !strings.Contains(err.Error(), "WithMaxResponseSize") {
				t.Errorf("message %q does not say how to raise the limit", err)
			}
			if api.Count() != 1 {
				t.Errorf("%d requests, want 1", api.Count())
			}
		})
	}
	if _, err := platformclient.New(platformclient.WithMaxResponseSize(0)); err == nil {
		t.Error("WithMaxResponseSize(0) accepted")
	}
}

// A body that drips a byte at a time is stopped by the caller's deadline,
// and no goroutine is left reading it.
func TestSlowDripBody(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // runs last, after the server's Close
	stop := make(chan struct{})
	api := hostile.New(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"`)
		for {
			select {
			case <-stop:
				return
			case <-r.Context().Done():
				return
			case <-time.After(20 * time.Millisecond):
				fmt.Fprint(w, "x")
				w.(http.Flusher).Flush()
			}
		}
	})
	defer close(stop)
	c := newClient(t, api, nil, withToken)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := users.NewClient(c).GetUser(ctx, "u1", nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want the deadline", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

// A response that ends in the middle of its JSON is a cut-off body whether
// its length says it is complete or the connection is cut before the
// announced length: a GET retries it and then fails with a *TransportError;
// never a user. A complete body that is not valid JSON is a *DecodeError.
func TestResponseEndsMidJSON(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.HandlerFunc
		want any
	}{
		{"complete but cut JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"u1","name":"Ev`)
		}, new(*platformclient.TransportError)},
		{"complete but invalid JSON", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"id":"u1","name":}`)
		}, new(*platformclient.DecodeError)},
		{"connection cut", hostile.Raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"id\":\"u1\",\"na"),
			new(*platformclient.TransportError)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := hostile.New(t, tc.h)
			u, err := users.NewClient(newClient(t, api, nil, withToken)).GetUser(context.Background(), "u1", nil)
			if u != nil {
				t.Fatalf("user %+v", u)
			}
			if !errors.As(err, tc.want) {
				t.Fatalf("error %v (%T), want %T", err, err, tc.want)
			}
		})
	}
}
