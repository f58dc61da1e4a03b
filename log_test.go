package platformclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/runtime"
)

// apiServer answers /ok with 200 and anything else with a Genesys 404, both
// with a correlation id.
func apiServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ININ-Correlation-Id", "corr-"+strings.TrimPrefix(r.URL.Path, "/api/v2/"))
		if r.URL.Path == "/api/v2/ok" {
			fmt.Fprintf(w, `{"echo":%q}`, body)
			return
		}
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"message":"not found","code":"not.found","status":404}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// callBoth makes a succeeding and a failing call.
func callBoth(t *testing.T, c *Client) {
	t.Helper()
	ctx := context.Background()
	req := runtime.NewRequest("POST", "/api/v2/ok")
	req.Body = map[string]string{"name": "request-body-marker"}
	if err := c.Do(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	req = runtime.NewRequest("POST", "/api/v2/missing")
	req.Body = map[string]string{"name": "request-body-marker"}
	if err := c.Do(ctx, req, nil); !IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}
}

func TestLogLevels(t *testing.T) {
	srv := apiServer(t)
	type line struct {
		level, path string
		respHeaders bool
	}
	for _, tc := range []struct {
		level LogLevel
		want  []line
	}{
		{LogNone, nil},
		{LogError, []line{{"ERROR", "missing", true}}},
		{LogDebug, []line{{"DEBUG", "ok", false}, {"ERROR", "missing", true}}},
		{LogTrace, []line{{"TRACE", "ok", true}, {"ERROR", "missing", true}}},
	} {
		t.Run(string(tc.level), func(t *testing.T) {
			var buf lockedBuffer
			c, err := New(WithBaseURL(srv.URL), WithAccessToken("tok"), WithLogLevel(tc.level),
				WithLogFormat(LogJSON), withConsole(&buf))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			callBoth(t, c)
			lines := jsonLines(t, buf.String())
			if len(lines) != len(tc.want) {
				t.Fatalf("%d lines, want %d:\n%s", len(lines), len(tc.want), buf.String())
			}
			for i, w := range tc.want {
				l := lines[i]
				if l["level"] != w.level || l["msg"] != logMessage || l["method"] != "POST" ||
					l["url"] != srv.URL+"/api/v2/"+w.path || l["correlation_id"] != "corr-"+w.path {
					t.Errorf("line %d: %v", i, l)
				}
				if _, ok := l["duration"].(float64); !ok {
					t.Errorf("line %d: no duration: %v", i, l)
				}
				wantStatus := 200.0
				if w.path == "missing" {
					wantStatus = 404
				}
				if l["status"] != wantStatus {
					t.Errorf("line %d: status %v", i, l["status"])
				}
				rh, _ := l["request_headers"].(map[string]any)
				if rh["Authorization"] != redactedValue || rh["Content-Type"] != "application/json" {
					t.Errorf("line %d: request headers %v", i, rh)
				}
				_, has := l["response_headers"]
				if has != w.respHeaders {
					t.Errorf("line %d: response headers present %v, want %v", i, has, w.respHeaders)
				}
				if _, has := l["request_body"]; has {
					t.Errorf("line %d: request body logged without WithLogBodies", i)
				}
				if _, has := l["response_body"]; has {
					t.Errorf("line %d: response body logged without WithLogBodies", i)
				}
			}
		})
	}
}

