package sim

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/purecloudgo/platformclient"
)

// NewClient returns a client for the simulator that logs in with the
// client-credentials grant at the simulator's /oauth/token, as a program
// would against Genesys Cloud, and renews its token when it expires or the
// simulator rejects it. Options are applied after the simulator's base URL,
// login URL and grant, so they can replace them (e.g. WithRetryPolicy, or
// WithTokenSource(s.TokenSource()) to skip the login round trip).
func (s *Server) NewClient(opts ...platformclient.Option) (*platformclient.Client, error) {
	if s.url == "" {
		return nil, errors.New("sim: NewClient needs a started server (use Start)")
	}
	base := []platformclient.Option{
		platformclient.WithBaseURL(s.url),
		platformclient.WithLoginURL(s.url),
		platformclient.WithGrant(s.Grant()),
	}
	return platformclient.New(append(base, opts...)...)
}

// Grant returns the client-credentials grant the simulator accepts.
func (s *Server) Grant() platformclient.ClientCredentials {
	return platformclient.ClientCredentials{ClientID: s.cfg.clientID, ClientSecret: s.cfg.clientSecret}
}

// TokenSource returns a platformclient.TokenSource that takes tokens
// straight from the simulator, without HTTP, renewing them before they
// expire and when the simulator rejects one (see ExpireTokens).
func (s *Server) TokenSource() platformclient.TokenSource {
	return &simTokens{s: s}
}

type simTokens struct {
	s   *Server
	mu  sync.Mutex
	tok platformclient.Token
	due time.Time // by the simulator's clock, which may be a test's
}

// Token returns the current token, issuing a new one when it is due.
func (t *simTokens) Token(ctx context.Context) (platformclient.Token, error) {
	if err := ctx.Err(); err != nil {
		return platformclient.Token{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.s.now()
	if t.tok.AccessToken == "" || !now.Before(t.due) {
		access, _, life := t.s.issue(t.s.cfg.clientID, grantClientCredentials, false, false)
		// No Expiry: the client would judge it by its own clock.
		t.tok = platformclient.Token{AccessToken: access, TokenType: "bearer", ExpiresIn: life}
		t.due = now.Add(life - life/10)
	}
	return t.tok, nil
}

// Invalidate drops a token the simulator rejected, so the next call gets a
// new one.
func (t *simTokens) Invalidate(accessToken string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok.AccessToken == accessToken {
		t.tok = platformclient.Token{}
	}
}

// String keeps tokens out of logs.
func (t *simTokens) String() string { return "sim.TokenSource" }

var _ platformclient.Invalidator = (*simTokens)(nil)
