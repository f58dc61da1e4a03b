package platformclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultRefreshTokenWaitTime is how long a call waits for another goroutine
// that is refreshing the access token, unless WithRefreshTokenWaitTime says
// otherwise.
const DefaultRefreshTokenWaitTime = 10 * time.Second

// earlyRetryBackoff is how long the client keeps using a token that is still
// valid after a failed attempt to renew it ahead of its expiry.
const earlyRetryBackoff = 5 * time.Second

// RefreshTimeoutError is returned to a call that waited the refresh token
// wait time for another goroutine to refresh the access token.
type RefreshTimeoutError struct {
	Wait time.Duration
}

// Error says how long the call waited for the token refresh.
func (e *RefreshTimeoutError) Error() string {
	return fmt.Sprintf("platformclient: gave up after waiting %s for another goroutine to refresh the access token", e.Wait)
}

// Timeout reports true: the error is a timeout.
func (e *RefreshTimeoutError) Timeout() bool { return true }

// ErrNoRefreshToken is returned when the access token expired (or was
// rejected) and the grant that got it can neither be repeated nor refreshed
// because no refresh token was issued: call Client.Authorize again.
var ErrNoRefreshToken = errors.New("platformclient: the access token expired and there is no refresh token to renew it; authorize again")

// ErrNoCredentials is returned by Client.Token when the client has no
// token, grant or token source.
var ErrNoCredentials = errors.New("platformclient: no credentials: use WithGrant, WithAccessToken, WithTokenSource or Client.Authorize")

// errTokenRequestAborted ends the waiters of a refresh whose goroutine
// panicked.
var errTokenRequestAborted = errors.New("platformclient: the token request was aborted")

// WithGrant makes the client log in with g on its first call and renew the
// token whenever it expires or the API rejects it. Use Client.Authorize
// instead to log in at once and see the token.
func WithGrant(g Grant) Option {
	return func(c *Client) error {
		if g == nil {
			return errors.New("platformclient: nil grant")
		}
		if _, err := g.request(); err != nil {
			return err
		}
		c.auth.mu.Lock()
		c.auth.grant, c.auth.source, c.auth.tok = g, nil, Token{}
		c.auth.mu.Unlock()
		return nil
	}
}

// WithShouldRefreshAccessToken turns the automatic renewal of access tokens
// on (the default) or off. When off, the client gets a grant's first token
// and then sends it until the caller replaces it (Client.Authorize or
// Client.SetToken): an expired token gets the API's 401 as *APIError, and
// the caller finds the refresh token and expiry in Client.Token.
func WithShouldRefreshAccessToken(on bool) Option {
	return func(c *Client) error { c.build.refreshOff = !on; return nil }
}

// WithRefreshTokenWaitTime sets how long a call waits for another goroutine
// that is refreshing the token before it fails with *RefreshTimeoutError
// (default DefaultRefreshTokenWaitTime).
func WithRefreshTokenWaitTime(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return errors.New("platformclient: the refresh token wait time must be positive")
		}
		c.build.refreshWait = d
		return nil
	}
}

// refreshWaitTime returns the configured wait time or the default.
func (s *settings) refreshWaitTime() time.Duration {
	if s.refreshWait > 0 {
		return s.refreshWait
	}
	return DefaultRefreshTokenWaitTime
}

// Authorize logs in with g now and returns the token. Later calls send this
// token and the client renews it as WithGrant describes. The error is an
// *AuthError when the login service refused the grant.
func (c *Client) Authorize(ctx context.Context, g Grant) (_ Token, err error) {
	ctx, k, err := c.enter(ctx) // close.go
	if err != nil {
		return Token{}, err
	}
	defer k.end(&err)
	if g == nil {
		return Token{}, errors.New("platformclient: nil grant")
	}
	r, err := g.request()
	if err != nil {
		return Token{}, err
	}
	tok, err := c.requestToken(ctx, c.settings(), r)
	if err != nil {
		return Token{}, err
	}
	m := c.auth
	m.mu.Lock()
	m.grant, m.source, m.tok, m.stale = g, nil, tok, false
	m.gen++
	m.retryAt = time.Time{}
	m.mu.Unlock()
	return tok, nil
}

