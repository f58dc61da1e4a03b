package integration

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/sim"
)

// These tests speak raw HTTP the way the public Genesys SDKs do (Python
// PureCloudPlatformClientV2, Go platform-client-sdk-go): arrays joined with
// commas whatever collectionFormat says, every unset integer sent as 0 (Go),
// booleans as the language prints them, and the calls of the SDKs' own
// integration tests. The simulator must answer as the service does.

// wire is a raw HTTP client with one bearer token.
type wire struct {
	t     *testing.T
	base  string
	token string
}

func newWire(t *testing.T, s *sim.Server) *wire {
	t.Helper()
	w := &wire{t: t, base: s.URL()}
	form := url.Values{"grant_type": {"client_credentials"}}
	req, _ := http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader(form.Encode()))
	req.SetBasicAuth(s.ClientID(), s.ClientSecret())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	w.do(req, 200, &tok)
	w.token = tok.AccessToken
	return w
}

// send sends method rawPath (with its query as written, unescaped as the Go
// SDK writes it) and a JSON body, wants status, and decodes into out.
func (w *wire) send(method, rawPath string, body any, status int, out any) []byte {
	w.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, w.base+rawPath, rd)
	if err != nil {
		w.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return w.do(req, status, out)
}

func (w *wire) do(req *http.Request, status int, out any) []byte {
	w.t.Helper()
	resp, err := http.DefaultTransport.RoundTrip(req) // no redirects followed
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		w.t.Fatalf("%s %s: status %d, want %d: %s", req.Method, req.URL, resp.StatusCode, status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			w.t.Fatalf("%s %s: %v: %s", req.Method, req.URL, err, b)
		}
	}
	return b
}

type wireUser struct {
	ID       string `json:"id"`
	Version  int    `json:"version"`
	Division struct {
		ID string `json:"id"`
	} `json:"division"`
	Department    string    `json:"department"`
	ProfileSkills *[]string `json:"profileSkills"`
	Presence      *struct {
		PresenceDefinition struct {
			SystemPresence string `json:"systemPresence"`
		} `json:"presenceDefinition"`
	} `json:"presence"`
	RoutingStatus *struct {
		Status string `json:"status"`
	} `json:"routingStatus"`
	Groups *[]struct {
		ID string `json:"id"`
	} `json:"groups"`
}

type wirePage struct {
	Entities   []wireUser `json:"entities"`
	PageSize   int        `json:"pageSize"`
	PageNumber int        `json:"pageNumber"`
	Total      int        `json:"total"`
}

func (w *wire) errorCode(b []byte) (code, field string) {
	var e struct {
		Code    string `json:"code"`
		Details []struct {
			FieldName string `json:"fieldName"`
		} `json:"details"`
	}
	_ = json.Unmarshal(b, &e)
	if len(e.Details) > 0 {
		field = e.Details[0].FieldName
	}
	return e.Code, field
}

