package sim_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient/sim"
)

// TestRateLimitHeadersOnEveryAnswer: a rate-limited token gets the
// inin-ratelimit-* headers on every answer, as from Genesys Cloud, not only
// on the 429 past the limit.
func TestRateLimitHeadersOnEveryAnswer(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithRateLimit(3, time.Minute))
	token := s.AccessToken()
	for i := 1; i <= 4; i++ {
		status, h, body := rawGet(t, s, "/api/v2/users", token)
		want := 200
		if i == 4 {
			want = 429
		}
		if status != want || h.Get("inin-ratelimit-count") != strconv.Itoa(i) || h.Get("inin-ratelimit-allowed") != "3" ||
			h.Get("inin-ratelimit-reset") != "60" || (i == 4) != (h.Get("Retry-After") == "60") {
			t.Fatalf("request %d: %d %v %s", i, status, h, body)
		}
	}
}
