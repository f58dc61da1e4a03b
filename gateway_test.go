package platformclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

func TestGatewayURLs(t *testing.T) {
	const api = "/api/v2/users/me"
	tests := []struct {
		name      string
		gw        Gateway
		login     string // token endpoint
		apiURL    string // URL of GET /api/v2/users/me
		wantError bool
	}{
		{name: "default port", gw: Gateway{Host: "gw.example.com", Port: -1},
			login: "https://gw.example.com/oauth/token", apiURL: "https://gw.example.com/api/v2/users/me"},
		{name: "zero port is the default", gw: Gateway{Host: "gw.example.com"},
			login: "https://gw.example.com/oauth/token", apiURL: "https://gw.example.com/api/v2/users/me"},
		{name: "explicit port", gw: Gateway{Host: "gw.example.com", Port: 8443},
			login: "https://gw.example.com:8443/oauth/token", apiURL: "https://gw.example.com:8443/api/v2/users/me"},
		{name: "explicit default port kept", gw: Gateway{Host: "gw.example.com", Port: 443},
			login: "https://gw.example.com:443/oauth/token", apiURL: "https://gw.example.com:443/api/v2/users/me"},
		{name: "http", gw: Gateway{Host: "gw.internal", Protocol: "http", Port: 8080},
			login: "http://gw.internal:8080/oauth/token", apiURL: "http://gw.internal:8080/api/v2/users/me"},
		{name: "protocol case", gw: Gateway{Host: "gw.internal", Protocol: "HTTPS", Port: -1},
			login: "https://gw.internal/oauth/token", apiURL: "https://gw.internal/api/v2/users/me"},
		{name: "paths without slash", gw: Gateway{Host: "gw", Port: -1, LoginPath: "login", APIPath: "api"},
			login: "https://gw/login/oauth/token", apiURL: "https://gw/api/api/v2/users/me"},
		{name: "paths with leading slash", gw: Gateway{Host: "gw", Port: -1, LoginPath: "/login", APIPath: "/api"},
			login: "https://gw/login/oauth/token", apiURL: "https://gw/api/api/v2/users/me"},
		{name: "paths with both slashes", gw: Gateway{Host: "gw", Port: 9000, LoginPath: "/genesys/login/", APIPath: "//genesys/api//"},
			login: "https://gw:9000/genesys/login/oauth/token", apiURL: "https://gw:9000/genesys/api/api/v2/users/me"},
		{name: "empty login path, API path", gw: Gateway{Host: "gw", Port: -1, APIPath: "platform"},
			login: "https://gw/oauth/token", apiURL: "https://gw/platform/api/v2/users/me"},
		{name: "login path, slash-only API path", gw: Gateway{Host: "gw", Port: -1, LoginPath: "auth", APIPath: "/"},
			login: "https://gw/auth/oauth/token", apiURL: "https://gw/api/v2/users/me"},
		{name: "IPv4", gw: Gateway{Host: "10.0.0.7", Protocol: "http", Port: 80},
			login: "http://10.0.0.7:80/oauth/token", apiURL: "http://10.0.0.7:80/api/v2/users/me"},
		{name: "IPv6 with port", gw: Gateway{Host: "::1", Port: 8443},
			login: "https://[::1]:8443/oauth/token", apiURL: "https://[::1]:8443/api/v2/users/me"},
		{name: "IPv6 default port", gw: Gateway{Host: "[fd00::1]", Port: -1},
			login: "https://[fd00::1]/oauth/token", apiURL: "https://[fd00::1]/api/v2/users/me"},
		{name: "no host", gw: Gateway{Port: -1}, wantError: true},
		{name: "host with scheme", gw: Gateway{Host: "https://gw", Port: -1}, wantError: true},
		{name: "host with port", gw: Gateway{Host: "gw:8443", Port: -1}, wantError: true},
		{name: "host with path", gw: Gateway{Host: "gw/x", Port: -1}, wantError: true},
		{name: "port too large", gw: Gateway{Host: "gw", Port: 65536}, wantError: true},
		{name: "negative port", gw: Gateway{Host: "gw", Port: -2}, wantError: true},
		{name: "bad protocol", gw: Gateway{Host: "gw", Protocol: "ftp", Port: -1}, wantError: true},
		{name: "bad login path", gw: Gateway{Host: "gw", Port: -1, LoginPath: "a?b"}, wantError: true},
		{name: "bad API path", gw: Gateway{Host: "gw", Port: -1, APIPath: "a#b"}, wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			login, lerr := tt.gw.TokenURL()
			apiBase, aerr := tt.gw.APIBaseURL()
			c, cerr := New(WithGateway(tt.gw))
			if tt.wantError {
				if lerr == nil && aerr == nil {
					t.Errorf("no error; login %q, API %q", login, apiBase)
				}
				if cerr == nil {
					t.Error("New accepted the gateway")
				}
				return
			}
			if lerr != nil || aerr != nil || cerr != nil {
				t.Fatalf("errors: %v, %v, %v", lerr, aerr, cerr)
			}
			if login != tt.login {
				t.Errorf("token URL %q, want %q", login, tt.login)
			}
			if got := apiBase + api; got != tt.apiURL {
				t.Errorf("API URL %q, want %q", got, tt.apiURL)
			}
			if got := c.LoginURL() + "/oauth/token"; got != tt.login {
				t.Errorf("client token URL %q, want %q", got, tt.login)
			}
			if got := c.BaseURL() + api; got != tt.apiURL {
				t.Errorf("client API URL %q, want %q", got, tt.apiURL)
			}
			if g := c.Gateway(); g == nil || g.Host != tt.gw.Host {
				t.Errorf("Gateway() = %v", g)
			}
		})
	}
}

