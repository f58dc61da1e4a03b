package platformclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// MaxTokenPool is the largest token pool WithTokenPool accepts.
const MaxTokenPool = 50

// Pool growth: a new token is asked for at most once per poolOpenEvery
// (the token endpoint has a limit of its own), and less often after the
// endpoint refused one.
const (
	poolOpenEvery    = 250 * time.Millisecond
	poolOpenEveryMax = 8 * time.Second
)

// TokenPoolError is returned by New for a WithTokenPool that cannot apply:
// a size outside 1..MaxTokenPool, or a client whose credentials cannot give
// more than one token (anything but the client credentials grant).
type TokenPoolError struct {
	Size   int
	Reason string
}

// Error describes what is wrong with the token pool setting.
func (e *TokenPoolError) Error() string {
	return fmt.Sprintf("platformclient: WithTokenPool(%d): %s", e.Size, e.Reason)
}

// WithTokenPool lets the client hold up to n access tokens of its client
// credentials grant and spread its calls over them. Genesys Cloud limits
// each token (300 requests a minute for client credentials), not each
// program: a pool of n tokens lets a bulk job go about n times faster.
//
// Each attempt goes out on the token with the most allowance left in its
// current window; every token is paced by its own inin-ratelimit-* state.
// Tokens are fetched lazily, only when every token held would make a call
// wait, at most four a second and slower after the token endpoint refused
// one. A 401 renews the rejected token alone. RateLimitState reports every
// token's window (RateLimitState.Tokens) and TokenPoolStats what the pool
// did. WithTokenPool(1), the default, changes nothing.
//
// New fails with a *TokenPoolError for n < 1 or n > MaxTokenPool, and for
// any grant other than ClientCredentials (a user's token, a token set by
// hand or a token source give one token only). A fixed rate set with
// WithRateLimit applies to each token of the pool.
func WithTokenPool(n int) Option {
	return func(c *Client) error {
		if n < 1 || n > MaxTokenPool {
			return &TokenPoolError{Size: n, Reason: fmt.Sprintf("the size must be between 1 and %d", MaxTokenPool)}
		}
		c.poolSize = n
		return nil
	}
}

// TokenPoolStats is what a client's token pool did, for metrics and
// reports.
type TokenPoolStats struct {
	// Size is the largest number of tokens the pool may hold; Open the
	// number it holds or is fetching now.
	Size, Open int
	// Issued counts the tokens the token endpoint gave this client
	// (renewals included); Shared the tokens found in the shared state
	// (WithSharedState) instead.
	Issued, Shared int64
	// Refused counts the token requests the endpoint refused for its rate
	// limit (after retries).
	Refused int64
	// SharedFallbacks counts the calls paced locally because the shared
	// state did not answer in time.
	SharedFallbacks int64
}

// TokenPoolStats reports what the client's token pool did. Without
// WithTokenPool it reports a pool of one.
func (c *Client) TokenPoolStats() TokenPoolStats {
	p := c.pool
	if p == nil {
		return TokenPoolStats{Size: 1, Open: 1}
	}
	p.mu.Lock()
	open := len(p.slots)
	p.mu.Unlock()
	return TokenPoolStats{Size: p.size, Open: open, Issued: p.issued.Load(), Shared: p.loaded.Load(),
		Refused: p.refused.Load(), SharedFallbacks: p.fallbacks.Load()}
}

// tokenPool is the tokens of a client with WithTokenPool(n > 1), each with
// its own pacing and its own token manager.
type tokenPool struct {
	c    *Client
	size int

	mu        sync.Mutex
	slots     []*poolSlot // open slots; slots[0] is the client's own token and pacer
	nextOpen  time.Time   // no new slot before this
	openEvery time.Duration

	shared *sharedLink // nil without WithSharedState

	issued, loaded, refused, fallbacks atomic.Int64
}

// poolSlot is one token of a pool.
type poolSlot struct {
	index int
	pacer *pacer
	auth  *tokenManager
}

