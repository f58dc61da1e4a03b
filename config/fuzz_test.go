package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzzers' seed corpora are in testdata/fuzz/<Fuzzer>; the files below
// testdata are added as seeds too. Run one with, for example:
//
//	go test ./config -run '^$' -fuzz '^FuzzParse$' -fuzztime 5m -parallel 1

// FuzzParse feeds any bytes to Parse. It must not panic; its errors must be
// *Error; a File it returns must hold only valid values, and must come back
// unchanged when written out as JSON and as INI and parsed again.
func FuzzParse(f *testing.F) {
	addTestdataSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || ce.Err == nil || err.Error() == "" {
				t.Fatalf("error %v (%T) is not a complete *Error", err, err)
			}
			return
		}
		checkValid(t, file)
		again, err := Parse([]byte(toJSON(t, file)))
		if err != nil {
			t.Fatalf("JSON of a parsed file does not parse: %v\n%s", err, toJSON(t, file))
		}
		sameValues(t, "JSON", file, again)
		if ini, ok := toINI(file); ok {
			again, err := Parse([]byte(ini))
			if err != nil {
				t.Fatalf("INI of a parsed file does not parse: %v\n%s", err, ini)
			}
			sameValues(t, "INI", file, again)
		}
	})
}

// FuzzFormatsAgree sets one key to the same value in INI and in JSON: both
// must fail, naming the same key, or both give the same File.
func FuzzFormatsAgree(f *testing.F) {
	for i, v := range []string{"trace", "JSON", "yes", "0", "1.5", "250ms", "api.mypurecloud.ie",
		"http://u:p@proxy:3128", "8443", " spaced ", "a#b", "a #b", "x;y", `"quoted"`, "'single'", "",
		"~/sdk.log", "70000", "-1", "1e3", "%(x)s", "back\\", "\"\"\"triple"} {
		f.Add(uint8(i), v)
	}
	f.Fuzz(func(t *testing.T, k uint8, value string) {
		if !utf8.ValidString(value) || strings.ContainsAny(value, "`\n\r") {
			return // not expressible the same way in both formats
		}
		key := allKeys[int(k)%len(allKeys)]
		iniValue := "`" + value + "`"
		if isPlain(value) {
			iniValue = value
		}
		ini := fmt.Sprintf("[%s]\n%s = %s\n", key[0], key[1], iniValue)
		js, _ := json.Marshal(map[string]map[string]string{key[0]: {key[1]: value}})
		a, errA := Parse([]byte(ini))
		b, errB := Parse(js)
		if (errA == nil) != (errB == nil) {
			t.Fatalf("INI %q: %v\nJSON %s: %v", ini, errA, js, errB)
		}
		if errA != nil {
			var ea, eb *Error
			errors.As(errA, &ea)
			errors.As(errB, &eb)
			if ea == nil || eb == nil || ea.Section != eb.Section || ea.Key != eb.Key {
				t.Fatalf("INI %q: %v\nJSON %s: %v", ini, errA, js, errB)
			}
			return
		}
		sameValues(t, "INI vs JSON", a, b)
	})
}

// FuzzErrorsHideSecrets surrounds a password with arbitrary content: an
// error must never show the password.
func FuzzErrorsHideSecrets(f *testing.F) {
	for _, s := range [][3]string{
		{"", "hunter2-hunter2", ""},
		{"[logging]\nlog_level = loud", "p@ss word#1;x", "[x\n"},
		{"", "`unclosed-quote-secret", "more\nlines"},
		{"[gateway]\nport = x", "\"quoted secret value\"", ""},
		{"password", "no-delimiter-secret", "\n= x"},
		{`{"proxy":`, "json-secret-value", `, "x": [}`},
	} {
		f.Add(s[0], s[1], s[2], false)
		f.Add(s[0], s[1], s[2], true)
	}
	f.Fuzz(func(t *testing.T, prefix, secret, suffix string, asJSON bool) {
		if len(strings.TrimSpace(secret)) < 10 || strings.Contains(prefix+suffix, secret) {
			return
		}
		var data string
		if asJSON {
			q, _ := json.Marshal(secret)
			data = prefix + `{"gateway": {"password": ` + string(q) + suffix
		} else {
			data = prefix + "\n[gateway]\npassword = " + secret + "\n" + suffix
		}
		_, err := Parse([]byte(data))
		if err != nil && strings.Contains(err.Error(), strings.TrimSpace(secret)) {
			t.Fatalf("error shows the secret %q: %v", secret, err)
		}
	})
}

// allKeys is every section and key.
var allKeys = func() [][2]string {
	var out [][2]string
	for s, ks := range keys {
		for k := range ks {
			out = append(out, [2]string{s, k})
		}
	}
	// map order is random: sort for stable seeds
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j][0]+"."+out[j][1] < out[i][0]+"."+out[i][1] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}()

// isPlain reports whether an INI value can be written without quotes.
func isPlain(v string) bool {
	return v != "" && v == strings.TrimSpace(v) && !strings.ContainsAny(v, "\"'`#;\\") &&
		!strings.HasPrefix(v, "[")
}

