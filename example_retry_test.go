package platformclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/runtime"
)

// A client that logs each retry; the local server fails once with 503.
func ExampleWithRetryPolicy() {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"id":"42","name":"Ada"}`)
	}))
	defer srv.Close()

	c, err := platformclient.New(platformclient.WithBaseURL(srv.URL),
		platformclient.WithAccessToken("token"),
		platformclient.WithRetryPolicy(platformclient.RetryPolicy{
			RetryWaitMin: time.Millisecond, // short waits for the example
			RetryWaitMax: 10 * time.Millisecond,
			OnRetry: func(e platformclient.RetryEvent) {
				fmt.Printf("attempt %d: status %d, retrying\n", e.Attempt, platformclient.StatusCode(e.Err))
			},
		}))
	if err != nil {
		fmt.Println(err)
		return
	}
	var user struct {
		Name string `json:"name"`
	}
	err = c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/users/{userId}", "42"), &user)
	fmt.Println(user.Name, err)
	// Output:
	// attempt 1: status 503, retrying
	// Ada <nil>
}

// Inspecting the error of a call that ran out of retries.
func ExampleIsRetryable() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "600") // above the 180 s cap: returned at once
		w.Header().Set("ININ-Correlation-Id", "c0ffee")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c, _ := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("token"))

	err := c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/routing/queues"), nil)
	var apiErr *platformclient.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.RetryAfter, apiErr.CorrelationID, apiErr.Attempts)
	}
	fmt.Println(platformclient.IsRateLimited(err), platformclient.IsRetryable(err))
	// Output:
	// 429 10m0s c0ffee 1
	// true true
}
