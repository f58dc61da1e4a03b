// Package sim is a local Genesys Cloud Platform API simulator: an HTTP
// server that speaks the login service's OAuth grants and answers every
// operation of the API definition the SDK was generated from.
//
// A test starts one in-process, points a client at it and closes it at the
// end:
//
//	s, err := sim.Start()
//	if err != nil { ... }
//	defer s.Close()
//	c, err := s.NewClient() // or platformclient.New(platformclient.WithBaseURL(s.URL()), ...)
//
// What it does:
//
//   - OAuth at /oauth/token (client credentials, authorization code with or
//     without PKCE, refresh tokens that rotate, SAML2 bearer) and
//     /oauth/authorize (approves at once and redirects with a code). Tokens
//     expire after a configurable lifetime; an unknown or expired token
//     gets 401 with a Genesys error body. Login and API share one base URL.
//   - Every operation answers. Path, query and body are validated against
//     the operation's parameters and models (a 400 names the bad field),
//     accepting what the public SDKs send (comma-joined arrays, 0 for unset
//     integers, booleans in any case; see validateParams); unknown paths get
//     404. Answers of operations without state are deterministic values of
//     the response model.
//   - Users, groups (and members), routing queues (and members), skills,
//     languages, wrap-up codes, divisions, presence definitions and external
//     contacts keep real state: create, read, update, delete, paged listings
//     and 409 on a stale version.
//   - Each user's presence, routing status, routing skills and languages
//     and profile skills are kept too, and expand on users reads them.
//     User tokens belong to a simulated user (/users/me; see UserToken);
//     client-credentials tokens to none.
//   - The organization is generated (WithSeedUsers) or read from a JSON
//     fixture (WithFixture, WithFixtureFile).
//   - The requests received are recorded, secrets redacted (Requests,
//     RequestsTo, ResetRequests).
//   - Conversations (calls, callbacks, emails, messages, chats) keep state:
//     created through the API or by Inbound, InboundCall and the like,
//     routed to a joined, idle member of the queue who has the skills
//     asked for, answered, held, transferred, disconnected and wrapped up
//     through the participant routes; SeedEndedConversations adds history.
//   - Analytics from that state: the conversation details query and jobs
//     (submit, poll: QUEUED, then FULFILLED; see WithAnalyticsJobPolls and
//     FailNextAnalyticsJob; cursor-paged results, delete), user details
//     jobs, and queue observations.
//   - Notifications: channels, subscriptions and the channel websocket
//     (connectUri points at the simulator), with events for changes of
//     user presence, routing status, queue membership and conversations
//     (and their detail events); SocketClosing,
//     DropSockets and ExpireChannel act as the service does.
//   - Faults per route or for every request (InjectFault, WithFault,
//     WithFaultProfile), and the service's limits: a rate limit per token
//     (WithRateLimit, or counted only: WithRateAllowance), the token
//     endpoint's limit (WithTokenRateLimit), added latency (WithLatency)
//     and counts (Stats); the definition at /api/v2/docs/swagger
//     (WithDefinitionFile).
//
// The simulator needs no definition file: it is driven by the tables the
// generator emits in package operations.
//
// Where things are: sim.go (server, request flow), router.go, validate.go
// (parameters and wire tolerance), validate_body.go, errors.go, store.go
// (collections), paging.go, resource.go (the CRUD machinery of stateful
// resources), seed.go and fixture.go (the organization), and one file per
// domain: users.go, userexpand.go, userassignments.go and userstate.go (users,
// expand, routing skills and languages, profile skills),
// agents.go (presence, routing status), groups.go, queues.go,
// routingcatalog.go (skills, languages, wrap-up codes), divisions.go,
// presencedefs.go, contacts.go, conversations.go (conversation state;
// conversations_api.go its routes, conversations_render.go its JSON and
// events, conversations_events.go detail events, conversations_messaging.go
// open messaging), routing_engine.go (offering conversations to agents),
// conversations_analytics.go (details query), observations.go (queue
// observations), analytics.go (details jobs), notify.go (notifications),
// oauth.go and tokenusers.go (login service, token owners), requestlog.go
// (the request record), faults.go, ratelimit.go and limits.go (the
// service's limits), definition.go (the definition served), generic.go and fill.go
// (answers of operations without state).
package sim

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient/internal/notifysim"
)

