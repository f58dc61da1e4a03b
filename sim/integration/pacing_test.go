package integration

import (
	"context"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/sim"
)

// The limit of the bulk runs: 100 requests per 2 s window per token, 50 a
// second, as issue 12 measured.
const (
	bulkAllowed = 100
	bulkWindow  = 2 * time.Second
	bulkWorkers = 64
)

// statusCounter counts the answers of API requests by status.
type statusCounter struct {
	next            http.RoundTripper
	answers, tooMny atomic.Int64
}

func (s *statusCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := s.next.RoundTrip(r)
	if err == nil && r.URL.Path != "/oauth/token" {
		s.answers.Add(1)
		if resp.StatusCode == http.StatusTooManyRequests {
			s.tooMny.Add(1)
		}
	}
	return resp, err
}

// bulkFigures is what a bulk run did.
type bulkFigures struct {
	ok, failed       int64         // calls
	inTime           int64         // successful calls that ended within the run's duration
	answers, limited int64         // API answers, and those that were 429
	duration         time.Duration // how long the workers started calls
	elapsed          time.Duration // from the first call to the last answer
}

// rate is the successful calls per second of the run's duration: calls
// still waiting for their turn when it ends finish afterwards and count
// for success, not for the rate.
func (f bulkFigures) rate() float64 { return float64(f.inTime) / f.duration.Seconds() }

// limitedShare is the share of answers that were 429, in percent.
func (f bulkFigures) limitedShare() float64 {
	if f.answers == 0 {
		return 0
	}
	return 100 * float64(f.limited) / float64(f.answers)
}

// newBulkClient starts a rate-limited simulator and returns a client of
// it whose answers are counted.
func newBulkClient(t testing.TB, opts ...platformclient.Option) (*platformclient.Client, *statusCounter, string) {
	t.Helper()
	s := sim.StartTest(t, sim.WithSeedUsers(10), sim.WithRateLimit(bulkAllowed, bulkWindow))
	tr := &http.Transport{MaxIdleConnsPerHost: bulkWorkers}
	t.Cleanup(tr.CloseIdleConnections)
	sc := &statusCounter{next: tr}
	c, err := s.NewClient(append([]platformclient.Option{platformclient.WithHTTPClient(&http.Client{Transport: sc})}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c, sc, s.UserIDs()[0]
}

// runBulk has bulkWorkers goroutines call GetUser in a loop until stop
// returns true, and counts the outcomes. A call still waiting for its turn
// when stop turns true finishes afterwards: with d > 0 (a run of that
// duration) it counts for success, not for the rate.
func runBulk(c *platformclient.Client, sc *statusCounter, id string, stop func() bool, d time.Duration) bulkFigures {
	api := users.NewClient(c)
	var ok, inTime, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	end := start.Add(d)
	for range bulkWorkers {
		wg.Go(func() {
			for !stop() {
				if _, err := api.GetUser(context.Background(), id, nil); err != nil {
					failed.Add(1)
					continue
				}
				ok.Add(1)
				if d <= 0 || !time.Now().After(end) {
					inTime.Add(1)
				}
			}
		})
	}
	wg.Wait()
	f := bulkFigures{ok: ok.Load(), inTime: inTime.Load(), failed: failed.Load(), answers: sc.answers.Load(),
		limited: sc.tooMny.Load(), duration: d, elapsed: time.Since(start)}
	if d <= 0 {
		f.duration = f.elapsed
	}
	return f
}

// forDuration returns a stop function that turns true after d.
func forDuration(d time.Duration) func() bool {
	end := time.Now().Add(d)
	return func() bool { return time.Now().After(end) }
}

// TestBulkPaced is the run of issue 12 with pacing on (the default): 64
// goroutines share one client for 10 s against 100 requests per 2 s. They
// reach at least 90 % of the allowed rate, with at most 1 % of the answers
// 429 and every call succeeding.
func TestBulkPaced(t *testing.T) {
	if testing.Short() {
		t.Skip("a 10 s load run")
	}
	c, sc, id := newBulkClient(t)
	f := runBulk(c, sc, id, forDuration(10*time.Second), 10*time.Second)
	allowed := float64(bulkAllowed) / bulkWindow.Seconds()
	t.Logf("pacing on: %d calls succeeded (%d within %s), %d failed, last answer after %s; %d answers, %d were 429 (%.2f%%); %.1f calls/s = %.1f%% of the allowed %.0f/s; state %+v",
		f.ok, f.inTime, f.duration, f.failed, f.elapsed.Round(time.Millisecond), f.answers, f.limited, f.limitedShare(), f.rate(), 100*f.rate()/allowed, allowed, c.RateLimitState())
	if f.failed != 0 {
		t.Errorf("%d calls failed", f.failed)
	}
	if f.rate() < 0.9*allowed {
		t.Errorf("%.1f calls/s, below 90%% of the allowed %.0f/s", f.rate(), allowed)
	}
	if f.limitedShare() > 1 {
		t.Errorf("%.2f%% of the answers were 429, above 1%%", f.limitedShare())
	}
	if s := c.RateLimitState(); s.Allowed != bulkAllowed || s.Window != bulkWindow || !s.Paced {
		t.Errorf("learnt %+v, want %d per %s", s, bulkAllowed, bulkWindow)
	}
}

// TestBulkUnpaced is the same run with pacing off, for comparison. It
// hammers the simulator at full speed for 10 s, so it runs only with
// PLATFORMCLIENT_LOAD=1.
func TestBulkUnpaced(t *testing.T) {
	if os.Getenv("PLATFORMCLIENT_LOAD") == "" {
		t.Skip("set PLATFORMCLIENT_LOAD=1 to run the 10 s comparison without pacing")
	}
	c, sc, id := newBulkClient(t, platformclient.WithPacing(platformclient.Pacing{Disabled: true}))
	f := runBulk(c, sc, id, forDuration(10*time.Second), 10*time.Second)
	allowed := float64(bulkAllowed) / bulkWindow.Seconds()
	t.Logf("pacing off: %d calls succeeded, %d failed in %s; %d answers, %d were 429 (%.2f%%); %.1f calls/s = %.1f%% of the allowed %.0f/s",
		f.ok, f.failed, f.elapsed.Round(time.Millisecond), f.answers, f.limited, f.limitedShare(), f.rate(), 100*f.rate()/allowed, allowed)
}

// BenchmarkBulk makes b.N GetUser calls from 64 goroutines sharing one
// client against 100 requests per 2 s, with pacing on and off. Its figures
// are calls/s (successful), 429% (of the answers) and failed/op. Run it
// with a fixed count, e.g. -benchtime=500x: the allowance, not the
// machine, sets the speed.
func BenchmarkBulk(b *testing.B) {
	for _, tc := range []struct {
		name string
		opts []platformclient.Option
	}{
		{"paced", nil},
		{"unpaced", []platformclient.Option{platformclient.WithPacing(platformclient.Pacing{Disabled: true})}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			c, sc, id := newBulkClient(b, tc.opts...)
			var left atomic.Int64
			left.Store(int64(b.N))
			b.ResetTimer()
			f := runBulk(c, sc, id, func() bool { return left.Add(-1) < 0 }, 0)
			b.StopTimer()
			b.ReportMetric(f.rate(), "calls/s")
			b.ReportMetric(f.limitedShare(), "429%")
			b.ReportMetric(float64(f.failed)/float64(b.N), "failed/op")
		})
	}
}
