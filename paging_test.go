package platformclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/analytics"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
)

// pagingServer serves paged listings of n users:
//
//	GET /api/v2/users?pageSize&pageNumber   pageNumber paging (entities, pageCount, total, nextUri)
//	GET /api/v2/users/query?cursor&pageSize cursor paging (entities, cursor, nextUri)
//	GET /api/v2/analytics/conversations/details/jobs/{id}/results?cursor  cursor only
//	POST /api/v2/analytics/conversations/details/query  body paging, totalHits
//
// It counts requests per path and can fail one page or repeat a nextUri.
type pagingServer struct {
	*httptest.Server
	n         int
	noNextURI bool // omit nextUri from page-number listings
	failPage  int  // answer this page number (or cursor page) with 500
	loop      bool // hand out the same nextUri forever

	mu       sync.Mutex
	requests []string // "METHOD path?query" in order
}

func newPagingServer(t *testing.T, n int) *pagingServer {
	s := &pagingServer{n: n}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *pagingServer) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

func userID(i int) string { return fmt.Sprintf("user-%04d", i) }

func (s *pagingServer) users(from, to int) []map[string]any {
	var out []map[string]any
	for i := from; i < to && i < s.n; i++ {
		out = append(out, map[string]any{"id": userID(i), "name": "User " + strconv.Itoa(i)})
	}
	return out
}

func (s *pagingServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery)
	s.mu.Unlock()
	q := r.URL.Query()
	size, _ := strconv.Atoi(q.Get("pageSize"))
	if size <= 0 {
		size = 25
	}
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		b, _ := json.Marshal(v)
		w.Write(b)
	}
	switch {
	case r.Method == "GET" && r.URL.Path == "/api/v2/users":
		page, _ := strconv.Atoi(q.Get("pageNumber"))
		if page <= 0 {
			page = 1
		}
		if page == s.failPage {
			http.Error(w, `{"message":"boom","status":500}`, 500)
			return
		}
		pages := (s.n + size - 1) / size
		body := map[string]any{"entities": s.users((page-1)*size, page*size), "pageSize": size, "pageNumber": page,
			"total": s.n, "pageCount": pages}
		if !s.noNextURI && page < pages {
			q.Set("pageNumber", strconv.Itoa(page+1))
			body["nextUri"] = "/api/v2/users?" + q.Encode()
		}
		if s.loop {
			body["nextUri"] = "/api/v2/users?pageNumber=2"
		}
		reply(body)
	case r.Method == "GET" && r.URL.Path == "/api/v2/users/query":
		start := 0
		if c := q.Get("cursor"); c != "" {
			start, _ = strconv.Atoi(c)
		}
		body := map[string]any{"entities": s.users(start, start+size)}
		if start+size < s.n {
			q.Set("cursor", strconv.Itoa(start+size))
			body["cursor"] = strconv.Itoa(start + size)
			// An absolute nextUri on another host: the client must keep
			// sending to its base URL.
			body["nextUri"] = "https://elsewhere.invalid/api/v2/users/query?" + q.Encode()
		}
		reply(body)
	case r.Method == "GET" && r.URL.Path == "/api/v2/analytics/conversations/details/jobs/job-1/results":
		start := 0
		if c := q.Get("cursor"); c != "" {
			start, _ = strconv.Atoi(c[len("c"):])
		}
		if s.failPage > 0 && start/size+1 == s.failPage {
			http.Error(w, `{"message":"boom","status":500}`, 500)
			return
		}
		var convs []map[string]any
		for i := start; i < start+size && i < s.n; i++ {
			convs = append(convs, map[string]any{"conversationId": fmt.Sprintf("conv-%04d", i)})
		}
		body := map[string]any{"conversations": convs}
		if start+size < s.n {
			body["cursor"] = "c" + strconv.Itoa(start+size)
		}
		reply(body)
	case r.Method == "POST" && r.URL.Path == "/api/v2/analytics/conversations/details/query":
		var in struct {
			Paging struct {
				PageSize   int `json:"pageSize"`
				PageNumber int `json:"pageNumber"`
			} `json:"paging"`
		}
		if err := json.UnmarshalRead(r.Body, &in); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		size := max(in.Paging.PageSize, 25)
		start := (max(in.Paging.PageNumber, 1) - 1) * size
		var convs []map[string]any
		for i := start; i < start+size && i < s.n; i++ {
			convs = append(convs, map[string]any{"conversationId": fmt.Sprintf("conv-%04d", i)})
		}
		reply(map[string]any{"conversations": convs, "totalHits": s.n})
	default:
		http.NotFound(w, r)
	}
}

