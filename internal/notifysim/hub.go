// Package notifysim is the server side of Genesys Cloud notifications, for
// the simulator and for tests: it serves the channel and subscription routes
// of /api/v2/notifications and the websocket a channel's connectUri points
// to, and publishes events to the channels subscribed to a topic.
//
//	hub := notifysim.New(notifysim.Config{})
//	defer hub.Close()
//	mux := http.NewServeMux()
//	hub.Mount(mux)               // or use hub as the http.Handler
//	...
//	hub.Publish("v2.users."+id+".presence", presence)
//
// Behaviour follows the service: channels live ChannelTTL (24 h) and are then
// closed; a channel holds at most MaxTopics (1,000) topics; a heartbeat
// ({"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}})
// goes to every socket each HeartbeatInterval (30 s); {"message":"ping"} is
// answered with a "pong" channel.metadata message; SocketClosing sends
// v2.system.socket_closing and closes the socket after ClosingGrace. Events go
// to the newest socket of a channel; a channel without a socket misses them,
// as on the service.
package notifysim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Config configures a Hub; zero values take the service's defaults.
type Config struct {
	// HeartbeatInterval is the time between heartbeats (default 30 s);
	// negative disables heartbeats.
	HeartbeatInterval time.Duration
	// ChannelTTL is how long a channel lives (default 24 h).
	ChannelTTL time.Duration
	// MaxTopics is the number of topics a channel may hold (default 1,000).
	MaxTopics int
	// MaxChannels is the number of live channels (default 20; the service
	// counts per user and application).
	MaxChannels int
	// ClosingGrace is the time between v2.system.socket_closing and the
	// socket's close (default 1 min).
	ClosingGrace time.Duration
	// Permit decides whether a topic may be subscribed; nil permits all.
	// A rejected topic is listed with state "Rejected" and the reason.
	Permit func(topic string) (ok bool, reason string)
	// ConnectBase returns the scheme and host of connectUri for a request,
	// e.g. "ws://127.0.0.1:8080"; by default it is derived from the
	// request (ws, or wss behind TLS).
	ConnectBase func(r *http.Request) string
	// Now returns the current time (default time.Now).
	Now func() time.Time
}

// Hub holds channels, their subscriptions and sockets. Its methods are safe
// for concurrent use.
type Hub struct {
	cfg Config

	mu       sync.Mutex
	channels map[string]*channel
	closed   bool
	stop     chan struct{}
	wg       sync.WaitGroup
}

type channel struct {
	id      string
	expires time.Time
	topics  []string // as subscribed, in order
	conns   []*conn  // open sockets, newest last
	timer   *time.Timer
}

// conn is a socket of a channel. It is registered before the websocket
// handshake completes, so that what is published meanwhile is queued.
type conn struct {
	send chan []byte
	done chan struct{}

	mu     sync.Mutex
	ws     *websocket.Conn // nil until the handshake completed
	closed bool
}

// attach sets the websocket; false when the conn was closed meanwhile.
func (c *conn) attach(ws *websocket.Conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.ws = ws
	return true
}

// finish marks the conn closed and returns its websocket, nil if it was
// already closed or never attached.
func (c *conn) finish() *websocket.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	close(c.done)
	return c.ws
}

func (c *conn) close(code websocket.StatusCode, reason string) {
	if ws := c.finish(); ws != nil {
		ws.Close(code, reason)
	}
}

// drop closes the socket without a close handshake, like a broken network.
func (c *conn) drop() {
	if ws := c.finish(); ws != nil {
		ws.CloseNow()
	}
}

