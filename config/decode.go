package config

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// valueKind is the JSON kind of a value; INI values are all kindString.
type valueKind int

const (
	kindString valueKind = iota
	kindNumber
	kindBool
)

func (k valueKind) String() string {
	switch k {
	case kindNumber:
		return "a number"
	case kindBool:
		return "a boolean"
	}
	return "a string"
}

// rawValue is one key's value before typing.
type rawValue struct {
	text string
	kind valueKind
	line int // 1-based line in the file; 0 when unknown
}

type rawEntry struct {
	section, key string // lower case
	val          rawValue
}

// raw is a file reduced to its sections and keys, in file order.
type raw struct {
	sections []string // every section named in the file
	entries  []rawEntry
}

// setter stores one key's value in a File.
type setter func(f *File, v rawValue) error

// keys is every section and key the file may have.
var keys = map[string]map[string]setter{
	"logging": {
		"log_level": func(f *File, v rawValue) error {
			s, err := str(v)
			if err != nil {
				return err
			}
			l := Level(strings.ToLower(s))
			switch l {
			case LevelTrace, LevelDebug, LevelError, LevelNone:
			default:
				return fmt.Errorf("unknown level %q (want trace, debug, error or none)", clip(s))
			}
			f.Logging.Level = &l
			return nil
		},
		"log_format": func(f *File, v rawValue) error {
			s, err := str(v)
			if err != nil {
				return err
			}
			l := LogFormat(strings.ToLower(s))
			if l != LogText && l != LogJSON {
				return fmt.Errorf("unknown format %q (want text or json)", clip(s))
			}
			f.Logging.Format = &l
			return nil
		},
		"log_to_console":    boolKey(func(f *File) **bool { return &f.Logging.ToConsole }),
		"log_request_body":  boolKey(func(f *File) **bool { return &f.Logging.RequestBody }),
		"log_response_body": boolKey(func(f *File) **bool { return &f.Logging.ResponseBody }),
		"log_file_path": func(f *File, v rawValue) error {
			s, err := str(v)
			if err != nil {
				return err
			}
			if strings.ContainsRune(s, 0) {
				return errors.New("path contains a NUL character")
			}
			s = expandHome(s)
			f.Logging.FilePath = &s
			return nil
		},
	},
	"retry": {
		"retry_wait_min": durationKey(func(f *File) **time.Duration { return &f.Retry.WaitMin }),
		"retry_wait_max": durationKey(func(f *File) **time.Duration { return &f.Retry.WaitMax }),
		"retry_max": func(f *File, v rawValue) error {
			n, err := integer(v, 0, 1000)
			if err != nil {
				return err
			}
			f.Retry.Max = &n
			return nil
		},
	},
	"reauthentication": {
		"refresh_access_token":   boolKey(func(f *File) **bool { return &f.Reauthentication.RefreshAccessToken }),
		"refresh_token_wait_max": durationKey(func(f *File) **time.Duration { return &f.Reauthentication.RefreshTokenWaitMax }),
	},
	"general": {
		"host": func(f *File, v rawValue) error {
			s, err := str(v)
			if err != nil {
				return err
			}
			u, _, _, err := normalizeURL(s, "https", "http", "https")
			if err != nil {
				return err
			}
			f.General.Host = &u
			return nil
		},
		"live_reload_config": boolKey(func(f *File) **bool { return &f.General.LiveReloadConfig }),
	},
	"gateway": {
		"host": func(f *File, v rawValue) error {
			s, err := str(v)
			if err != nil {
				return err
			}
			if strings.Contains(s, "://") || strings.ContainsAny(s, "/@?#") || strings.IndexFunc(s, notPrintable) >= 0 {
				return errors.New("want a host name without scheme, port, path or credentials")
			}
			f.Gateway.Host = &s
			return nil
		},
		"protocol": func(f *File, v rawValue) error {
			s, err := str(v)
			if err != nil {
				return err
			}
			s = strings.ToLower(s)
			if s != "http" && s != "https" {
				return fmt.Errorf("unknown protocol %q (want http or https)", clip(s))
			}
			f.Gateway.Protocol = &s
			return nil
		},
		"port": func(f *File, v rawValue) error {
			n, err := integer(v, 1, 65535)
			if err != nil {
				return err
			}
			f.Gateway.Port = &n
			return nil
		},
		"path_params_login": pathKey(func(f *File) **string { return &f.Gateway.PathParamsLogin }),
		"path_params_api":   pathKey(func(f *File) **string { return &f.Gateway.PathParamsAPI }),
		"username":          stringKey(func(f *File) **string { return &f.Gateway.Username }),
		"password":          secretKey(func(f *File) **Secret { return &f.Gateway.Password }),
	},
	"proxy": {
		"host":     proxyURL,
		"url":      proxyURL,
		"username": stringKey(func(f *File) **string { return &f.Proxy.Username }),
		"password": secretKey(func(f *File) **Secret { return &f.Proxy.Password }),
	},
}

