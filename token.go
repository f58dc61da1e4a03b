package platformclient

import (
	"context"
	"errors"
	"net/http"
)

// TokenSource supplies the access token sent with each request.
type TokenSource interface {
	// AccessToken returns a valid access token.
	AccessToken(ctx context.Context) (string, error)
}

// StaticToken is an access token set by hand; it is never refreshed.
type StaticToken string

// AccessToken returns the token.
func (t StaticToken) AccessToken(context.Context) (string, error) {
	if t == "" {
		return "", errors.New("platformclient: empty access token")
	}
	return string(t), nil
}

// String hides the token so that it never reaches a log.
func (t StaticToken) String() string { return "StaticToken(redacted)" }

// GoString hides the token from %#v.
func (t StaticToken) GoString() string { return t.String() }

// authorize sets the Authorization header of an outgoing request.
func (c *Client) authorize(ctx context.Context, hreq *http.Request) error {
	if c.tokens == nil {
		return nil
	}
	tok, err := c.tokens.AccessToken(ctx)
	if err != nil {
		return err
	}
	hreq.Header.Set("Authorization", "Bearer "+tok)
	return nil
}
