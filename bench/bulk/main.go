// Command bulk measures a Terraform-export-like workload against the
// simulator at Genesys Cloud's limits (scaled: 100 requests per 2 s per
// token, a token endpoint that refuses more than 4 requests a second):
// list every user, queue, group and external contact and each queue's
// members, more than 20,000 objects. It runs the workload three ways and
// prints them side by side: one token, a pool of 8, and 4 OS processes
// each with a pool of 8 sharing one Redis (redisstate).
//
//	cd bench/bulk && go run .
//
// Redis: PLATFORMCLIENT_TEST_REDIS=host:port, or a redis-server on PATH
// that the command starts on a loopback port and stops at its end.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"iter"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/externalcontacts"
	"github.com/purecloudgo/platformclient/api/groups"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/redisstate"
	"github.com/purecloudgo/platformclient/sim"
	"github.com/redis/go-redis/v9"
)

const (
	allowed     = 100
	window      = 2 * time.Second
	tokenPerSec = 4
)

func main() {
	nUsers := flag.Int("users", 10000, "users in the org")
	nQueues := flag.Int("queues", 500, "queues (ten members each)")
	nGroups := flag.Int("groups", 500, "groups")
	nContacts := flag.Int("contacts", 5000, "external contacts")
	flag.Parse()
	if os.Getenv("BULK_CHILD") != "" {
		os.Exit(child())
	}
	if err := bench(*nUsers, *nQueues, *nGroups, *nContacts); err != nil {
		fmt.Fprintln(os.Stderr, "bulk:", err)
		os.Exit(1)
	}
}

// counter is a proxy in front of the simulator that counts what the
// workload sent and adds the token endpoint's limit, which the simulator
// does not model.
type counter struct {
	calls, limited, tokens, refused atomic.Int64
	mu                              sync.Mutex
	sec                             time.Time
	n                               int
}

