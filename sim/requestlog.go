package sim

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"
)

// RecordedRequest is one request the simulator received, as a test can
// assert on it. Secrets never appear: query values and JSON body members
// whose names look secret (passwords, secrets, tokens, assertions, codes
// of the login service) are replaced by "[redacted]", login (/oauth/...)
// bodies and non-JSON bodies are left out, and headers are not kept.
type RecordedRequest struct {
	Time          time.Time  // when it arrived (the simulator's clock)
	Method        string     // "GET"
	Path          string     // "/api/v2/users/1f4e…"
	Route         string     // "GET /api/v2/users/{userId}" (the operation's template), "POST /oauth/token"; "" for unknown paths and websockets
	Query         url.Values // as received, secrets redacted
	Body          []byte     // the JSON body, secrets redacted; nil for none
	Status        int        // the status answered (-1 for a connection reset)
	CorrelationID string     // ININ-Correlation-Id of the answer
	// Fault is the kind of the injected fault that hit the request, 0 for
	// none (a latency fault shows only when no other fault hit).
	Fault FaultKind
	// OperationStatus is the status the operation itself answered: the same
	// as Status unless a fault acting after the work (FaultResetAfter,
	// FaultCutBody, FaultCutJSON) spoiled the answer; 0 when the operation
	// did not run (a fault answered before it).
	OperationStatus int
	// Applied reports whether the operation ran and succeeded (its own
	// status was 2xx), whatever reached the client: a create whose answer
	// was cut created its object; one answered 503 by a fault did not.
	Applied bool
}

// DefaultRequestRecord is how many requests the record keeps by default.
const DefaultRequestRecord = 1000

// maxRecordedBody bounds the body kept per request; a longer body is
// recorded as nil.
const maxRecordedBody = 64 << 10

// WithRequestRecord sets how many of the latest requests the simulator
// keeps for Requests (default DefaultRequestRecord); 0 keeps none.
func WithRequestRecord(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("sim: negative request record size %d", n)
		}
		c.recordSize = n
		return nil
	}
}

// requestRecord is a ring of the latest requests.
type requestRecord struct {
	mu   sync.Mutex
	size int
	ring []RecordedRequest
	next int // where the next request goes once the ring is full
}

func (r *requestRecord) add(x RecordedRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ring) < r.size {
		r.ring = append(r.ring, x)
		return
	}
	r.ring[r.next] = x
	r.next = (r.next + 1) % r.size
}

// Requests returns the requests the simulator received, oldest first: the
// latest WithRequestRecord of them (1,000 by default). Requests still being
// answered are not in it yet.
func (s *Server) Requests() []RecordedRequest {
	r := s.records
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]RecordedRequest, 0, len(r.ring))
	out = append(out, r.ring[r.next:]...)
	return append(out, r.ring[:r.next]...)
}

// RequestsTo returns the recorded requests of one route, written as for
// InjectFault ("GET /api/v2/users/{userId}" or "POST /oauth/token";
// variable names do not matter; AllRoutes for every request).
func (s *Server) RequestsTo(route string) []RecordedRequest {
	key, err := routeFaultKey(route)
	if err != nil {
		return nil
	}
	if key == "" { // AllRoutes
		return s.Requests()
	}
	return slices.DeleteFunc(s.Requests(), func(x RecordedRequest) bool {
		method, template, ok := strings.Cut(x.Route, " ")
		return !ok || routeKey(method, template) != key
	})
}

// ResetRequests empties the record.
func (s *Server) ResetRequests() {
	if r := s.records; r != nil {
		r.mu.Lock()
		r.ring, r.next = nil, 0
		r.mu.Unlock()
	}
}

// bodyCapture keeps a copy of what a handler reads of a request body.
type bodyCapture struct {
	io.ReadCloser
	buf  bytes.Buffer
	over bool
}

func (b *bodyCapture) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && !b.over {
		if b.buf.Len()+n > maxRecordedBody {
			b.over = true
			b.buf.Reset()
		} else {
			b.buf.Write(p[:n])
		}
	}
	return n, err
}

// captureBody starts recording r's body; nil when it is not kept (login
// forms, non-JSON).
func captureBody(r *http.Request) *bodyCapture {
	if r.Body == nil || r.Body == http.NoBody || isLoginPath(r.URL.Path) || !strings.Contains(r.Header.Get("Content-Type"), "json") {
		return nil
	}
	c := &bodyCapture{ReadCloser: r.Body}
	r.Body = c
	return c
}

func isLoginPath(p string) bool { return strings.HasPrefix(p, "/oauth/") }

// record adds a finished request to the record.
func (s *Server) record(r *http.Request, rec *recorder, corr string, body *bodyCapture, at time.Time) {
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	op := status
	switch {
	case rec.fault.answersAfter():
		op = rec.opStatus
	case rec.fault != 0 && !rec.fault.RunsOperation():
		op = 0
	}
	x := RecordedRequest{Time: at, Method: r.Method, Path: r.URL.Path, Status: status, CorrelationID: corr,
		Query: redactQuery(r.URL.Query()), Fault: rec.fault, OperationStatus: op, Applied: op >= 200 && op < 300}
	switch {
	case isLoginPath(r.URL.Path):
		x.Route = r.Method + " " + r.URL.Path
	case rec.route != nil:
		x.Route = strings.ToUpper(rec.route.op.Method) + " " + rec.route.template
	}
	if body != nil && !body.over && body.buf.Len() > 0 {
		x.Body = redactJSON(body.buf.Bytes())
	}
	s.records.add(x)
}

// secretName reports whether a query parameter or JSON member holds a
// secret.
func secretName(name string) bool {
	n := strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(name))
	for _, s := range []string{"password", "secret", "token", "assertion", "codeverifier", "credential", "apikey"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return n == "code" || n == "authorization"
}

const redacted = "[redacted]"

func redactQuery(q url.Values) url.Values {
	for k, vs := range q {
		if secretName(k) {
			q[k] = slices.Repeat([]string{redacted}, len(vs))
		}
	}
	return q
}

// redactJSON replaces the values of secret members at any depth; a body
// that is not JSON is not kept.
func redactJSON(data []byte) []byte {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil
	}
	if !redactValue(v) {
		return bytes.Clone(data)
	}
	out, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		return nil
	}
	return out
}

// redactValue redacts in place and reports whether it changed anything.
func redactValue(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if secretName(k) && e != nil {
				x[k] = redacted
				changed = true
			} else if redactValue(e) {
				changed = true
			}
		}
	case []any:
		for _, e := range x {
			if redactValue(e) {
				changed = true
			}
		}
	}
	return changed
}
