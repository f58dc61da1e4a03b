package platformclient_test

import (
	"context"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

// The simulator's faults that apply the operation and then spoil the
// answer: a read is retried to success, a delete succeeds on its status, a
// create is marked outcome unknown and the queue exists.
func TestSimFaultsAfterTheWork(t *testing.T) {
	t.Parallel()
	for _, f := range []sim.Fault{sim.CutBody(), sim.CutJSON(), sim.ConnectionResetAfter()} {
		t.Run(f.Kind.String(), func(t *testing.T) {
			s := sim.StartTest(t)
			c := simClient(t, s)
			rc := routing.NewClient(c)
			ctx := context.Background()
			name := "Support " + f.Kind.String()

			if err := s.InjectFault("POST /api/v2/routing/queues", f.First(1)); err != nil {
				t.Fatal(err)
			}
			_, err := rc.PostRoutingQueues(ctx, &models.CreateQueueRequest{Name: &name}, nil)
			if !platformclient.IsOutcomeUnknown(err) {
				t.Fatalf("create: %v (%T), want outcome unknown", err, err)
			}
			list, err := rc.GetRoutingQueues(ctx, &routing.GetRoutingQueuesOptions{Name: &name})
			if err != nil || len(list.Entities) != 1 {
				t.Fatalf("look-up: %v, %d queues named %q; the create was applied", err, len(list.Entities), name)
			}
			id := *list.Entities[0].ID

			if err := s.InjectFault("GET /api/v2/routing/queues/{queueId}", f.First(1)); err != nil {
				t.Fatal(err)
			}
			var r platformclient.Response
			q, err := rc.GetRoutingQueue(ctx, id, nil, platformclient.CaptureResponse(&r))
			// (net/http itself may resend a GET reset on a reused
			// connection before the client sees it.)
			if err != nil || *q.Name != name || r.Attempts != 2 && f.Kind != sim.FaultResetAfter {
				t.Fatalf("read: %v, %d attempts; want the queue on the second", err, r.Attempts)
			}

			if err := s.InjectFault("DELETE /api/v2/routing/queues/{queueId}", f.First(1)); err != nil {
				t.Fatal(err)
			}
			// After a reset the retry finds nothing to delete: gone, as asked.
			if err = rc.DeleteRoutingQueue(ctx, id, nil); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if _, err := rc.GetRoutingQueue(ctx, id, nil); !platformclient.IsNotFound(err) {
				t.Fatalf("after delete: %v", err)
			}
		})
	}
}
