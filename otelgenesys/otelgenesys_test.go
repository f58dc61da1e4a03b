package otelgenesys_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/otelgenesys"
	"github.com/purecloudgo/platformclient/sim"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// rig is a client of a simulator with in-memory span and metric readers.
type rig struct {
	s       *sim.Server
	c       *platformclient.Client
	spans   *tracetest.SpanRecorder
	metrics *sdkmetric.ManualReader
	mu      sync.Mutex
	parents []string // the traceparent header of every request sent
}

func newRig(t *testing.T, simOpts ...sim.Option) *rig {
	t.Helper()
	return newRigWith(t, nil, simOpts...)
}

// newRigWith is newRig with more client options.
func newRigWith(t *testing.T, clientOpts []platformclient.Option, simOpts ...sim.Option) *rig {
	t.Helper()
	r := &rig{s: sim.StartTest(t, append([]sim.Option{sim.WithSeedUsers(3)}, simOpts...)...),
		spans: tracetest.NewSpanRecorder(), metrics: sdkmetric.NewManualReader()}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(r.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(r.metrics))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()); _ = mp.Shutdown(context.Background()) })
	c, err := platformclient.New(append([]platformclient.Option{platformclient.WithBaseURL(r.s.URL()), platformclient.WithLoginURL(r.s.URL()),
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: r.s.ClientID(), ClientSecret: r.s.ClientSecret()}),
		otelgenesys.ClientOption(otelgenesys.WithTracerProvider(tp), otelgenesys.WithMeterProvider(mp)),
		platformclient.WithPreRequestHook(func(req *http.Request) error {
			r.mu.Lock()
			r.parents = append(r.parents, req.URL.Path+" "+req.Header.Get("traceparent"))
			r.mu.Unlock()
			return nil
		})}, clientOpts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	r.c = c
	return r
}

// span returns the ended spans named name.
func (r *rig) span(t *testing.T, name string) []sdktrace.ReadOnlySpan {
	t.Helper()
	var out []sdktrace.ReadOnlySpan
	for _, s := range r.spans.Ended() {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

func attrs(kvs []attribute.KeyValue) map[string]string {
	m := map[string]string{}
	for _, kv := range kvs {
		m[string(kv.Key)] = kv.Value.Emit()
	}
	return m
}

func wantAttrs(t *testing.T, what string, got []attribute.KeyValue, want map[string]string) {
	t.Helper()
	m := attrs(got)
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s: %s = %q, want %q (all: %v)", what, k, m[k], v, m)
		}
	}
}

// collect returns the metrics read now.
func (r *rig) collect(t *testing.T) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := r.metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	return rm
}

// total adds the values of a counter's points, or the recordings of a
// histogram's, whose attributes include match.
func total(rm metricdata.ResourceMetrics, name string, match map[string]string) int64 {
	var n int64
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					if has(p.Attributes.ToSlice(), match) {
						n += p.Value
					}
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					if has(p.Attributes.ToSlice(), match) {
						n += int64(p.Count)
					}
				}
			}
		}
	}
	return n
}

func has(kvs []attribute.KeyValue, match map[string]string) bool {
	m := attrs(kvs)
	for k, v := range match {
		if m[k] != v {
			return false
		}
	}
	return true
}

// noSecrets fails when an exported span or metric holds one of secrets.
func (r *rig) noSecrets(t *testing.T, secrets ...string) {
	t.Helper()
	var b strings.Builder
	for _, s := range r.spans.Ended() {
		fmt.Fprintf(&b, "%s %v %v %v %v\n", s.Name(), s.Attributes(), s.Status(), s.Resource().Attributes(), s.InstrumentationScope())
		for _, e := range s.Events() {
			fmt.Fprintf(&b, "  %s %v\n", e.Name, e.Attributes)
		}
	}
	fmt.Fprintf(&b, "%+v\n", r.collect(t))
	r.mu.Lock()
	fmt.Fprintf(&b, "%v\n", r.parents)
	r.mu.Unlock()
	out := b.String()
	for _, s := range secrets {
		if s != "" && strings.Contains(out, s) {
			t.Errorf("exported data holds the secret %q", s)
		}
	}
}

func (r *rig) secrets(t *testing.T) []string {
	tok, err := r.c.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return []string{r.s.ClientSecret(), tok.AccessToken,
		base64.StdEncoding.EncodeToString([]byte(r.s.ClientID() + ":" + r.s.ClientSecret()))}
}

