package platformclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync/atomic"
)

// clientSetup is what New's options collect besides settings: it decides
// the endpoints and builds the HTTP client once all options have run.
type clientSetup struct {
	placed   bool // WithRegion or WithBaseURL chose the API endpoint
	loginURL bool // WithLoginURL chose the login endpoint
	gateway  bool // WithGateway chose both
	tls      *tls.Config
	pre      []func(*http.Request) error
	post     []func(*http.Response) error
}

// finishSetup completes New once every option has run.
func (c *Client) finishSetup() error {
	s, b := c.setup, c.build
	switch {
	case s.gateway && (s.placed || s.loginURL):
		return errors.New("platformclient: WithGateway cannot be combined with WithRegion, WithBaseURL or WithLoginURL")
	case !s.gateway && !s.placed && !s.loginURL:
		if g := defaultGateway.Load(); g != nil {
			if _, err := b.withGateway(g); err != nil {
				return err
			}
		}
	}
	if b.gateway == nil && !s.loginURL {
		b.loginURL = deriveLoginURL(b.baseURL)
	}
	if c.httpClient != nil {
		if s.tls != nil || b.proxyURL != nil {
			return errors.New("platformclient: WithProxy and WithMTLS configure the default HTTP client; configure your own client given to WithHTTPClient instead")
		}
	} else {
		t := newTransport()
		t.Proxy = c.proxy
		if s.tls != nil {
			t.TLSClientConfig = s.tls
		}
		own := &ownTransport{t: t}
		c.onClose(own.close)
		c.onDrained(t.CloseIdleConnections)
		c.httpClient = &http.Client{Transport: own}
	}
	c.httpClient = guardRedirects(c.httpClient) // redirect.go
	if len(s.pre) > 0 || len(s.post) > 0 {
		c.httpClient = &hookedClient{next: c.httpClient, pre: s.pre, post: s.post}
	}
	c.setup = nil
	return nil
}

// ownTransport is the transport of the HTTP client a client made itself
// (no WithHTTPClient): Close closes its idle connections, and it refuses to
// open new ones after Close, also for companion packages that send through
// Client.HTTPClient.
type ownTransport struct {
	t      *http.Transport
	closed atomic.Bool
}

// RoundTrip sends r through the transport, or fails with ErrClosed after
// Close.
func (o *ownTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if o.closed.Load() {
		if r.Body != nil {
			_ = r.Body.Close()
		}
		return nil, ErrClosed
	}
	return o.t.RoundTrip(r)
}

// CloseIdleConnections closes the transport's idle connections.
func (o *ownTransport) CloseIdleConnections() { o.t.CloseIdleConnections() }

// close refuses further requests (a hook of Close).
func (o *ownTransport) close() error {
	o.closed.Store(true)
	return nil
}

// Proxy is an HTTP proxy for the login and the API calls. HTTPS requests go
// through it with CONNECT; the credentials, when set, are sent as Basic
// Proxy-Authorization.
//
// A Proxy prints without its password, whatever the fmt verb.
type Proxy struct {
	URL      string // e.g. "http://proxy.example.com:3128"
	Username string
	Password string
}

// String describes the proxy without its password.
func (p Proxy) String() string {
	return fmt.Sprintf("Proxy{URL: %q, Username: %q, Password: %s}", redactURL(p.URL), p.Username, redact(p.Password))
}

// Format prints the proxy without its password, whatever the verb.
func (p Proxy) Format(f fmt.State, verb rune) { io.WriteString(f, p.String()) }

// LogValue logs the proxy without its password.
func (p Proxy) LogValue() slog.Value { return slog.StringValue(p.String()) }

// parse returns the proxy URL with its credentials.
func (p Proxy) parse() (*url.URL, error) {
	u, err := url.Parse(p.URL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "socks5") {
		return nil, fmt.Errorf("platformclient: invalid proxy URL %q: want http://host:port", redactURL(p.URL))
	}
	if p.Username != "" || p.Password != "" {
		u.User = url.UserPassword(p.Username, p.Password)
	}
	return u, nil
}

// WithProxy sends the login and the API calls through a proxy. The client
// keeps one transport, so connections through the proxy are reused. Without
// it the environment's HTTP_PROXY, HTTPS_PROXY and NO_PROXY apply.
func WithProxy(p Proxy) Option {
	return func(c *Client) error {
		return c.build.withProxy(&p)
	}
}

