package platformclient

import (
	"context"
	"errors"
	"time"

	"golang.org/x/oauth2"
)

// OAuth2TokenSource returns src (for example a *Client) as an
// oauth2.TokenSource, so that code written for golang.org/x/oauth2 (e.g.
// oauth2.NewClient) uses the client's tokens and their renewal. ctx is used
// for the logins the source makes.
func OAuth2TokenSource(ctx context.Context, src TokenSource) oauth2.TokenSource {
	return &toOAuth2{ctx: ctx, src: src}
}

type toOAuth2 struct {
	ctx context.Context
	src TokenSource
}

func (t *toOAuth2) Token() (*oauth2.Token, error) {
	tok, err := t.src.Token(t.ctx)
	if err != nil {
		return nil, err
	}
	o := &oauth2.Token{AccessToken: tok.AccessToken, TokenType: tok.TokenType, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry}
	if tok.ExpiresIn > 0 {
		o.ExpiresIn = int64(tok.ExpiresIn / time.Second)
	}
	if o.TokenType == "" {
		o.TokenType = "Bearer"
	}
	return o, nil
}

// FromOAuth2 returns an oauth2.TokenSource as a TokenSource for
// WithTokenSource, e.g. one from golang.org/x/oauth2/clientcredentials or
// an oauth2.Config. Wrap it in oauth2.ReuseTokenSource if it does not cache
// its token itself. The context of a call is not passed to ts, which takes
// none.
func FromOAuth2(ts oauth2.TokenSource) TokenSource { return fromOAuth2{ts} }

type fromOAuth2 struct{ ts oauth2.TokenSource }

func (f fromOAuth2) Token(context.Context) (Token, error) {
	o, err := f.ts.Token()
	if err != nil {
		return Token{}, err
	}
	if o == nil || o.AccessToken == "" {
		return Token{}, errors.New("platformclient: the oauth2 token source returned no access token")
	}
	t := Token{AccessToken: o.AccessToken, TokenType: o.TokenType, RefreshToken: o.RefreshToken, Expiry: o.Expiry}
	if o.ExpiresIn > 0 {
		t.ExpiresIn = time.Duration(o.ExpiresIn) * time.Second
	}
	return t, nil
}