func TestLogBodiesOnlyWhenEnabled(t *testing.T) {
	srv := apiServer(t)
	for _, tc := range []struct {
		level          LogLevel
		request, resp  bool
		wantReqBody    [2]bool // success line, failure line
		wantRespBodies [2]bool
	}{
		{LogTrace, true, true, [2]bool{true, true}, [2]bool{true, true}},
		{LogTrace, false, true, [2]bool{false, false}, [2]bool{true, true}},
		{LogTrace, true, false, [2]bool{true, true}, [2]bool{false, false}},
		{LogDebug, true, true, [2]bool{true, true}, [2]bool{false, true}},
	} {
		t.Run(fmt.Sprintf("%s/%v/%v", tc.level, tc.request, tc.resp), func(t *testing.T) {
			var buf lockedBuffer
			c, err := New(WithBaseURL(srv.URL), WithLogLevel(tc.level), WithLogFormat(LogJSON),
				WithLogBodies(tc.request, tc.resp), withConsole(&buf))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			callBoth(t, c)
			lines := jsonLines(t, buf.String())
			if len(lines) != 2 {
				t.Fatalf("%d lines", len(lines))
			}
			for i, l := range lines {
				rb, hasReq := l["request_body"].(string)
				if hasReq != tc.wantReqBody[i] || (hasReq && rb != `{"name":"request-body-marker"}`) {
					t.Errorf("line %d: request body %q (present %v)", i, rb, hasReq)
				}
				_, hasResp := l["response_body"]
				if hasResp != tc.wantRespBodies[i] {
					t.Errorf("line %d: response body present %v, want %v", i, hasResp, tc.wantRespBodies[i])
				}
			}
		})
	}
}

