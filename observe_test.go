package platformclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/runtime"
	"github.com/purecloudgo/platformclient/sim"
)

// callRecorder is an Observer that writes down everything it is told, one line
// per call, event and end, and adds a header to every call.
type callRecorder struct {
	mu    sync.Mutex
	lines []string
	skip  string // an operation it declines to follow
}

func (r *callRecorder) add(format string, args ...any) {
	r.mu.Lock()
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
	r.mu.Unlock()
}

func (r *callRecorder) StartCall(ctx context.Context, info *platformclient.CallInfo) (context.Context, platformclient.CallObserver) {
	if r.skip != "" && info.Operation == r.skip {
		return ctx, nil
	}
	r.add("start %d %s %s %s grant=%s", info.Kind, info.Operation, info.Method, info.URLTemplate, info.GrantType)
	info.Header.Set("X-Observed", info.Operation)
	return ctx, &recordedCall{r: r, op: info.Operation}
}

type recordedCall struct {
	r  *callRecorder
	op string
}

func (c *recordedCall) Event(e platformclient.CallEvent) {
	c.r.add("event %s %s attempt=%d status=%d wait>0=%t err=%t", c.op, e.Kind, e.Attempt, e.StatusCode, e.Wait > 0, e.Err != nil)
}

func (c *recordedCall) End(res platformclient.CallResult) {
	c.r.add("end %s status=%d attempts=%d corr=%t err=%t", c.op, res.StatusCode, res.Attempts, res.CorrelationID != "", res.Err != nil)
}

func (r *callRecorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

// sentHeaders collects the X-Observed header of every request sent.
func sentHeaders() (platformclient.Option, func() []string) {
	var mu sync.Mutex
	var seen []string
	hook := platformclient.WithPreRequestHook(func(r *http.Request) error {
		mu.Lock()
		seen = append(seen, r.URL.Path+"="+r.Header.Get("X-Observed"))
		mu.Unlock()
		return nil
	})
	return hook, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), seen...) }
}

