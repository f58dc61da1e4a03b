// Command export writes an organization's users, queues (with their
// members), groups and external contacts to JSON files, the way a backup
// or a Terraform export reads an org: many listings, as fast as the rate
// limits allow. It uses a token pool (each token has its own allowance),
// fetches the pages of each listing eight at a time (Prefetch) and prints
// a progress line on stderr.
//
//	go run ./examples/export -out /tmp/org
//
// Without GENESYSCLOUD_* variables it exports a simulated org (package
// sim) that allows each token 100 requests per 2 seconds. With the
// variables platformclient.WithEnvironment reads (client id, secret and
// region) it exports that organization.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/externalcontacts"
	"github.com/purecloudgo/platformclient/api/groups"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/sim"
)

func main() {
	out := flag.String("out", "export", "directory the JSON files are written to")
	pool := flag.Int("pool", 8, "tokens in the client's pool (1-50)")
	workers := flag.Int("workers", 8, "queues whose members are listed at once")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if err := run(ctx, *out, *pool, *workers, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "export:", err)
		os.Exit(1)
	}
}

// run exports the org to dir, reporting progress on progress.
func run(ctx context.Context, dir string, pool, workers int, progress io.Writer) error {
	opts := []platformclient.Option{platformclient.WithTokenPool(pool)}
	var c *platformclient.Client
	var err error
	if os.Getenv("GENESYSCLOUD_OAUTHCLIENT_ID") != "" || os.Getenv("GENESYSCLOUD_BASE_URL") != "" {
		c, err = platformclient.New(append([]platformclient.Option{platformclient.WithEnvironment()}, opts...)...)
	} else {
		var s *sim.Server
		s, err = sim.Start(sim.WithFixture(sim.OrgFixture(2000, 40, 40, 500)), sim.WithRateLimit(100, 2*time.Second))
		if err != nil {
			return err
		}
		defer s.Close()
		c, err = s.NewClient(opts...)
	}
	if err != nil {
		return err
	}
	defer c.Close()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	var n atomic.Int64 // objects written
	start := time.Now()
	done, stopped := make(chan struct{}), make(chan struct{})
	stopProgress := sync.OnceFunc(func() { close(done); <-stopped })
	go func() { // the progress line
		defer close(stopped)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				st, rl := c.TokenPoolStats(), c.RateLimitState()
				fmt.Fprintf(progress, "\rexported %d objects in %s, %d tokens, %d waiting, %d 429s   ",
					n.Load(), time.Since(start).Round(time.Second), st.Open, rl.Waiting, rl.Limited)
			}
		}
	}()
	defer stopProgress() // returns once the progress goroutine has stopped writing

	page := platformclient.Ptr(100)
	ahead := platformclient.Prefetch(8) // pages 2..N of a listing, 8 at a time
	u, r, g, x := users.NewClient(c), routing.NewClient(c), groups.NewClient(c), externalcontacts.NewClient(c)
	var queueIDs []string
	var mu sync.Mutex
	jobs := []func() error{
		func() error {
			return write(dir, "users.json", u.GetUsersItems(ctx, &users.GetUsersOptions{PageSize: page}, ahead), &n, nil)
		},
		func() error {
			return write(dir, "groups.json", g.GetGroupsItems(ctx, &groups.GetGroupsOptions{PageSize: page}, ahead), &n, nil)
		},
		func() error {
			return write(dir, "externalcontacts.json", x.GetExternalcontactsContactsItems(ctx, &externalcontacts.GetExternalcontactsContactsOptions{PageSize: page}, ahead), &n, nil)
		},
		func() error {
			return write(dir, "queues.json", r.GetRoutingQueuesItems(ctx, &routing.GetRoutingQueuesOptions{PageSize: page}, ahead), &n, func(q any) {
				mu.Lock()
				defer mu.Unlock()
				if id := q.(*queueRef).ID; id != nil {
					queueIDs = append(queueIDs, *id)
				}
			})
		},
	}
	if err := parallel(len(jobs), len(jobs), func(i int) error { return jobs[i]() }); err != nil {
		return err
	}
	// Each queue's members, workers queues at a time.
	if err := os.MkdirAll(filepath.Join(dir, "queuemembers"), 0o755); err != nil {
		return err
	}
	err = parallel(len(queueIDs), workers, func(i int) error {
		id := queueIDs[i]
		return write(filepath.Join(dir, "queuemembers"), id+".json",
			r.GetRoutingQueueMembersItems(ctx, id, &routing.GetRoutingQueueMembersOptions{PageSize: page}), &n, nil)
	})
	stopProgress()
	fmt.Fprintf(progress, "\rexported %d objects in %s with %d tokens (%d issued)\n",
		n.Load(), time.Since(start).Round(time.Millisecond), c.TokenPoolStats().Open, c.TokenPoolStats().Issued)
	return err
}

// queueRef reads a queue's id back from its JSON.
type queueRef struct {
	ID *string `json:"id"`
}

// write streams the items of seq to dir/name as a JSON array; each is
// also handed to each (decoded as a queueRef) when each is not nil.
func write[T any](dir, name string, seq iter.Seq2[T, error], n *atomic.Int64, each func(any)) error {
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := io.WriteString(f, "["); err != nil {
		return err
	}
	first := true
	for item, err := range seq {
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		b, err := json.Marshal(item)
		if err != nil {
			return err
		}
		if !first {
			b = append([]byte(",\n"), b...)
		}
		first = false
		if _, err := f.Write(b); err != nil {
			return err
		}
		if each != nil {
			var q queueRef
			_ = json.Unmarshal(trimComma(b), &q)
			each(&q)
		}
		n.Add(1)
	}
	if _, err := io.WriteString(f, "]\n"); err != nil {
		return err
	}
	return f.Close()
}

func trimComma(b []byte) []byte {
	if len(b) > 2 && b[0] == ',' {
		return b[2:]
	}
	return b
}

// parallel runs f(0..n-1), at most k at once, and returns the first error.
func parallel(n, k int, f func(int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan int)
	for range max(k, 1) {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}
