package config

import (
	"bytes"
	"errors"
	"strings"
	"unicode/utf8"

	"gopkg.in/ini.v1"
)

// iniOptions make gopkg.in/ini.v1 read values as written:
//   - names are case-insensitive;
//   - no continuation lines, so a password ending in '\' stays one line;
//   - '#' and ';' start a comment only at the start of a line or after a
//     space, so "password = a#b" keeps its '#'.
//
// Values are read with Key.Value, which skips the library's %(name)s
// interpolation. Quoting a value ("...") keeps leading or trailing spaces
// and " #".
//
// Shadows are kept (with duplicate values) only to find keys set twice,
// which are an error, as in JSON.
var iniOptions = ini.LoadOptions{
	Insensitive:                true,
	IgnoreContinuation:         true,
	SpaceBeforeInlineComment:   true,
	KeyValueDelimiters:         "=:",
	AllowShadows:               true,
	AllowDuplicateShadowValues: true,
}

// parseINI reads INI content with gopkg.in/ini.v1.
func parseINI(data []byte) (r *raw, err error) {
	defer func() {
		// The library has no known panics on bad input; this keeps one from
		// taking the program down if it ever has.
		if p := recover(); p != nil {
			r, err = nil, &Error{Format: FormatINI, Err: errors.New("unparsable INI")}
		}
	}()
	if !utf8.Valid(data) {
		line := 0
		for i, l := range bytes.Split(data, []byte("\n")) {
			if !utf8.Valid(l) {
				line = i + 1
				break
			}
		}
		return nil, &Error{Format: FormatINI, Line: line, Err: errors.New("invalid UTF-8")}
	}
	f, err := ini.LoadSources(iniOptions, data)
	if err != nil {
		return nil, iniError(data, err)
	}
	r = &raw{}
	for _, sec := range f.Sections() {
		name := sec.Name()
		keys := sec.Keys()
		if name == strings.ToLower(ini.DefaultSection) {
			if len(keys) == 0 {
				continue // the library's implicit section
			}
			name = ini.DefaultSection
		}
		r.sections = append(r.sections, name)
		for _, k := range keys {
			if len(k.ValueWithShadows()) > 1 {
				return nil, &Error{Format: FormatINI, Line: secondLine(data, name, k.Name()), Section: name, Key: k.Name(),
					Err: errors.New("set more than once")}
			}
			r.entries = append(r.entries, rawEntry{section: name, key: k.Name(), val: rawValue{text: k.Value()}})
		}
	}
	return r, nil
}

// iniError turns a library error into an *Error that names the line but
// does not repeat its text, which may hold a credential.
func iniError(data []byte, err error) error {
	var (
		msg  = "invalid INI"
		line string
	)
	var dnf ini.ErrDelimiterNotFound
	var ekn ini.ErrEmptyKeyName
	s := err.Error()
	switch {
	case errors.As(err, &dnf):
		msg, line = "want key = value", dnf.Line
	case errors.As(err, &ekn):
		msg, line = "no key name before '='", ekn.Line
	case strings.HasPrefix(s, "unclosed section: "):
		msg, line = "section header without closing ']'", strings.TrimPrefix(s, "unclosed section: ")
	case strings.HasPrefix(s, "missing closing key quote: "):
		msg, line = "key name without closing quote", strings.TrimPrefix(s, "missing closing key quote: ")
	case strings.HasPrefix(s, "missing closing key quote from "):
		msg = "value without closing quote"
	case s == "empty section name":
		msg, line = "empty section name", "[]"
	}
	e := &Error{Format: FormatINI, Err: errors.New(msg)}
	if line != "" {
		e.Line = lineOf(data, line)
	}
	return e
}

// secondLine returns the 1-based line where key is set a second time in
// section (case-insensitive; sections may be repeated); 0 if not found.
func secondLine(data []byte, section, key string) int {
	cur, seen := ini.DefaultSection, 0
	for i, l := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(strings.TrimPrefix(l, "\xef\xbb\xbf"))
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			cur = strings.TrimSpace(t[1 : len(t)-1])
			continue
		}
		name, _, ok := strings.Cut(t, "=")
		if n2, _, ok2 := strings.Cut(t, ":"); ok2 && (!ok || len(n2) < len(name)) {
			name, ok = n2, true
		}
		if ok && strings.EqualFold(cur, section) && strings.EqualFold(strings.Trim(strings.TrimSpace(name), "\"`"), key) {
			if seen++; seen == 2 {
				return i + 1
			}
		}
	}
	return 0
}

// lineOf returns the 1-based number of the first line of data whose text,
// trimmed, is text trimmed; 0 if none is.
func lineOf(data []byte, text string) int {
	want := bytes.TrimSpace([]byte(text))
	for i, l := range bytes.Split(data, []byte("\n")) {
		if bytes.Equal(bytes.TrimSpace(bytes.TrimPrefix(l, []byte("\xef\xbb\xbf"))), want) {
			return i + 1
		}
	}
	return 0
}