// SetToken replaces the client's token by hand, e.g. with a token saved by
// an earlier run. The client's grant, if it has one, renews it when it
// expires; without one the token is sent as it is.
func (c *Client) SetToken(t Token) {
	m := c.auth
	m.mu.Lock()
	m.source, m.tok, m.stale = nil, t, false
	m.gen++
	m.retryAt = time.Time{}
	m.mu.Unlock()
}

// Token returns the token the client's next call would send, logging in or
// renewing it first if needed (exactly as a call would). With automatic
// renewal off it returns the current token as it is, expired or not, so the
// caller can read its refresh token and expiry.
func (c *Client) Token(ctx context.Context) (_ Token, err error) {
	ctx, k, err := c.enter(ctx) // close.go
	if err != nil {
		return Token{}, err
	}
	defer k.end(&err)
	tok, ok, err := c.auth.token(ctx, c, c.settings())
	if err != nil {
		return Token{}, err
	}
	if !ok {
		return Token{}, ErrNoCredentials
	}
	return tok, nil
}

// reauthorize is called after a 401 to the access token rejected. It reports
// whether the call should be replayed with a new token.
func (c *Client) reauthorize(cfg *settings, rejected string) bool {
	if c.pool != nil {
		if s := c.pool.slotWithToken(rejected); s != nil {
			return s.auth.invalidate(cfg, rejected)
		}
	}
	return c.auth.invalidate(cfg, rejected)
}

// tokenManager holds a client's token and renews it: when the token is due,
// exactly one goroutine (the one whose call found it so) asks the login
// service for a new one while the others wait for its result. Nothing runs
// in the background.
type tokenManager struct {
	now func() time.Time // the clock; replaced in tests

	mu sync.Mutex
	// The secrets live behind a pointer, so that no print of a Client, even
	// one that bypasses Format (a bad verb on a Client value), reaches them:
	// fmt shows nested pointers as addresses.
	*tokenSecrets

	waiting atomic.Int64 // goroutines waiting for a flight

	// fetch replaces renew for a token of a pool (tokenpool.go); nil: renew.
	fetch func(ctx context.Context, c *Client, cfg *settings, g Grant, cur Token) (Token, error)
}

// tokenSecrets is the state of a tokenManager that mu guards.
type tokenSecrets struct {
	grant   Grant       // renews tok; nil for a token set by hand
	source  TokenSource // a user's token source; when set, grant and tok are unused
	tok     Token       // the current token; zero before the first login
	stale   bool        // the API rejected tok
	gen     uint64      // bumped when Authorize or SetToken replace the token
	flight  *flight     // the renewal in progress, if any
	retryAt time.Time   // no early renewal before this, after one failed
}

// flight is one token request that several calls wait for.
type flight struct {
	done       chan struct{} // closed when tok and err are set
	tok        Token
	err        error
	leaderGone bool // the error is the leader's own cancellation
}

func newTokenManager() *tokenManager {
	return &tokenManager{now: time.Now, tokenSecrets: &tokenSecrets{}}
}

