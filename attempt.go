package platformclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// errAttemptTimeout is wrapped by the *TransportError of an attempt that
// exceeded RetryPolicy.AttemptTimeout.
var errAttemptTimeout = errors.New("attempt timed out")

// attemptOnce makes one attempt, bounded by the policy's AttemptTimeout
// when it is positive. An attempt that runs out of its own time (not the
// caller's) is returned as a *TransportError wrapping errAttemptTimeout.
func (k *call) attemptOnce(ctx context.Context, l lease) (*http.Response, []byte, error) {
	timeout := k.pol.AttemptTimeout
	if timeout <= 0 {
		return k.attempt(ctx, l)
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel() // attempt has read and closed the body when it returns
	resp, data, err := k.attempt(actx, l)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		return nil, nil, &TransportError{Method: k.method, URL: k.shown,
			Err: fmt.Errorf("%w after %s", errAttemptTimeout, timeout)}
	}
	return resp, data, err
}

// attempt sends the request once and reads the whole response body, within
// the client's size limit. It returns:
//   - a response and its body, whatever the status;
//   - the response with a *TransportError when its body broke off (the
//     status and headers had arrived);
//   - no response and an error otherwise: the context's error as it is, a
//     *TransportError, *RedirectError, *ResponseTooLargeError, or the
//     error of a header or token that could not be set.
func (k *call) attempt(ctx context.Context, l lease) (*http.Response, []byte, error) {
	k.sent = time.Time{}
	var rd io.Reader
	if k.body != nil {
		rd = bytes.NewReader(k.body.data)
	}
	hreq, err := http.NewRequestWithContext(ctx, k.method, k.url, rd)
	if err != nil {
		return nil, nil, fmt.Errorf("platformclient: build request: %w", err)
	}
	if k.body != nil {
		data := k.body.data
		hreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		hreq.Header.Set("Content-Type", k.body.contentType)
	}
	if err := k.setHeaders(ctx, hreq, l); err != nil {
		return nil, nil, err
	}
	wrote := k.traceWrite(&hreq)
	op := k.operation()
	start := time.Now()
	k.sent = start
	resp, err := k.c.httpClient.Do(hreq)
	if err != nil {
		k.c.logExchange(ctx, k.cfg, exchange{op: op, req: hreq, body: k.body, err: err, start: start})
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, nil, k.ended(ctxErr, wrote)
		}
		if re := locationError(hreq, err); re != nil {
			return nil, nil, re
		}
		return nil, nil, &TransportError{Method: k.method, URL: k.shown, Err: err}
	}
	defer resp.Body.Close()
	limit := k.bodyLimit()
	data, err := readBody(resp, limit)
	if err != nil {
		k.c.logExchange(ctx, k.cfg, exchange{op: op, req: hreq, body: k.body, resp: resp, err: err, start: start})
		if errors.Is(err, errBodyTooLarge) {
			return nil, nil, tooLarge(k.method, k.shown, resp, limit)
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, k.ended(ctxErr, wrote)
		}
		return resp, nil, &TransportError{Method: k.method, URL: k.shown, Err: fmt.Errorf("read response body: %w", err)}
	}
	k.c.logExchange(ctx, k.cfg, exchange{op: op, req: hreq, body: k.body, resp: resp, data: data, start: start})
	if re := redirectError(hreq, resp, data); re != nil {
		return nil, nil, re
	}
	return resp, data, nil
}

// traceWrite makes *hreq tell whether it was written whole, for an API
// call whose method is not idempotent (POST, PATCH): a caller's context that ends
// after that may leave the operation applied. Other requests are left as
// they are (nil: not followed).
func (k *call) traceWrite(hreq **http.Request) *atomic.Bool {
	if k.kind != KindAPI || idempotentMethod(k.method) {
		return nil
	}
	wrote := new(atomic.Bool)
	trace := &httptrace.ClientTrace{WroteRequest: func(i httptrace.WroteRequestInfo) {
		if i.Err == nil {
			wrote.Store(true)
		}
	}}
	*hreq = (*hreq).WithContext(httptrace.WithClientTrace((*hreq).Context(), trace))
	return wrote
}

// ended is the error of an attempt cut short by the caller's context
// (ctxErr): the context's error as it is, or, when the request had been
// written whole and may not be repeated, a *TransportError wrapping it with
// OutcomeUnknown set (errors.Is still matches the context's error).
func (k *call) ended(ctxErr error, wrote *atomic.Bool) error {
	if wrote == nil || !wrote.Load() {
		return ctxErr
	}
	return &TransportError{Method: k.method, URL: k.shown, Err: ctxErr, OutcomeUnknown: true}
}

// operation names the call for logs: the request's operation, or
// TokenOperation for a token request.
func (k *call) operation() string {
	if k.kind == KindToken {
		return TokenOperation
	}
	return k.req.Operation
}

// setHeaders sets the headers of an attempt. An API call sends the client's
// headers, the request's and the call's, and the access token (of l, or
// the client's); a token request sends the client's headers but its
// Authorization, the observers' headers and the OAuth client's Basic
// credentials. A header net/http would refuse at send time is refused
// here, as an error that is not retried.
func (k *call) setHeaders(ctx context.Context, hreq *http.Request, l lease) error {
	h := hreq.Header
	copyHeader := func(from http.Header, skipAuth bool) {
		for name, vs := range from {
			if skipAuth && http.CanonicalHeaderKey(name) == "Authorization" {
				continue
			}
			h[name] = append([]string(nil), vs...)
		}
	}
	if k.kind == KindToken {
		copyHeader(k.cfg.headers, true)
		copyHeader(k.co.headers, false)
		h.Set("Content-Type", k.body.contentType)
		h.Set("Accept", "application/json")
		h.Set("User-Agent", k.cfg.userAgent)
		if k.token.secret != "" {
			hreq.SetBasicAuth(k.token.clientID, k.token.secret)
		}
		return checkHeaders("request", h)
	}
	accept := k.req.Accept
	if accept == "" {
		accept = "application/json"
	}
	h.Set("Accept", accept)
	h.Set("User-Agent", k.cfg.userAgent)
	copyHeader(k.cfg.headers, false)
	copyHeader(k.req.Headers, false)
	copyHeader(k.co.headers, false)
	if err := k.c.authorize(ctx, k.cfg, hreq, k.co, l.turn.slot); err != nil {
		return err
	}
	return checkHeaders("request", h)
}

// bodyLimit is the largest response body the call reads.
func (k *call) bodyLimit() int64 {
	if k.kind == KindToken {
		return min(maxTokenBody, k.cfg.maxResponseSize())
	}
	return k.cfg.maxResponseSize()
}
