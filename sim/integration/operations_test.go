// Package integration tests the simulator through the SDK: every operation
// of the generated table, and the stateful resources through the generated
// API packages.
package integration

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/operations"
	"github.com/purecloudgo/platformclient/runtime"
	"github.com/purecloudgo/platformclient/sim"
)

// ids holds real ids of seeded entities, so calls on stateful routes find
// what they name.
type ids struct {
	byVar   map[string]string
	members []string // members of byVar["queueId"]
	nextMem int
	users   []string
	home    string
	jobs    map[string]string // fulfilled analytics job ids by job collection path
}

func listIDs(t *testing.T, c *platformclient.Client, path string) []string {
	t.Helper()
	var l struct {
		Entities []struct {
			ID           string `json:"id"`
			HomeDivision bool   `json:"homeDivision"`
		} `json:"entities"`
	}
	if err := c.Do(context.Background(), runtime.NewRequest("GET", path), &l); err != nil {
		t.Fatalf("list %s: %v", path, err)
	}
	var out []string
	for _, e := range l.Entities {
		if !e.HomeDivision {
			out = append(out, e.ID)
		}
	}
	if len(out) == 0 {
		t.Fatalf("list %s: no entities", path)
	}
	return out
}

func resolveIDs(t *testing.T, c *platformclient.Client) *ids {
	t.Helper()
	r := &ids{byVar: map[string]string{}}
	r.users = listIDs(t, c, "/api/v2/users?pageSize=50")
	r.byVar["userId"] = r.users[0]
	r.byVar["subjectId"] = r.users[0]
	r.byVar["groupId"] = listIDs(t, c, "/api/v2/groups")[0]
	r.byVar["queueId"] = listIDs(t, c, "/api/v2/routing/queues")[0]
	r.byVar["skillId"] = listIDs(t, c, "/api/v2/routing/skills")[0]
	r.byVar["languageId"] = listIDs(t, c, "/api/v2/routing/languages")[0]
	r.byVar["codeId"] = listIDs(t, c, "/api/v2/routing/wrapupcodes")[0]
	r.byVar["divisionId"] = listIDs(t, c, "/api/v2/authorization/divisions")[0] // not the home division
	r.byVar["presenceId"] = listIDs(t, c, "/api/v2/presencedefinitions")[0]
	r.byVar["definitionId"] = listIDs(t, c, "/api/v2/presence/definitions")[0]
	r.byVar["contactId"] = listIDs(t, c, "/api/v2/externalcontacts/contacts")[0]
	r.members = listIDs(t, c, "/api/v2/routing/queues/"+r.byVar["queueId"]+"/members?pageSize=100")
	var ch struct {
		ID string `json:"id"`
	}
	if err := c.Do(context.Background(), runtime.NewRequest("POST", "/api/v2/notifications/channels"), &ch); err != nil {
		t.Fatal(err)
	}
	r.byVar["channelId"] = ch.ID
	var home struct{ ID string }
	if err := c.Do(context.Background(), runtime.NewRequest("GET", "/api/v2/authorization/divisions/home"), &home); err != nil {
		t.Fatal(err)
	}
	r.home = home.ID
	r.jobs = map[string]string{}
	for _, base := range []string{"/api/v2/analytics/conversations/details/jobs", "/api/v2/analytics/users/details/jobs"} {
		var job struct {
			JobID string `json:"jobId"`
		}
		req := runtime.NewRequest("POST", base)
		req.Body = map[string]any{"interval": "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z", "limit": 10}
		if err := c.Do(context.Background(), req, &job); err != nil {
			t.Fatalf("submit %s: %v", base, err)
		}
		for poll := 0; ; poll++ { // the simulator fulfils jobs after a poll or two
			var st struct {
				State string `json:"state"`
			}
			if err := c.Do(context.Background(), runtime.NewRequest("GET", base+"/{jobId}", job.JobID), &st); err != nil {
				t.Fatalf("poll %s: %v", base, err)
			}
			if st.State == "FULFILLED" {
				break
			}
			if poll == 10 {
				t.Fatalf("job %s of %s is still %s after %d polls", job.JobID, base, st.State, poll+1)
			}
		}
		r.jobs[base] = job.JobID
	}
	return r
}