// New returns a Hub. Close it to end its sockets and heartbeats.
func New(cfg Config) *Hub {
	if cfg.HeartbeatInterval == 0 {
		cfg.HeartbeatInterval = 30 * time.Second
	}
	if cfg.ChannelTTL <= 0 {
		cfg.ChannelTTL = 24 * time.Hour
	}
	if cfg.MaxTopics <= 0 {
		cfg.MaxTopics = 1000
	}
	if cfg.MaxChannels <= 0 {
		cfg.MaxChannels = 20
	}
	if cfg.ClosingGrace <= 0 {
		cfg.ClosingGrace = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &Hub{cfg: cfg, channels: map[string]*channel{}, stop: make(chan struct{})}
	if cfg.HeartbeatInterval > 0 {
		h.wg.Add(1)
		go h.heartbeats()
	}
	return h
}

// Mount registers the hub's routes on mux:
//
//	POST   /api/v2/notifications/channels
//	GET    /api/v2/notifications/channels
//	HEAD   /api/v2/notifications/channels/{channelId}
//	GET    /api/v2/notifications/channels/{channelId}/subscriptions
//	POST   /api/v2/notifications/channels/{channelId}/subscriptions
//	PUT    /api/v2/notifications/channels/{channelId}/subscriptions
//	DELETE /api/v2/notifications/channels/{channelId}/subscriptions
//	GET    /api/v2/notifications/availabletopics
//	GET    /channels/{channelId}   (the websocket of connectUri)
func (h *Hub) Mount(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v2/notifications/channels", h.createChannel)
	mux.HandleFunc("GET /api/v2/notifications/channels", h.listChannels)
	mux.HandleFunc("HEAD /api/v2/notifications/channels/{channelId}", h.headChannel)
	mux.HandleFunc("GET /api/v2/notifications/channels/{channelId}/subscriptions", h.subscriptions)
	mux.HandleFunc("POST /api/v2/notifications/channels/{channelId}/subscriptions", h.subscriptions)
	mux.HandleFunc("PUT /api/v2/notifications/channels/{channelId}/subscriptions", h.subscriptions)
	mux.HandleFunc("DELETE /api/v2/notifications/channels/{channelId}/subscriptions", h.subscriptions)
	mux.HandleFunc("GET /api/v2/notifications/availabletopics", h.availableTopics)
	mux.HandleFunc("GET /channels/{channelId}", h.socket)
}

// ServeHTTP serves the hub's routes (see Mount) on their own.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mux := http.NewServeMux()
	h.Mount(mux)
	mux.ServeHTTP(w, r)
}