func TestWireArraysZerosBooleans(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(60))
	w := newWire(t, s)

	// Python: expand joined with commas.
	var p wirePage
	w.send("GET", "/api/v2/users?pageSize=25&pageNumber=1&expand=presence,routingStatus,groups", nil, 200, &p)
	if len(p.Entities) != 25 || p.Entities[0].Presence == nil || p.Entities[0].RoutingStatus == nil || p.Entities[0].Groups == nil {
		t.Fatalf("comma-joined expand: %+v", p.Entities[0])
	}
	// Go: every unset integer is 0, an empty array is "expand=", joined
	// values are written unescaped.
	p = wirePage{}
	w.send("GET", "/api/v2/users?pageSize=0&pageNumber=0&id=&jabberId=&expand=presence,routingStatus", nil, 200, &p)
	if p.PageSize != 25 || p.PageNumber != 1 || len(p.Entities) != 25 || p.Entities[0].Presence == nil || p.Entities[0].Groups != nil {
		t.Fatalf("zero integers: pageSize %d pageNumber %d, %d entities; %+v", p.PageSize, p.PageNumber, len(p.Entities), p.Entities[0])
	}
	// A paging parameter the definition types as a string.
	w.send("GET", "/api/v2/webdeployments/deployments?pageSize=0&pageNumber=0", nil, 200, nil)
	// Repeated and mixed forms.
	p = wirePage{}
	w.send("GET", "/api/v2/users?pageSize=2&expand=presence&expand=groups,routingStatus", nil, 200, &p)
	if p.Entities[0].Presence == nil || p.Entities[0].Groups == nil || p.Entities[0].RoutingStatus == nil {
		t.Fatalf("repeated and joined expand: %+v", p.Entities[0])
	}
	// Without expand, none of the expansions.
	p = wirePage{}
	w.send("GET", "/api/v2/users?pageSize=1", nil, 200, &p)
	if p.Entities[0].Presence != nil || p.Entities[0].Groups != nil || p.Entities[0].ProfileSkills != nil {
		t.Fatalf("expansions without expand: %+v", p.Entities[0])
	}
	// Comma-joined ids filter.
	ids := s.UserIDs()
	p = wirePage{}
	w.send("GET", "/api/v2/users?id="+ids[3]+","+ids[7], nil, 200, &p)
	if p.Total != 2 || p.Entities[0].ID != ids[3] || p.Entities[1].ID != ids[7] {
		t.Fatalf("id=a,b: %+v", p)
	}
	// Booleans in any case (.NET and Java print True).
	var queues struct {
		Entities []struct{ ID string } `json:"entities"`
	}
	w.send("GET", "/api/v2/routing/queues", nil, 200, &queues)
	q := queues.Entities[0].ID
	var joined, notJoined struct {
		Entities []struct {
			Joined bool `json:"joined"`
		} `json:"entities"`
	}
	w.send("GET", "/api/v2/routing/queues/"+q+"/members?joined=True&pageSize=0", nil, 200, &joined)
	w.send("GET", "/api/v2/routing/queues/"+q+"/members?joined=FALSE", nil, 200, &notJoined)
	if len(joined.Entities) == 0 || len(notJoined.Entities) == 0 || len(joined.Entities)+len(notJoined.Entities) != 25 ||
		!joined.Entities[0].Joined || notJoined.Entities[0].Joined {
		t.Fatalf("joined=True %d, joined=FALSE %d; want both, 25 in all", len(joined.Entities), len(notJoined.Entities))
	}

	// Still strict on what is really wrong.
	for _, tc := range []struct{ path, field string }{
		{"/api/v2/users?expand=presence,bogus", "expand"},
		{"/api/v2/users?expand=presence&expand=nope", "expand"},
		{"/api/v2/users?pageSize=-1", "pageSize"},
		{"/api/v2/users?pageSize=ten", "pageSize"},
		{"/api/v2/users?pageSize=501", "pageSize"},
		{"/api/v2/users?state=zombie", "state"},
		{"/api/v2/routing/queues/" + q + "/members?joined=yes", "joined"},
	} {
		b := w.send("GET", tc.path, nil, 400, nil)
		if code, field := w.errorCode(b); code != "bad.request" || field != tc.field {
			t.Errorf("%s: code %q field %q, want bad.request naming %s", tc.path, code, field, tc.field)
		}
	}
}

// TestWireSDKUserLifecycle follows the public SDKs' own integration tests:
// create a user with name, email and password only, PATCH it with version
// 1, replace its profile skills, read it back with expand=profileSkills.
func TestWireSDKUserLifecycle(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(5))
	w := newWire(t, s)
	var home struct {
		ID string `json:"id"`
	}
	w.send("GET", "/api/v2/authorization/divisions/home", nil, 200, &home)

	var u wireUser
	w.send("POST", "/api/v2/users", map[string]any{"name": "SDK Test", "email": "sdk.test@example.com", "password": "Pa55w0rd!x"}, 200, &u)
	if u.ID == "" || u.Version != 1 || u.Division.ID != home.ID {
		t.Fatalf("created user: %+v; want version 1 in the home division %s", u, home.ID)
	}
	var patched wireUser
	w.send("PATCH", "/api/v2/users/"+u.ID, map[string]any{"version": 1, "department": "Quality"}, 200, &patched)
	if patched.Version != 2 || patched.Department != "Quality" {
		t.Fatalf("patched: %+v", patched)
	}
	b := w.send("PATCH", "/api/v2/users/"+u.ID, map[string]any{"version": 1, "department": "Again"}, 409, nil)
	if code, _ := w.errorCode(b); code != "general.conflict" {
		t.Errorf("stale version: code %q", code)
	}
	var skills []string
	w.send("PUT", "/api/v2/users/"+u.ID+"/profileskills", []string{"Go", "Genesys Cloud"}, 200, &skills)
	if strings.Join(skills, ",") != "Go,Genesys Cloud" {
		t.Fatalf("PUT profileskills answered %v", skills)
	}
	var back wireUser
	w.send("GET", "/api/v2/users/"+u.ID+"?expand=profileSkills", nil, 200, &back)
	if back.ProfileSkills == nil || strings.Join(*back.ProfileSkills, ",") != "Go,Genesys Cloud" {
		t.Fatalf("expand=profileSkills: %+v", back)
	}
	skills = nil
	w.send("GET", "/api/v2/users/"+u.ID+"/profileskills", nil, 200, &skills)
	if len(skills) != 2 {
		t.Fatalf("GET profileskills: %v", skills)
	}
	w.send("DELETE", "/api/v2/users/"+u.ID, nil, 200, nil)
	w.send("GET", "/api/v2/users/"+u.ID+"/profileskills", nil, 404, nil)
}

