// Command quickstart shows the SDK end to end in under a minute, with no
// Genesys Cloud organization needed:
//
//	go run ./examples/quickstart
//
// Without GENESYSCLOUD_* (or GENESYS_CLOUD_*) variables it starts the
// simulator (package sim) in-process and, printing each step: logs in with
// client credentials, creates a user and a queue, lists users page by page,
// clears a field with an explicit null in a PATCH, gets past a 429 by
// retrying after Retry-After, and shows the typed error of a 404.
//
// With the variables platformclient.WithEnvironment reads set, it runs only
// the read-only steps against what they point at: an organization
// (GENESYSCLOUD_OAUTHCLIENT_ID, GENESYSCLOUD_OAUTHCLIENT_SECRET and
// GENESYSCLOUD_REGION, e.g. eu-west-1) or a running gcsim
// (GENESYSCLOUD_BASE_URL and the client id and secret it prints).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/authorization"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	if platformclient.EnvironmentSet() {
		return runEnvironment(ctx, out)
	}
	return runSim(ctx, out)
}

func ptr[T any](v T) *T { return &v }

// runSim runs every step against an in-process simulator.
func runSim(ctx context.Context, out io.Writer) error {
	start := time.Now()
	s, err := sim.Start()
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(out, "Started the Genesys Cloud simulator at %s in %s (%d users seeded).\n",
		s.URL(), time.Since(start).Round(time.Millisecond), sim.DefaultSeedUsers)

	// The simulator serves login and API at one base URL. A program that
	// reads its settings from the environment (WithEnvironment) gets the
	// same options from GENESYSCLOUD_BASE_URL and the client id and secret.
	c, err := login(ctx, out, platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL()),
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: s.ClientSecret()}))
	if err != nil {
		return err
	}

	// Create a user in the home division, and a queue.
	home, err := authorization.NewClient(c).GetAuthorizationDivisionsHome(ctx, nil)
	if err != nil {
		return err
	}
	u := users.NewClient(c)
	user, err := u.PostUsers(ctx, &models.CreateUser{Name: ptr("Ada Lovelace"), Email: ptr("ada.lovelace@example.com"),
		Title: ptr("Analyst"), DivisionID: home.ID}, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created user %q (id %s, version %d, title %q).\n", *user.Name, *user.ID, *user.Version, *user.Title)
	r := routing.NewClient(c)
	queue, err := r.PostRoutingQueues(ctx, &models.CreateQueueRequest{Name: ptr("Quickstart queue"), Description: ptr("made by the quickstart")}, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created queue %q (id %s) in division %q.\n", *queue.Name, *queue.ID, *queue.Division.Name)

	if err := listUsers(ctx, out, c, 250, 0); err != nil {
		return err
	}

	// PATCH with an explicit null: NullFields sends "title": null, which
	// clears the title; fields left nil are not sent and stay as they are.
	patched, err := u.PatchUser(ctx, *user.ID, &models.UpdateUser{Version: user.Version, Department: ptr("Research"),
		NullFields: []string{"title"}}, nil)
	if err != nil {
		return err
	}
	title := "<none>"
	if patched.Title != nil {
		title = *patched.Title
	}
	fmt.Fprintf(out, "Patched user with {\"title\": null}: title is now %s, department %q, version %d.\n", title, *patched.Department, *patched.Version)

	// A 429: the simulator answers the next GET of the queue with 429 and
	// Retry-After: 1; the client retries.
	if err := s.InjectFault("GET /api/v2/routing/queues/{queueId}", sim.RateLimited(time.Second).First(1)); err != nil {
		return err
	}
	fmt.Fprintln(out, "Injected one 429 (Retry-After: 1) on GET /api/v2/routing/queues/{queueId}.")
	if err := getAfter429(ctx, out, r, *queue.ID); err != nil {
		return err
	}

	show404(ctx, out, u)

	if _, err := u.DeleteUser(ctx, *user.ID, nil); err != nil {
		return err
	}
	if err := r.DeleteRoutingQueue(ctx, *queue.ID, nil); err != nil {
		return err
	}
	fmt.Fprintln(out, "Deleted the user and the queue.")
	if err := s.Close(); err != nil {
		return err
	}
	fmt.Fprintln(out, "Stopped the simulator. Done.")
	return nil
}

// runEnvironment runs the read-only steps against what the environment
// points at: an organization, or a running gcsim.
func runEnvironment(ctx context.Context, out io.Writer) error {
	c, err := login(ctx, out, platformclient.WithEnvironment())
	if err != nil {
		return err
	}
	home, err := authorization.NewClient(c).GetAuthorizationDivisionsHome(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Home division: %q.\n", deref(home.Name))
	if err := listUsers(ctx, out, c, 100, 3); err != nil {
		return err
	}
	show404(ctx, out, users.NewClient(c))
	fmt.Fprintln(out, "Done (read-only: nothing was changed).")
	return nil
}

// listUsers prints the users page by page (maxPages 0: all pages).
func listUsers(ctx context.Context, out io.Writer, c *platformclient.Client, pageSize, maxPages int) error {
	u := users.NewClient(c)
	seen := 0
	for page := 1; ; page++ {
		l, err := u.GetUsers(ctx, &users.GetUsersOptions{PageSize: ptr(pageSize), PageNumber: ptr(page)})
		if err != nil {
			return err
		}
		seen += len(l.Entities)
		first, last := "-", "-"
		if n := len(l.Entities); n > 0 {
			first, last = deref(l.Entities[0].Name), deref(l.Entities[n-1].Name)
		}
		fmt.Fprintf(out, "Users page %d of %d: %s (%s ... %s).\n", page, deref(l.PageCount), count(len(l.Entities), "user"), first, last)
		if l.NextURI == nil || (maxPages > 0 && page >= maxPages) {
			break
		}
	}
	fmt.Fprintf(out, "Listed %s.\n", count(seen, "user"))
	return nil
}

// count returns "1 user", "2 users".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// getAfter429 fetches a queue whose first GET gets a 429: the client waits
// as Retry-After asks and tries again. OnRetry reports the retry.
func getAfter429(ctx context.Context, out io.Writer, r *routing.Client, id string) error {
	start := time.Now()
	attempts := 1
	onRetry := platformclient.CallRetryPolicy(platformclient.RetryPolicy{OnRetry: func(e platformclient.RetryEvent) {
		attempts++
		var apiErr *platformclient.APIError
		if errors.As(e.Err, &apiErr) && apiErr.RetryAfter > 0 {
			fmt.Fprintf(out, "Attempt %d got %s with Retry-After %s; the client waits and tries again.\n", e.Attempt, apiErr.Status, apiErr.RetryAfter)
			return
		}
		fmt.Fprintf(out, "Attempt %d failed (%v); the client tries again in %s.\n", e.Attempt, e.Err, e.Wait.Round(100*time.Millisecond))
	}})
	q, err := r.GetRoutingQueue(ctx, id, nil, onRetry)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Fetched queue %q after the 429: %d attempts in %s.\n", *q.Name, attempts, time.Since(start).Round(100*time.Millisecond))
	return nil
}

// show404 prints the typed error of a call for a user that does not exist.
func show404(ctx context.Context, out io.Writer, u *users.Client) {
	_, err := u.GetUser(ctx, "00000000-0000-4000-8000-000000000000", nil)
	var apiErr *platformclient.APIError
	if errors.As(err, &apiErr) {
		fmt.Fprintf(out, "GET of a missing user: *platformclient.APIError status=%d code=%s message=%q correlation=%s (IsNotFound=%t).\n",
			apiErr.StatusCode, apiErr.Body.Code, apiErr.Body.Message, apiErr.CorrelationID, platformclient.IsNotFound(err))
		return
	}
	fmt.Fprintf(out, "GET of a missing user: unexpected result %v.\n", err)
}

// login returns a client that logs in with client credentials (and logs in
// again whenever the token expires). It logs in at once, so that wrong
// credentials show here rather than at the first call.
func login(ctx context.Context, out io.Writer, opts ...platformclient.Option) (*platformclient.Client, error) {
	c, err := platformclient.New(opts...)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "Using %s (login at %s).\n", c.BaseURL(), c.LoginURL())
	tok, err := c.Token(ctx)
	if err != nil {
		return nil, err
	}
	if tok.ExpiresIn > 0 {
		fmt.Fprintf(out, "Logged in with client credentials (the token is valid for %s).\n", tok.ExpiresIn)
	} else {
		fmt.Fprintln(out, "Using the access token from the environment (it is not renewed).")
	}
	return c, nil
}