func newPagingClient(t *testing.T, base string) *platformclient.Client {
	t.Helper()
	c, err := platformclient.New(platformclient.WithBaseURL(base), platformclient.WithAccessToken("test-token"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkSequence fails unless ids are exactly want in order: no duplicates, no gaps.
func checkSequence(t *testing.T, ids []string, want int, id func(int) string) {
	t.Helper()
	if len(ids) != want {
		t.Fatalf("got %d items, want %d", len(ids), want)
	}
	for i, got := range ids {
		if got != id(i) {
			t.Fatalf("item %d is %q, want %q", i, got, id(i))
		}
	}
}

func TestPageNumberIteration(t *testing.T) {
	for _, follow := range []bool{true, false} {
		t.Run(fmt.Sprintf("nextUri=%t", follow), func(t *testing.T) {
			srv := newPagingServer(t, 1000)
			srv.noNextURI = !follow
			u := users.NewClient(newPagingClient(t, srv.URL))
			var ids []string
			opts := &users.GetUsersOptions{PageSize: platformclient.Ptr(100), Expand: []string{"presence"}}
			for user, err := range u.GetUsersItems(context.Background(), opts) {
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, *user.ID)
			}
			checkSequence(t, ids, 1000, userID)
			if n := srv.count(); n != 10 {
				t.Fatalf("%d requests, want 10: %v", n, srv.requests)
			}
			// Every request kept the caller's options.
			for _, r := range srv.requests {
				if q, _ := url.ParseQuery(r[len("GET /api/v2/users?"):]); q.Get("expand") != "presence" || q.Get("pageSize") != "100" {
					t.Fatalf("request lost options: %s", r)
				}
			}
			if opts.PageNumber != nil {
				t.Fatal("the caller's options were modified")
			}
		})
	}
}

func TestPagesWalkAndStartPage(t *testing.T) {
	srv := newPagingServer(t, 1000)
	u := users.NewClient(newPagingClient(t, srv.URL))
	var numbers []int
	for page, err := range u.GetUsersPages(context.Background(), &users.GetUsersOptions{PageSize: platformclient.Ptr(250), PageNumber: platformclient.Ptr(2)}) {
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, *page.PageNumber)
	}
	if fmt.Sprint(numbers) != "[2 3 4]" {
		t.Fatalf("pages %v, want [2 3 4]", numbers)
	}
}

func TestIterationIsLazy(t *testing.T) {
	srv := newPagingServer(t, 1000)
	u := users.NewClient(newPagingClient(t, srv.URL))
	seq := u.GetUsersItems(context.Background(), &users.GetUsersOptions{PageSize: platformclient.Ptr(100)})
	if n := srv.count(); n != 0 {
		t.Fatalf("%d requests before iterating", n)
	}
	got := 0
	for _, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		if got++; got == 10 {
			break
		}
	}
	if n := srv.count(); n != 1 {
		t.Fatalf("%d requests for 10 items, want 1", n)
	}
	// The sequence can be ranged again from the start.
	got = 0
	for range seq {
		got++
	}
	if got != 1000 {
		t.Fatalf("second range: %d items", got)
	}
}

