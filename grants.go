package platformclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Grant is a way to get tokens from the Genesys Cloud login service:
// ClientCredentials, SAML2Bearer, AuthorizationCode, PKCE or RefreshToken.
// Pass one to Client.Authorize (log in now) or WithGrant (log in on the
// first call). The client renews the token it gets: client credentials and
// SAML2 by running the grant again, the others with the refresh token.
//
// Grant values print without their secrets (client secret, assertion,
// code verifier, refresh token), whatever the fmt verb.
type Grant interface {
	// request returns the token request of the grant's first exchange.
	request() (tokenRequest, error)
	// client returns the OAuth client the grant authenticates as.
	client() (id, secret string)
	// repeatable reports whether the first exchange may be sent again to
	// get a new token (not so for one-time authorization codes).
	repeatable() bool
}

// SAML2BearerGrantType is the grant_type of the SAML2 bearer grant.
const SAML2BearerGrantType = "urn:ietf:params:oauth:grant-type:saml2-bearer"

// tokenRequest is one POST to /oauth/token.
type tokenRequest struct {
	form     url.Values // includes grant_type
	clientID string     // sent as the Basic user when secret is set
	secret   string     // Basic password; no Basic header when empty
	secrets  []string   // values scrubbed from error messages
	// repeatable: the request may be sent again after it may have reached
	// the login service (no one-time code or rotated refresh token in it).
	repeatable bool
}

// ClientCredentials is the client credentials grant, for a program that
// acts as itself. The client logs in again shortly before the token expires
// (on the next call; there is no background goroutine).
type ClientCredentials struct {
	ClientID     string
	ClientSecret string
}

func (g ClientCredentials) request() (tokenRequest, error) {
	if g.ClientID == "" || g.ClientSecret == "" {
		return tokenRequest{}, errors.New("platformclient: client credentials need a client id and a client secret")
	}
	return tokenRequest{form: url.Values{"grant_type": {"client_credentials"}},
		clientID: g.ClientID, secret: g.ClientSecret, secrets: []string{g.ClientSecret}, repeatable: true}, nil
}
func (g ClientCredentials) client() (string, string) { return g.ClientID, g.ClientSecret }
func (g ClientCredentials) repeatable() bool         { return true }

// String describes the grant without its secret.
func (g ClientCredentials) String() string {
	return fmt.Sprintf("ClientCredentials{ClientID: %q, ClientSecret: %s}", g.ClientID, redact(g.ClientSecret))
}

// Format prints the grant without its secret, whatever the verb.
func (g ClientCredentials) Format(f fmt.State, verb rune) { io.WriteString(f, g.String()) }

// LogValue logs the grant without its secret.
func (g ClientCredentials) LogValue() slog.Value { return slog.StringValue(g.String()) }

// SAML2Bearer exchanges a SAML2 assertion from an identity provider for a
// token of the user it names. When the token expires the client presents
// the same assertion again, which fails once the assertion has expired:
// call Client.Authorize with a fresh one.
type SAML2Bearer struct {
	ClientID     string
	ClientSecret string
	OrgName      string // the Genesys Cloud organization's short name
	Assertion    string // the base64-encoded SAML2 assertion
}

func (g SAML2Bearer) request() (tokenRequest, error) {
	if g.ClientID == "" || g.ClientSecret == "" || g.OrgName == "" || g.Assertion == "" {
		return tokenRequest{}, errors.New("platformclient: the SAML2 bearer grant needs a client id, a client secret, an organization name and an assertion")
	}
	return tokenRequest{form: url.Values{"grant_type": {SAML2BearerGrantType}, "orgName": {g.OrgName}, "assertion": {g.Assertion}},
		clientID: g.ClientID, secret: g.ClientSecret, secrets: []string{g.ClientSecret, g.Assertion}, repeatable: true}, nil
}
func (g SAML2Bearer) client() (string, string) { return g.ClientID, g.ClientSecret }
func (g SAML2Bearer) repeatable() bool         { return true }

// String describes the grant without its secrets.
func (g SAML2Bearer) String() string {
	return fmt.Sprintf("SAML2Bearer{ClientID: %q, ClientSecret: %s, OrgName: %q, Assertion: %s}",
		g.ClientID, redact(g.ClientSecret), g.OrgName, redact(g.Assertion))
}

// Format prints the grant without its secrets, whatever the verb.
func (g SAML2Bearer) Format(f fmt.State, verb rune) { io.WriteString(f, g.String()) }

// LogValue logs the grant without its secrets.
func (g SAML2Bearer) LogValue() slog.Value { return slog.StringValue(g.String()) }

