package platformclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"time"
)

// send performs the attempts of one call and returns the final response with
// its body read and closed. A non-2xx final response is returned as a
// response (Do turns it into an *APIError); co.attempts says how many
// attempts were made.
func (c *Client) send(ctx context.Context, cfg *settings, req *Request, u string, body *payload, co *callOptions) (*http.Response, []byte, error) {
	pol := cfg.retry.merge(co.retry).withDefaults()
	clk := cfg.clock
	if clk == nil {
		clk = realClock{}
	}
	method := strings.ToUpper(req.Method)
	unsafeOK := pol.RetryNonIdempotent || co.idempotent || idempotentMethod(method)
	start := clk.Now()
	held := 0             // budget tokens taken for the attempt in flight
	before := co.attempts // attempts of this call before this send (a replay after 401)
	for n := 1; ; n++ {
		co.attempts = before + n
		paced := co.observed.waitStart(clk)
		tk, err := c.pace(ctx, cfg, clk, pol.MaxRetryAfter, req.Method, u)
		if err != nil {
			return nil, nil, err
		}
		co.observed.rateLimitWait(n, clk, paced)
		resp, data, err := c.attemptOnce(ctx, pol.AttemptTimeout, cfg, req, u, body, co)
		cfg.pacer.observe(tk, resp, data, clk.Now())
		v := classify(method, unsafeOK, resp, err)
		if !v.retry {
			if v.healthy {
				cfg.budget.success(held)
			}
			return resp, data, withAttempts(err, co.attempts)
		}
		if n > pol.RetryMax {
			return resp, data, withAttempts(err, co.attempts)
		}
		wait, ok := pol.wait(n, resp, clk.Now(), cfg.jitter)
		if !ok { // Retry-After above the cap
			return resp, data, withAttempts(err, co.attempts)
		}
		if pol.MaxElapsed > 0 && clk.Now().Sub(start)+wait > pol.MaxElapsed {
			return resp, data, withAttempts(err, co.attempts)
		}
		if dl, has := ctx.Deadline(); has && time.Until(dl) < wait {
			return resp, data, withAttempts(err, co.attempts) // the retry could not finish in time
		}
		cost := cfg.budget.cost(v.timeout)
		if !cfg.budget.take(cost) {
			return resp, data, withAttempts(err, co.attempts)
		}
		held = cost
		cause := err
		if resp != nil {
			e := newAPIError(resp, data, req.Method, redactURL(u))
			e.Attempts = n
			cause = e
		}
		if pol.OnRetry != nil {
			pol.OnRetry(RetryEvent{Method: req.Method, URL: redactURL(u), Attempt: n, Wait: wait, Err: cause})
		}
		co.observed.retry(n, wait, resp, cause)
		if serr := clk.Sleep(ctx, wait); serr != nil {
			cfg.budget.give(held) // the retry was not made
			return nil, nil, fmt.Errorf("platformclient: %w while waiting to retry; last attempt: %w", serr, cause)
		}
	}
}

// attemptOnce makes one attempt, bounded by timeout when it is positive. An
// attempt that runs out of its own time (not the caller's) is returned as a
// *TransportError wrapping errAttemptTimeout.
func (c *Client) attemptOnce(ctx context.Context, timeout time.Duration, cfg *settings, req *Request, u string, body *payload, co *callOptions) (*http.Response, []byte, error) {
	if timeout <= 0 {
		return c.attempt(ctx, cfg, req, u, body, co)
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel() // attempt has read and closed the body when it returns
	resp, data, err := c.attempt(actx, cfg, req, u, body, co)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		return nil, nil, &TransportError{Method: req.Method, URL: redactURL(u),
			Err: fmt.Errorf("%w after %s", errAttemptTimeout, timeout)}
	}
	return resp, data, err
}

// errAttemptTimeout is wrapped by the *TransportError of an attempt that
// exceeded RetryPolicy.AttemptTimeout.
var errAttemptTimeout = errors.New("attempt timed out")

// verdict is what classify decides about an attempt.
type verdict struct {
	retry   bool // the attempt may be repeated
	timeout bool // it failed by timing out (costs more budget)
	healthy bool // the API answered normally (refills the budget)
}

// classify decides whether an attempt may be retried.
func classify(method string, unsafeOK bool, resp *http.Response, err error) verdict {
	if err != nil {
		var te *TransportError
		if !errors.As(err, &te) || !retryableTransport(te) {
			return verdict{}
		}
		return verdict{retry: unsafeOK || notSent(te), timeout: isTimeoutErr(te)}
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return verdict{retry: true}
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return verdict{retry: unsafeOK}
	}
	return verdict{healthy: resp.StatusCode < 500}
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

// wait returns the wait before retrying after failed attempt n: the
// response's Retry-After (plus up to 10 %, at most 1 s, of jitter so that
// clients told the same time do not return in step) or else the backoff.
// ok is false when Retry-After exceeds MaxRetryAfter.
func (p RetryPolicy) wait(n int, resp *http.Response, now time.Time, jitter func() float64) (d time.Duration, ok bool) {
	if jitter == nil {
		jitter = rand.Float64
	}
	if resp != nil {
		if h := resp.Header.Get("Retry-After"); h != "" {
			ra := parseRetryAfter(h, now)
			if p.MaxRetryAfter > 0 && ra > p.MaxRetryAfter {
				return ra, false
			}
			if ra > 0 {
				return ra + time.Duration(jitter()*float64(min(ra/10, time.Second))), true
			}
		}
	}
	return p.backoff(n, jitter()), true
}

// backoff returns the wait before retry n (1 for the first), drawn from
// [u/2, u] with u = min(RetryWaitMax, RetryWaitMin·2ⁿ), and never below
// RetryWaitMin. r is a random number in [0, 1).
func (p RetryPolicy) backoff(n int, r float64) time.Duration {
	u := p.RetryWaitMin
	for i := 0; i < n && u < p.RetryWaitMax; i++ {
		u *= 2
	}
	u = min(u, p.RetryWaitMax)
	d := u/2 + time.Duration(r*float64(u/2))
	return min(max(d, p.RetryWaitMin), p.RetryWaitMax)
}