// proxyURL sets the proxy URL from the host or url key.
func proxyURL(f *File, v rawValue) error {
	s, err := str(v)
	if err != nil {
		return err
	}
	u, user, pass, err := normalizeURL(s, "http", "http", "https", "socks5")
	if err != nil {
		return err
	}
	f.Proxy.URL = &u
	if user != nil {
		f.proxyUser, f.proxyPass = user, pass
	}
	return nil
}

// ErrNoKnownKey is wrapped by the *Error of a file that has keys or
// sections but no key this package knows.
var ErrNoKnownKey = errors.New("no key this SDK knows")

// knownSections returns the known sections r names, for messages.
func (r *raw) knownSections() []string {
	var out []string
	for _, s := range r.sections {
		if _, ok := keys[s]; ok && !slices.Contains(out, "["+s+"]") {
			out = append(out, "["+s+"]")
		}
	}
	return out
}

// firstNames lists up to five names for a message.
func firstNames(names []string) string {
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + ", …"
	}
	return strings.Join(names, ", ")
}

// decode types the values of r.
func (r *raw) decode(format Format) (*File, error) {
	f := &File{Format: format}
	seenSection := map[string]bool{}
	var proxyKey string
	known := 0
	for _, e := range r.entries {
		sec, ok := keys[e.section]
		set := sec[e.key]
		if !ok || set == nil {
			f.Unknown = append(f.Unknown, e.section+"."+e.key)
			seenSection[e.section] = true
			continue
		}
		known++
		seenSection[e.section] = true
		if e.val.text == "" {
			continue // an empty value leaves the key unset
		}
		if e.section == "proxy" && (e.key == "host" || e.key == "url") {
			if proxyKey != "" && proxyKey != e.key {
				return nil, &Error{Format: format, Line: e.val.line, Section: e.section, Key: e.key,
					Err: errors.New("set host or url, not both")}
			}
			proxyKey = e.key
		}
		if err := set(f, e.val); err != nil {
			return nil, &Error{Format: format, Line: e.val.line, Section: e.section, Key: e.key, Err: err}
		}
	}
	for _, s := range r.sections {
		if _, ok := keys[s]; !ok && !seenSection[s] {
			f.Unknown = append(f.Unknown, s)
			seenSection[s] = true
		}
	}
	if known == 0 && (len(r.entries) > 0 || len(r.sections) > 0) {
		// Something that is not a configuration file of this SDK: YAML or
		// TOML read as INI, a file of another program.
		return nil, &Error{Format: format, Err: fmt.Errorf("%w (the file has %s); want INI sections such as [logging] or a JSON object of them",
			ErrNoKnownKey, firstNames(append(append([]string(nil), f.Unknown...), r.knownSections()...)))}
	}
	// Credentials given in the proxy URL count only where the keys are unset.
	if f.proxyUser != nil {
		if f.Proxy.Username == nil && *f.proxyUser != "" {
			f.Proxy.Username = f.proxyUser
		}
		if f.Proxy.Password == nil && f.proxyPass != nil && *f.proxyPass != "" {
			f.Proxy.Password = f.proxyPass
		}
		f.proxyUser, f.proxyPass = nil, nil
	}
	if f.Retry.WaitMin != nil && f.Retry.WaitMax != nil && *f.Retry.WaitMin > *f.Retry.WaitMax {
		return nil, &Error{Format: format, Section: "retry", Key: "retry_wait_min",
			Err: fmt.Errorf("%s is longer than retry_wait_max %s", *f.Retry.WaitMin, *f.Retry.WaitMax)}
	}
	return f, nil
}

func boolKey(field func(*File) **bool) setter {
	return func(f *File, v rawValue) error {
		if v.kind == kindNumber {
			return fmt.Errorf("want a boolean, got %s", v.kind)
		}
		var b bool
		switch strings.ToLower(strings.TrimSpace(v.text)) {
		case "true", "yes", "on", "1":
			b = true
		case "false", "no", "off", "0":
		default:
			return fmt.Errorf("want true or false, got %q", clip(v.text))
		}
		*field(f) = &b
		return nil
	}
}

func durationKey(field func(*File) **time.Duration) setter {
	return func(f *File, v rawValue) error {
		d, err := duration(v)
		if err != nil {
			return err
		}
		*field(f) = &d
		return nil
	}
}

func stringKey(field func(*File) **string) setter {
	return func(f *File, v rawValue) error {
		s, err := str(v)
		if err != nil {
			return err
		}
		*field(f) = &s
		return nil
	}
}