func TestSuccessfulCall(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	if _, err := users.NewClient(r.c).GetUsers(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	calls, tokens := r.span(t, "users.GetUsers"), r.span(t, "oauth.token")
	if len(calls) != 1 || len(tokens) != 1 {
		t.Fatalf("spans: %d users.GetUsers, %d oauth.token", len(calls), len(tokens))
	}
	call, tok := calls[0], tokens[0]
	host, port, _ := strings.Cut(strings.TrimPrefix(r.s.URL(), "http://"), ":")
	wantAttrs(t, "call span", call.Attributes(), map[string]string{
		"http.request.method": "GET", "url.template": "/api/v2/users", "server.address": host, "server.port": port,
		"http.response.status_code": "200", "genesys.attempts": "1", "genesys.operation": "users.GetUsers"})
	if a := attrs(call.Attributes()); len(a["genesys.correlation_id"]) < 8 || a["error.type"] != "" || a["http.request.resend_count"] != "" {
		t.Errorf("call span attributes %v", a)
	}
	if call.SpanKind().String() != "client" || call.Status().Code != codes.Unset || len(call.Events()) != 0 {
		t.Errorf("call span: kind %s, status %v, events %v", call.SpanKind(), call.Status(), call.Events())
	}
	wantAttrs(t, "token span", tok.Attributes(), map[string]string{
		"http.request.method": "POST", "url.template": "/oauth/token", "genesys.oauth.grant_type": "client_credentials",
		"http.response.status_code": "200", "genesys.attempts": "1", "genesys.operation": "oauth.token"})
	if tok.Parent().SpanID() != call.SpanContext().SpanID() {
		t.Error("the token span is not a child of the call's span")
	}
	// Each request carries the traceparent of its span.
	want := fmt.Sprintf("[/oauth/token 00-%s-%s-01 /api/v2/users 00-%s-%s-01]",
		tok.SpanContext().TraceID(), tok.SpanContext().SpanID(), call.SpanContext().TraceID(), call.SpanContext().SpanID())
	if got := fmt.Sprint(r.parents); got != want {
		t.Errorf("traceparent headers %s, want %s", got, want)
	}
	rm := r.collect(t)
	if n := total(rm, "genesys.client.call.duration", map[string]string{"genesys.operation": "users.GetUsers", "genesys.status_class": "2xx", "http.request.method": "GET"}); n != 1 {
		t.Errorf("duration histogram: %d recordings, want 1", n)
	}
	if n := total(rm, "genesys.client.token.requests", map[string]string{"genesys.oauth.grant_type": "client_credentials", "genesys.status_class": "2xx"}); n != 1 {
		t.Errorf("token requests %d, want 1", n)
	}
	// The semantic-convention histogram: one recording per HTTP request,
	// the token request's and the call's, in seconds.
	for _, method := range []string{"GET", "POST"} {
		if n := total(rm, "http.client.request.duration", map[string]string{"http.request.method": method,
			"server.address": host, "server.port": port, "http.response.status_code": "200", "error.type": ""}); n != 1 {
			t.Errorf("http.client.request.duration of %s: %d recordings, want 1", method, n)
		}
	}
	if u, ok := unit(rm, "http.client.request.duration"); !ok || u != "s" {
		t.Errorf("http.client.request.duration unit %q (found %t), want s", u, ok)
	}
	r.noSecrets(t, r.secrets(t)...)
}

// unit returns the unit of metric name.
func unit(rm metricdata.ResourceMetrics, name string) (string, bool) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m.Unit, true
			}
		}
	}
	return "", false
}