func (k *counter) handler(target *url.URL) http.Handler {
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ModifyResponse = func(r *http.Response) error {
		if r.StatusCode == http.StatusTooManyRequests {
			k.limited.Add(1)
		}
		return nil
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			k.mu.Lock()
			now := time.Now().Truncate(time.Second)
			if !now.Equal(k.sec) {
				k.sec, k.n = now, 0
			}
			k.n++
			over := k.n > tokenPerSec
			k.mu.Unlock()
			if over {
				k.refused.Add(1)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"error":"invalid_request","description":"rate limit exceeded; try again"}`)
				return
			}
			k.tokens.Add(1)
		} else {
			k.calls.Add(1)
		}
		rp.ServeHTTP(w, r)
	})
}

type result struct {
	name    string
	tokens  int
	wall    time.Duration
	objects int64
	calls   int64
	limited int64
	tokReq  int64
	refused int64
	failed  int64
}

func bench(nUsers, nQueues, nGroups, nContacts int) error {
	addr, stop, err := redisFor()
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(os.Stderr, "org: %d users, %d queues x 10 members, %d groups, %d external contacts\n", nUsers, nQueues, nGroups, nContacts)
	var results []result
	for _, mode := range []struct {
		name        string
		pool, procs int
	}{{"1 token", 1, 1}, {"pool of 8", 8, 1}, {"4 processes x pool 8, Redis", 8, 4}} {
		// A fresh org (and fresh token windows) for each mode.
		s, err := sim.Start(sim.WithFixture(sim.OrgFixture(nUsers, nQueues, nGroups, nContacts)), sim.WithRateLimit(allowed, window))
		if err != nil {
			return err
		}
		target, _ := url.Parse(s.URL())
		k := &counter{}
		front := httptest.NewServer(k.handler(target))
		secret := s.Grant().ClientSecret
		start := time.Now()
		var objects, failed atomic.Int64
		var wg sync.WaitGroup
		var ferr error
		var once sync.Once
		for p := range mode.procs {
			wg.Go(func() {
				var o, f int64
				var err error
				if mode.procs == 1 {
					o, f, err = work(front.URL, s.Grant().ClientID, secret, mode.pool, "", 0, 1)
				} else {
					o, f, err = spawn(front.URL, s.Grant().ClientID, secret, mode.pool, addr, p, mode.procs)
				}
				objects.Add(o)
				failed.Add(f)
				if err != nil {
					once.Do(func() { ferr = err })
				}
			})
		}
		wg.Wait()
		results = append(results, result{name: mode.name, tokens: mode.pool, wall: time.Since(start), objects: objects.Load(),
			calls: k.calls.Load(), limited: k.limited.Load(), tokReq: k.tokens.Load(), refused: k.refused.Load(), failed: failed.Load()})
		front.Close()
		s.Close()
		if ferr != nil {
			return fmt.Errorf("%s: %w", mode.name, ferr)
		}
	}
	fmt.Printf("allowance %d requests per %s per token; token endpoint refuses more than %d a second\n", allowed, window, tokenPerSec)
	fmt.Printf("%-30s %9s %9s %7s %9s %10s %6s %7s %8s %7s\n", "mode", "wall", "floor", "wall/fl", "objects", "goodput/s", "calls", "429s", "tok req", "refused")
	for _, r := range results {
		ok := r.calls - r.limited
		floor := time.Duration(float64(ok) / (float64(r.tokens) * allowed / window.Seconds()) * float64(time.Second))
		fmt.Printf("%-30s %9s %9s %7.2f %9d %10.0f %6d %7d %8d %7d", r.name, r.wall.Round(time.Millisecond), floor.Round(time.Millisecond),
			float64(r.wall)/float64(floor), r.objects, float64(ok)/r.wall.Seconds(), r.calls, r.limited, r.tokReq, r.refused)
		if r.failed > 0 {
			fmt.Printf("  FAILED CALLS %d", r.failed)
		}
		fmt.Println()
	}
	return nil
}

// spawn runs part p of procs of the workload in a child process.
func spawn(base, id, secret string, pool int, redisAddr string, p, procs int) (int64, int64, error) {
	exe, err := os.Executable()
	if err != nil {
		return 0, 0, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), "BULK_CHILD=1", "BULK_BASE="+base, "BULK_ID="+id, "BULK_SECRET="+secret,
		"BULK_POOL="+strconv.Itoa(pool), "BULK_REDIS="+redisAddr, "BULK_PART="+strconv.Itoa(p), "BULK_PARTS="+strconv.Itoa(procs))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, err
	}
	var r struct{ Objects, Failed int64 }
	if err := json.Unmarshal(out, &r); err != nil {
		return 0, 0, fmt.Errorf("child %d printed %q", p, out)
	}
	return r.Objects, r.Failed, nil
}

func child() int {
	pool, _ := strconv.Atoi(os.Getenv("BULK_POOL"))
	part, _ := strconv.Atoi(os.Getenv("BULK_PART"))
	parts, _ := strconv.Atoi(os.Getenv("BULK_PARTS"))
	o, f, err := work(os.Getenv("BULK_BASE"), os.Getenv("BULK_ID"), os.Getenv("BULK_SECRET"), pool, os.Getenv("BULK_REDIS"), part, parts)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	json.NewEncoder(os.Stdout).Encode(struct{ Objects, Failed int64 }{o, f})
	return 0
}

// work runs part of parts of the export: the listings are dealt out by
// part, the queues' member listings by queue.
func work(base, id, secret string, pool int, redisAddr string, part, parts int) (objects, failed int64, err error) {
	opts := []platformclient.Option{platformclient.WithBaseURL(base), platformclient.WithLoginURL(base),
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: id, ClientSecret: secret}),
		platformclient.WithTokenPool(pool)}
	if redisAddr != "" {
		rdb := redis.NewClient(&redis.Options{Addr: redisAddr})
		defer rdb.Close()
		opts = append(opts, platformclient.WithSharedState(redisstate.New(rdb)))
	}
	c, err := platformclient.New(opts...)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	ctx := context.Background()
	page := platformclient.Ptr(100)
	u, r, g, x := users.NewClient(c), routing.NewClient(c), groups.NewClient(c), externalcontacts.NewClient(c)
	var n, bad atomic.Int64
	var queues []string
	var wg sync.WaitGroup
	// Each listing goes to one part (a listing's pages are sequential);
	// every part lists the queues, whose ids deal out the members.
	if part == 0%parts {
		wg.Go(func() { count(u.GetUsersItems(ctx, &users.GetUsersOptions{PageSize: page}), &n, &bad) })
	}
	if part == 1%parts {
		wg.Go(func() {
			count(x.GetExternalcontactsContactsItems(ctx, &externalcontacts.GetExternalcontactsContactsOptions{PageSize: page}), &n, &bad)
		})
	}
	if part == 2%parts {
		wg.Go(func() { count(g.GetGroupsItems(ctx, &groups.GetGroupsOptions{PageSize: page}), &n, &bad) })
	}
	for q, err := range r.GetRoutingQueuesItems(ctx, &routing.GetRoutingQueuesOptions{PageSize: page}) {
		if err != nil {
			bad.Add(1)
			break
		}
		if part == 3%parts {
			n.Add(1)
		}
		queues = append(queues, *q.ID)
	}
	next := make(chan string)
	for range 16 {
		wg.Go(func() {
			for id := range next {
				count(r.GetRoutingQueueMembersItems(ctx, id, &routing.GetRoutingQueueMembersOptions{PageSize: page}), &n, &bad)
			}
		})
	}
	for i, id := range queues {
		if i%parts == part {
			next <- id
		}
	}
	close(next)
	wg.Wait()
	return n.Load(), bad.Load(), nil
}

func count[T any](seq iter.Seq2[T, error], n, bad *atomic.Int64) {
	for _, err := range seq {
		if err != nil {
			bad.Add(1)
			return
		}
		n.Add(1)
	}
}

// redisFor returns the Redis to use: PLATFORMCLIENT_TEST_REDIS, or a
// redis-server started on a free loopback port (stopped by stop).
func redisFor() (addr string, stop func(), err error) {
	if a := os.Getenv("PLATFORMCLIENT_TEST_REDIS"); a != "" {
		return a, func() {}, nil
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, fmt.Errorf("no Redis: set PLATFORMCLIENT_TEST_REDIS or install redis-server")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	addr = "127.0.0.1:" + port
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	defer rdb.Close()
	for range 100 {
		if rdb.Ping(context.Background()).Err() == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return addr, func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }, nil
}