// Publish sends an event with body (marshalled as JSON) to every channel
// subscribed to topic and returns how many sockets it was sent to.
func (h *Hub) Publish(topic string, body any) int {
	b, err := json.Marshal(body)
	if err != nil {
		b = []byte("null")
	}
	msg, _ := json.Marshal(map[string]any{
		"topicName": topic, "version": "2", "eventBody": jsontext.Value(b),
		"metadata": map[string]string{"CorrelationId": newID()},
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, ch := range h.channels {
		if !matches(ch.topics, topic) || len(ch.conns) == 0 {
			continue
		}
		if ch.conns[len(ch.conns)-1].enqueue(msg) {
			n++
		}
	}
	return n
}

// SocketClosing sends v2.system.socket_closing to the sockets of a channel
// ("" for every channel) and closes them after ClosingGrace, as the service
// does before maintenance. It returns the number of sockets told.
func (h *Hub) SocketClosing(channelID string) int {
	msg := []byte(`{"topicName":"v2.system.socket_closing","version":"2","eventBody":{"message":"Socket will close soon. Please reconnect."}}`)
	n := 0
	for _, c := range h.conns(channelID) {
		if c.enqueue(msg) {
			n++
		}
		c := c
		time.AfterFunc(h.cfg.ClosingGrace, func() { c.close(websocket.StatusGoingAway, "socket closing") })
	}
	return n
}

// Drop breaks the sockets of a channel ("" for every channel) without a
// close handshake and returns how many it broke.
func (h *Hub) Drop(channelID string) int {
	cs := h.conns(channelID)
	for _, c := range cs {
		c.drop()
	}
	return len(cs)
}

// Remove deletes a channel and closes its sockets, as when it expires.
func (h *Hub) Remove(channelID string) {
	h.mu.Lock()
	ch := h.channels[channelID]
	delete(h.channels, channelID)
	h.mu.Unlock()
	if ch == nil {
		return
	}
	ch.timer.Stop()
	for _, c := range ch.conns {
		c.close(websocket.StatusGoingAway, "channel expired")
	}
}

// Channels returns the ids of the live channels.
func (h *Hub) Channels() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var ids []string
	for id := range h.channels {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Subscriptions returns the topics of a channel, in subscription order.
func (h *Hub) Subscriptions(channelID string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ch := h.channels[channelID]; ch != nil {
		return slices.Clone(ch.topics)
	}
	return nil
}

// Connections returns the number of open sockets of a channel.
func (h *Hub) Connections(channelID string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ch := h.channels[channelID]; ch != nil {
		return len(ch.conns)
	}
	return 0
}

// Close closes every socket, forgets every channel and stops heartbeats.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	close(h.stop)
	chans := h.channels
	h.channels = map[string]*channel{}
	h.mu.Unlock()
	for _, ch := range chans {
		ch.timer.Stop()
		for _, c := range ch.conns {
			c.close(websocket.StatusGoingAway, "server closing")
		}
	}
	h.wg.Wait()
}

func (h *Hub) conns(channelID string) []*conn {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []*conn
	for id, ch := range h.channels {
		if channelID == "" || id == channelID {
			out = append(out, ch.conns...)
		}
	}
	return out
}

func (h *Hub) heartbeats() {
	defer h.wg.Done()
	t := time.NewTicker(h.cfg.HeartbeatInterval)
	defer t.Stop()
	msg := []byte(`{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}`)
	for {
		select {
		case <-h.stop:
			return
		case <-t.C:
			for _, c := range h.conns("") {
				c.enqueue(msg)
			}
		}
	}
}

// enqueue queues a message for the socket; a socket too slow to keep up is
// closed (the service drops slow consumers too).
func (c *conn) enqueue(msg []byte) bool {
	select {
	case <-c.done:
		return false
	default:
	}
	select {
	case c.send <- msg:
		return true
	default:
		go c.close(websocket.StatusPolicyViolation, "too slow")
		return false
	}
}

func newID() string {
	var b [16]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// errorBody writes a Genesys error body.
func errorBody(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]any{"message": msg, "code": code, "status": status})
	w.Write(b)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	b, _ := json.Marshal(v)
	w.Write(b)
}

func (h *Hub) channelJSON(r *http.Request, ch *channel) map[string]any {
	base := ""
	if h.cfg.ConnectBase != nil {
		base = h.cfg.ConnectBase(r)
	} else {
		scheme := "ws"
		if r.TLS != nil {
			scheme = "wss"
		}
		base = scheme + "://" + r.Host
	}
	return map[string]any{"id": ch.id, "connectUri": base + "/channels/" + ch.id,
		"expires": ch.expires.UTC().Format("2006-01-02T15:04:05.000Z")}
}

func (h *Hub) createChannel(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		errorBody(w, http.StatusServiceUnavailable, "service.unavailable", "the hub is closed")
		return
	}
	if len(h.channels) >= h.cfg.MaxChannels {
		h.mu.Unlock()
		errorBody(w, http.StatusBadRequest, "bad.request", fmt.Sprintf("the limit of %d channels is reached", h.cfg.MaxChannels))
		return
	}
	ch := &channel{id: "streaming-0-" + strings.ReplaceAll(newID(), "-", ""), expires: h.cfg.Now().Add(h.cfg.ChannelTTL)}
	h.channels[ch.id] = ch
	id := ch.id
	ch.timer = time.AfterFunc(h.cfg.ChannelTTL, func() { h.Remove(id) })
	out := h.channelJSON(r, ch)
	h.mu.Unlock()
	writeJSON(w, out)
}