func TestCallRetriedAfter429(t *testing.T) {
	t.Parallel()
	r := newRig(t, sim.WithFault("GET /api/v2/users", sim.RateLimited(time.Second).First(1)))
	if _, err := users.NewClient(r.c).GetUsers(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	calls := r.span(t, "users.GetUsers")
	if len(calls) != 1 {
		t.Fatalf("%d spans", len(calls))
	}
	call := calls[0]
	wantAttrs(t, "call span", call.Attributes(), map[string]string{"http.response.status_code": "200",
		"genesys.attempts": "2", "http.request.resend_count": "1"})
	ev := call.Events()
	if len(ev) != 1 || ev[0].Name != "retry_after" {
		t.Fatalf("events %v, want one retry_after", ev)
	}
	wantAttrs(t, "retry_after event", ev[0].Attributes, map[string]string{"genesys.attempt": "1",
		"http.response.status_code": "429", "error.type": "429"})
	if w := attrs(ev[0].Attributes)["genesys.wait"]; w < "1" || w > "1.2" {
		t.Errorf("wait %s s, want 1 to 1.1 s", w)
	}
	rm := r.collect(t)
	op := map[string]string{"genesys.operation": "users.GetUsers"}
	if n := total(rm, "genesys.client.call.retries", map[string]string{"genesys.operation": "users.GetUsers", "genesys.retry.kind": "retry_after"}); n != 1 {
		t.Errorf("retries %d, want 1", n)
	}
	if n := total(rm, "genesys.client.rate_limited", op); n != 1 {
		t.Errorf("429s %d, want 1", n)
	}
	// Each attempt is an HTTP request of its own: the 429 and the 200.
	for status, errType := range map[string]string{"429": "429", "200": ""} {
		if n := total(rm, "http.client.request.duration", map[string]string{"http.request.method": "GET",
			"http.response.status_code": status, "error.type": errType}); n != 1 {
			t.Errorf("http.client.request.duration of the %s attempt: %d recordings, want 1", status, n)
		}
	}
	r.noSecrets(t, r.secrets(t)...)
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	_, err := users.NewClient(r.c).GetUser(context.Background(), "00000000-0000-4000-8000-000000000000", nil)
	if !platformclient.IsNotFound(err) {
		t.Fatalf("want a 404, got %v", err)
	}
	calls := r.span(t, "users.GetUser")
	if len(calls) != 1 {
		t.Fatalf("%d spans", len(calls))
	}
	call := calls[0]
	wantAttrs(t, "call span", call.Attributes(), map[string]string{"url.template": "/api/v2/users/{userId}",
		"http.response.status_code": "404", "error.type": "404", "genesys.attempts": "1"})
	if call.Status().Code != codes.Error || strings.Contains(call.Status().Description, "000000") {
		t.Errorf("status %v", call.Status())
	}
	if a := attrs(call.Attributes()); len(a["genesys.correlation_id"]) < 8 {
		t.Error("no correlation id on the 404")
	}
	rm := r.collect(t)
	if n := total(rm, "genesys.client.call.duration", map[string]string{"genesys.operation": "users.GetUser", "genesys.status_class": "4xx"}); n != 1 {
		t.Errorf("duration of 4xx calls: %d recordings, want 1", n)
	}
	if n := total(rm, "genesys.client.call.retries", nil); n != 0 {
		t.Errorf("retries %d, want 0", n)
	}
	r.noSecrets(t, r.secrets(t)...)
}

// A token the API refuses (401) is renewed: the renewal is a token span
// inside the call's span, and counted.
func TestTokenRefresh(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	ctx := context.Background()
	u := users.NewClient(r.c)
	if _, err := u.GetUsers(ctx, nil); err != nil {
		t.Fatal(err)
	}
	first := r.secrets(t)
	r.c.SetToken(platformclient.Token{AccessToken: "revoked-token-value", TokenType: "bearer"})
	if _, err := u.GetUsers(ctx, nil); err != nil {
		t.Fatal(err)
	}
	calls, tokens := r.span(t, "users.GetUsers"), r.span(t, "oauth.token")
	if len(calls) != 2 || len(tokens) != 2 {
		t.Fatalf("spans: %d users.GetUsers, %d oauth.token", len(calls), len(tokens))
	}
	if tokens[1].Parent().SpanID() != calls[1].SpanContext().SpanID() {
		t.Error("the renewal is not a child of the second call's span")
	}
	wantAttrs(t, "second call", calls[1].Attributes(), map[string]string{"http.response.status_code": "200"})
	if n := total(r.collect(t), "genesys.client.token.requests", map[string]string{"genesys.status_class": "2xx"}); n != 2 {
		t.Errorf("token requests %d, want 2", n)
	}
	r.noSecrets(t, append(append(first, r.secrets(t)...), "revoked-token-value")...)
}

// A login refused for good: the token span records the status and no
// secret.
func TestRefusedLogin(t *testing.T) {
	t.Parallel()
	r := newRig(t)
	_, err := r.c.Authorize(context.Background(), platformclient.ClientCredentials{ClientID: r.s.ClientID(), ClientSecret: "not-the-secret"})
	if err == nil {
		t.Fatal("login with a wrong secret succeeded")
	}
	tokens := r.span(t, "oauth.token")
	if len(tokens) != 1 || tokens[0].Status().Code != codes.Error {
		t.Fatalf("token spans %v", tokens)
	}
	if n := total(r.collect(t), "genesys.client.token.requests", map[string]string{"genesys.status_class": "4xx"}); n != 1 {
		t.Errorf("refused token requests %d, want 1", n)
	}
	r.noSecrets(t, "not-the-secret", r.s.ClientSecret())
}

// A pause of the client's own rate limit is an event of the call's span.
func TestRateLimitPause(t *testing.T) {
	t.Parallel()
	r := newRigWith(t, []platformclient.Option{platformclient.WithRateLimit(4, 1)})
	u := users.NewClient(r.c)
	for range 2 {
		if _, err := u.GetUsers(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	calls := r.span(t, "users.GetUsers")
	if len(calls) != 2 {
		t.Fatalf("%d spans", len(calls))
	}
	ev := calls[1].Events()
	if len(ev) != 1 || ev[0].Name != "rate_limit_wait" {
		t.Fatalf("events of the second call %v, want one rate_limit_wait", ev)
	}
	wantAttrs(t, "rate_limit_wait", ev[0].Attributes, map[string]string{"genesys.attempt": "1"})
	if w := attrs(ev[0].Attributes)["genesys.wait"]; w <= "0.001" {
		t.Errorf("wait %s s", w)
	}
}

// gauge returns the value of an int64 or float64 gauge, and whether it was reported.
func gauge(rm metricdata.ResourceMetrics, name string) (float64, bool) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Gauge[int64]:
				if len(d.DataPoints) == 1 {
					return float64(d.DataPoints[0].Value), true
				}
			case metricdata.Gauge[float64]:
				if len(d.DataPoints) == 1 {
					return d.DataPoints[0].Value, true
				}
			}
		}
	}
	return 0, false
}

