package otelgenesys

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/purecloudgo/platformclient"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/semconv/v1.40.0/httpconv"
	"go.opentelemetry.io/otel/trace"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/purecloudgo/platformclient/otelgenesys"

// Attribute keys of this package beyond the semantic conventions.
const (
	OperationKey     = attribute.Key("genesys.operation")      // "users.GetUser"
	CorrelationIDKey = attribute.Key("genesys.correlation_id") // the ININ-Correlation-Id response header
	AttemptsKey      = attribute.Key("genesys.attempts")       // attempts of the call, retries included
	AttemptKey       = attribute.Key("genesys.attempt")        // the attempt an event is about
	WaitKey          = attribute.Key("genesys.wait")           // seconds waited
	GrantTypeKey     = attribute.Key("genesys.oauth.grant_type")
	StatusClassKey   = attribute.Key("genesys.status_class") // "2xx"… or "error"
	RetryKindKey     = attribute.Key("genesys.retry.kind")   // "retry" or "retry_after"
)

// Option configures the Observer.
type Option func(*config)

type config struct {
	tp   trace.TracerProvider
	mp   metric.MeterProvider
	prop propagation.TextMapPropagator
}

// WithTracerProvider sets where spans go (default: otel.GetTracerProvider()).
func WithTracerProvider(tp trace.TracerProvider) Option { return func(c *config) { c.tp = tp } }

// WithMeterProvider sets where metrics go (default: otel.GetMeterProvider()).
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.mp = mp } }

// WithPropagator sets how the trace context is put on requests (default:
// W3C trace context, the traceparent and tracestate headers). Pass
// otel.GetTextMapPropagator() to use the program's global one.
func WithPropagator(p propagation.TextMapPropagator) Option { return func(c *config) { c.prop = p } }

// Observer is a platformclient.Observer that records OpenTelemetry spans and
// metrics. It is safe for concurrent use; one may serve several clients.
type Observer struct {
	tracer   trace.Tracer
	prop     propagation.TextMapPropagator
	duration metric.Float64Histogram
	requests httpconv.ClientRequestDuration // per HTTP request: each attempt
	retries  metric.Int64Counter
	limited  metric.Int64Counter
	tokens   metric.Int64Counter
}

// NewObserver returns an Observer; the error comes from creating the
// metric instruments.
func NewObserver(opts ...Option) (*Observer, error) {
	cfg := config{prop: propagation.TraceContext{}}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.tp == nil {
		cfg.tp = otel.GetTracerProvider()
	}
	if cfg.mp == nil {
		cfg.mp = otel.GetMeterProvider()
	}
	m := cfg.mp.Meter(ScopeName)
	o := &Observer{tracer: cfg.tp.Tracer(ScopeName), prop: cfg.prop}
	var err error
	if o.duration, err = m.Float64Histogram("genesys.client.call.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of Genesys Cloud API calls, retries and waits included.")); err != nil {
		return nil, err
	}
	if o.requests, err = httpconv.NewClientRequestDuration(m,
		metric.WithExplicitBucketBoundaries(requestDurationBuckets...)); err != nil {
		return nil, err
	}
	if o.retries, err = m.Int64Counter("genesys.client.call.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("Retries of Genesys Cloud API calls.")); err != nil {
		return nil, err
	}
	if o.limited, err = m.Int64Counter("genesys.client.rate_limited", metric.WithUnit("{response}"),
		metric.WithDescription("429 Too Many Requests responses to Genesys Cloud API calls.")); err != nil {
		return nil, err
	}
	if o.tokens, err = m.Int64Counter("genesys.client.token.requests", metric.WithUnit("{request}"),
		metric.WithDescription("Requests for access tokens: logins and renewals.")); err != nil {
		return nil, err
	}
	return o, nil
}

// requestDurationBuckets are the bucket boundaries (seconds) the semantic
// conventions advise for http.client.request.duration.
var requestDurationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10}

// ClientOption returns the platformclient option that adds a new Observer
// to a client; New fails with its error, if any.
func ClientOption(opts ...Option) platformclient.Option {
	o, err := NewObserver(opts...)
	if err != nil {
		return func(*platformclient.Client) error { return fmt.Errorf("otelgenesys: %w", err) }
	}
	return platformclient.WithObserver(o)
}

// StartCall starts the span of a call and puts its trace context on the
// call's requests.
func (o *Observer) StartCall(ctx context.Context, info *platformclient.CallInfo) (context.Context, platformclient.CallObserver) {
	name := info.Operation
	if name == "" {
		name = info.Method + " " + info.URLTemplate
	}
	attrs := []attribute.KeyValue{
		semconv.HTTPRequestMethodKey.String(info.Method),
		semconv.URLTemplateKey.String(info.URLTemplate),
	}
	host, port := hostPort(info.BaseURL)
	if host != "" {
		attrs = append(attrs, semconv.ServerAddressKey.String(host), semconv.ServerPortKey.Int(port))
	}
	if info.Operation != "" {
		attrs = append(attrs, OperationKey.String(info.Operation))
	}
	if info.Kind == platformclient.KindToken {
		attrs = append(attrs, GrantTypeKey.String(info.GrantType))
	}
	ctx, span := o.tracer.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	o.prop.Inject(ctx, propagation.HeaderCarrier(info.Header))
	return ctx, &call{o: o, ctx: ctx, span: span, start: time.Now(), kind: info.Kind,
		op: name, method: info.Method, grant: info.GrantType, host: host, port: port}
}

