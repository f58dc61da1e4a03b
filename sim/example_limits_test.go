package sim_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/purecloudgo/platformclient/sim"
)

// A simulator at the service's limits: 100 requests per 2 s per token
// (enforced) and at most 2 token requests a second (WithLatency would add
// a delay to every answer). Stats tells what the code under test met.
func ExampleWithTokenRateLimit() {
	s, err := sim.Start(sim.WithSeedUsers(1), sim.WithRateLimit(100, 2*time.Second),
		sim.WithTokenRateLimit(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	statuses := []int{}
	for range 3 {
		req, _ := http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"client_credentials"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(s.ClientID(), s.ClientSecret())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		resp.Body.Close()
		statuses = append(statuses, resp.StatusCode)
	}
	st := s.Stats()
	fmt.Println(statuses[2], st.TokenRequests, st.TokenRefusals >= 1)
	// Output: 400 3 true
}