func TestLogTextFormat(t *testing.T) {
	srv := apiServer(t)
	var buf lockedBuffer
	c, err := New(WithBaseURL(srv.URL), WithLogLevel(LogTrace), withConsole(&buf))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	callBoth(t, c)
	out := buf.String()
	for _, want := range []string{`level=TRACE msg="http request" method=POST url=` + srv.URL + "/api/v2/ok status=200 duration=",
		"correlation_id=corr-ok", "level=ERROR", "status=404", "correlation_id=corr-missing",
		"response_headers.Inin-Correlation-Id=corr-ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestLogFile(t *testing.T) {
	srv := apiServer(t)
	path := filepath.Join(t.TempDir(), "sdk.log")
	if err := os.WriteFile(path, []byte("earlier line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(t.TempDir(), "new.log")
	for _, p := range []string{path, fresh} {
		c, err := New(WithBaseURL(srv.URL), WithLogLevel(LogError), WithLogFormat(LogJSON),
			WithLogConsole(false), WithLogFile(p))
		if err != nil {
			t.Fatal(err)
		}
		callBoth(t, c)
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
		// After Close: the call fails with ErrClosed and writes nothing.
		if err := c.GetURI(context.Background(), "/api/v2/ok", nil); !errors.Is(err, ErrClosed) {
			t.Fatalf("call after Close: %v, want ErrClosed", err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), "earlier line\n") || strings.Count(string(data), "\n") != 2 ||
		!strings.Contains(string(data), `"status":404`) {
		t.Errorf("log file:\n%s", data)
	}
	fi, err := os.Stat(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("new log file mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestLogFileUnwritable(t *testing.T) {
	_, err := New(WithLogLevel(LogDebug), WithLogFile(filepath.Join(t.TempDir(), "no", "such", "dir", "x.log")))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v", err)
	}
}

// recordingHandler keeps the records it gets.
type recordingHandler struct {
	mu      chan struct{}
	records []slog.Record
}

func (h *recordingHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu <- struct{}{}
	h.records = append(h.records, r.Clone())
	<-h.mu
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func TestLogHandler(t *testing.T) {
	srv := apiServer(t)
	h := &recordingHandler{mu: make(chan struct{}, 1)}
	var console lockedBuffer
	c, err := New(WithBaseURL(srv.URL), WithLogLevel(LogDebug), WithLogHandler(h), withConsole(&console))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	callBoth(t, c)
	if len(h.records) != 2 || h.records[0].Level != slog.LevelDebug || h.records[1].Level != slog.LevelError {
		t.Fatalf("records %v", h.records)
	}
	attrs := map[string]slog.Value{}
	h.records[1].Attrs(func(a slog.Attr) bool { attrs[a.Key] = a.Value; return true })
	if attrs["correlation_id"].String() != "corr-missing" || attrs["status"].Int64() != 404 {
		t.Errorf("attrs %v", attrs)
	}
	if console.String() != "" {
		t.Errorf("console written with a handler: %s", console.String())
	}
	// The console can be turned back on, in either order of options.
	for _, opts := range [][]Option{
		{WithLogHandler(h), WithLogConsole(true)},
		{WithLogConsole(true), WithLogHandler(h)},
	} {
		var buf lockedBuffer
		c, err := New(append(opts, WithBaseURL(srv.URL), WithLogLevel(LogError), withConsole(&buf))...)
		if err != nil {
			t.Fatal(err)
		}
		callBoth(t, c)
		c.Close()
		if !strings.Contains(buf.String(), "status=404") {
			t.Errorf("console off: %q", buf.String())
		}
	}
}

func TestLogTransportError(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	var buf lockedBuffer
	c, err := New(WithBaseURL(url), noRetries, WithLogLevel(LogError), WithLogFormat(LogJSON), withConsole(&buf))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := runtime.NewRequest("GET", "/api/v2/users")
	req.AddQuery("access_token", "query-secret-value")
	var te *TransportError
	if err := c.Do(context.Background(), req, nil); !errors.As(err, &te) {
		t.Fatalf("got %v", err)
	}
	lines := jsonLines(t, buf.String())
	if len(lines) != 1 || lines[0]["level"] != "ERROR" || lines[0]["status"] != 0.0 || lines[0]["error"] == nil ||
		lines[0]["correlation_id"] != "" {
		t.Fatalf("lines %v", lines)
	}
	if strings.Contains(buf.String(), "query-secret-value") {
		t.Errorf("secret in %s", buf.String())
	}
}

func TestWithLogOptionsValidate(t *testing.T) {
	if _, err := New(WithLogLevel("loud")); err == nil {
		t.Error("unknown level accepted")
	}
	if _, err := New(WithLogFormat("xml")); err == nil {
		t.Error("unknown format accepted")
	}
	if _, err := New(WithLogHandler(nil)); err == nil {
		t.Error("nil handler accepted")
	}
}

// BenchmarkDoLogNone measures what logging costs when it is off (the
// default), against BenchmarkDoLogTrace with both bodies.
func BenchmarkDoLogNone(b *testing.B)  { benchLog(b, LogNone) }
func BenchmarkDoLogTrace(b *testing.B) { benchLog(b, LogTrace) }

func benchLog(b *testing.B, level LogLevel) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"1","name":"x","access_token":"abc"}`)
	}))
	defer srv.Close()
	c, err := New(WithBaseURL(srv.URL), WithLogLevel(level), WithLogBodies(true, true),
		WithLogHandler(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: LevelTrace})))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		req := runtime.NewRequest("POST", "/api/v2/x")
		req.Body = map[string]string{"password": "p", "name": "n"}
		if err := c.Do(ctx, req, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// Log lines name the operation when the request has one, and token
// requests as TokenOperation, so logs group by operation.
func TestLogNamesTheOperation(t *testing.T) {
	srv := apiServer(t)
	login := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tok","token_type":"bearer","expires_in":3600}`)
	})
	var buf lockedBuffer
	c, err := New(WithBaseURL(srv.URL), WithLoginURL(login.URL), WithGrant(ClientCredentials{ClientID: "id", ClientSecret: "secret"}),
		WithLogLevel(LogDebug), WithLogFormat(LogJSON), withConsole(&buf))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	named := runtime.NewRequest("GET", "/api/v2/missing")
	named.Operation = "things.GetThing"
	if err := c.Do(context.Background(), named, nil); !IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}
	if err := c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/ok"), nil); err != nil {
		t.Fatal(err)
	}
	lines := jsonLines(t, buf.String())
	var got []string
	for _, l := range lines {
		op, has := l["operation"]
		got = append(got, fmt.Sprintf("%v %v %t", l["url"], op, has))
	}
	want := []string{login.URL + "/oauth/token oauth.token true", srv.URL + "/api/v2/missing things.GetThing true", srv.URL + "/api/v2/ok <nil> false"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("log lines (url, operation):\n%v\nwant\n%v", got, want)
	}
}
