package platformclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/purecloudgo/platformclient/config"
	"github.com/purecloudgo/platformclient/runtime"
)

// reloadDeadline bounds the wait for a reload; the watcher applies a change
// about 50 ms after it; the margin is for a loaded machine and -race.
const reloadDeadline = 2 * time.Second

// fullConfig writes a file with every key, in INI or JSON, whose host is
// srv and whose log file is logPath.
func fullConfig(t *testing.T, format config.Format, host, logPath string) string {
	t.Helper()
	dir := t.TempDir()
	var content string
	if format == config.FormatINI {
		content = fmt.Sprintf(`[logging]
log_level = trace
log_format = json
log_to_console = false
log_file_path = %s
log_request_body = true
log_response_body = true

[retry]
retry_wait_min = 2
retry_wait_max = 1m30s
retry_max = 7

[reauthentication]
refresh_access_token = true
refresh_token_wait_max = 15

[general]
host = %s
live_reload_config = false

[gateway]
host = gateway.example.com
protocol = https
port = 8443
path_params_login = login
path_params_api = api/v2
username = gw-user
password = gw-pass

[proxy]
host = http://proxy.example.com:3128
username = proxy-user
password = proxy-pass
`, logPath, host)
	} else {
		doc := map[string]map[string]any{
			"logging": {"log_level": "trace", "log_format": "json", "log_to_console": false, "log_file_path": logPath,
				"log_request_body": true, "log_response_body": true},
			"retry":            {"retry_wait_min": 2, "retry_wait_max": "1m30s", "retry_max": 7},
			"reauthentication": {"refresh_access_token": true, "refresh_token_wait_max": 15},
			"general":          {"host": host, "live_reload_config": false},
			"gateway": {"host": "gateway.example.com", "protocol": "https", "port": 8443, "path_params_login": "login",
				"path_params_api": "api/v2", "username": "gw-user", "password": "gw-pass"},
			"proxy": {"url": "http://proxy.example.com:3128", "username": "proxy-user", "password": "proxy-pass"},
		}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		content = string(b)
	}
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestConfigFileEveryKeyApplied(t *testing.T) {
	srv := apiServer(t)
	for _, format := range []config.Format{config.FormatINI, config.FormatJSON} {
		t.Run(format.String(), func(t *testing.T) {
			logPath := filepath.Join(t.TempDir(), "sdk.log")
			var console lockedBuffer
			c, err := New(WithConfigFile(fullConfig(t, format, srv.URL, logPath)), withConsole(&console))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			s := c.settings()
			// logging
			if s.log.level != LogTrace || s.log.format != LogJSON || s.log.console || s.log.filePath != logPath ||
				!s.log.requestBody || !s.log.responseBody {
				t.Errorf("logging settings %+v", s.log)
			}
			if c.ext.watcher != nil {
				t.Error("watching although live_reload_config = false")
			}
			// retry and reauthentication
			if s.retry.RetryWaitMin != 2*time.Second || s.retry.RetryWaitMax != 90*time.Second || s.retry.RetryMax != 7 ||
				s.refreshOff || s.refreshWait != 15*time.Second {
				t.Errorf("retry %+v refreshOff %v refreshWait %v", s.retry, s.refreshOff, s.refreshWait)
			}
			// gateway: it takes precedence over general.host
			g := c.Gateway()
			if g == nil || g.Host != "gateway.example.com" || g.Protocol != "https" || g.Port != 8443 || g.LoginPath != "login" ||
				g.APIPath != "api/v2" || g.Username != "gw-user" || g.Password != "gw-pass" {
				t.Errorf("gateway %v", g)
			}
			if c.BaseURL() != "https://gateway.example.com:8443/api/v2" || c.LoginURL() != "https://gateway.example.com:8443/login" {
				t.Errorf("gateway URLs %s %s", c.BaseURL(), c.LoginURL())
			}
			// proxy
			if p := s.proxyURL; p == nil || p.Host != "proxy.example.com:3128" || p.User.Username() != "proxy-user" {
				t.Errorf("proxy %v", p)
			} else if pw, _ := p.User.Password(); pw != "proxy-pass" {
				t.Error("proxy password not applied")
			}

			// The applied logging and host at work, in a file without the
			// gateway and proxy sections so that calls reach srv: a trace
			// line with both bodies in the file, in JSON, nothing on the
			// console.
			c.Close()
			c, err = New(WithConfigFile(withoutNetworkSections(t, fullConfig(t, format, srv.URL, logPath), format)), withConsole(&console))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if c.BaseURL() != srv.URL {
				t.Errorf("base URL %s", c.BaseURL())
			}
			callBoth(t, c)
			data, err := os.ReadFile(logPath)
			if err != nil {
				t.Fatal(err)
			}
			lines := jsonLines(t, string(data))
			if len(lines) != 2 || lines[0]["level"] != "TRACE" || lines[0]["response_body"] == nil ||
				lines[0]["request_body"] == nil || !strings.HasPrefix(lines[0]["url"].(string), srv.URL) {
				t.Errorf("log file:\n%s", data)
			}
			if console.String() != "" {
				t.Errorf("console: %s", console.String())
			}
		})
	}
}

func TestConfigFileOverridesOptionsAndRevertsWithThem(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, []byte("[logging]\nlog_level = debug\n"), 0o600)
	c, err := New(WithBaseURL("http://127.0.0.1:1"), WithLogLevel(LogError), WithLogBodies(true, false),
		WithConfigFile(path), WithLiveReload(false), withConsole(&lockedBuffer{}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	s := c.settings()
	if s.log.level != LogDebug || !s.log.requestBody || c.BaseURL() != "http://127.0.0.1:1" {
		t.Errorf("level %s bodies %v base %s", s.log.level, s.log.requestBody, c.BaseURL())
	}
	if c.ext.watcher != nil {
		t.Error("watching with WithLiveReload(false)")
	}
	// ApplyConfig(nil): the options alone.
	if err := c.ApplyConfig(nil); err != nil {
		t.Fatal(err)
	}
	if c.settings().log.level != LogError {
		t.Errorf("level %s after ApplyConfig(nil)", c.settings().log.level)
	}
	f, _ := config.Parse([]byte(`{"general":{"host":"api.mypurecloud.jp"}}`))
	if err := c.ApplyConfig(f); err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "https://api.mypurecloud.jp" || c.settings().log.level != LogError {
		t.Errorf("base %s level %s", c.BaseURL(), c.settings().log.level)
	}
}

func TestConfigFileErrorsAtStart(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte("[logging]\nlog_level = loud\n"), 0o600)
	_, err := New(WithConfigFile(bad))
	var ce *config.Error
	if !errors.As(err, &ce) || ce.Key != "log_level" || ce.Path != bad {
		t.Errorf("broken file: %v", err)
	}
	badLog := filepath.Join(dir, "badlog")
	os.WriteFile(badLog, []byte("[logging]\nlog_level = debug\nlog_file_path = "+filepath.Join(dir, "none", "x.log")), 0o600)
	if _, err := New(WithConfigFile(badLog)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("unopenable log file: %v", err)
	}
}

// reloadClient starts a client watching path, reporting through ch.
func reloadClient(t *testing.T, path string, opts ...Option) (*Client, chan error, *lockedBuffer) {
	t.Helper()
	ch := make(chan error, 100)
	var console lockedBuffer
	opts = append(opts, WithConfigFile(path), withConsole(&console),
		WithConfigHandler(func(_ *config.File, err error) { ch <- err }))
	c, err := New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, ch, &console
}

// applied waits for the next reload, which must succeed.
func applied(t *testing.T, ch chan error, since time.Time) {
	t.Helper()
	select {
	case err := <-ch:
		if err != nil {
			t.Fatalf("reload failed: %v", err)
		}
		t.Logf("applied %v after the change", time.Since(since).Round(time.Millisecond))
	case <-time.After(reloadDeadline):
		t.Fatalf("not reloaded within %v", reloadDeadline)
	}
}

func TestConfigReloadOnWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, []byte("[logging]\nlog_level = error\n"), 0o600)
	c, ch, _ := reloadClient(t, path)
	if c.settings().log.level != LogError {
		t.Fatal("initial file not applied")
	}
	at := time.Now()
	os.WriteFile(path, []byte("[logging]\nlog_level = trace\n[general]\nhost = http://127.0.0.1:9\n"), 0o600)
	applied(t, ch, at)
	if c.settings().log.level != LogTrace || c.BaseURL() != "http://127.0.0.1:9" {
		t.Errorf("level %s base %s", c.settings().log.level, c.BaseURL())
	}
}