// pathValue picks a value for a path variable.
func (r *ids) pathValue(op *operations.Operation, name string) string {
	if name == "memberId" && strings.Contains(op.Path, "/routing/queues/") {
		m := r.members[r.nextMem%len(r.members)]
		r.nextMem++
		return m
	}
	if base, _, ok := strings.Cut(op.Path, "/{jobId}"); ok && name == "jobId" && r.jobs[base] != "" {
		return r.jobs[base]
	}
	for _, p := range op.Params {
		if p.Name != name || p.In != "path" {
			continue
		}
		if len(p.Enum) > 0 {
			return p.Enum[0]
		}
		if p.Type == "integer" || p.Type == "number" {
			if p.Min != nil && *p.Min > 1 {
				return strconv.Itoa(int(*p.Min))
			}
			return "1"
		}
	}
	if v, ok := r.byVar[name]; ok {
		return v
	}
	return "0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978" // UUID-shaped: satisfies the id patterns
}

// queryValue picks a valid value for a required query parameter.
func queryValue(p operations.Param) string {
	if len(p.Enum) > 0 {
		return p.Enum[0]
	}
	typ := p.Type
	if typ == "array" {
		typ = p.ItemsType
	}
	switch typ {
	case "integer", "number":
		if p.Min != nil {
			return strconv.Itoa(int(*p.Min))
		}
		return "1"
	case "boolean":
		return "true"
	}
	if p.Pattern != "" || strings.HasSuffix(p.Name, "Id") {
		return "0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978"
	}
	if p.Min != nil {
		return strconv.Itoa(int(*p.Min))
	}
	return "sim"
}

// fixReferences points the references of a filled request body at
// entities that exist: divisions, users, queue members.
func (r *ids) fixReferences(op *operations.Operation, v reflect.Value, field string, depth int) {
	if depth > 8 || !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			r.fixReferences(op, v.Elem(), field, depth+1)
		}
	case reflect.Struct:
		if v.IsZero() { // an absent nested model (models hold nested models by value)
			return
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			f := v.Field(i)
			switch {
			case name == "divisionId" && f.Type() == reflect.TypeFor[*string]():
				f.Set(reflect.ValueOf(&r.home))
			case name == "id" && field == "division" && f.Type() == reflect.TypeFor[*string]():
				f.Set(reflect.ValueOf(&r.home))
			case name == "id" && field == "presenceDefinition" && f.Type() == reflect.TypeFor[*string]():
				id := r.byVar["presenceId"]
				f.Set(reflect.ValueOf(&id))
			case name == "id" && field == "member" && f.Type() == reflect.TypeFor[*string]():
				id := r.members[0]
				f.Set(reflect.ValueOf(&id))
			case name == "id" && strings.Contains(op.Path, "/routingskills") && f.Type() == reflect.TypeFor[*string]():
				id := r.byVar["skillId"]
				f.Set(reflect.ValueOf(&id))
			case name == "id" && strings.Contains(op.Path, "/routinglanguages") && f.Type() == reflect.TypeFor[*string]():
				id := r.byVar["languageId"]
				f.Set(reflect.ValueOf(&id))
			case name == "proficiency" && f.Type() == reflect.TypeFor[*float64]():
				f.Set(reflect.ValueOf(platformclient.Ptr(3.0)))
			case (name == "ownerIds" || name == "memberIds") && f.Type() == reflect.TypeFor[[]string]():
				f.Set(reflect.ValueOf([]string{r.users[1]}))
			case name == "interval" && f.Type() == reflect.TypeFor[*string]():
				iv := "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z"
				f.Set(reflect.ValueOf(&iv))
			case name == "granularity" && f.Type() == reflect.TypeFor[*string]():
				g := "PT1H" // an ISO-8601 duration, as the aggregates queries read it
				f.Set(reflect.ValueOf(&g))
			case name == "manager" && f.Type() == reflect.TypeFor[*string]():
				f.Set(reflect.ValueOf(&r.users[2]))
			default:
				r.fixReferences(op, f, name, depth+1)
			}
		}
	case reflect.Slice:
		if field == "" && strings.Contains(op.Path, "/routing/queues/{queueId}/") {
			field = "member"
		}
		for i := 0; i < v.Len(); i++ {
			r.fixReferences(op, v.Index(i), field, depth+1)
		}
	}
}

// setVersion copies the current version of the entity an update names
// into its body, looking at the operation's path and its parent.
func setVersion(ctx context.Context, c *platformclient.Client, op *operations.Operation, values []any, body any) {
	rv := reflect.ValueOf(body).Elem()
	if rv.Kind() != reflect.Struct {
		return
	}
	f, ok := rv.Type().FieldByName("Version")
	if !ok || f.Type != reflect.TypeFor[*int]() {
		return
	}
	tmpl := op.Path
	for range 2 {
		n := strings.Count(tmpl, "{")
		var cur struct {
			Version *int `json:"version"`
		}
		if err := c.Do(ctx, runtime.NewRequest("GET", tmpl, values[:n]...), &cur); err == nil && cur.Version != nil {
			rv.FieldByIndex(f.Index).Set(reflect.ValueOf(cur.Version))
			return
		}
		tmpl = tmpl[:strings.LastIndex(tmpl, "/")]
	}
}

