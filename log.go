package platformclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/purecloudgo/platformclient/config"
)

// LogLevel says what a client logs about its HTTP exchanges. It is the type
// of the configuration file's log_level.
type LogLevel = config.Level

// The log levels. Each line carries the method, URL, status, duration and
// correlation id; bodies appear only when WithLogBodies (or the file's
// log_request_body and log_response_body) turns them on.
const (
	// LogTrace logs every exchange with request and response headers.
	LogTrace = config.LevelTrace
	// LogDebug logs every exchange with request headers.
	LogDebug = config.LevelDebug
	// LogError logs failed exchanges only (transport errors and non-2xx
	// statuses), with request and response headers.
	LogError = config.LevelError
	// LogNone logs nothing; it is the default.
	LogNone = config.LevelNone
)

// LogFormat is the format of log lines the client writes to the console or
// a file itself.
type LogFormat = config.LogFormat

// The log formats.
const (
	LogText = config.LogText // log/slog's TextHandler
	LogJSON = config.LogJSON // log/slog's JSONHandler
)

// LevelTrace is the log/slog level of trace lines, below slog.LevelDebug.
// Lines of failed exchanges have slog.LevelError, debug lines
// slog.LevelDebug. log/slog's handlers print it as "DEBUG-4" unless their
// HandlerOptions.ReplaceAttr is ReplaceLevelAttr, as the client's own are.
const LevelTrace = slog.Level(-8)

// ReplaceLevelAttr names LevelTrace "TRACE" in log lines. Give it to your
// own handler (WithLogHandler) so that trace lines read as they do in the
// client's own output:
//
//	h := slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{
//		Level: platformclient.LevelTrace, ReplaceAttr: platformclient.ReplaceLevelAttr})
//
// Other attributes pass unchanged; call it from your own ReplaceAttr to
// combine both.
func ReplaceLevelAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.LevelKey {
		if l, ok := a.Value.Any().(slog.Level); ok && l == LevelTrace {
			a.Value = slog.StringValue("TRACE")
		}
	}
	return a
}

// logMessage is the message of every exchange's log line.
const logMessage = "http request"

// logSettings is the logging part of settings.
type logSettings struct {
	level        LogLevel // "" is LogNone
	format       LogFormat
	console      bool // write to standard error
	filePath     string
	handler      slog.Handler // the user's, from WithLogHandler
	requestBody  bool
	responseBody bool

	// logger is built from the fields above by buildLogger; nil logs nothing.
	logger *slog.Logger
}

// WithLogLevel sets what the client logs; the default is LogNone.
func WithLogLevel(l LogLevel) Option {
	return func(c *Client) error {
		switch l {
		case LogTrace, LogDebug, LogError, LogNone:
		default:
			return fmt.Errorf("platformclient: unknown log level %q", string(l))
		}
		c.build.log.level = l
		return nil
	}
}

// WithLogFormat sets the format of lines written to the console or a file:
// LogText (the default) or LogJSON.
func WithLogFormat(f LogFormat) Option {
	return func(c *Client) error {
		if f != LogText && f != LogJSON {
			return fmt.Errorf("platformclient: unknown log format %q", string(f))
		}
		c.build.log.format = f
		return nil
	}
}

// WithLogConsole writes log lines to standard error (on by default, off by
// default when WithLogHandler is given).
func WithLogConsole(on bool) Option {
	return func(c *Client) error {
		c.build.log.console = on
		c.opts().consoleSet = true
		return nil
	}
}

// WithLogFile appends log lines to the file at path, creating it with mode
// 0600. The client keeps it open until Close; rotating it is the user's
// business (copy-and-truncate works).
func WithLogFile(path string) Option {
	return func(c *Client) error { c.build.log.filePath = path; return nil }
}

// WithLogHandler sends log lines to h, in addition to the console and file
// if those are turned on. h's own level applies too.
func WithLogHandler(h slog.Handler) Option {
	return func(c *Client) error {
		if h == nil {
			return errors.New("platformclient: nil log handler")
		}
		c.build.log.handler = h
		if !c.opts().consoleSet {
			c.build.log.console = false
		}
		return nil
	}
}

// WithLogBodies includes request and response bodies in log lines. They may
// hold personal data, so both are off by default. Credentials in them are
// redacted.
func WithLogBodies(request, response bool) Option {
	return func(c *Client) error {
		c.build.log.requestBody, c.build.log.responseBody = request, response
		return nil
	}
}

