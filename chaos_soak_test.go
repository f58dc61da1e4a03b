package platformclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

// soakRound is what one round of the chaos soak test was told.
type soakRound struct {
	name      string
	id        string // from the create's answer, or from the look-up after an unknown outcome
	createErr error
	unknown   bool // the create's outcome was unknown (the request may have been applied)
	found     bool // the look-up after an unknown outcome found the queue
	lost      bool // a read of the created queue answered 404
	deleted   bool // a delete answered 2xx
	deleteErr error
}

// soakTally counts the calls that must succeed (reads, lists, deletes).
type soakTally struct {
	mu       sync.Mutex
	calls    map[string]int
	failed   map[string]int
	failures []string // the first few, for the report
	// budgetStops counts calls that failed with a retryable error after
	// fewer attempts than the default policy allows: the retry budget
	// (or MaxElapsed) stopped them.
	budgetStops int
}

// attemptsOf returns the attempts an API or transport error says were made.
func attemptsOf(err error) int {
	var apiErr *platformclient.APIError
	var te *platformclient.TransportError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.Attempts
	case errors.As(err, &te):
		return te.Attempts
	}
	return 0
}

func (s *soakTally) add(kind string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[kind]++
	if err != nil {
		s.failed[kind]++
		if platformclient.IsRetryable(err) && attemptsOf(err) < 4 {
			s.budgetStops++
		}
		if len(s.failures) < 10 {
			s.failures = append(s.failures, kind+": "+err.Error())
		}
	}
}

// TestChaosSoak is issue 21's "done when": 32 goroutines with the
// client's default settings against the chaos profile for 20 s, each
// round creating a routing queue, reading it, listing a page of users and
// deleting the queue. Then the simulator's state and request record are
// held against what the client was told: nothing lost, nothing doubled,
// nothing present that was reported deleted or not created, at least 99%
// of reads, lists and deletes succeed, and every failed create is either
// an HTTP error (not applied) or marked outcome-unknown.
func TestChaosSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("20 s soak; CI runs it (go test without -short)")
	}
	const (
		workers = 32
		// Rounds start for 10 s; those in flight then finish (a round can
		// wait out several backoffs and 1 s holds), so the run takes
		// about 20 s.
		duration = 10 * time.Second
	)
	s := sim.StartTest(t, sim.WithSeedUsers(60), sim.WithFaultProfile("chaos"), sim.WithRequestRecord(1<<20))
	// One client per goroutine, each with the default settings. (With one
	// shared client, each of chaos's 429s holds every call of the client
	// for its Retry-After, as coordinated pacing should: about 15 attempts
	// a second, too few rounds in 20 s to judge a 1% failure rate.)
	clients := make([]*platformclient.Client, workers)
	for i := range clients {
		c, err := s.NewClient()
		if err != nil {
			t.Fatal(err)
		}
		clients[i] = c
	}
	ctx := context.Background()
	tally := &soakTally{calls: map[string]int{}, failed: map[string]int{}}
	var mu sync.Mutex
	var rounds []*soakRound
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < workers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			queues, people := routing.NewClient(clients[g]), users.NewClient(clients[g])
			for i := 0; time.Since(start) < duration; i++ {
				r := &soakRound{name: fmt.Sprintf("soak-%02d-%04d", g, i)}
				soakOnce(ctx, queues, people, tally, r)
				mu.Lock()
				rounds = append(rounds, r)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	record := s.Requests()
	s.ClearFaults() // the final look is at the state, not through faults
	queues := routing.NewClient(clients[0])

	present := map[string]int{} // queue name -> how many exist
	for page := 1; ; page++ {
		size := 500
		l, err := queues.GetRoutingQueues(ctx, &routing.GetRoutingQueuesOptions{PageSize: &size, PageNumber: &page})
		if err != nil {
			t.Fatalf("final listing: %v", err)
		}
		for _, q := range l.Entities {
			if q.Name != nil && strings.HasPrefix(*q.Name, "soak-") {
				present[*q.Name]++
			}
		}
		if l.PageCount == nil || page >= *l.PageCount {
			break
		}
	}
	// The record must hold the whole run to judge it.
	if len(record) >= 1<<20 {
		t.Fatalf("request record full (%d): the run cannot be judged", len(record))
	}
	deletedByID := map[string]bool{} // queue id -> a delete of it was applied
	applied := map[string]int{}      // queue name -> creates applied
	faults := map[string]int{}       // fault kind -> requests hit
	var createsSent, attempts int
	for _, x := range record {
		if x.Fault != 0 {
			faults[x.Fault.String()]++
		}
		if strings.HasPrefix(x.Route, "POST /oauth/") {
			continue
		}
		attempts++
		if x.Route == "DELETE /api/v2/routing/queues/{queueId}" && x.Applied {
			deletedByID[x.Path[strings.LastIndexByte(x.Path, '/')+1:]] = true
		}
		if x.Route != "POST /api/v2/routing/queues" {
			continue
		}
		createsSent++
		var body struct{ Name string }
		if err := json.Unmarshal(x.Body, &body); err != nil {
			t.Fatalf("recorded create without a name: %s", x.Body)
		}
		if x.Applied {
			applied[body.Name]++
		}
	}

	var created, createHTTPErr, createUnknown, createOther, unknownFound, deletedOK int
	for _, r := range rounds {
		if applied[r.name] > 1 || present[r.name] > 1 {
			t.Errorf("%s doubled: %d creates applied, %d present", r.name, applied[r.name], present[r.name])
		}
		var apiErr *platformclient.APIError
		switch {
		case r.createErr == nil:
			created++
			if applied[r.name] != 1 {
				t.Errorf("%s: create answered 2xx, %d applied", r.name, applied[r.name])
			}
			// Gone without a delete of it applied (a delete whose answer was
			// lost and whose retry got 404 did delete it).
			if r.lost || (present[r.name] == 0 && !deletedByID[r.id]) {
				t.Errorf("%s lost: created, gone without a delete (read 404: %v)", r.name, r.lost)
			}
		case errors.As(r.createErr, &apiErr):
			createHTTPErr++
			if applied[r.name] != 0 || present[r.name] != 0 {
				t.Errorf("%s: create answered %v, yet %d applied and %d present", r.name, r.createErr, applied[r.name], present[r.name])
			}
		case r.unknown:
			createUnknown++
			if r.found {
				unknownFound++
			}
			if r.found != (applied[r.name] == 1) {
				t.Errorf("%s: outcome unknown, look-up found it: %v, applied %d", r.name, r.found, applied[r.name])
			}
		default:
			createOther++
			t.Errorf("%s: create failed neither with an HTTP error nor outcome-unknown: %v", r.name, r.createErr)
		}
		if r.deleted {
			deletedOK++
			if present[r.name] != 0 {
				t.Errorf("%s: reported deleted, still present", r.name)
			}
		}
	}

	var calls, failed, deleted404, budgetStops int
	for k, n := range tally.calls {
		calls += n
		failed += tally.failed[k]
	}
	for _, r := range rounds {
		if r.deleteErr != nil && platformclient.IsNotFound(r.deleteErr) && deletedByID[r.id] && attemptsOf(r.deleteErr) > 1 {
			deleted404++ // deleted by an earlier attempt of the same call
		}
	}
	budgetStops = tally.budgetStops
	kinds := make([]string, 0, len(faults))
	for k, n := range faults {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kinds)
	t.Logf("%d rounds in %s by %d goroutines; %d API attempts (%.0f/s), faults: %s",
		len(rounds), elapsed.Round(time.Millisecond), workers, attempts, float64(attempts)/elapsed.Seconds(), strings.Join(kinds, ", "))
	t.Logf("creates: %d ok, %d HTTP errors, %d outcome unknown (%d found by the look-up), %d other; %d create requests sent",
		created, createHTTPErr, createUnknown, unknownFound, createOther, createsSent)
	t.Logf("reads/lists/deletes: %d of %d failed (%.2f%%): get %d/%d, list %d/%d, lookup %d/%d, delete %d/%d; %d deletes ok",
		failed, calls, 100*float64(failed)/float64(max(calls, 1)),
		tally.failed["get"], tally.calls["get"], tally.failed["list"], tally.calls["list"],
		tally.failed["lookup"], tally.calls["lookup"], tally.failed["delete"], tally.calls["delete"], deletedOK)
	for _, f := range tally.failures {
		t.Logf("failure: %s", f)
	}
	if len(rounds) < workers {
		t.Fatalf("only %d rounds", len(rounds))
	}
	t.Logf("%d deletes answered 404 after an earlier attempt of the same call deleted the queue; %d calls failed with a retryable error before RetryMax (retry budget)",
		deleted404, budgetStops)
	if failed*100 > calls {
		t.Errorf("%d of %d reads, lists and deletes failed: more than 1%%", failed, calls)
	}
}

