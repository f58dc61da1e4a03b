package sim

import "testing"

// TestRoutingTriggersBound checks that every route after which waiting
// conversations may reach an agent has a handler (bind wraps it with the
// routing engine) and that skill changes run the engine.
func TestRoutingTriggersBound(t *testing.T) {
	for key := range routingTriggers {
		if stateful[key] == nil {
			t.Errorf("routing trigger %s has no handler", key)
		}
	}
	if userSkills.after == nil {
		t.Fatal("skill changes do not run the routing engine")
	}
}
