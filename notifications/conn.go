package notifications

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/purecloudgo/platformclient"
)

// Conn is a notification channel with its websocket, kept open and
// subscribed until Close. Its methods are safe for concurrent use.
type Conn struct {
	c      *Client
	o      options
	ctx    context.Context // ends with Close
	cancel context.CancelFunc
	events chan Event
	in     chan inbound
	done   chan struct{} // closed when run returns
	wg     sync.WaitGroup

	// subMu serialises subscription changes and reconnections, so that a
	// new channel always gets the latest topic set.
	subMu sync.Mutex

	mu       sync.Mutex // guards the fields below
	ch       Channel
	sock     *socket
	gen      int
	topics   []string // the subscriptions, in order
	pongs    []chan struct{}
	retiring []*retiree
	closed   bool

	expiry *time.Timer // owned by the run goroutine (and Connect before it)
}

type socket struct {
	ws     *websocket.Conn
	gen    int
	cancel context.CancelFunc // stops the reader
}

type retiree struct {
	sock  *socket
	timer *time.Timer
}

// inbound is a message or the final error of a socket's reader.
type inbound struct {
	gen  int
	data []byte
	err  error
}

// envelope is a message of the notification websocket.
type envelope struct {
	TopicName string         `json:"topicName"`
	EventBody jsontext.Value `json:"eventBody"`
	Metadata  struct {
		CorrelationID string `json:"CorrelationId"`
	} `json:"metadata"`
}

// Connect creates a channel and opens its websocket. The Conn delivers
// events until Close; subscribe with Subscribe or SetTopics.
func (c *Client) Connect(ctx context.Context) (*Conn, error) {
	ch, err := c.CreateChannel(ctx)
	if err != nil {
		return nil, err
	}
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	cn := &Conn{c: c, o: c.opts, ctx: cctx, cancel: cancel, in: make(chan inbound), done: make(chan struct{})}
	if cn.o.handler == nil {
		cn.events = make(chan Event, cn.o.buffer)
	}
	sock, err := cn.dial(ctx, ch, 1)
	if err != nil {
		cancel()
		return nil, err
	}
	cn.install(*ch, sock)
	go cn.run()
	if cn.o.onConnect != nil {
		cn.o.onConnect(ConnectInfo{ChannelID: ch.ID})
	}
	return cn, nil
}

// Events returns the channel events are delivered on; it is closed by
// Close. It is nil when the Client was made WithHandler.
func (cn *Conn) Events() <-chan Event { return cn.events }

// Channel returns the channel in use now.
func (cn *Conn) Channel() Channel {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return cn.ch
}

// Topics returns the subscribed topics, in subscription order.
func (cn *Conn) Topics() []string {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return slices.Clone(cn.topics)
}

// Subscribe adds topics to the channel. Topics already subscribed are
// skipped. A change that would exceed MaxTopics returns a *TopicLimitError
// and sends nothing; topics the service rejects are returned in a
// *SubscriptionError (the others are subscribed).
func (cn *Conn) Subscribe(ctx context.Context, topics ...string) error {
	for _, t := range topics {
		if !validTopic(t) {
			return &InvalidTopicError{Topic: t}
		}
	}
	cn.subMu.Lock()
	defer cn.subMu.Unlock()
	cur, ch, err := cn.state()
	if err != nil {
		return err
	}
	var add []string
	for _, t := range topics {
		if !slices.Contains(cur, t) && !slices.Contains(add, t) {
			add = append(add, t)
		}
	}
	if len(add) == 0 {
		return nil
	}
	if n := countTopics(cur) + countTopics(add); n > MaxTopics {
		return &TopicLimitError{Limit: MaxTopics, Requested: n}
	}
	ids, err := cn.c.AddSubscriptions(ctx, ch, add...)
	var se *SubscriptionError
	if err != nil && !errors.As(err, &se) {
		return err
	}
	next := slices.Clone(cur)
	for _, t := range add {
		if slices.Contains(ids, t) {
			next = append(next, t)
		}
	}
	cn.setTopics(next)
	return err
}

// Unsubscribe removes topics from the channel.
func (cn *Conn) Unsubscribe(ctx context.Context, topics ...string) error {
	cn.subMu.Lock()
	defer cn.subMu.Unlock()
	cur, ch, err := cn.state()
	if err != nil {
		return err
	}
	next := slices.DeleteFunc(slices.Clone(cur), func(t string) bool { return slices.Contains(topics, t) })
	if len(next) == len(cur) {
		return nil
	}
	if _, err := cn.c.ReplaceSubscriptions(ctx, ch, next...); err != nil {
		return err
	}
	cn.setTopics(next)
	return nil
}

