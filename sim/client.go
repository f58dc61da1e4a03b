package sim

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/purecloudgo/platformclient"
)

// NewClient returns a client for the simulator, authenticated with tokens
// the simulator issues in-process (as client credentials would, and again
// when one expires). Options are applied after the simulator's base URL and
// token source, so they can replace them.
func (s *Server) NewClient(opts ...platformclient.Option) (*platformclient.Client, error) {
	if s.url == "" {
		return nil, errors.New("sim: NewClient needs a started server (use Start)")
	}
	base := []platformclient.Option{platformclient.WithBaseURL(s.url), platformclient.WithTokenSource(s.TokenSource())}
	return platformclient.New(append(base, opts...)...)
}

// TokenSource returns a platformclient.TokenSource that takes tokens
// straight from the simulator, renewing them shortly before they expire.
func (s *Server) TokenSource() platformclient.TokenSource {
	return &simTokens{s: s}
}

type simTokens struct {
	s   *Server
	mu  sync.Mutex
	tok string
	exp time.Time
}

// AccessToken returns the current token, issuing a new one when it is due.
func (t *simTokens) AccessToken(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.s.now()
	if t.tok == "" || !now.Before(t.exp) {
		tok, _, life := t.s.issue(t.s.cfg.clientID, grantClientCredentials, false, false)
		t.tok, t.exp = tok, now.Add(life-life/10)
	}
	return t.tok, nil
}

// String keeps tokens out of logs.
func (t *simTokens) String() string { return "sim.TokenSource" }
