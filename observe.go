package platformclient

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// Observer watches the calls of a client: API calls and the token requests
// of its logins. It is the extension point for tracing, metrics and audit
// logs (package github.com/purecloudgo/platformclient/otel builds
// OpenTelemetry spans and metrics on it). Set it with WithObserver.
//
// StartCall is called once per call, before the first attempt (and before
// any wait of the client-side rate limit), from the calling goroutine. It
// returns the context the call goes on with, e.g. one that carries a span,
// and the CallObserver that is told what happens next, or nil to not follow
// this call. It may add headers to info.Header, e.g. a W3C traceparent:
// every attempt of an API call and every token request sends them.
//
// An Observer must be safe for concurrent use, return quickly and never see
// a secret: CallInfo, CallEvent and CallResult hold none.
type Observer interface {
	StartCall(ctx context.Context, info *CallInfo) (context.Context, CallObserver)
}

// CallObserver follows one call started by Observer.StartCall. Its methods
// are called from the goroutine that makes the call, in order: any number
// of Event, then End once.
type CallObserver interface {
	Event(CallEvent)
	End(CallResult)
}

// AttemptObserver is a CallObserver that is also told of each attempt that
// went out, as it ends: a CallEvent of Kind EventAttempt with the attempt's
// Duration, StatusCode and transport error, between the Events of the call
// (before the retry that follows a failed attempt). Metrics of single HTTP
// requests, such as OpenTelemetry's http.client.request.duration, are
// built on it. StartCall returns it as a CallObserver; the client detects
// the method.
type AttemptObserver interface {
	CallObserver
	Attempt(CallEvent)
}

// CallKind tells an API call from a token request.
type CallKind int

const (
	// KindAPI is a call of the Platform API (Client.Do and every generated
	// method).
	KindAPI CallKind = iota + 1
	// KindToken is a request to the login service's token endpoint: a
	// login, a renewal or a refresh of the access token.
	KindToken
)

// TokenOperation is the CallInfo.Operation of token requests.
const TokenOperation = "oauth.token"

// CallInfo describes a call as it starts.
type CallInfo struct {
	Kind CallKind
	// Operation names the operation as package.Method ("users.GetUser")
	// for generated methods, TokenOperation for token requests, and is
	// Request.Operation (often "") for requests built by hand.
	Operation string
	Method    string // "GET", "POST"…
	// URLTemplate is the path with its variables unfilled
	// ("/api/v2/users/{userId}"; "/oauth/token" for token requests).
	URLTemplate string
	// BaseURL is where the path goes: the API base URL, or the login URL
	// for token requests ("https://api.mypurecloud.ie"); without user
	// information.
	BaseURL string
	// GrantType is the OAuth grant of a token request ("client_credentials",
	// "refresh_token"…); "" for API calls.
	GrantType string
	// Header holds headers the observer adds to the call's requests. It is
	// empty (not nil) when StartCall is called.
	Header http.Header
}

// EventKind is what a CallEvent reports.
type EventKind int

const (
	// EventRetry: an attempt failed and the client waits Wait (its backoff)
	// before the next one.
	EventRetry EventKind = iota + 1
	// EventRetryAfter: an attempt failed and the client waits Wait, as the
	// response's Retry-After asked, before the next one.
	EventRetryAfter
	// EventRateLimitWait: the client's own rate limit (WithRateLimit, or the
	// pacing that reads the API's rate-limit headers) held the attempt for
	// Wait before sending it.
	EventRateLimitWait
	// EventAttempt: an attempt that went out has ended (only for an
	// AttemptObserver, through its Attempt method).
	EventAttempt
)

// String returns the event's name: "retry", "retry_after",
// "rate_limit_wait" or "attempt".
func (k EventKind) String() string {
	switch k {
	case EventRetry:
		return "retry"
	case EventRetryAfter:
		return "retry_after"
	case EventRateLimitWait:
		return "rate_limit_wait"
	case EventAttempt:
		return "attempt"
	}
	return "unknown"
}

// CallEvent is something that happened during a call.
type CallEvent struct {
	Kind EventKind
	// Attempt is the attempt that failed (retries) or that waited (rate
	// limit): 1 for the first.
	Attempt int
	Wait    time.Duration
	// StatusCode is the status of the failed (or, for EventAttempt, ended)
	// attempt; 0 when it got no response (a connection error) and for
	// rate-limit waits.
	StatusCode int
	// Err is why the attempt failed; nil for rate-limit waits, and for an
	// EventAttempt that got a whole response, whatever its status.
	Err error
	// Duration is how long an EventAttempt took, from sending the request
	// to the end of its response body; 0 for the other kinds.
	Duration time.Duration
}

// CallResult is how a call ended.
type CallResult struct {
	// StatusCode is the final response's status; 0 when no response came.
	StatusCode    int
	Attempts      int    // attempts made, retries included; 0 when none was sent
	CorrelationID string // the ININ-Correlation-Id of the final response
	Err           error  // nil when the call succeeded
}

// WithObserver adds an Observer that sees every call of the client and its
// token requests. Several observers see each call in the order added. A
// client without observers pays nothing for the feature.
func WithObserver(o Observer) Option {
	return func(c *Client) error {
		if o == nil {
			return errors.New("platformclient: nil observer")
		}
		if m, ok := c.build.observer.(observers); ok {
			c.build.observer = append(m[:len(m):len(m)], o)
		} else if c.build.observer != nil {
			c.build.observer = observers{c.build.observer, o}
		} else {
			c.build.observer = o
		}
		return nil
	}
}

// observers is several Observers in order.
type observers []Observer

