package platformclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// A caller's deadline that passes while the service works on a POST leaves
// the outcome unknown: the error matches both context.DeadlineExceeded and
// IsOutcomeUnknown. A GET cut short the same way, and a POST that never
// left (its deadline passed while it waited for its turn), stay plain
// context errors.
func TestOutcomeUnknownWhenTheContextEnds(t *testing.T) {
	checkLeaks(t)
	var got atomic.Int32
	release := make(chan struct{})
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		got.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		select { // the service is slow: the work is done, the answer late
		case <-release:
		case <-r.Context().Done():
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"id":"made"}`))
	})
	defer close(release)
	c, _ := newTestClient(t, srv)
	call := func(method string, d time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		req := runtime.NewRequest(method, "/api/v2/things")
		if method == http.MethodPost {
			req.Body = map[string]string{"name": "x"}
		}
		req.Operation = "things.Make"
		return c.Do(ctx, req, nil)
	}

	err := call(http.MethodPost, 100*time.Millisecond)
	var te *TransportError
	if !errors.Is(err, context.DeadlineExceeded) || !IsOutcomeUnknown(err) || !errors.As(err, &te) || got.Load() != 1 {
		t.Fatalf("POST past its deadline: %v (%T), outcome unknown %t, %d requests; want both, once", err, err, IsOutcomeUnknown(err), got.Load())
	}
	if !IsTimeout(err) || IsRetryable(err) || te.Operation != "things.Make" {
		t.Errorf("POST past its deadline: timeout %t, retryable %t, operation %q", IsTimeout(err), IsRetryable(err), te.Operation)
	}

	err = call(http.MethodGet, 100*time.Millisecond)
	if !errors.Is(err, context.DeadlineExceeded) || IsOutcomeUnknown(err) || errors.As(err, &te) {
		t.Errorf("GET past its deadline: %v (%T), want the context's error alone", err, err)
	}

	// Nothing sent: a cancelled context before the call.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req := runtime.NewRequest(http.MethodPost, "/api/v2/things")
	req.Body = map[string]string{"name": "x"}
	before := got.Load()
	if err := c.Do(ctx, req, nil); !errors.Is(err, context.Canceled) || IsOutcomeUnknown(err) || got.Load() != before {
		t.Errorf("POST with a cancelled context: %v, outcome unknown %t, %d requests sent", err, IsOutcomeUnknown(err), got.Load()-before)
	}
}