func simClient(t *testing.T, s *sim.Server, opts ...platformclient.Option) *platformclient.Client {
	t.Helper()
	base := []platformclient.Option{platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL()),
		platformclient.WithGrant(platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: s.ClientSecret()}),
		platformclient.WithRetryPolicy(platformclient.RetryPolicy{RetryWaitMin: time.Millisecond, RetryWaitMax: 2 * time.Millisecond})}
	c, err := platformclient.New(append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestObserverSeesCallsAndTokenRequests(t *testing.T) {
	t.Parallel()
	s := sim.StartTest(t, sim.WithSeedUsers(3))
	rec := &callRecorder{}
	hook, sent := sentHeaders()
	c := simClient(t, s, platformclient.WithObserver(rec), hook)
	ctx := context.Background()
	if _, err := users.NewClient(c).GetUsers(ctx, nil); err != nil {
		t.Fatal(err)
	}
	_, err := users.NewClient(c).GetUser(ctx, "00000000-0000-4000-8000-000000000000", nil)
	if !platformclient.IsNotFound(err) {
		t.Fatalf("GetUser of a missing user: %v", err)
	}
	// A call built by hand has the operation it is given, here none.
	if err := c.Do(ctx, runtime.NewRequest("GET", "/api/v2/authorization/divisions/home"), nil); err != nil {
		t.Fatal(err)
	}
	// The token request happens inside the first call.
	want := `start 1 users.GetUsers GET /api/v2/users grant=
start 2 oauth.token POST /oauth/token grant=client_credentials
end oauth.token status=200 attempts=1 corr=false err=false
end users.GetUsers status=200 attempts=1 corr=true err=false
start 1 users.GetUser GET /api/v2/users/{userId} grant=
end users.GetUser status=404 attempts=1 corr=true err=true
start 1  GET /api/v2/authorization/divisions/home grant=
end  status=200 attempts=1 corr=true err=false`
	if got := rec.String(); got != want {
		t.Errorf("observed:\n%s\nwant:\n%s", got, want)
	}
	if got, want := fmt.Sprint(sent()), "[/oauth/token=oauth.token /api/v2/users=users.GetUsers /api/v2/users/00000000-0000-4000-8000-000000000000=users.GetUser /api/v2/authorization/divisions/home=]"; got != want {
		t.Errorf("headers sent %s, want %s", got, want)
	}
}

func TestObserverSeesRetries(t *testing.T) {
	t.Parallel()
	s := sim.StartTest(t, sim.WithSeedUsers(1),
		sim.WithFault("GET /api/v2/routing/queues", sim.ServerError(503).First(1)),
		sim.WithFault("POST /oauth/token", sim.RateLimited(time.Second).First(1)))
	rec := &callRecorder{}
	c := simClient(t, s, platformclient.WithObserver(rec))
	if _, err := routing.NewClient(c).GetRoutingQueues(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	want := `start 1 routing.GetRoutingQueues GET /api/v2/routing/queues grant=
start 2 oauth.token POST /oauth/token grant=client_credentials
event oauth.token retry_after attempt=1 status=429 wait>0=true err=true
end oauth.token status=200 attempts=2 corr=false err=false
event routing.GetRoutingQueues retry attempt=1 status=503 wait>0=true err=true
end routing.GetRoutingQueues status=200 attempts=2 corr=true err=false`
	if got := rec.String(); got != want {
		t.Errorf("observed:\n%s\nwant:\n%s", got, want)
	}
}

func TestObserverSeesRateLimitWaits(t *testing.T) {
	t.Parallel()
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	rec := &callRecorder{skip: platformclient.TokenOperation}
	c := simClient(t, s, platformclient.WithObserver(rec), platformclient.WithRateLimit(4, 1))
	ctx := context.Background()
	for range 2 {
		if err := c.Do(ctx, runtime.NewRequest("GET", "/api/v2/authorization/divisions/home"), nil); err != nil {
			t.Fatal(err)
		}
	}
	want := `start 1  GET /api/v2/authorization/divisions/home grant=
end  status=200 attempts=1 corr=true err=false
start 1  GET /api/v2/authorization/divisions/home grant=
event  rate_limit_wait attempt=1 status=0 wait>0=true err=false
end  status=200 attempts=1 corr=true err=false`
	if got := rec.String(); got != want {
		t.Errorf("observed:\n%s\nwant:\n%s", got, want)
	}
}

// Several observers each see the call; one that declines sees nothing more.
func TestObserversInOrder(t *testing.T) {
	t.Parallel()
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	a, b := &callRecorder{skip: platformclient.TokenOperation}, &callRecorder{skip: "users.GetUsers"}
	var resp platformclient.Response
	c := simClient(t, s, platformclient.WithObserver(a), platformclient.WithObserver(b))
	if _, err := users.NewClient(c).GetUsers(context.Background(), nil, platformclient.CaptureResponse(&resp)); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(resp.Body) == 0 {
		t.Errorf("CaptureResponse with observers: %d, %d bytes", resp.StatusCode, len(resp.Body))
	}
	if got := a.String(); got != "start 1 users.GetUsers GET /api/v2/users grant=\nend users.GetUsers status=200 attempts=1 corr=true err=false" {
		t.Errorf("first observer saw:\n%s", got)
	}
	if got := b.String(); got != "start 2 oauth.token POST /oauth/token grant=client_credentials\nend oauth.token status=200 attempts=1 corr=false err=false" {
		t.Errorf("second observer saw:\n%s", got)
	}
	if _, err := platformclient.New(platformclient.WithObserver(nil)); err == nil {
		t.Error("WithObserver(nil) accepted")
	}
}

// A login refused for good ends the token request with the refusal.
func TestObserverSeesRefusedLogin(t *testing.T) {
	t.Parallel()
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	rec := &callRecorder{}
	c, err := platformclient.New(platformclient.WithBaseURL(s.URL()), platformclient.WithLoginURL(s.URL()), platformclient.WithObserver(rec))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Authorize(context.Background(), platformclient.ClientCredentials{ClientID: s.ClientID(), ClientSecret: "wrong"})
	var ae *platformclient.AuthError
	if !errors.As(err, &ae) {
		t.Fatalf("Authorize with a wrong secret: %v", err)
	}
	if got, want := rec.String(), fmt.Sprintf("start 2 oauth.token POST /oauth/token grant=client_credentials\nend oauth.token status=%d attempts=1 corr=%t err=true", ae.StatusCode, ae.CorrelationID != ""); got != want {
		t.Errorf("observed:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(rec.String(), "wrong") {
		t.Error("the secret reached the observer")
	}
}
