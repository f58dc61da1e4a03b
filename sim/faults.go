package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FaultKind is what an injected fault does to a request, and whether the
// operation runs: see RunsOperation and Effect.
type FaultKind int

// The kinds of fault. Kinds that answer before the work leave the
// simulator's state as it was; kinds that answer after it have applied the
// operation (a created object exists, a deleted one is gone) and spoil only
// the answer, as a proxy or a dropped connection does. The service never
// answers 2xx for an operation it did not apply, and neither does a fault.
const (
	// FaultStatus answers with Fault.Status and a Genesys error body before
	// the operation runs. A 429 carries Retry-After (from Fault.RetryAfter)
	// and inin-ratelimit-* headers; a 503 carries Retry-After when
	// Fault.RetryAfter is set.
	FaultStatus FaultKind = iota + 1
	// FaultResetBefore closes the connection with a TCP reset before the
	// operation runs: no answer, nothing applied.
	FaultResetBefore
	// FaultHTML answers Fault.Status (502 by default) with an HTML page
	// before the operation runs, as a gateway in front of the API might.
	FaultHTML
	// FaultLatency waits Fault.Latency, then lets the request through.
	FaultLatency
	// FaultResetAfter runs the operation, then closes the connection with a
	// TCP reset instead of sending its answer.
	FaultResetAfter
	// FaultCutBody runs the operation and sends its answer with the real
	// status and Content-Length but only half of the body, then closes the
	// connection. An answer without a body (a 204, a HEAD) has nothing to
	// cut and arrives whole.
	FaultCutBody
	// FaultCutJSON runs the operation and sends its answer chunked, the
	// JSON value ending halfway (the transfer itself ends cleanly). An
	// answer without a body arrives whole, as with FaultCutBody.
	FaultCutJSON
)

// FaultKinds returns every fault kind, in the order of their values.
func FaultKinds() []FaultKind {
	return []FaultKind{FaultStatus, FaultResetBefore, FaultHTML, FaultLatency, FaultResetAfter, FaultCutBody, FaultCutJSON}
}

