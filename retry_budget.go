package platformclient

import (
	"context"
	"sync"
	"time"
)

// retryBudget is the token bucket of RetryBudget. It is shared by all calls
// of a client (and by the settings copies made on reload).
type retryBudget struct {
	cfg    RetryBudget
	mu     sync.Mutex
	tokens int
}

// newRetryBudget returns a full bucket, or nil when b is disabled.
func newRetryBudget(b RetryBudget) *retryBudget {
	if b.Disabled {
		return nil
	}
	b = b.withDefaults()
	return &retryBudget{cfg: b, tokens: b.Capacity}
}

// cost returns the tokens a retry takes.
func (b *retryBudget) cost(timeout bool) int {
	if b == nil {
		return 0
	}
	if timeout {
		return b.cfg.TimeoutCost
	}
	return b.cfg.RetryCost
}

// take removes n tokens and reports whether there were enough.
func (b *retryBudget) take(n int) bool {
	if b == nil {
		return true
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < n {
		return false
	}
	b.tokens -= n
	return true
}

// give returns n tokens, up to the capacity.
func (b *retryBudget) give(n int) {
	if b == nil || n <= 0 {
		return
	}
	b.mu.Lock()
	b.tokens = min(b.tokens+n, b.cfg.Capacity)
	b.mu.Unlock()
}

// success records a call whose last attempt got a healthy answer: it gives
// back the tokens of the retry that got it, or SuccessRefund if there was
// no retry.
func (b *retryBudget) success(held int) {
	if b == nil {
		return
	}
	if held > 0 {
		b.give(held)
		return
	}
	b.give(b.cfg.SuccessRefund)
}

func (b *retryBudget) state() (int, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tokens, b.cfg.Capacity
}

// clock tells the time and waits; tests replace it so that they never sleep.
type clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx ends, whichever comes first, and
	// returns ctx.Err() in the second case.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
