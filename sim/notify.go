package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient/api/topics"
	"github.com/purecloudgo/platformclient/internal/notifysim"
)

// NotificationSettings tunes the simulator's notification service (see
// WithNotifications). Zero fields keep the service's values.
type NotificationSettings struct {
	// HeartbeatInterval is the time between channel.metadata heartbeats
	// (default 30 s); negative turns heartbeats off.
	HeartbeatInterval time.Duration
	// ChannelLifetime is how long a channel lives (default 24 h).
	ChannelLifetime time.Duration
	// ClosingGrace is the time between v2.system.socket_closing and the
	// socket's close (default 1 min).
	ClosingGrace time.Duration
	// MaxChannels is the number of live channels (default 20, the service's
	// limit per user and application).
	MaxChannels int
}

// WithNotifications tunes the notification service: shorter heartbeats and
// grace periods keep tests of reconnection fast.
func WithNotifications(ns NotificationSettings) Option {
	return func(c *config) error {
		if ns.ChannelLifetime < 0 || ns.ClosingGrace < 0 || ns.MaxChannels < 0 {
			return errors.New("sim: negative notification setting")
		}
		c.notify = ns
		return nil
	}
}

// hub returns the notification hub, creating it on first use (so that a
// simulator that never serves notifications runs no heartbeat goroutine);
// nil once the server is closing.
func (s *Server) hub() (*notifysim.Hub, *http.ServeMux) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, nil
	}
	if s.notifyHub == nil {
		ns := s.cfg.notify
		s.notifyHub = notifysim.New(notifysim.Config{
			HeartbeatInterval: ns.HeartbeatInterval,
			ChannelTTL:        ns.ChannelLifetime,
			ClosingGrace:      ns.ClosingGrace,
			MaxChannels:       ns.MaxChannels,
			Permit:            permitTopic,
			ConnectBase:       s.connectBase,
			// Channels expire in real time, whatever WithClock says: the
			// websocket and the client that renews the channel live in it.
		})
		s.notifyMux = http.NewServeMux()
		s.notifyHub.Mount(s.notifyMux)
	}
	return s.notifyHub, s.notifyMux
}

// liveHub returns the hub if it exists, without creating it.
func (s *Server) liveHub() *notifysim.Hub {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notifyHub
}

// closeHub closes the hub; Close calls it before waiting for the handlers,
// since open websockets keep theirs running.
func (s *Server) closeHub() {
	s.mu.Lock()
	h := s.notifyHub
	s.mu.Unlock()
	if h != nil {
		h.Close()
	}
}

// connectBase is the scheme and host of a channel's connectUri: the
// simulator's own address with ws://, or for a mounted Handler the
// request's host.
func (s *Server) connectBase(r *http.Request) string {
	if s.url != "" {
		return "ws" + strings.TrimPrefix(s.url, "http")
	}
	if r.TLS != nil {
		return "wss://" + r.Host
	}
	return "ws://" + r.Host
}

// isNotificationRoute reports whether a route is served by the hub.
func isNotificationRoute(rt *route) bool {
	return strings.HasPrefix(rt.template, "/api/v2/notifications/")
}

// isSocketPath reports whether a path is a channel's websocket (connectUri).
func isSocketPath(p string) bool {
	rest, ok := strings.CutPrefix(p, "/channels/")
	return ok && rest != "" && !strings.Contains(rest, "/")
}

// serveSocket serves the websocket of a channel's connectUri. Like the
// service's streaming endpoint it needs no token: the channel id is the
// secret. Faults on "GET /channels/{channelId}" apply.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request, corr string) {
	if done, _ := s.applyFaults(w, r, corr, routeKey(r.Method, "/channels/{}"), false); done { // faults after the work are refused here
		return
	}
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeError(w, corr, &apiError{status: http.StatusMethodNotAllowed, code: "method.not.allowed",
			message: fmt.Sprintf("HTTP %s is not supported by %s.", r.Method, r.URL.Path)})
		return
	}
	_, mux := s.hub()
	if mux == nil {
		writeError(w, corr, &apiError{status: http.StatusServiceUnavailable, code: "service.unavailable", message: "The simulator is shutting down."})
		return
	}
	id := strings.TrimPrefix(r.URL.Path, "/channels/")
	if !slices.Contains(s.notifyChannels(), id) {
		writeError(w, corr, notFound(fmt.Sprintf("The channel %s was not found.", id)))
		return
	}
	mux.ServeHTTP(w, r)
}

