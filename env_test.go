package platformclient_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/sim"
)

// clearEnv unsets every variable WithEnvironment reads, for this test.
func clearEnv(t *testing.T) {
	for _, n := range []string{"GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET", "GENESYSCLOUD_REGION",
		"GENESYSCLOUD_ACCESS_TOKEN", "GENESYSCLOUD_BASE_URL", "GENESYSCLOUD_LOGIN_URL",
		"GENESYS_CLOUD_CLIENT_ID", "GENESYS_CLOUD_CLIENT_SECRET", "GENESYS_CLOUD_REGION"} {
		t.Setenv(n, "")
	}
}

func TestWithEnvironmentAgainstSimulator(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(2))
	for _, names := range [][3]string{
		{"GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET", "GENESYSCLOUD_BASE_URL"},
		{"GENESYS_CLOUD_CLIENT_ID", "GENESYS_CLOUD_CLIENT_SECRET", "GENESYSCLOUD_BASE_URL"},
	} {
		t.Run(names[0], func(t *testing.T) {
			clearEnv(t)
			if platformclient.EnvironmentSet() {
				t.Fatal("EnvironmentSet with nothing set")
			}
			t.Setenv(names[0], s.ClientID())
			t.Setenv(names[1], s.ClientSecret())
			t.Setenv(names[2], s.URL()+"/")
			t.Setenv("GENESYSCLOUD_REGION", "eu-west-1") // the base URL wins
			if !platformclient.EnvironmentSet() {
				t.Fatal("EnvironmentSet false")
			}
			c, err := platformclient.New(platformclient.WithEnvironment())
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != s.URL() || c.LoginURL() != s.URL() {
				t.Errorf("base %s login %s, want %s", c.BaseURL(), c.LoginURL(), s.URL())
			}
			l, err := users.NewClient(c).GetUsers(context.Background(), nil)
			if err != nil || len(l.Entities) != 2 {
				t.Fatalf("GetUsers: %v", err)
			}
		})
	}
}

func TestWithEnvironmentSettings(t *testing.T) {
	for _, tc := range []struct {
		name      string
		env       map[string]string
		base      string
		login     string
		errSubstr string
	}{
		{name: "terraform names", env: map[string]string{"GENESYSCLOUD_OAUTHCLIENT_ID": "id", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "s", "GENESYSCLOUD_REGION": "eu-west-1"},
			base: "https://api.mypurecloud.ie", login: "https://login.mypurecloud.ie"},
		{name: "region domain", env: map[string]string{"GENESYSCLOUD_OAUTHCLIENT_ID": "id", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "s", "GENESYSCLOUD_REGION": "usw2.pure.cloud"},
			base: "https://api.usw2.pure.cloud", login: "https://login.usw2.pure.cloud"},
		{name: "old names", env: map[string]string{"GENESYS_CLOUD_CLIENT_ID": "id", "GENESYS_CLOUD_CLIENT_SECRET": "s", "GENESYS_CLOUD_REGION": "ap_southeast_2"},
			base: "https://api.mypurecloud.com.au", login: "https://login.mypurecloud.com.au"},
		{name: "no region keeps the default", env: map[string]string{"GENESYSCLOUD_OAUTHCLIENT_ID": "id", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "s"},
			base: "https://api.mypurecloud.com", login: "https://login.mypurecloud.com"},
		{name: "separate login URL", env: map[string]string{"GENESYSCLOUD_ACCESS_TOKEN": "tok", "GENESYSCLOUD_BASE_URL": "http://127.0.0.1:9", "GENESYSCLOUD_LOGIN_URL": "http://127.0.0.1:10"},
			base: "http://127.0.0.1:9", login: "http://127.0.0.1:10"},
		{name: "nothing set", env: map[string]string{}, errSubstr: "set GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET"},
		{name: "id without secret", env: map[string]string{"GENESYSCLOUD_OAUTHCLIENT_ID": "id"}, errSubstr: "GENESYSCLOUD_OAUTHCLIENT_ID is set but GENESYSCLOUD_OAUTHCLIENT_SECRET is not"},
		{name: "old secret without id", env: map[string]string{"GENESYS_CLOUD_CLIENT_SECRET": "s"}, errSubstr: "GENESYS_CLOUD_CLIENT_SECRET is set but GENESYSCLOUD_OAUTHCLIENT_ID is not"},
		{name: "unknown region", env: map[string]string{"GENESYSCLOUD_OAUTHCLIENT_ID": "id", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "s", "GENESYSCLOUD_REGION": "mars-1"}, errSubstr: `GENESYSCLOUD_REGION: unknown region "mars-1"`},
		{name: "bad base URL", env: map[string]string{"GENESYSCLOUD_OAUTHCLIENT_ID": "id", "GENESYSCLOUD_OAUTHCLIENT_SECRET": "s", "GENESYSCLOUD_BASE_URL": "127.0.0.1:8080"}, errSubstr: "invalid base URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			c, err := platformclient.New(platformclient.WithEnvironment())
			if tc.errSubstr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.errSubstr) {
					t.Fatalf("error %v, want one containing %q", err, tc.errSubstr)
				}
				if strings.Contains(err.Error(), `"s"`) {
					t.Errorf("the secret is in the error: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.BaseURL() != tc.base || c.LoginURL() != tc.login {
				t.Errorf("base %s login %s, want %s and %s", c.BaseURL(), c.LoginURL(), tc.base, tc.login)
			}
		})
	}
}

