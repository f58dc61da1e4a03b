package platformclient_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/runtime"
)

// queue is the part of a routing queue the examples read.
type queue struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// A create whose answer is cut off may have been applied: look the object up
// by its name before creating it again. The local server creates the queue,
// then cuts the body of its 200 answer, as a dropped connection would.
func ExampleIsOutcomeUnknown() {
	var mu sync.Mutex
	queues := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.Method {
		case http.MethodPost:
			queues["Support"] = true                // the work is done...
			w.Header().Set("Content-Length", "100") // ...and the answer breaks off
			io.WriteString(w, `{"id":"q1","na`)
		case http.MethodGet:
			if queues[r.URL.Query().Get("name")] {
				io.WriteString(w, `{"entities":[{"id":"q1","name":"Support"}]}`)
				return
			}
			io.WriteString(w, `{"entities":[]}`)
		}
	}))
	defer srv.Close()
	c, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("token"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	create := runtime.NewRequest("POST", "/api/v2/routing/queues")
	create.Body = map[string]string{"name": "Support"}
	var q queue
	err = c.Do(ctx, create, &q)
	if platformclient.IsOutcomeUnknown(err) {
		fmt.Println("outcome unknown: looking the queue up")
		find := runtime.NewRequest("GET", "/api/v2/routing/queues")
		find.AddQuery("name", "Support")
		var page struct {
			Entities []queue `json:"entities"`
		}
		if err := c.Do(ctx, find, &page); err != nil {
			fmt.Println(err)
			return
		}
		if len(page.Entities) == 1 {
			fmt.Println("it was created:", page.Entities[0].ID)
			return
		}
		fmt.Println("it was not created: create it again")
	}
	// Output:
	// outcome unknown: looking the queue up
	// it was created: q1
}

// Read an object right after creating it, while the service may not show it
// yet. The local server answers 404 to the first two reads.
func ExampleRetryNotFound() {
	var reads atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if reads.Add(1) <= 2 {
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"queue not found","code":"not.found","status":404}`)
			return
		}
		io.WriteString(w, `{"id":"q1","name":"Support"}`)
	}))
	defer srv.Close()
	c, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("token"),
		platformclient.WithRetryPolicy(platformclient.RetryPolicy{RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Millisecond}))
	if err != nil {
		fmt.Println(err)
		return
	}
	var q queue
	err = c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/routing/queues/{queueId}", "q1"), &q,
		platformclient.RetryNotFound(5*time.Second))
	fmt.Println(q.Name, err, reads.Load(), "reads")
	// Output: Support <nil> 3 reads
}
