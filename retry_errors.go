package platformclient

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// IsRetryable reports whether err is a failure that a later attempt of an
// idempotent request may not meet: a 429, 502, 503 or 504 *APIError, a
// *RateLimitError, or a *TransportError other than a certificate or TLS
// handshake failure. Errors
// of a context that was cancelled or ran out of time are not retryable.
func IsRetryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var te *TransportError
	if errors.As(err, &te) {
		return retryableTransport(te)
	}
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return true // nothing was sent; a later call may get its turn
	}
	switch StatusCode(err) {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// IsServerError reports whether err is an API error with a 5xx status.
func IsServerError(err error) bool {
	s := StatusCode(err)
	return s >= 500 && s <= 599
}

// IsTimeout reports whether err is a timeout: the call's deadline passed, an
// attempt exceeded RetryPolicy.AttemptTimeout, or the network timed out.
func IsTimeout(err error) bool {
	return errors.Is(err, context.DeadlineExceeded) || isTimeoutErr(err)
}

// RetryAfter returns the Retry-After of an *APIError in err's chain, or the
// Wait of a *RateLimitError, or 0.
func RetryAfter(err error) time.Duration {
	var e *APIError
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	var rl *RateLimitError
	if errors.As(err, &rl) {
		return rl.Wait
	}
	return 0
}

// Attempts returns the number of attempts behind an *APIError or
// *TransportError in err's chain, or 0 when err has neither.
func Attempts(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.Attempts
	}
	var te *TransportError
	if errors.As(err, &te) {
		return te.Attempts
	}
	return 0
}

// IsOutcomeUnknown reports whether err is a request that is not idempotent
// (POST, PATCH) which may have been applied although the call failed: the
// connection broke after the request was sent and before a status came,
// the 2xx answer's body was cut short, or the caller's context was
// cancelled or ran out of time once the request was written (the error
// then matches the context's error too) (TransportError.OutcomeUnknown). Look
// the object up (by a name or an external id the request set) before
// creating it again. It is false when the request provably was not sent,
// and for any answer with an HTTP error status (the service did not apply
// it).
func IsOutcomeUnknown(err error) bool {
	var te *TransportError
	return errors.As(err, &te) && te.OutcomeUnknown
}