func addTestdataSeeds(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.*")
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

// checkValid checks the invariants of a parsed File.
func checkValid(t *testing.T, f *File) {
	t.Helper()
	if l := f.Logging.Level; l != nil && *l != LevelTrace && *l != LevelDebug && *l != LevelError && *l != LevelNone {
		t.Fatalf("level %q", *l)
	}
	if l := f.Logging.Format; l != nil && *l != LogText && *l != LogJSON {
		t.Fatalf("format %q", *l)
	}
	for _, d := range []*time.Duration{f.Retry.WaitMin, f.Retry.WaitMax, f.Reauthentication.RefreshTokenWaitMax} {
		if d != nil && (*d < 0 || *d > maxDuration) {
			t.Fatalf("duration %v", *d)
		}
	}
	if f.Retry.WaitMin != nil && f.Retry.WaitMax != nil && *f.Retry.WaitMin > *f.Retry.WaitMax {
		t.Fatal("wait min > max")
	}
	if m := f.Retry.Max; m != nil && (*m < 0 || *m > 1000) {
		t.Fatalf("retry_max %d", *m)
	}
	if p := f.Gateway.Port; p != nil && (*p < 1 || *p > 65535) {
		t.Fatalf("port %d", *p)
	}
	if p := f.Gateway.Protocol; p != nil && *p != "http" && *p != "https" {
		t.Fatalf("protocol %q", *p)
	}
	for _, u := range []*string{f.General.Host, f.Proxy.URL} {
		if u == nil {
			continue
		}
		p, err := url.Parse(*u)
		if err != nil || p.Host == "" || p.User != nil || strings.HasSuffix(*u, "/") {
			t.Fatalf("URL %q: %v", *u, err)
		}
	}
}

// sameValues compares the values of two Files.
func sameValues(t *testing.T, what string, a, b *File) {
	t.Helper()
	x, y := *a, *b
	x.Path, y.Path, x.Format, y.Format, x.sum, y.sum, x.Unknown, y.Unknown = "", "", 0, 0, [32]byte{}, [32]byte{}, nil, nil
	if !reflect.DeepEqual(x, y) {
		t.Fatalf("%s round trip changed the file:\n %s\n %s", what, dump(&x), dump(&y))
	}
}

// values lists a File's set keys and their values as text that parses back
// to the same value.
func values(f *File) [][3]string {
	var out [][3]string
	add := func(section, key string, v any) {
		switch v := v.(type) {
		case *string:
			if v != nil {
				out = append(out, [3]string{section, key, *v})
			}
		case *Secret:
			if v != nil {
				out = append(out, [3]string{section, key, v.Reveal()})
			}
		case *bool:
			if v != nil {
				out = append(out, [3]string{section, key, fmt.Sprint(*v)})
			}
		case *int:
			if v != nil {
				out = append(out, [3]string{section, key, fmt.Sprint(*v)})
			}
		case *time.Duration:
			if v != nil {
				out = append(out, [3]string{section, key, v.String()})
			}
		case *Level:
			if v != nil {
				out = append(out, [3]string{section, key, string(*v)})
			}
		case *LogFormat:
			if v != nil {
				out = append(out, [3]string{section, key, string(*v)})
			}
		default:
			panic(fmt.Sprintf("type %T", v))
		}
	}
	add("logging", "log_level", f.Logging.Level)
	add("logging", "log_format", f.Logging.Format)
	add("logging", "log_to_console", f.Logging.ToConsole)
	add("logging", "log_file_path", f.Logging.FilePath)
	add("logging", "log_request_body", f.Logging.RequestBody)
	add("logging", "log_response_body", f.Logging.ResponseBody)
	add("retry", "retry_wait_min", f.Retry.WaitMin)
	add("retry", "retry_wait_max", f.Retry.WaitMax)
	add("retry", "retry_max", f.Retry.Max)
	add("reauthentication", "refresh_access_token", f.Reauthentication.RefreshAccessToken)
	add("reauthentication", "refresh_token_wait_max", f.Reauthentication.RefreshTokenWaitMax)
	add("general", "host", f.General.Host)
	add("general", "live_reload_config", f.General.LiveReloadConfig)
	add("gateway", "host", f.Gateway.Host)
	add("gateway", "protocol", f.Gateway.Protocol)
	add("gateway", "port", f.Gateway.Port)
	add("gateway", "path_params_login", f.Gateway.PathParamsLogin)
	add("gateway", "path_params_api", f.Gateway.PathParamsAPI)
	add("gateway", "username", f.Gateway.Username)
	add("gateway", "password", f.Gateway.Password)
	add("proxy", "url", f.Proxy.URL)
	add("proxy", "username", f.Proxy.Username)
	add("proxy", "password", f.Proxy.Password)
	return out
}

func toJSON(t *testing.T, f *File) string {
	doc := map[string]map[string]string{}
	for _, v := range values(f) {
		if doc[v[0]] == nil {
			doc[v[0]] = map[string]string{}
		}
		doc[v[0]][v[1]] = v[2]
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// toINI writes f as INI, quoting values with backticks; it reports false
// when a value cannot be written (it holds a backtick or a line break).
func toINI(f *File) (string, bool) {
	var b strings.Builder
	for _, v := range values(f) {
		if strings.ContainsAny(v[2], "`\n") {
			return "", false
		}
		fmt.Fprintf(&b, "[%s]\n%s = `%s`\n", v[0], v[1], v[2])
	}
	return b.String(), true
}