// SetTopics makes topics the channel's whole subscription set, replacing
// the previous one; no topics unsubscribes all.
func (cn *Conn) SetTopics(ctx context.Context, topics ...string) error {
	var next []string
	for _, t := range topics {
		if !validTopic(t) {
			return &InvalidTopicError{Topic: t}
		}
		if !slices.Contains(next, t) {
			next = append(next, t)
		}
	}
	if n := countTopics(next); n > MaxTopics {
		return &TopicLimitError{Limit: MaxTopics, Requested: n}
	}
	cn.subMu.Lock()
	defer cn.subMu.Unlock()
	_, ch, err := cn.state()
	if err != nil {
		return err
	}
	ids, err := cn.c.ReplaceSubscriptions(ctx, ch, next...)
	var se *SubscriptionError
	if err != nil && !errors.As(err, &se) {
		return err
	}
	if len(next) > 0 {
		next = slices.DeleteFunc(next, func(t string) bool { return !slices.Contains(ids, t) })
	}
	cn.setTopics(next)
	return err
}

// Ping sends {"message":"ping"} and waits for the service's pong.
func (cn *Conn) Ping(ctx context.Context) error {
	wait := make(chan struct{})
	cn.mu.Lock()
	if cn.closed {
		cn.mu.Unlock()
		return ErrClosed
	}
	cn.pongs = append(cn.pongs, wait)
	sock := cn.sock
	cn.mu.Unlock()
	if err := sock.ws.Write(ctx, websocket.MessageText, []byte(`{"message":"ping"}`)); err != nil {
		return err
	}
	select {
	case <-wait:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-cn.done:
		return ErrClosed
	}
}

// Close closes the websocket and stops delivering events; Events is closed.
// The channel itself expires on the service.
func (cn *Conn) Close() error {
	cn.mu.Lock()
	if cn.closed {
		cn.mu.Unlock()
		return nil
	}
	cn.closed = true
	socks := []*socket{cn.sock}
	for _, r := range cn.retiring {
		r.timer.Stop()
		socks = append(socks, r.sock)
	}
	cn.retiring = nil
	cn.mu.Unlock()
	for _, s := range socks {
		s.ws.Close(websocket.StatusNormalClosure, "")
	}
	cn.cancel()
	<-cn.done
	cn.wg.Wait()
	return nil
}

func (cn *Conn) state() ([]string, string, error) {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	if cn.closed {
		return nil, "", ErrClosed
	}
	return cn.topics, cn.ch.ID, nil
}

func (cn *Conn) setTopics(t []string) {
	cn.mu.Lock()
	cn.topics = t
	cn.mu.Unlock()
}

func (cn *Conn) isClosed() bool {
	cn.mu.Lock()
	defer cn.mu.Unlock()
	return cn.closed
}

// dial opens a channel's websocket and starts its reader.
func (cn *Conn) dial(ctx context.Context, ch *Channel, gen int) (*socket, error) {
	ws, _, err := websocket.Dial(ctx, ch.ConnectURI, &websocket.DialOptions{
		HTTPClient: cn.o.httpClient,
		HTTPHeader: http.Header{"User-Agent": {"platformclient-go/" + platformclient.Version}},
	})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(cn.o.readLimit)
	rctx, cancel := context.WithCancel(cn.ctx)
	s := &socket{ws: ws, gen: gen, cancel: cancel}
	cn.wg.Add(1)
	go cn.read(rctx, s)
	return s, nil
}