// Default credentials of the simulator's OAuth client. They guard nothing:
// the simulator only listens on loopback unless told otherwise.
const (
	DefaultClientID     = "sim-client-id"
	DefaultClientSecret = "sim-client-secret"
	DefaultOrgName      = "sim-org"
	DefaultSeedUsers    = 1000
)

// config is what the options set.
type config struct {
	addr          string
	clientID      string
	clientSecret  string
	orgName       string
	tokenLifetime time.Duration
	seedUsers     int
	seed          uint64
	clock         func() time.Time
	logger        *slog.Logger
	faults        []routeFault
	profile       string
	rateAllowed   int
	rateWindow    time.Duration
	maxBody       int64
	redirectURIs  []string // accepted by /oauth/authorize; none: loopback only (redirect_uris.go)
	notify        NotificationSettings
	jobPolls      int          // status polls of an analytics job that report QUEUED
	loginUser     string       // id or email of the user the user grants log in (tokenusers.go)
	recordSize    int          // requests kept for Requests (requestlog.go)
	fixture       *Fixture     // the organization to start with (fixture.go)
	seedUsersSet  bool         // WithSeedUsers was given
	limits        limitsConfig // token endpoint limit, latency, rate-limit headers (limits.go)
	definition    []byte       // served at /api/v2/docs/swagger (definition.go)
}

type routeFault struct {
	route string
	f     Fault
}

// Option configures a Server.
type Option func(*config) error

// WithAddr sets the address Start listens on (default "127.0.0.1:0": a free
// loopback port).
func WithAddr(addr string) Option {
	return func(c *config) error { c.addr = addr; return nil }
}

// WithClientCredentials sets the OAuth client id and secret the simulator
// accepts (default DefaultClientID and DefaultClientSecret).
func WithClientCredentials(id, secret string) Option {
	return func(c *config) error {
		if id == "" || secret == "" {
			return errors.New("sim: empty client id or secret")
		}
		c.clientID, c.clientSecret = id, secret
		return nil
	}
}

// WithOrgName sets the organization name the SAML2 bearer grant expects in
// orgName (default DefaultOrgName).
func WithOrgName(name string) Option {
	return func(c *config) error { c.orgName = name; return nil }
}

// WithTokenLifetime sets how long access tokens live (default 24 hours, as
// Genesys Cloud's client-credentials tokens; at least one second).
func WithTokenLifetime(d time.Duration) Option {
	return func(c *config) error {
		if d < time.Second {
			return fmt.Errorf("sim: token lifetime %s is under one second", d)
		}
		c.tokenLifetime = d
		return nil
	}
}

// WithSeedUsers sets how many users the simulator starts with (default
// DefaultSeedUsers). The other resources scale with it: one external
// contact per user, a group and a queue per 50 users.
func WithSeedUsers(n int) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("sim: negative seed size %d", n)
		}
		c.seedUsers, c.seedUsersSet = n, true
		return nil
	}
}

// WithSeed changes the seed of the generated data and ids (default 1).
func WithSeed(seed uint64) Option {
	return func(c *config) error { c.seed = seed; return nil }
}

// WithClock sets the clock that token expiry, authorization codes and rate
// limits use, so tests can move time without sleeping.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("sim: nil clock")
		}
		c.clock = now
		return nil
	}
}

// WithLogger logs one line per request (method, path, status, duration,
// correlation id; never headers, query strings or bodies).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error { c.logger = l; return nil }
}

// WithFault injects a fault from the start; see Server.InjectFault.
func WithFault(route string, f Fault) Option {
	return func(c *config) error {
		if _, err := checkFault(route, f); err != nil {
			return err
		}
		c.faults = append(c.faults, routeFault{route: route, f: f})
		return nil
	}
}

