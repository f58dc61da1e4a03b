package platformclient

import (
	"errors"
	"fmt"
	"time"
)

// The defaults of RetryPolicy. docs/retries.md ("Defaults, and why") gives the reasons.
const (
	defaultRetryMax      = 3
	defaultRetryWaitMin  = 1 * time.Second
	defaultRetryWaitMax  = 30 * time.Second
	defaultMaxElapsed    = 5 * time.Minute
	defaultMaxRetryAfter = 180 * time.Second
)

// RetryPolicy says which failed attempts of a call are tried again and how
// long to wait in between.
//
// A 429 Too Many Requests is retried for every method: the API rejected the
// request without acting on it. 502, 503 and 504 responses and connection
// errors are retried for GET, HEAD, PUT, DELETE and OPTIONS; for POST and
// PATCH only when RetryNonIdempotent is set or the call has CallIdempotent,
// since the server may have acted on the first attempt. A connection that
// could not be opened is retried for every method: nothing was sent. A 2xx
// answer whose body ends early counts as a connection error; a POST or
// PATCH that fails so is marked (IsOutcomeUnknown).
//
// Logins (token requests) follow the same policy: a 429, a 503 and the
// login service's own limit (400 invalid_request, "rate limit exceeded")
// are retried for every grant; a 502, a 504 or a connection error after
// sending only for client credentials and SAML2 bearer, since an
// authorization code or a rotated refresh token may already be spent.
//
// The zero value of a field means its default (for a client) or the client's
// value (for a call, with CallRetryPolicy), so RetryPolicy{} is the default
// policy and a policy needs only the fields it changes.
type RetryPolicy struct {
	// RetryMax is the number of retries after the first attempt: a call
	// makes at most RetryMax+1 attempts. Default 3; negative: no retries.
	RetryMax int

	// RetryWaitMin and RetryWaitMax bound the exponential backoff: the wait
	// before retry n is drawn at random from [u/2, u] with
	// u = min(RetryWaitMax, RetryWaitMin·2ⁿ), and is at least RetryWaitMin.
	// Defaults 1 s and 30 s. A Retry-After header replaces the backoff.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration

	// MaxElapsed bounds the time from the start of the call to the start of
	// the last retry: a retry whose wait would end later is not made and the
	// last error is returned at once. Default 5 minutes; negative: no bound
	// (the context's deadline still applies).
	MaxElapsed time.Duration

	// MaxRetryAfter is the longest Retry-After the client waits for. A
	// response asking for a longer wait is returned at once as an *APIError
	// with RetryAfter set. Default 180 s; negative: no cap.
	MaxRetryAfter time.Duration

	// AttemptTimeout bounds each attempt; an attempt that times out counts
	// as a connection error (retried per the rules above). Default none;
	// negative: none (to lift a client's value for one call).
	AttemptTimeout time.Duration

	// RetryNonIdempotent lets POST and PATCH be retried on 502, 503, 504 and
	// connection errors. Only set it when repeating such a request is
	// harmless; CallIdempotent does the same for one call.
	RetryNonIdempotent bool

	// OnRetry, if set, is called before each wait, from the calling
	// goroutine; it must be safe for concurrent use and return quickly.
	OnRetry func(RetryEvent)
}

// RetryEvent describes a retry about to happen, for logging and metrics.
type RetryEvent struct {
	Method  string
	URL     string        // without user info
	Attempt int           // the attempt that failed: 1 for the first
	Wait    time.Duration // the wait before the next attempt
	Err     error         // the cause: an *APIError or a *TransportError (an *AuthError for a login)
}

// DefaultRetryPolicy returns the policy a client uses when no option changes
// it, with every field filled in.
func DefaultRetryPolicy() RetryPolicy { return RetryPolicy{}.withDefaults() }

// merge returns p with the non-zero fields of o.
func (p RetryPolicy) merge(o RetryPolicy) RetryPolicy {
	if o.RetryMax != 0 {
		p.RetryMax = o.RetryMax
	}
	if o.RetryWaitMin != 0 {
		p.RetryWaitMin = o.RetryWaitMin
	}
	if o.RetryWaitMax != 0 {
		p.RetryWaitMax = o.RetryWaitMax
	}
	if o.MaxElapsed != 0 {
		p.MaxElapsed = o.MaxElapsed
	}
	if o.MaxRetryAfter != 0 {
		p.MaxRetryAfter = o.MaxRetryAfter
	}
	if o.AttemptTimeout != 0 {
		p.AttemptTimeout = o.AttemptTimeout
	}
	if o.RetryNonIdempotent {
		p.RetryNonIdempotent = true
	}
	if o.OnRetry != nil {
		p.OnRetry = o.OnRetry
	}
	return p
}

