package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

// wantFull is what testdata/full.ini and testdata/full.json hold.
func wantFull(format Format) *File {
	return &File{
		Format: format,
		Logging: Logging{
			Level:        ptr(LevelTrace),
			Format:       ptr(LogJSON),
			ToConsole:    ptr(false),
			FilePath:     ptr("/var/log/genesys/sdk.log"),
			RequestBody:  ptr(true),
			ResponseBody: ptr(true),
		},
		Retry: Retry{
			WaitMin: ptr(2 * time.Second),
			WaitMax: ptr(90 * time.Second),
			Max:     ptr(7),
		},
		Reauthentication: Reauthentication{
			RefreshAccessToken:  ptr(true),
			RefreshTokenWaitMax: ptr(15 * time.Second),
		},
		General: General{
			Host:             ptr("https://api.mypurecloud.ie"),
			LiveReloadConfig: ptr(false),
		},
		Gateway: Gateway{
			Host:            ptr("gateway.example.com"),
			Protocol:        ptr("https"),
			Port:            ptr(8443),
			PathParamsLogin: ptr("login"),
			PathParamsAPI:   ptr("api/v2"),
			Username:        ptr("gw-user"),
			Password:        ptr(Secret("gw#pa ss;word")),
		},
		Proxy: Proxy{
			URL:      ptr("http://proxy.example.com:3128"),
			Username: ptr("proxy-user"),
			Password: ptr(Secret("pr0xy-pa55 # not a comment")),
		},
	}
}

// same compares two Files ignoring where they came from.
func same(t *testing.T, got, want *File) {
	t.Helper()
	g, w := *got, *want
	g.Path, w.Path = "", ""
	g.sum, w.sum = [32]byte{}, [32]byte{}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("parsed\n got %s\nwant %s", dump(&g), dump(&w))
	}
}

// dump shows every value, secrets included (tests only).
func dump(f *File) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", f.Format, f)
	if f.Gateway.Password != nil {
		fmt.Fprintf(&b, " gateway.password=%q", f.Gateway.Password.Reveal())
	}
	if f.Proxy.Password != nil {
		fmt.Fprintf(&b, " proxy.password=%q", f.Proxy.Password.Reveal())
	}
	return b.String()
}

func TestLoadEveryKey(t *testing.T) {
	for _, tc := range []struct {
		file   string
		format Format
	}{{"testdata/full.ini", FormatINI}, {"testdata/full.json", FormatJSON}} {
		t.Run(tc.format.String(), func(t *testing.T) {
			f, err := Load(tc.file)
			if err != nil {
				t.Fatal(err)
			}
			if f.Path != tc.file || f.Format != tc.format {
				t.Errorf("Path %q Format %s", f.Path, f.Format)
			}
			same(t, f, wantFull(tc.format))
			if len(f.Unknown) != 0 {
				t.Errorf("Unknown = %q", f.Unknown)
			}
		})
	}
}

func TestParseFormatByContent(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		want Format
	}{
		{"json with BOM and space", "\xef\xbb\xbf \n\t{\"logging\":{\"log_level\":\"debug\"}}", FormatJSON},
		{"ini with BOM", "\xef\xbb\xbf[logging]\nlog_level=debug", FormatINI},
		{"ini with comment first", "# {not json}\n[logging]\nlog_level: debug", FormatINI},
		{"ini upper case names", "[LOGGING]\nLOG_LEVEL = DEBUG", FormatINI},
		{"json upper case names", `{"Logging":{"Log_Level":"Debug"}}`, FormatJSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Parse([]byte(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != tc.want {
				t.Errorf("format %s, want %s", f.Format, tc.want)
			}
			if f.Logging.Level == nil || *f.Logging.Level != LevelDebug {
				t.Errorf("level %s", show(f.Logging.Level))
			}
		})
	}
}

func TestParseEmptyAndUnset(t *testing.T) {
	for _, data := range []string{"", "  \n", "{}", "# nothing\n", "[logging]\nlog_level =\n", `{"logging":{"log_level":null,"log_format":""},"retry":null}`} {
		f, err := Parse([]byte(data))
		if err != nil {
			t.Fatalf("%q: %v", data, err)
		}
		if f.Logging.Level != nil || f.Logging.Format != nil {
			t.Errorf("%q: set %s", data, f.Logging)
		}
		if !f.LiveReload() {
			t.Errorf("%q: live reload off", data)
		}
	}
}

