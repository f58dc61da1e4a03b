package sim

import "testing"

// TestRoutingTriggersBound checks that every route after which waiting
// conversations may reach an agent had its handler wrapped: a handler
// bound in a file that sorts after routing_engine.go would escape it.
func TestRoutingTriggersBound(t *testing.T) {
	if len(unboundTriggers) > 0 {
		t.Fatalf("routing triggers without a handler at init: %v", unboundTriggers)
	}
	if userSkills.after == nil {
		t.Fatal("skill changes do not run the routing engine")
	}
}