// TestEveryOperation calls each operation of operations.All against the
// simulator and decodes each answer into the operation's response model,
// strictly: a member the model does not have fails the test.
func TestEveryOperation(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(100))
	c, err := s.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	r := resolveIDs(t, c)
	// /users/me needs a token that belongs to a user.
	userTok, err := s.UserToken(r.users[0])
	if err != nil {
		t.Fatal(err)
	}
	uc, err := platformclient.New(platformclient.WithBaseURL(s.URL()), platformclient.WithAccessToken(userTok))
	if err != nil {
		t.Fatal(err)
	}

	// Deletes go last, deepest paths first, so nothing is deleted before
	// the calls that need it.
	order := make([]*operations.Operation, len(operations.All))
	for i := range operations.All {
		order[i] = &operations.All[i]
	}
	slices.SortStableFunc(order, func(a, b *operations.Operation) int {
		da, db := a.Method == http.MethodDelete, b.Method == http.MethodDelete
		switch {
		case da != db && da:
			return 1
		case da != db:
			return -1
		case da:
			return strings.Count(b.Path, "/") - strings.Count(a.Path, "/")
		}
		return 0
	})

	ok, refused := 0, 0
	for i, op := range order {
		var values []any
		for _, seg := range strings.Split(op.Path, "/") {
			if strings.HasPrefix(seg, "{") {
				values = append(values, r.pathValue(op, seg[1:len(seg)-1]))
			}
		}
		req := runtime.NewRequest(op.Method, op.Path, values...)
		req.Accept = op.Produces
		for _, p := range op.Params {
			if p.Required && p.In == "query" {
				req.AddQuery(p.Name, queryValue(p))
			}
		}
		if op.Body != nil {
			body := op.Body.New()
			if err := sim.Fill(body, uint64(i)+1); err != nil {
				t.Fatal(err)
			}
			r.fixReferences(op, reflect.ValueOf(body), "", 0)
			setVersion(ctx, c, op, values, body)
			req.Body = body
			if op.Consumes != "" {
				req.ContentType = op.Consumes
			}
		}
		var resp platformclient.Response
		var out any
		switch {
		case op.Response != nil:
			out = op.Response()
		case op.Produces != "" && !strings.Contains(op.Produces, "json"):
			out = new(string)
		}
		caller := c
		if strings.HasPrefix(op.Path, "/api/v2/users/me") {
			caller = uc
		}
		if err := caller.Do(ctx, req, out, platformclient.CaptureResponse(&resp)); err != nil {
			if refusedByState(op, err) {
				refused++
				continue
			}
			t.Errorf("%s %s (%s): %v", op.Method, op.Path, op.ID, err)
			continue
		}
		if op.Response != nil && op.Method != http.MethodHead {
			strict := op.Response()
			if err := json.Unmarshal(resp.Body, strict, json.RejectUnknownMembers(true)); err != nil {
				t.Errorf("%s %s (%s): answer does not fit %T: %v", op.Method, op.Path, op.ID, strict, err)
				continue
			}
		}
		ok++
	}
	if ok+refused != len(operations.All) || ok+refused != 3164 {
		t.Fatalf("%d of %d operations answered and decoded, %d refused (the definition has 3,164)", ok, len(operations.All), refused)
	}
	t.Logf("%d operations answered and decoded, %d refused the made-up conversations", ok, refused)
}

// refusedByState reports whether an operation on conversations, which the
// simulator keeps state for, refused the test's made-up ids and bodies
// with a Genesys 400 or 404 (sim/integration/conversations_test.go drives
// those operations with real conversations).
func refusedByState(op *operations.Operation, err error) bool {
	var ae *platformclient.APIError
	if !errors.As(err, &ae) || (ae.StatusCode != http.StatusBadRequest && ae.StatusCode != http.StatusNotFound) ||
		ae.Body.Code == "" || ae.Body.ContextID == "" || ae.Body.Message == "" {
		return false
	}
	return strings.HasPrefix(op.Path, "/api/v2/conversations") || op.Path == "/api/v2/analytics/queues/observations/query" ||
		op.Path == "/api/v2/analytics/conversations/{conversationId}/details"
}

func TestOperationCount(t *testing.T) {
	if n := len(operations.All); n != 3164 {
		t.Fatalf("operations.All has %d operations, want 3164", n)
	}
	_ = fmt.Sprint()
}