// buildLogger sets s.log.logger from the other logging settings, opening
// the log file if needed.
func (c *Client) buildLogger(s *settings) error {
	s.log.logger = nil
	if s.log.level == "" || s.log.level == LogNone {
		return nil
	}
	var hs []slog.Handler
	if s.log.handler != nil {
		hs = append(hs, s.log.handler)
	}
	if s.log.console {
		hs = append(hs, newLogHandler(s.log.format, c.outputs().consoleWriter()))
	}
	if s.log.filePath != "" {
		w, err := c.outputs().file(s.log.filePath)
		if err != nil {
			return err
		}
		hs = append(hs, newLogHandler(s.log.format, w))
	}
	switch len(hs) {
	case 0:
	case 1:
		s.log.logger = slog.New(hs[0])
	default:
		s.log.logger = slog.New(slog.NewMultiHandler(hs...))
	}
	return nil
}

func newLogHandler(f LogFormat, w io.Writer) slog.Handler {
	opts := &slog.HandlerOptions{Level: LevelTrace, ReplaceAttr: ReplaceLevelAttr}
	if f == LogJSON {
		return slog.NewJSONHandler(w, opts)
	}
	return slog.NewTextHandler(w, opts)
}

// exchange is one HTTP exchange as it is logged.
type exchange struct {
	op    string         // the operation ("users.GetUser", "oauth.token"); "": none
	req   *http.Request  // what was sent
	body  *payload       // its body; nil: none or not logged
	resp  *http.Response // the response; nil when none came
	data  []byte         // the response body read
	err   error          // why the exchange failed, if it did
	start time.Time      // when the request was sent
}

// logExchange writes the log line of one HTTP exchange: x.resp and x.data
// when a response came, x.err when none did or its body broke off.
func (c *Client) logExchange(ctx context.Context, cfg *settings, x exchange) {
	hreq, body, resp, data, err, start := x.req, x.body, x.resp, x.data, x.err, x.start
	l := cfg.log.logger
	if l == nil {
		return
	}
	failed := err != nil || resp.StatusCode < 200 || resp.StatusCode > 299
	level := slog.LevelError
	switch {
	case failed:
	case cfg.log.level == LogTrace:
		level = LevelTrace
	case cfg.log.level == LogDebug:
		level = slog.LevelDebug
	default:
		return // LogError: failed exchanges only
	}
	if !l.Enabled(ctx, level) {
		return
	}
	full := failed || cfg.log.level == LogTrace // response headers and body
	status, correlation := 0, ""
	if resp != nil {
		status, correlation = resp.StatusCode, resp.Header.Get("ININ-Correlation-Id")
	}
	attrs := make([]slog.Attr, 0, 11)
	if x.op != "" {
		attrs = append(attrs, slog.String("operation", x.op))
	}
	attrs = append(attrs,
		slog.String("method", hreq.Method),
		slog.String("url", logURL(hreq.URL)),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.String("correlation_id", correlation))
	if err != nil {
		attrs = append(attrs, slog.String("error", redactText(err.Error())))
	}
	attrs = append(attrs, headerAttrs("request_headers", hreq.Header))
	if full && resp != nil {
		attrs = append(attrs, headerAttrs("response_headers", resp.Header))
	}
	if cfg.log.requestBody && body != nil {
		attrs = append(attrs, slog.String("request_body", redactBody(body.data, body.contentType)))
	}
	if cfg.log.responseBody && full && resp != nil {
		attrs = append(attrs, slog.String("response_body", redactBody(data, resp.Header.Get("Content-Type"))))
	}
	l.LogAttrs(ctx, level, logMessage, attrs...)
}

// logOutputs are the console and the log files of a client, shared by all
// its settings values so that a reload does not reopen them and lines from
// old and new settings do not interleave.
type logOutputs struct {
	mu      sync.Mutex
	console *syncWriter
	files   map[string]*syncWriter
	closed  bool
}

// consoleWriter returns the console: standard error, or the writer a test
// set in o.console beforehand.
func (o *logOutputs) consoleWriter() io.Writer {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.console == nil {
		o.console = &syncWriter{w: os.Stderr}
	}
	return o.console
}

// file returns the writer of the log file at path, opening it (append,
// create with mode 0600) on first use.
func (o *logOutputs) file(path string) (io.Writer, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("platformclient: log file %s: %w", path, err)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil, errors.New("platformclient: client closed")
	}
	if w, ok := o.files[abs]; ok {
		return w, nil
	}
	f, err := os.OpenFile(abs, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("platformclient: log file: %w", err)
	}
	if o.files == nil {
		o.files = map[string]*syncWriter{}
	}
	w := &syncWriter{w: f, c: f}
	o.files[abs] = w
	return w, nil
}

// close closes the log files; later lines to them are dropped.
func (o *logOutputs) close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	var errs []error
	for _, w := range o.files {
		errs = append(errs, w.close())
	}
	return errors.Join(errs...)
}

// syncWriter serialises writes, one log line per Write.
type syncWriter struct {
	mu     sync.Mutex
	w      io.Writer
	c      io.Closer
	closed bool
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, os.ErrClosed
	}
	return s.w.Write(p)
}

func (s *syncWriter) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.c == nil {
		return nil
	}
	s.closed = true
	return s.c.Close()
}
