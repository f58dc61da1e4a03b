package platformclient

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"

	"github.com/purecloudgo/platformclient/config"
)

// clientState is what a client keeps besides its settings: what the
// configuration-file options asked for, the settings New's options built (a
// file is applied on top of them), the watcher and the log outputs.
type clientState struct {
	// set by options, read by start
	consoleSet  bool // WithLogConsole was given
	configSet   bool // WithConfigFile was given
	configPath  string
	noLive      bool // WithLiveReload(false)
	onConfig    func(*config.File, error)
	consoleSink *syncWriter // tests: replaces standard error

	mu      sync.Mutex // serialises applying a file
	base    *settings  // from New's options; never modified
	watcher *config.Watcher
	closed  bool
	outputs logOutputs
}

// opts returns the state that options write to.
func (c *Client) opts() *clientState {
	if c.ext == nil {
		c.ext = &clientState{}
	}
	return c.ext
}

func (c *Client) outputs() *logOutputs { return &c.opts().outputs }

// WithConfigFile reads the configuration file at path ("" for
// config.DefaultPath(), $HOME/.genesyscloudgo/config) and applies it on top
// of the other options. A missing file is not an error. Unless the file sets
// general.live_reload_config = false or WithLiveReload(false) is given, the
// client watches the file and applies each change while it runs; Close stops
// the watching. A file that cannot be used makes New fail; a change that
// cannot be used later is reported (WithConfigHandler, and the log at level
// error or more) and the client keeps its previous configuration.
func WithConfigFile(path string) Option {
	return func(c *Client) error {
		x := c.opts()
		x.configSet, x.configPath = true, path
		return nil
	}
}

// WithLiveReload turns watching the configuration file on (the default) or
// off.
func WithLiveReload(on bool) Option {
	return func(c *Client) error { c.opts().noLive = !on; return nil }
}

// WithConfigHandler calls fn after each change of the watched configuration
// file, on the watcher's goroutine: with the File and a nil error when it was
// applied, or with an error when the client kept its previous configuration
// (the File is nil when the file could not be read or parsed). fn must
// return promptly and must not call Close.
func WithConfigHandler(fn func(*config.File, error)) Option {
	return func(c *Client) error { c.opts().onConfig = fn; return nil }
}

// start finishes New: it reads the configuration file, builds the logger,
// and starts watching.
func (c *Client) start() error {
	x := c.opts()
	x.base = c.cfg.Load()
	if x.consoleSink != nil {
		x.outputs.console = x.consoleSink
	}
	var f *config.File
	if x.configSet {
		if x.configPath == "" {
			p, err := config.DefaultPath()
			if err != nil {
				return err
			}
			x.configPath = p
		}
		loaded, err := config.Load(x.configPath)
		switch {
		case err == nil:
			f = loaded
		case !config.IsNotExist(err):
			return err
		}
	}
	s, err := c.compose(f)
	if err != nil {
		_ = x.outputs.close()
		return err
	}
	c.cfg.Store(s)
	c.logUnknown(f)
	if x.configSet && !x.noLive && f.LiveReload() {
		w, err := config.Watch(x.configPath, f, c.reload)
		if err != nil {
			_ = x.outputs.close()
			return err
		}
		x.mu.Lock()
		x.watcher = w
		x.mu.Unlock()
	}
	return nil
}

// compose builds the settings of the options with f applied.
func (c *Client) compose(f *config.File) (*settings, error) {
	s := c.ext.base.clone()
	if err := applyFile(s, f); err != nil {
		return nil, err
	}
	if err := c.buildLogger(s); err != nil {
		return nil, err
	}
	return s, nil
}

