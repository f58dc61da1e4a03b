package gen

import (
	"go/token"
	"sort"
	"strings"
	"unicode"
)

// initialisms are words written in upper case in Go identifiers.
var initialisms = map[string]string{
	"id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "uri": "URI", "uris": "URIs",
	"api": "API", "http": "HTTP", "https": "HTTPS", "json": "JSON", "xml": "XML", "html": "HTML",
	"ip": "IP", "sql": "SQL", "sso": "SSO", "tls": "TLS", "uuid": "UUID", "sms": "SMS",
	"ttl": "TTL", "acd": "ACD", "ivr": "IVR", "utc": "UTC",
}

// words splits an identifier-ish string into words at non-alphanumeric
// characters and at lower-to-upper case changes.
func words(s string) []string {
	var out []string
	var cur []rune
	rs := []rune(s)
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if len(cur) > 0 && unicode.IsUpper(r) {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

// exported converts a wire name into an exported Go identifier, applying
// initialisms ("userId" -> "UserID", "page_size" -> "PageSize").
func exported(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if up, ok := initialisms[strings.ToLower(w)]; ok {
			b.WriteString(up)
			continue
		}
		rs := []rune(w)
		b.WriteRune(unicode.ToUpper(rs[0]))
		b.WriteString(string(rs[1:]))
	}
	id := b.String()
	if id == "" {
		return "X"
	}
	if unicode.IsDigit([]rune(id)[0]) {
		id = "N" + id
	}
	return id
}

// unexported converts a wire name into an unexported Go identifier that is
// not a keyword and does not shadow the names the generated code uses.
func unexported(s string) string {
	e := exported(s)
	ws := words(e)
	var id string
	if len(ws) > 0 && initialisms[strings.ToLower(ws[0])] == ws[0] {
		id = strings.ToLower(ws[0]) + e[len(ws[0]):]
	} else {
		rs := []rune(e)
		id = string(unicode.ToLower(rs[0])) + string(rs[1:])
	}
	if token.IsKeyword(id) || reservedLocals[id] {
		id += "Param"
	}
	return id
}

// reservedLocals are identifiers used by generated method bodies and imports.
var reservedLocals = map[string]bool{
	"ctx": true, "c": true, "opts": true, "call": true, "req": true, "out": true, "err": true,
	"models": true, "platformclient": true, "context": true, "url": true, "http": true,
	"types": true, "string": true, "int": true, "bool": true, "any": true, "error": true,
	"nil": true, "true": true, "false": true, "len": true, "new": true, "make": true,
}

// typeName converts a definition name into an exported Go type name while
// keeping its spelling ("UserEntityListing" stays as it is).
func typeName(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	id := b.String()
	if id == "" || unicode.IsDigit([]rune(id)[0]) {
		id = "T" + id
	}
	return id
}

// methodName converts an SDK method name into a Go method name by upper-casing
// its first letter ("getUsersMe" -> "GetUsersMe").
func methodName(s string) string { return typeName(s) }

// packageName converts a tag into a Go package name ("Speech & Text Analytics"
// -> "speechtextanalytics").
func packageName(tag string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(tag) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	p := b.String()
	if p == "" || (p[0] >= '0' && p[0] <= '9') {
		p = "tag" + p
	}
	if token.IsKeyword(p) || p == "models" || p == "operations" {
		p += "api"
	}
	return p
}

// uniquer hands out names that are unique within one scope: a clash gets the
// lowest free numeric suffix, so the result only depends on the input order.
type uniquer map[string]bool

func (u uniquer) take(name string) string {
	if !u[name] {
		u[name] = true
		return name
	}
	for i := 2; ; i++ {
		n := name + itoa(i)
		if !u[n] {
			u[n] = true
			return n
		}
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// comment formats text as a Go doc comment with the given prefix, wrapping
// long lines and neutralising comment terminators.
func comment(prefix, text string) string {
	text = strings.TrimSpace(strings.ReplaceAll(text, "*/", "* /"))
	if text == "" {
		return ""
	}
	var b strings.Builder
	for _, para := range strings.Split(text, "\n") {
		line := prefix + "//"
		n := 0
		for _, w := range strings.Fields(para) {
			if n > 0 && n+len(w) > 100 {
				b.WriteString(line + "\n")
				line = prefix + "//"
				n = 0
			}
			line += " " + w
			n += len(w) + 1
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
