package platformclient

import (
	"context"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/runtime"
)

// TestNoSecretsInLogsFromRealGrants logs in with every grant at trace level
// with both bodies on, makes a succeeding and a failing call, renews with the
// refresh token, and finds no secret in the output, in text or JSON.
func TestNoSecretsInLogsFromRealGrants(t *testing.T) {
	secrets := []string{"cc-s3cret-value", "saml-s3cret-value", "PHNhbWw+YXNzZXJ0aW9uPC9zYW1sPg==", "code-s3cret-value",
		"authcode-4711", "dBjftJeZ4CVP-mJ92K1_verifier_43_chars_long_x", "pkce-code-0815"}
	grants := map[string]Grant{
		"client credentials": ClientCredentials{ClientID: "cid", ClientSecret: secrets[0]},
		"saml2 bearer":       SAML2Bearer{ClientID: "cid", ClientSecret: secrets[1], OrgName: "org", Assertion: secrets[2]},
		"authorization code": AuthorizationCode{ClientID: "cid", ClientSecret: secrets[3], Code: secrets[4], RedirectURI: "https://app.example/cb"},
		"pkce":               PKCE{ClientID: "cid", CodeVerifier: secrets[5], Code: secrets[6], RedirectURI: "https://app.example/cb"},
	}
	for _, format := range []LogFormat{LogText, LogJSON} {
		for name, g := range grants {
			t.Run(string(format)+"/"+name, func(t *testing.T) {
				s := newTestAuthServer(t)
				s.refresh = true
				var buf lockedBuffer
				c := s.client(t, WithGrant(g), WithLogLevel(LogTrace), WithLogFormat(format), WithLogBodies(true, true), withConsole(&buf))
				ctx := context.Background()
				if err := getMe(ctx, c); err != nil {
					t.Fatal(err)
				}
				if err := c.Do(ctx, runtime.NewRequest("GET", "/api/v2/nothing"), nil); StatusCode(err) != 404 {
					t.Fatalf("failing call: %v", err)
				}
				s.refuseAll.Store(true) // the next call gets a 401 and renews with the refresh token
				_ = getMe(ctx, c)
				out := buf.String()
				if !strings.Contains(out, "/oauth/token") || !strings.Contains(out, "/api/v2/nothing") {
					t.Fatalf("the token exchange or the calls were not logged:\n%s", out)
				}
				leaked := append([]string(nil), secrets...)
				for _, call := range s.calls {
					leaked = append(leaked, call.Form.Get("refresh_token"))
				}
				leaked = append(leaked, "tok-1", "tok-2", "ref-1", "ref-2")
				for _, secret := range leaked {
					if secret != "" && strings.Contains(out, secret) {
						t.Errorf("log output holds %q:\n%s", secret, out)
					}
				}
			})
		}
	}
}
