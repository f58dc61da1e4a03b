package platformclient_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/runtime"
	"github.com/purecloudgo/platformclient/sim"
)

// attemptRecorder is a callRecorder whose calls follow attempts too.
type attemptRecorder struct{ callRecorder }

func (r *attemptRecorder) StartCall(ctx context.Context, info *platformclient.CallInfo) (context.Context, platformclient.CallObserver) {
	r.add("start %d %s", info.Kind, info.Operation)
	return ctx, &attemptCall{recordedCall{r: &r.callRecorder, op: info.Operation}}
}

type attemptCall struct{ recordedCall }

func (c *attemptCall) Attempt(e platformclient.CallEvent) {
	c.r.add("attempt %s %s n=%d status=%d took>0=%t err=%t wait=%s", c.op, e.Kind, e.Attempt, e.StatusCode, e.Duration > 0, e.Err != nil, e.Wait)
}

// TestAttemptObserverSeesEachAttempt checks that an AttemptObserver is told
// of every attempt that went out, token requests included, in order with
// the retries, and that an observer without the method is not.
func TestAttemptObserverSeesEachAttempt(t *testing.T) {
	t.Parallel()
	s := sim.StartTest(t, sim.WithSeedUsers(1),
		sim.WithFault("GET /api/v2/routing/queues", sim.ServerError(503).First(1)),
		sim.WithFault("POST /oauth/token", sim.RateLimited(time.Second).First(1)))
	rec, plain := &attemptRecorder{}, &callRecorder{}
	c := simClient(t, s, platformclient.WithObserver(rec), platformclient.WithObserver(plain))
	if _, err := routing.NewClient(c).GetRoutingQueues(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	want := `start 1 routing.GetRoutingQueues
start 2 oauth.token
attempt oauth.token attempt n=1 status=429 took>0=true err=false wait=0s
event oauth.token retry_after attempt=1 status=429 wait>0=true err=true
attempt oauth.token attempt n=2 status=200 took>0=true err=false wait=0s
end oauth.token status=200 attempts=2 corr=false err=false
attempt routing.GetRoutingQueues attempt n=1 status=503 took>0=true err=false wait=0s
event routing.GetRoutingQueues retry attempt=1 status=503 wait>0=true err=true
attempt routing.GetRoutingQueues attempt n=2 status=200 took>0=true err=false wait=0s
end routing.GetRoutingQueues status=200 attempts=2 corr=true err=false`
	if got := rec.String(); got != want {
		t.Errorf("observed:\n%s\nwant:\n%s", got, want)
	}
	if got := plain.String(); len(got) == 0 || strings.Contains(got, "attempt ") {
		t.Errorf("an observer without Attempt was told of attempts:\n%s", got)
	}
}

// TestAttemptObserverSeesTransportErrors checks the attempt of a refused
// connection: no status, its error, and no attempt for a request that could
// not even be built.
func TestAttemptObserverSeesTransportErrors(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	rec := &attemptRecorder{}
	c, err := platformclient.New(platformclient.WithBaseURL("http://"+addr), platformclient.WithAccessToken("t"),
		platformclient.WithObserver(rec), platformclient.WithRetryPolicy(platformclient.RetryPolicy{RetryMax: -1}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := runtime.NewRequest(http.MethodGet, "/api/v2/things")
	req.Operation = "things.GetThings"
	if err := c.Do(context.Background(), req, nil); err == nil {
		t.Fatal("a call to a closed port succeeded")
	}
	bad := runtime.NewRequest(http.MethodGet, "/api/v2/things")
	bad.Operation = "things.Bad"
	if err := c.Do(context.Background(), bad, nil, platformclient.CallHeader("X-Bad", "a\nb")); err == nil {
		t.Fatal("a header with a newline was sent")
	}
	want := `start 1 things.GetThings
attempt things.GetThings attempt n=1 status=0 took>0=true err=true wait=0s
end things.GetThings status=0 attempts=1 corr=false err=true`
	if got := rec.String(); got != want {
		t.Errorf("observed:\n%s\nwant:\n%s", got, want)
	}
}
