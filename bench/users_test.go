// Package bench holds the SDK's speed and memory benchmarks.
package bench

import (
	jsonv1 "encoding/json"

	"fmt"
	"github.com/go-json-experiment/json"
	"testing"
	"time"

	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

func ptr[T any](v T) *T { return &v }

// usersListing builds a users listing of n users with the fields a real
// GET /api/v2/users?expand=presence,routingStatus,skills,languages returns.
func usersListing(n int) *models.UserEntityListing {
	base := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	l := &models.UserEntityListing{PageSize: ptr(n), PageNumber: ptr(1), Total: ptr(n * 3), PageCount: ptr(3),
		FirstURI: ptr("/api/v2/users?pageSize=500&pageNumber=1"), NextURI: ptr("/api/v2/users?pageSize=500&pageNumber=2"),
		LastURI: ptr("/api/v2/users?pageSize=500&pageNumber=3"), SelfURI: ptr("/api/v2/users?pageSize=500&pageNumber=1")}
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("%08x-1b2c-4d3e-8f40-%012x", i*7919, i)
		state := models.UserStateEnumActive
		u := models.User{
			ID:         ptr(id),
			Name:       ptr(fmt.Sprintf("Agent Number %d", i)),
			Division:   models.Division{ID: ptr("5c1a8a5e-0c7c-4bd7-8d5c-6f5bb0a1e001"), Name: ptr("Home"), SelfURI: ptr("/api/v2/authorization/divisions/5c1a8a5e-0c7c-4bd7-8d5c-6f5bb0a1e001")},
			Department: ptr("Customer Care"),
			Email:      ptr(fmt.Sprintf("agent.%d@example.com", i)),
			Addresses: []models.Contact{
				{Address: ptr(fmt.Sprintf("+3531555%04d", i)), Display: ptr(fmt.Sprintf("+353 1 555 %04d", i)), MediaType: ptr(models.ContactMediaTypePHONE), Type: ptr(models.ContactTypeWORK)},
				{Address: ptr(fmt.Sprintf("agent.%d@example.com", i)), MediaType: ptr(models.ContactMediaTypeEMAIL), Type: ptr(models.ContactTypeWORK)},
			},
			State:    &state,
			Title:    ptr("Senior Agent"),
			Username: ptr(fmt.Sprintf("agent.%d@example.com", i)),
			Images: []models.Image{
				{Resolution: ptr("x96"), ImageURI: ptr("https://prod-inin-directory-service-profile.s3.amazonaws.com/" + id + "/96.jpg")},
				{Resolution: ptr("x300"), ImageURI: ptr("https://prod-inin-directory-service-profile.s3.amazonaws.com/" + id + "/300.jpg")},
			},
			Version:       ptr(3 + i%7),
			RoutingStatus: models.RoutingStatus{UserID: ptr(id), Status: ptr(models.RoutingStatusStatusIDLE), StartTime: ptr(types.NewDateTime(base.Add(time.Duration(i) * time.Minute)))},
			Presence: models.UserPresence{
				Source:             ptr("PURECLOUD"),
				Primary:            ptr(true),
				PresenceDefinition: models.PresenceDefinition{ID: ptr("6a3af858-942f-489d-9700-5f9bcdcdae9b"), SystemPresence: ptr("Available"), SelfURI: ptr("/api/v2/presencedefinitions/6a3af858-942f-489d-9700-5f9bcdcdae9b")},
				ModifiedDate:       ptr(types.NewDateTime(base.Add(-time.Duration(i) * time.Second))),
			},
			Skills: []models.UserRoutingSkill{
				{ID: ptr("a7e3b5c1-0000-4000-8000-000000000001"), Name: ptr("Billing"), Proficiency: ptr(4.0), State: ptr(models.UserRoutingSkillStateActive), SkillURI: ptr("/api/v2/routing/skills/a7e3b5c1-0000-4000-8000-000000000001"), SelfURI: ptr("/api/v2/users/" + id + "/routingskills/a7e3b5c1-0000-4000-8000-000000000001")},
				{ID: ptr("a7e3b5c1-0000-4000-8000-000000000002"), Name: ptr("Sales"), Proficiency: ptr(3.0), State: ptr(models.UserRoutingSkillStateActive), SkillURI: ptr("/api/v2/routing/skills/a7e3b5c1-0000-4000-8000-000000000002"), SelfURI: ptr("/api/v2/users/" + id + "/routingskills/a7e3b5c1-0000-4000-8000-000000000002")},
				{ID: ptr("a7e3b5c1-0000-4000-8000-000000000003"), Name: ptr("Support"), Proficiency: ptr(5.0), State: ptr(models.UserRoutingSkillStateActive), SkillURI: ptr("/api/v2/routing/skills/a7e3b5c1-0000-4000-8000-000000000003"), SelfURI: ptr("/api/v2/users/" + id + "/routingskills/a7e3b5c1-0000-4000-8000-000000000003")},
			},
			Languages: []models.UserRoutingLanguage{
				{ID: ptr("b1c2d3e4-0000-4000-8000-000000000001"), Name: ptr("English"), Proficiency: ptr(5.0), State: ptr(models.UserRoutingLanguageStateActive), LanguageURI: ptr("/api/v2/routing/languages/b1c2d3e4-0000-4000-8000-000000000001"), SelfURI: ptr("/api/v2/users/" + id + "/routinglanguages/b1c2d3e4-0000-4000-8000-000000000001")},
			},
			ACDAutoAnswer: ptr(i%2 == 0),
			SelfURI:       ptr("/api/v2/users/" + id),
		}
		l.Entities = append(l.Entities, u)
	}
	return l
}

func usersJSON(tb testing.TB) []byte {
	b, err := jsonv1.Marshal(usersListing(500))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestUsersListingSize(t *testing.T) {
	b := usersJSON(t)
	if len(b) < 900_000 || len(b) > 1_300_000 {
		t.Fatalf("listing is %d bytes, want 0.9-1.3 MB", len(b))
	}
	var got models.UserEntityListing
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Entities) != 500 || got.Entities[499].RoutingStatus.StartTime.String() != "2026-11-26T17:49:00.000Z" {
		t.Fatalf("round trip lost data: %d users", len(got.Entities))
	}
}

func BenchmarkDecodeUsers(b *testing.B) {
	data := usersJSON(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var l models.UserEntityListing
		if err := json.Unmarshal(data, &l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeUsersStdlib is the same decode through encoding/json, for comparison.
func BenchmarkDecodeUsersStdlib(b *testing.B) {
	data := usersJSON(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var l models.UserEntityListing
		if err := jsonv1.Unmarshal(data, &l); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeUsers(b *testing.B) {
	l := usersListing(500)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := types.Marshal(l); err != nil {
			b.Fatal(err)
		}
	}
}
