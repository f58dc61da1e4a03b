package analyticsjobs_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/analyticsjobs"
	"github.com/purecloudgo/platformclient/models"
)

// exampleServer is a tiny stand-in for the analytics job endpoints: the job
// is PENDING on the first poll and FULFILLED on the next; its results come
// in two pages.
func exampleServer() *httptest.Server {
	polls := 0
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v2/analytics/conversations/details/jobs", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"jobId":"job-1"}`)
	})
	mux.HandleFunc("GET /api/v2/analytics/conversations/details/jobs/job-1", func(w http.ResponseWriter, r *http.Request) {
		if polls++; polls == 1 {
			fmt.Fprint(w, `{"state":"PENDING"}`)
			return
		}
		fmt.Fprint(w, `{"state":"FULFILLED"}`)
	})
	mux.HandleFunc("GET /api/v2/analytics/conversations/details/jobs/job-1/results", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("cursor") == "" {
			fmt.Fprint(w, `{"conversations":[{"conversationId":"c1"},{"conversationId":"c2"}],"cursor":"page-2"}`)
			return
		}
		fmt.Fprint(w, `{"conversations":[{"conversationId":"c3"}]}`)
	})
	return httptest.NewServer(mux)
}

// Submit a conversation details job, wait for it and read every result.
func Example() {
	srv := exampleServer()
	defer srv.Close()
	client, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("token"))
	if err != nil {
		panic(err)
	}
	// Poll quickly for the example; the default backoff starts at 1 s.
	jobs := analyticsjobs.New(client, analyticsjobs.WithBackoff(analyticsjobs.Backoff{Initial: time.Millisecond, Max: time.Millisecond}))

	ctx := context.Background()
	interval := "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z"
	job, err := jobs.SubmitConversationDetails(ctx, &models.AsyncConversationQuery{Interval: &interval})
	if err != nil {
		panic(err)
	}
	for conv, err := range job.All(ctx) {
		var failed *analyticsjobs.JobError
		if errors.As(err, &failed) {
			fmt.Println("job", failed.State, failed.Message)
			return
		}
		if err != nil {
			panic(err)
		}
		fmt.Println(*conv.ConversationID)
	}
	// Output:
	// c1
	// c2
	// c3
}
