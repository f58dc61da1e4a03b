// Package config reads the SDK's configuration file and watches it for
// changes.
//
// The file is INI or JSON, told apart by its content (a JSON file starts
// with '{'), and has the sections and keys of the Genesys Cloud SDKs'
// configuration files:
//
//	[logging]          log_level (trace|debug|error|none), log_format (text|json),
//	                   log_to_console, log_file_path, log_request_body, log_response_body
//	[retry]            retry_wait_min, retry_wait_max, retry_max
//	[reauthentication] refresh_access_token, refresh_token_wait_max
//	[general]          host, live_reload_config
//	[gateway]          host, protocol, port, path_params_login, path_params_api,
//	                   username, password
//	[proxy]            host (or url), username, password
//
// Section and key names are case-insensitive. Every value in a File is a
// pointer that is nil when the file does not set the key, so that a caller
// can layer the file over its own defaults. Durations are whole seconds
// ("5") or Go durations ("1.5s", "250ms"); booleans are true/false, yes/no,
// on/off or 1/0.
//
// This package only parses and watches; the root package platformclient
// applies a File to a client (platformclient.WithConfigFile,
// Client.ApplyConfig).
package config

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Format is the syntax of a configuration file.
type Format int

const (
	// FormatINI is an INI file: "[section]" headers and "key = value" lines.
	FormatINI Format = iota
	// FormatJSON is a JSON object of section objects.
	FormatJSON
)

func (f Format) String() string {
	if f == FormatJSON {
		return "JSON"
	}
	return "INI"
}

// Level is the logging level of the logging section's log_level key.
type Level string

// The logging levels, from most to least verbose.
const (
	// LevelTrace logs every call: method, URL, status, request and response
	// headers, and the bodies when enabled.
	LevelTrace Level = "trace"
	// LevelDebug logs every call: method, URL, status, request headers, and
	// the request body when enabled.
	LevelDebug Level = "debug"
	// LevelError logs failed calls only, with headers and enabled bodies.
	LevelError Level = "error"
	// LevelNone logs nothing; it is the default.
	LevelNone Level = "none"
)

// LogFormat is the format of log lines written to the console or a file.
type LogFormat string

// The log formats.
const (
	LogText LogFormat = "text" // log/slog's TextHandler: key=value pairs
	LogJSON LogFormat = "json" // log/slog's JSONHandler: one JSON object a line
)

// File is a parsed configuration file. A nil pointer field means the file
// does not set that key.
type File struct {
	Path   string // the file it was read from; "" when parsed from memory
	Format Format

	Logging          Logging
	Retry            Retry
	Reauthentication Reauthentication
	General          General
	Gateway          Gateway
	Proxy            Proxy

	// Unknown lists the "section.key" names (or "section" names) the file
	// has but this package does not know, in file order. They are ignored,
	// so that a file written for a newer SDK still loads; platformclient
	// warns about them whatever its log level.
	Unknown []string

	sum [sha256.Size]byte // of the raw content, to skip unchanged rereads

	// credentials from the proxy URL, while decoding
	proxyUser *string
	proxyPass *Secret
}

// Logging is the logging section.
type Logging struct {
	Level        *Level     // log_level: trace, debug, error or none
	Format       *LogFormat // log_format: text or json
	ToConsole    *bool      // log_to_console: write log lines to standard error
	FilePath     *string    // log_file_path: append log lines to this file ("~/" is the home directory)
	RequestBody  *bool      // log_request_body: include request bodies
	ResponseBody *bool      // log_response_body: include response bodies
}

// Retry is the retry section.
type Retry struct {
	WaitMin *time.Duration // retry_wait_min: shortest wait between attempts
	WaitMax *time.Duration // retry_wait_max: longest wait between attempts
	Max     *int           // retry_max: retries after the first attempt
}

// Reauthentication is the reauthentication section.
type Reauthentication struct {
	RefreshAccessToken  *bool          // refresh_access_token: refresh an expired token with the refresh token
	RefreshTokenWaitMax *time.Duration // refresh_token_wait_max: how long a call waits for another call's refresh
}

// General is the general section.
type General struct {
	// Host is the API base URL, such as "https://api.mypurecloud.ie"; a bare
	// host name gets "https://". Stored without a trailing slash.
	Host *string
	// LiveReloadConfig turns watching the file on (the default) or off.
	LiveReloadConfig *bool
}

// Gateway is the gateway section: a gateway that API and login requests go
// through instead of the Genesys Cloud hosts.
type Gateway struct {
	Host            *string // host: host name, without scheme or port
	Protocol        *string // protocol: http or https
	Port            *int    // port: 1 to 65535
	PathParamsLogin *string // path_params_login: path prefix of login requests
	PathParamsAPI   *string // path_params_api: path prefix of API requests
	Username        *string // username
	Password        *Secret // password
}

// String describes the gateway without its password.
func (g Gateway) String() string {
	return fmt.Sprintf("{Host:%s Protocol:%s Port:%s PathParamsLogin:%s PathParamsAPI:%s Username:%s Password:%s}",
		show(g.Host), show(g.Protocol), show(g.Port), show(g.PathParamsLogin), show(g.PathParamsAPI),
		show(g.Username), show(g.Password))
}

// GoString is String, so that %#v does not print the password either.
func (g Gateway) GoString() string { return "config.Gateway" + g.String() }

// Proxy is the proxy section.
type Proxy struct {
	// URL is the proxy URL (key host or url), such as "http://proxy:3128".
	// A URL without a scheme gets "http://". User information in the URL is
	// moved to Username and Password (unless those keys are set), so URL
	// never holds a credential.
	URL      *string
	Username *string
	Password *Secret
}