// call is the state of one traced call.
type call struct {
	o      *Observer
	ctx    context.Context
	span   trace.Span
	start  time.Time
	kind   platformclient.CallKind
	op     string
	method string
	grant  string
	host   string // server.address; "" when the base URL has none
	port   int
}

// Attempt records http.client.request.duration for one HTTP request: an
// attempt of an API call or a token request.
func (c *call) Attempt(e platformclient.CallEvent) {
	attrs := make([]attribute.KeyValue, 0, 2)
	if e.StatusCode > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCodeKey.Int(e.StatusCode))
	}
	if e.Err != nil || e.StatusCode >= 400 {
		attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(e.StatusCode, e.Err)))
	}
	c.o.requests.Record(c.ctx, e.Duration.Seconds(), httpconv.RequestMethodAttr(requestMethod(c.method)), c.host, c.port, attrs...)
}

// Event records a retry, a Retry-After wait or a rate-limit pause.
func (c *call) Event(e platformclient.CallEvent) {
	attrs := []attribute.KeyValue{AttemptKey.Int(e.Attempt), WaitKey.Float64(e.Wait.Seconds())}
	if e.StatusCode > 0 {
		attrs = append(attrs, semconv.HTTPResponseStatusCodeKey.Int(e.StatusCode))
	}
	if e.Err != nil {
		attrs = append(attrs, semconv.ErrorTypeKey.String(errorType(e.StatusCode, e.Err)))
	}
	c.span.AddEvent(e.Kind.String(), trace.WithAttributes(attrs...))
	if c.kind != platformclient.KindAPI {
		return
	}
	op := metric.WithAttributes(OperationKey.String(c.op))
	if e.Kind == platformclient.EventRetry || e.Kind == platformclient.EventRetryAfter {
		c.o.retries.Add(c.ctx, 1, metric.WithAttributes(OperationKey.String(c.op), RetryKindKey.String(e.Kind.String())))
	}
	if e.StatusCode == 429 {
		c.o.limited.Add(c.ctx, 1, op)
	}
}

// End ends the span and records the call's metrics.
func (c *call) End(r platformclient.CallResult) {
	elapsed := time.Since(c.start)
	if r.StatusCode > 0 {
		c.span.SetAttributes(semconv.HTTPResponseStatusCodeKey.Int(r.StatusCode))
	}
	if r.CorrelationID != "" {
		c.span.SetAttributes(CorrelationIDKey.String(r.CorrelationID))
	}
	if r.Attempts > 0 {
		c.span.SetAttributes(AttemptsKey.Int(r.Attempts))
	}
	if r.Attempts > 1 {
		c.span.SetAttributes(semconv.HTTPRequestResendCountKey.Int(r.Attempts - 1))
	}
	if r.Err != nil {
		et := errorType(r.StatusCode, r.Err)
		c.span.SetAttributes(semconv.ErrorTypeKey.String(et))
		c.span.SetStatus(codes.Error, et)
	}
	c.span.End()
	class := statusClass(r.StatusCode)
	if c.kind == platformclient.KindToken {
		c.o.tokens.Add(c.ctx, 1, metric.WithAttributes(GrantTypeKey.String(c.grant), StatusClassKey.String(class)))
		return
	}
	c.o.duration.Record(c.ctx, elapsed.Seconds(), metric.WithAttributes(OperationKey.String(c.op),
		semconv.HTTPRequestMethodKey.String(c.method), StatusClassKey.String(class)))
	if r.StatusCode == 429 {
		c.o.limited.Add(c.ctx, 1, metric.WithAttributes(OperationKey.String(c.op)))
	}
}

// requestMethod is the http.request.method of a method: "_OTHER" for one
// the semantic conventions do not know.
func requestMethod(m string) string {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE":
		return m
	}
	return "_OTHER"
}

// statusClass returns "2xx"… for a status, "error" for none.
func statusClass(code int) string {
	if code < 100 || code > 599 {
		return "error"
	}
	return strconv.Itoa(code/100) + "xx"
}

// errorType names an error without its message: the status code of an
// HTTP error, else the Go type of the error.
func errorType(code int, err error) string {
	if code >= 400 {
		return strconv.Itoa(code)
	}
	return fmt.Sprintf("%T", err)
}

// hostPort returns the host and port of a base URL.
func hostPort(base string) (string, int) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return "", 0
	}
	host, p := u.Hostname(), u.Port()
	if p == "" {
		if u.Scheme == "http" {
			return host, 80
		}
		return host, 443
	}
	n, _ := strconv.Atoi(p)
	return host, n
}
