package sim_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/runtime"
	"github.com/purecloudgo/platformclient/sim"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type tokenReply struct {
	AccessToken      string `json:"access_token"`
	TokenType        string `json:"token_type"`
	ExpiresIn        int    `json:"expires_in"`
	RefreshToken     string `json:"refresh_token"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// postToken sends a token request; id and secret go in HTTP Basic when id
// is not empty.
func postToken(t *testing.T, s *sim.Server, form url.Values, id, secret string) (int, tokenReply) {
	t.Helper()
	req, err := http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if id != "" {
		req.SetBasicAuth(id, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r tokenReply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("token reply: %v", err)
	}
	return resp.StatusCode, r
}

// apiGet calls an API path with a bearer token.
func apiGet(t *testing.T, s *sim.Server, path, token string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL()+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestClientCredentials(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	form := url.Values{"grant_type": {"client_credentials"}}
	status, tok := postToken(t, s, form, s.ClientID(), s.ClientSecret())
	if status != 200 || tok.AccessToken == "" || tok.TokenType != "bearer" || tok.ExpiresIn != 86400 || tok.RefreshToken != "" {
		t.Fatalf("%d %+v", status, tok)
	}
	if resp, b := apiGet(t, s, "/api/v2/users", tok.AccessToken); resp.StatusCode != 200 {
		t.Fatalf("API call with the token: %d %s", resp.StatusCode, b)
	}
	if status, r := postToken(t, s, form, s.ClientID(), "wrong"); status != 401 || r.Error != "invalid_client" {
		t.Fatalf("wrong secret: %d %+v", status, r)
	}
	if status, r := postToken(t, s, form, "", ""); status != 401 || r.Error != "invalid_client" {
		t.Fatalf("no client auth: %d %+v", status, r)
	}
	if status, r := postToken(t, s, url.Values{"grant_type": {"password"}}, s.ClientID(), s.ClientSecret()); status != 400 || r.Error != "unsupported_grant_type" {
		t.Fatalf("unknown grant: %d %+v", status, r)
	}
}

func TestTokenExpiry(t *testing.T) {
	clock := newFakeClock()
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithTokenLifetime(30*time.Second), sim.WithClock(clock.Now))
	_, tok := postToken(t, s, url.Values{"grant_type": {"client_credentials"}}, s.ClientID(), s.ClientSecret())
	if tok.ExpiresIn != 30 {
		t.Fatalf("expires_in %d", tok.ExpiresIn)
	}
	if resp, _ := apiGet(t, s, "/api/v2/users", tok.AccessToken); resp.StatusCode != 200 {
		t.Fatalf("fresh token: %d", resp.StatusCode)
	}
	clock.Add(30 * time.Second)
	resp, body := apiGet(t, s, "/api/v2/users", tok.AccessToken)
	var e platformclient.ErrorBody
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatal(err)
	}
	corr := resp.Header.Get("ININ-Correlation-Id")
	if resp.StatusCode != 401 || e.Status != 401 || e.Code != "bad.credentials" || e.ContextID == "" || e.ContextID != corr {
		t.Fatalf("expired token: %d %+v (correlation %q)", resp.StatusCode, e, corr)
	}
	if resp, _ := apiGet(t, s, "/api/v2/users", "made-up"); resp.StatusCode != 401 {
		t.Fatalf("unknown token: %d", resp.StatusCode)
	}
	if resp, _ := apiGet(t, s, "/api/v2/users", ""); resp.StatusCode != 401 {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	// Through the client: a typed 401.
	c, _ := platformclient.New(platformclient.WithBaseURL(s.URL()), platformclient.WithAccessToken(tok.AccessToken))
	err := c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/users"), nil)
	var apiErr *platformclient.APIError
	if !errors.As(err, &apiErr) || !platformclient.IsUnauthorized(err) || apiErr.CorrelationID == "" {
		t.Fatalf("client: %v", err)
	}
}

// authorize runs /oauth/authorize and returns the redirect location.
func authorize(t *testing.T, s *sim.Server, q url.Values) (*http.Response, *url.URL) {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(s.URL() + "/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return resp, loc
}

func TestAuthorizationCodeAndRefreshRotation(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	resp, loc := authorize(t, s, url.Values{"response_type": {"code"}, "client_id": {s.ClientID()},
		"redirect_uri": {"http://localhost:8080/cb?keep=1"}, "state": {"xyz"}})
	if resp.StatusCode != http.StatusFound || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" || loc.Query().Get("keep") != "1" || loc.Host != "localhost:8080" {
		t.Fatalf("authorize: %d %v", resp.StatusCode, loc)
	}
	code := loc.Query().Get("code")
	exchange := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"http://localhost:8080/cb?keep=1"}}
	if status, r := postToken(t, s, exchange, "", ""); status != 401 {
		t.Fatalf("code without client auth: %d %+v", status, r)
	}
	// The failed attempt used the code up: codes are single-use.
	if status, r := postToken(t, s, exchange, s.ClientID(), s.ClientSecret()); status != 400 || r.Error != "invalid_grant" {
		t.Fatalf("reused code: %d %+v", status, r)
	}
	_, loc = authorize(t, s, url.Values{"response_type": {"code"}, "client_id": {s.ClientID()}, "redirect_uri": {"http://localhost:8080/cb"}})
	exchange = url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://localhost:8080/cb"}}
	status, tok := postToken(t, s, exchange, s.ClientID(), s.ClientSecret())
	if status != 200 || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("exchange: %d %+v", status, tok)
	}
	refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}
	status, tok2 := postToken(t, s, refresh, s.ClientID(), s.ClientSecret())
	if status != 200 || tok2.RefreshToken == "" || tok2.RefreshToken == tok.RefreshToken || tok2.AccessToken == tok.AccessToken {
		t.Fatalf("refresh: %d %+v", status, tok2)
	}
	if status, r := postToken(t, s, refresh, s.ClientID(), s.ClientSecret()); status != 400 || r.Error != "invalid_grant" {
		t.Fatalf("old refresh token after rotation: %d %+v", status, r)
	}
	if resp, _ := apiGet(t, s, "/api/v2/users", tok2.AccessToken); resp.StatusCode != 200 {
		t.Fatalf("refreshed token: %d", resp.StatusCode)
	}
}

func TestPKCE(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-plus-some-more-entropy"
	sum := sha256.Sum256([]byte(verifier))
	challenge := base64.RawURLEncoding.EncodeToString(sum[:])
	q := url.Values{"response_type": {"code"}, "client_id": {s.ClientID()}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}, "state": {"s1"}}
	if resp, _ := authorize(t, s, url.Values{"response_type": {"code"}, "client_id": {s.ClientID()}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"code_challenge": {challenge}, "code_challenge_method": {"plain"}}); resp.StatusCode != 400 {
		t.Fatalf("plain challenge method: %d", resp.StatusCode)
	}
	_, loc := authorize(t, s, q)
	bad := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"client_id": {s.ClientID()}, "code_verifier": {"wrong-verifier"}}
	if status, r := postToken(t, s, bad, "", ""); status != 400 || r.Error != "invalid_grant" {
		t.Fatalf("wrong verifier: %d %+v", status, r)
	}
	_, loc = authorize(t, s, q)
	good := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"client_id": {s.ClientID()}, "code_verifier": {verifier}}
	status, tok := postToken(t, s, good, "", "") // public client: no secret
	if status != 200 || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Fatalf("PKCE exchange: %d %+v", status, tok)
	}
	// A PKCE refresh token is refreshed with the client id alone.
	status, tok2 := postToken(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}, "client_id": {s.ClientID()}}, "", "")
	if status != 200 || tok2.AccessToken == "" {
		t.Fatalf("PKCE refresh: %d %+v", status, tok2)
	}
	_, loc = authorize(t, s, q)
	if status, r := postToken(t, s, url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {"http://127.0.0.1:9/cb"}, "code_verifier": {verifier}}, s.ClientID(), "wrong-secret"); status != 401 || r.Error != "invalid_client" {
		t.Fatalf("PKCE with a wrong Basic secret: %d %+v", status, r)
	}
	_, loc = authorize(t, s, q)
	other := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://127.0.0.1:9/cb"},
		"client_id": {"someone-else"}, "code_verifier": {verifier}}
	if status, r := postToken(t, s, other, "", ""); status != 400 || r.Error != "invalid_client" {
		t.Fatalf("other client id: %d %+v", status, r)
	}
}

func TestImplicitGrant(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	resp, loc := authorize(t, s, url.Values{"response_type": {"token"}, "client_id": {s.ClientID()}, "redirect_uri": {"http://localhost/cb"}, "state": {"a b"}})
	frag, _ := url.ParseQuery(loc.Fragment)
	if resp.StatusCode != 302 || frag.Get("access_token") == "" || frag.Get("state") != "a b" {
		t.Fatalf("implicit: %d %v", resp.StatusCode, loc)
	}
	if resp, _ := apiGet(t, s, "/api/v2/users", frag.Get("access_token")); resp.StatusCode != 200 {
		t.Fatalf("implicit token: %d", resp.StatusCode)
	}
	if resp, _ := authorize(t, s, url.Values{"response_type": {"code"}, "client_id": {"nobody"}, "redirect_uri": {"http://localhost/cb"}}); resp.StatusCode != 400 {
		t.Fatalf("unknown client: %d", resp.StatusCode)
	}
}

func TestSAML2Bearer(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithOrgName("acme"))
	assertion := base64.StdEncoding.EncodeToString([]byte("<saml2:Assertion>...</saml2:Assertion>"))
	form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:saml2-bearer"}, "orgName": {"acme"}, "assertion": {assertion}}
	if status, tok := postToken(t, s, form, s.ClientID(), s.ClientSecret()); status != 200 || tok.AccessToken == "" {
		t.Fatalf("saml2: %d %+v", status, tok)
	}
	for name, f := range map[string]url.Values{
		"wrong org":     {"grant_type": {form.Get("grant_type")}, "orgName": {"other"}, "assertion": {assertion}},
		"no org":        {"grant_type": {form.Get("grant_type")}, "assertion": {assertion}},
		"bad assertion": {"grant_type": {form.Get("grant_type")}, "orgName": {"acme"}, "assertion": {"%%%"}},
	} {
		if status, r := postToken(t, s, f, s.ClientID(), s.ClientSecret()); status != 400 || r.Error == "" {
			t.Errorf("%s: %d %+v", name, status, r)
		}
	}
	if status, _ := postToken(t, s, form, "", ""); status != 401 {
		t.Fatalf("saml2 without client auth: %d", status)
	}
}

func TestExpireTokensAndTokenSource(t *testing.T) {
	clock := newFakeClock()
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithClock(clock.Now), sim.WithTokenLifetime(time.Minute))
	c, err := s.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Do(ctx, runtime.NewRequest("GET", "/api/v2/users"), nil); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Minute) // the token source renews an expired token
	if err := c.Do(ctx, runtime.NewRequest("GET", "/api/v2/users"), nil); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	tok := s.AccessToken()
	s.ExpireTokens()
	if resp, _ := apiGet(t, s, "/api/v2/users", tok); resp.StatusCode != 401 {
		t.Fatalf("after ExpireTokens: %d", resp.StatusCode)
	}
}

// TestChannelExpiresInRealTime: a simulator on a clock far in the past
// still hands out channels that expire a day from now in real time, so
// the notifications client does not renew them at once.
func TestChannelExpiresInRealTime(t *testing.T) {
	clk := &fakeClock{t: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := sim.StartTest(t, sim.WithClock(clk.Now))
	c, err := platformclient.New(platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL()),
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: s.ClientSecret()}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var ch models.Channel
	if err := c.Do(context.Background(), runtime.NewRequest("POST", "/api/v2/notifications/channels"), &ch); err != nil {
		t.Fatal(err)
	}
	if ch.Expires == nil {
		t.Fatal("channel without expires")
	}
	if left := time.Until(ch.Expires.Time); left < time.Hour {
		t.Fatalf("channel expires %v, in %v of real time", ch.Expires, left)
	}
}
