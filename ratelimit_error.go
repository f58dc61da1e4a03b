package platformclient

import (
	"fmt"
	"strings"
	"time"
)

// RateLimitError is a call that did not get its turn under the client's
// rate-limit pacing (or fixed rate): the wait would have passed the
// context's deadline, the API had asked for a pause longer than
// RetryPolicy.MaxRetryAfter, or the context ended while the call waited.
// No request was sent for the attempt. IsRateLimited reports true for it,
// RetryAfter returns its Wait, and errors.Is matches
// context.DeadlineExceeded or context.Canceled when the context was the
// reason.
type RateLimitError struct {
	Method string
	URL    string // without user info
	// Wait is the wait the call would have needed, from when it asked.
	Wait time.Duration
	// State is the client's pacing when the call gave up.
	State RateLimitState
	// Err is the context's error, or nil when the API's pause was too long.
	Err error
}

// Error names the call, the wait it would have needed and why it did not wait.
func (e *RateLimitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "platformclient: %s %s: rate limit: ", e.Method, e.URL)
	switch {
	case e.Err == nil:
		fmt.Fprintf(&b, "the API asked for a pause (a wait of %s), longer than the call accepts", e.Wait.Round(time.Millisecond))
	default:
		fmt.Fprintf(&b, "a wait of %s for the next turn: %v", e.Wait.Round(time.Millisecond), e.Err)
	}
	if s := e.State; s.Allowed > 0 {
		fmt.Fprintf(&b, " [allowance %d per %s]", s.Allowed, s.Window)
	}
	return b.String()
}

// Unwrap returns the context's error; nil when the API's pause was too long.
func (e *RateLimitError) Unwrap() error { return e.Err }
