package sim_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

func TestRequestRecord(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(5))
	c, err := s.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u := users.NewClient(c)
	created, err := u.PostUsers(ctx, &models.CreateUser{Name: platformclient.Ptr("Rec"), Email: platformclient.Ptr("rec@example.com"),
		Password: platformclient.Ptr("hunter2-secret")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := u.GetUser(ctx, *created.ID, &users.GetUserOptions{Expand: []string{"presence", "groups"}}); err != nil {
		t.Fatal(err)
	}
	_, _ = u.GetUser(ctx, "no-such-user", nil)

	got := s.Requests()
	if len(got) != 4 {
		t.Fatalf("%d requests recorded, want 4 (login, create, get, get): %+v", len(got), got)
	}
	login, create, get, missing := got[0], got[1], got[2], got[3]
	if login.Route != "POST /oauth/token" || login.Body != nil || login.Status != 200 {
		t.Errorf("login: %+v (its form body holds the secret: never kept)", login)
	}
	if create.Route != "POST /api/v2/users" || create.Method != "POST" || !strings.Contains(string(create.Body), `"email":"rec@example.com"`) {
		t.Errorf("create: %+v %s", create, create.Body)
	}
	if strings.Contains(string(create.Body), "hunter2") || !strings.Contains(string(create.Body), `"password":"[redacted]"`) {
		t.Errorf("the password was not redacted: %s", create.Body)
	}
	if get.Route != "GET /api/v2/users/{userId}" || get.Path != "/api/v2/users/"+*created.ID || strings.Join(get.Query["expand"], ",") != "presence,groups" {
		t.Errorf("get: %+v", get)
	}
	if missing.Status != 404 || missing.CorrelationID == "" {
		t.Errorf("a 404 is recorded with its status and correlation id: %+v", missing)
	}
	if n := len(s.RequestsTo("GET /api/v2/users/{id}")); n != 2 {
		t.Errorf("RequestsTo found %d gets, want 2", n)
	}
	if n := len(s.RequestsTo(sim.AllRoutes)); n != 4 {
		t.Errorf("RequestsTo(AllRoutes) found %d, want 4", n)
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
}

func TestRequestRecordRedactsQuery(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	call(t, s, "GET", "/api/v2/users?access_token=abc&client_secret=def&name=x", "", "")
	call(t, s, "GET", "/oauth/token?client_id=sim-client-id&code_verifier=zzz", "", "")
	for _, r := range s.Requests() {
		for k, vs := range r.Query {
			for _, v := range vs {
				if v == "abc" || v == "def" || v == "zzz" {
					t.Errorf("secret %s=%s recorded", k, v)
				}
			}
		}
	}
	if q := s.Requests()[0].Query; q.Get("name") != "x" || q.Get("access_token") != "[redacted]" {
		t.Errorf("query %v", q)
	}
}

func TestRequestRecordBounded(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithRequestRecord(3))
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			call(t, s, "GET", fmt.Sprintf("/api/v2/routing/skills?pageNumber=%d", i+1), "", "")
		}()
	}
	wg.Wait()
	call(t, s, "GET", "/api/v2/routing/skills?pageNumber=99", "", "")
	got := s.Requests()
	if len(got) != 3 || got[2].Query.Get("pageNumber") != "99" {
		t.Fatalf("want the latest 3 requests, the last one last: %+v", got)
	}
	off := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithRequestRecord(0))
	call(t, off, "GET", "/api/v2/routing/skills", "", "")
	if off.Requests() != nil {
		t.Error("WithRequestRecord(0) still records")
	}
}
