package platformclient

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
)

// Every value that holds a secret prints without it: String, Format (all
// fmt verbs, also when nested in other values), LogValue (slog) and
// MarshalJSON (slog's JSON handler and encoding/json, also when nested)
// replace the secret by "[redacted]". To save a token, copy its fields
// into a type of your own.

// secretMark replaces a secret in String, Format, LogValue and MarshalJSON
// output and in error messages. (Log lines use redactedValue.)
const secretMark = "[redacted]"

// hidden returns secretMark for a set secret and "" for an empty one.
func hidden(s string) string {
	if s == "" {
		return ""
	}
	return secretMark
}

// MarshalJSON encodes the token with its secrets redacted.
func (t Token) MarshalJSON() ([]byte, error) {
	type plain Token
	p := plain(t)
	p.AccessToken, p.RefreshToken = hidden(p.AccessToken), hidden(p.RefreshToken)
	return json.Marshal(p)
}

// MarshalJSON encodes the token as "[redacted]".
func (t StaticToken) MarshalJSON() ([]byte, error) { return json.Marshal(hidden(string(t))) }

// MarshalJSON encodes the grant with its secret redacted.
func (g ClientCredentials) MarshalJSON() ([]byte, error) {
	type plain ClientCredentials
	p := plain(g)
	p.ClientSecret = hidden(p.ClientSecret)
	return json.Marshal(p)
}

// MarshalJSON encodes the grant with its secrets redacted.
func (g SAML2Bearer) MarshalJSON() ([]byte, error) {
	type plain SAML2Bearer
	p := plain(g)
	p.ClientSecret, p.Assertion = hidden(p.ClientSecret), hidden(p.Assertion)
	return json.Marshal(p)
}

// MarshalJSON encodes the grant with its secrets redacted.
func (g AuthorizationCode) MarshalJSON() ([]byte, error) {
	type plain AuthorizationCode
	p := plain(g)
	p.ClientSecret, p.Code = hidden(p.ClientSecret), hidden(p.Code)
	return json.Marshal(p)
}

// MarshalJSON encodes the grant with its secrets redacted.
func (g PKCE) MarshalJSON() ([]byte, error) {
	type plain PKCE
	p := plain(g)
	p.CodeVerifier, p.Code = hidden(p.CodeVerifier), hidden(p.Code)
	return json.Marshal(p)
}

// MarshalJSON encodes the grant with its secrets redacted.
func (g RefreshToken) MarshalJSON() ([]byte, error) {
	type plain RefreshToken
	p := plain(g)
	p.ClientSecret, p.RefreshToken = hidden(p.ClientSecret), hidden(p.RefreshToken)
	return json.Marshal(p)
}

// MarshalJSON encodes the gateway with its password redacted.
func (g Gateway) MarshalJSON() ([]byte, error) {
	type plain Gateway
	p := plain(g)
	p.Password = hidden(p.Password)
	return json.Marshal(p)
}

// MarshalJSON encodes the proxy with its password redacted.
func (p Proxy) MarshalJSON() ([]byte, error) {
	type plain Proxy
	q := plain(p)
	q.URL, q.Password = redactURL(q.URL), hidden(q.Password)
	return json.Marshal(q)
}

// MarshalJSON encodes the configuration with its key redacted.
func (m MTLS) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		CertFile, KeyFile, CAFile string
		CertPEMBytes, CAPEMBytes  int
		KeyPEM                    string
	}{m.CertFile, m.KeyFile, m.CAFile, len(m.CertPEM), len(m.CAPEM), hidden(string(m.KeyPEM))})
}

// String describes the client: its endpoints, never its credentials.
func (c *Client) String() string {
	s := c.cfg.Load()
	if s == nil {
		return "platformclient.Client{}"
	}
	return fmt.Sprintf("platformclient.Client{BaseURL: %q, LoginURL: %q}", s.baseURL, s.loginURL)
}

// Format prints the client without its credentials, whatever the verb.
func (c *Client) Format(f fmt.State, verb rune) { io.WriteString(f, c.String()) }

// LogValue logs the client without its credentials.
func (c *Client) LogValue() slog.Value { return slog.StringValue(c.String()) }

// Format keeps the token manager's token out of any print.
func (m *tokenManager) Format(f fmt.State, verb rune) { io.WriteString(f, "tokenManager{[redacted]}") }

// Format prints settings without the gateway and proxy credentials.
func (s settings) Format(f fmt.State, verb rune) {
	proxy := "environment"
	if s.proxyURL != nil {
		proxy = s.proxyURL.Redacted()
	}
	gw := "none"
	if s.gateway != nil {
		gw = s.gateway.String()
	}
	fmt.Fprintf(f, "settings{baseURL: %q, loginURL: %q, userAgent: %q, timeout: %s, gateway: %s, proxy: %s, refreshOff: %t, refreshWait: %s}",
		s.baseURL, s.loginURL, s.userAgent, s.timeout, gw, proxy, s.refreshOff, s.refreshWait)
}

// Format prints the adapter without the token source it wraps, whatever
// the verb: that source may hold a token.
func (t *toOAuth2) Format(f fmt.State, verb rune) {
	io.WriteString(f, "platformclient.OAuth2TokenSource("+secretMark+")")
}

// Format prints the adapter without the token source it wraps, whatever
// the verb: that source may hold a token.
func (f fromOAuth2) Format(s fmt.State, verb rune) {
	io.WriteString(s, "platformclient.FromOAuth2("+secretMark+")")
}
