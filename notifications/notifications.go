// Package notifications receives Genesys Cloud notifications: it creates a
// notification channel, keeps its subscriptions, holds the channel's
// websocket open and delivers each event decoded into the generated model
// of its topic.
//
//	n := notifications.NewClient(client)
//	conn, err := n.Connect(ctx)
//	if err != nil { ... }
//	defer conn.Close()
//	err = conn.Subscribe(ctx, notifications.Topic("v2.users.{id}.presence", userID))
//	for ev := range conn.Events() {
//		if p, ok := notifications.As[models.PresenceEventUserPresence](ev); ok { ... }
//	}
//
// A Conn reconnects by itself, and subscribes the new socket or channel to
// the same topics: when the service announces v2.system.socket_closing, when
// the socket breaks, when no heartbeat (channel.metadata, every 30 s)
// arrives within the heartbeat timeout, and shortly before the channel's
// 24-hour lifetime ends (on a new channel). A channel holds at most 1,000
// topics; Subscribe refuses more with a *TopicLimitError.
//
// The websocket is dialled with the platformclient.Client's *http.Client
// (its proxy and TLS settings), unless WithHTTPClient names another.
package notifications

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/purecloudgo/platformclient"
	notifapi "github.com/purecloudgo/platformclient/api/notifications"
	"github.com/purecloudgo/platformclient/models"
)

// MaxTopics is the number of topics a channel may hold.
const MaxTopics = 1000

// Errors a Conn reports as the reason of a reconnect (see ConnectInfo), or
// returns.
var (
	// ErrHeartbeatTimeout: no message arrived within the heartbeat timeout.
	ErrHeartbeatTimeout = errors.New("notifications: no heartbeat within the timeout")
	// ErrSocketClosing: the service announced v2.system.socket_closing.
	ErrSocketClosing = errors.New("notifications: the service is closing the socket")
	// ErrChannelExpiring: the channel's lifetime is about to end.
	ErrChannelExpiring = errors.New("notifications: the channel is about to expire")
	// ErrClosed: the Conn was closed.
	ErrClosed = errors.New("notifications: connection closed")
)

// TopicLimitError is returned when a change would put more than Limit topics
// on a channel; nothing is sent then.
type TopicLimitError struct {
	Limit     int // MaxTopics
	Requested int // topics the channel would hold
}

func (e *TopicLimitError) Error() string {
	return fmt.Sprintf("notifications: a channel holds at most %d topics; this change would make %d", e.Limit, e.Requested)
}

// SubscriptionError lists topics the service rejected, typically for missing
// permissions. The other topics of the request were subscribed.
type SubscriptionError struct {
	Rejected []models.ChannelTopic
}

func (e *SubscriptionError) Error() string {
	var parts []string
	for _, t := range e.Rejected {
		s := platformclient.Value(t.ID)
		if r := platformclient.Value(t.RejectionReason); r != "" {
			s += " (" + r + ")"
		}
		parts = append(parts, s)
	}
	return "notifications: topics rejected: " + strings.Join(parts, ", ")
}

// InvalidTopicError reports a topic name that cannot be subscribed, such as
// a pattern whose {id} was not filled in.
type InvalidTopicError struct {
	Topic string
}

func (e *InvalidTopicError) Error() string {
	return fmt.Sprintf("notifications: invalid topic %q", e.Topic)
}

// Channel is a notification channel.
type Channel struct {
	ID         string
	ConnectURI string    // the websocket URI (wss://...)
	Expires    time.Time // zero when the service did not say
}

// ConnectInfo describes a (re)connection, for WithConnectHandler.
type ConnectInfo struct {
	ChannelID  string
	Reconnect  bool  // false for the first connection
	NewChannel bool  // the channel differs from the previous one
	Reason     error // why the previous socket was left; nil the first time
}

// Option configures a Client.
type Option func(*options)

type options struct {
	httpClient       *http.Client
	handler          func(Event)
	onConnect        func(ConnectInfo)
	buffer           int
	heartbeatTimeout time.Duration
	expiryMargin     time.Duration
	handoverGrace    time.Duration
	backoffInitial   time.Duration
	backoffMax       time.Duration
	readLimit        int64
	clientDone       <-chan struct{} // closed by the platformclient.Client's Close
}

// WithHTTPClient dials websockets with h instead of the platformclient's
// HTTP client (needed when that is not an *http.Client).
func WithHTTPClient(h *http.Client) Option { return func(o *options) { o.httpClient = h } }

// WithHandler delivers events to f, called from one goroutine in arrival
// order, instead of through Events. f should return promptly: while it
// runs, no other event is read.
func WithHandler(f func(Event)) Option { return func(o *options) { o.handler = f } }

// WithConnectHandler calls f after every (re)connection.
func WithConnectHandler(f func(ConnectInfo)) Option { return func(o *options) { o.onConnect = f } }

// WithBuffer sets the capacity of the Events channel (default 256).
func WithBuffer(n int) Option { return func(o *options) { o.buffer = max(n, 0) } }

// WithHeartbeatTimeout sets how long a socket may stay silent before it is
// considered dead and replaced (default 75 s: heartbeats come every 30 s).
func WithHeartbeatTimeout(d time.Duration) Option {
	return func(o *options) { o.heartbeatTimeout = d }
}

// WithExpiryMargin sets how long before a channel expires the Conn moves to
// a new channel (default 10 min).
func WithExpiryMargin(d time.Duration) Option { return func(o *options) { o.expiryMargin = d } }

