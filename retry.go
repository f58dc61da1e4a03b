package platformclient

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// A request goes one way, each step in its own file:
//
//	build   request.go  newAPICall (grants.go: newTokenCall) makes the call
//	send    retry.go    (*call).send: pace, attempt, decide, wait, again
//	attempt attempt.go  (*call).attempt: headers, token, transport, bounded read, log
//	decode  decode.go   (*call).decode: the body into the result, or a token
//
// API calls and token requests go through the same loop; what may be
// retried is decided per kind (retry_decide.go).

// call is one request in flight (an API call or a token request) with
// everything its steps need.
type call struct {
	c    *Client
	cfg  *settings
	kind CallKind

	method string           // upper case
	url    string           // the full URL
	shown  string           // url without user information, for errors and logs
	req    *runtime.Request // the API request; nil for token requests
	out    any              // where a 2xx API body is decoded
	body   *payload         // the encoded body, sent again on retry; nil: none
	token  *tokenRequest    // the token request; nil for API calls
	tok    Token            // the token a token request got

	co  *callOptions // per-call options, headers and observers
	clk clock
	pol RetryPolicy
	// replayable says that a request that may have reached the server can
	// be sent again: an idempotent API call, or a token request of a grant
	// that may be repeated.
	replayable bool
	decide     decider

	start time.Time // when the call started, for MaxElapsed
	sent  time.Time // when the attempt in flight went out; zero: not sent
	held  int       // retry budget tokens taken for the attempt in flight
	// maybeApplied: an earlier attempt may have reached the service (it
	// broke off after it was sent), so a later 404 of a DELETE means gone.
	maybeApplied bool
}

// lease is what the pacing step gives an attempt: its turn in the client's
// pacer. A token pool adds the token the attempt goes out on here.
type lease struct {
	turn ticket
}

// send makes the attempts of the call and returns the final response with
// its body read and closed. A non-2xx API response is returned as a
// response (Do turns it into an *APIError); co.attempts counts the attempts
// made, across sends of one call (a replay after a 401).
func (k *call) send(ctx context.Context) (*http.Response, []byte, error) {
	before := k.co.attempts
	k.held = 0
	for n := 1; ; n++ {
		k.co.attempts = before + n
		l, err := k.pace(ctx, n)
		if err != nil {
			return nil, nil, err
		}
		resp, data, err := k.attemptOnce(ctx, l)
		k.co.observed.attempt(n, k.sent, resp, err)
		k.settle(l, resp, data)
		err = k.decode(resp, data, err, n)
		v := k.decide(k, resp, err)
		if !v.retry {
			if v.healthy {
				k.cfg.budget.success(k.held)
			}
			return resp, data, k.final(err)
		}
		wait, ok := k.wait(ctx, n, resp, v)
		if !ok {
			return resp, data, k.final(err)
		}
		if v.free {
			k.held = 0
		} else {
			cost := k.cfg.budget.cost(v.timeout)
			if !k.cfg.budget.take(cost) {
				return resp, data, k.final(err)
			}
			k.held = cost
		}
		cause := k.cause(resp, data, err, n)
		k.maybeApplied = k.maybeApplied || mayHaveArrived(err)
		if k.pol.OnRetry != nil {
			k.pol.OnRetry(RetryEvent{Method: k.method, URL: k.shown, Attempt: n, Wait: wait, Err: cause})
		}
		k.co.observed.retry(n, wait, resp, cause)
		if serr := k.clk.Sleep(ctx, wait); serr != nil {
			k.cfg.budget.give(k.held) // the retry was not made
			return nil, nil, fmt.Errorf("platformclient: %w while waiting to retry; last attempt: %w", serr, cause)
		}
	}
}

// pace waits for the turn of attempt n in the client's pacer (API calls
// only: the login service has limits of its own). A wait that would pass
// the deadline of ctx, or a hold longer than MaxRetryAfter, fails at once
// with a *RateLimitError.
func (k *call) pace(ctx context.Context, n int) (lease, error) {
	if k.kind != KindAPI {
		return lease{}, nil
	}
	waited := k.co.observed.waitStart(k.clk)
	tk, err := k.c.waitTurn(ctx, k.cfg, k.clk, k.pol.MaxRetryAfter)
	if err != nil {
		err.Method, err.URL = k.method, k.shown
		return lease{}, err
	}
	k.co.observed.rateLimitWait(n, k.clk, waited)
	return lease{turn: tk}, nil
}

// settle tells the pacer what the attempt of l got.
func (k *call) settle(l lease, resp *http.Response, data []byte) {
	if k.kind == KindAPI {
		l.turn.pacerOf(k.cfg).observe(l.turn, resp, data, k.clk.Now())
	}
}

// wait returns the wait before the retry of failed attempt n, or false when
// the retry may not be made: the policy's retries are spent, Retry-After is
// over MaxRetryAfter, or the wait would end past MaxElapsed, the verdict's
// own bound or the context's deadline.
func (k *call) wait(ctx context.Context, n int, resp *http.Response, v verdict) (time.Duration, bool) {
	if v.within <= 0 && n > k.pol.RetryMax {
		return 0, false
	}
	wait, ok := k.pol.wait(n, resp, k.clk.Now(), k.cfg.jitter)
	if !ok { // Retry-After above the cap
		return 0, false
	}
	elapsed := k.clk.Now().Sub(k.start)
	if v.within > 0 && elapsed+wait > v.within {
		wait = v.within - elapsed // a last look at the end of the bound
		if wait <= 0 {
			return 0, false
		}
	}
	if k.pol.MaxElapsed > 0 && elapsed+wait > k.pol.MaxElapsed {
		return 0, false
	}
	if dl, has := ctx.Deadline(); has && time.Until(dl) < wait {
		return 0, false // the retry could not finish in time
	}
	return wait, true
}

// cause is the error that failed attempt n, for retry events and for the
// error of a wait cut short: err, or the *APIError of a response.
func (k *call) cause(resp *http.Response, data []byte, err error, n int) error {
	if err != nil || resp == nil {
		return k.mark(err)
	}
	e := newAPIError(resp, data, k.req.Method, k.shown)
	e.Attempts = n
	return e
}

// final is the error of the call's last attempt, with the number of
// attempts made and whether the outcome is unknown.
func (k *call) final(err error) error {
	return withAttempts(k.mark(err), k.co.attempts)
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
