package platformclient

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// Redaction is always on: whatever the log level, a log line never holds
// the value of a header, form field, JSON member or query parameter whose
// name marks a credential (see sensitiveName), nor user information of a URL.

const redactedValue = "[REDACTED]"

// maxLogBody bounds the part of a body a log line holds.
const maxLogBody = 64 << 10

// sensitiveName reports whether a header, field or parameter name holds a
// credential: Authorization, Proxy-Authorization, Cookie, client_secret,
// refresh_token, access_token, id_token, assertion, code_verifier, password
// (also newPassword and the like), API keys, the signatures of signed URLs
// (X-Amz-Signature, X-Goog-Signature, sig). Case, '_', '-' and '.' are
// ignored, so clientSecret and Client-Secret count too.
func sensitiveName(name string) bool {
	n := strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ' ':
			return -1
		}
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, name)
	if strings.HasSuffix(n, "token") || n == "sig" {
		return true
	}
	for _, s := range [...]string{"password", "passwd", "secret", "assertion", "verifier",
		"authorization", "cookie", "apikey", "credential", "privatekey", "signature"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// headerAttrs renders headers as a group, names sorted, credentials redacted.
func headerAttrs(group string, h http.Header) slog.Attr {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	attrs := make([]slog.Attr, 0, len(names))
	for _, k := range names {
		v := strings.Join(h[k], ", ")
		if sensitiveName(k) {
			v = redactedValue
		} else if u, err := url.Parse(v); err == nil && u.IsAbs() && (k == "Location" || k == "Content-Location") {
			v = logURL(u) // a signed URL's signature is in its query
		} else {
			v = redactText(v)
		}
		attrs = append(attrs, slog.String(k, v))
	}
	return slog.GroupAttrs(group, attrs...)
}

// logURL renders a request URL without user information and with the values
// of credential query parameters redacted.
func logURL(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		c.RawQuery = redactPairs(c.RawQuery)
	}
	return c.String()
}

// redactPairs redacts the values of credential names in "a=1&b=2" (a query
// or a form body), keeping the order and encoding of everything else. A
// name that cannot be unescaped counts as a credential, and so does "code",
// the one-time authorization code of the OAuth grants.
func redactPairs(s string) string {
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil || sensitiveName(name) || name == "code" {
			if !hasValue && err == nil {
				continue
			}
			parts[i] = k + "=" + redactedValue
		}
	}
	return strings.Join(parts, "&")
}

// redactBody renders a request or response body for a log line.
func redactBody(data []byte, contentType string) string {
	if len(data) == 0 {
		return ""
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	var out string
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		return fmt.Sprintf("[%d bytes of %s]", len(data), mt)
	case !utf8.Valid(data):
		return fmt.Sprintf("[%d bytes of binary data]", len(data))
	case strings.Contains(mt, "json") || looksJSON(data):
		if r, ok := redactJSON(data); ok {
			out = r
		} else {
			out = redactText(string(data))
		}
	case mt == "application/x-www-form-urlencoded":
		out = redactPairs(string(data))
	default:
		out = redactText(string(data))
	}
	return truncate(out, len(data))
}

func looksJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

func truncate(s string, total int) string {
	if len(s) <= maxLogBody {
		return s
	}
	cut := maxLogBody
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("…[truncated; body has %d bytes]", total)
}

// redactJSON re-encodes JSON with the value of every credential member, at
// any depth, replaced by "[REDACTED]". It reports false for invalid JSON.
func redactJSON(data []byte) (string, bool) {
	opts := []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}
	dec := jsontext.NewDecoder(bytes.NewReader(data), opts...)
	var buf bytes.Buffer
	enc := jsontext.NewEncoder(&buf, opts...)
	for {
		tok, err := dec.ReadToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", false
		}
		kind, n := dec.StackIndex(dec.StackDepth())
		isName := kind == '{' && n%2 == 1
		if tok.Kind() == '"' && !isName {
			// A value such as "error_description": "bad refresh_token=..."
			tok = jsontext.String(redactText(tok.String()))
		}
		if err := enc.WriteToken(tok); err != nil {
			return "", false
		}
		if isName && sensitiveName(tok.String()) {
			// tok is a member name: replace its value, whatever its kind.
			if err := dec.SkipValue(); err != nil {
				return "", false
			}
			if err := enc.WriteToken(jsontext.String(redactedValue)); err != nil {
				return "", false
			}
		}
	}
	return strings.TrimRight(buf.String(), "\n"), true
}

// textSecret finds "name: value", "name=value" and "name": "value" pairs
// whose name holds a credential word, in text that is not valid JSON or a
// form: error messages, plain-text bodies, header values.
var textSecret = regexp.MustCompile(`(?i)([a-z0-9_.\-]*(?:password|passwd|secret|token|assertion|verifier|authorization|cookie|api_?key|credential|signature)[a-z0-9_.\-]*["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s&,;"'}\]]+)`)

// bearer finds HTTP credentials such as "Bearer abc" and "Basic dXNlcjpwdw==",
// with what precedes them when it is a header name ("Authorization: ").
var bearer = regexp.MustCompile(`(?i)(authorization["']?\s*[:=]\s*["']?)?\b(bearer|basic|negotiate|digest)(\s+)([A-Za-z0-9._~+/=\-]+)`)

// redactScheme redacts the credential of one match of bearer. After
// "Basic" in running text ("HTTP Basic client credentials") a word is kept
// unless it is the value of an Authorization header or could be a Basic
// credential: base64 of "id:secret", or anything holding a character that
// is not a letter.
func redactScheme(m string) string {
	sub := bearer.FindStringSubmatch(m)
	header, scheme, space, cred := sub[1], sub[2], sub[3], sub[4]
	if header == "" && strings.EqualFold(scheme, "basic") && !basicCredential(cred) {
		return m
	}
	return header + scheme + space + redactedValue
}

// basicCredential reports whether w, the word after "Basic", may be a
// credential.
func basicCredential(w string) bool {
	for _, r := range w {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return true
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding} {
		if b, err := enc.DecodeString(w); err == nil && bytes.IndexByte(b, ':') >= 0 {
			return true
		}
	}
	return false
}

// secretWords are the words one of which text must hold for redactText's
// expressions to match; checking them first keeps redaction cheap.
var secretWords = [...]string{"pass", "secret", "token", "assertion", "verifier", "authorization",
	"cookie", "key", "credential", "bearer", "basic", "negotiate", "digest", "signature"}

func redactText(s string) string {
	lower := strings.ToLower(s)
	found := false
	for _, w := range secretWords {
		if strings.Contains(lower, w) {
			found = true
			break
		}
	}
	if !found {
		return s
	}
	s = bearer.ReplaceAllStringFunc(s, redactScheme)
	return textSecret.ReplaceAllStringFunc(s, func(m string) string {
		sub := textSecret.FindStringSubmatch(m)
		v := sub[2]
		switch {
		case strings.HasPrefix(v, `"`):
			return sub[1] + `"` + redactedValue + `"`
		case strings.HasPrefix(v, `'`):
			return sub[1] + `'` + redactedValue + `'`
		}
		return sub[1] + redactedValue
	})
}