// WithHandoverGrace sets how long the old socket stays open, still
// delivering events, after a new one took over (default 5 s). Events
// published during the handover may then arrive twice (compare
// Event.CorrelationID).
func WithHandoverGrace(d time.Duration) Option { return func(o *options) { o.handoverGrace = d } }

// WithReconnectBackoff sets the wait between failed reconnection attempts:
// initial, doubling up to max (default 1 s to 60 s).
func WithReconnectBackoff(initial, max time.Duration) Option {
	return func(o *options) { o.backoffInitial, o.backoffMax = initial, max }
}

// WithReadLimit sets the largest message accepted (default: the
// platformclient.Client's MaxResponseSize, the bound of its response
// bodies). A larger message closes the socket, which is then replaced.
func WithReadLimit(n int64) Option { return func(o *options) { o.readLimit = n } }

// Client creates channels and connections. It is safe for concurrent use.
type Client struct {
	api  *notifapi.Client
	opts options
}

// NewClient returns a Client that calls the API through c.
func NewClient(c *platformclient.Client, opts ...Option) *Client {
	o := options{buffer: 256, heartbeatTimeout: 75 * time.Second, expiryMargin: 10 * time.Minute,
		handoverGrace: 5 * time.Second, backoffInitial: time.Second, backoffMax: time.Minute, readLimit: c.MaxResponseSize(), clientDone: c.Done()}
	if h, ok := c.HTTPClient().(*http.Client); ok {
		o.httpClient = h
	}
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	return &Client{api: notifapi.NewClient(c), opts: o}
}

// CreateChannel creates a notification channel
// (POST /api/v2/notifications/channels).
func (c *Client) CreateChannel(ctx context.Context) (*Channel, error) {
	ch, err := c.api.PostNotificationsChannels(ctx, nil)
	if err != nil {
		return nil, err
	}
	out := &Channel{ID: platformclient.Value(ch.ID), ConnectURI: platformclient.Value(ch.ConnectURI)}
	if ch.Expires != nil {
		out.Expires = ch.Expires.Time
	}
	if out.ID == "" || out.ConnectURI == "" {
		return nil, errors.New("notifications: the service returned a channel without id or connectUri")
	}
	return out, nil
}

// AvailableTopics lists the topics the caller may subscribe to
// (GET /api/v2/notifications/availabletopics); expand names optional
// details, e.g. "requiresPermissions".
func (c *Client) AvailableTopics(ctx context.Context, expand ...string) ([]models.AvailableTopic, error) {
	l, err := c.api.GetNotificationsAvailabletopics(ctx, &notifapi.GetNotificationsAvailabletopicsOptions{Expand: expand})
	if err != nil {
		return nil, err
	}
	return l.Entities, nil
}

// Subscriptions returns the topics of a channel.
func (c *Client) Subscriptions(ctx context.Context, channelID string) ([]string, error) {
	l, err := c.api.GetNotificationsChannelSubscriptions(ctx, channelID, nil)
	if err != nil {
		return nil, err
	}
	return topicIDs(l.Entities), nil
}

// AddSubscriptions adds topics to a channel (POST …/subscriptions) and
// returns its topics. Rejected topics make a *SubscriptionError.
func (c *Client) AddSubscriptions(ctx context.Context, channelID string, topics ...string) ([]string, error) {
	l, err := c.api.PostNotificationsChannelSubscriptions(ctx, channelID, channelTopics(topics), nil)
	return checkListing(l, err)
}

// ReplaceSubscriptions makes topics the channel's whole set (PUT
// …/subscriptions; an empty set DELETEs them all) and returns its topics.
func (c *Client) ReplaceSubscriptions(ctx context.Context, channelID string, topics ...string) ([]string, error) {
	if len(topics) == 0 {
		return nil, c.api.DeleteNotificationsChannelSubscriptions(ctx, channelID, nil)
	}
	l, err := c.api.PutNotificationsChannelSubscriptions(ctx, channelID, channelTopics(topics), nil)
	return checkListing(l, err)
}

func channelTopics(topics []string) []models.ChannelTopic {
	out := make([]models.ChannelTopic, len(topics))
	for i, t := range topics {
		out[i] = models.ChannelTopic{ID: platformclient.Ptr(t)}
	}
	return out
}

func topicIDs(ts []models.ChannelTopic) []string {
	var out []string
	for _, t := range ts {
		if t.State != nil && *t.State == models.ChannelTopicStateRejected {
			continue
		}
		if id := platformclient.Value(t.ID); id != "" {
			out = append(out, id)
		}
	}
	return out
}

func checkListing(l *models.ChannelTopicEntityListing, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	var rejected []models.ChannelTopic
	for _, t := range l.Entities {
		if t.State != nil && *t.State == models.ChannelTopicStateRejected {
			rejected = append(rejected, t)
		}
	}
	ids := topicIDs(l.Entities)
	if len(rejected) > 0 {
		return ids, &SubscriptionError{Rejected: rejected}
	}
	return ids, nil
}

// countTopics counts the topics a set of subscriptions stands for: a
// combined topic "v2.users.{id}?presence&routingStatus" counts as two.
func countTopics(subs []string) int {
	n := 0
	for _, s := range subs {
		if _, rest, ok := strings.Cut(s, "?"); ok {
			n += max(1, strings.Count(rest, "&")+1)
			continue
		}
		n++
	}
	return n
}

// validTopic reports whether a topic name can be subscribed.
func validTopic(t string) bool {
	return t != "" && !strings.ContainsAny(t, "{} \t\r\n") && !strings.HasPrefix(t, ".") && !strings.HasSuffix(t, ".")
}