// AuthorizationCode exchanges the code the login page sent to the redirect
// URI (see Client.AuthorizeURL) for a token of the user who logged in. The
// client renews the token with the refresh token that comes with it.
type AuthorizationCode struct {
	ClientID     string
	ClientSecret string
	Code         string
	RedirectURI  string // the redirect URI the code was sent to
}

func (g AuthorizationCode) request() (tokenRequest, error) {
	if g.ClientID == "" || g.ClientSecret == "" || g.Code == "" || g.RedirectURI == "" {
		return tokenRequest{}, errors.New("platformclient: the authorization code grant needs a client id, a client secret, a code and a redirect URI")
	}
	return tokenRequest{form: url.Values{"grant_type": {"authorization_code"}, "code": {g.Code}, "redirect_uri": {g.RedirectURI}},
		clientID: g.ClientID, secret: g.ClientSecret, secrets: []string{g.ClientSecret, g.Code}}, nil
}
func (g AuthorizationCode) client() (string, string) { return g.ClientID, g.ClientSecret }
func (g AuthorizationCode) repeatable() bool         { return false }

// String describes the grant without its secrets.
func (g AuthorizationCode) String() string {
	return fmt.Sprintf("AuthorizationCode{ClientID: %q, ClientSecret: %s, Code: %s, RedirectURI: %q}",
		g.ClientID, redact(g.ClientSecret), redact(g.Code), g.RedirectURI)
}

// Format prints the grant without its secrets, whatever the verb.
func (g AuthorizationCode) Format(f fmt.State, verb rune) { io.WriteString(f, g.String()) }

// LogValue logs the grant without its secrets.
func (g AuthorizationCode) LogValue() slog.Value { return slog.StringValue(g.String()) }

// PKCE is the authorization code grant with a proof key (RFC 7636), for
// programs that cannot keep a client secret (desktop, mobile, single-page).
// Make a verifier with GeneratePKCECodeVerifier, send the user to
// Client.AuthorizeURL with its challenge, then exchange the code.
type PKCE struct {
	ClientID     string
	CodeVerifier string
	Code         string
	RedirectURI  string
}

func (g PKCE) request() (tokenRequest, error) {
	if g.ClientID == "" || g.CodeVerifier == "" || g.Code == "" || g.RedirectURI == "" {
		return tokenRequest{}, errors.New("platformclient: the PKCE grant needs a client id, a code verifier, a code and a redirect URI")
	}
	if err := checkCodeVerifier(g.CodeVerifier); err != nil {
		return tokenRequest{}, err
	}
	return tokenRequest{form: url.Values{"grant_type": {"authorization_code"}, "client_id": {g.ClientID},
		"code_verifier": {g.CodeVerifier}, "code": {g.Code}, "redirect_uri": {g.RedirectURI}},
		clientID: g.ClientID, secrets: []string{g.CodeVerifier, g.Code}}, nil
}
func (g PKCE) client() (string, string) { return g.ClientID, "" }
func (g PKCE) repeatable() bool         { return false }

// String describes the grant without its secrets.
func (g PKCE) String() string {
	return fmt.Sprintf("PKCE{ClientID: %q, CodeVerifier: %s, Code: %s, RedirectURI: %q}",
		g.ClientID, redact(g.CodeVerifier), redact(g.Code), g.RedirectURI)
}

// Format prints the grant without its secrets, whatever the verb.
func (g PKCE) Format(f fmt.State, verb rune) { io.WriteString(f, g.String()) }

// LogValue logs the grant without its secrets.
func (g PKCE) LogValue() slog.Value { return slog.StringValue(g.String()) }

// RefreshToken gets a new token with a refresh token kept from an earlier
// authorization code or PKCE login. ClientSecret is empty for PKCE clients.
type RefreshToken struct {
	ClientID     string
	ClientSecret string
	RefreshToken string
}

func (g RefreshToken) request() (tokenRequest, error) {
	if g.ClientID == "" || g.RefreshToken == "" {
		return tokenRequest{}, errors.New("platformclient: the refresh token grant needs a client id and a refresh token")
	}
	return refreshRequest(g.ClientID, g.ClientSecret, g.RefreshToken), nil
}
func (g RefreshToken) client() (string, string) { return g.ClientID, g.ClientSecret }
func (g RefreshToken) repeatable() bool         { return false }

// String describes the grant without its secrets.
func (g RefreshToken) String() string {
	return fmt.Sprintf("RefreshToken{ClientID: %q, ClientSecret: %s, RefreshToken: %s}",
		g.ClientID, redact(g.ClientSecret), redact(g.RefreshToken))
}