// WithFaultProfile injects the global faults of a named profile (see
// FaultProfiles and ProfileDescription).
func WithFaultProfile(name string) Option {
	return func(c *config) error {
		if _, ok := profiles[name]; !ok {
			return fmt.Errorf("sim: unknown fault profile %q (known: %s)", name, strings.Join(FaultProfiles(), ", "))
		}
		c.profile = name
		return nil
	}
}

// WithRateLimit limits each access token to allowed API requests per window,
// sending the inin-ratelimit-* headers on every answer and answering 429
// with Retry-After beyond it (Genesys Cloud allows 300 a minute). Zero turns
// enforcing off (default); WithRateAllowance counts without enforcing.
func WithRateLimit(allowed int, window time.Duration) Option {
	return func(c *config) error {
		if allowed < 0 || (allowed > 0 && window < time.Second) {
			return fmt.Errorf("sim: invalid rate limit %d per %s", allowed, window)
		}
		if allowed == 0 {
			c.rateAllowed, c.rateWindow, c.limits.enforce = 0, 0, false
			return nil
		}
		c.rateAllowed, c.rateWindow, c.limits.enforce = allowed, window, true
		return nil
	}
}

// Server is a running (or, from New, mountable) simulator. Its methods are
// safe for concurrent use.
type Server struct {
	cfg     config
	router  *router
	auth    *authStore
	store   *store
	faults  *faultSet
	limiter *rateLimiter
	lim     limitState // token endpoint limit and counts (limits.go)
	corr    atomic.Uint64
	jobs    analyticsJobs  // analytics details jobs (analytics.go)
	convs   convEngine     // conversations with state (conversations.go)
	records *requestRecord // the latest requests (requestlog.go); nil when off

	answers     sync.Map // generated answers by operation and path ([]byte)
	answerCount atomic.Int64

	// notifications, made on first use (see hub)
	notifyHub *notifysim.Hub
	notifyMux *http.ServeMux

	// lifecycle
	mu      sync.Mutex
	closed  bool
	done    chan struct{}
	active  sync.WaitGroup
	ln      net.Listener
	srv     *http.Server
	serving sync.WaitGroup
	url     string
}

// New builds a simulator without listening: serve it through Handler (for
// example with httptest.NewServer) or call Start instead.
// Close it when done if it served notifications: their websockets and
// heartbeats run until then.
func New(opts ...Option) (*Server, error) {
	cfg := config{
		addr:          "127.0.0.1:0",
		clientID:      DefaultClientID,
		clientSecret:  DefaultClientSecret,
		orgName:       DefaultOrgName,
		tokenLifetime: 24 * time.Hour,
		seedUsers:     DefaultSeedUsers,
		seed:          1,
		clock:         time.Now,
		maxBody:       defaultMaxBody,
		jobPolls:      DefaultAnalyticsJobPolls,
		recordSize:    DefaultRequestRecord,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	s := &Server{
		cfg:    cfg,
		router: sharedRouter(),
		auth:   newAuthStore(),
		faults: &faultSet{byRoute: map[string][]*activeFault{}},
		done:   make(chan struct{}),
	}
	if cfg.recordSize > 0 {
		s.records = &requestRecord{size: cfg.recordSize}
	}
	s.limiter = newLimiter(cfg)
	for _, f := range profiles[cfg.profile] {
		if err := s.InjectFault(AllRoutes, f); err != nil {
			return nil, err
		}
	}
	for _, rf := range cfg.faults {
		if err := s.InjectFault(rf.route, rf.f); err != nil {
			return nil, err
		}
	}
	s.store = newStore(cfg.seed, s.now)
	if err := s.store.populate(cfg); err != nil {
		return nil, err
	}
	s.store.publish = s.publish
	return s, nil
}

// Start builds a simulator and serves it on the WithAddr address (a free
// loopback port by default). Close it when done.
func Start(opts ...Option) (*Server, error) {
	s, err := New(opts...)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", s.cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("sim: listen: %w", err)
	}
	s.ln = ln
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ErrorLog: discardLog}
	s.serving.Add(1)
	go func() {
		defer s.serving.Done()
		_ = s.srv.Serve(ln) // returns http.ErrServerClosed on Close
	}()
	return s, nil
}