// read forwards a socket's messages to run; a socket silent for longer than
// the heartbeat timeout is given up (coder/websocket closes a connection
// whose read context ends).
func (cn *Conn) read(ctx context.Context, s *socket) {
	defer cn.wg.Done()
	defer s.cancel()
	for {
		rctx, cancel := ctx, context.CancelFunc(func() {})
		if cn.o.heartbeatTimeout > 0 {
			rctx, cancel = context.WithTimeout(ctx, cn.o.heartbeatTimeout)
		}
		_, data, err := s.ws.Read(rctx)
		timedOut := ctx.Err() == nil && errors.Is(rctx.Err(), context.DeadlineExceeded)
		cancel()
		m := inbound{gen: s.gen, data: data, err: err}
		if err != nil && timedOut {
			m.err = ErrHeartbeatTimeout
		}
		select {
		case cn.in <- m:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}

// install makes ch and sock current and returns the previous socket.
func (cn *Conn) install(ch Channel, sock *socket) *socket {
	cn.mu.Lock()
	old := cn.sock
	cn.ch, cn.sock, cn.gen = ch, sock, sock.gen
	cn.mu.Unlock()
	if cn.expiry != nil {
		cn.expiry.Stop()
		cn.expiry = nil
	}
	if !ch.Expires.IsZero() {
		left := time.Until(ch.Expires)
		d := left - cn.o.expiryMargin
		if d <= 0 { // a margin longer than the lifetime: rotate halfway
			d = max(left/2, 0)
		}
		cn.expiry = time.NewTimer(d)
	}
	return old
}

// run handles the messages of every socket and reconnects.
func (cn *Conn) run() {
	defer func() {
		if cn.expiry != nil {
			cn.expiry.Stop()
		}
		if cn.events != nil {
			close(cn.events)
		}
		close(cn.done)
	}()
	clientDone := cn.o.clientDone
	for {
		var expired <-chan time.Time
		if cn.expiry != nil {
			expired = cn.expiry.C
		}
		select {
		case <-cn.ctx.Done():
			return
		case <-clientDone:
			// The platformclient.Client was closed: so is the Conn (Close
			// waits for run, hence its own goroutine).
			clientDone = nil
			go cn.Close()
		case <-expired:
			cn.expiry = nil
			cn.reconnected(cn.reconnect(ErrChannelExpiring, true))
		case m := <-cn.in:
			cn.mu.Lock()
			current := m.gen == cn.gen
			cn.mu.Unlock()
			if m.err != nil {
				if current && !cn.isClosed() {
					cn.reconnected(cn.reconnect(m.err, false))
				}
				continue
			}
			cn.handle(m.data, current)
		}
	}
}

func (cn *Conn) handle(data []byte, current bool) {
	var env envelope
	if err := json.Unmarshal(data, &env, lenient); err != nil {
		cn.deliver(Event{Body: data, Err: err})
		return
	}
	switch env.TopicName {
	case "channel.metadata":
		var body struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(env.EventBody, &body, lenient) == nil && body.Message == "pong" {
			cn.mu.Lock()
			for _, w := range cn.pongs {
				close(w)
			}
			cn.pongs = nil
			cn.mu.Unlock()
		}
		// Heartbeats only keep the read deadline from expiring.
	case "v2.system.socket_closing":
		if current {
			cn.reconnected(cn.reconnect(ErrSocketClosing, false))
		}
	default:
		cn.deliver(decodeEvent(env.TopicName, []byte(env.EventBody), env.Metadata.CorrelationID))
	}
}

func (cn *Conn) deliver(e Event) {
	if cn.o.handler != nil {
		cn.o.handler(e)
		return
	}
	select {
	case cn.events <- e:
	case <-cn.ctx.Done():
	}
}

// reconnect opens a new socket, on the same channel unless newChannel is
// set or the channel is gone, subscribes it to the topic set and retires the
// old socket. It retries with backoff until it succeeds or the Conn closes.
func (cn *Conn) reconnect(reason error, newChannel bool) *ConnectInfo {
	cn.subMu.Lock()
	defer cn.subMu.Unlock()
	wait := cn.o.backoffInitial
	for attempt := 0; ; attempt++ {
		if cn.ctx.Err() != nil || cn.isClosed() {
			return nil
		}
		cn.mu.Lock()
		prev, gen, topics := cn.ch, cn.gen, slices.Clone(cn.topics)
		cn.mu.Unlock()
		fresh := newChannel || attempt > 0
		ch := &prev
		err := func() error {
			if fresh {
				var err error
				if ch, err = cn.c.CreateChannel(cn.ctx); err != nil {
					return err
				}
			}
			sock, err := cn.dial(cn.ctx, ch, gen+1)
			if err != nil {
				return err
			}
			if len(topics) > 0 {
				ids, err := cn.c.ReplaceSubscriptions(cn.ctx, ch.ID, topics...)
				var se *SubscriptionError
				if err != nil && !errors.As(err, &se) {
					sock.ws.CloseNow()
					return err
				}
				topics = slices.DeleteFunc(topics, func(t string) bool { return !slices.Contains(ids, t) })
				cn.setTopics(topics)
			}
			old := cn.install(*ch, sock)
			cn.retire(old)
			return nil
		}()
		if err == nil {
			return &ConnectInfo{ChannelID: ch.ID, Reconnect: true, NewChannel: ch.ID != prev.ID, Reason: reason}
		}
		if attempt == 0 && !fresh {
			continue // the channel may be gone: try a new one at once
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-cn.ctx.Done():
			t.Stop()
			return nil
		}
		wait = min(2*wait, cn.o.backoffMax)
	}
}

// reconnected tells the connect handler about a reconnection, outside the
// subscription lock so that the handler may change subscriptions.
func (cn *Conn) reconnected(info *ConnectInfo) {
	if info != nil && cn.o.onConnect != nil {
		cn.o.onConnect(*info)
	}
}

// retire closes a replaced socket after the handover grace; until then it
// still delivers what the service sent it.
func (cn *Conn) retire(s *socket) {
	if s == nil {
		return
	}
	r := &retiree{sock: s}
	cn.mu.Lock()
	defer cn.mu.Unlock()
	r.timer = time.AfterFunc(cn.o.handoverGrace, func() {
		cn.mu.Lock()
		cn.retiring = slices.DeleteFunc(cn.retiring, func(x *retiree) bool { return x == r })
		cn.mu.Unlock()
		s.ws.Close(websocket.StatusNormalClosure, "replaced")
		s.cancel()
	})
	cn.retiring = append(cn.retiring, r)
}