// TestWireExpandFollowsState: expand reads the same state as the presence,
// routing status, group and skill operations.
func TestWireExpandFollowsState(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(5))
	w := newWire(t, s)
	uid := s.UserIDs()[1]
	var defs struct {
		Entities []struct {
			ID             string `json:"id"`
			SystemPresence string `json:"systemPresence"`
		} `json:"entities"`
	}
	w.send("GET", "/api/v2/presencedefinitions?pageSize=100", nil, 200, &defs)
	onQueue := ""
	for _, d := range defs.Entities {
		if d.SystemPresence == "OnQueue" {
			onQueue = d.ID
		}
	}
	w.send("PATCH", "/api/v2/users/"+uid+"/presences/purecloud", map[string]any{"presenceDefinition": map[string]any{"id": onQueue}}, 200, nil)
	var skills struct {
		Entities []struct{ ID string } `json:"entities"`
	}
	w.send("GET", "/api/v2/routing/skills", nil, 200, &skills)
	w.send("POST", "/api/v2/users/"+uid+"/routingskills", map[string]any{"id": skills.Entities[0].ID, "proficiency": 4}, 200, nil)
	w.send("PATCH", "/api/v2/users/"+uid+"/routinglanguages/bulk", []any{}, 200, nil)

	var u struct {
		wireUser
		Skills []struct {
			ID          string  `json:"id"`
			Proficiency float64 `json:"proficiency"`
		} `json:"skills"`
	}
	w.send("GET", "/api/v2/users/"+uid+"?expand=presence,routingStatus,skills,groups,languages", nil, 200, &u)
	if u.Presence == nil || u.Presence.PresenceDefinition.SystemPresence != "OnQueue" || u.RoutingStatus == nil || u.RoutingStatus.Status != "IDLE" {
		t.Fatalf("presence and routing status after going on queue: %+v", u)
	}
	if len(u.Skills) != 1 || u.Skills[0].ID != skills.Entities[0].ID || u.Skills[0].Proficiency != 4 || u.Groups == nil || len(*u.Groups) != 1 {
		t.Fatalf("skills and groups: %+v", u)
	}
	w.send("PUT", "/api/v2/users/"+uid+"/routingstatus", map[string]any{"status": "OFF_QUEUE"}, 200, nil)
	u.RoutingStatus = nil
	w.send("GET", "/api/v2/users?id="+uid+"&expand=routingStatus", nil, 200, &struct {
		Entities []*wireUser `json:"entities"`
	}{Entities: []*wireUser{&u.wireUser}})
	if u.RoutingStatus == nil || u.RoutingStatus.Status != "OFF_QUEUE" {
		t.Fatalf("routing status in the listing: %+v", u.RoutingStatus)
	}
	// Skill validation, as the service.
	w.send("POST", "/api/v2/users/"+uid+"/routingskills", map[string]any{"id": skills.Entities[0].ID, "proficiency": 9}, 400, nil)
	w.send("POST", "/api/v2/users/"+uid+"/routingskills", map[string]any{"id": "0b8c7a6e-5d4c-4b3a-9f1e-2d3c4b5a6978", "proficiency": 1}, 400, nil)
}

