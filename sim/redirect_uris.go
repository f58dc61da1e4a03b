package sim

import (
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/purecloudgo/platformclient"
)

// defaultMaxBody bounds request bodies: the client's bound of response
// bodies, so that neither side accepts more than the other.
const defaultMaxBody = platformclient.DefaultMaxResponseSize

// WithRedirectURIs registers the redirect URIs /oauth/authorize accepts for
// the simulator's OAuth client, compared exactly (scheme, host, port, path
// and query). Without it the client accepts loopback URIs only: http or
// https on 127.0.0.1 (or any 127.x address), [::1] or localhost, any port
// and path, as a native application's login uses (RFC 8252, 7.3). So no web
// page on another host can have a simulator token or code sent to it.
func WithRedirectURIs(uris ...string) Option {
	return func(c *config) error {
		for _, raw := range uris {
			u, err := url.Parse(raw)
			if err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
				return errors.New("sim: a redirect URI must be an absolute URL without fragment")
			}
		}
		c.redirectURIs = append(c.redirectURIs, uris...)
		return nil
	}
}

// redirectAllowed reports whether /oauth/authorize may send the user agent,
// with a code or token, to the redirect URI raw (parsed as u).
func (s *Server) redirectAllowed(raw string, u *url.URL) bool {
	if len(s.cfg.redirectURIs) > 0 {
		for _, r := range s.cfg.redirectURIs {
			if raw == r {
				return true
			}
		}
		return false
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.User != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