// finishPool checks WithTokenPool against the credentials once every
// option has run, and builds the pool.
func (c *Client) finishPool() error {
	n := c.poolSize
	if n <= 1 && c.sharedState == nil {
		return nil
	}
	n = max(n, 1)
	m := c.auth
	if _, ok := m.grant.(ClientCredentials); !ok || m.source != nil {
		what := "client credentials"
		if n > 1 {
			return &TokenPoolError{Size: n, Reason: "a pool needs the client credentials grant (WithGrant(ClientCredentials{...}))"}
		}
		return fmt.Errorf("platformclient: WithSharedState needs the %s grant", what)
	}
	p := &tokenPool{c: c, size: n, openEvery: poolOpenEvery}
	s0 := &poolSlot{index: 0, pacer: c.build.pacer, auth: m}
	m.fetch = p.fetcher(s0)
	p.slots = []*poolSlot{s0}
	if c.sharedState != nil {
		g := m.grant.(ClientCredentials)
		p.shared = newSharedLink(c.sharedState, c.build.baseURL, g.ClientID, g.ClientSecret)
	}
	c.pool = p
	return nil
}

// waitTurn waits for the turn of an API attempt: on the client's pacer, or
// on the pool's token that comes first.
func (c *Client) waitTurn(ctx context.Context, cfg *settings, clk clock, maxHold time.Duration) (ticket, *RateLimitError) {
	if c.pool != nil {
		return c.pool.pace(ctx, clk, maxHold)
	}
	return cfg.pacer.wait(ctx, clk, maxHold)
}

// pace picks the slot of the next attempt and waits for its turn there.
func (p *tokenPool) pace(ctx context.Context, clk clock, maxHold time.Duration) (ticket, *RateLimitError) {
	s, err := p.choose(ctx, clk, maxHold)
	if err != nil {
		return ticket{}, err
	}
	tk, err := s.pacer.wait(ctx, clk, maxHold)
	tk.slot = s
	return tk, err
}

// choose returns the slot the next attempt goes out on: through the
// shared state when there is one and it answers, else locally.
func (p *tokenPool) choose(ctx context.Context, clk clock, maxHold time.Duration) (*poolSlot, *RateLimitError) {
	if p.shared != nil && p.shared.up(clk.Now()) {
		s, err, ok := p.chooseShared(ctx, clk, maxHold)
		if ok {
			return s, err
		}
		p.fallbacks.Add(1)
	}
	return p.chooseLocal(clk.Now()), nil
}

// chooseLocal picks the open slot whose next turn comes first (the one
// with the most allowance left among those free now), opening a new slot
// when every open one would make the call wait.
func (p *tokenPool) chooseLocal(now time.Time) *poolSlot {
	p.mu.Lock()
	defer p.mu.Unlock()
	var best *poolSlot
	var bestWait time.Duration
	bestLeft := -1
	for _, s := range p.slots {
		w, left := s.pacer.outlook(now)
		if best == nil || w < bestWait || (w == bestWait && left > bestLeft) {
			best, bestWait, bestLeft = s, w, left
		}
	}
	if bestWait > 0 {
		if s := p.openLocked(now); s != nil {
			return s
		}
	}
	return best
}

// openLocked opens a new slot when the pool may grow now.
func (p *tokenPool) openLocked(now time.Time) *poolSlot {
	if len(p.slots) >= p.size || now.Before(p.nextOpen) {
		return nil
	}
	p.nextOpen = now.Add(p.openEvery)
	m0 := p.slots[0].auth
	m0.mu.Lock()
	g := m0.grant
	m0.mu.Unlock()
	if g == nil {
		return nil
	}
	m := newTokenManager()
	m.now = m0.now
	m.grant = g
	s := &poolSlot{index: len(p.slots), pacer: p.slots[0].pacer.sibling(), auth: m}
	m.fetch = p.fetcher(s)
	p.slots = append(p.slots, s)
	return s
}

// fetcher returns the token request of slot s: through the shared state
// when there is one, counted either way.
func (p *tokenPool) fetcher(s *poolSlot) func(ctx context.Context, c *Client, cfg *settings, g Grant, cur Token) (Token, error) {
	return func(ctx context.Context, c *Client, cfg *settings, g Grant, cur Token) (Token, error) {
		if p.shared != nil {
			if tok, ok := p.shared.token(ctx, s.index, cur, clockOf(cfg).Now()); ok {
				p.loaded.Add(1)
				return tok, nil
			}
		}
		p.spaceOpening(clockOf(cfg).Now())
		tok, err := c.renew(ctx, cfg, g, cur)
		if err != nil {
			p.noteRefusal(err, clockOf(cfg).Now())
			if p.shared != nil {
				p.shared.release(s.index)
			}
			return tok, err
		}
		p.issued.Add(1)
		if p.shared != nil {
			p.shared.store(s.index, tok, clockOf(cfg).Now())
		}
		return tok, nil
	}
}

