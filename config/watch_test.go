package config

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// reloadDeadline bounds how long a test waits for a change to be reported.
// The watcher reports after settleDelay (50 ms); the margin is for a loaded
// machine and the race detector.
const reloadDeadline = 2 * time.Second

type report struct {
	f   *File
	err error
	at  time.Time
}

func startWatch(t *testing.T, path string, current *File) (*Watcher, chan report) {
	t.Helper()
	ch := make(chan report, 100)
	w, err := Watch(path, current, func(f *File, err error) { ch <- report{f, err, time.Now()} })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w, ch
}

// next waits for the next report, failing the test after reloadDeadline.
func next(t *testing.T, ch chan report, since time.Time) report {
	t.Helper()
	select {
	case r := <-ch:
		t.Logf("reported %v after the change", r.at.Sub(since).Round(time.Millisecond))
		return r
	case <-time.After(reloadDeadline):
		t.Fatalf("no report within %v", reloadDeadline)
		return report{}
	}
}

func level(t *testing.T, r report) Level {
	t.Helper()
	if r.err != nil {
		t.Fatalf("error reported: %v", r.err)
	}
	if r.f.Logging.Level == nil {
		t.Fatalf("no level in %s", r.f)
	}
	return *r.f.Logging.Level
}

func write(t *testing.T, path, content string) time.Time {
	t.Helper()
	now := time.Now()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return now
}

func TestWatchWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	write(t, path, "[logging]\nlog_level = error\n")
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	_, ch := startWatch(t, path, f)
	at := write(t, path, "[logging]\nlog_level = debug\n")
	r := next(t, ch, at)
	if got := level(t, r); got != LevelDebug {
		t.Errorf("level %s", got)
	}
	if abs, _ := filepath.Abs(path); r.f.Path != abs {
		t.Errorf("Path %q", r.f.Path)
	}
}

func TestWatchCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	_, ch := startWatch(t, path, nil)
	at := write(t, path, `{"logging": {"log_level": "trace"}}`)
	if got := level(t, next(t, ch, at)); got != LevelTrace {
		t.Errorf("level %s", got)
	}
}

func TestWatchAtomicRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config")
	write(t, path, "[logging]\nlog_level = error\n")
	f, _ := Load(path)
	_, ch := startWatch(t, path, f)
	tmp := filepath.Join(dir, ".config.tmp")
	write(t, tmp, "[logging]\nlog_level = trace\n")
	at := time.Now()
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	if got := level(t, next(t, ch, at)); got != LevelTrace {
		t.Errorf("level %s", got)
	}
}

func TestWatchDirectoryCreatedLater(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "home", ".genesyscloudgo", "config")
	_, ch := startWatch(t, path, nil)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	at := write(t, path, "[logging]\nlog_level = debug\n")
	if got := level(t, next(t, ch, at)); got != LevelDebug {
		t.Errorf("level %s", got)
	}
	// Now watching the file's own directory.
	at = write(t, path, "[logging]\nlog_level = error\n")
	if got := level(t, next(t, ch, at)); got != LevelError {
		t.Errorf("level %s", got)
	}
}

func TestWatchBrokenFileThenFixed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	write(t, path, "[logging]\nlog_level = error\n")
	f, _ := Load(path)
	_, ch := startWatch(t, path, f)
	at := write(t, path, "[logging]\nlog_level = loud\n")
	r := next(t, ch, at)
	var ce *Error
	if r.f != nil || !errors.As(r.err, &ce) || ce.Key != "log_level" || ce.Path == "" {
		t.Fatalf("got %v, %v", r.f, r.err)
	}
	at = write(t, path, "[logging]\nlog_level = debug\n")
	if got := level(t, next(t, ch, at)); got != LevelDebug {
		t.Errorf("level %s", got)
	}
}

func TestWatchSkipsUnchangedAndRemoved(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	write(t, path, "[logging]\nlog_level = error\n")
	f, _ := Load(path)
	_, ch := startWatch(t, path, f)
	// Same content, then removal: neither is reported, so the next report
	// is the new content.
	write(t, path, "[logging]\nlog_level = error\n")
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	at := write(t, path, "[logging]\nlog_level = trace\n")
	if got := level(t, next(t, ch, at)); got != LevelTrace {
		t.Errorf("level %s", got)
	}
}

func TestWatchStopsWhenLiveReloadTurnedOff(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	w, ch := startWatch(t, path, nil)
	at := write(t, path, "[general]\nlive_reload_config = false\n[logging]\nlog_level = debug\n")
	if got := level(t, next(t, ch, at)); got != LevelDebug {
		t.Errorf("level %s", got)
	}
	select {
	case <-w.Done():
	case <-time.After(reloadDeadline):
		t.Fatal("watcher still running")
	}
	if err := w.Close(); err != nil {
		t.Error(err)
	}
}

func TestWatchCloseLeavesNoGoroutine(t *testing.T) {
	defer goleak.VerifyNone(t)
	path := filepath.Join(t.TempDir(), "config")
	ch := make(chan report, 100)
	w, err := Watch(path, nil, func(f *File, err error) { ch <- report{f, err, time.Now()} })
	if err != nil {
		t.Fatal(err)
	}
	at := write(t, path, "[logging]\nlog_level = debug\n")
	next(t, ch, at)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-w.Done():
	default:
		t.Fatal("Done not closed after Close")
	}
	// Nothing is reported after Close.
	write(t, path, "[logging]\nlog_level = trace\n")
	select {
	case r := <-ch:
		t.Fatalf("reported after Close: %v %v", r.f, r.err)
	default:
	}
}

func TestWatchErrors(t *testing.T) {
	if _, err := Watch("x", nil, nil); err == nil {
		t.Error("nil function accepted")
	}
}
