package platformclient

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrClosed is the error of every call made on a Client after Close: Do and
// the generated operations, Authorize, Token, Download and ApplyConfig. A
// call in flight when Close is called is cancelled and fails with an error
// that errors.Is finds to be ErrClosed (and, with errors.As, the *APIError,
// *AuthError or *TransportError it had come to, if any).
var ErrClosed = errors.New("platformclient: client closed")

// lifetime admits the client's calls until Close, cancels those in flight
// when it closes, and runs what other parts of the client registered to be
// released (onClose).
type lifetime struct {
	ctx    context.Context // cancelled by Close; calls in flight end with it
	cancel context.CancelFunc

	mu       sync.Mutex
	closed   bool
	inflight int
	hooks    []func() error // run once by Close, in order
	drained  []func()       // run by Close and again when the last call in flight ends after it
}

func newLifetime() *lifetime {
	ctx, cancel := context.WithCancel(context.Background())
	return &lifetime{ctx: ctx, cancel: cancel}
}

// onClose registers f to be run by Close. New's parts register; nothing
// registers after New.
func (c *Client) onClose(f func() error) { c.life.hooks = append(c.life.hooks, f) }

// onDrained registers f to be run by Close once no call is in flight: for
// what a call in flight could still put back (a connection into the pool).
func (c *Client) onDrained(f func()) { c.life.drained = append(c.life.drained, f) }

// admission is one call admitted by enter.
type admission struct {
	l      *lifetime
	parent context.Context
	ctx    context.Context
	cancel context.CancelCauseFunc
	stop   func() bool
}

// enter admits a call: it returns the context the call runs with, which
// Close cancels, or ErrClosed after Close. The caller defers k.end(&err).
func (c *Client) enter(ctx context.Context) (context.Context, admission, error) {
	l := c.life
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ctx, admission{}, ErrClosed
	}
	l.inflight++
	l.mu.Unlock()
	cctx, cancel := context.WithCancelCause(ctx)
	stop := context.AfterFunc(l.ctx, func() { cancel(ErrClosed) })
	return cctx, admission{l: l, parent: ctx, ctx: cctx, cancel: cancel, stop: stop}, nil
}

// end ends a call: an error caused by Close is made to say so.
func (k admission) end(err *error) {
	if k.l == nil {
		return
	}
	k.stop()
	byClose := k.ctx.Err() != nil && k.parent.Err() == nil && errors.Is(context.Cause(k.ctx), ErrClosed)
	k.cancel(nil)
	if *err != nil && byClose && !errors.Is(*err, ErrClosed) {
		*err = fmt.Errorf("%w during the call: %w", ErrClosed, *err)
	}
	l := k.l
	l.mu.Lock()
	l.inflight--
	last := l.closed && l.inflight == 0
	l.mu.Unlock()
	if last {
		for _, f := range l.drained {
			f()
		}
	}
}

// Close releases what the client holds: it stops watching the configuration
// file (waiting until a reload in progress has finished), closes the log
// file, and closes the idle connections of the HTTP transport the client
// made itself (never those of an HTTPDoer given to WithHTTPClient, which
// stays the caller's to close). Calls in flight are cancelled; every call
// made after Close fails at once with ErrClosed, as does ApplyConfig, and
// notifications.Conn values opened through the client close themselves.
// Close does not wait for calls in flight to return. It is safe to call more
// than once and from several goroutines; later calls return nil.
func (c *Client) Close() error {
	l := c.life
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	idle := l.inflight == 0
	l.mu.Unlock()
	l.cancel()
	var errs []error
	for _, f := range l.hooks {
		if err := f(); err != nil {
			errs = append(errs, err)
		}
	}
	if idle {
		for _, f := range l.drained {
			f()
		}
	}
	return errors.Join(errs...)
}

// Done returns a channel that is closed when Close is called, for companion
// packages (such as notifications) whose resources live as long as the
// client.
func (c *Client) Done() <-chan struct{} { return c.life.ctx.Done() }