func TestParseValues(t *testing.T) {
	for _, tc := range []struct {
		ini   string
		check func(*File) bool
	}{
		{"[retry]\nretry_wait_min = 0.5", func(f *File) bool { return *f.Retry.WaitMin == 500*time.Millisecond }},
		{"[retry]\nretry_wait_min = 250ms", func(f *File) bool { return *f.Retry.WaitMin == 250*time.Millisecond }},
		{"[retry]\nretry_wait_max = 0", func(f *File) bool { return *f.Retry.WaitMax == 0 }},
		{"[logging]\nlog_to_console = off", func(f *File) bool { return !*f.Logging.ToConsole }},
		{"[logging]\nlog_to_console = 1", func(f *File) bool { return *f.Logging.ToConsole }},
		{"[general]\nhost = api.mypurecloud.de", func(f *File) bool { return *f.General.Host == "https://api.mypurecloud.de" }},
		{"[general]\nhost = http://127.0.0.1:8080/prefix/", func(f *File) bool { return *f.General.Host == "http://127.0.0.1:8080/prefix" }},
		{"[gateway]\nprotocol = HTTP", func(f *File) bool { return *f.Gateway.Protocol == "http" }},
		{"[proxy]\nhost = proxy:3128", func(f *File) bool { return *f.Proxy.URL == "http://proxy:3128" }},
		{"[proxy]\nurl = socks5://proxy:1080", func(f *File) bool { return *f.Proxy.URL == "socks5://proxy:1080" }},
		{"[gateway]\npassword = ends with backslash\\\nusername = u", func(f *File) bool {
			return f.Gateway.Password.Reveal() == `ends with backslash\` && *f.Gateway.Username == "u"
		}},
		{"[gateway]\npassword = %(username)s", func(f *File) bool { return f.Gateway.Password.Reveal() == "%(username)s" }},
		{"[gateway]\npassword = `a \"b\" #c`", func(f *File) bool { return f.Gateway.Password.Reveal() == `a "b" #c` }},
		{"[gateway]\npassword = secret ; comment", func(f *File) bool { return f.Gateway.Password.Reveal() == "secret" }},
	} {
		f, err := Parse([]byte(tc.ini))
		if err != nil {
			t.Errorf("%q: %v", tc.ini, err)
			continue
		}
		if !tc.check(f) {
			t.Errorf("%q: got %s", tc.ini, dump(f))
		}
	}
}

func TestProxyCredentialsInURL(t *testing.T) {
	f, err := Parse([]byte("[proxy]\nurl = http://alice:s3cr%40t@proxy:3128\n"))
	if err != nil {
		t.Fatal(err)
	}
	if *f.Proxy.URL != "http://proxy:3128" || *f.Proxy.Username != "alice" || f.Proxy.Password.Reveal() != "s3cr@t" {
		t.Errorf("got %s", dump(f))
	}
	// Keys win over the URL's user information.
	f, err = Parse([]byte("[proxy]\nusername = bob\npassword = other\nurl = http://alice:s3cret@proxy:3128\n"))
	if err != nil {
		t.Fatal(err)
	}
	if *f.Proxy.Username != "bob" || f.Proxy.Password.Reveal() != "other" {
		t.Errorf("got %s", dump(f))
	}
}

func TestUnknownKeysAreListed(t *testing.T) {
	f, err := Parse([]byte("top = 1\n[logging]\nlog_levle = debug\nlog_level = debug\n[extra]\na = 1\n[empty]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"DEFAULT.top", "logging.log_levle", "extra.a", "empty"}
	if !reflect.DeepEqual(f.Unknown, want) {
		t.Errorf("Unknown = %q, want %q", f.Unknown, want)
	}
	f, err = Parse([]byte(`{"logging":{"log_levle":"debug","log_level":"debug"},"extra":{},"x":null}`))
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"logging.log_levle", "extra", "x"}
	if !reflect.DeepEqual(f.Unknown, want) {
		t.Errorf("Unknown = %q, want %q", f.Unknown, want)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		data          string
		line          int
		section, key  string
		msg           string
		format        Format
		notInMessages []string
	}{
		{data: "[logging]\nlog_level = verbose", section: "logging", key: "log_level", msg: `unknown level "verbose"`},
		{data: "[logging]\nlog_format = xml", section: "logging", key: "log_format", msg: "unknown format"},
		{data: "[logging]\nlog_to_console = maybe", section: "logging", key: "log_to_console", msg: "want true or false"},
		{data: "[retry]\nretry_max = -1", section: "retry", key: "retry_max", msg: "from 0 to 1000"},
		{data: "[retry]\nretry_max = many", section: "retry", key: "retry_max", msg: "whole number"},
		{data: "[retry]\nretry_wait_min = -1", section: "retry", key: "retry_wait_min", msg: "want seconds"},
		{data: "[retry]\nretry_wait_min = 1e3", section: "retry", key: "retry_wait_min", msg: "want seconds"},
		{data: "[retry]\nretry_wait_min = 25h", section: "retry", key: "retry_wait_min", msg: "between 0 and 24h"},
		{data: "[retry]\nretry_wait_min = 10\nretry_wait_max = 5", section: "retry", key: "retry_wait_min", msg: "longer than retry_wait_max"},
		{data: "[reauthentication]\nrefresh_token_wait_max = soon", section: "reauthentication", key: "refresh_token_wait_max", msg: "want seconds"},
		{data: "[general]\nhost = ftp://x", section: "general", key: "host", msg: "want scheme http, https"},
		{data: "[general]\nhost = https://api.example.com/?a=b", section: "general", key: "host", msg: "without query"},
		{data: "[gateway]\nport = 70000", section: "gateway", key: "port", msg: "from 1 to 65535"},
		{data: "[gateway]\nhost = https://gw", section: "gateway", key: "host", msg: "without scheme"},
		{data: "[gateway]\nprotocol = ftp", section: "gateway", key: "protocol", msg: "want http or https"},
		{data: "[gateway]\npath_params_api = a b", section: "gateway", key: "path_params_api", msg: "without spaces"},
		{data: "[proxy]\nhost = h:1\nurl = h:2", section: "proxy", key: "url", msg: "not both"},
		{data: "[proxy]\nurl = http://u:hunter2-pw@proxy:99999", section: "proxy", key: "url", msg: "port", notInMessages: []string{"hunter2-pw"}},
		// Syntax errors name the line but do not repeat it.
		{data: "[logging]\nlog_level = debug\npassword hunter2-pw\n", line: 3, msg: "want key = value", notInMessages: []string{"hunter2-pw"}},
		{data: "[logging\nlog_level = debug", line: 1, msg: "closing ']'"},
		{data: "[logging]\n= x", line: 2, msg: "no key name"},
		{data: "[]\n", line: 1, msg: "empty section name"},
		// JSON
		{format: FormatJSON, data: "{\n \"logging\": {\"log_level\": \"verbose\"}}", line: 2, section: "logging", key: "log_level", msg: "unknown level"},
		{format: FormatJSON, data: `{"logging": {"log_to_console": 1}}`, line: 1, section: "logging", key: "log_to_console", msg: "want a boolean, got a number"},
		{format: FormatJSON, data: `{"logging": {"log_level": true}}`, line: 1, section: "logging", key: "log_level", msg: "want a string, got a boolean"},
		{format: FormatJSON, data: `{"gateway": {"password": 12345678}}`, line: 1, section: "gateway", key: "password", msg: "want a string", notInMessages: []string{"12345678"}},
		{format: FormatJSON, data: `{"gateway": {"port": 1.5}}`, line: 1, section: "gateway", key: "port", msg: "whole number"},
		{format: FormatJSON, data: `{"gateway": {"port": [1]}}`, line: 1, section: "gateway", key: "port", msg: "want a string, number or boolean"},
		{format: FormatJSON, data: `{"gateway": "x"}`, line: 1, section: "gateway", msg: "want a JSON object of keys"},
		{format: FormatJSON, data: "{\n\"logging\": {\n\"log_level\": \"debug\",\n}\n}", line: 3, msg: "column"},
		{format: FormatJSON, data: `{"logging": {"log_level": "debug"}} x`, line: 1, msg: "column"},
		{format: FormatJSON, data: `{"logging": {"log_level": "debug"`, line: 1, msg: "end of JSON"},
		{format: FormatJSON, data: `{"logging": {"log_level": "debug", "log_level": "trace"}}`, line: 1, msg: "duplicate"},
	} {
		_, err := Parse([]byte(tc.data))
		var ce *Error
		if !errors.As(err, &ce) {
			t.Errorf("%q: error %v, want *Error", tc.data, err)
			continue
		}
		if ce.Format != tc.format || ce.Section != tc.section || ce.Key != tc.key || ce.Line != tc.line {
			t.Errorf("%q: got format %s line %d [%s] %s, want %s line %d [%s] %s: %v",
				tc.data, ce.Format, ce.Line, ce.Section, ce.Key, tc.format, tc.line, tc.section, tc.key, err)
		}
		if !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%q: %q does not say %q", tc.data, err, tc.msg)
		}
		for _, s := range tc.notInMessages {
			if strings.Contains(err.Error(), s) {
				t.Errorf("%q: %q shows %q", tc.data, err, s)
			}
		}
	}
}

func TestErrorMessageFormat(t *testing.T) {
	_, err := Load("testdata/bad_level.ini")
	want := "config: testdata/bad_level.ini: [logging] log_level: unknown level \"loud\" (want trace, debug, error or none)"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	_, err = Parse([]byte("[x\n"))
	if err == nil || err.Error() != "config: line 1: INI syntax: section header without closing ']'" {
		t.Errorf("got %v", err)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	f, err := Load("testdata/full.ini")
	if err != nil {
		t.Fatal(err)
	}
	f.Proxy.Username = ptr("u")
	secrets := []string{f.Gateway.Password.Reveal(), f.Proxy.Password.Reveal()}
	var out bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%T"} {
		for _, v := range []any{f, *f, f.Gateway, f.Proxy, &f.Gateway, *f.Gateway.Password, f.Gateway.Password} {
			fmt.Fprintf(&out, verb+"\n", v)
		}
	}
	j, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	out.Write(j)
	slog.New(slog.NewJSONHandler(&out, nil)).Info("cfg", "file", f, "password", *f.Gateway.Password, "gw", f.Gateway)
	slog.New(slog.NewTextHandler(&out, nil)).Info("cfg", "file", f, "password", f.Gateway.Password, "proxy", f.Proxy)
	for _, s := range secrets {
		if strings.Contains(out.String(), s) || strings.Contains(out.String(), fmt.Sprintf("%x", s)) {
			t.Errorf("secret %q printed in:\n%s", s, out.String())
		}
	}
	if !strings.Contains(out.String(), "[REDACTED]") || !strings.Contains(out.String(), "gateway.example.com") {
		t.Errorf("expected redacted output with other values:\n%s", out.String())
	}
}

func TestLoadMissingAndTooLarge(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(filepath.Join(dir, "none"))
	if !IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, bytes.Repeat([]byte("# comment\n"), maxFileSize/10+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(big); !errors.Is(err, ErrTooLarge) {
		t.Errorf("big file: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("HOME", "/home/someone")
	p, err := DefaultPath()
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("/home/someone", ".genesyscloudgo", "config"); p != want {
		t.Errorf("DefaultPath = %q, want %q", p, want)
	}
	f, err := Parse([]byte("[logging]\nlog_file_path = ~/logs/sdk.log"))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join("/home/someone", "logs", "sdk.log"); *f.Logging.FilePath != want {
		t.Errorf("log_file_path = %q, want %q", *f.Logging.FilePath, want)
	}
}

func ExampleParse() {
	f, err := Parse([]byte(`
[logging]
log_level = debug
log_request_body = true

[retry]
retry_wait_max = 30

[proxy]
url = http://alice:wonderland@proxy.internal:3128
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*f.Logging.Level, *f.Logging.RequestBody, *f.Retry.WaitMax)
	fmt.Println(f.Proxy)
	fmt.Println(f.LiveReload())

	_, err = Parse([]byte("[logging]\nlog_level = loud\n"))
	fmt.Println(err)
	// Output:
	// debug true 30s
	// {URL:http://proxy.internal:3128 Username:alice Password:[REDACTED]}
	// true
	// config: [logging] log_level: unknown level "loud" (want trace, debug, error or none)
}

// TestDocExamplesParse keeps the configuration examples of the configuration
// guide (docs/configuration.md) valid.
func TestDocExamplesParse(t *testing.T) {
	doc, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Skip("docs not found:", err)
	}
	// Only the "Configuration file" section: other sections show other JSON.
	_, section, _ := strings.Cut(string(doc), "\n## Configuration file\n")
	section, _, _ = strings.Cut(section, "\n## ")
	found := map[string]bool{}
	for _, lang := range []string{"ini", "json"} {
		parts := strings.Split(section, "```"+lang+"\n")
		for _, p := range parts[1:] {
			block, _, _ := strings.Cut(p, "```")
			f, err := Parse([]byte(block))
			if err != nil {
				t.Errorf("%s example: %v", lang, err)
				continue
			}
			found[lang] = true
			if len(f.Unknown) != 0 || f.Gateway.Password == nil || f.Proxy.Password == nil || f.Retry.Max == nil {
				t.Errorf("%s example incomplete: %s", lang, f)
			}
		}
	}
	if !found["ini"] || !found["json"] {
		t.Errorf("examples found: %v", found)
	}
}
