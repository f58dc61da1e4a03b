package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestRunRedirectURI: with -redirect-uri, a client that is not this SDK
// (plain net/http) completes the authorization code grant with that URI,
// and every other URI (loopback included, and near misses) is refused.
func TestRunRedirectURI(t *testing.T) {
	const app = "https://app.example.com/callback"
	base, stdout := startRun(t, "-users", "2", "-redirect-uri", app, "-redirect-uri", "https://app.example.com/other")
	out := stdout.String()
	if !strings.Contains(out, "redirect URI:             "+app+"\n") || !strings.Contains(out, "https://app.example.com/other\n") {
		t.Fatalf("banner lacks the redirect URIs:\n%s", out)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	authorize := func(redirect string) *http.Response {
		t.Helper()
		q := url.Values{"response_type": {"code"}, "client_id": {"sim-client-id"}, "redirect_uri": {redirect}, "state": {"st-1"}}
		resp, err := noFollow.Get(base + "/oauth/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}

	resp := authorize(app)
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize with %s: %d", app, resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Scheme+"://"+loc.Host+loc.Path != app || loc.Query().Get("state") != "st-1" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect to %q", resp.Header.Get("Location"))
	}
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {app}}
	req, _ := http.NewRequest("POST", base+"/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("sim-client-id", "sim-client-secret")
	tr, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	err = json.NewDecoder(tr.Body).Decode(&tok)
	tr.Body.Close()
	if tr.StatusCode != 200 || err != nil || tok.AccessToken == "" {
		t.Fatalf("code exchange: %d %v", tr.StatusCode, err)
	}
	me, _ := http.NewRequest("GET", base+"/api/v2/users/me", nil)
	me.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	mr, err := http.DefaultClient.Do(me)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(mr.Body)
	mr.Body.Close()
	if mr.StatusCode != 200 || !strings.Contains(string(b), `"id"`) {
		t.Fatalf("/users/me with the code grant's token: %d %s", mr.StatusCode, b)
	}

	for _, other := range []string{"https://app.example.com/callback/", "https://app.example.com/callback?x=1",
		"http://app.example.com/callback", "https://app.example.com:8443/callback", "https://evil.example.com/callback",
		"http://127.0.0.1:9999/callback", "http://localhost/callback"} {
		if resp := authorize(other); resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Location") != "" {
			t.Errorf("authorize with unregistered %s: %d, Location %q", other, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}

// TestRunRedirectURIDefault: without -redirect-uri the banner says that
// loopback URIs only are accepted, and an external URI is refused.
func TestRunRedirectURIDefault(t *testing.T) {
	base, stdout := startRun(t, "-users", "1")
	if !strings.Contains(stdout.String(), "redirect URIs:            loopback only") {
		t.Fatalf("banner:\n%s", stdout)
	}
	q := url.Values{"response_type": {"code"}, "client_id": {"sim-client-id"}, "redirect_uri": {"https://app.example.com/callback"}}
	resp, err := http.Get(base + "/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("external redirect URI without -redirect-uri: %d", resp.StatusCode)
	}
}
