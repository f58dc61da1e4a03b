package sim_test

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	gcruntime "github.com/purecloudgo/platformclient/runtime"
	"github.com/purecloudgo/platformclient/sim"
)

// BenchmarkStart measures how long a simulator with the default seed (1,000
// users) takes to start listening, and to close.
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		s, err := sim.Start()
		if err != nil {
			b.Fatal(err)
		}
		_ = s.Close()
	}
}

// benchRequests serves one request path in parallel over loopback and
// reports requests per second. The client keeps the raw body (no decoding),
// so the figure is mostly the simulator's.
func benchRequests(b *testing.B, method, path string) {
	s, err := sim.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	c, err := s.NewClient(platformclient.WithHTTPClient(&http.Client{Transport: tr}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var raw []byte
	if err := c.Do(ctx, gcruntime.NewRequest(method, path), &raw); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var body []byte
		for pb.Next() {
			if err := c.Do(ctx, gcruntime.NewRequest(method, path), &body); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkServeGetUser is one stateful entity: GET /api/v2/users/{userId}
// (the id is the first seeded user's, the same for every seed-1 simulator).
func BenchmarkServeGetUser(b *testing.B) {
	s, err := sim.Start(sim.WithSeedUsers(1))
	if err != nil {
		b.Fatal(err)
	}
	c, _ := s.NewClient()
	var l struct {
		Entities []struct {
			ID string `json:"id"`
		} `json:"entities"`
	}
	err = c.Do(context.Background(), gcruntime.NewRequest("GET", "/api/v2/users"), &l)
	s.Close()
	if err != nil || len(l.Entities) == 0 {
		b.Fatal(err)
	}
	benchRequests(b, "GET", "/api/v2/users/"+l.Entities[0].ID)
}

// BenchmarkServeListUsers is a page of 25 users.
func BenchmarkServeListUsers(b *testing.B) {
	benchRequests(b, "GET", "/api/v2/users?pageSize=25")
}

// BenchmarkServeGeneric is an operation without state, whose answer the
// simulator builds from its model (GET /api/v2/flows/{flowId}).
func BenchmarkServeGeneric(b *testing.B) {
	benchRequests(b, "GET", "/api/v2/flows/f1")
}

// BenchmarkServeUnauthorized is the cheapest answer: a 401 Genesys error
// body for a request without a token.
func BenchmarkServeUnauthorized(b *testing.B) {
	s, err := sim.Start(sim.WithSeedUsers(1))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := hc.Get(s.URL() + "/api/v2/users")
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkServeListUsersExpand is a page of 25 users with presence,
// routing status and groups expanded from the simulator's state.
func BenchmarkServeListUsersExpand(b *testing.B) {
	benchRequests(b, "GET", "/api/v2/users?pageSize=25&expand=presence,routingStatus,groups")
}

// BenchmarkSeedMemory reports the heap a simulator holds with 10,000
// seeded users (and what scales with them: 10,000 external contacts, 200
// groups and 200 queues with their members), after a garbage collection.
func BenchmarkSeedMemory(b *testing.B) {
	benchHeap(b, sim.WithSeedUsers(10000))
}

// benchHeap builds simulators with opts and reports the heap one holds,
// after a garbage collection.
func benchHeap(b *testing.B, opts ...sim.Option) {
	var before, after runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := sim.New(opts...)
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(s)
		_ = s.Close()
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "heap-MiB")
}