func TestNewRefusesUnusableConfigurations(t *testing.T) {
	cc := platformclient.WithGrant(platformclient.ClientCredentials{ClientID: "id", ClientSecret: "secret"})
	refresh := platformclient.WithGrant(platformclient.RefreshToken{ClientID: "id", ClientSecret: "secret", RefreshToken: "rt"})
	cfg := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(cfg, []byte("[general]\nhost = http://127.0.0.1:9\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, opts := range map[string][]platformclient.Option{
		"loopback base URL and a grant":     {platformclient.WithBaseURL("http://127.0.0.1:9"), cc},
		"gateway-like host and a grant":     {platformclient.WithBaseURL("https://gw.example.com/genesys"), refresh},
		"grant first, base URL after":       {cc, platformclient.WithBaseURL("http://localhost:8080")},
		"configuration file host and grant": {platformclient.WithConfigFile(cfg), platformclient.WithLiveReload(false), platformclient.WithBaseURL("http://127.0.0.1:9"), cc},
	} {
		c, err := platformclient.New(opts...)
		if !errors.Is(err, platformclient.ErrNoLoginURL) || c != nil {
			t.Errorf("%s: New = %v, %v; want ErrNoLoginURL", name, c, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), platformclient.ErrNoLoginURL.Error()) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%s: message %q", name, err)
		}
	}
	for _, raw := range []string{"ftp://127.0.0.1", "127.0.0.1:8080", "http://h/?a=b", "http://user:pw@[::1"} {
		if _, err := platformclient.New(platformclient.WithBaseURL(raw)); err == nil || strings.Contains(err.Error(), "pw") {
			t.Errorf("WithBaseURL(%q): %v", raw, err)
		}
	}
}

func TestNewAcceptsUsableConfigurations(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	ctx := context.Background()
	tok, err := mustNew(t, platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL())).
		Authorize(ctx, platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: s.ClientSecret()})
	if err != nil {
		t.Fatal(err)
	}
	grant := platformclient.WithGrant(platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: s.ClientSecret()})
	for name, opts := range map[string][]platformclient.Option{
		"base and login URL with a grant": {platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL()), grant},
		"login URL before the grant":      {platformclient.WithLoginURL(s.URL()), grant, platformclient.WithBaseURL(s.URL())},
		"base URL and an access token":    {platformclient.WithBaseURL(s.URL()), platformclient.WithAccessToken(tok.AccessToken)},
	} {
		c := mustNew(t, opts...)
		if _, err := users.NewClient(c).GetUsers(ctx, nil); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Accepted without a call: the login host derives from the base URL,
	// or the grant comes later through Authorize.
	mustNew(t, platformclient.WithBaseURL("https://api.mypurecloud.ie"), grant)
	mustNew(t, platformclient.WithRegion(platformclient.EUWest1), grant)
	mustNew(t, platformclient.WithBaseURL("http://127.0.0.1:9"))
}

func mustNew(t *testing.T, opts ...platformclient.Option) *platformclient.Client {
	t.Helper()
	c, err := platformclient.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