func TestWireUsersMe(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(5))
	w := newWire(t, s)
	// Client credentials: no user context.
	b := w.send("GET", "/api/v2/users/me", nil, 400, nil)
	if code, _ := w.errorCode(b); code != "bad.request" || !strings.Contains(string(b), "requires a user context") {
		t.Fatalf("/users/me with client credentials: %s", b)
	}
	// Authorization code: the login user.
	req, _ := http.NewRequest("GET", s.URL()+"/oauth/authorize?client_id="+s.ClientID()+"&response_type=code&redirect_uri="+url.QueryEscape("http://127.0.0.1/cb"), nil)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	form := url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")}, "redirect_uri": {"http://127.0.0.1/cb"}}
	req, _ = http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader(form.Encode()))
	req.SetBasicAuth(s.ClientID(), s.ClientSecret())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
	}
	w.do(req, 200, &tok)
	w.token = tok.AccessToken
	var me struct {
		ID            string  `json:"id"`
		DateLastLogin *string `json:"dateLastLogin"`
		Presence      *struct {
			Source string `json:"source"`
		} `json:"presence"`
	}
	w.send("GET", "/api/v2/users/me?expand=presence,dateLastLogin", nil, 200, &me)
	if me.ID != s.LoginUserID() || me.ID != s.UserIDs()[0] || me.Presence == nil || me.DateLastLogin == nil {
		t.Fatalf("/users/me with a user token: %+v, want %s with presence and dateLastLogin", me, s.LoginUserID())
	}
	// The refreshed token belongs to the same user.
	form = url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}
	req, _ = http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader(form.Encode()))
	req.SetBasicAuth(s.ClientID(), s.ClientSecret())
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w.do(req, 200, &tok)
	w.token = tok.AccessToken
	me.ID = ""
	w.send("GET", "/api/v2/users/me", nil, 200, &me)
	if me.ID != s.UserIDs()[0] {
		t.Fatalf("refreshed token: /users/me is %s", me.ID)
	}
	// A token for another user; a deleted user's token finds nobody.
	other := s.UserIDs()[3]
	w.token, err = s.UserToken(other)
	if err != nil {
		t.Fatal(err)
	}
	w.send("GET", "/api/v2/users/me", nil, 200, &me)
	if me.ID != other {
		t.Fatalf("UserToken(%s): /users/me is %s", other, me.ID)
	}
	w.send("DELETE", "/api/v2/users/"+other, nil, 200, nil)
	w.send("GET", "/api/v2/users/me", nil, 404, nil)
	if _, err := s.UserToken("nobody@example.com"); err == nil {
		t.Error("UserToken of an unknown user succeeded")
	}
}

func TestWireLoginUserOption(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(5), sim.WithLoginUser("user0004@sim.example.com"))
	if s.LoginUserID() != s.UserIDs()[3] {
		t.Fatalf("login user %s, want the 4th user", s.LoginUserID())
	}
}

func TestWireDivisionConflict(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(1))
	w := newWire(t, s)
	var d struct {
		ID string `json:"id"`
	}
	w.send("POST", "/api/v2/authorization/divisions", map[string]any{"name": "Team Blue", "description": "d"}, 200, &d)
	b := w.send("POST", "/api/v2/authorization/divisions", map[string]any{"name": "team blue", "description": "d"}, 409, nil)
	if code, _ := w.errorCode(b); code != "general.conflict" {
		t.Fatalf("duplicate division: %s", b)
	}
	w.send("PUT", "/api/v2/authorization/divisions/"+d.ID, map[string]any{"name": "Home", "description": "d"}, 409, nil)
	w.send("PUT", "/api/v2/authorization/divisions/"+d.ID, map[string]any{"name": "Team Blue", "description": "same name, same division"}, 200, nil)
}

// TestWireSAML2User: a SAML2 bearer token belongs to the user its
// assertion's NameID names (else the login user).
func TestWireSAML2User(t *testing.T) {
	s := sim.StartTest(t, sim.WithSeedUsers(5))
	w := newWire(t, s)
	login := func(assertionXML string) string {
		form := url.Values{"grant_type": {"urn:ietf:params:oauth:grant-type:saml2-bearer"}, "orgName": {s.OrgName()},
			"assertion": {base64.StdEncoding.EncodeToString([]byte(assertionXML))}}
		req, _ := http.NewRequest("POST", s.URL()+"/oauth/token", strings.NewReader(form.Encode()))
		req.SetBasicAuth(s.ClientID(), s.ClientSecret())
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		w.do(req, 200, &tok)
		w.token = tok.AccessToken
		var me struct {
			ID string `json:"id"`
		}
		w.send("GET", "/api/v2/users/me", nil, 200, &me)
		return me.ID
	}
	named := `<saml2:Assertion><saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">user0003@sim.example.com</saml2:NameID></saml2:Subject></saml2:Assertion>`
	if got := login(named); got != s.UserIDs()[2] {
		t.Errorf("NameID user0003: /users/me is %s, want %s", got, s.UserIDs()[2])
	}
	if got := login(`<saml2:Assertion><saml2:NameID>stranger@example.com</saml2:NameID></saml2:Assertion>`); got != s.LoginUserID() {
		t.Errorf("unknown NameID: /users/me is %s, want the login user", got)
	}
}