// soakOnce runs one round: create, read, list users, delete. A create whose
// outcome is unknown is looked up by name (the pattern the docs give) and
// deleted when found.
func soakOnce(ctx context.Context, queues *routing.Client, people *users.Client, tally *soakTally, r *soakRound) {
	name := r.name
	q, err := queues.PostRoutingQueues(ctx, &models.CreateQueueRequest{Name: &name}, nil)
	switch {
	case err == nil && q != nil && q.ID != nil:
		r.id = *q.ID
	case err == nil:
		r.createErr = errors.New("create answered without an id")
	default:
		r.createErr = err
		r.unknown = platformclient.IsOutcomeUnknown(err)
	}
	if r.unknown {
		l, err := queues.GetRoutingQueues(ctx, &routing.GetRoutingQueuesOptions{Name: &name})
		tally.add("lookup", err)
		if err == nil {
			for _, e := range l.Entities {
				if e.Name != nil && *e.Name == name && e.ID != nil {
					r.id, r.found = *e.ID, true
				}
			}
		}
	}
	if r.createErr == nil {
		_, err := queues.GetRoutingQueue(ctx, r.id, nil)
		tally.add("get", err)
		r.lost = platformclient.IsNotFound(err)
	}
	size := 25
	_, err = people.GetUsers(ctx, &users.GetUsersOptions{PageSize: &size})
	tally.add("list", err)
	if r.id != "" {
		err := queues.DeleteRoutingQueue(ctx, r.id, nil)
		tally.add("delete", err)
		r.deleted, r.deleteErr = err == nil, err
	}
}
