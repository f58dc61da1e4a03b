package platformclient_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/runtime"
)

// The examples run against exampleLogin, a small local stand-in for the
// Genesys Cloud login service and API, so that they run anywhere. Against
// Genesys Cloud, drop WithBaseURL and WithLoginURL and choose the region:
//
//	c, err := platformclient.New(platformclient.WithRegion(platformclient.EUWest1))

const (
	exampleClientID = "my-client-id"
	exampleSecret   = "my-client-secret"
	exampleRedirect = "http://localhost:8085/callback"
)

type exampleLogin struct {
	*httptest.Server
	mu         sync.Mutex
	n          int
	tokens     map[string]bool
	challenges map[string]string // code → PKCE challenge ("" for none)
}

func newExampleLogin() *exampleLogin {
	e := &exampleLogin{tokens: map[string]bool{}, challenges: map[string]string{}}
	e.Server = httptest.NewServer(http.HandlerFunc(e.serve))
	return e
}

// client returns a client whose API and login are the example server.
func (e *exampleLogin) client(opts ...platformclient.Option) *platformclient.Client {
	c, err := platformclient.New(append([]platformclient.Option{
		platformclient.WithBaseURL(e.URL), platformclient.WithLoginURL(e.URL)}, opts...)...)
	if err != nil {
		log.Fatal(err)
	}
	return c
}

func (e *exampleLogin) serve(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case r.URL.Path == "/oauth/authorize":
		// The login page: approve at once and send the code to the app.
		q := r.URL.Query()
		e.n++
		code := fmt.Sprintf("code-%d", e.n)
		e.challenges[code] = q.Get("code_challenge")
		http.Redirect(w, r, q.Get("redirect_uri")+"?"+url.Values{"code": {code}, "state": {q.Get("state")}}.Encode(), http.StatusFound)
	case r.URL.Path == "/oauth/token":
		r.ParseForm()
		id, secret, basic := r.BasicAuth()
		confidential := basic && id == exampleClientID && secret == exampleSecret
		ok, lifetime := false, 3600
		switch r.PostForm.Get("grant_type") {
		case "client_credentials":
			ok, lifetime = confidential, 86400
		case platformclient.SAML2BearerGrantType:
			ok = confidential && r.PostForm.Get("orgName") != "" && r.PostForm.Get("assertion") != ""
		case "authorization_code":
			challenge, known := e.challenges[r.PostForm.Get("code")]
			delete(e.challenges, r.PostForm.Get("code"))
			if v := r.PostForm.Get("code_verifier"); v != "" {
				ok = known && r.PostForm.Get("client_id") != "" && platformclient.ComputePKCECodeChallenge(v) == challenge
			} else {
				ok = known && confidential
			}
		case "refresh_token":
			ok = (confidential || r.PostForm.Get("client_id") != "") && r.PostForm.Get("refresh_token") != ""
		}
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"the grant was refused"}`)
			return
		}
		e.n++
		tok := fmt.Sprintf("access-%d", e.n)
		e.tokens[tok] = true
		body := map[string]any{"access_token": tok, "token_type": "bearer", "expires_in": lifetime}
		if gt := r.PostForm.Get("grant_type"); gt == "authorization_code" || gt == "refresh_token" {
			body["refresh_token"] = fmt.Sprintf("refresh-%d", e.n)
		}
		json.NewEncoder(w).Encode(body)
	case strings.HasPrefix(r.URL.Path, "/api/v2/"):
		w.Header().Set("Content-Type", "application/json")
		if !e.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")] {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Invalid login credentials.","code":"bad.credentials","status":401}`)
			return
		}
		fmt.Fprint(w, `{"name":"Example Org"}`)
	default:
		http.NotFound(w, r)
	}
}

// approve plays the user's browser: it opens the login page URL and
// returns the code the login page sends to the redirect URI.
func approve(authorizeURL string) string {
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(authorizeURL)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		log.Fatal(err)
	}
	return loc.Query().Get("code")
}

// orgName calls GET /api/v2/organizations/me.
func orgName(ctx context.Context, c *platformclient.Client) string {
	var org struct {
		Name string `json:"name"`
	}
	if err := c.Do(ctx, runtime.NewRequest(http.MethodGet, "/api/v2/organizations/me"), &org); err != nil {
		return "error: " + err.Error()
	}
	return org.Name
}