func TestConfigReloadOnCreate(t *testing.T) {
	// The default path, in a home directory without .genesyscloudgo yet.
	home := t.TempDir()
	t.Setenv("HOME", home)
	c, ch, _ := reloadClient(t, "")
	if c.settings().log.level != LogNone {
		t.Fatal("level set without a file")
	}
	path := filepath.Join(home, ".genesyscloudgo", "config")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	os.WriteFile(path, []byte(`{"logging": {"log_level": "debug"}}`), 0o600)
	applied(t, ch, at)
	if c.settings().log.level != LogDebug {
		t.Errorf("level %s", c.settings().log.level)
	}
}

func TestConfigReloadOnAtomicRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	os.WriteFile(path, []byte("[logging]\nlog_level = error\n"), 0o600)
	c, ch, _ := reloadClient(t, path)
	tmp := filepath.Join(dir, "config.swp")
	os.WriteFile(tmp, []byte("[logging]\nlog_level = debug\n"), 0o600)
	at := time.Now()
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	applied(t, ch, at)
	if c.settings().log.level != LogDebug {
		t.Errorf("level %s", c.settings().log.level)
	}
}

func TestConfigBrokenFileKeepsPrevious(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, []byte("[logging]\nlog_level = error\n"), 0o600)
	c, ch, console := reloadClient(t, path)
	before := c.cfg.Load()
	for _, broken := range []string{
		"[logging]\nlog_level = loud\n",                                          // unknown level
		"[logging]\nlog_to_console = perhaps\n",                                  // wrong type
		"[logging\nlog_level = debug\n",                                          // syntax error
		`{"logging": {"log_level": 5}}`,                                          // wrong JSON type
		"[logging]\nlog_level = debug\nlog_file_path = /nonexistent-dir/x.log\n", // unopenable log file
	} {
		os.WriteFile(path, []byte(broken), 0o600)
		select {
		case err := <-ch:
			if err == nil {
				t.Fatalf("%q applied", broken)
			}
		case <-time.After(reloadDeadline):
			t.Fatalf("%q: no report within %v", broken, reloadDeadline)
		}
		if c.cfg.Load() != before {
			t.Fatalf("%q: settings replaced", broken)
		}
	}
	if n := strings.Count(console.String(), "configuration not applied"); n != 5 {
		t.Errorf("%d errors logged, want 5:\n%s", n, console.String())
	}
	at := time.Now()
	os.WriteFile(path, []byte("[logging]\nlog_level = debug\n"), 0o600)
	applied(t, ch, at)
	if c.settings().log.level != LogDebug {
		t.Errorf("level %s", c.settings().log.level)
	}
}

func TestConfigLiveReloadTurnedOffByFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, []byte("[logging]\nlog_level = error\n"), 0o600)
	c, ch, _ := reloadClient(t, path)
	at := time.Now()
	os.WriteFile(path, []byte("[logging]\nlog_level = debug\n[general]\nlive_reload_config = false\n"), 0o600)
	applied(t, ch, at)
	select {
	case <-c.ext.watcher.Done():
	case <-time.After(reloadDeadline):
		t.Fatal("still watching")
	}
}

func TestClientCloseLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	path := filepath.Join(t.TempDir(), "config")
	logPath := filepath.Join(t.TempDir(), "sdk.log")
	os.WriteFile(path, []byte("[logging]\nlog_level = error\nlog_file_path = "+logPath+"\n"), 0o600)
	ch := make(chan error, 10)
	c, err := New(WithConfigFile(path), WithConfigHandler(func(_ *config.File, err error) { ch <- err }))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	os.WriteFile(path, []byte("[logging]\nlog_level = debug\nlog_to_console = false\nlog_file_path = "+logPath+"\n"), 0o600)
	applied(t, ch, at)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.ApplyConfig(nil); err == nil {
		t.Error("ApplyConfig after Close")
	}
}

// TestConfigReloadDuringRequests reloads between two configurations while
// requests run, under the race detector in CI. Configuration A sends to
// server A and logs at debug; B sends to server B and logs at trace. A log
// line at trace level for server A, or at debug for server B, would be a
// request that saw a mix of the two.
func TestConfigReloadDuringRequests(t *testing.T) {
	srvA, srvB := apiServer(t), apiServer(t)
	confA := fmt.Sprintf("[general]\nhost = %s\n[logging]\nlog_level = debug\nlog_format = json\n", srvA.URL)
	confB := fmt.Sprintf(`{"general": {"host": %q}, "logging": {"log_level": "trace", "log_format": "json"}}`, srvB.URL)
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, []byte(confA), 0o600)
	c, ch, console := reloadClient(t, path)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var calls atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if err := c.Do(ctx, runtime.NewRequest("GET", "/api/v2/ok"), nil); err != nil && ctx.Err() == nil {
					t.Error(err)
					return
				}
				calls.Add(1)
			}
		}()
	}
	const reloads = 10
	for i := range reloads {
		conf := confB
		if i%2 == 1 {
			conf = confA
		}
		at := time.Now()
		os.WriteFile(path, []byte(conf), 0o600)
		applied(t, ch, at)
	}
	cancel()
	wg.Wait()

	lines := jsonLines(t, console.String())
	perConfig := map[string]int{}
	for _, l := range lines {
		if l["msg"] != logMessage {
			continue
		}
		u, _ := l["url"].(string)
		switch {
		case l["level"] == "DEBUG" && strings.HasPrefix(u, srvA.URL):
			perConfig["A"]++
		case l["level"] == "TRACE" && strings.HasPrefix(u, srvB.URL):
			perConfig["B"]++
		case l["level"] == "ERROR" && strings.Contains(fmt.Sprint(l["error"]), "context canceled"):
		default:
			t.Errorf("mixed configuration: %v", l)
		}
	}
	t.Logf("%d calls during %d reloads; log lines per configuration %v", calls.Load(), reloads, perConfig)
	if perConfig["A"] == 0 || perConfig["B"] == 0 {
		t.Errorf("requests did not see both configurations: %v", perConfig)
	}
}

