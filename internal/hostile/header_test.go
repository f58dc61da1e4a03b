package hostile_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/internal/hostile"
)

// badValues are header values net/http refuses at send time.
var badValues = []string{"a\r\nX-Injected: 1", "a\nb", "a\rb", "a\x00b", "a\x7fb"}

// A bad header value is refused where it enters: New for WithHeader and
// WithUserAgent.
func TestBadHeaderOptions(t *testing.T) {
	for _, v := range badValues {
		for name, opt := range map[string]platformclient.Option{
			"WithHeader":    platformclient.WithHeader("X-Custom", v),
			"WithUserAgent": platformclient.WithUserAgent(v),
		} {
			_, err := platformclient.New(opt)
			var he *platformclient.HeaderError
			if !errors.As(err, &he) || he.Source != name {
				t.Errorf("%s(%q): error %v, want a *HeaderError", name, v, err)
			}
		}
	}
	if _, err := platformclient.New(platformclient.WithHeader("Bad Name", "v")); err == nil {
		t.Error("a header name with a space was accepted")
	}
	for _, g := range []platformclient.Gateway{{Host: "gw\r\nx"}, {Host: "gw", APIPath: "a\nb"}, {Host: "gw", LoginPath: "a\x00"},
		{Host: "gw", Username: "u\r\n"}, {Host: "gw", Password: "p\r\nX-Evil: " + apiKey}} {
		_, err := platformclient.New(platformclient.WithGateway(g))
		var he *platformclient.HeaderError
		if !errors.As(err, &he) || strings.Contains(err.Error(), apiKey) {
			t.Errorf("gateway %v: error %v, want a *HeaderError", g, err)
		}
	}
}

// A bad CallHeader, a hook that sets a bad header, and a login service
// that hands out a token with CR LF all fail the call in one attempt, with
// no wait and nothing sent, and the error never holds the value.
func TestBadHeaderInCalls(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  []platformclient.Option
		call  []platformclient.CallOption
		login string // the access token the login service hands out
	}{
		{name: "CallHeader", call: []platformclient.CallOption{platformclient.CallHeader("X-Trace", "t\r\nX-Evil: "+apiKey)}},
		{name: "hook", opts: []platformclient.Option{platformclient.WithPreRequestHook(func(r *http.Request) error {
			r.Header.Set("X-Trace", "t\r\nX-Evil: "+apiKey)
			return nil
		})}},
		{name: "token", login: "tok\r\nX-Evil: " + apiKey},
	} {
		t.Run(tc.name, func(t *testing.T) {
			api := hostile.New(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/oauth/token" {
					fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","expires_in":3600}`, tc.login)
					return
				}
				fmt.Fprint(w, `{"id":"u1"}`)
			})
			auth := withToken
			if tc.login != "" {
				auth = platformclient.WithGrant(platformclient.ClientCredentials{ClientID: "id", ClientSecret: clientSecret})
			}
			retries := 0
			opts := append([]platformclient.Option{auth, platformclient.WithRetryPolicy(platformclient.RetryPolicy{
				OnRetry: func(platformclient.RetryEvent) { retries++ }})}, tc.opts...)
			c := newClient(t, api, nil, opts...)
			start := time.Now()
			u, err := users.NewClient(c).GetUser(context.Background(), "u1", nil, tc.call...)
			took := time.Since(start)
			var he *platformclient.HeaderError
			if u != nil || !errors.As(err, &he) {
				t.Fatalf("user %+v, error %v, want a *HeaderError", u, err)
			}
			if retries != 0 || took > time.Second {
				t.Errorf("%d retries in %s, want none", retries, took)
			}
			if strings.Contains(err.Error(), apiKey) || !strings.Contains(err.Error(), "CR") {
				t.Errorf("message %q", err)
			}
			for _, r := range api.Requests() {
				if r.Path != "/oauth/token" {
					t.Errorf("the API got %s %s", r.Method, r.Path)
				}
			}
		})
	}
}
