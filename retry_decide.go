package platformclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"
	"time"
)

// decider says what the result of one attempt allows: decideAPI for API
// calls, decideToken for token requests. err is the attempt's error after
// decoding (for token requests, an *AuthError for every refusal); resp is
// nil when no response came.
type decider func(k *call, resp *http.Response, err error) verdict

// verdict is what a decider decides about an attempt.
type verdict struct {
	retry   bool // the attempt may be repeated
	timeout bool // it failed by timing out (costs more budget)
	healthy bool // the service answered normally (refills the budget)
	// within, when positive, bounds the time from the call's start to the
	// retry instead of RetryMax (RetryNotFound).
	within time.Duration
	free   bool // the retry takes nothing from the retry budget
}

// decideAPI decides for an API call: classify's rules, and a 404 within
// the call's RetryNotFound time.
func decideAPI(k *call, resp *http.Response, err error) verdict {
	if err == nil && resp.StatusCode == http.StatusNotFound && k.co.notFoundFor > 0 {
		// The service answered as it should; the object may not be
		// visible yet. Retried with backoff until the bound, not counted
		// against RetryMax or the budget.
		return verdict{retry: true, within: k.co.notFoundFor, free: true}
	}
	return classify(k.replayable, resp, err)
}

// classify decides whether an attempt of an API call may be retried:
// a 429 always; 502, 503, 504 and connection errors (a cut 2xx body among
// them) when the request may be repeated (replayable) or provably was not
// sent.
func classify(replayable bool, resp *http.Response, err error) verdict {
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return verdict{} // the caller's context ended: no retry can help
		}
		var te *TransportError
		if !errors.As(err, &te) || !retryableTransport(te) {
			return verdict{}
		}
		return verdict{retry: replayable || notSent(te), timeout: isTimeoutErr(te)}
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return verdict{retry: true}
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return verdict{retry: replayable}
	}
	return verdict{healthy: resp.StatusCode < 500}
}

// decideToken decides for a token request. The login service refuses
// without using the grant when it answers 429, 503 or its own rate limit
// (400 invalid_request, "rate limit exceeded; ..."): retried for every
// grant. A 502, a 504 or a connection error after the request was sent may
// have spent a one-time code or a rotated refresh token: retried only for
// grants that may be repeated (client credentials, SAML2 bearer). Any
// other refusal (invalid_client, invalid_grant, other 4xx) is final.
func decideToken(k *call, _ *http.Response, err error) verdict {
	if err == nil {
		return verdict{healthy: true}
	}
	var ae *AuthError
	if !errors.As(err, &ae) {
		return verdict{} // the context's error, a request that could not be built
	}
	var te *TransportError
	if errors.As(ae.Err, &te) {
		if !retryableTransport(te) {
			return verdict{}
		}
		return verdict{retry: k.replayable || notSent(te), timeout: isTimeoutErr(te)}
	}
	switch {
	case ae.StatusCode == http.StatusTooManyRequests, ae.StatusCode == http.StatusServiceUnavailable:
		return verdict{retry: true}
	case ae.StatusCode == http.StatusBadGateway, ae.StatusCode == http.StatusGatewayTimeout:
		return verdict{retry: k.replayable}
	case ae.StatusCode == http.StatusBadRequest && isLoginRateLimit(ae):
		return verdict{retry: true}
	}
	return verdict{healthy: ae.StatusCode > 0 && ae.StatusCode < 500}
}

// isLoginRateLimit reports whether a 400 from the token endpoint is its
// rate limit: error invalid_request (or none) and a description that
// starts "rate limit exceeded".
func isLoginRateLimit(ae *AuthError) bool {
	code := strings.ToLower(ae.Code)
	return (code == "invalid_request" || code == "") &&
		strings.HasPrefix(strings.ToLower(strings.TrimSpace(ae.Description)), "rate limit exceeded")
}

// idempotentMethod reports whether repeating a request of this method has
// the effect of sending it once (RFC 9110, 9.2.2).
func idempotentMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

// retryableTransport reports whether a connection error may go away on a
// new attempt: certificate and TLS handshake mismatches do not.
func retryableTransport(te *TransportError) bool {
	var (
		cve  *tls.CertificateVerificationError
		ua   x509.UnknownAuthorityError
		he   x509.HostnameError
		ci   x509.CertificateInvalidError
		rhe  tls.RecordHeaderError
		alrt tls.AlertError
		hook *HookError
	)
	switch {
	case errors.As(te.Err, &hook):
		return false
	case errors.As(te.Err, &cve), errors.As(te.Err, &ua), errors.As(te.Err, &he),
		errors.As(te.Err, &ci), errors.As(te.Err, &rhe), errors.As(te.Err, &alrt):
		return false
	}
	return true
}

// notSent reports whether the request never left: the connection could not
// be opened, so any method may be retried.
func notSent(te *TransportError) bool {
	var op *net.OpError
	return errors.As(te.Err, &op) && (op.Op == "dial" || op.Op == "proxyconnect")
}

// isTimeoutErr reports whether err is a timeout of the network or of an
// attempt.
func isTimeoutErr(err error) bool {
	if errors.Is(err, errAttemptTimeout) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// withAttempts records the number of attempts in a *TransportError.
func withAttempts(err error, n int) error {
	var te *TransportError
	if errors.As(err, &te) {
		te.Attempts = n
	}
	return err
}

// mayHaveArrived reports whether a failed attempt may have reached the
// service: its connection broke after the request was sent, or its answer
// broke off.
func mayHaveArrived(err error) bool {
	var te *TransportError
	return errors.As(err, &te) && retryableTransport(te) && !notSent(te)
}

// goneAfterRetry reports whether the final answer of a DELETE is a 404
// after an attempt that may have deleted the object: the object is gone,
// which is what the DELETE asked, so the call succeeds.
func (k *call) goneAfterRetry(resp *http.Response, err error) bool {
	return err == nil && resp != nil && resp.StatusCode == http.StatusNotFound &&
		k.maybeApplied && strings.EqualFold(k.method, http.MethodDelete)
}

// mark sets OutcomeUnknown on the *TransportError of an API call whose
// method is not idempotent, when the request may have reached the server:
// the connection failed after it was sent, or a 2xx body was cut short.
// A connection that could not be opened, a TLS handshake that failed or a
// hook that refused the request leave it unset: nothing was sent.
func (k *call) mark(err error) error {
	if k.kind != KindAPI || idempotentMethod(strings.ToUpper(k.method)) {
		return err
	}
	var te *TransportError
	if mayHaveArrived(err) && errors.As(err, &te) {
		te.OutcomeUnknown = true
	}
	return err
}