func ExampleWithConfigFile() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "config")
	os.WriteFile(path, []byte("[logging]\nlog_level = debug\n\n[general]\nhost = https://api.mypurecloud.ie\n"), 0o600)

	c, err := New(WithConfigFile(path), WithAccessToken("token"),
		WithConfigHandler(func(f *config.File, err error) {
			// Called after each change of the file.
			if err != nil {
				fmt.Println("configuration kept:", err)
			}
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer c.Close() // stops watching the file
	fmt.Println(c.BaseURL())
	// Output: https://api.mypurecloud.ie
}

func ExampleWithLogHandler() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ININ-Correlation-Id", "7d3a")
		w.WriteHeader(http.StatusNotFound)
	}))
	defer srv.Close()
	// Drop the time, URL and duration so that the output is stable.
	h := slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		switch a.Key {
		case slog.TimeKey, "url", "duration", "Date", "Content-Length":
			return slog.Attr{}
		}
		return a
	}})
	c, _ := New(WithBaseURL(srv.URL), WithAccessToken("secret-token"), WithLogLevel(LogError), WithLogHandler(h))
	defer c.Close()
	_ = c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/users/{userId}", "42"), nil)
	// Output:
	// level=ERROR msg="http request" method=GET status=404 correlation_id=7d3a request_headers.Accept=application/json request_headers.Authorization=[REDACTED] request_headers.User-Agent=platformclient-go/0.1.0 response_headers.Inin-Correlation-Id=7d3a
}

// withoutNetworkSections rewrites a configuration file without its gateway
// and proxy sections and returns the new path.
func withoutNetworkSections(t *testing.T, path string, format config.Format) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	if format == config.FormatINI {
		keep := true
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "[") {
				keep = line != "[gateway]" && line != "[proxy]"
			}
			if keep {
				out += line + "\n"
			}
		}
	} else {
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		delete(doc, "gateway")
		delete(doc, "proxy")
		nb, _ := json.Marshal(doc)
		out = string(nb)
	}
	p := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(p, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
