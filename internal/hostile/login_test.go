package hostile_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/internal/hostile"
)

// grants are the logins, each with the secrets it sends.
var grants = []struct {
	name    string
	grant   platformclient.Grant
	secrets []string
}{
	{"client credentials", platformclient.ClientCredentials{ClientID: "id", ClientSecret: clientSecret}, []string{clientSecret}},
	{"SAML2 bearer", platformclient.SAML2Bearer{ClientID: "id", ClientSecret: clientSecret, OrgName: "org", Assertion: assertion}, []string{clientSecret, assertion}},
	{"authorization code", platformclient.AuthorizationCode{ClientID: "id", ClientSecret: clientSecret, Code: authCode, RedirectURI: "http://127.0.0.1/cb"}, []string{clientSecret, authCode}},
	{"PKCE", platformclient.PKCE{ClientID: "id", CodeVerifier: codeVerifier, Code: authCode, RedirectURI: "http://127.0.0.1/cb"}, []string{codeVerifier, authCode}},
	{"refresh token", platformclient.RefreshToken{ClientID: "id", ClientSecret: clientSecret, RefreshToken: refreshTok}, []string{clientSecret, refreshTok}},
}

// A login answered with a redirect to another host fails with a typed
// error, for every grant and redirect status, and sends nothing there:
// neither the form (refresh token, assertion, code, verifier) nor the
// client's Basic credentials.
func TestLoginNeverFollowsRedirects(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, g := range grants {
			t.Run(fmt.Sprintf("%d %s", status, g.name), func(t *testing.T) {
				evil := hostile.New(t, func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprint(w, `{"access_token":"evil","token_type":"bearer","expires_in":3600}`)
				})
				login := hostile.New(t, hostile.Redirect(status, evil.URL+"/oauth/token"))
				c := newClient(t, login, login)
				tok, err := c.Authorize(context.Background(), g.grant)
				if err == nil {
					t.Fatalf("Authorize accepted %v", tok)
				}
				var ae *platformclient.AuthError
				if !errors.As(err, &ae) || ae.StatusCode != status {
					t.Fatalf("error %v, want an *AuthError with status %d", err, status)
				}
				re := asRedirect(t, err)
				if re.Location != evil.URL+"/oauth/token" || re.StatusCode != status {
					t.Errorf("RedirectError %+v", re)
				}
				assertUntouched(t, evil)
				if login.Count() != 1 {
					t.Errorf("the login service got %d requests, want 1", login.Count())
				}
			})
		}
	}
}

// Even a same-host redirect is not followed by a login: the form would be
// posted again.
func TestLoginSameHostRedirect(t *testing.T) {
	login := hostile.New(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth/token" {
			hostile.Redirect(http.StatusPermanentRedirect, "/elsewhere")(w, r)
			return
		}
		fmt.Fprint(w, `{"access_token":"x","token_type":"bearer"}`)
	})
	c := newClient(t, login, login)
	_, err := c.Authorize(context.Background(), grants[0].grant)
	asRedirect(t, err)
	if login.Count() != 1 {
		t.Errorf("%d requests, want 1", login.Count())
	}
}

// A token request answered with a 200 HTML page (a captive portal, a proxy
// login page) is an *AuthError, and no token.
func TestLoginAnsweredWithHTML(t *testing.T) {
	login := hostile.New(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><body>Please log in to the Wi-Fi. access_token=nope</body></html>`)
	})
	c := newClient(t, login, login)
	tok, err := c.Authorize(context.Background(), grants[0].grant)
	var ae *platformclient.AuthError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusOK || ae.Err == nil {
		t.Fatalf("token %v, error %v: want an *AuthError", tok, err)
	}
	if tok.AccessToken != "" {
		t.Errorf("token %q", tok.AccessToken)
	}
}

// A token response larger than the client reads is refused as too large.
func TestLoginHugeResponse(t *testing.T) {
	login := hostile.New(t, hostile.Raw("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1073741824\r\n\r\n{\"access_token\":"))
	c := newClient(t, login, login)
	_, err := c.Authorize(context.Background(), grants[0].grant)
	var tl *platformclient.ResponseTooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("error %v, want a *ResponseTooLargeError", err)
	}
}