// TB is the part of testing.TB that StartTest uses.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// StartTest starts a simulator for a test and closes it when the test ends;
// it fails the test if the simulator cannot start.
func StartTest(t TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatalf("start simulator: %v", err)
		return nil
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// URL is the base URL of the API and the login service, e.g.
// "http://127.0.0.1:41234"; "" for a server from New.
func (s *Server) URL() string { return s.url }

// ClientID is the OAuth client id the simulator accepts.
func (s *Server) ClientID() string { return s.cfg.clientID }

// ClientSecret is the OAuth client secret the simulator accepts.
func (s *Server) ClientSecret() string { return s.cfg.clientSecret }

// OrgName is the organization name the SAML2 bearer grant expects.
func (s *Server) OrgName() string { return s.cfg.orgName }

// Handler returns the simulator as an http.Handler.
func (s *Server) Handler() http.Handler { return s }

// Close stops the server: it stops accepting connections, closes open ones,
// wakes requests waiting on latency faults, and returns once every request
// handler and the serving goroutine have finished. It is safe to call more
// than once.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()
	s.closeHub() // open websockets keep their handlers running
	var err error
	if s.srv != nil {
		err = s.srv.Close()
	}
	s.active.Wait()
	s.serving.Wait()
	return err
}

func (s *Server) now() time.Time { return s.cfg.clock() }

// sleep waits d, or until the request is cancelled or the server closes;
// it reports whether the full time passed.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.done:
		return false
	}
}

// enter registers a request; false once the server is closing.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.active.Add(1)
	return true
}

// nextCorrelation returns a fresh correlation id.
func (s *Server) nextCorrelation() string {
	return uuidFrom(hashString(s.cfg.seed, "corr/"+strconv.FormatUint(s.corr.Add(1), 10)))
}