func pathKey(field func(*File) **string) setter {
	return func(f *File, v rawValue) error {
		s, err := str(v)
		if err != nil {
			return err
		}
		if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || notPrintable(r) }) >= 0 || strings.ContainsAny(s, "?#") {
			return errors.New("want a URL path without spaces, query or fragment")
		}
		*field(f) = &s
		return nil
	}
}

// secretKey stores a credential; its errors never show the value.
func secretKey(field func(*File) **Secret) setter {
	return func(f *File, v rawValue) error {
		if v.kind != kindString {
			return fmt.Errorf("want a string, got %s", v.kind)
		}
		s := Secret(v.text)
		*field(f) = &s
		return nil
	}
}

// str returns a string value, trimmed.
func str(v rawValue) (string, error) {
	if v.kind != kindString {
		return "", fmt.Errorf("want a string, got %s", v.kind)
	}
	return strings.TrimSpace(v.text), nil
}

// maxDuration bounds durations: no wait of the SDK is sensibly longer.
const maxDuration = 24 * time.Hour

// duration reads whole or fractional seconds ("5", "0.5") or a Go duration
// ("250ms", "1m30s").
func duration(v rawValue) (time.Duration, error) {
	if v.kind == kindBool {
		return 0, fmt.Errorf("want a duration, got %s", v.kind)
	}
	s := strings.TrimSpace(v.text)
	var d time.Duration
	if isDecimal(s) {
		secs, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(secs) || math.IsInf(secs, 0) || secs > maxDuration.Seconds() || secs < 0 {
			return 0, fmt.Errorf("want seconds between 0 and %d, got %q", int(maxDuration.Seconds()), clip(s))
		}
		d = time.Duration(secs * float64(time.Second))
	} else {
		var err error
		d, err = time.ParseDuration(s)
		if err != nil || v.kind == kindNumber {
			return 0, fmt.Errorf("want seconds or a duration such as 1.5s, got %q", clip(s))
		}
	}
	if d < 0 || d > maxDuration {
		return 0, fmt.Errorf("want a duration between 0 and %s, got %q", maxDuration, clip(s))
	}
	return d, nil
}

// isDecimal reports whether s is digits with at most one decimal point, the
// only number syntax accepted as seconds (no signs, exponents or hex).
func isDecimal(s string) bool {
	if s == "" || s == "." {
		return false
	}
	dot := false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
		case c == '.' && !dot:
			dot = true
		default:
			return false
		}
	}
	return true
}

func integer(v rawValue, min, max int) (int, error) {
	if v.kind == kindBool {
		return 0, fmt.Errorf("want a whole number, got %s", v.kind)
	}
	s := strings.TrimSpace(v.text)
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, fmt.Errorf("want a whole number from %d to %d, got %q", min, max, clip(s))
	}
	return n, nil
}

// normalizeURL checks a host or URL, adds defScheme when it has none, and
// returns it without user information (returned apart) or trailing slash.
// Its errors never show the value, which may hold a credential.
func normalizeURL(s, defScheme string, schemes ...string) (u string, user *string, pass *Secret, err error) {
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || notPrintable(r) }) >= 0 {
		return "", nil, nil, errors.New("want a URL without spaces or control characters")
	}
	if !strings.Contains(s, "://") {
		s = defScheme + "://" + s
	}
	p, perr := url.Parse(s)
	if perr != nil || p.Host == "" || p.Opaque != "" {
		return "", nil, nil, errors.New("want a URL such as " + defScheme + "://host[:port]")
	}
	p.Scheme = strings.ToLower(p.Scheme)
	ok := false
	for _, sc := range schemes {
		ok = ok || p.Scheme == sc
	}
	if !ok {
		return "", nil, nil, fmt.Errorf("want scheme %s", strings.Join(schemes, ", "))
	}
	if p.RawQuery != "" || p.Fragment != "" || p.ForceQuery {
		return "", nil, nil, errors.New("want a URL without query or fragment")
	}
	if p.User != nil {
		name := p.User.Username()
		user = &name
		if pw, ok := p.User.Password(); ok {
			sp := Secret(pw)
			pass = &sp
		}
		p.User = nil
	}
	if port := p.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return "", nil, nil, errors.New("want a port from 1 to 65535")
		}
	}
	p.Path = strings.TrimRight(p.Path, "/")
	p.RawPath = ""
	return p.String(), user, pass, nil
}

func notPrintable(r rune) bool { return !unicode.IsPrint(r) && !unicode.IsSpace(r) }

// clip shortens a value quoted in an error message.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// expandHome replaces a leading "~/" with the home directory.
func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") || strings.HasPrefix(p, `~\`) {
		if h, err := homeDir(); err == nil {
			return filepath.Join(h, p[1:])
		}
	}
	return p
}