// A program that acts as itself logs in with client credentials. The
// client logs in again shortly before the token expires, on the next call.
func ExampleClientCredentials() {
	srv := newExampleLogin()
	defer srv.Close()
	ctx := context.Background()

	c := srv.client() // platformclient.New(platformclient.WithRegion(platformclient.EUWest1))
	tok, err := c.Authorize(ctx, platformclient.ClientCredentials{ClientID: exampleClientID, ClientSecret: exampleSecret})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.ExpiresIn)
	fmt.Println(orgName(ctx, c))
	// Output:
	// bearer 24h0m0s
	// Example Org
}

// WithGrant logs in on the first call instead of at once.
func ExampleWithGrant() {
	srv := newExampleLogin()
	defer srv.Close()

	c := srv.client(platformclient.WithGrant(platformclient.ClientCredentials{ClientID: exampleClientID, ClientSecret: exampleSecret}))
	fmt.Println(orgName(context.Background(), c))
	// Output: Example Org
}

// A user signed in at an identity provider is logged in with the SAML2
// assertion it issued.
func ExampleSAML2Bearer() {
	srv := newExampleLogin()
	defer srv.Close()
	ctx := context.Background()

	c := srv.client()
	tok, err := c.Authorize(ctx, platformclient.SAML2Bearer{
		ClientID:     exampleClientID,
		ClientSecret: exampleSecret,
		OrgName:      "example-org",
		Assertion:    "PHNhbWxwOlJlc3BvbnNlPi4uLjwvc2FtbHA6UmVzcG9uc2U+", // base64 SAML response
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.ExpiresIn)
	fmt.Println(orgName(ctx, c))
	// Output:
	// bearer 1h0m0s
	// Example Org
}

// A web application sends the user to the login page, receives a code at
// its redirect URI and exchanges it for a token and a refresh token. The
// client then refreshes the token by itself.
func ExampleAuthorizationCode() {
	srv := newExampleLogin()
	defer srv.Close()
	ctx := context.Background()
	c := srv.client()

	loginPage, err := c.AuthorizeURL(platformclient.AuthorizeURLParams{
		ClientID: exampleClientID, RedirectURI: exampleRedirect, State: "af0ifjsldkj"})
	if err != nil {
		log.Fatal(err)
	}
	u, _ := url.Parse(loginPage)
	fmt.Println(u.Path + "?" + u.RawQuery)

	code := approve(loginPage) // the user logs in; the code arrives at the redirect URI
	tok, err := c.Authorize(ctx, platformclient.AuthorizationCode{
		ClientID: exampleClientID, ClientSecret: exampleSecret, Code: code, RedirectURI: exampleRedirect})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("refresh token issued:", tok.RefreshToken != "")
	fmt.Println(orgName(ctx, c))
	// Output:
	// /oauth/authorize?client_id=my-client-id&redirect_uri=http%3A%2F%2Flocalhost%3A8085%2Fcallback&response_type=code&state=af0ifjsldkj
	// refresh token issued: true
	// Example Org
}

// A program that kept a refresh token from an earlier login gets a new
// token with it.
func ExampleRefreshToken() {
	srv := newExampleLogin()
	defer srv.Close()
	ctx := context.Background()

	c := srv.client()
	tok, err := c.Authorize(ctx, platformclient.RefreshToken{
		ClientID: exampleClientID, ClientSecret: exampleSecret, RefreshToken: "refresh-token-saved-earlier"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.ExpiresIn, tok.RefreshToken != "")
	// Output: bearer 1h0m0s true
}

// A desktop or single-page application, which cannot keep a secret, proves
// with a code verifier that it is the one that started the login (PKCE).
func ExamplePKCE() {
	srv := newExampleLogin()
	defer srv.Close()
	ctx := context.Background()
	c := srv.client()

	verifier, err := platformclient.GeneratePKCECodeVerifier(64)
	if err != nil {
		log.Fatal(err)
	}
	loginPage, err := c.AuthorizeURL(platformclient.AuthorizeURLParams{
		ClientID:      "my-public-client-id",
		RedirectURI:   exampleRedirect,
		CodeChallenge: platformclient.ComputePKCECodeChallenge(verifier),
	})
	if err != nil {
		log.Fatal(err)
	}
	u, _ := url.Parse(loginPage)
	fmt.Println(u.Query().Get("response_type"), u.Query().Get("code_challenge_method"))

	code := approve(loginPage)
	tok, err := c.Authorize(ctx, platformclient.PKCE{
		ClientID: "my-public-client-id", CodeVerifier: verifier, Code: code, RedirectURI: exampleRedirect})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.ExpiresIn)
	fmt.Println(orgName(ctx, c))
	// Output:
	// code S256
	// bearer 1h0m0s
	// Example Org
}

// The test vector of RFC 7636, appendix B.
func ExampleComputePKCECodeChallenge() {
	fmt.Println(platformclient.ComputePKCECodeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
	// Output: E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM
}

func ExampleGeneratePKCECodeVerifier() {
	v, err := platformclient.GeneratePKCECodeVerifier(43)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(v))
	// Output: 43
}

// An access token obtained elsewhere is set by hand; it is never renewed.
func ExampleWithAccessToken() {
	srv := newExampleLogin()
	defer srv.Close()
	ctx := context.Background()

	// Get a token some other way (here from the example login service).
	other := srv.client()
	tok, _ := other.Authorize(ctx, platformclient.ClientCredentials{ClientID: exampleClientID, ClientSecret: exampleSecret})

	c := srv.client(platformclient.WithAccessToken(tok.AccessToken))
	fmt.Println(orgName(ctx, c))
	tok.Expiry = time.Time{} // for a stable output
	fmt.Println(tok)         // tokens print without their secrets
	// Output:
	// Example Org
	// Token{TokenType: "bearer", AccessToken: [redacted], RefreshToken: "", ExpiresIn: 24h0m0s, Expiry: unknown}
}

// The client is an oauth2.TokenSource for code written for
// golang.org/x/oauth2.
func ExampleOAuth2TokenSource() {
	srv := newExampleLogin()
	defer srv.Close()
	ctx := context.Background()

	c := srv.client(platformclient.WithGrant(platformclient.ClientCredentials{ClientID: exampleClientID, ClientSecret: exampleSecret}))
	hc := oauth2.NewClient(ctx, platformclient.OAuth2TokenSource(ctx, c))
	resp, err := hc.Get(srv.URL + "/api/v2/organizations/me")
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println(resp.Status)
	// Output: 200 OK
}

// Any oauth2.TokenSource can supply the client's tokens.
func ExampleFromOAuth2() {
	srv := newExampleLogin()
	defer srv.Close()
	ctx := context.Background()

	cc := clientcredentials.Config{ClientID: exampleClientID, ClientSecret: exampleSecret,
		TokenURL: srv.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInHeader}
	c := srv.client(platformclient.WithTokenSource(platformclient.FromOAuth2(cc.TokenSource(ctx))))
	fmt.Println(orgName(ctx, c))
	// Output: Example Org
}

// With automatic renewal off, the caller refreshes the token itself with
// the refresh token and expiry from the token info.
func ExampleWithShouldRefreshAccessToken() {
	srv := newExampleLogin()
	defer srv.Close()
	ctx := context.Background()

	c := srv.client(platformclient.WithShouldRefreshAccessToken(false))
	tok, _ := c.Authorize(ctx, platformclient.AuthorizationCode{ClientID: exampleClientID, ClientSecret: exampleSecret,
		Code: approve(mustAuthorizeURL(c)), RedirectURI: exampleRedirect})

	// Later, when tok.Expiry is near or a call got 401:
	tok, err := c.Authorize(ctx, platformclient.RefreshToken{
		ClientID: exampleClientID, ClientSecret: exampleSecret, RefreshToken: tok.RefreshToken})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(orgName(ctx, c))
	// Output: Example Org
}

func mustAuthorizeURL(c *platformclient.Client) string {
	u, err := c.AuthorizeURL(platformclient.AuthorizeURLParams{ClientID: exampleClientID, RedirectURI: exampleRedirect})
	if err != nil {
		log.Fatal(err)
	}
	return u
}

// Behind an API gateway, logins and calls go to the gateway's paths.
func ExampleWithGateway() {
	c, err := platformclient.New(platformclient.WithGateway(platformclient.Gateway{
		Host:      "gateway.example.com",
		Port:      -1, // the protocol's default
		LoginPath: "/genesys/login",
		APIPath:   "genesys/api/",
	}))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.LoginURL() + "/oauth/token")
	fmt.Println(c.BaseURL() + "/api/v2/users/me")
	// Output:
	// https://gateway.example.com/genesys/login/oauth/token
	// https://gateway.example.com/genesys/api/api/v2/users/me
}

func ExampleWithRegion() {
	c, err := platformclient.New(platformclient.WithRegion(platformclient.APSoutheast2))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.BaseURL(), c.LoginURL())
	r, _ := platformclient.ParseRegion("mypurecloud.ie") // from an environment variable
	fmt.Println(r, r.LoginHost())
	// Output:
	// https://api.mypurecloud.com.au https://login.mypurecloud.com.au
	// eu_west_1 login.mypurecloud.ie
}
