package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/sim"
)

// The simulator of BenchmarkUsersItems runs in a child process (this test
// binary, running TestPagingSimulator), so that the benchmark's heap is
// the client's alone.
const (
	simUsersEnv  = "PLATFORMCLIENT_BENCH_SIM_USERS"
	simID, simPW = "bench-client", "bench-secret"
)

// TestPagingSimulator is the child process of BenchmarkUsersItems: it
// serves a simulator with the number of users in $PLATFORMCLIENT_BENCH_SIM_USERS,
// prints its URL and runs until its standard input closes.
func TestPagingSimulator(t *testing.T) {
	n, err := strconv.Atoi(os.Getenv(simUsersEnv))
	if err != nil {
		t.Skip("the simulator process of BenchmarkUsersItems")
	}
	s, err := sim.Start(sim.WithSeedUsers(n), sim.WithClientCredentials(simID, simPW))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fmt.Println("SIM", s.URL())
	_, _ = io.Copy(io.Discard, os.Stdin)
}

// startSimProcess starts the simulator process and returns its URL.
func startSimProcess(b *testing.B, users int) string {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPagingSimulator$", "-test.v")
	cmd.Env = append(os.Environ(), simUsersEnv+"="+strconv.Itoa(users))
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = in.Close()
		_ = cmd.Wait()
	})
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "SIM "); ok {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return u
		}
	}
	b.Fatalf("the simulator process did not start: %v", sc.Err())
	return ""
}

// heapPeak samples the heap in use every 2 ms until stopped and returns the
// highest value seen.
type heapPeak struct {
	stop chan struct{}
	done chan uint64
}

func watchHeap() *heapPeak {
	h := &heapPeak{stop: make(chan struct{}), done: make(chan uint64)}
	go func() {
		var peak uint64
		var ms runtime.MemStats
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-h.stop:
				h.done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapPeak) end() uint64 {
	close(h.stop)
	return <-h.done
}

// memNow returns the heap in use after a collection, and the bytes
// allocated so far.
func memNow() (inUse, total uint64) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse, ms.TotalAlloc
}

// BenchmarkUsersItems iterates every user of a simulator seeded with 10,000
// and 100,000 users through GetUsersItems, 500 a page, and reports items/s,
// the peak heap above what the process held before the walk (flat memory:
// the same for both sizes) and the bytes allocated per user. The
// simulator runs in a child process; it shares the machine's cores.
func BenchmarkUsersItems(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			url := startSimProcess(b, n)
			c, err := platformclient.New(platformclient.WithBaseURL(url), platformclient.WithLoginURL(url),
				platformclient.WithGrant(platformclient.ClientCredentials{ClientID: simID, ClientSecret: simPW}))
			if err != nil {
				b.Fatal(err)
			}
			api := users.NewClient(c)
			ctx := context.Background()
			opts := &users.GetUsersOptions{PageSize: platformclient.Ptr(500)}
			var peak, allocs uint64
			b.ResetTimer()
			for range b.N {
				b.StopTimer()
				base, total := memNow()
				w := watchHeap()
				b.StartTimer()
				got := 0
				for u, err := range api.GetUsersItems(ctx, opts) {
					if err != nil {
						b.Fatal(err)
					}
					if u.ID == nil {
						b.Fatal("a user without id")
					}
					got++
				}
				b.StopTimer()
				if p := w.end(); p > base {
					peak = max(peak, p-base)
				}
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				allocs += ms.TotalAlloc - total
				if got != n {
					b.Fatalf("iterated %d users, want %d", got, n)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(allocs)/float64(n)/float64(b.N), "B/item")
		})
	}
}
