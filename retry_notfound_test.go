package platformclient

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// notFoundServer answers 404 to the first misses requests, then the object.
func notFoundServer(t *testing.T, misses int32) (*atomic.Int32, *Client, *fakeClock) {
	var n atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= misses {
			writeError(w, http.StatusNotFound, "not.found", int(n.Load()))
			return
		}
		writeOK(w)
	})
	c, fc := newTestClient(t, srv)
	return &n, c, fc
}

func TestRetryNotFound(t *testing.T) {
	n, c, fc := notFoundServer(t, 2)
	out, resp, err := get(t, c, RetryNotFound(30*time.Second))
	if err != nil || out.ID != "ok" || n.Load() != 3 || resp.Attempts != 3 || len(fc.Waits()) != 2 {
		t.Fatalf("err %v, out %+v, %d requests, waits %v; want the object after 3", err, out, n.Load(), fc.Waits())
	}

	// Off by default: a 404 is returned at once.
	n, c, _ = notFoundServer(t, 2)
	if _, _, err := get(t, c); !IsNotFound(err) || n.Load() != 1 {
		t.Fatalf("without RetryNotFound: %v after %d requests", err, n.Load())
	}
	// RetryNotFound(0) leaves it off.
	if _, _, err := get(t, c, RetryNotFound(0)); !IsNotFound(err) || n.Load() != 2 {
		t.Fatalf("RetryNotFound(0): %v after %d requests", err, n.Load())
	}
}

func TestRetryNotFoundBounded(t *testing.T) {
	n, c, fc := notFoundServer(t, 1<<30)
	start := fc.Now()
	_, _, err := get(t, c, RetryNotFound(10*time.Second))
	elapsed := fc.Now().Sub(start)
	if !IsNotFound(err) || Attempts(err) != int(n.Load()) {
		t.Fatalf("err %v after %d requests", err, n.Load())
	}
	// Backoff 1, 2, 4 s, then the rest of the 10 s for a last look: more
	// tries than RetryMax (3) allows, none after the bound.
	if elapsed > 10*time.Second || elapsed < 9*time.Second || n.Load() < 5 || n.Load() > 6 {
		t.Fatalf("%d requests over %s (waits %v); want 5 or 6 within 10s", n.Load(), elapsed, fc.Waits())
	}
	// The context bounds it too, and no budget is spent.
	avail, _ := c.RetryTokens()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	var out okBody
	err = c.Do(ctx, runtime.NewRequest("GET", "/api/v2/things"), &out, RetryNotFound(time.Minute))
	if !IsNotFound(err) {
		t.Fatalf("err %v", err)
	}
	if now, _ := c.RetryTokens(); now < avail {
		t.Fatalf("404 retries took budget: %d → %d", avail, now)
	}
}
