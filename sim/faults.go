package sim

import (
	"fmt"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind int

// The kinds of fault.
const (
	// FaultStatus answers with Fault.Status and a Genesys error body. A 429
	// carries Retry-After (from Fault.RetryAfter) and inin-ratelimit-*
	// headers; a 503 carries Retry-After when Fault.RetryAfter is set.
	FaultStatus FaultKind = iota + 1
	// FaultReset closes the connection without an answer (a TCP reset).
	FaultReset
	// FaultMalformedJSON answers 200 with a JSON body cut short.
	FaultMalformedJSON
	// FaultHTML answers Fault.Status (502 by default) with an HTML page, as a
	// proxy in front of the API might.
	FaultHTML
	// FaultLatency waits Fault.Latency, then lets the request through.
	FaultLatency
)

// String names the kind, e.g. "reset".
func (k FaultKind) String() string {
	switch k {
	case FaultStatus:
		return "status"
	case FaultReset:
		return "reset"
	case FaultMalformedJSON:
		return "malformed-json"
	case FaultHTML:
		return "html"
	case FaultLatency:
		return "latency"
	}
	return "FaultKind(" + strconv.Itoa(int(k)) + ")"
}

// Fault is a failure the simulator injects into matching requests.
type Fault struct {
	Kind       FaultKind
	Status     int           // FaultStatus and FaultHTML
	RetryAfter time.Duration // Retry-After of a 429 or 503; rounded up to whole seconds
	// Latency delays the answer; for kinds other than FaultLatency it delays
	// the fault.
	Latency time.Duration
	// Times limits the fault to the first Times matching requests (after
	// Every is applied); 0 means no limit.
	Times int
	// Every applies the fault to every Every-th matching request only; 0 and
	// 1 mean each request.
	Every int
}

// RateLimited is a 429 with a Retry-After header and inin-ratelimit-* headers.
func RateLimited(retryAfter time.Duration) Fault {
	return Fault{Kind: FaultStatus, Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// ServerError is a 5xx answer with a Genesys error body.
func ServerError(status int) Fault { return Fault{Kind: FaultStatus, Status: status} }

// Latency delays matching requests by d.
func Latency(d time.Duration) Fault { return Fault{Kind: FaultLatency, Latency: d} }

// ConnectionReset closes the connection of matching requests without an answer.
func ConnectionReset() Fault { return Fault{Kind: FaultReset} }

// MalformedJSON answers matching requests with 200 and a truncated JSON body.
func MalformedJSON() Fault { return Fault{Kind: FaultMalformedJSON} }

// HTMLError answers matching requests with status and an HTML error page.
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
	case FaultReset, FaultMalformedJSON:
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
// decide). It is safe to call while the server runs.
func (s *Server) InjectFault(route string, f Fault) error {
	key, err := routeFaultKey(route)
	if err != nil {
		return err
	}
	if err := f.validate(); err != nil {
		return err
	}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.byRoute[key] = append(s.faults.byRoute[key], &activeFault{f: f})
	return nil
}

// ClearFaults removes every injected fault (fault profiles included).
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	clear(s.faults.byRoute)
}

// faultsFor returns the faults that may apply to a route key.
func (fs *faultSet) faultsFor(key string, api bool) []*activeFault {
	fs.mu.RLock()
	defer fs.mu.RUnlock()
	var out []*activeFault
	out = append(out, fs.byRoute[key]...)
	if api {
		out = append(out, fs.byRoute[""]...)
	}
	return out
}

// applyFaults runs the faults of a request; it returns true when a fault
// answered (or dropped) the request.
func (s *Server) applyFaults(w http.ResponseWriter, r *http.Request, corr, key string, api bool) bool {
	faults := s.faults.faultsFor(key, api)
	for _, a := range faults {
		if !a.applies() {
			continue
		}
		if a.f.Latency > 0 && !s.sleep(r, a.f.Latency) {
			writeError(w, corr, &apiError{status: http.StatusServiceUnavailable, code: "service.unavailable", message: "The simulator is shutting down."})
			return true
		}
		switch a.f.Kind {
		case FaultLatency:
			continue
		case FaultStatus:
			writeError(w, corr, statusFault(a.f))
		case FaultHTML:
			status := a.f.Status
			if status == 0 {
				status = http.StatusBadGateway
			}
			text := fmt.Sprintf("%d %s", status, http.StatusText(status))
			body := "<!DOCTYPE html>\n<html><head><title>" + text + "</title></head>\n<body><center><h1>" + text +
				"</h1></center><hr><center>sim-gateway</center></body></html>\n"
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		case FaultMalformedJSON:
			body := `{"id": "3f1c2a9e-77c4-4d8e-9f0a-5b6c7d8e9f01", "name": "Truncated`
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(body))
		case FaultReset:
			resetConnection(w)
		}
		return true
	}
	return false
}

// statusFault builds the error answer of a FaultStatus fault.
func statusFault(f Fault) *apiError {
	e := &apiError{status: f.Status, header: http.Header{}}
	secs := int((f.RetryAfter + time.Second - 1) / time.Second)
	switch f.Status {
	case http.StatusTooManyRequests:
		e.code = "too.many.requests"
		e.message = fmt.Sprintf("Rate limit exceeded the maximum. [%d] requests for [60] seconds", defaultRateAllowed)
		e.limit = &errorLimit{Key: "token.rate.per.minute", Namespace: "platform.api", Value: defaultRateAllowed}
		e.header.Set("inin-ratelimit-count", strconv.Itoa(defaultRateAllowed+1))
		e.header.Set("inin-ratelimit-allowed", strconv.Itoa(defaultRateAllowed))
		e.header.Set("inin-ratelimit-reset", strconv.Itoa(max(secs, 1)))
	case http.StatusInternalServerError:
		e.code, e.message = "internal.server.error", "The server encountered an internal error. Please retry the request."
	case http.StatusBadGateway:
		e.code, e.message = "bad.gateway", "The server received an invalid response from an upstream server."
	case http.StatusServiceUnavailable:
		e.code, e.message = "service.unavailable", "Service temporarily unavailable. Please retry the request."
	case http.StatusGatewayTimeout:
		e.code, e.message = "gateway.timeout", "The server did not receive a timely response from an upstream server."
	default:
		e.code, e.message = "injected.fault", fmt.Sprintf("Injected fault: %d %s", f.Status, http.StatusText(f.Status))
	}
	if secs > 0 {
		e.header.Set("Retry-After", strconv.Itoa(secs))
	}
	return e
}

// resetConnection drops the client's connection with a TCP reset.
func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// FaultProfiles returns the names of the fault profiles WithFaultProfile
// and gcsim -faults accept.
func FaultProfiles() []string {
	names := make([]string, 0, len(profiles))
	for n := range profiles {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// profiles are named sets of global faults. Counters make them
// deterministic: "every 10th request", never "10% of requests".
var profiles = map[string][]Fault{
	"none":         nil,
	"rate-limited": {RateLimited(time.Second).EveryNth(5)},
	"flaky": {
		ServerError(http.StatusServiceUnavailable).EveryNth(10),
		RateLimited(time.Second).EveryNth(20),
		ConnectionReset().EveryNth(50),
	},
	"slow":   {Latency(200 * time.Millisecond)},
	"outage": {ServerError(http.StatusServiceUnavailable)},
	"chaos": {
		Latency(50 * time.Millisecond),
		ServerError(http.StatusServiceUnavailable).EveryNth(10),
		RateLimited(time.Second).EveryNth(15),
		MalformedJSON().EveryNth(30),
		HTMLError(http.StatusBadGateway).EveryNth(40),
		ConnectionReset().EveryNth(50),
	},
}

// ProfileDescription says what a fault profile does.
func ProfileDescription(name string) string {
	switch name {
	case "none":
		return "no faults"
	case "rate-limited":
		return "every 5th API request gets 429 with Retry-After: 1"
	case "flaky":
		return "every 10th API request gets 503, every 20th 429 (Retry-After: 1), every 50th a connection reset"
	case "slow":
		return "every API request waits 200 ms"
	case "outage":
		return "every API request gets 503"
	case "chaos":
		return "50 ms latency; every 10th request 503, 15th 429, 30th malformed JSON, 40th an HTML 502, 50th a reset"
	}
	return ""
}
