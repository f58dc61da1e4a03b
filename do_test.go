package platformclient_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/integrations"
	"github.com/purecloudgo/platformclient/api/oauth"
	"github.com/purecloudgo/platformclient/api/taskmanagement"
	"github.com/purecloudgo/platformclient/api/telephonyprovidersedge"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/runtime"
	"github.com/purecloudgo/platformclient/types"
)

func ptr[T any](v T) *T { return &v }

// recorded is what the test server saw of one request.
type recorded struct {
	method, escapedPath, rawQuery, contentType string
	header                                     http.Header
	body                                       []byte
}

// recorder is an httptest server that records requests and answers with a
// fixed status, content type and body.
type recorder struct {
	*httptest.Server
	mu     sync.Mutex
	reqs   []recorded
	status int
	ctype  string
	body   string
	header http.Header
}

func newRecorder(t *testing.T, status int, ctype, body string) *recorder {
	r := &recorder{status: status, ctype: ctype, body: body, header: http.Header{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.reqs = append(r.reqs, recorded{req.Method, req.URL.EscapedPath(), req.URL.RawQuery, req.Header.Get("Content-Type"), req.Header.Clone(), b})
		r.mu.Unlock()
		for k, vs := range r.header {
			w.Header()[k] = vs
		}
		if r.ctype != "" {
			w.Header().Set("Content-Type", r.ctype)
		}
		w.WriteHeader(r.status)
		io.WriteString(w, r.body)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *recorder) last(t *testing.T) recorded {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reqs) == 0 {
		t.Fatal("no request reached the server")
	}
	return r.reqs[len(r.reqs)-1]
}

func newClient(t *testing.T, url string) *platformclient.Client {
	t.Helper()
	c, err := platformclient.New(platformclient.WithBaseURL(url), platformclient.WithAccessToken("test-token"),
		platformclient.WithRetryPolicy(platformclient.RetryPolicy{RetryMax: -1})) // error tests want the first answer
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestQueryPathAndHeaderEncoding(t *testing.T) {
	srv := newRecorder(t, 200, "application/json", `{"entities":[],"pageSize":0}`)
	c := newClient(t, srv.URL)
	u := users.NewClient(c)
	_, err := u.GetUsers(context.Background(), &users.GetUsersOptions{
		PageSize: ptr(0), Expand: []string{"presence", "routingStatus"}, State: ptr("any"),
	})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.last(t)
	if got.method != "GET" || got.escapedPath != "/api/v2/users" {
		t.Fatalf("request line: %s %s", got.method, got.escapedPath)
	}
	if got.rawQuery != "expand=presence&expand=routingStatus&pageSize=0&state=any" {
		t.Fatalf("query: %s", got.rawQuery)
	}
	if got.header.Get("Authorization") != "Bearer test-token" || got.header.Get("Accept") != "application/json" {
		t.Fatalf("headers: %v", got.header)
	}

	// Path values are escaped, so a value cannot change the route.
	if _, err := u.GetUser(context.Background(), "a/b c?d", nil); err != nil {
		t.Fatal(err)
	}
	if p := srv.last(t).escapedPath; p != "/api/v2/users/a%2Fb%20c%3Fd" {
		t.Fatalf("escaped path: %s", p)
	}

	// An empty path value is refused before anything is sent.
	n := len(srv.reqs)
	_, err = u.GetUser(context.Background(), "", nil)
	var pe *platformclient.ParamError
	if !errors.As(err, &pe) || pe.Name != "userId" || len(srv.reqs) != n {
		t.Fatalf("empty path value: %v", err)
	}

	// Header parameters.
	if _, err := oauth.NewClient(c).GetOauthAuthorizations(context.Background(), &oauth.GetOauthAuthorizationsOptions{AcceptLanguage: ptr("fr-CA")}); err != nil {
		t.Fatal(err)
	}
	if h := srv.last(t).header.Get("Accept-Language"); h != "fr-CA" {
		t.Fatalf("header parameter: %q", h)
	}
}

func TestBodyNullOmittedAndZero(t *testing.T) {
	srv := newRecorder(t, 200, "application/json", `{"id":"w1","name":"Returns"}`)
	tm := taskmanagement.NewClient(newClient(t, srv.URL))
	body := &models.WorktypeUpdate{
		Name:              ptr("Returns"),
		AssignmentEnabled: ptr(false), // zero value, sent
		DefaultPriority:   ptr(0),     // zero value, sent
		NullFields:        []string{"defaultQueueId"},
	}
	w, err := tm.PatchTaskmanagementWorktype(context.Background(), "w1", body, nil)
	if err != nil {
		t.Fatal(err)
	}
	if platformclient.Value(w.Name) != "Returns" {
		t.Fatalf("response: %+v", w)
	}
	got := srv.last(t)
	if got.method != "PATCH" || got.escapedPath != "/api/v2/taskmanagement/worktypes/w1" || got.contentType != "application/json" {
		t.Fatalf("request: %s %s %s", got.method, got.escapedPath, got.contentType)
	}
	var sent map[string]any
	if err := json.Unmarshal(got.body, &sent); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"name": "Returns", "assignmentEnabled": false, "defaultPriority": float64(0), "defaultQueueId": nil}
	if len(sent) != len(want) {
		t.Fatalf("sent %s, want exactly %v", got.body, want)
	}
	for k, v := range want {
		if sv, ok := sent[k]; !ok || sv != v {
			t.Fatalf("sent %s: %s = %v, want %v", got.body, k, sv, v)
		}
	}
}

func TestTextResponse(t *testing.T) {
	srv := newRecorder(t, 200, "text/plain", "#set($x = 1)\n")
	s, err := integrations.NewClient(newClient(t, srv.URL)).GetIntegrationsActionDraftTemplate(context.Background(), "a1", "requestTemplate.vm", nil)
	if err != nil {
		t.Fatal(err)
	}
	if s != "#set($x = 1)\n" || srv.last(t).header.Get("Accept") != "text/plain" {
		t.Fatalf("got %q accept %q", s, srv.last(t).header.Get("Accept"))
	}
}

func TestFormAndMultipartBodies(t *testing.T) {
	srv := newRecorder(t, 200, "application/json", `{}`)
	c := newClient(t, srv.URL)
	req := runtime.NewRequest("POST", "/api/v2/things/{id}/form", "x")
	req.FormValue("name", ptr("a b"))
	req.FormValue("tags", []string{"1", "2"})
	req.FormValue("skip", (*string)(nil))
	if err := c.Do(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	got := srv.last(t)
	if got.contentType != "application/x-www-form-urlencoded" || string(got.body) != "name=a+b&tags=1&tags=2" {
		t.Fatalf("form: %s %q", got.contentType, got.body)
	}

	req = runtime.NewRequest("POST", "/api/v2/things/upload")
	req.FormValue("title", "report")
	req.FormFile("file", platformclient.File{Name: "r.csv", Content: strings.NewReader("a,b\n1,2\n")})
	if err := c.Do(context.Background(), req, nil); err != nil {
		t.Fatal(err)
	}
	got = srv.last(t)
	mt, params, err := mime.ParseMediaType(got.contentType)
	if err != nil || mt != "multipart/form-data" {
		t.Fatalf("content type %q: %v", got.contentType, err)
	}
	mr := multipart.NewReader(strings.NewReader(string(got.body)), params["boundary"])
	parts := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		parts[p.FormName()+"|"+p.FileName()] = string(b)
	}
	if parts["title|"] != "report" || parts["file|r.csv"] != "a,b\n1,2\n" {
		t.Fatalf("parts: %q", parts)
	}
}

func TestDecodeWireTypes(t *testing.T) {
	const user = `{
	  "id": "u1", "name": "Ann", "version": 0, "acdAutoAnswer": false,
	  "state": "suspended-in-2030",
	  "addresses": [{"address": "+1555", "mediaType": "PHONE", "type": "WORK"}],
	  "manager": {"id": "u0", "manager": {"id": "root"}},
	  "routingStatus": {"status": "IDLE", "startTime": "2026-11-26T09:30:00.000Z"},
	  "dateLastLogin": "2026-11-26T09:30:00Z",
	  "certifications": ["a", "b"],
	  "somethingNewer": {"x": 1}
	}`
	srv := newRecorder(t, 200, "application/json", user)
	u, err := users.NewClient(newClient(t, srv.URL)).GetUser(context.Background(), "u1", nil)
	if err != nil {
		t.Fatal(err)
	}
	if platformclient.Value(u.ID) != "u1" || *u.Version != 0 || *u.ACDAutoAnswer != false {
		t.Fatalf("scalars: %+v", u)
	}
	if *u.State != "suspended-in-2030" || u.State.IsKnown() || !models.UserStateEnumActive.IsKnown() {
		t.Fatalf("unknown enum: %v known=%v", *u.State, u.State.IsKnown())
	}
	if platformclient.Value(u.Manager.Manager.ID) != "root" {
		t.Fatal("recursive type lost")
	}
	if u.RoutingStatus.StartTime.String() != "2026-11-26T09:30:00.000Z" || u.DateLastLogin.String() != "2026-11-26T09:30:00Z" {
		t.Fatalf("date-times: %s %s", u.RoutingStatus.StartTime, u.DateLastLogin)
	}
	if len(u.Addresses) != 1 || *u.Addresses[0].MediaType != models.ContactMediaTypePHONE {
		t.Fatalf("arrays: %+v", u.Addresses)
	}

	// Nested arrays, free-form objects, maps, local date-times and dates.
	var csv models.CsvUploadPreviewResponse
	decodeVia(t, `{"entries":[["a","b"],["c"]]}`, &csv)
	if len(csv.Entries) != 2 || csv.Entries[1][0] != "c" {
		t.Fatalf("nested arrays: %v", csv.Entries)
	}
	var sched models.EdgeAutoUpdateConfig
	decodeVia(t, `{"start":"2026-03-01T02:00:00.000","end":"2026-03-01T04:00:00"}`, &sched)
	if sched.Start.String() != "2026-03-01T02:00:00.000" || sched.End.String() != "2026-03-01T04:00:00" {
		t.Fatalf("local date-times: %s %s", sched.Start, sched.End)
	}
	var node models.JsonNode
	decodeVia(t, `{"a":{"b":[1,"x",null]}}`, &node)
	if inner, _ := node["a"].(map[string]any); inner == nil {
		t.Fatalf("free-form object: %v", node)
	}
}

// decodeVia decodes body into out through a real client call.
func decodeVia(t *testing.T, body string, out any) {
	t.Helper()
	srv := newRecorder(t, 200, "application/json", body)
	if err := newClient(t, srv.URL).Do(context.Background(), runtime.NewRequest("GET", "/api/v2/x"), out); err != nil {
		t.Fatal(err)
	}
}

func TestMalformedValueNamesTheField(t *testing.T) {
	srv := newRecorder(t, 200, "application/json", `{"id":"u1","routingStatus":{"startTime":"not-a-time"}}`)
	_, err := users.NewClient(newClient(t, srv.URL)).GetUser(context.Background(), "u1", nil)
	var de *platformclient.DecodeError
	if !errors.As(err, &de) || !errors.Is(err, types.ErrFormat) {
		t.Fatalf("got %T %v", err, err)
	}
	if !strings.Contains(err.Error(), "/routingStatus/startTime") {
		t.Fatalf("error does not name the field: %v", err)
	}

	srv = newRecorder(t, 200, "application/json", `{"id":"u1","version":"three"}`)
	_, err = users.NewClient(newClient(t, srv.URL)).GetUser(context.Background(), "u1", nil)
	if !errors.As(err, &de) || !strings.Contains(err.Error(), "/version") {
		t.Fatalf("type mismatch: %v", err)
	}
}

func TestTypedErrors(t *testing.T) {
	srv := newRecorder(t, 404, "application/json", `{"message":"user not found","code":"not.found","status":404,"contextId":"ctx-1","messageWithParams":"user {id} not found","messageParams":{"id":"u9"},"details":[{"errorCode":"E1","fieldName":"id"}],"errors":[{"message":"inner"}]}`)
	srv.header.Set("ININ-Correlation-Id", "corr-42")
	_, err := users.NewClient(newClient(t, srv.URL)).GetUser(context.Background(), "u9", nil)
	var ae *platformclient.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %T %v", err, err)
	}
	if ae.StatusCode != 404 || ae.Body.Code != "not.found" || ae.Body.MessageParams["id"] != "u9" || ae.CorrelationID != "corr-42" ||
		ae.Body.ContextID != "ctx-1" || len(ae.Body.Details) != 1 || ae.Body.Details[0].FieldName != "id" || len(ae.Body.Errors) != 1 {
		t.Fatalf("error fields: %+v", ae)
	}
	if !platformclient.IsNotFound(err) || !strings.Contains(err.Error(), "user not found") || !strings.Contains(err.Error(), "corr-42") {
		t.Fatalf("message: %v", err)
	}

	html := "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
	srv = newRecorder(t, 502, "text/html", html)
	_, err = users.NewClient(newClient(t, srv.URL)).GetUsersMe(context.Background(), nil)
	if !errors.As(err, &ae) || ae.StatusCode != 502 || string(ae.RawBody) != html || ae.Body.Code != "" {
		t.Fatalf("HTML error: %T %v", err, err)
	}
	if !strings.Contains(err.Error(), "Bad Gateway") {
		t.Fatalf("message lacks the page: %v", err)
	}

	// A 2xx that is not JSON is a DecodeError, not a silent zero value.
	srv = newRecorder(t, 200, "text/html", html)
	_, err = users.NewClient(newClient(t, srv.URL)).GetUsersMe(context.Background(), nil)
	var de *platformclient.DecodeError
	if !errors.As(err, &de) || de.StatusCode != 200 {
		t.Fatalf("2xx HTML: %T %v", err, err)
	}
}

