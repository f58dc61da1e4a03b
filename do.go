package platformclient

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// CallOption changes one call.
type CallOption func(*callOptions)

type callOptions struct {
	response *Response
	headers  http.Header
	token    string // the access token the last attempt sent
	err      error  // a CallOption that cannot be applied (CallHeader)

	retry      RetryPolicy // per-call overrides; zero fields keep the client's
	idempotent bool        // CallIdempotent: POST/PATCH may be retried
	attempts   int         // attempts made, set by send
	// notFoundFor is RetryNotFound's bound: a 404 is retried until then.
	notFoundFor time.Duration
	observed    *observed // the observers following the call; nil: none (observe.go)
	prefetch    int       // Prefetch: pages a page walker fetches at once (prefetch.go)
}

// Response is what a call received, filled by CaptureResponse.
type Response struct {
	StatusCode    int
	Header        http.Header
	CorrelationID string
	Body          []byte     // the raw body (for 2xx responses)
	RateLimit     *RateLimit // the inin-ratelimit-* headers; nil when absent
	Attempts      int        // attempts made, retries included
}

// CaptureResponse stores the status, headers and raw body of the call's
// response in r (also when the call fails with an *APIError, or with a
// *RedirectError: then r holds the redirect response).
func CaptureResponse(r *Response) CallOption {
	return func(o *callOptions) { o.response = r }
}

// CallHeader adds a header to this call only. A name that is not an HTTP
// token, or a value with a control character (CR, LF, NUL…), fails the call
// with *HeaderError before anything is sent.
func CallHeader(name, value string) CallOption {
	return func(o *callOptions) {
		if err := checkHeader("CallHeader", name, value); err != nil {
			if o.err == nil {
				o.err = err
			}
			return
		}
		if o.headers == nil {
			o.headers = http.Header{}
		}
		o.headers.Add(name, value)
	}
}

// payload is an encoded request body, kept as bytes so it can be replayed.
type payload struct {
	data        []byte
	contentType string
}

// Do sends req and decodes a 2xx response into out: a pointer to a model,
// slice or map for JSON; *string for text; *[]byte for raw bytes; nil to
// discard. A non-2xx response is returned as *APIError.
func (c *Client) Do(ctx context.Context, req *runtime.Request, out any, opts ...CallOption) (err error) {
	ctx, k, err := c.enter(ctx) // close.go
	if err != nil {
		return err
	}
	defer k.end(&err)
	var co callOptions
	for _, o := range opts {
		if o != nil {
			o(&co)
		}
	}
	if co.err != nil {
		return co.err
	}
	if co.prefetch > 1 {
		runtime.NotePrefetch(ctx, co.prefetch)
	}
	cfg := c.settings()
	if cfg.observer != nil {
		return c.doObserved(ctx, cfg, req, out, &co)
	}
	return c.do(ctx, cfg, req, out, &co)
}

// do is Do once the call's options are read: build the call, send it
// (once more with a new token after a 401), and make the result, its
// errors named after the request's operation.
func (c *Client) do(ctx context.Context, cfg *settings, req *runtime.Request, out any, co *callOptions) (err error) {
	defer func() { nameOperation(err, req.Operation) }()
	k, err := c.newAPICall(cfg, req, out, co)
	if err != nil {
		return err
	}
	if cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
	}
	resp, data, err := k.send(ctx)
	if err == nil && resp.StatusCode == http.StatusUnauthorized && c.reauthorize(cfg, co.token) {
		resp, data, err = k.send(ctx) // once, with a new token
	}
	if resp != nil && co.response != nil {
		*co.response = Response{StatusCode: resp.StatusCode, Header: resp.Header,
			CorrelationID: resp.Header.Get("ININ-Correlation-Id"), Body: data,
			RateLimit: parseRateLimit(resp.Header), Attempts: co.attempts}
	} else if co.response != nil && err != nil {
		if r := redirectResponse(err, co.attempts); r != nil {
			*co.response = *r
		}
	}
	if err != nil {
		if data, ok := redirectResult(req, err); ok { // download.go
			return decodeInto(out, data, "application/json")
		}
		return err
	}
	if k.goneAfterRetry(resp, err) {
		return nil // an earlier attempt deleted it
	}
	if !is2xx(resp.StatusCode) {
		e := newAPIError(resp, data, req.Method, redactURL(k.url))
		e.Attempts = max(co.attempts, 1)
		return e
	}
	return nil
}

// TransportError is a request that got no complete HTTP response: a refused
// or reset connection, a TLS failure, a 2xx body cut short.
type TransportError struct {
	// Operation names the operation of a generated method ("users.GetUser");
	// "" for a request built by hand. The error's text starts with it.
	Operation string
	Method    string
	URL       string
	Err       error
	Attempts  int // attempts made, retries included
	// OutcomeUnknown is set for a request that is not idempotent (POST,
	// PATCH) when it may have reached the service: the connection failed
	// after it was sent, the 2xx answer's body was cut short, or the
	// caller's context ended after the request was written (Err is then
	// the context's error, which errors.Is matches). The
	// operation may have been applied: look the object up before creating
	// it again. It is not set when the request provably was not sent (the
	// connection could not be opened). See IsOutcomeUnknown.
	OutcomeUnknown bool
}

// Error names the call and what went wrong on the connection.
func (e *TransportError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("%s: %v [after %d attempts]", callName(e.Operation, e.Method, e.URL), e.Err, e.Attempts)
	}
	return fmt.Sprintf("%s: %v", callName(e.Operation, e.Method, e.URL), e.Err)
}

// Unwrap returns the underlying network or read error.
func (e *TransportError) Unwrap() error { return e.Err }

// redactURL drops user info from a URL for errors and logs.
func redactURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if at := strings.IndexByte(rest, '@'); at >= 0 && at < strings.IndexAny(rest+"/", "/?") {
			return u[:i+3] + rest[at+1:]
		}
	}
	return u
}