// recorder remembers the status for the request log.
type recorder struct {
	http.ResponseWriter
	status int
	route  *route // the operation matched, nil for login, sockets and unknown paths
	fault  FaultKind
	// opStatus is the operation's own status when a fault acting after the
	// work spoiled its answer.
	opStatus int
	// recordOnce adds the request to the record (nil when the server keeps
	// none); it runs at most once, before a reset reaches the client.
	recordOnce func()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Hijack lets connection-reset faults take over the connection; the
// request log shows status -1 for them.
func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("sim: connection cannot be hijacked")
	}
	if r.status == 0 { // a websocket upgrade has written 101 already
		r.status = -1
		if r.recordOnce != nil {
			// Recorded before the reset: a client that sees its connection
			// drop finds the request in the record.
			r.recordOnce()
		}
	}
	return hj.Hijack()
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !s.enter() {
		w.Header().Set("Connection", "close")
		writeError(w, "", &apiError{status: http.StatusServiceUnavailable, code: "service.unavailable", message: "The simulator is shutting down."})
		return
	}
	defer s.active.Done()
	s.lim.requests.Add(1)
	start := time.Now()
	corr := s.nextCorrelation()
	w.Header().Set("ININ-Correlation-Id", corr)
	rec := &recorder{ResponseWriter: w}
	if l := s.cfg.logger; l != nil {
		defer func() {
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			l.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.Int("status", status),
				slog.Duration("duration", time.Since(start)), slog.String("correlationId", corr))
		}()
	}
	var body *bodyCapture
	if s.records != nil {
		body = captureBody(r)
		at := s.now()
		rec.recordOnce = sync.OnceFunc(func() { s.record(r, rec, corr, body, at) })
		defer rec.recordOnce()
	}
	if !s.delay(r) {
		return
	}
	s.serve(rec, r, corr)
	if rec.status == http.StatusTooManyRequests {
		s.lim.limited.Add(1)
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, corr string) {
	switch r.URL.Path {
	case "/oauth/token", "/oauth/authorize":
		done, after := s.applyFaults(w, r, corr, routeKey(r.Method, r.URL.Path), false)
		if done {
			return
		}
		if after != nil {
			held := holdAnswer(w)
			defer spoilAnswer(w, r, held, *after)
			w = held
		}
	}
	switch r.URL.Path {
	case "/oauth/token":
		s.handleToken(w, r)
		return
	case "/oauth/authorize":
		s.handleAuthorize(w, r)
		return
	}
	if isSocketPath(r.URL.Path) {
		s.serveSocket(w, r, corr)
		return
	}
	if isDefinitionPath(r.URL.Path) {
		s.serveDefinition(w, r, corr)
		return
	}
	rt, vars, allowed := s.router.match(r.Method, r.URL.EscapedPath())
	if rec, ok := w.(*recorder); ok {
		rec.route = rt // for the request record
	}
	if rt == nil {
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			writeError(w, corr, &apiError{status: http.StatusMethodNotAllowed, code: "method.not.allowed",
				message: fmt.Sprintf("HTTP %s is not supported by %s.", r.Method, r.URL.Path)})
			return
		}
		writeError(w, corr, notFound("HTTP 404 Not Found: no operation answers "+r.Method+" "+r.URL.Path+"."))
		return
	}
	done, after := s.applyFaults(w, r, corr, rt.key, true)
	if done {
		return
	}
	if after != nil {
		held := holdAnswer(w)
		defer spoilAnswer(w, r, held, *after)
		w = held
	}
	c := &call{s: s, rt: rt, vars: vars, query: r.URL.Query(), path: r.URL.EscapedPath(), header: r.Header, corr: corr}
	if !rt.op.Public {
		tok, e := s.checkToken(r)
		if e != nil {
			writeError(w, corr, e)
			return
		}
		c.token = tok
		if s.limiter != nil {
			if e := s.limiter.take(w.Header(), tok, s.now()); e != nil {
				writeError(w, corr, e)
				return
			}
		}
	}
	if e := validateParams(rt.op, vars, c.query, r.Header); e != nil {
		writeError(w, corr, e)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.maxBody))
	if err != nil {
		writeError(w, corr, &apiError{status: http.StatusRequestEntityTooLarge, code: "request.too.large", message: "The request body is too large or could not be read."})
		return
	}
	c.raw = data
	body, e := decodeBody(rt.op, r.Header.Get("Content-Type"), data)
	if e != nil {
		writeError(w, corr, e)
		return
	}
	c.body = body
	if isNotificationRoute(rt) {
		s.serveNotifications(w, r, corr, data)
		return
	}
	h := stateful[rt.key]
	if h == nil {
		h = generic
	}
	status, out, e := h(c)
	if e != nil {
		writeError(w, corr, e)
		return
	}
	s.writeResult(w, r, rt, status, out)
}

// call is one API request on its way through a handler.
type call struct {
	s      *Server
	rt     *route
	vars   map[string]string
	query  map[string][]string
	path   string // escaped request path
	header http.Header
	corr   string
	token  string
	raw    []byte // request body
	body   any    // decoded body (pointer to the operation's body type), nil without one
}

// handler answers a validated call: a status, and a body that is an entity,
// a model value, []byte of JSON, or nil for none.
type handler func(c *call) (int, any, *apiError)

// writeResult writes a handler's answer.
func (s *Server) writeResult(w http.ResponseWriter, r *http.Request, rt *route, status int, out any) {
	if out == nil {
		if status == 0 {
			status = http.StatusNoContent
		}
		w.WriteHeader(status)
		return
	}
	if status == 0 {
		status = http.StatusOK
	}
	var data []byte
	ct := rt.op.Produces
	if ct == "" {
		ct = "application/json"
	}
	switch v := out.(type) {
	case []byte:
		data = v
	case textBody:
		data = []byte(v)
	default:
		var err error
		data, err = json.Marshal(v, json.Deterministic(true))
		if err != nil {
			writeError(w, "", &apiError{status: http.StatusInternalServerError, code: "internal.server.error", message: "sim: encode response: " + err.Error()})
			return
		}
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// textBody is a non-JSON answer.
type textBody string

// discardLog silences the http.Server's own log (client disconnects and
// the like are expected while faults are injected).
var discardLog = log.New(io.Discard, "", 0)
