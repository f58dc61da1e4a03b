package sim_test

import (
	"fmt"
	"testing"

	"github.com/purecloudgo/platformclient/sim"
)

// bigFixture is an organization of n users, each in one of n/50 queues.
func bigFixture(n int) *sim.Fixture {
	f := &sim.Fixture{Skills: []map[string]any{{"name": "Billing"}}}
	for i := range n {
		f.Users = append(f.Users, map[string]any{"name": fmt.Sprintf("User %05d", i), "email": fmt.Sprintf("u%05d@example.com", i),
			"presence": "Available", "skills": []any{map[string]any{"name": "Billing", "proficiency": 3}}})
	}
	for q := range max(n/50, 1) {
		var members []any
		for j := q * 50; j < min((q+1)*50, n); j++ {
			members = append(members, fmt.Sprintf("u%05d@example.com", j))
		}
		f.Queues = append(f.Queues, map[string]any{"name": fmt.Sprintf("Queue %03d", q), "members": members})
	}
	return f
}

// BenchmarkFixture10000 loads a fixture of 10,000 users (with a presence
// and a skill each) and 200 queues of 50 members, and reports the heap.
func BenchmarkFixture10000(b *testing.B) {
	benchHeap(b, sim.WithFixture(bigFixture(10000)))
}
