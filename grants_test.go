package platformclient

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func basicHeader(id, secret string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
}

// checkCall asserts the exact form fields and Authorization header of a
// token request.
func checkCall(t *testing.T, got tokenCall, form url.Values, authorization string) {
	t.Helper()
	if got.Path != "/oauth/token" {
		t.Errorf("token request path %q, want /oauth/token", got.Path)
	}
	if got.ContentType != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", got.ContentType)
	}
	if !reflect.DeepEqual(got.Form, form) {
		t.Errorf("form fields\n got  %v\n want %v", got.Form, form)
	}
	if got.Authorization != authorization {
		t.Errorf("Authorization %q, want %q", got.Authorization, authorization)
	}
}

func TestClientCredentialsGrant(t *testing.T) {
	s := newTestAuthServer(t)
	c := s.client(t)
	ctx := context.Background()
	tok, err := c.Authorize(ctx, ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "tok-1" || tok.TokenType != "bearer" || tok.ExpiresIn != time.Hour || tok.RefreshToken != "" {
		t.Errorf("token info: %+v / %q %q", tok, tok.AccessToken, tok.RefreshToken)
	}
	if d := time.Until(tok.Expiry); d < 59*time.Minute || d > time.Hour {
		t.Errorf("expiry in %s", d)
	}
	calls := s.tokenCalls()
	if len(calls) != 1 {
		t.Fatalf("%d token requests", len(calls))
	}
	checkCall(t, calls[0], url.Values{"grant_type": {"client_credentials"}}, basicHeader("cid", "s3cret"))
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n := s.tokens.Load(); n != 1 {
		t.Errorf("%d token requests after a call, want 1", n)
	}
}

func TestClientCredentialsLazyAndRenewedBeforeExpiry(t *testing.T) {
	s := newTestAuthServer(t)
	clock := newSettableClock()
	c := s.client(t, WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	c.auth.now = clock.Now
	ctx := context.Background()
	if n := s.tokens.Load(); n != 0 {
		t.Fatalf("WithGrant logged in at New: %d token requests", n)
	}
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n := s.tokens.Load(); n != 1 {
		t.Fatalf("%d token requests after the first call, want 1", n)
	}
	// A 1 h token is renewed in its last 5 minutes, not before.
	clock.Add(54 * time.Minute)
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n := s.tokens.Load(); n != 1 {
		t.Fatalf("renewed too early: %d token requests", n)
	}
	clock.Add(2 * time.Minute) // 4 minutes left
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n := s.tokens.Load(); n != 2 {
		t.Fatalf("not renewed before expiry: %d token requests", n)
	}
	tok, err := c.Token(ctx)
	if err != nil || tok.AccessToken != "tok-2" {
		t.Fatalf("token after renewal %q, %v", tok.AccessToken, err)
	}
	for _, call := range s.tokenCalls() {
		checkCall(t, call, url.Values{"grant_type": {"client_credentials"}}, basicHeader("cid", "s3cret"))
	}
	// Long after expiry: renewed on the next call.
	clock.Add(3 * time.Hour)
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	if n := s.tokens.Load(); n != 3 {
		t.Fatalf("%d token requests after expiry, want 3", n)
	}
}

func TestEarlyRenewalFailureKeepsValidToken(t *testing.T) {
	s := newTestAuthServer(t)
	clock := newSettableClock()
	c := s.client(t, WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	c.auth.now = clock.Now
	ctx := context.Background()
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	s.setGate(func(*http.Request) error { return errors.New("login down") })
	clock.Add(58 * time.Minute)
	for i := 0; i < 3; i++ {
		if err := getMe(ctx, c); err != nil {
			t.Fatalf("call %d with a still valid token failed: %v", i, err)
		}
	}
	if n := s.tokens.Load(); n != 2 {
		t.Errorf("%d token requests, want 2 (one failed early renewal, then a backoff)", n)
	}
	clock.Add(3 * time.Minute) // expired, login still down
	var ae *AuthError
	if err := getMe(ctx, c); !errors.As(err, &ae) || ae.StatusCode != 500 {
		t.Fatalf("call with an expired token and the login down: %v", err)
	}
}

func TestSAML2BearerGrant(t *testing.T) {
	s := newTestAuthServer(t)
	c := s.client(t)
	g := SAML2Bearer{ClientID: "cid", ClientSecret: "s3cret", OrgName: "acme", Assertion: "PHNhbWw+YXNzZXJ0aW9uPC9zYW1sPg=="}
	tok, err := c.Authorize(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "tok-1" {
		t.Errorf("access token %q", tok.AccessToken)
	}
	calls := s.tokenCalls()
	if len(calls) != 1 {
		t.Fatalf("%d token requests", len(calls))
	}
	checkCall(t, calls[0], url.Values{
		"grant_type": {"urn:ietf:params:oauth:grant-type:saml2-bearer"},
		"orgName":    {"acme"},
		"assertion":  {"PHNhbWw+YXNzZXJ0aW9uPC9zYW1sPg=="},
	}, basicHeader("cid", "s3cret"))
	if err := getMe(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

func TestAuthorizationCodeGrantAndRefresh(t *testing.T) {
	s := newTestAuthServer(t)
	s.refresh = true
	clock := newSettableClock()
	c := s.client(t)
	c.auth.now = clock.Now
	ctx := context.Background()
	tok, err := c.Authorize(ctx, AuthorizationCode{ClientID: "cid", ClientSecret: "s3cret", Code: "code-1", RedirectURI: "https://app.example.com/cb"})
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "tok-1" || tok.RefreshToken != "ref-1" || tok.ExpiresIn != time.Hour || !tok.Expiry.Equal(clock.Now().Add(time.Hour)) {
		t.Errorf("token info %v / %q %q", tok, tok.AccessToken, tok.RefreshToken)
	}
	clock.Add(2 * time.Hour)
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour)
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	calls := s.tokenCalls()
	if len(calls) != 3 {
		t.Fatalf("%d token requests, want 3", len(calls))
	}
	checkCall(t, calls[0], url.Values{"grant_type": {"authorization_code"}, "code": {"code-1"},
		"redirect_uri": {"https://app.example.com/cb"}}, basicHeader("cid", "s3cret"))
	checkCall(t, calls[1], url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"ref-1"}}, basicHeader("cid", "s3cret"))
	// The rotated refresh token is used next.
	checkCall(t, calls[2], url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"ref-2"}}, basicHeader("cid", "s3cret"))
}

func TestAuthorizationCodeWithoutRefreshToken(t *testing.T) {
	s := newTestAuthServer(t)
	clock := newSettableClock()
	c := s.client(t)
	c.auth.now = clock.Now
	ctx := context.Background()
	if _, err := c.Authorize(ctx, AuthorizationCode{ClientID: "cid", ClientSecret: "s3cret", Code: "c", RedirectURI: "https://a/cb"}); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour)
	if err := getMe(ctx, c); !errors.Is(err, ErrNoRefreshToken) {
		t.Fatalf("got %v, want ErrNoRefreshToken", err)
	}
	// A 401 is returned as it is: there is nothing to renew the token with.
	clock.Add(-2 * time.Hour)
	s.revoke("tok-1")
	if err := getMe(ctx, c); !IsUnauthorized(err) {
		t.Fatalf("got %v, want a 401 APIError", err)
	}
	if n := s.tokens.Load(); n != 1 {
		t.Errorf("%d token requests", n)
	}
}

