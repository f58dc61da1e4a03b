package sim_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/sim"
)

// getJSON calls GET path with a valid token and decodes the answer.
func getJSON(t *testing.T, s *sim.Server, path string, out any) {
	t.Helper()
	resp, b := call(t, s, "GET", path, "", "")
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

type fixtureUser struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Division struct{ ID, Name string }
	Presence struct {
		PresenceDefinition struct{ SystemPresence string } `json:"presenceDefinition"`
	} `json:"presence"`
	RoutingStatus struct{ Status string } `json:"routingStatus"`
	Skills        []struct {
		Name        string
		Proficiency float64
	} `json:"skills"`
	Languages     []struct{ Name string } `json:"languages"`
	ProfileSkills []string                `json:"profileSkills"`
	Groups        []struct{ Name string } `json:"groups"`
}

type listing[T any] struct {
	Entities []T `json:"entities"`
	Total    int `json:"total"`
}

func TestFixtureFile(t *testing.T) {
	s := sim.StartTest(t, sim.WithFixtureFile("testdata/fixture.json"))
	var users listing[fixtureUser]
	getJSON(t, s, "/api/v2/users?expand=presence,routingStatus,skills,languages,profileSkills,groups", &users)
	if users.Total != 3 {
		t.Fatalf("%d users, want the fixture's 3", users.Total)
	}
	ada, bruno, chiara := users.Entities[0], users.Entities[1], users.Entities[2]
	if ada.Email != "ada@example.com" || ada.Presence.PresenceDefinition.SystemPresence != "OnQueue" || ada.RoutingStatus.Status != "IDLE" {
		t.Errorf("ada: %+v", ada)
	}
	if len(ada.Skills) != 2 || ada.Skills[0].Name != "Billing" || ada.Skills[0].Proficiency != 4 || len(ada.Languages) != 1 ||
		strings.Join(ada.ProfileSkills, ",") != "Mentoring" || len(ada.Groups) != 1 || ada.Groups[0].Name != "Support team" {
		t.Errorf("ada's skills, languages, profile skills, groups: %+v", ada)
	}
	if bruno.Division.Name != "Europe" || bruno.Presence.PresenceDefinition.SystemPresence != "Available" || bruno.RoutingStatus.Status != "OFF_QUEUE" {
		t.Errorf("bruno: %+v", bruno)
	}
	if chiara.ID != "0c2b7f4e-5a1d-4e3b-8c9f-1a2b3c4d5e6f" || chiara.Presence.PresenceDefinition.SystemPresence != "Offline" {
		t.Errorf("chiara keeps the fixture's id and starts Offline: %+v", chiara)
	}
	var home struct{ Name string }
	getJSON(t, s, "/api/v2/authorization/divisions/home", &home)
	if home.Name != "Home" {
		t.Errorf("home division %q", home.Name)
	}
	var queues listing[struct {
		ID, Name          string
		MemberCount       int `json:"memberCount"`
		JoinedMemberCount int `json:"joinedMemberCount"`
		Division          struct{ Name string }
	}]
	getJSON(t, s, "/api/v2/routing/queues", &queues)
	if queues.Total != 2 || queues.Entities[0].MemberCount != 2 || queues.Entities[0].JoinedMemberCount != 1 || queues.Entities[1].Division.Name != "Europe" {
		t.Errorf("queues: %+v", queues)
	}
	var skills, codes, contacts listing[struct{ ID, Name string }]
	getJSON(t, s, "/api/v2/routing/skills", &skills)
	getJSON(t, s, "/api/v2/routing/wrapupcodes", &codes)
	getJSON(t, s, "/api/v2/externalcontacts/contacts", &contacts)
	if skills.Total != 3 || skills.Entities[2].ID != "6f1c2a4e-0d1b-4c8e-9a57-3b2f1e0d9c8a" || codes.Total != 2 || contacts.Total != 1 {
		t.Errorf("skills %+v, wrap-up codes %+v, contacts %+v", skills, codes, contacts)
	}
	var defs listing[struct{ Name string }]
	getJSON(t, s, "/api/v2/presencedefinitions?pageSize=100", &defs)
	if defs.Total != 10 {
		t.Errorf("%d presence definitions; a fixture without any gets the usual 10", defs.Total)
	}
	// The organization is live: a created user joins the fixture's.
	if resp, b := call(t, s, "POST", "/api/v2/users", "application/json", `{"name":"New","email":"new@example.com","password":"x"}`); resp.StatusCode != 200 {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	if len(s.UserIDs()) != 4 {
		t.Errorf("%d users after a create", len(s.UserIDs()))
	}
}

func TestFixtureWithGeneratedUsers(t *testing.T) {
	f, err := sim.ReadFixture(strings.NewReader(`{"users":[{"name":"Only","email":"only@example.com"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s := sim.StartTest(t, sim.WithFixture(f), sim.WithSeedUsers(50))
	if n := len(s.UserIDs()); n != 51 {
		t.Fatalf("%d users, want the fixture's 1 and 50 generated", n)
	}
	s2 := sim.StartTest(t, sim.WithFixture(f))
	if n := len(s2.UserIDs()); n != 1 {
		t.Fatalf("%d users, want only the fixture's", n)
	}
}

func TestFixtureErrors(t *testing.T) {
	cases := []struct{ name, json, want string }{
		{"unknown top-level member", `{"agents":[]}`, "agents"},
		{"unknown user member", `{"users":[{"name":"A","email":"a@x.com","shoeSize":42}]}`, "users[0]"},
		{"wrong type", `{"users":[{"name":5}]}`, "users[0]"},
		{"unknown division", `{"users":[{"name":"A","division":"Mars"}]}`, "users[0].division"},
		{"unknown presence", `{"users":[{"name":"A","presence":"Dancing"}]}`, "users[0].presence"},
		{"unknown routing status", `{"users":[{"name":"A","routingStatus":"NAPPING"}]}`, "users[0].routingStatus"},
		{"unknown skill", `{"users":[{"name":"A","skills":[{"name":"Juggling","proficiency":1}]}]}`, "users[0].skills[0]"},
		{"unknown member", `{"queues":[{"name":"Q","members":["nobody@example.com"]}]}`, "queues[0].members[0]"},
		{"proficiency out of range", `{"skills":[{"name":"S"}],"users":[{"name":"A","skills":[{"name":"S","proficiency":7}]}]}`, "users[0].skills[0].proficiency"},
		{"skills not a list", `{"users":[{"name":"A","skills":"Billing"}]}`, "users[0].skills"},
		{"profile skill not a string", `{"users":[{"name":"A","profileSkills":[1]}]}`, "users[0].profileSkills[0]"},
		{"members not a list", `{"groups":[{"name":"G","members":"a@x.com"}]}`, "groups[0].members"},
		{"duplicate id", `{"skills":[{"id":"a","name":"A"},{"id":"a","name":"B"}]}`, "duplicate id"},
		{"duplicate queue name", `{"queues":[{"name":"Q"},{"name":"q"}]}`, "queues[1]"},
		{"duplicate email", `{"users":[{"name":"A","email":"a@x.com"},{"name":"B","email":"A@x.com"}]}`, "users[1]"},
	}
	for _, tc := range cases {
		f, err := sim.ReadFixture(strings.NewReader(tc.json))
		if err == nil {
			_, err = sim.New(sim.WithFixture(f))
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one naming %q", tc.name, err, tc.want)
		}
	}
	if _, err := sim.New(sim.WithFixtureFile("testdata/no-such-file.json")); err == nil {
		t.Error("a missing fixture file started")
	}
}
