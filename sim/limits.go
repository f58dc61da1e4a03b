package sim

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Limits: the service's limits as the simulator models them. With
// WithRateAllowance every API answer carries the inin-ratelimit-* headers
// of its token's window, counted but not enforced (WithRateLimit enforces;
// ratelimit.go counts; gcsim counts the service's 300 a minute by
// default), the token endpoint
// refuses more than WithTokenRateLimit requests a second with the
// service's 400 invalid_request "rate limit exceeded; ...", WithLatency
// delays every answer, and Stats reports what happened.

// limitsConfig is what the options of this file set.
type limitsConfig struct {
	enforce     bool          // WithRateLimit: answer 429 beyond the allowance
	tokenRate   int           // token requests allowed per second; 0: no limit
	latency     time.Duration // added to every answer
	noListIndex bool          // internal benchmarks: list by scanning (users.go)
}

// limitState is the Server's share of this file.
type limitState struct {
	tokenMu    sync.Mutex
	tokenStart time.Time // start of the token endpoint's current one-second window
	tokenCount int

	tokenRequests atomic.Int64
	tokenRefused  atomic.Int64
	limited       atomic.Int64
	requests      atomic.Int64
}

// Stats is what a simulator has counted since it started.
type Stats struct {
	// Requests is the number of HTTP requests answered (login, API and
	// notification sockets).
	Requests int64
	// TokenRequests is the number of requests to /oauth/token.
	TokenRequests int64
	// TokenRefusals is the number of token requests refused by the token
	// endpoint's rate limit (WithTokenRateLimit).
	TokenRefusals int64
	// RateLimited is the number of 429 answers sent, by the per-token
	// limit or by injected faults.
	RateLimited int64
}

// Stats returns the simulator's counts so far. It is safe to call at any
// time, also after Close.
func (s *Server) Stats() Stats {
	return Stats{Requests: s.lim.requests.Load(), TokenRequests: s.lim.tokenRequests.Load(),
		TokenRefusals: s.lim.tokenRefused.Load(), RateLimited: s.lim.limited.Load()}
}

// WithRateAllowance sets the allowance counted in the inin-ratelimit-*
// headers of every API answer, allowed requests per window for each
// access token, without enforcing it (the service allows 300 a minute;
// without this option or WithRateLimit no headers are sent). WithRateLimit
// enforces it; a scaled window (say 100 per 2s) lets tests of pacing run
// in seconds.
func WithRateAllowance(allowed int, window time.Duration) Option {
	return func(c *config) error {
		if allowed < 1 || window < time.Second {
			return fmt.Errorf("sim: invalid rate allowance %d per %s", allowed, window)
		}
		c.rateAllowed, c.rateWindow = allowed, window
		return nil
	}
}

// WithTokenRateLimit limits /oauth/token to perSecond requests a second
// (all grants together, in fixed one-second windows); beyond it the
// request gets the service's answer, 400 with
// {"error":"invalid_request","error_description":"rate limit exceeded; ..."}.
// Zero (the default) turns the limit off.
func WithTokenRateLimit(perSecond int) Option {
	return func(c *config) error {
		if perSecond < 0 {
			return fmt.Errorf("sim: invalid token rate limit %d", perSecond)
		}
		c.limits.tokenRate = perSecond
		return nil
	}
}

// WithLatency delays every answer (login and API) by d, as the network
// and the service would, for benchmarks of latency-bound work. A request
// cancelled while it waits gets no answer.
func WithLatency(d time.Duration) Option {
	return func(c *config) error {
		if d < 0 {
			return fmt.Errorf("sim: invalid latency %s", d)
		}
		c.limits.latency = d
		return nil
	}
}

// newLimiter returns the per-token counter the configuration asks for, or
// nil when nothing is counted. The package counts only when asked
// (WithRateAllowance, WithRateLimit): a client of this SDK paces itself by
// the headers, so counting by default would spread the calls of every test
// at 300 a minute. gcsim counts the service's allowance by default.
func newLimiter(cfg config) *rateLimiter {
	if cfg.rateAllowed <= 0 {
		return nil
	}
	l := newRateLimiter(cfg.rateAllowed, cfg.rateWindow)
	l.enforce = cfg.limits.enforce
	return l
}

// delay waits the configured latency; false when the request was
// cancelled or the server closed meanwhile.
func (s *Server) delay(r *http.Request) bool {
	if d := s.cfg.limits.latency; d > 0 {
		return s.sleep(r, d)
	}
	return true
}

// takeToken counts a token request and reports whether the token
// endpoint's limit lets it through.
func (s *Server) takeToken(now time.Time) bool {
	s.lim.tokenRequests.Add(1)
	n := s.cfg.limits.tokenRate
	if n <= 0 {
		return true
	}
	l := &s.lim
	l.tokenMu.Lock()
	defer l.tokenMu.Unlock()
	if l.tokenStart.IsZero() || !now.Before(l.tokenStart.Add(time.Second)) {
		l.tokenStart, l.tokenCount = now, 0
	}
	if l.tokenCount >= n {
		l.tokenRefused.Add(1)
		return false
	}
	l.tokenCount++
	return true
}

// refuseToken writes the token endpoint's answer beyond its limit.
func refuseToken(w http.ResponseWriter, perSecond int) {
	writeOAuthError(w, http.StatusBadRequest, "invalid_request",
		fmt.Sprintf("rate limit exceeded; at most %d token requests per second, try again later", perSecond))
}
