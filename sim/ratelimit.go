package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// defaultRateAllowed is the per-token limit Genesys Cloud documents for the
// Platform API (300 requests a minute), used in the headers of injected 429s.
const defaultRateAllowed = 300

// rateLimiter counts requests per access token in fixed windows.
type rateLimiter struct {
	allowed int
	window  time.Duration
	enforce bool // answer 429 beyond allowed; else only count (limits.go)

	mu      sync.Mutex
	windows map[string]*rateWindow
}

type rateWindow struct {
	start time.Time
	count int
}

func newRateLimiter(allowed int, window time.Duration) *rateLimiter {
	return &rateLimiter{allowed: allowed, window: window, windows: map[string]*rateWindow{}}
}

// take counts a request of token at now, sets the inin-ratelimit-* headers
// of its answer in h (on every answer, as Genesys Cloud does) and returns
// the 429 to send when the token is over its limit and the limit is
// enforced. Every token has its own window.
func (l *rateLimiter) take(h http.Header, token string, now time.Time) *apiError {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows[token]
	if w == nil || !now.Before(w.start.Add(l.window)) {
		if len(l.windows) > 10000 { // forget old windows
			for k, old := range l.windows {
				if !now.Before(old.start.Add(l.window)) {
					delete(l.windows, k)
				}
			}
		}
		w = &rateWindow{start: now}
		l.windows[token] = w
	}
	w.count++
	reset := w.start.Add(l.window).Sub(now)
	secs := max(int((reset+time.Second-1)/time.Second), 1)
	h.Set("inin-ratelimit-count", strconv.Itoa(w.count))
	h.Set("inin-ratelimit-allowed", strconv.Itoa(l.allowed))
	h.Set("inin-ratelimit-reset", strconv.Itoa(secs))
	if w.count <= l.allowed || !l.enforce {
		return nil
	}
	e := &apiError{status: http.StatusTooManyRequests, code: "too.many.requests",
		message: fmt.Sprintf("Rate limit exceeded the maximum. [%d] requests for [%d] seconds", l.allowed, int(l.window/time.Second)),
		limit:   &errorLimit{Key: "token.rate.per.minute", Namespace: "platform.api", Value: float64(l.allowed)},
		header:  http.Header{}}
	e.header.Set("Retry-After", strconv.Itoa(secs))
	return e
}