// serveNotifications hands a validated and authorized call of
// /api/v2/notifications/... to the hub and rewrites its errors as Genesys
// error bodies carrying the correlation id.
func (s *Server) serveNotifications(w http.ResponseWriter, r *http.Request, corr string, body []byte) {
	_, mux := s.hub()
	if mux == nil {
		writeError(w, corr, &apiError{status: http.StatusServiceUnavailable, code: "service.unavailable", message: "The simulator is shutting down."})
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	cw := &captureWriter{header: http.Header{}}
	mux.ServeHTTP(cw, r)
	status := cw.status
	if status == 0 {
		status = http.StatusOK
	}
	if status >= 400 {
		var eb struct {
			Message string `json:"message"`
			Code    string `json:"code"`
		}
		_ = json.Unmarshal(cw.buf.Bytes(), &eb)
		if eb.Code == "" {
			eb.Code = "bad.request"
			if status == http.StatusNotFound {
				eb.Code = "not.found"
			}
		}
		if eb.Message == "" {
			eb.Message = http.StatusText(status)
			if id := channelIDOf(r.URL.Path); status == http.StatusNotFound && id != "" {
				eb.Message = fmt.Sprintf("The channel %s was not found.", id)
			}
		}
		writeError(w, corr, &apiError{status: status, code: eb.Code, message: eb.Message})
		return
	}
	for k, vs := range cw.header {
		w.Header()[k] = vs
	}
	if cw.buf.Len() > 0 || status == http.StatusOK {
		w.Header().Set("Content-Length", strconv.Itoa(cw.buf.Len()))
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(cw.buf.Bytes())
	}
}

// channelIDOf returns the channel id of a /api/v2/notifications/channels/{id}... path.
func channelIDOf(p string) string {
	rest, ok := strings.CutPrefix(p, "/api/v2/notifications/channels/")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, "/")
	return id
}

// captureWriter buffers an answer of the hub.
type captureWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (c *captureWriter) Header() http.Header { return c.header }

func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}

func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.buf.Write(b)
}

// permitTopic accepts topics that match a topic pattern of the service
// (each part of a combined topic such as "v2.users.{id}?presence&routingStatus"),
// so that a misspelt topic is rejected instead of never delivering.
func permitTopic(topic string) (bool, string) {
	base, rest, combined := strings.Cut(topic, "?")
	names := []string{topic}
	if combined {
		names = names[:0]
		for _, p := range strings.Split(rest, "&") {
			if p != "" {
				names = append(names, base+"."+p)
			}
		}
	}
	if len(names) == 0 {
		return false, "The topic names no event."
	}
	for _, n := range names {
		if !knownTopic(n) {
			return false, fmt.Sprintf("The topic %s matches no topic of the notification service.", n)
		}
	}
	return true, ""
}

// topicPatterns holds the topic patterns split at dots, by segment count.
var topicPatterns = sync.OnceValue(func() map[int][][]string {
	out := map[int][][]string{}
	for p := range topics.Payloads {
		segs := strings.Split(p, ".")
		out[len(segs)] = append(out[len(segs)], segs)
	}
	return out
})

// knownTopic reports whether a topic name matches a pattern; a {id}
// placeholder matches one non-empty segment.
func knownTopic(name string) bool {
	segs := strings.Split(name, ".")
	for _, p := range topicPatterns()[len(segs)] {
		ok := true
		for i, s := range p {
			if isVar(s) {
				if segs[i] == "" {
					ok = false
					break
				}
				continue
			}
			if s != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// publish sends an event to the channels subscribed to topic. It costs
// nothing while no notification route was used.
func (s *Server) publish(topic string, body any) int {
	if h := s.liveHub(); h != nil {
		return h.Publish(topic, body)
	}
	return 0
}

// Publish sends an event with body (marshalled as JSON as the eventBody) to
// every channel subscribed to topic, as the service does for changes the
// simulator does not model, and returns the number of sockets it went to.
// The simulator publishes its own events for presence, routing status and
// queue membership changes.
func (s *Server) Publish(topic string, body any) int { return s.publish(topic, body) }

// SocketClosing sends v2.system.socket_closing to the sockets of a channel
// ("" for every channel) and closes them after the closing grace (see
// NotificationSettings), as the service does before maintenance. It returns
// the number of sockets told.
func (s *Server) SocketClosing(channelID string) int {
	if h := s.liveHub(); h != nil {
		return h.SocketClosing(channelID)
	}
	return 0
}

// DropSockets breaks the sockets of a channel ("" for every channel)
// without a close handshake, like a network failure, and returns how many
// it broke.
func (s *Server) DropSockets(channelID string) int {
	if h := s.liveHub(); h != nil {
		return h.Drop(channelID)
	}
	return 0
}

// ExpireChannel deletes a channel and closes its sockets, as when its
// lifetime ends.
func (s *Server) ExpireChannel(channelID string) {
	if h := s.liveHub(); h != nil {
		h.Remove(channelID)
	}
}

// NotificationChannels returns the ids of the live notification channels.
func (s *Server) NotificationChannels() []string { return s.notifyChannels() }

func (s *Server) notifyChannels() []string {
	if h := s.liveHub(); h != nil {
		return h.Channels()
	}
	return nil
}

// ChannelTopics returns the topics a channel is subscribed to, in
// subscription order.
func (s *Server) ChannelTopics(channelID string) []string {
	if h := s.liveHub(); h != nil {
		return h.Subscriptions(channelID)
	}
	return nil
}

// ChannelSockets returns the number of open websockets of a channel.
func (s *Server) ChannelSockets(channelID string) int {
	if h := s.liveHub(); h != nil {
		return h.Connections(channelID)
	}
	return 0
}
