package platformclient_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/sim"
)

// slowSim is the simulator behind a proxy that delays every API answer by
// delay, counts the user listing's pages and fails page failPage (0: none)
// with a 400.
type slowSim struct {
	*sim.Server
	front    *httptest.Server
	pages    atomic.Int64
	inFlight atomic.Int64
	peak     atomic.Int64
}

func startSlowSim(t testing.TB, nUsers int, delay time.Duration, failPage int) *slowSim {
	t.Helper()
	s := sim.StartTest(t, sim.WithSeedUsers(nUsers), sim.WithRateLimit(1_000_000, time.Minute)) // latency, not the rate limit, binds here
	target, _ := url.Parse(s.URL())
	rp := httputil.NewSingleHostReverseProxy(target)
	ss := &slowSim{Server: s}
	ss.front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v2/users" {
			ss.pages.Add(1)
			n := ss.inFlight.Add(1)
			defer ss.inFlight.Add(-1)
			for p := ss.peak.Load(); n > p && !ss.peak.CompareAndSwap(p, n); p = ss.peak.Load() {
			}
			if pn, _ := strconv.Atoi(r.URL.Query().Get("pageNumber")); failPage > 0 && pn == failPage {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"status":400,"code":"bad.request","message":"no"}`)
				return
			}
		}
		if r.URL.Path != "/oauth/token" {
			time.Sleep(delay)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(ss.front.Close)
	return ss
}

func (s *slowSim) client(t testing.TB) *users.Client {
	c, err := platformclient.New(platformclient.WithBaseURL(s.front.URL), platformclient.WithLoginURL(s.front.URL),
		platformclient.WithGrant(s.Grant()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return users.NewClient(c)
}

func listIDs(t testing.TB, api *users.Client, opts ...platformclient.CallOption) ([]string, error) {
	var ids []string
	for u, err := range api.GetUsersItems(context.Background(), &users.GetUsersOptions{PageSize: platformclient.Ptr(100)}, opts...) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, *u.ID)
	}
	return ids, nil
}

// Prefetch yields the same items in the same order, fetching pages at
// once.
func TestPrefetchSameItemsInOrder(t *testing.T) {
	s := startSlowSim(t, 1000, 20*time.Millisecond, 0)
	api := s.client(t)
	t0 := time.Now()
	seq, err := listIDs(t, api)
	if err != nil {
		t.Fatal(err)
	}
	dSeq := time.Since(t0)
	s.peak.Store(0)
	t0 = time.Now()
	pre, err := listIDs(t, api, platformclient.Prefetch(8))
	if err != nil {
		t.Fatal(err)
	}
	dPre := time.Since(t0)
	t.Logf("1,000 users, 20 ms latency: sequential %s, Prefetch(8) %s, at most %d pages at once", dSeq, dPre, s.peak.Load())
	if len(seq) != 1000 || len(pre) != len(seq) {
		t.Fatalf("sequential %d items, prefetched %d", len(seq), len(pre))
	}
	for i := range seq {
		if seq[i] != pre[i] {
			t.Fatalf("item %d: %s prefetched, %s sequential", i, pre[i], seq[i])
		}
	}
	if p := s.peak.Load(); p < 2 || p > 8 {
		t.Errorf("at most %d pages in flight, want 2..8", p)
	}
}

// Breaking out of the loop stops the fetching: no more than the pages in
// flight are requested.
func TestPrefetchStopsWithTheLoop(t *testing.T) {
	s := startSlowSim(t, 5000, 10*time.Millisecond, 0)
	api := s.client(t)
	n := 0
	for _, err := range api.GetUsersItems(context.Background(), &users.GetUsersOptions{PageSize: platformclient.Ptr(100)}, platformclient.Prefetch(4)) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 150 {
			break
		}
	}
	time.Sleep(50 * time.Millisecond)
	if p := s.pages.Load(); p > 2+4 {
		t.Errorf("%d pages requested for 150 items with Prefetch(4), want at most 6", p)
	}
}

// An error on page 5 ends the iteration after the items of pages 1 to 4.
func TestPrefetchErrorAfterEarlierItems(t *testing.T) {
	s := startSlowSim(t, 1000, 5*time.Millisecond, 5)
	api := s.client(t)
	ids, err := listIDs(t, api, platformclient.Prefetch(8))
	if err == nil {
		t.Fatal("no error for a failed page")
	}
	if len(ids) != 400 {
		t.Errorf("%d items before the error, want the 400 of pages 1-4", len(ids))
	}
}

// BenchmarkPrefetch lists 10,000 users (pageSize 100) with 100 ms of
// latency per answer, one page at a time and eight at a time (the issue's
// figure: at least 6x faster).
func BenchmarkPrefetch(b *testing.B) {
	s := startSlowSim(b, 10000, 100*time.Millisecond, 0)
	api := s.client(b)
	for _, depth := range []int{1, 8} {
		b.Run("depth="+strconv.Itoa(depth), func(b *testing.B) {
			for b.Loop() {
				ids, err := listIDs(b, api, platformclient.Prefetch(depth))
				if err != nil || len(ids) != 10000 {
					b.Fatal(len(ids), err)
				}
			}
		})
	}
}