func TestRateLimitGauges(t *testing.T) {
	t.Parallel()
	r := newRig(t, sim.WithRateLimit(50, 2*time.Second))
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	collect := func() metricdata.ResourceMetrics {
		var rm metricdata.ResourceMetrics
		if err := reader.Collect(context.Background(), &rm); err != nil {
			t.Fatal(err)
		}
		return rm
	}
	reg, err := otelgenesys.RegisterRateLimitMetrics(r.c, otelgenesys.WithMeterProvider(mp))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := gauge(collect(), "genesys.client.ratelimit.allowed"); !ok || v != 0 {
		t.Fatalf("allowed before any call = %v (reported %v), want 0", v, ok)
	}
	u := users.NewClient(r.c)
	for range 3 {
		if _, err := u.GetUsers(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	rm := collect()
	if v, _ := gauge(rm, "genesys.client.ratelimit.allowed"); v != 50 {
		t.Errorf("allowed = %v, want the simulator's 50", v)
	}
	if v, _ := gauge(rm, "genesys.client.ratelimit.remaining"); v <= 0 || v >= 50 {
		t.Errorf("remaining = %v, want between 0 and 50 after 3 calls", v)
	}
	if v, _ := gauge(rm, "genesys.client.ratelimit.rate"); v <= 0 {
		t.Errorf("rate = %v, want a learnt rate", v)
	}
	if err := reg.Unregister(); err != nil {
		t.Fatal(err)
	}
	if _, ok := gauge(collect(), "genesys.client.ratelimit.allowed"); ok {
		t.Error("gauges still reported after Unregister")
	}
}

// A request that gets no answer is an HTTP request too: recorded with its
// error type and no status code, once per attempt.
func TestRequestDurationOfConnectionErrors(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	metrics := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(metrics))
	t.Cleanup(func() { _ = mp.Shutdown(context.Background()) })
	c, err := platformclient.New(platformclient.WithBaseURL("http://"+addr), platformclient.WithAccessToken("t"),
		otelgenesys.ClientOption(otelgenesys.WithMeterProvider(mp)),
		platformclient.WithRetryPolicy(platformclient.RetryPolicy{RetryMax: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := users.NewClient(c).GetUsers(context.Background(), nil); err == nil {
		t.Fatal("a call to a closed port succeeded")
	}
	var rm metricdata.ResourceMetrics
	if err := metrics.Collect(context.Background(), &rm); err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(addr, ":")
	if n := total(rm, "http.client.request.duration", map[string]string{"http.request.method": "GET", "server.address": host,
		"server.port": port, "error.type": "*platformclient.TransportError", "http.response.status_code": ""}); n != 3 {
		t.Errorf("http.client.request.duration of refused connections: %d recordings, want 3 (one per attempt)", n)
	}
}
