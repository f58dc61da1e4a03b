package platformclient

import (
	"fmt"
	"net/http"
	"sort"
)

// HeaderError is a header the client refuses to send: a value with a
// control character (CR, LF, NUL and the like, which could end the header
// and start another) or a name that is not an HTTP token. It is returned
// where the header enters (New for WithHeader and WithUserAgent, the call
// for CallHeader, a *HookError for a hook's header) before anything is
// sent, and never retried. It holds no header value.
type HeaderError struct {
	Name   string // the header name, quoted as Go would when it is not printable
	Source string // where it came from: "WithHeader", "WithUserAgent", "CallHeader", "request", ...
	Reason string
}

// Error names the header that cannot be sent and why.
func (e *HeaderError) Error() string {
	return fmt.Sprintf("platformclient: %s: header %.80q %s", e.Source, e.Name, e.Reason)
}

// checkHeader returns a *HeaderError when name or value cannot be sent as
// they are.
func checkHeader(source, name, value string) error {
	if name == "" {
		return &HeaderError{Name: name, Source: source, Reason: "has an empty name"}
	}
	for i := 0; i < len(name); i++ {
		if !tokenChar(name[i]) {
			return &HeaderError{Name: name, Source: source, Reason: fmt.Sprintf("has a name with the character %q, not allowed in header names", name[i])}
		}
	}
	for i := 0; i < len(value); i++ {
		if b := value[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return &HeaderError{Name: name, Source: source,
				Reason: fmt.Sprintf("has a value with the control character %s at byte %d; CR, LF, NUL and other control characters are not allowed in header values", ctlName(b), i)}
		}
	}
	return nil
}

// checkHeaders checks every header of h, in name order.
func checkHeaders(source string, h http.Header) error {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range h[k] {
			if err := checkHeader(source, k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// controlAt returns the index of the first control character of s (CR, LF,
// NUL…, tab included), or -1.
func controlAt(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return i
		}
	}
	return -1
}

// checkControl refuses a gateway whose host, paths or credentials hold a
// control character: they end up in URLs and headers.
func (g *Gateway) checkControl() error {
	for _, f := range []struct{ name, v string }{{"host", g.Host}, {"login path", g.LoginPath},
		{"API path", g.APIPath}, {"username", g.Username}, {"password", g.Password}} {
		if i := controlAt(f.v); i >= 0 {
			return &HeaderError{Name: "gateway " + f.name, Source: "WithGateway",
				Reason: fmt.Sprintf("has the control character %s at byte %d", ctlName(f.v[i]), i)}
		}
	}
	return nil
}

// ctlName names a control character.
func ctlName(b byte) string {
	switch b {
	case '\r':
		return "CR (0x0d)"
	case '\n':
		return "LF (0x0a)"
	case 0:
		return "NUL (0x00)"
	}
	return fmt.Sprintf("0x%02x", b)
}

// tokenChar reports whether b may appear in a header name (RFC 9110 tchar).
func tokenChar(b byte) bool {
	switch {
	case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9':
		return true
	}
	switch b {
	case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~':
		return true
	}
	return false
}