func TestRefreshTokenGrant(t *testing.T) {
	s := newTestAuthServer(t)
	s.refresh = true
	c := s.client(t)
	tok, err := c.Authorize(context.Background(), RefreshToken{ClientID: "cid", ClientSecret: "s3cret", RefreshToken: "saved-ref"})
	if err != nil {
		t.Fatal(err)
	}
	if tok.RefreshToken != "ref-1" {
		t.Errorf("refresh token %q", tok.RefreshToken)
	}
	checkCall(t, s.tokenCalls()[0], url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"saved-ref"}}, basicHeader("cid", "s3cret"))
}

func TestPKCEGrantAndRefresh(t *testing.T) {
	s := newTestAuthServer(t)
	s.refresh = true
	clock := newSettableClock()
	c := s.client(t)
	c.auth.now = clock.Now
	ctx := context.Background()
	verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	if _, err := c.Authorize(ctx, PKCE{ClientID: "pub", CodeVerifier: verifier, Code: "code-9", RedirectURI: "http://localhost:8085/cb"}); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour)
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	calls := s.tokenCalls()
	if len(calls) != 2 {
		t.Fatalf("%d token requests", len(calls))
	}
	checkCall(t, calls[0], url.Values{"grant_type": {"authorization_code"}, "client_id": {"pub"}, "code_verifier": {verifier},
		"code": {"code-9"}, "redirect_uri": {"http://localhost:8085/cb"}}, "")
	checkCall(t, calls[1], url.Values{"grant_type": {"refresh_token"}, "client_id": {"pub"}, "refresh_token": {"ref-1"}}, "")
}

