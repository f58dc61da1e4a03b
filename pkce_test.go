package platformclient

import (
	"context"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

func TestPKCERFC7636AppendixB(t *testing.T) {
	const verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
	if got := ComputePKCECodeChallenge(verifier); got != challenge {
		t.Errorf("challenge %q, want %q", got, challenge)
	}
}

func TestGeneratePKCECodeVerifier(t *testing.T) {
	seen := map[rune]bool{}
	prev := ""
	for _, n := range []int{43, 64, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128} {
		v, err := GeneratePKCECodeVerifier(n)
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != n {
			t.Errorf("length %d, want %d", len(v), n)
		}
		if err := checkCodeVerifier(v); err != nil {
			t.Error(err)
		}
		if v == prev {
			t.Error("two verifiers are equal")
		}
		prev = v
		for _, r := range v {
			seen[r] = true
		}
		if c := ComputePKCECodeChallenge(v); len(c) != 43 || strings.ContainsAny(c, "+/=") {
			t.Errorf("challenge %q is not base64url without padding", c)
		}
	}
	if len(seen) != len(pkceChars) {
		t.Errorf("%d distinct characters in 1,387, want all %d", len(seen), len(pkceChars))
	}
	for _, n := range []int{-1, 0, 42, 129} {
		if _, err := GeneratePKCECodeVerifier(n); err == nil {
			t.Errorf("length %d accepted", n)
		}
	}
}

func TestAuthorizeURL(t *testing.T) {
	c, err := New(WithRegion(EUWest1))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := c.AuthorizeURL(AuthorizeURLParams{ClientID: "pub", RedirectURI: "http://localhost:8085/cb",
		CodeChallenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", State: "xyz"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "https" || u.Host != "login.mypurecloud.ie" || u.Path != "/oauth/authorize" {
		t.Errorf("authorize URL %s", raw)
	}
	want := url.Values{"response_type": {"code"}, "client_id": {"pub"}, "redirect_uri": {"http://localhost:8085/cb"},
		"code_challenge": {"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"}, "code_challenge_method": {"S256"}, "state": {"xyz"}}
	if !reflect.DeepEqual(u.Query(), want) {
		t.Errorf("query %v", u.Query())
	}
	raw, _ = c.AuthorizeURL(AuthorizeURLParams{ClientID: "conf", RedirectURI: "https://app/cb"})
	u, _ = url.Parse(raw)
	if !reflect.DeepEqual(u.Query(), url.Values{"response_type": {"code"}, "client_id": {"conf"}, "redirect_uri": {"https://app/cb"}}) {
		t.Errorf("plain authorization code query %v", u.Query())
	}
	if _, err := c.AuthorizeURL(AuthorizeURLParams{ClientID: "x"}); err == nil {
		t.Error("no redirect URI accepted")
	}
}

func TestOAuth2Interop(t *testing.T) {
	s := newTestAuthServer(t)
	ctx := context.Background()

	// Any oauth2.TokenSource as ours.
	cc := clientcredentials.Config{ClientID: "cid", ClientSecret: "s3cret", TokenURL: s.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInHeader}
	c := s.client(t, WithTokenSource(FromOAuth2(cc.TokenSource(ctx))))
	for range 2 {
		if err := getMe(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.tokens.Load(); n != 1 {
		t.Errorf("%d token requests, want 1 (the oauth2 source caches)", n)
	}
	checkCall(t, s.tokenCalls()[0], url.Values{"grant_type": {"client_credentials"}}, basicHeader("cid", "s3cret"))

	// Our client as an oauth2.TokenSource.
	ours := s.client(t, WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	ts := OAuth2TokenSource(ctx, ours)
	tok, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "tok-2" || tok.TokenType != "bearer" || tok.ExpiresIn != 3600 || time.Until(tok.Expiry) < 59*time.Minute || !tok.Valid() {
		t.Errorf("oauth2 token %+v", tok)
	}
	resp, err := oauth2.NewClient(ctx, ts).Get(s.URL + "/api/v2/users/me")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d through oauth2.NewClient", resp.StatusCode)
	}
	if n := s.tokens.Load(); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
}

// TestSecretsNeverPrinted formats every value that holds a secret with
// every verb, and logs it with slog, and looks for the secrets.
func TestSecretsNeverPrinted(t *testing.T) {
	secrets := []string{"AT-s3cr3t", "RT-s3cr3t", "CS-s3cr3t", "AS-s3cr3t", "CODE-s3cr3t", "GW-s3cr3t", "PX-s3cr3t", "PXURL-s3cr3t", "KEY-s3cr3t", "ST-s3cr3t",
		"CV-s3cr3t-0123456789012345678901234567890123456789"}
	tok := Token{AccessToken: "AT-s3cr3t", TokenType: "bearer", RefreshToken: "RT-s3cr3t", ExpiresIn: time.Hour, Expiry: time.Now()}
	values := []any{
		tok, &tok,
		ClientCredentials{ClientID: "cid", ClientSecret: "CS-s3cr3t"},
		SAML2Bearer{ClientID: "cid", ClientSecret: "CS-s3cr3t", OrgName: "o", Assertion: "AS-s3cr3t"},
		AuthorizationCode{ClientID: "cid", ClientSecret: "CS-s3cr3t", Code: "CODE-s3cr3t", RedirectURI: "r"},
		PKCE{ClientID: "cid", CodeVerifier: secrets[10], Code: "CODE-s3cr3t", RedirectURI: "r"},
		&RefreshToken{ClientID: "cid", ClientSecret: "CS-s3cr3t", RefreshToken: "RT-s3cr3t"},
		Gateway{Host: "gw", Username: "u", Password: "GW-s3cr3t"},
		Proxy{URL: "http://u:PXURL-s3cr3t@proxy:3128", Username: "u", Password: "PX-s3cr3t"},
		MTLS{CertPEM: []byte("cert"), KeyPEM: []byte("KEY-s3cr3t")},
		StaticToken("ST-s3cr3t"),
		struct {
			T    Token
			G    Grant
			List []any
		}{tok, ClientCredentials{ClientSecret: "CS-s3cr3t"}, []any{Gateway{Password: "GW-s3cr3t"}}},
		map[string]any{"tok": tok},
	}
	c, err := New(WithAccessToken("AT-s3cr3t"), WithProxy(Proxy{URL: "http://proxy:3128", Username: "u", Password: "PX-s3cr3t"}),
		WithGateway(Gateway{Host: "gw", Password: "GW-s3cr3t"}))
	if err != nil {
		t.Fatal(err)
	}
	values = append(values, c, c.settings(), *c.settings())
	check := func(where, out string) {
		t.Helper()
		for _, s := range secrets {
			if strings.Contains(out, s) || strings.Contains(out, hex.EncodeToString([]byte(s))) || strings.Contains(strings.ToUpper(out), strings.ToUpper(hex.EncodeToString([]byte(s)))) {
				t.Errorf("%s: secret %s in %q", where, s, out)
			}
		}
	}
	for i, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			check(fmt.Sprintf("value %d %s", i, verb), fmt.Sprintf(verb, v))
		}
		var b strings.Builder
		slog.New(slog.NewTextHandler(&b, nil)).Info("m", "v", v)
		slog.New(slog.NewJSONHandler(&b, nil)).Info("m", "v", v)
		check(fmt.Sprintf("value %d slog", i), b.String())
	}
}
