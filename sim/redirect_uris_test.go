package sim_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/purecloudgo/platformclient/sim"
)

// /oauth/authorize redirects, with a code, only to a registered redirect
// URI: loopback URIs by default, the WithRedirectURIs list when given. Any
// other gets a 400 and no Location, so no web page elsewhere can obtain a
// simulator code or token.
func TestAuthorizeRedirectURIs(t *testing.T) {
	for _, tc := range []struct {
		opts []sim.Option
		uri  string
		ok   bool
	}{
		{nil, "http://127.0.0.1:9/cb", true},
		{nil, "http://127.8.9.10/cb", true},
		{nil, "https://[::1]:8443/cb?x=1", true},
		{nil, "http://localhost/cb", true},
		{nil, "https://evil.example/cb", false},
		{nil, "http://127.0.0.1.evil.example/cb", false},
		{nil, "http://localhost@evil.example/cb", false},
		{nil, "http://u:p@127.0.0.1/cb", false},
		{nil, "javascript://127.0.0.1/%0aalert(1)", false},
		{[]sim.Option{sim.WithRedirectURIs("https://app.example/cb")}, "https://app.example/cb", true},
		{[]sim.Option{sim.WithRedirectURIs("https://app.example/cb")}, "https://app.example/cb?x=1", false},
		{[]sim.Option{sim.WithRedirectURIs("https://app.example/cb")}, "http://127.0.0.1:9/cb", false},
	} {
		s := sim.StartTest(t, append([]sim.Option{sim.WithSeedUsers(1)}, tc.opts...)...)
		for _, rt := range []string{"code", "token"} {
			resp, loc := authorize(t, s, url.Values{"response_type": {rt}, "client_id": {s.ClientID()}, "redirect_uri": {tc.uri}})
			got := resp.StatusCode == http.StatusFound && loc != nil && loc.String() != ""
			if got != tc.ok {
				t.Errorf("%s %q: status %d, Location %v", rt, tc.uri, resp.StatusCode, loc)
			}
			if !tc.ok && resp.Header.Get("Location") != "" {
				t.Errorf("%s %q: redirected to %q", rt, tc.uri, resp.Header.Get("Location"))
			}
		}
	}
	if _, err := sim.New(sim.WithRedirectURIs("/relative")); err == nil {
		t.Error("a relative redirect URI was accepted")
	}
}