func TestGrantValidation(t *testing.T) {
	s := newTestAuthServer(t)
	c := s.client(t)
	for _, g := range []Grant{
		ClientCredentials{ClientID: "cid"},
		SAML2Bearer{ClientID: "cid", ClientSecret: "x", OrgName: "o"},
		AuthorizationCode{ClientID: "cid", ClientSecret: "x", Code: "c"},
		PKCE{ClientID: "cid", CodeVerifier: "short", Code: "c", RedirectURI: "r"},
		PKCE{ClientID: "cid", CodeVerifier: strings.Repeat("a", 42) + "!", Code: "c", RedirectURI: "r"},
		RefreshToken{ClientID: "cid"},
	} {
		if _, err := c.Authorize(context.Background(), g); err == nil {
			t.Errorf("%v: no error", g)
		}
		if _, err := New(WithGrant(g)); err == nil {
			t.Errorf("WithGrant(%v): no error", g)
		}
	}
	if n := s.tokens.Load(); n != 0 {
		t.Errorf("invalid grants sent %d token requests", n)
	}
}

func TestAccessTokenSetByHand(t *testing.T) {
	s := newTestAuthServer(t)
	s.accept("hand-1")
	s.accept("hand-2")
	c := s.client(t, WithAccessToken("hand-1"))
	ctx := context.Background()
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	c.SetToken(Token{AccessToken: "hand-2"})
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	s.revoke("hand-2")
	before := atomic.LoadInt64(&s.apiCalls)
	if err := getMe(ctx, c); !IsUnauthorized(err) {
		t.Fatalf("got %v, want 401", err)
	}
	if got := atomic.LoadInt64(&s.apiCalls) - before; got != 1 {
		t.Errorf("a token set by hand was replayed after 401: %d API calls", got)
	}
	if n := s.tokens.Load(); n != 0 {
		t.Errorf("%d token requests for a token set by hand", n)
	}
	if _, err := New(WithAccessToken("")); err == nil {
		t.Error("empty access token accepted")
	}
	c2, _ := New(WithBaseURL(s.URL))
	if _, err := c2.Token(ctx); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("Token without credentials: %v", err)
	}
}

func TestStaticTokenSource(t *testing.T) {
	s := newTestAuthServer(t)
	s.accept("st")
	c := s.client(t, WithTokenSource(StaticToken("st")))
	if err := getMe(context.Background(), c); err != nil {
		t.Fatal(err)
	}
}

// invalidatingSource is a user token source that supports Invalidate.
type invalidatingSource struct {
	cur         string
	next        string
	invalidated []string
}

func (s *invalidatingSource) Token(context.Context) (Token, error) {
	return Token{AccessToken: s.cur}, nil
}
func (s *invalidatingSource) Invalidate(tok string) {
	s.invalidated = append(s.invalidated, tok)
	s.cur = s.next
}