// pathRecorder is a server that records request paths and answers a token
// or a user.
type pathRecorder struct {
	*httptest.Server
	mu    sync.Mutex
	paths []string
}

func newPathRecorder(t *testing.T) *pathRecorder {
	p := &pathRecorder{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.paths = append(p.paths, r.URL.Path)
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/oauth/token") {
			fmt.Fprint(w, `{"access_token":"gw-token","token_type":"bearer","expires_in":3600}`)
			return
		}
		fmt.Fprint(w, `{"id":"me"}`)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *pathRecorder) gateway(loginPath, apiPath string) Gateway {
	port, _ := strconv.Atoi(p.URL[strings.LastIndexByte(p.URL, ':')+1:])
	return Gateway{Host: "127.0.0.1", Protocol: "http", Port: port, LoginPath: loginPath, APIPath: apiPath,
		Username: "gw-user", Password: "gw-pass"}
}

func TestGatewayEndToEnd(t *testing.T) {
	p := newPathRecorder(t)
	c, err := New(WithGateway(p.gateway("/login/", "gw-api")), WithGrant(ClientCredentials{ClientID: "cid", ClientSecret: "s3cret"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := getMe(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(p.paths); got != "[/login/oauth/token /gw-api/api/v2/users/me]" {
		t.Errorf("paths %s", got)
	}
}

func TestDefaultGateway(t *testing.T) {
	p := newPathRecorder(t)
	g := p.gateway("", "")
	if err := SetDefaultGateway(&Gateway{Host: "bad:1"}); err == nil {
		t.Error("invalid default gateway accepted")
	}
	if err := SetDefaultGateway(&g); err != nil {
		t.Fatal(err)
	}
	defer SetDefaultGateway(nil)
	if d := DefaultGateway(); d == nil || *d != g {
		t.Fatalf("DefaultGateway() = %v", d)
	}
	c, err := New(WithAccessToken("t"))
	if err != nil {
		t.Fatal(err)
	}
	if err := getMe(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if len(p.paths) != 1 || p.paths[0] != "/api/v2/users/me" {
		t.Errorf("paths %v", p.paths)
	}
	// A client that chooses its endpoint does not use the default.
	for _, o := range []Option{WithRegion(EUWest1), WithBaseURL("https://api.example.com"), WithLoginURL("https://login.example.com")} {
		c, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		if c.Gateway() != nil {
			t.Errorf("default gateway applied to a client with its own endpoint (%s)", c.BaseURL())
		}
	}
	SetDefaultGateway(nil)
	c, _ = New()
	if c.Gateway() != nil || c.BaseURL() != "https://api.mypurecloud.com" {
		t.Errorf("default gateway not removed: %s", c.BaseURL())
	}
}

func TestLoginURLs(t *testing.T) {
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "https://api.mypurecloud.com" || c.LoginURL() != "https://login.mypurecloud.com" {
		t.Errorf("default %s %s", c.BaseURL(), c.LoginURL())
	}
	if len(Regions()) != 18 {
		t.Errorf("%d regions", len(Regions()))
	}
	for _, r := range Regions() {
		c, err := New(WithRegion(r))
		if err != nil {
			t.Fatal(err)
		}
		if c.BaseURL() != "https://"+r.APIHost() || c.LoginURL() != "https://"+r.LoginHost() {
			t.Errorf("%s: %s %s", r, c.BaseURL(), c.LoginURL())
		}
		if !strings.HasPrefix(r.APIHost(), "api.") || !strings.HasPrefix(r.LoginHost(), "login.") {
			t.Errorf("%s: hosts %s %s", r, r.APIHost(), r.LoginHost())
		}
		for _, s := range []string{string(r), strings.ReplaceAll(string(r), "_", "-"), strings.ToUpper(string(r)), r.Domain(), r.APIHost(), "https://" + r.LoginHost() + "/"} {
			if got, err := ParseRegion(s); err != nil || got != r {
				t.Errorf("ParseRegion(%q) = %q, %v", s, got, err)
			}
		}
	}
	if _, err := ParseRegion("mars_north_1"); err == nil {
		t.Error("unknown region parsed")
	}
	if EUWest1.LoginHost() != "login.mypurecloud.ie" || EUSCDEEast1.APIHost() != "api.edee1.eusc-pure.cloud" {
		t.Error("region hosts")
	}

	c, _ = New(WithBaseURL("https://api.usw2.pure.cloud/"))
	if c.LoginURL() != "https://login.usw2.pure.cloud" {
		t.Errorf("derived login %q", c.LoginURL())
	}
	// A base URL that is not api.<domain> implies no login host.
	c, _ = New(WithBaseURL("http://127.0.0.1:9"))
	if c.LoginURL() != "" {
		t.Errorf("login %q for a loopback base URL", c.LoginURL())
	}
	if _, err := c.Authorize(context.Background(), ClientCredentials{ClientID: "a", ClientSecret: "b"}); !errors.Is(err, ErrNoLoginURL) {
		t.Errorf("Authorize without login URL: %v", err)
	}
	if _, err := c.AuthorizeURL(AuthorizeURLParams{ClientID: "a", RedirectURI: "b"}); !errors.Is(err, ErrNoLoginURL) {
		t.Errorf("AuthorizeURL without login URL: %v", err)
	}
	// WithLoginURL wins in any order.
	for _, opts := range [][]Option{
		{WithLoginURL("http://127.0.0.1:9/oauth/token"), WithBaseURL("https://api.mypurecloud.ie")},
		{WithBaseURL("https://api.mypurecloud.ie"), WithLoginURL("http://127.0.0.1:9/")},
		{WithRegion(EUWest1), WithLoginURL("http://127.0.0.1:9")},
	} {
		c, err := New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		if c.LoginURL() != "http://127.0.0.1:9" {
			t.Errorf("login %q", c.LoginURL())
		}
	}
	for _, raw := range []string{"", "ftp://x", "127.0.0.1:9", "http://user:hunter2@x", "http://x/?a=b"} {
		_, err := New(WithLoginURL(raw))
		if err == nil {
			t.Errorf("WithLoginURL(%q) accepted", raw)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("password in %v", err)
		}
	}
	if _, err := New(WithGateway(Gateway{Host: "gw"}), WithBaseURL("https://api.example.com")); err == nil {
		t.Error("WithGateway and WithBaseURL combined")
	}
	if _, err := New(WithLoginURL("https://login.example.com"), WithGateway(Gateway{Host: "gw"})); err == nil {
		t.Error("WithGateway and WithLoginURL combined")
	}
}