// Format prints the grant without its secrets, whatever the verb.
func (g RefreshToken) Format(f fmt.State, verb rune) { io.WriteString(f, g.String()) }

// LogValue logs the grant without its secrets.
func (g RefreshToken) LogValue() slog.Value { return slog.StringValue(g.String()) }

// refreshRequest is the refresh_token request of a client. A client without
// secret (PKCE) names itself in the form instead of a Basic header.
func refreshRequest(clientID, secret, refresh string) tokenRequest {
	r := tokenRequest{form: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}},
		clientID: clientID, secret: secret, secrets: []string{secret, refresh}}
	if secret == "" {
		r.form.Set("client_id", clientID)
	}
	return r
}

// AuthError is a login that failed: the login service refused the grant
// (Code and Description say why), answered something that is not a token,
// or could not be reached (Err). It never holds a secret.
type AuthError struct {
	GrantType     string // the grant_type sent
	URL           string // the token endpoint
	StatusCode    int    // 0 when no response arrived
	Status        string
	Code          string        // the OAuth "error" field, e.g. "invalid_client"
	Description   string        // "error_description" or "description"
	CorrelationID string        // ININ-Correlation-Id header
	RetryAfter    time.Duration // Retry-After header of a refused request; 0 when absent
	Err           error         // the transport or decoding error, if any
}

// Error describes the refused or failed token request, without secrets.
func (e *AuthError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "platformclient: login (%s) at %s", e.GrantType, e.URL)
	if e.Status != "" {
		fmt.Fprintf(&b, ": %s", e.Status)
	}
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Description != "" {
		fmt.Fprintf(&b, ": %s", e.Description)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	if e.CorrelationID != "" {
		fmt.Fprintf(&b, " [correlation id %s]", e.CorrelationID)
	}
	return b.String()
}

// Unwrap returns the transport or decoding error, if any.
func (e *AuthError) Unwrap() error { return e.Err }

// ErrNoLoginURL is returned by a login when the client has no login URL:
// set one with WithLoginURL when WithBaseURL names a host that does not
// start with "api.".
var ErrNoLoginURL = errors.New("platformclient: no login URL; use WithLoginURL, WithRegion or WithGateway")

// maxTokenBody bounds the token response read.
const maxTokenBody = 1 << 20

// tokenResponse is the body of a successful token request, or of a failed
// one (Error, Description).
type tokenResponse struct {
	AccessToken      string      `json:"access_token"`
	TokenType        string      `json:"token_type"`
	ExpiresIn        json.Number `json:"expires_in"`
	RefreshToken     string      `json:"refresh_token"`
	Error            string      `json:"error"`
	Description      string      `json:"description"`
	ErrorDescription string      `json:"error_description"`
}

// requestToken posts r to the token endpoint and returns the token, with
// the client's retry policy: what the login service refused without using
// the grant is retried for every grant, a failure after the request was
// sent only for grants that may be repeated (decideToken).
func (c *Client) requestToken(ctx context.Context, cfg *settings, r tokenRequest) (Token, error) {
	if cfg.observer != nil {
		return c.requestTokenObserved(ctx, cfg, r)
	}
	return c.sendToken(ctx, cfg, r, &callOptions{})
}

// sendToken builds the call of the token request r and sends it; co holds
// the headers and observers of the call and gets its number of attempts.
func (c *Client) sendToken(ctx context.Context, cfg *settings, r tokenRequest, co *callOptions) (Token, error) {
	if cfg.loginURL == "" {
		return Token{}, ErrNoLoginURL
	}
	k := newTokenCall(c, cfg, &r, co)
	if _, _, err := k.send(ctx); err != nil {
		return Token{}, err
	}
	return k.tok, nil
}

// newTokenCall builds the call of a token request: a form POSTed to the
// login URL's /oauth/token, logged like API calls (the logger redacts the
// form's secrets and the tokens of the response).
func newTokenCall(c *Client, cfg *settings, r *tokenRequest, co *callOptions) *call {
	endpoint := cfg.loginURL + "/oauth/token"
	clk := clockOf(cfg)
	return &call{c: c, cfg: cfg, kind: KindToken, method: http.MethodPost, url: endpoint, shown: redactURL(endpoint),
		body:  &payload{data: []byte(r.form.Encode()), contentType: "application/x-www-form-urlencoded"},
		token: r, co: co, clk: clk, pol: cfg.retry.withDefaults(),
		replayable: r.repeatable, decide: decideToken, start: clk.Now()}
}

// scrub replaces every secret in s.
func scrub(s string, secrets []string) string {
	for _, v := range secrets {
		if v != "" {
			s = strings.ReplaceAll(s, v, secretMark)
		}
	}
	return s
}