// String describes the proxy without its password.
func (p Proxy) String() string {
	return fmt.Sprintf("{URL:%s Username:%s Password:%s}", show(p.URL), show(p.Username), show(p.Password))
}

// GoString is String, so that %#v does not print the password either.
func (p Proxy) GoString() string { return "config.Proxy" + p.String() }

// String describes the file without secrets; %v, %+v and %#v print this.
func (f File) String() string {
	return fmt.Sprintf("config.File{Path:%q Format:%s Logging:%+v Retry:%+v Reauthentication:%+v General:%+v Gateway:%s Proxy:%s Unknown:%q}",
		f.Path, f.Format, f.Logging, f.Retry, f.Reauthentication, f.General, f.Gateway, f.Proxy, f.Unknown)
}

// GoString is String.
func (f File) GoString() string { return f.String() }

// String prints the set values of the logging section.
func (l Logging) String() string {
	return fmt.Sprintf("{Level:%s Format:%s ToConsole:%s FilePath:%s RequestBody:%s ResponseBody:%s}",
		show(l.Level), show(l.Format), show(l.ToConsole), show(l.FilePath), show(l.RequestBody), show(l.ResponseBody))
}

// String prints the set values of the retry section.
func (r Retry) String() string {
	return fmt.Sprintf("{WaitMin:%s WaitMax:%s Max:%s}", show(r.WaitMin), show(r.WaitMax), show(r.Max))
}

// String prints the set values of the reauthentication section.
func (r Reauthentication) String() string {
	return fmt.Sprintf("{RefreshAccessToken:%s RefreshTokenWaitMax:%s}", show(r.RefreshAccessToken), show(r.RefreshTokenWaitMax))
}

// String prints the set values of the general section.
func (g General) String() string {
	return fmt.Sprintf("{Host:%s LiveReloadConfig:%s}", show(g.Host), show(g.LiveReloadConfig))
}

// show prints a pointer's value, or "unset".
func show[T any](p *T) string {
	if p == nil {
		return "unset"
	}
	return fmt.Sprint(*p)
}

// LiveReload reports whether the file leaves live reloading on: true unless
// general.live_reload_config is false. It is true for a nil File.
func (f *File) LiveReload() bool {
	return f == nil || f.General.LiveReloadConfig == nil || *f.General.LiveReloadConfig
}

// Error is a configuration file that cannot be used: a syntax error (Section
// and Key empty) or a bad value. Its message never contains the value of a
// password or of a line that failed to parse.
type Error struct {
	Path    string // "" when parsed from memory
	Format  Format
	Line    int    // 1-based line of a syntax error; 0 when unknown
	Section string // section of a bad value, such as "logging"
	Key     string // key of a bad value, such as "log_level"
	Err     error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	switch {
	case e.Section != "" && e.Key != "":
		fmt.Fprintf(&b, "[%s] %s: ", e.Section, e.Key)
	case e.Section != "":
		fmt.Fprintf(&b, "[%s]: ", e.Section)
	default:
		fmt.Fprintf(&b, "%s syntax: ", e.Format)
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// maxFileSize bounds what Load reads: a configuration file is a few hundred
// bytes, so anything much larger is a mistake.
const maxFileSize = 1 << 20

// ErrTooLarge is returned for a file over 1 MiB.
var ErrTooLarge = errors.New("config: file larger than 1 MiB")

// Load reads and parses the file at path. A missing file is an error that
// satisfies errors.Is(err, fs.ErrNotExist).
func Load(path string) (*File, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	f, err := Parse(data)
	if err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			ce.Path = path
		}
		return nil, err
	}
	f.Path = path
	return f, nil
}

func readFile(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(fh, maxFileSize+1)); err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	if buf.Len() > maxFileSize {
		return nil, fmt.Errorf("%w: %s", ErrTooLarge, path)
	}
	return buf.Bytes(), nil
}

// Parse parses the content of a configuration file: JSON when its first
// character other than white space (and a UTF-8 byte order mark) is '{',
// INI otherwise. Empty content (or only comments, or {}) is a valid file
// that sets nothing. Content with keys or sections but no key this package
// knows is an *Error wrapping ErrNoKnownKey: YAML, TOML or another
// program's file read as INI. A key set twice is an *Error, in INI as in
// JSON.
func Parse(data []byte) (*File, error) {
	var (
		r   *raw
		err error
		f   = FormatINI
	)
	if isJSON(data) {
		f = FormatJSON
		r, err = parseJSON(data)
	} else {
		r, err = parseINI(data)
	}
	if err != nil {
		return nil, err
	}
	file, err := r.decode(f)
	if err != nil {
		return nil, err
	}
	file.sum = sha256.Sum256(data)
	return file, nil
}

func isJSON(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}

// DefaultPath returns the default location of the configuration file,
// $HOME/.genesyscloudgo/config. On Windows the home directory is %HOME% if
// set, else %USERPROFILE%.
func DefaultPath() (string, error) {
	home, err := homeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".genesyscloudgo", "config"), nil
}

func homeDir() (string, error) {
	if runtime.GOOS == "windows" {
		if h := os.Getenv("HOME"); h != "" {
			return h, nil
		}
		if h := os.Getenv("USERPROFILE"); h != "" {
			return h, nil
		}
		return "", errors.New("config: neither %HOME% nor %USERPROFILE% is set")
	}
	if h := os.Getenv("HOME"); h != "" {
		return h, nil
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("config: no home directory: %w", err)
	}
	return h, nil
}

// IsNotExist reports whether err says that a configuration file is missing.
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