// withProxy sets the proxy of s (nil: the environment's).
func (s *settings) withProxy(p *Proxy) error {
	if p == nil {
		s.proxyURL = nil
		return nil
	}
	u, err := p.parse()
	if err != nil {
		return err
	}
	s.proxyURL = u
	return nil
}

// proxy is the Proxy function of the client's transport: it reads the
// current settings, so a new proxy applies to the next connection.
func (c *Client) proxy(r *http.Request) (*url.URL, error) {
	if s := c.cfg.Load(); s != nil && s.proxyURL != nil {
		return s.proxyURL, nil
	}
	return http.ProxyFromEnvironment(r)
}

// MTLS is the TLS configuration of the default HTTP client, typically for a
// gateway that requires mutual TLS: a client certificate and key, and the
// CA that signed the server's certificate. Each may be given as a file or
// as PEM contents (not both). Without a CA the system roots are used. The
// server's certificate is always verified.
//
// An MTLS value prints without its key, whatever the fmt verb.
type MTLS struct {
	CertFile, KeyFile, CAFile string
	CertPEM, KeyPEM, CAPEM    []byte
}

// String describes the configuration without the key.
func (m MTLS) String() string {
	return fmt.Sprintf("MTLS{CertFile: %q, KeyFile: %q, CAFile: %q, CertPEM: %d bytes, KeyPEM: %s, CAPEM: %d bytes}",
		m.CertFile, m.KeyFile, m.CAFile, len(m.CertPEM), redact(string(m.KeyPEM)), len(m.CAPEM))
}

// Format prints the configuration without the key, whatever the verb.
func (m MTLS) Format(f fmt.State, verb rune) { io.WriteString(f, m.String()) }

// LogValue logs the configuration without the key.
func (m MTLS) LogValue() slog.Value { return slog.StringValue(m.String()) }

// tlsConfig loads the certificates. Errors name files, never contents.
func (m MTLS) tlsConfig() (*tls.Config, error) {
	load := func(what, file string, pem []byte) ([]byte, error) {
		switch {
		case file != "" && len(pem) > 0:
			return nil, fmt.Errorf("platformclient: mTLS %s given both as a file and as PEM contents", what)
		case file != "":
			data, err := os.ReadFile(file)
			if err != nil {
				return nil, fmt.Errorf("platformclient: mTLS %s: %w", what, err)
			}
			return data, nil
		}
		return pem, nil
	}
	cert, err := load("certificate", m.CertFile, m.CertPEM)
	if err != nil {
		return nil, err
	}
	key, err := load("key", m.KeyFile, m.KeyPEM)
	if err != nil {
		return nil, err
	}
	ca, err := load("CA", m.CAFile, m.CAPEM)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	switch {
	case len(cert) > 0 && len(key) > 0:
		pair, err := tls.X509KeyPair(cert, key)
		if err != nil {
			// The tls package's messages describe the PEM blocks, not
			// their contents.
			return nil, fmt.Errorf("platformclient: mTLS certificate and key: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	case len(cert) > 0 || len(key) > 0:
		return nil, errors.New("platformclient: mTLS needs both the certificate and the key")
	}
	if len(ca) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(ca) {
			return nil, errors.New("platformclient: mTLS CA: no PEM certificate found")
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// WithMTLS sets the TLS configuration of the default HTTP client.
func WithMTLS(m MTLS) Option {
	return func(c *Client) error {
		cfg, err := m.tlsConfig()
		if err != nil {
			return err
		}
		c.setup.tls = cfg
		return nil
	}
}

// WithMTLSFiles is WithMTLS with the certificate, key and CA read from PEM
// files; caFile may be empty to use the system roots.
func WithMTLSFiles(certFile, keyFile, caFile string) Option {
	return WithMTLS(MTLS{CertFile: certFile, KeyFile: keyFile, CAFile: caFile})
}

// WithMTLSContents is WithMTLS with the certificate, key and CA given as PEM
// contents; ca may be nil to use the system roots.
func WithMTLSContents(cert, key, ca []byte) Option {
	return WithMTLS(MTLS{CertPEM: cert, KeyPEM: key, CAPEM: ca})
}

// usable refuses a client New can see would fail on its first call: a grant
// that has no login host to go to.
func (c *Client) usable() error {
	s := c.settings()
	c.auth.mu.Lock()
	grant := c.auth.grant
	c.auth.mu.Unlock()
	if grant != nil && s.loginURL == "" {
		return fmt.Errorf("%w (the base URL %s is not an api.<domain> host, so the login host cannot be derived from it)",
			ErrNoLoginURL, redactURL(s.baseURL))
	}
	return nil
}