// withDefaults fills zero fields with the defaults. Negative RetryMax,
// MaxElapsed, MaxRetryAfter and AttemptTimeout stay negative (meaning none).
func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.RetryMax == 0 {
		p.RetryMax = defaultRetryMax
	}
	if p.RetryWaitMin <= 0 {
		p.RetryWaitMin = defaultRetryWaitMin
	}
	if p.RetryWaitMax <= 0 {
		p.RetryWaitMax = max(defaultRetryWaitMax, p.RetryWaitMin)
	}
	if p.RetryWaitMax < p.RetryWaitMin {
		p.RetryWaitMax = p.RetryWaitMin
	}
	if p.MaxElapsed == 0 {
		p.MaxElapsed = defaultMaxElapsed
	}
	if p.MaxRetryAfter == 0 {
		p.MaxRetryAfter = defaultMaxRetryAfter
	}
	return p
}

func (p RetryPolicy) validate() error {
	if p.RetryWaitMin < 0 || p.RetryWaitMax < 0 {
		return errors.New("platformclient: negative retry wait")
	}
	if p.RetryWaitMin > 0 && p.RetryWaitMax > 0 && p.RetryWaitMin > p.RetryWaitMax {
		return fmt.Errorf("platformclient: RetryWaitMin %s exceeds RetryWaitMax %s", p.RetryWaitMin, p.RetryWaitMax)
	}
	return nil
}

// WithRetryPolicy sets the client's retry policy. Zero fields keep their
// defaults; see RetryPolicy.
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.build.retry = p
		return nil
	}
}

// CallRetryPolicy overrides the client's retry policy for one call: its
// non-zero fields replace the client's.
func CallRetryPolicy(p RetryPolicy) CallOption {
	return func(o *callOptions) { o.retry = o.retry.merge(p) }
}

// CallNoRetry makes one call with a single attempt.
func CallNoRetry() CallOption {
	return func(o *callOptions) { o.retry.RetryMax = -1 }
}

// CallIdempotent declares that repeating this call is harmless, so that a
// POST or PATCH is retried on 502, 503, 504 and connection errors like a GET.
// Use it for requests the API treats as idempotent, such as queries.
func CallIdempotent() CallOption {
	return func(o *callOptions) { o.idempotent = true }
}

// RetryBudget is a client-wide token bucket that bounds retries: each retry
// takes tokens and a call that succeeds gives some back, so when most calls
// fail the bucket empties and the client stops multiplying the load on a
// struggling API. A call that finds the bucket empty returns its last error.
// Zero fields take the defaults.
type RetryBudget struct {
	Capacity      int  // tokens when full; default 500
	RetryCost     int  // tokens a retry takes; default 5
	TimeoutCost   int  // tokens a retry after a timeout takes; default 10
	SuccessRefund int  // tokens a call that succeeds at once gives back; default 1
	Disabled      bool // no budget: retries are bounded by the policy only
}

func (b RetryBudget) withDefaults() RetryBudget {
	if b.Capacity <= 0 {
		b.Capacity = 500
	}
	if b.RetryCost <= 0 {
		b.RetryCost = 5
	}
	if b.TimeoutCost <= 0 {
		b.TimeoutCost = 10
	}
	if b.SuccessRefund <= 0 {
		b.SuccessRefund = 1
	}
	return b
}

// WithRetryBudget replaces the client's retry budget (a full bucket).
func WithRetryBudget(b RetryBudget) Option {
	return func(c *Client) error {
		c.build.budget = newRetryBudget(b)
		return nil
	}
}

// RetryTokens returns the tokens left in the client's retry budget and its
// capacity; both are 0 when the budget is disabled.
func (c *Client) RetryTokens() (available, capacity int) {
	b := c.settings().budget
	if b == nil {
		return 0, 0
	}
	return b.state()
}

// withClock replaces the clock that times waits (tests).
func withClock(k clock) Option {
	return func(c *Client) error { c.build.clock = k; return nil }
}

// withJitter replaces the random numbers of jitter (tests).
func withJitter(f func() float64) Option {
	return func(c *Client) error { c.build.jitter = f; return nil }
}

// RetryNotFound makes one call retry a 404 answer, with the policy's
// backoff, for up to d after the call started: for reading an object right
// after creating it, while the service's replicas may not know it yet
// (eventual consistency). The retries of a 404 do not count against
// RetryMax or the retry budget; MaxElapsed and the context still bound
// them. A 404 that lasts longer than d is returned as the *APIError. It is
// never on by default; d <= 0 leaves it off.
func RetryNotFound(d time.Duration) CallOption {
	return func(o *callOptions) { o.notFoundFor = max(d, 0) }
}