// spaceOpening keeps the next new slot one interval after a token request
// of any slot (renewals included), so that the pool's requests to the
// token endpoint stay spaced.
func (p *tokenPool) spaceOpening(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if t := now.Add(p.openEvery); t.After(p.nextOpen) {
		p.nextOpen = t
	}
}

// noteRefusal slows the pool's growth after the token endpoint refused a
// request for its rate limit.
func (p *tokenPool) noteRefusal(err error, now time.Time) {
	var ae *AuthError
	if !errors.As(err, &ae) || !tokenRateLimited(ae) {
		return
	}
	p.refused.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.openEvery = min(2*p.openEvery, poolOpenEveryMax)
	p.nextOpen = now.Add(max(ae.RetryAfter, p.openEvery))
}

// tokenRateLimited reports whether a token request was refused for the
// token endpoint's rate limit: a 429, or Genesys Cloud's 400 whose
// description starts "rate limit exceeded".
func tokenRateLimited(e *AuthError) bool {
	if e.StatusCode == http.StatusTooManyRequests {
		return true
	}
	return e.StatusCode == http.StatusBadRequest &&
		strings.HasPrefix(strings.ToLower(strings.TrimSpace(e.Description)), "rate limit exceeded")
}

// managerFor returns the token manager of the slot an attempt was paced
// on: the client's own without a pool.
func (c *Client) managerFor(s *poolSlot) *tokenManager {
	if s == nil {
		return c.auth
	}
	return s.auth
}

// slotWithToken returns the slot whose current token is tok, or nil.
func (p *tokenPool) slotWithToken(tok string) *poolSlot {
	p.mu.Lock()
	slots := p.slots
	p.mu.Unlock()
	for _, s := range slots {
		s.auth.mu.Lock()
		held := s.auth.tok.AccessToken
		s.auth.mu.Unlock()
		if held == tok {
			return s
		}
	}
	return nil
}

// states returns every open slot's pacing state.
func (p *tokenPool) states(now time.Time) []RateLimitState {
	p.mu.Lock()
	slots := p.slots
	p.mu.Unlock()
	out := make([]RateLimitState, len(slots))
	for i, s := range slots {
		out[i] = s.pacer.state(now)
	}
	return out
}

// poolState sums the states of a pool's tokens: Allowed, Used, Remaining,
// Rate, Waiting and Limited add up; Window, Reset and HeldUntil are the
// first token's (HeldUntil the earliest end of a hold in force on every
// token).
func poolState(ts []RateLimitState) RateLimitState {
	if len(ts) == 0 {
		return RateLimitState{}
	}
	s := ts[0]
	s.Tokens = ts
	held := ts[0].HeldUntil
	for _, t := range ts[1:] {
		s.Paced = s.Paced || t.Paced
		s.Allowed += t.Allowed
		s.Used += t.Used
		s.Remaining += t.Remaining
		s.Rate += t.Rate
		s.Waiting += t.Waiting
		s.Limited += t.Limited
		if t.HeldUntil.IsZero() || (!held.IsZero() && t.HeldUntil.Before(held)) {
			held = t.HeldUntil
		}
	}
	s.HeldUntil = held
	return s
}

// outlook returns how long an attempt asked for at now would wait, and the
// allowance left in the current window (a large number when unknown).
func (p *pacer) outlook(now time.Time) (time.Duration, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	slot, _ := p.turn(now)
	left := maxPaceCount
	if a := p.allowance(); a > 0 && p.winEnd.After(now) {
		left = max(0, a-max(p.sent, p.used))
	}
	return max(slot.Sub(now), 0), left
}

// sibling returns a new pacer for another token of the same client: the
// same mode, and the allowance and window learnt so far (tokens of one
// client have the same limit), with a window of its own.
func (p *pacer) sibling() *pacer {
	p.mu.Lock()
	defer p.mu.Unlock()
	return &pacer{learn: p.learn, fixed: p.fixed, burst: p.burst,
		allowed: p.allowed, body: p.body, wCur: p.wCur, wPrev: p.wPrev, guess: p.guess}
}
