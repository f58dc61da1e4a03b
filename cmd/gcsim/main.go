// Command gcsim runs the Genesys Cloud simulator (package sim) as a
// standalone server, for trying the API or testing programs in any language
// without an organization.
//
// Usage:
//
//	gcsim [-addr 127.0.0.1:8080] [-token-lifetime 24h] [-users 1000]
//	      [-fixture org.json] [-login-user EMAIL]
//	      [-faults none|rate-limited|flaky|slow|outage|chaos] [-rate-limit 0]
//	      [-rate-window 1m] [-no-rate-headers] [-token-rate 0] [-latency 0]
//	      [-heartbeat 30s] [-closing-grace 1m] [-channel-lifetime 24h] [-channels 20]
//	      [-client-id ID] [-client-secret SECRET] [-org NAME] [-seed 1] [-quiet]
//	      [-redirect-uri URI]... [-spec platform-api-v2.json]
//
// Login (/oauth/token, /oauth/authorize) and API (/api/v2/...) share the
// base URL it prints, with the client id and secret to use and the
// environment variables (GENESYSCLOUD_BASE_URL, GENESYSCLOUD_OAUTHCLIENT_ID,
// GENESYSCLOUD_OAUTHCLIENT_SECRET) that point a program at it. Each request
// is logged to standard error (method, path, status, duration, correlation
// id; never query strings, headers or bodies); -quiet turns that off.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/purecloudgo/platformclient/sim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr, nil); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "gcsim:", err)
		os.Exit(1)
	}
}

