// Package platformclient is the runtime of the Genesys Cloud Platform API SDK
// for Go: the client that the generated packages below api/ send their
// requests through, its configuration, and the errors it returns.
//
// A program builds one Client and shares it between goroutines:
//
//	c, err := platformclient.New(platformclient.WithRegion(platformclient.EUWest1),
//		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: id, ClientSecret: secret}))
//	page, err := users.NewClient(c).GetUsers(ctx, &users.GetUsersOptions{PageSize: platformclient.Ptr(100)})
//
// WithEnvironment instead reads the client id, secret and region (or the
// base URL of a simulator) from GENESYSCLOUD_* environment variables.
// With client credentials the program acts as itself: it calls operations
// about the organization. Operations about "me" (users.GetUsersMe) need a
// user's token, from the authorization-code or PKCE grant.
//
// Package sim is a local Genesys Cloud to try the SDK and test programs
// against; README.md covers authentication, retries, logging, the
// configuration file, paging and notifications.
package platformclient

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/purecloudgo/platformclient/sharedstate"
)

// HTTPDoer sends HTTP requests; *http.Client implements it. Use WithHTTPClient
// to replace the client's own.
type HTTPDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// Client sends API requests. It is safe for concurrent use; build one per
// organization and credentials and reuse it so connections are kept alive.
type Client struct {
	httpClient HTTPDoer
	auth       *tokenManager // the token, its grant and its renewal

	// cfg holds the settings a configuration file may change while the
	// program runs. A call loads it once, so it sees the old or the new
	// settings, never a mix.
	cfg atomic.Pointer[settings]

	// build is the settings being assembled by New's options.
	build *settings
	// setup is what New's options collect besides settings (nil after New).
	setup *clientSetup

	// ext is the configuration-file and log-output state (configfile.go).
	ext *clientState

	// The token pool (tokenpool.go) and shared state (sharedstate.go);
	// pool is nil for a client of one token without shared state.
	pool        *tokenPool
	poolSize    int
	sharedState sharedstate.State

	// life admits calls until Close and holds what Close releases (close.go).
	life *lifetime
}

// settings are the replaceable parts of a client's configuration. A value is
// never modified once stored in Client.cfg: changes store a modified copy.
type settings struct {
	baseURL   string // scheme://host[:port][/prefix], no trailing slash
	userAgent string
	headers   http.Header
	timeout   time.Duration

	retry  RetryPolicy    // zero fields take the defaults (retry_policy.go)
	budget *retryBudget   // shared by clones; nil: no budget
	pacer  *pacer         // rate-limit pacing, shared by clones (pacing.go)
	clock  clock          // waits and time; nil: the real clock
	jitter func() float64 // random numbers in [0,1) for jitter; nil: math/rand

	loginURL    string   // login service base URL, no trailing slash; "" when unknown
	gateway     *Gateway // the gateway baseURL and loginURL point to, if any
	proxyURL    *url.URL // proxy with credentials; nil: from the environment
	refreshOff  bool     // ShouldRefreshAccessToken = false
	refreshWait time.Duration
	maxBody     int64 // largest response body read; 0: DefaultMaxResponseSize (bodylimit.go)

	log logSettings // request logging (log.go)

	observer Observer // sees every call (observe.go); nil: none
}

// clone returns a copy that can be modified without affecting s.
func (s *settings) clone() *settings {
	c := *s
	c.headers = s.headers.Clone()
	return &c
}

// settings returns the current settings.
func (c *Client) settings() *settings { return c.cfg.Load() }

// Option configures a Client.
type Option func(*Client) error

// New returns a client for the us-east-1 region (api.mypurecloud.com) unless
// an option says otherwise.
func New(opts ...Option) (*Client, error) {
	c := &Client{build: &settings{
		baseURL:   "https://api." + USEast1.Domain(),
		userAgent: "platformclient-go/" + Version,
		headers:   http.Header{},
		budget:    newRetryBudget(RetryBudget{}),
		pacer:     newPacer(),
		log:       logSettings{level: LogNone, format: LogText, console: true},
	}, auth: newTokenManager(), setup: &clientSetup{}, life: newLifetime()}
	c.onClose(c.closeConfig)
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if err := c.finishSetup(); err != nil {
		return nil, err
	}
	if err := c.finishPool(); err != nil {
		return nil, err
	}
	c.cfg.Store(c.build)
	c.build = nil
	if err := c.start(); err != nil {
		return nil, err
	}
	if err := c.usable(); err != nil {
		_ = c.Close()
		return nil, err
	}
	return c, nil
}

// newTransport returns the transport of a client: one per client, so that
// connections are reused across calls.
func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return t
}

// WithBaseURL sends API calls to a custom base URL such as
// "http://127.0.0.1:8080" (the path "/api/v2/..." is appended). Logins go
// to "login.<domain>" for a base URL "api.<domain>"; for any other host set
// the login URL with WithLoginURL.
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("platformclient: invalid base URL %q (want http:// or https://, a host and no query)", redactURL(raw))
		}
		c.build.baseURL = strings.TrimRight(u.String(), "/")
		c.setup.placed = true
		return nil
	}
}

// WithRegion sends API calls to a Genesys Cloud region, and logins to its
// login host.
func WithRegion(r Region) Option {
	return func(c *Client) error {
		d := r.Domain()
		if d == "" {
			return fmt.Errorf("platformclient: unknown region %q", string(r))
		}
		c.build.baseURL = "https://api." + d
		c.setup.placed = true
		return nil
	}
}

// WithHTTPClient replaces the HTTP client that sends requests. An
// *http.Client is used through a copy whose CheckRedirect applies the
// client's redirect policy (README, "Security"); h itself is not modified.
func WithHTTPClient(h HTTPDoer) Option {
	return func(c *Client) error {
		if h == nil {
			return errors.New("platformclient: nil HTTP client")
		}
		c.httpClient = h
		return nil
	}
}

// WithUserAgent sets the User-Agent header. A value with a control
// character (CR, LF, NUL…) makes New fail with *HeaderError.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if err := checkHeader("WithUserAgent", "User-Agent", ua); err != nil {
			return err
		}
		c.build.userAgent = ua
		return nil
	}
}

// WithHeader adds a header to every API request. A name that is not an HTTP
// token, or a value with a control character (CR, LF, NUL…), makes New fail
// with *HeaderError. The header is never sent to another host (see
// Client.Download).
func WithHeader(name, value string) Option {
	return func(c *Client) error {
		if err := checkHeader("WithHeader", name, value); err != nil {
			return err
		}
		c.build.headers.Add(name, value)
		return nil
	}
}

// WithTimeout bounds every call (all attempts included) unless the caller's
// context has an earlier deadline. Zero means no bound.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error { c.build.timeout = d; return nil }
}

// WithAccessToken authenticates with an access token obtained elsewhere
// (set by hand). It is never renewed; replace it with Client.SetToken.
func WithAccessToken(token string) Option {
	return func(c *Client) error {
		if token == "" {
			return errors.New("platformclient: empty access token")
		}
		c.auth.grant, c.auth.source, c.auth.tok = nil, nil, Token{AccessToken: token, TokenType: "bearer"}
		return nil
	}
}

// WithTokenSource authenticates with tokens from s.
func WithTokenSource(s TokenSource) Option {
	return func(c *Client) error {
		if s == nil {
			return errors.New("platformclient: nil token source")
		}
		c.auth.grant, c.auth.source, c.auth.tok = nil, s, Token{}
		return nil
	}
}

// BaseURL returns the base URL API calls go to.
func (c *Client) BaseURL() string { return c.settings().baseURL }
