package config

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// settleDelay is how long a Watcher waits after the first event of a burst
// before it reads the file, so that an editor's truncate-and-write is read
// once, whole. Events during the wait do not extend it, so a busy directory
// cannot postpone a reload.
const settleDelay = 50 * time.Millisecond

// Watcher watches a configuration file and calls its function when the
// content changes. Build one with Watch; stop it with Close.
type Watcher struct {
	path string
	fn   func(*File, error)
	fsw  *fsnotify.Watcher

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once

	// owned by the watching goroutine
	armed   string // directory being watched
	last    [sha256.Size]byte
	hasLast bool
}

// Watch watches the file at path: when it is created, written, or replaced
// by a rename (as editors that save atomically do), Watch reads and parses it
// and calls fn with the new File, or with a nil File and an error if the file
// cannot be read or parsed (fn's caller should keep its previous
// configuration then). Content equal to the last content seen, starting with
// current's (nil when the caller has none), is not reported again. A file
// that is removed or empty is not reported: the caller keeps what it has
// (an editor truncates a file before writing it).
//
// Watch watches the file's directory, so the file need not exist yet; if the
// directory does not exist either, it watches the nearest existing ancestor
// and moves down as directories are created.
//
// fn runs on the Watcher's goroutine, one call at a time. After fn receives a
// File whose general.live_reload_config is false, the Watcher stops by
// itself. fn must not call Close.
func Watch(path string, current *File, fn func(*File, error)) (*Watcher, error) {
	if fn == nil {
		return nil, errors.New("config: Watch needs a function")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config: watch %s: %w", path, err)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("config: watch %s: %w", path, err)
	}
	w := &Watcher{path: abs, fn: fn, fsw: fsw, stop: make(chan struct{}), done: make(chan struct{})}
	if current != nil {
		w.last, w.hasLast = current.sum, true
	}
	if err := w.rearm(); err != nil {
		fsw.Close()
		return nil, err
	}
	go w.run()
	return w, nil
}

// Close stops watching and waits until fn has returned for the last time. It
// is safe to call more than once and from any goroutine but fn's.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() { close(w.stop) })
	<-w.done
	return nil
}

// Done is closed when the Watcher has stopped, by Close or because the file
// turned live reloading off.
func (w *Watcher) Done() <-chan struct{} { return w.done }

// Path returns the absolute path of the watched file.
func (w *Watcher) Path() string { return w.path }

func (w *Watcher) run() {
	defer close(w.done)
	defer w.fsw.Close()

	// The file may have changed between the caller's read and the watch.
	settle := time.After(settleDelay)
	for {
		select {
		case <-w.stop:
			return
		case _, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if settle == nil {
				settle = time.After(settleDelay)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: look at the file.
				if settle == nil {
					settle = time.After(settleDelay)
				}
				continue
			}
			if w.report(nil, fmt.Errorf("config: watch %s: %w", w.path, err)) {
				return
			}
		case <-settle:
			settle = nil
			if err := w.rearm(); err != nil {
				if w.report(nil, err) {
					return
				}
			}
			if w.check() {
				return
			}
		}
	}
}

// report calls fn unless Close was called; it returns true when the Watcher
// must stop.
func (w *Watcher) report(f *File, err error) bool {
	select {
	case <-w.stop:
		return true
	default:
	}
	w.fn(f, err)
	return f != nil && !f.LiveReload()
}

// check reads the file and reports new content; it returns true when the
// Watcher must stop.
func (w *Watcher) check() bool {
	data, err := readFile(w.path)
	if err != nil {
		if IsNotExist(err) {
			return false // removed or not yet created: keep what the caller has
		}
		return w.report(nil, err)
	}
	if len(data) == 0 {
		return false // being written (truncated first), or emptied: keep what the caller has
	}
	sum := sha256.Sum256(data)
	if w.hasLast && sum == w.last {
		return false
	}
	w.last, w.hasLast = sum, true
	f, err := Parse(data)
	if err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			ce.Path = w.path
		}
		return w.report(nil, err)
	}
	f.Path = w.path
	return w.report(f, nil)
}

// rearm watches the file's directory, or its nearest existing ancestor.
func (w *Watcher) rearm() error {
	dir := filepath.Dir(w.path)
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return fmt.Errorf("config: watch %s: no existing directory above it", w.path)
		}
		dir = parent
	}
	if dir == w.armed && slices.Contains(w.fsw.WatchList(), dir) {
		return nil
	}
	if err := w.fsw.Add(dir); err != nil {
		return fmt.Errorf("config: watch %s: %w", dir, err)
	}
	if w.armed != "" && w.armed != dir {
		_ = w.fsw.Remove(w.armed) // it may be gone already
	}
	w.armed = dir
	return nil
}