// run starts the simulator, reports its URL on ready (when not nil) and
// serves until ctx is done.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, ready chan<- string) error {
	fs := flag.NewFlagSet("gcsim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	lifetime := fs.Duration("token-lifetime", 24*time.Hour, "lifetime of access tokens (at least 1s)")
	users := fs.Int("users", sim.DefaultSeedUsers, "number of generated users (groups, queues and contacts scale with it); with -fixture, 0 unless given")
	fixture := fs.String("fixture", "", "JSON file of the organization to start with (see sim/testdata/fixture.json)")
	loginUser := fs.String("login-user", "", "id or email of the user that the user grants (authorization code, PKCE, SAML2, implicit) log in; default the first user")
	heartbeat := fs.Duration("heartbeat", 30*time.Second, "interval of channel.metadata heartbeats on notification sockets (negative: none)")
	grace := fs.Duration("closing-grace", time.Minute, "time between v2.system.socket_closing and the socket's close")
	channelLife := fs.Duration("channel-lifetime", 24*time.Hour, "lifetime of notification channels")
	channels := fs.Int("channels", 20, "live notification channels allowed")
	faults := fs.String("faults", "none", "fault profile: "+strings.Join(sim.FaultProfiles(), ", "))
	rate := fs.Int("rate-limit", 0, "requests per -rate-window allowed per token, answering 429 beyond (0: the service's 300 a minute counted in the inin-ratelimit-* headers, never refused)")
	rateWindow := fs.Duration("rate-window", time.Minute, "window of the per-token rate limit (scaled windows such as 2s make pacing tests short; at least 1s)")
	noRateHeaders := fs.Bool("no-rate-headers", false, "leave the inin-ratelimit-* headers off the answers (ignored with -rate-limit)")
	tokenRate := fs.Int("token-rate", 0, "token requests allowed per second; beyond: 400 invalid_request \"rate limit exceeded; ...\" (0: no limit)")
	latency := fs.Duration("latency", 0, "added to every answer, for benchmarks of latency-bound work")
	clientID := fs.String("client-id", sim.DefaultClientID, "OAuth client id to accept")
	clientSecret := fs.String("client-secret", sim.DefaultClientSecret, "OAuth client secret to accept")
	org := fs.String("org", sim.DefaultOrgName, "organization name for the SAML2 bearer grant")
	seed := fs.Uint64("seed", 1, "seed of the generated data and ids")
	quiet := fs.Bool("quiet", false, "do not log requests")
	spec := fs.String("spec", "", "API definition file served at /api/v2/docs/swagger (for gcgen -spec URL); none: 404 there")
	var redirects stringList
	fs.Var(&redirects, "redirect-uri", "redirect URI /oauth/authorize accepts, compared exactly (repeatable; none: loopback URIs only)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: gcsim [flags]\n\nRuns a local Genesys Cloud Platform API simulator.\n\nFlags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(fs.Output(), "\nFault profiles:\n")
		for _, p := range sim.FaultProfiles() {
			fmt.Fprintf(fs.Output(), "  %-13s %s\n", p, strings.ReplaceAll(sim.ProfileDescription(p), "; ", "\n                "))
		}
		fmt.Fprintf(fs.Output(), "\nFault kinds (whether the operation is applied):\n")
		for _, k := range sim.FaultKinds() {
			fmt.Fprintf(fs.Output(), "  %-13s %s\n", k, k.Effect())
		}
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	usersSet := false
	fs.Visit(func(f *flag.Flag) { usersSet = usersSet || f.Name == "users" })
	opts := []sim.Option{
		sim.WithAddr(*addr),
		sim.WithTokenLifetime(*lifetime),
		sim.WithFaultProfile(*faults),
		sim.WithNotifications(sim.NotificationSettings{HeartbeatInterval: *heartbeat, ClosingGrace: *grace,
			ChannelLifetime: *channelLife, MaxChannels: *channels}),
		sim.WithClientCredentials(*clientID, *clientSecret),
		sim.WithOrgName(*org),
		sim.WithSeed(*seed),
	}
	if *fixture == "" || usersSet {
		opts = append(opts, sim.WithSeedUsers(*users))
	}
	if *fixture != "" {
		opts = append(opts, sim.WithFixtureFile(*fixture))
	}
	if *spec != "" {
		opts = append(opts, sim.WithDefinitionFile(*spec))
	}
	if len(redirects) > 0 {
		opts = append(opts, sim.WithRedirectURIs(redirects...))
	}
	if *loginUser != "" {
		opts = append(opts, sim.WithLoginUser(*loginUser))
	}
	switch {
	case *rate > 0:
		opts = append(opts, sim.WithRateLimit(*rate, *rateWindow))
	case *rate < 0:
		return fmt.Errorf("-rate-limit %d: must be 0 or more", *rate)
	case *noRateHeaders:
	default:
		opts = append(opts, sim.WithRateAllowance(300, *rateWindow))
	}
	opts = append(opts, sim.WithTokenRateLimit(*tokenRate), sim.WithLatency(*latency))
	if !*quiet {
		opts = append(opts, sim.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	}
	start := time.Now()
	s, err := sim.Start(opts...)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(stdout, "gcsim: Genesys Cloud simulator ready in %s\n", time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(stdout, "  base URL (login and API): %s\n", s.URL())
	fmt.Fprintf(stdout, "  OAuth client id:          %s\n", s.ClientID())
	fmt.Fprintf(stdout, "  OAuth client secret:      %s\n", s.ClientSecret())
	if *fixture != "" {
		fmt.Fprintf(stdout, "  fixture:                  %s\n", *fixture)
	}
	fmt.Fprintf(stdout, "  users:                    %d\n", len(s.UserIDs()))
	if id := s.LoginUserID(); id != "" {
		fmt.Fprintf(stdout, "  user grants log in as:    %s (client-credentials tokens have no user: /users/me answers 400)\n", id)
	}
	fmt.Fprintf(stdout, "  token lifetime:           %s\n", *lifetime)
	if *spec != "" {
		fmt.Fprintf(stdout, "  definition:               %s/api/v2/docs/swagger (%s)\n", s.URL(), *spec)
	}
	if len(redirects) == 0 {
		fmt.Fprintf(stdout, "  redirect URIs:            loopback only (http(s)://127.0.0.1, [::1] or localhost, any port and path)\n")
	}
	for _, u := range redirects {
		fmt.Fprintf(stdout, "  redirect URI:             %s\n", u)
	}
	fmt.Fprintf(stdout, "  fault profile:            %s (%s)\n", *faults, sim.ProfileDescription(*faults))
	switch {
	case *rate > 0:
		fmt.Fprintf(stdout, "  rate limit:               %d requests per %s per token, 429 beyond\n", *rate, *rateWindow)
	case *noRateHeaders:
		fmt.Fprintf(stdout, "  rate limit:               none, no inin-ratelimit-* headers\n")
	default:
		fmt.Fprintf(stdout, "  rate limit:               300 requests per %s per token counted in the headers, not enforced\n", *rateWindow)
	}
	if *tokenRate > 0 {
		fmt.Fprintf(stdout, "  token endpoint limit:     %d requests per second\n", *tokenRate)
	}
	if *latency > 0 {
		fmt.Fprintf(stdout, "  added latency:            %s\n", *latency)
	}
	fmt.Fprintf(stdout, "  notifications:            heartbeat %s, closing grace %s, channels live %s, at most %d\n", *heartbeat, *grace, *channelLife, *channels)
	fmt.Fprintf(stdout, "To point a program (or the quickstart) at it:\n")
	fmt.Fprintf(stdout, "  export GENESYSCLOUD_BASE_URL=%s\n", s.URL())
	fmt.Fprintf(stdout, "  export GENESYSCLOUD_OAUTHCLIENT_ID=%s\n", s.ClientID())
	fmt.Fprintf(stdout, "  export GENESYSCLOUD_OAUTHCLIENT_SECRET=%s\n", s.ClientSecret())
	fmt.Fprintf(stdout, "Press Ctrl-C to stop.\n")
	if ready != nil {
		ready <- s.URL()
	}
	<-ctx.Done()
	fmt.Fprintln(stdout, "gcsim: stopping")
	return s.Close()
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