func (m observers) StartCall(ctx context.Context, info *CallInfo) (context.Context, CallObserver) {
	var all callObservers
	for _, o := range m {
		var co CallObserver
		ctx, co = o.StartCall(ctx, info)
		if co != nil {
			all = append(all, co)
		}
	}
	if len(all) == 0 {
		return ctx, nil
	}
	return ctx, all
}

type callObservers []CallObserver

func (m callObservers) Event(e CallEvent) {
	for _, o := range m {
		o.Event(e)
	}
}

func (m callObservers) End(r CallResult) {
	for _, o := range m {
		o.End(r)
	}
}

func (m callObservers) Attempt(e CallEvent) {
	for _, o := range m {
		if a, ok := o.(AttemptObserver); ok {
			a.Attempt(e)
		}
	}
}

// observed is the state of one observed call. Its methods do nothing on a
// nil receiver, which is what calls of a client without observers have.
type observed struct {
	obs CallObserver
	att AttemptObserver // obs when it follows attempts; nil otherwise
}

// startObserved starts observing a call: it gives info an empty Header for
// the observer to fill, and returns nil when there is no observer or it
// declines the call.
func startObserved(ctx context.Context, o Observer, info *CallInfo) (context.Context, *observed) {
	if o == nil {
		return ctx, nil
	}
	info.Header = http.Header{}
	ctx, co := o.StartCall(ctx, info)
	if co == nil {
		return ctx, nil
	}
	ob := &observed{obs: co}
	ob.att, _ = co.(AttemptObserver)
	return ctx, ob
}

// retry reports the wait before the retry of failed attempt n.
func (ob *observed) retry(n int, wait time.Duration, resp *http.Response, cause error) {
	if ob == nil {
		return
	}
	e := CallEvent{Kind: EventRetry, Attempt: n, Wait: wait, Err: cause}
	if resp != nil {
		e.StatusCode = resp.StatusCode
		if resp.Header.Get("Retry-After") != "" {
			e.Kind = EventRetryAfter
		}
	}
	ob.obs.Event(e)
}

// attempt reports the end of attempt n, sent at sent (zero: it never went
// out, and nothing is reported), with its response or transport error.
func (ob *observed) attempt(n int, sent time.Time, resp *http.Response, err error) {
	if ob == nil || ob.att == nil || sent.IsZero() {
		return
	}
	e := CallEvent{Kind: EventAttempt, Attempt: n, Duration: time.Since(sent), Err: err}
	if resp != nil {
		e.StatusCode = resp.StatusCode
	}
	ob.att.Attempt(e)
}

// minReportedWait is the shortest rate-limit wait reported: a shorter one
// is the time the pacer itself takes.
const minReportedWait = time.Millisecond

// waitStart returns the time a rate-limit wait starts, read only when the
// call is observed.
func (ob *observed) waitStart(clk clock) time.Time {
	if ob == nil {
		return time.Time{}
	}
	return clk.Now()
}

// rateLimitWait reports the wait since start of attempt n, if it was one.
func (ob *observed) rateLimitWait(n int, clk clock, start time.Time) {
	if ob == nil {
		return
	}
	if d := clk.Now().Sub(start); d >= minReportedWait {
		ob.obs.Event(CallEvent{Kind: EventRateLimitWait, Attempt: n, Wait: d})
	}
}

// end reports the end of the call.
func (ob *observed) end(r CallResult) {
	if ob != nil {
		ob.obs.End(r)
	}
}

// doObserved is Do for a client with observers.
func (c *Client) doObserved(ctx context.Context, cfg *settings, req *runtime.Request, out any, co *callOptions) error {
	info := &CallInfo{Kind: KindAPI, Operation: req.Operation, Method: req.Method,
		URLTemplate: req.PathTemplate, BaseURL: redactURL(cfg.baseURL)}
	ctx, ob := startObserved(ctx, cfg.observer, info)
	for k, vs := range info.Header {
		for _, v := range vs {
			CallHeader(k, v)(co)
		}
	}
	if ob == nil {
		return c.do(ctx, cfg, req, out, co)
	}
	co.observed = ob
	var resp Response
	user := co.response
	if user == nil {
		co.response = &resp
	}
	err := c.do(ctx, cfg, req, out, co)
	r := *co.response
	if user == nil {
		co.response = nil
	}
	res := CallResult{StatusCode: r.StatusCode, Attempts: r.Attempts, CorrelationID: r.CorrelationID, Err: err}
	if res.Attempts == 0 {
		res.Attempts = co.attempts
	}
	ob.end(res)
	return err
}

// requestTokenObserved is requestToken for a client with observers.
func (c *Client) requestTokenObserved(ctx context.Context, cfg *settings, r tokenRequest) (Token, error) {
	info := &CallInfo{Kind: KindToken, Operation: TokenOperation, Method: http.MethodPost,
		URLTemplate: "/oauth/token", BaseURL: redactURL(cfg.loginURL), GrantType: r.form.Get("grant_type")}
	ctx, ob := startObserved(ctx, cfg.observer, info)
	co := &callOptions{headers: info.Header, observed: ob}
	tok, err := c.sendToken(ctx, cfg, r, co)
	if ob != nil {
		res := CallResult{StatusCode: http.StatusOK, Attempts: co.attempts, Err: err}
		var ae *AuthError
		if errors.As(err, &ae) {
			res.StatusCode, res.CorrelationID = ae.StatusCode, ae.CorrelationID
		} else if err != nil {
			res.StatusCode = 0
		}
		ob.end(res)
	}
	return tok, err
}