func (h *Hub) listChannels(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	var list []map[string]any
	for _, id := range sortedIDs(h.channels) {
		list = append(list, h.channelJSON(r, h.channels[id]))
	}
	h.mu.Unlock()
	writeJSON(w, map[string]any{"entities": list})
}

func sortedIDs(m map[string]*channel) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

func (h *Hub) headChannel(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	_, ok := h.channels[r.PathValue("channelId")]
	h.mu.Unlock()
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// subscriptions serves GET, POST (add), PUT (replace) and DELETE (remove all).
func (h *Hub) subscriptions(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("channelId")
	var req []struct {
		ID string `json:"id"`
	}
	if r.Method == http.MethodPost || r.Method == http.MethodPut {
		if err := json.UnmarshalRead(r.Body, &req); err != nil {
			errorBody(w, http.StatusBadRequest, "bad.request", "the body must be a list of {\"id\": topic}: "+err.Error())
			return
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	ch := h.channels[id]
	if ch == nil {
		errorBody(w, http.StatusNotFound, "not.found", "channel "+id+" not found")
		return
	}
	var rejected []map[string]any
	var accepted []string
	for _, t := range req {
		if h.cfg.Permit != nil {
			if ok, reason := h.cfg.Permit(t.ID); !ok {
				rejected = append(rejected, map[string]any{"id": t.ID, "state": "Rejected", "rejectionReason": reason})
				continue
			}
		}
		if !slices.Contains(accepted, t.ID) {
			accepted = append(accepted, t.ID)
		}
	}
	next := ch.topics
	switch r.Method {
	case http.MethodPost:
		next = slices.Clone(ch.topics)
		for _, t := range accepted {
			if !slices.Contains(next, t) {
				next = append(next, t)
			}
		}
	case http.MethodPut:
		next = accepted
	case http.MethodDelete:
		next = nil
	}
	if count(next) > h.cfg.MaxTopics {
		errorBody(w, http.StatusBadRequest, "bad.request",
			fmt.Sprintf("a channel may hold at most %d topics; this request would make %d", h.cfg.MaxTopics, count(next)))
		return
	}
	ch.topics = next
	if r.Method == http.MethodDelete {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	list := make([]map[string]any, 0, len(next)+len(rejected))
	for _, t := range next {
		list = append(list, map[string]any{"id": t, "state": "Permitted"})
	}
	list = append(list, rejected...)
	writeJSON(w, map[string]any{"entities": list})
}

func (h *Hub) availableTopics(w http.ResponseWriter, r *http.Request) {
	var list []map[string]any
	for _, p := range availablePatterns() {
		list = append(list, map[string]any{"id": p})
	}
	writeJSON(w, map[string]any{"entities": list})
}

// socket upgrades a request for a channel's connectUri to a websocket.
func (h *Hub) socket(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("channelId")
	c := &conn{send: make(chan []byte, 1024), done: make(chan struct{})}
	h.mu.Lock()
	ch := h.channels[id]
	if ch == nil || h.closed {
		h.mu.Unlock()
		http.Error(w, "channel not found", http.StatusNotFound)
		return
	}
	ch.conns = append(ch.conns, c)
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		if ch := h.channels[id]; ch != nil {
			ch.conns = slices.DeleteFunc(ch.conns, func(x *conn) bool { return x == c })
		}
		h.mu.Unlock()
		c.drop()
	}()
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	if !c.attach(ws) {
		ws.CloseNow()
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() { // reader: answers pings, notices the client's close
		defer cancel()
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				return
			}
			var m struct {
				Message string `json:"message"`
			}
			if json.Unmarshal(data, &m) == nil && m.Message == "ping" {
				c.enqueue([]byte(`{"topicName":"channel.metadata","eventBody":{"message":"pong"}}`))
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.done:
			return
		case msg := <-c.send:
			if err := ws.Write(ctx, websocket.MessageText, msg); err != nil {
				return
			}
		}
	}
}