// String names the kind, e.g. "reset-before".
func (k FaultKind) String() string {
	switch k {
	case FaultStatus:
		return "status"
	case FaultResetBefore:
		return "reset-before"
	case FaultHTML:
		return "html"
	case FaultLatency:
		return "latency"
	case FaultResetAfter:
		return "reset-after"
	case FaultCutBody:
		return "cut-body"
	case FaultCutJSON:
		return "cut-json"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// RunsOperation reports whether a request hit by a fault of this kind
// still runs its operation (and so changes the simulator's state as the
// operation does). Latency faults only delay: the request goes on.
func (k FaultKind) RunsOperation() bool {
	switch k {
	case FaultLatency, FaultResetAfter, FaultCutBody, FaultCutJSON:
		return true
	}
	return false
}

// Effect says in a few words what the kind does to a request and whether
// the operation is applied, as gcsim -h shows it.
func (k FaultKind) Effect() string {
	switch k {
	case FaultStatus:
		return "error status (429, 5xx) with a Genesys error body, before the operation: not applied"
	case FaultResetBefore:
		return "connection reset before the operation: no answer, not applied"
	case FaultHTML:
		return "HTML error page of a gateway (502), before the operation: not applied"
	case FaultLatency:
		return "delays the request, which then goes on: applied as usual"
	case FaultResetAfter:
		return "operation runs, then the connection is reset instead of the answer: applied, no answer"
	case FaultCutBody:
		return "operation runs, its answer stops short of Content-Length and the connection closes: applied"
	case FaultCutJSON:
		return "operation runs, its answer is sent chunked with the JSON value ending early: applied"
	}
	return ""
}

// answersAfter reports whether the fault acts on the operation's answer
// (so the operation runs first) rather than instead of the operation.
func (k FaultKind) answersAfter() bool {
	switch k {
	case FaultResetAfter, FaultCutBody, FaultCutJSON:
		return true
	}
	return false
}

// Fault is a failure the simulator injects into matching requests.
type Fault struct {
	Kind       FaultKind
	Status     int           // FaultStatus and FaultHTML
	RetryAfter time.Duration // Retry-After of a 429 or 503; rounded up to whole seconds
	// Latency delays the answer; for kinds other than FaultLatency it delays
	// the fault (before the operation runs).
	Latency time.Duration
	// Times limits the fault to the first Times matching requests (after
	// Every is applied); 0 means no limit.
	Times int
	// Every applies the fault to every Every-th matching request only; 0 and
	// 1 mean each request.
	Every int
}

// RateLimited is a 429 with a Retry-After header and inin-ratelimit-*
// headers, answered before the operation runs.
func RateLimited(retryAfter time.Duration) Fault {
	return Fault{Kind: FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// ServerError is a 5xx answer with a Genesys error body, answered before
// the operation runs.
func ServerError(status int) Fault { return Fault{Kind: FaultStatus, Status: status} }

// Latency delays matching requests by d.
func Latency(d time.Duration) Fault { return Fault{Kind: FaultLatency, Latency: d} }

// ConnectionReset closes the connection of matching requests without an
// answer, before the operation runs (FaultResetBefore).
func ConnectionReset() Fault { return Fault{Kind: FaultResetBefore} }

// ConnectionResetAfter runs the operation of matching requests, then
// closes the connection without an answer (FaultResetAfter).
func ConnectionResetAfter() Fault { return Fault{Kind: FaultResetAfter} }

// CutBody runs the operation of matching requests and sends only half of
// its answer's body, short of its Content-Length (FaultCutBody).
func CutBody() Fault { return Fault{Kind: FaultCutBody} }

// CutJSON runs the operation of matching requests and sends its answer
// chunked, the JSON value ending halfway (FaultCutJSON).
func CutJSON() Fault { return Fault{Kind: FaultCutJSON} }

// HTMLError answers matching requests with status and an HTML error page,
// before the operation runs.
func HTMLError(status int) Fault { return Fault{Kind: FaultHTML, Status: status} }

// First returns f limited to the first n matching requests: a burst.
func (f Fault) First(n int) Fault { f.Times = n; return f }

// EveryNth returns f applied to every n-th matching request.
func (f Fault) EveryNth(n int) Fault { f.Every = n; return f }

func (f Fault) validate() error {
	switch f.Kind {
	case FaultStatus:
		if f.Status < 400 || f.Status > 599 {
			return fmt.Errorf("sim: fault status %d is not an error status", f.Status)
		}
	case FaultHTML:
		if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
			return fmt.Errorf("sim: fault status %d is not an error status", f.Status)
		}
	case FaultResetBefore, FaultResetAfter, FaultCutBody, FaultCutJSON:
	case FaultLatency:
		if f.Latency <= 0 {
			return fmt.Errorf("sim: latency fault without a latency")
		}
	default:
		return fmt.Errorf("sim: unknown fault kind %d", int(f.Kind))
	}
	if f.Times < 0 || f.Every < 0 || f.Latency < 0 || f.RetryAfter < 0 {
		return fmt.Errorf("sim: negative fault setting")
	}
	return nil
}

// AllRoutes is the route of a fault that applies to every API request
// (not to /oauth/*).
const AllRoutes = "*"

// activeFault is an injected fault with its counters.
type activeFault struct {
	f    Fault
	seen atomic.Int64 // matching requests
	hits atomic.Int64 // requests the fault applied to
}

// applies counts a matching request and reports whether the fault hits it.
func (a *activeFault) applies() bool {
	n := a.seen.Add(1)
	if a.f.Every > 1 && n%int64(a.f.Every) != 0 {
		return false
	}
	if a.f.Times > 0 {
		if a.hits.Add(1) > int64(a.f.Times) {
			return false
		}
	}
	return true
}

// faultSet holds the injected faults by route key.
type faultSet struct {
	mu      sync.RWMutex
	byRoute map[string][]*activeFault // "" holds the global faults
}

// routeFaultKey normalises a fault route: AllRoutes (or "") -> "", else the
// route key of "METHOD /path/{template}".
func routeFaultKey(route string) (string, error) {
	route = strings.TrimSpace(route)
	if route == "" || route == AllRoutes {
		return "", nil
	}
	method, path, ok := strings.Cut(route, " ")
	path = strings.TrimSpace(path)
	if !ok || method == "" || !strings.HasPrefix(path, "/") {
		return "", fmt.Errorf("sim: fault route %q: want \"METHOD /path/template\" or %q", route, AllRoutes)
	}
	if strings.HasPrefix(path, "/oauth/") || isSocketPath(path) {
		return routeKey(method, path), nil
	}
	rt := sharedRouter().lookup(method, path)
	if rt == nil {
		return "", fmt.Errorf("sim: fault route %q: no such operation", route)
	}
	return rt.key, nil
}

// InjectFault adds a fault to a route, "METHOD /api/v2/path/{template}"
// (variable names do not matter; "POST /oauth/token",
// "GET /oauth/authorize" and the notification websocket
// "GET /channels/{channelId}" work too), or to every API request with
// AllRoutes.
// Faults on a route are tried before global ones; the first that hits a
// request decides its fate (latency faults delay and let later faults
// decide). Faults that act on the operation's answer (FaultResetAfter,
// FaultCutBody, FaultCutJSON) do not apply to the websocket. It is safe
// to call while the server runs.
func (s *Server) InjectFault(route string, f Fault) error {
	key, err := checkFault(route, f)
	if err != nil {
		return err
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.byRoute[key] = append(s.faults.byRoute[key], &activeFault{f: f})
	return nil
}

// checkFault validates a fault for a route and returns the route's key.
func checkFault(route string, f Fault) (string, error) {
	key, err := routeFaultKey(route)
	if err != nil {
		return "", err
	}
	if err := f.validate(); err != nil {
		return "", err
	}
	if f.Kind.answersAfter() && key == routeKey(http.MethodGet, "/channels/{}") {
		return "", fmt.Errorf("sim: fault %s does not apply to the notification websocket", f.Kind)
	}
	return key, nil
}

// ClearFaults removes every injected fault (fault profiles included).
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	clear(s.faults.byRoute)
}
