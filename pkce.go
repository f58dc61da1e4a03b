package platformclient

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
)

// pkceChars are the unreserved characters RFC 7636 allows in a verifier.
const pkceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"

// GeneratePKCECodeVerifier returns a code verifier of n characters
// (43 to 128) drawn uniformly from the unreserved characters with
// crypto/rand. Keep it secret until the code is exchanged.
func GeneratePKCECodeVerifier(n int) (string, error) {
	if n < 43 || n > 128 {
		return "", fmt.Errorf("platformclient: a PKCE code verifier has 43 to 128 characters, not %d", n)
	}
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2)
	// 66 characters: bytes of 198 and above would favour the first ones, so
	// they are dropped (rejection sampling).
	const limit = 256 - 256%len(pkceChars)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("platformclient: read random bytes: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, pkceChars[int(b)%len(pkceChars)])
			}
		}
	}
	return string(out), nil
}

// ComputePKCECodeChallenge returns the S256 code challenge of a verifier:
// the SHA-256 of its ASCII bytes in base64url without padding.
func ComputePKCECodeChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// checkCodeVerifier rejects a verifier RFC 7636 does not allow, without
// quoting it.
func checkCodeVerifier(v string) error {
	if len(v) < 43 || len(v) > 128 {
		return fmt.Errorf("platformclient: a PKCE code verifier has 43 to 128 characters, this one has %d", len(v))
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return fmt.Errorf("platformclient: the PKCE code verifier has a character that is not allowed at position %d", i)
		}
	}
	return nil
}

// AuthorizeURLParams are the parameters of the login page URL that starts
// an authorization code or PKCE login.
type AuthorizeURLParams struct {
	ClientID    string
	RedirectURI string
	// CodeChallenge is ComputePKCECodeChallenge of the verifier, for PKCE;
	// empty for the plain authorization code grant.
	CodeChallenge string
	State         string // optional; returned with the code to the redirect URI
}

// AuthorizeURL returns the URL of the login page to send the user to:
// {login}/oauth/authorize with response_type=code, the client id, the
// redirect URI, the state and, for PKCE, the code challenge with
// code_challenge_method=S256. After the login the code arrives at the
// redirect URI; exchange it with AuthorizationCode or PKCE.
func (c *Client) AuthorizeURL(p AuthorizeURLParams) (string, error) {
	login := c.settings().loginURL
	if login == "" {
		return "", ErrNoLoginURL
	}
	if p.ClientID == "" || p.RedirectURI == "" {
		return "", errors.New("platformclient: the authorize URL needs a client id and a redirect URI")
	}
	q := url.Values{"response_type": {"code"}, "client_id": {p.ClientID}, "redirect_uri": {p.RedirectURI}}
	if p.CodeChallenge != "" {
		q.Set("code_challenge", p.CodeChallenge)
		q.Set("code_challenge_method", "S256")
	}
	if p.State != "" {
		q.Set("state", p.State)
	}
	return login + "/oauth/authorize?" + q.Encode(), nil
}