// token returns the token to send, and false when the client has no
// credentials at all.
func (m *tokenManager) token(ctx context.Context, c *Client, cfg *settings) (Token, bool, error) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	m.mu.Lock()
	for {
		if src := m.source; src != nil {
			m.mu.Unlock()
			tok, err := src.Token(ctx)
			return tok, true, err
		}
		cur := m.tok
		if m.grant == nil {
			m.mu.Unlock()
			return cur, cur.AccessToken != "", nil
		}
		have := cur.AccessToken != ""
		if have && cfg.refreshOff {
			m.mu.Unlock()
			return cur, true, nil
		}
		now := m.now()
		usable := have && !m.stale && !cur.expiredAt(now)
		if usable && (!cur.dueAt(now) || m.flight != nil || now.Before(m.retryAt)) {
			// Fresh, or due but still valid while a renewal runs or
			// after one failed: keep using it.
			m.mu.Unlock()
			return cur, true, nil
		}
		if f := m.flight; f != nil {
			m.mu.Unlock()
			if timer == nil {
				timer = time.NewTimer(cfg.refreshWaitTime())
			}
			m.waiting.Add(1)
			select {
			case <-f.done:
				m.waiting.Add(-1)
				if f.err == nil {
					return f.tok, true, nil
				}
				if !f.leaderGone || ctx.Err() != nil {
					return Token{}, true, f.err
				}
				// The leader's caller gave up: take over.
				m.mu.Lock()
				continue
			case <-timer.C:
				m.waiting.Add(-1)
				return Token{}, true, &RefreshTimeoutError{Wait: cfg.refreshWaitTime()}
			case <-ctx.Done():
				m.waiting.Add(-1)
				return Token{}, true, ctx.Err()
			}
		}
		f := &flight{done: make(chan struct{})}
		m.flight = f
		g, gen := m.grant, m.gen
		m.mu.Unlock()
		tok, err := m.lead(ctx, c, cfg, f, g, cur, gen)
		if err != nil && usable {
			// A renewal ahead of expiry failed: the token still works.
			return cur, true, nil
		}
		return tok, true, err
	}
}

// lead renews the token for everyone waiting on f.
func (m *tokenManager) lead(ctx context.Context, c *Client, cfg *settings, f *flight, g Grant, cur Token, gen uint64) (Token, error) {
	finished := false
	defer func() {
		if !finished { // the token request panicked: release the waiters
			m.finish(f, gen, cur, Token{}, errTokenRequestAborted, false)
		}
	}()
	renew := c.renew
	if m.fetch != nil {
		renew = func(ctx context.Context, cfg *settings, g Grant, cur Token) (Token, error) {
			return m.fetch(ctx, c, cfg, g, cur)
		}
	}
	tok, err := renew(ctx, cfg, g, cur)
	finished = true
	return m.finish(f, gen, cur, tok, err, err != nil && ctx.Err() != nil)
}

// finish publishes the result of flight f and returns the token to use.
func (m *tokenManager) finish(f *flight, gen uint64, cur, tok Token, err error, leaderGone bool) (Token, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.flight == f {
		m.flight = nil
	}
	if err == nil {
		if tok.RefreshToken == "" && tok.AccessToken != "" {
			tok.RefreshToken = cur.RefreshToken // not rotated: keep the old one
		}
		if m.gen == gen {
			m.tok, m.stale, m.retryAt = tok, false, time.Time{}
		}
	} else if m.gen == gen && cur.AccessToken != "" {
		m.retryAt = m.now().Add(earlyRetryBackoff)
	}
	f.tok, f.err, f.leaderGone = tok, err, leaderGone
	close(f.done)
	return tok, err
}

// renew gets the first token of g, or a new one for cur.
func (c *Client) renew(ctx context.Context, cfg *settings, g Grant, cur Token) (Token, error) {
	if cur.AccessToken == "" || (cur.RefreshToken == "" && g.repeatable()) {
		r, err := g.request()
		if err != nil {
			return Token{}, err
		}
		return c.requestToken(ctx, cfg, r)
	}
	if cur.RefreshToken == "" {
		return Token{}, ErrNoRefreshToken
	}
	id, secret := g.client()
	return c.requestToken(ctx, cfg, refreshRequest(id, secret, cur.RefreshToken))
}

// invalidate marks rejected as refused by the API and reports whether a new
// token can be had for a replay.
func (m *tokenManager) invalidate(cfg *settings, rejected string) bool {
	if rejected == "" {
		return false
	}
	m.mu.Lock()
	if src := m.source; src != nil {
		m.mu.Unlock()
		inv, ok := src.(Invalidator)
		if ok {
			inv.Invalidate(rejected)
		}
		return ok
	}
	defer m.mu.Unlock()
	if m.grant == nil || cfg.refreshOff {
		return false
	}
	if m.tok.AccessToken != rejected {
		return true // already replaced: replay with the new one
	}
	if m.tok.RefreshToken == "" && !m.grant.repeatable() {
		return false
	}
	m.stale = true
	return true
}
