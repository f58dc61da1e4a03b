package platformclient

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
)

// Gateway is an API gateway in front of Genesys Cloud that takes both the
// login and the API calls:
//
//	login: {Protocol}://{Host}[:{Port}]/{LoginPath}/oauth/token
//	API:   {Protocol}://{Host}[:{Port}]/{APIPath}/api/v2/...
//
// Empty paths are left out, and slashes around a path do not matter
// ("/a/b/", "a/b" and "/a/b" are the same path).
//
// A Gateway prints without its password, whatever the fmt verb.
type Gateway struct {
	Host      string // host name or IP address, without scheme or port
	Protocol  string // "https" (default) or "http"
	Port      int    // -1 (or 0) for the protocol's default port
	LoginPath string // path prefix of the login service
	APIPath   string // path prefix of the API
	// Username and Password are kept for gateways that will need them;
	// the client sends neither today.
	Username string
	Password string
}

// String describes the gateway without its password.
func (g Gateway) String() string {
	return fmt.Sprintf("Gateway{Host: %q, Protocol: %q, Port: %d, LoginPath: %q, APIPath: %q, Username: %q, Password: %s}",
		g.Host, g.Protocol, g.Port, g.LoginPath, g.APIPath, g.Username, redact(g.Password))
}

// Format prints the gateway without its password, whatever the verb.
func (g Gateway) Format(f fmt.State, verb rune) { io.WriteString(f, g.String()) }

// LogValue logs the gateway without its password.
func (g Gateway) LogValue() slog.Value { return slog.StringValue(g.String()) }

// origin returns {protocol}://{host}[:{port}].
func (g Gateway) origin() (string, error) {
	proto := strings.ToLower(g.Protocol)
	if proto == "" {
		proto = "https"
	}
	if proto != "https" && proto != "http" {
		return "", fmt.Errorf("platformclient: gateway protocol %q: want https or http", g.Protocol)
	}
	host := g.Host
	if host == "" {
		return "", errors.New("platformclient: gateway host is empty")
	}
	if strings.ContainsAny(host, "/?#@ \t") {
		return "", fmt.Errorf("platformclient: gateway host %q: give only the host name, without scheme or path", g.Host)
	}
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if strings.Contains(host, ":") {
		if ip := net.ParseIP(host); ip == nil {
			return "", fmt.Errorf("platformclient: gateway host %q: put the port in Port", g.Host)
		}
	}
	switch {
	case g.Port == -1 || g.Port == 0:
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
	case g.Port > 0 && g.Port <= 65535:
		host = net.JoinHostPort(host, strconv.Itoa(g.Port))
	default:
		return "", fmt.Errorf("platformclient: gateway port %d: want -1 (default) or 1 to 65535", g.Port)
	}
	return proto + "://" + host, nil
}

// gatewayPath normalizes a path prefix to "" or "/a/b".
func gatewayPath(p string) (string, error) {
	p = strings.Trim(p, "/")
	if p == "" {
		return "", nil
	}
	if strings.ContainsAny(p, "?# \t") {
		return "", fmt.Errorf("platformclient: gateway path %q has a character that is not allowed", p)
	}
	return "/" + p, nil
}

// LoginBaseURL returns the base URL of the login service behind the
// gateway: the token endpoint is LoginBaseURL + "/oauth/token".
func (g Gateway) LoginBaseURL() (string, error) {
	o, err := g.origin()
	if err != nil {
		return "", err
	}
	p, err := gatewayPath(g.LoginPath)
	if err != nil {
		return "", err
	}
	return o + p, nil
}

// TokenURL returns the token endpoint behind the gateway.
func (g Gateway) TokenURL() (string, error) {
	b, err := g.LoginBaseURL()
	if err != nil {
		return "", err
	}
	return b + "/oauth/token", nil
}

// APIBaseURL returns the base URL of the API behind the gateway: a call's
// path ("/api/v2/users/me") is appended to it.
func (g Gateway) APIBaseURL() (string, error) {
	o, err := g.origin()
	if err != nil {
		return "", err
	}
	p, err := gatewayPath(g.APIPath)
	if err != nil {
		return "", err
	}
	return o + p, nil
}

// defaultGateway is the process default set by SetDefaultGateway.
var defaultGateway atomic.Pointer[Gateway]

// SetDefaultGateway sets the gateway of clients created afterwards that
// choose no endpoint themselves (no WithGateway, WithRegion, WithBaseURL or
// WithLoginURL). nil removes it. Clients already created keep theirs.
func SetDefaultGateway(g *Gateway) error {
	if g == nil {
		defaultGateway.Store(nil)
		return nil
	}
	if _, err := g.origin(); err != nil {
		return err
	}
	if _, err := g.LoginBaseURL(); err != nil {
		return err
	}
	if _, err := g.APIBaseURL(); err != nil {
		return err
	}
	cp := *g
	defaultGateway.Store(&cp)
	return nil
}

// DefaultGateway returns a copy of the process default gateway, or nil.
func DefaultGateway() *Gateway {
	if g := defaultGateway.Load(); g != nil {
		cp := *g
		return &cp
	}
	return nil
}

// WithGateway sends both the login and the API calls through a gateway. It
// cannot be combined with WithRegion, WithBaseURL or WithLoginURL.
func WithGateway(g Gateway) Option {
	return func(c *Client) error {
		if _, err := c.build.withGateway(&g); err != nil {
			return err
		}
		c.setup.gateway = true
		return nil
	}
}

// withGateway points s at g (nil: no gateway) and returns s.
func (s *settings) withGateway(g *Gateway) (*settings, error) {
	if g == nil {
		s.gateway = nil
		return s, nil
	}
	if err := g.checkControl(); err != nil {
		return nil, err
	}
	login, err := g.LoginBaseURL()
	if err != nil {
		return nil, err
	}
	api, err := g.APIBaseURL()
	if err != nil {
		return nil, err
	}
	cp := *g
	s.gateway, s.baseURL, s.loginURL = &cp, api, login
	return s, nil
}

// WithLoginURL sets the base URL of the login service, for a simulator or a
// custom endpoint, e.g. "http://127.0.0.1:8080": tokens are requested at
// {url}/oauth/token. WithRegion sets the login URL of its region, and
// WithBaseURL of a host named "api.<domain>" the one of "login.<domain>";
// any other base URL needs WithLoginURL before grants can log in.
func WithLoginURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" {
			return fmt.Errorf("platformclient: invalid login URL %q", redactURL(raw))
		}
		s := strings.TrimRight(u.String(), "/")
		s = strings.TrimSuffix(s, "/oauth/token")
		c.build.loginURL = s
		c.setup.loginURL = true
		return nil
	}
}

// deriveLoginURL returns the login URL that goes with an API base URL:
// https://api.<domain> gives https://login.<domain>; other hosts give "".
func deriveLoginURL(base string) string {
	u, err := url.Parse(base)
	if err != nil || !strings.HasPrefix(u.Host, "api.") {
		return ""
	}
	return u.Scheme + "://login." + strings.TrimPrefix(u.Host, "api.")
}

// LoginURL returns the base URL of the login service ("" when unknown).
func (c *Client) LoginURL() string { return c.settings().loginURL }

// Gateway returns a copy of the client's gateway, or nil.
func (c *Client) Gateway() *Gateway {
	if g := c.settings().gateway; g != nil {
		cp := *g
		return &cp
	}
	return nil
}