// applyFile sets the values f has in s. Keys f does not set keep the values
// of New's options.
func applyFile(s *settings, f *config.File) error {
	if f == nil {
		return nil
	}
	l := f.Logging
	setIf(&s.log.level, l.Level)
	setIf(&s.log.format, l.Format)
	setIf(&s.log.console, l.ToConsole)
	setIf(&s.log.filePath, l.FilePath)
	setIf(&s.log.requestBody, l.RequestBody)
	setIf(&s.log.responseBody, l.ResponseBody)
	if h := f.General.Host; h != nil {
		s.baseURL = strings.TrimRight(*h, "/")
		if login := deriveLoginURL(s.baseURL); login != "" {
			s.loginURL = login
		}
	}
	setIf(&s.retry.RetryWaitMin, f.Retry.WaitMin)
	setIf(&s.retry.RetryWaitMax, f.Retry.WaitMax)
	if m := f.Retry.Max; m != nil {
		s.retry.RetryMax = *m
		if *m == 0 {
			s.retry.RetryMax = -1 // retry_max = 0 means no retries; RetryPolicy's zero means the default
		}
	}
	if r := f.Reauthentication.RefreshAccessToken; r != nil {
		s.refreshOff = !*r
	}
	setIf(&s.refreshWait, f.Reauthentication.RefreshTokenWaitMax)
	if g := f.Gateway; g.Host != nil {
		gw := &Gateway{Host: *g.Host, Port: -1}
		setIf(&gw.Protocol, g.Protocol)
		setIf(&gw.Port, g.Port)
		setIf(&gw.LoginPath, g.PathParamsLogin)
		setIf(&gw.APIPath, g.PathParamsAPI)
		setIf(&gw.Username, g.Username)
		if g.Password != nil {
			gw.Password = g.Password.Reveal()
		}
		if _, err := s.withGateway(gw); err != nil {
			return err
		}
	}
	if p := f.Proxy; p.URL != nil {
		px := &Proxy{URL: *p.URL}
		setIf(&px.Username, p.Username)
		if p.Password != nil {
			px.Password = p.Password.Reveal()
		}
		if err := s.withProxy(px); err != nil {
			return err
		}
	}
	return nil
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// ApplyConfig applies f on top of the settings New's options built,
// replacing what an earlier file set; nil goes back to the options alone.
// Calls that already started keep the settings they started with. It does
// not change what is watched.
func (c *Client) ApplyConfig(f *config.File) error {
	x := c.opts()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return ErrClosed
	}
	s, err := c.compose(f)
	if err != nil {
		return err
	}
	c.cfg.Store(s)
	return nil
}

// reload is the watcher's function.
func (c *Client) reload(f *config.File, err error) {
	if err == nil {
		err = c.ApplyConfig(f)
		if errors.Is(err, ErrClosed) {
			return
		}
	}
	x := c.ext
	ctx := context.Background()
	if err != nil {
		if l := c.settings().log.logger; l != nil {
			l.LogAttrs(ctx, slog.LevelError, "configuration not applied; keeping the previous one",
				slog.String("path", x.configPath), slog.String("error", err.Error()))
		}
		if x.onConfig != nil {
			x.onConfig(nil, err)
		}
		return
	}
	s := c.settings()
	if l := s.log.logger; l != nil && (s.log.level == LogDebug || s.log.level == LogTrace) {
		l.LogAttrs(ctx, slog.LevelInfo, "configuration applied", slog.String("path", x.configPath))
	}
	c.logUnknown(f)
	if x.onConfig != nil {
		x.onConfig(f, nil)
	}
}

// logUnknown warns about keys the file has that this SDK does not know
// (a typo such as log_levle would otherwise go unnoticed). The warning is
// written whatever the log level, even none (the default): to the client's
// log outputs, the console (standard error) unless turned off.
func (c *Client) logUnknown(f *config.File) {
	if f == nil || len(f.Unknown) == 0 {
		return
	}
	s := c.settings()
	l := s.log.logger
	if l == nil {
		l = c.warnLogger(s)
	}
	if l != nil {
		l.LogAttrs(context.Background(), slog.LevelWarn, "configuration has unknown keys; they are ignored",
			slog.String("path", f.Path), slog.String("keys", strings.Join(f.Unknown, ", ")))
	}
}

// warnLogger returns a logger for warnings about the configuration when the
// log level is none: to the log handler, the console and the log file as
// the settings have them; nil when there is none.
func (c *Client) warnLogger(s *settings) *slog.Logger {
	w := s.clone()
	w.log.level = LogError // any level but none builds the outputs
	if c.buildLogger(w) != nil {
		return nil
	}
	return w.log.logger
}

// closeConfig stops watching the configuration file, waiting until a reload
// in progress has finished, and closes the log file (a hook of Close).
func (c *Client) closeConfig() error {
	x := c.opts()
	x.mu.Lock()
	w := x.watcher
	x.watcher, x.closed = nil, true
	x.mu.Unlock()
	if w != nil {
		_ = w.Close()
	}
	return x.outputs.close()
}
