package platformclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// Token is an access token and what the login service said about it.
//
// Its secrets never reach a log: every fmt verb and slog print the token
// with AccessToken and RefreshToken redacted. Read the fields to use them.
type Token struct {
	AccessToken  string
	TokenType    string        // "bearer"
	ExpiresIn    time.Duration // lifetime as issued; 0 when unknown
	Expiry       time.Time     // when the token expires (local clock); zero when unknown
	RefreshToken string        // issued by the authorization code and PKCE grants
}

// Valid reports whether the token is set and not yet expired.
func (t Token) Valid() bool { return t.AccessToken != "" && !t.expiredAt(time.Now()) }

// expiredAt reports whether the token has expired at now.
func (t Token) expiredAt(now time.Time) bool {
	return !t.Expiry.IsZero() && !now.Before(t.Expiry)
}

// dueAt reports whether the token is close enough to its expiry that a new
// one should be fetched: in the last tenth of its lifetime, at most the last
// five minutes.
func (t Token) dueAt(now time.Time) bool {
	if t.Expiry.IsZero() {
		return false
	}
	early := t.ExpiresIn / 10
	if early > 5*time.Minute {
		early = 5 * time.Minute
	}
	return !now.Before(t.Expiry.Add(-early))
}

// String describes the token without its secrets.
func (t Token) String() string {
	exp := "unknown"
	if !t.Expiry.IsZero() {
		exp = t.Expiry.Format(time.RFC3339)
	}
	return fmt.Sprintf("Token{TokenType: %q, AccessToken: %s, RefreshToken: %s, ExpiresIn: %s, Expiry: %s}",
		t.TokenType, redact(t.AccessToken), redact(t.RefreshToken), t.ExpiresIn, exp)
}

// Format prints the token without its secrets, whatever the verb.
func (t Token) Format(f fmt.State, verb rune) { io.WriteString(f, t.String()) }

// LogValue logs the token without its secrets.
func (t Token) LogValue() slog.Value { return slog.StringValue(t.String()) }

// TokenSource supplies the access tokens sent with requests. The client's
// own grants (see Grant) are managed by the client; implement TokenSource
// to get tokens some other way, or use FromOAuth2 to plug in an
// oauth2.TokenSource. A *Client is a TokenSource too.
type TokenSource interface {
	// Token returns a valid token. It is called once per request, so it
	// should cache the token.
	Token(ctx context.Context) (Token, error)
}

// Invalidator is implemented by a TokenSource that can drop a token the API
// rejected with 401. When the client's source implements it, the client
// calls Invalidate with the rejected access token and replays the call once
// with the next token the source returns.
type Invalidator interface {
	Invalidate(accessToken string)
}

// StaticToken is an access token set by hand; it is never refreshed.
type StaticToken string

// Token returns the token.
func (t StaticToken) Token(context.Context) (Token, error) {
	if t == "" {
		return Token{}, errors.New("platformclient: empty access token")
	}
	return Token{AccessToken: string(t), TokenType: "bearer"}, nil
}

// String hides the token so that it never reaches a log.
func (t StaticToken) String() string { return "StaticToken(" + redact(string(t)) + ")" }

// Format hides the token whatever the verb.
func (t StaticToken) Format(f fmt.State, verb rune) { io.WriteString(f, t.String()) }

// LogValue hides the token from slog.
func (t StaticToken) LogValue() slog.Value { return slog.StringValue(t.String()) }

// authorize sets the Authorization header of an outgoing request and notes
// the token sent, so that a 401 can invalidate exactly that token.
// slot is the pool's token the attempt was paced on (nil: no pool).
func (c *Client) authorize(ctx context.Context, cfg *settings, hreq *http.Request, co *callOptions, slot *poolSlot) error {
	tok, ok, err := c.managerFor(slot).token(ctx, c, cfg)
	if err != nil {
		return err
	}
	if !ok {
		return nil
	}
	hreq.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	co.token = tok.AccessToken
	return nil
}

// redact returns "[redacted]" for a set secret and `""` for an empty one, so
// a reader of a String method can still tell whether it was set.
func redact(s string) string {
	if s == "" {
		return `""`
	}
	return secretMark
}