func TestTokenSourceInvalidatedOn401(t *testing.T) {
	s := newTestAuthServer(t)
	s.accept("good")
	src := &invalidatingSource{cur: "bad", next: "good"}
	c := s.client(t, WithTokenSource(src))
	if err := getMe(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(src.invalidated) != "[bad]" {
		t.Errorf("invalidated %v", src.invalidated)
	}
}

func TestUnauthorizedReplayedOnceWithNewToken(t *testing.T) {
	s := newTestAuthServer(t)
	c := s.client(t, WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	ctx := context.Background()
	if err := getMe(ctx, c); err != nil {
		t.Fatal(err)
	}
	s.revoke("tok-1")
	if err := getMe(ctx, c); err != nil {
		t.Fatalf("call after revocation: %v", err)
	}
	if n := s.tokens.Load(); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
	// A token the API refuses at once is replayed only once.
	s.refuseAll.Store(true)
	before := atomic.LoadInt64(&s.apiCalls)
	if err := getMe(ctx, c); !IsUnauthorized(err) {
		t.Fatalf("got %v, want 401", err)
	}
	if got := atomic.LoadInt64(&s.apiCalls) - before; got != 2 {
		t.Errorf("%d API calls, want 2 (the call and one replay)", got)
	}
	if n := s.tokens.Load(); n != 3 {
		t.Errorf("%d token requests, want 3", n)
	}
}

func TestAuthErrorHasNoSecrets(t *testing.T) {
	const secret = "TOP-s3cret-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ININ-Correlation-Id", "corr-1")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":"invalid_client","description":"client secret %s is wrong","error_description":"secret %s rejected"}`, secret, secret)
	}))
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL), WithLoginURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Authorize(context.Background(), ClientCredentials{ClientID: "cid", ClientSecret: secret})
	var ae *AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("got %T %v, want *AuthError", err, err)
	}
	if ae.StatusCode != 401 || ae.Code != "invalid_client" || ae.CorrelationID != "corr-1" || ae.GrantType != "client_credentials" {
		t.Errorf("AuthError %+v", *ae)
	}
	if ae.Description != "secret [redacted] rejected" {
		t.Errorf("description %q", ae.Description)
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", ae)} {
		if strings.Contains(s, secret) {
			t.Errorf("secret in %q", s)
		}
	}

	// Not JSON, and a token response that is not a token.
	for _, body := range []string{`<html>oops</html>`, `{"token_type":"bearer"}`, `{"access_token":"x","expires_in":"soon"}`} {
		srv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
		c2, _ := New(WithBaseURL(srv2.URL), WithLoginURL(srv2.URL))
		_, err := c2.Authorize(context.Background(), ClientCredentials{ClientID: "cid", ClientSecret: secret})
		if !errors.As(err, &ae) || ae.Err == nil {
			t.Errorf("body %s: got %v", body, err)
		}
		srv2.Close()
	}
	// Unreachable login service.
	c3, _ := New(WithBaseURL("http://127.0.0.1:1"), WithLoginURL("http://127.0.0.1:1"), noRetries)
	_, err = c3.Authorize(context.Background(), ClientCredentials{ClientID: "cid", ClientSecret: secret})
	var te *TransportError
	if !errors.As(err, &ae) || !errors.As(err, &te) || strings.Contains(err.Error(), secret) {
		t.Errorf("unreachable: %v", err)
	}
}

func TestExpiresInAsString(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"access_token":"a","token_type":"bearer","expires_in":"86399"}`)
	}))
	defer srv.Close()
	c, _ := New(WithBaseURL(srv.URL), WithLoginURL(srv.URL))
	tok, err := c.Authorize(context.Background(), ClientCredentials{ClientID: "cid", ClientSecret: "x"})
	if err != nil || tok.ExpiresIn != 86399*time.Second {
		t.Fatalf("%v %v", tok, err)
	}
}

// TestTokenRequestRetries429 shows a login refused with 429 retried after
// Retry-After, a 503 (a refusal before the grant is used) retried too, and
// a 502 (after which a code may be spent) not retried for a one-time code.
func TestTokenRequestRetries429(t *testing.T) {
	var calls atomic.Int32
	status := http.StatusTooManyRequests
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(status)
			fmt.Fprint(w, `{"error":"too_many_requests"}`)
			return
		}
		fmt.Fprint(w, `{"access_token":"tok","token_type":"bearer","expires_in":3600}`)
	}))
	defer srv.Close()
	clk := newFakeClock()
	c, err := New(WithBaseURL(srv.URL), WithLoginURL(srv.URL), withClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.Authorize(context.Background(), ClientCredentials{ClientID: "id", ClientSecret: "s"})
	if err != nil || tok.AccessToken != "tok" || calls.Load() != 2 {
		t.Fatalf("token %v, err %v, %d requests", tok.AccessToken != "", err, calls.Load())
	}
	if w := clk.Waits(); len(w) != 1 || w[0] < 7*time.Second || w[0] > 8*time.Second {
		t.Fatalf("waits %v, want one of Retry-After 7s", w)
	}

	calls.Store(0)
	status = http.StatusServiceUnavailable
	code := AuthorizationCode{ClientID: "id", ClientSecret: "s", Code: "c", RedirectURI: "https://app.example/cb"}
	if _, err = c.Authorize(context.Background(), code); err != nil || calls.Load() != 2 {
		t.Fatalf("503: %v after %d requests", err, calls.Load())
	}

	calls.Store(0)
	status = http.StatusBadGateway
	_, err = c.Authorize(context.Background(), code)
	var ae *AuthError
	if !errors.As(err, &ae) || ae.StatusCode != 502 || calls.Load() != 1 || ae.RetryAfter != 7*time.Second {
		t.Fatalf("502: %v after %d requests", err, calls.Load())
	}
}