func TestCursorIteration(t *testing.T) {
	t.Run("nextUri", func(t *testing.T) {
		srv := newPagingServer(t, 1000)
		u := users.NewClient(newPagingClient(t, srv.URL))
		var ids []string
		for user, err := range u.GetUsersQueryItems(context.Background(), &users.GetUsersQueryOptions{PageSize: platformclient.Ptr(100)}) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, *user.ID)
		}
		checkSequence(t, ids, 1000, userID)
		if n := srv.count(); n != 10 {
			t.Fatalf("%d requests, want 10", n)
		}
	})
	t.Run("cursor", func(t *testing.T) {
		srv := newPagingServer(t, 1000)
		a := analytics.NewClient(newPagingClient(t, srv.URL))
		var ids []string
		for conv, err := range a.GetAnalyticsConversationsDetailsJobResultsItems(context.Background(), "job-1",
			&analytics.GetAnalyticsConversationsDetailsJobResultsOptions{PageSize: platformclient.Ptr(100)}) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, *conv.ConversationID)
		}
		checkSequence(t, ids, 1000, func(i int) string { return fmt.Sprintf("conv-%04d", i) })
		if n := srv.count(); n != 10 {
			t.Fatalf("%d requests, want 10", n)
		}
	})
}

func TestBodyPaging(t *testing.T) {
	srv := newPagingServer(t, 230)
	a := analytics.NewClient(newPagingClient(t, srv.URL))
	q := &models.ConversationQuery{Paging: models.PagingSpec{PageSize: platformclient.Ptr(100)}}
	var ids []string
	for conv, err := range a.PostAnalyticsConversationsDetailsQueryItems(context.Background(), q, nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, *conv.ConversationID)
	}
	checkSequence(t, ids, 230, func(i int) string { return fmt.Sprintf("conv-%04d", i) })
	if n := srv.count(); n != 3 {
		t.Fatalf("%d requests, want 3", n)
	}
	if q.Paging.PageNumber != nil {
		t.Fatal("the caller's body was modified")
	}
}

func TestCancellationMidIteration(t *testing.T) {
	srv := newPagingServer(t, 1000)
	u := users.NewClient(newPagingClient(t, srv.URL))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := 0
	var last error
	for _, err := range u.GetUsersItems(ctx, &users.GetUsersOptions{PageSize: platformclient.Ptr(100)}) {
		if err != nil {
			last = err
			continue // the iterator must stop by itself after an error
		}
		if got++; got == 150 {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) {
		t.Fatalf("last error %v, want context.Canceled", last)
	}
	if got != 200 || srv.count() != 2 {
		t.Fatalf("%d items in %d requests, want 200 in 2", got, srv.count())
	}
}

func TestFirstErrorStops(t *testing.T) {
	srv := newPagingServer(t, 1000)
	srv.failPage = 3
	u := users.NewClient(newPagingClient(t, srv.URL))
	got, errs := 0, 0
	var apiErr *platformclient.APIError
	for _, err := range u.GetUsersItems(context.Background(), &users.GetUsersOptions{PageSize: platformclient.Ptr(100)}) {
		if err != nil {
			errs++
			if !errors.As(err, &apiErr) || apiErr.StatusCode != 500 {
				t.Fatalf("error %v, want a 500 *APIError", err)
			}
			continue
		}
		got++
	}
	if got != 200 || errs != 1 || srv.count() != 3 {
		t.Fatalf("%d items, %d errors, %d requests; want 200, 1, 3", got, errs, srv.count())
	}
}

func TestRepeatedNextURIIsAnError(t *testing.T) {
	srv := newPagingServer(t, 1000)
	srv.loop = true
	u := users.NewClient(newPagingClient(t, srv.URL))
	var last error
	pages := 0
	for _, err := range u.GetUsersPages(context.Background(), &users.GetUsersOptions{PageSize: platformclient.Ptr(100)}) {
		if err != nil {
			last = err
			continue
		}
		pages++
	}
	if !errors.Is(last, platformclient.ErrPageLoop) || pages != 2 {
		t.Fatalf("%d pages, error %v; want 2 pages and ErrPageLoop", pages, last)
	}
}

func TestGetURIStaysOnBaseURL(t *testing.T) {
	srv := newPagingServer(t, 10)
	c := newPagingClient(t, srv.URL)
	var out models.UserEntityListing
	if err := c.GetURI(context.Background(), "https://elsewhere.invalid/api/v2/users?pageSize=5&pageNumber=2", &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Entities) != 5 || *out.Entities[0].ID != userID(5) {
		t.Fatalf("got %+v", out.Entities)
	}
	if err := c.GetURI(context.Background(), "", &out); err == nil {
		t.Fatal("empty URI accepted")
	}
}