func TestContextCancellation(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := users.NewClient(newClient(t, srv.URL)).GetUsersMe(ctx, nil)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("call did not return after cancel")
	}
}

func TestCaptureResponse(t *testing.T) {
	srv := newRecorder(t, 200, "application/json", `{"id":"e1"}`)
	srv.header.Set("ININ-Correlation-Id", "c-7")
	srv.header.Set("X-Extra", "1")
	var raw platformclient.Response
	e, err := telephonyprovidersedge.NewClient(newClient(t, srv.URL)).GetTelephonyProvidersEdge(context.Background(), "e1", nil, platformclient.CaptureResponse(&raw))
	if err != nil {
		t.Fatal(err)
	}
	if platformclient.Value(e.ID) != "e1" || raw.StatusCode != 200 || raw.CorrelationID != "c-7" || raw.Header.Get("X-Extra") != "1" || string(raw.Body) != `{"id":"e1"}` {
		t.Fatalf("captured %+v", raw)
	}
}

func TestChainsOfOptionalObjectsCannotPanic(t *testing.T) {
	var u models.User // nothing set, as when the API omits every field
	if got := platformclient.Value(u.Presence.PresenceDefinition.SystemPresence); got != "" {
		t.Fatalf("got %q", got)
	}
	if u.RoutingStatus.StartTime != nil || u.Division.ID != nil || u.EmployerInfo.EmployeeID != nil || len(u.Skills) != 0 {
		t.Fatal("zero user has values")
	}
}

func TestConnectionsAreReused(t *testing.T) {
	var mu sync.Mutex
	conns := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"me"}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns++
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	u := users.NewClient(newClient(t, srv.URL))
	for i := 0; i < 20; i++ {
		if _, err := u.GetUsersMe(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if conns != 1 {
		t.Fatalf("20 sequential calls opened %d connections, want 1", conns)
	}
}

func TestHeadErrorHasNoBody(t *testing.T) {
	srv := newRecorder(t, 404, "application/json", "")
	srv.header.Set("Content-Length", "57") // what the GET would have sent
	c := newClient(t, srv.URL)
	err := c.Do(context.Background(), runtime.NewRequest("HEAD", "/api/v2/users/{userId}", "nope"), nil)
	var ae *platformclient.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Fatalf("got %T %v, want a 404 APIError", err, err)
	}
}
