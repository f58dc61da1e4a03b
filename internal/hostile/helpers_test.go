package hostile_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/internal/hostile"
)

// Secrets the tests plant and then look for on the hostile servers.
const (
	accessToken  = "AT-0f1e2d3c-access"
	clientSecret = "CS-9a8b7c-secret"
	refreshTok   = "RT-5d4c3b-refresh"
	assertion    = "SAML-77aa66bb-assertion"
	codeVerifier = "verifier-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"
	authCode     = "CODE-4242-code"
	password     = "Pw-Sup3r-S3cret!"
	cookie       = "session=COOKIE-1234-cookie"
	apiKey       = "KEY-5678-apikey"
)

// fastRetries keeps the retry loop's waits short, so that a test that
// wrongly retries still ends quickly and fails on its count.
var fastRetries = platformclient.WithRetryPolicy(platformclient.RetryPolicy{
	RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})

// newClient returns a client of api that logs in at login (api when nil).
func newClient(t *testing.T, api, login *hostile.Server, opts ...platformclient.Option) *platformclient.Client {
	t.Helper()
	if login == nil {
		login = api
	}
	all := append([]platformclient.Option{platformclient.WithBaseURL(api.URL),
		platformclient.WithLoginURL(login.URL), fastRetries}, opts...)
	c, err := platformclient.New(all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// withToken is a client option that sends accessToken.
var withToken = platformclient.WithAccessToken(accessToken)

// asRedirect returns the *RedirectError in err, failing the test without.
func asRedirect(t *testing.T, err error) *platformclient.RedirectError {
	t.Helper()
	var re *platformclient.RedirectError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T), want a *RedirectError", err, err)
	}
	return re
}

// assertUntouched fails the test if s received any request.
func assertUntouched(t *testing.T, s *hostile.Server) {
	t.Helper()
	if n := s.Count(); n != 0 {
		t.Errorf("the other host received %d requests: %+v", n, s.Requests())
	}
}

// assertNoSecret fails the test if s saw one of the secrets.
func assertNoSecret(t *testing.T, s *hostile.Server, secrets ...string) {
	t.Helper()
	for _, v := range secrets {
		if s.Saw(v) {
			t.Errorf("the other host received the secret %q", v)
		}
	}
}

// hookCookie is a pre-request hook that adds a cookie, as a user's hook
// might.
var hookCookie = platformclient.WithPreRequestHook(func(r *http.Request) error {
	r.Header.Set("Cookie", cookie)
	return nil
})
