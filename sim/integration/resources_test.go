package integration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/authorization"
	"github.com/purecloudgo/platformclient/api/externalcontacts"
	"github.com/purecloudgo/platformclient/api/groups"
	"github.com/purecloudgo/platformclient/api/presence"
	"github.com/purecloudgo/platformclient/api/routing"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
)

func ptr[T any](v T) *T { return &v }

func newClient(t *testing.T, opts ...sim.Option) (*sim.Server, *platformclient.Client) {
	t.Helper()
	s := sim.StartTest(t, opts...)
	c, err := s.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

func homeDivision(t *testing.T, c *platformclient.Client) string {
	t.Helper()
	d, err := authorization.NewClient(c).GetAuthorizationDivisionsHome(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return *d.ID
}

// TestUsersPaging walks 1,000 seeded users page by page through the
// generated package: every user once, no gaps, consistent counts and URIs.
func TestUsersPaging(t *testing.T) {
	_, c := newClient(t) // 1,000 users by default
	u := users.NewClient(c)
	ctx := context.Background()
	for _, size := range []int{100, 25, 333} {
		seen := map[string]bool{}
		var order []string
		for page := 1; ; page++ {
			l, err := u.GetUsers(ctx, &users.GetUsersOptions{PageSize: ptr(size), PageNumber: ptr(page)})
			if err != nil {
				t.Fatal(err)
			}
			if *l.Total != 1000 || *l.PageSize != size || *l.PageNumber != page || *l.PageCount != (1000+size-1)/size {
				t.Fatalf("page %d/%d: total %d pageSize %d pageNumber %d pageCount %d", page, size, *l.Total, *l.PageSize, *l.PageNumber, *l.PageCount)
			}
			for _, e := range l.Entities {
				if seen[*e.ID] {
					t.Fatalf("pageSize %d: user %s on two pages", size, *e.ID)
				}
				seen[*e.ID] = true
				order = append(order, *e.Name)
			}
			if l.NextURI == nil {
				if page != *l.PageCount {
					t.Fatalf("pageSize %d: no nextUri on page %d of %d", size, page, *l.PageCount)
				}
				break
			}
			if want := fmt.Sprintf("/api/v2/users?pageSize=%d&pageNumber=%d", size, page+1); *l.NextURI != want {
				t.Fatalf("nextUri %q, want %q", *l.NextURI, want)
			}
		}
		if len(seen) != 1000 {
			t.Fatalf("pageSize %d: %d distinct users, want 1000", size, len(seen))
		}
		for i, n := range order { // seeded names end in their sequence number: no gaps
			if !strings.HasSuffix(n, fmt.Sprintf(" %04d", i+1)) {
				t.Fatalf("pageSize %d: user %d is %q", size, i+1, n)
			}
		}
	}
	// Past the end: an empty page, no nextUri.
	l, err := u.GetUsers(ctx, &users.GetUsersOptions{PageSize: ptr(500), PageNumber: ptr(3)})
	if err != nil || len(l.Entities) != 0 || l.NextURI != nil {
		t.Fatalf("page past the end: %v, %+v", err, l)
	}
}

// TestUserCRUD creates, reads, patches (with an explicit null and a stale
// version) and deletes a user.
func TestUserCRUD(t *testing.T) {
	_, c := newClient(t, sim.WithSeedUsers(10))
	u := users.NewClient(c)
	ctx := context.Background()
	home := homeDivision(t, c)

	created, err := u.PostUsers(ctx, &models.CreateUser{Name: ptr("Grace Hopper"), Email: ptr("grace@example.com"),
		DivisionID: ptr(home), Title: ptr("Rear Admiral"), Password: ptr("not-kept")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *created.Version != 1 || *created.Division.ID != home || *created.Username != "grace@example.com" || *created.State != models.UserStateEnumActive {
		t.Fatalf("created %+v", created)
	}
	got, err := u.GetUser(ctx, *created.ID, nil)
	if err != nil || *got.Title != "Rear Admiral" {
		t.Fatalf("get: %v %+v", err, got)
	}
	if _, err := u.PostUsers(ctx, &models.CreateUser{Name: ptr("Again"), Email: ptr("GRACE@example.com"), DivisionID: ptr(home)}, nil); !platformclient.IsConflict(err) {
		t.Fatalf("duplicate email: %v, want 409", err)
	}

	// PATCH clears title with an explicit null and sets department.
	patched, err := u.PatchUser(ctx, *created.ID, &models.UpdateUser{Version: got.Version, Department: ptr("Navy"),
		NullFields: []string{"title"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if patched.Title != nil || *patched.Department != "Navy" || *patched.Version != 2 {
		t.Fatalf("patched %+v", patched)
	}
	// The stale version 1 is refused with 409.
	_, err = u.PatchUser(ctx, *created.ID, &models.UpdateUser{Version: ptr(1), Department: ptr("Army")}, nil)
	var apiErr *platformclient.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 409 || apiErr.Body.Code != "general.conflict" {
		t.Fatalf("stale version: %v", err)
	}
	// A missing version is a 400 naming the field.
	_, err = u.PatchUser(ctx, *created.ID, &models.UpdateUser{Department: ptr("Army")}, nil)
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 || !strings.Contains(apiErr.Body.Message, "version") {
		t.Fatalf("no version: %v", err)
	}
	again, _ := u.GetUser(ctx, *created.ID, nil)
	if *again.Department != "Navy" || again.Title != nil {
		t.Fatalf("after refused patches: %+v", again)
	}

	if _, err := u.DeleteUser(ctx, *created.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := u.GetUser(ctx, *created.ID, nil); !platformclient.IsNotFound(err) {
		t.Fatalf("get after delete: %v", err)
	}
	if _, err := u.DeleteUser(ctx, *created.ID, nil); !platformclient.IsNotFound(err) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestGroupsAndMembers(t *testing.T) {
	_, c := newClient(t, sim.WithSeedUsers(20))
	g := groups.NewClient(c)
	ctx := context.Background()
	ul, err := users.NewClient(c).GetUsers(ctx, &users.GetUsersOptions{PageSize: ptr(3)})
	if err != nil {
		t.Fatal(err)
	}
	grp, err := g.PostGroups(ctx, &models.GroupCreate{Name: ptr("Night shift"), Type: ptr(models.GroupCreateTypeOfficial),
		RulesVisible: ptr(true), Visibility: ptr(models.GroupCreateVisibilityPublic), OwnerIDs: []string{*ul.Entities[0].ID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(grp.Owners) != 1 || *grp.Owners[0].ID != *ul.Entities[0].ID || *grp.Version != 1 {
		t.Fatalf("group %+v", grp)
	}
	// Members: the version must be the group's.
	if _, err := g.PostGroupMembers(ctx, *grp.ID, &models.GroupMembersUpdate{MemberIDs: []string{*ul.Entities[1].ID, *ul.Entities[2].ID}, Version: ptr(7)}, nil); !platformclient.IsConflict(err) {
		t.Fatalf("stale members update: %v", err)
	}
	if _, err := g.PostGroupMembers(ctx, *grp.ID, &models.GroupMembersUpdate{MemberIDs: []string{*ul.Entities[1].ID, *ul.Entities[2].ID}, Version: ptr(1)}, nil); err != nil {
		t.Fatal(err)
	}
	members, err := g.GetGroupMembers(ctx, *grp.ID, nil)
	if err != nil || *members.Total != 2 {
		t.Fatalf("members: %v %+v", err, members)
	}
	cur, _ := g.GetGroup(ctx, *grp.ID, nil)
	if *cur.Version != 2 || *cur.MemberCount != 2 {
		t.Fatalf("after members: %+v", cur)
	}
	if _, err := g.PutGroup(ctx, *grp.ID, &groups.PutGroupOptions{Body: &models.GroupUpdate{Version: ptr(1), Name: ptr("x")}}); !platformclient.IsConflict(err) {
		t.Fatalf("stale put: %v", err)
	}
	upd, err := g.PutGroup(ctx, *grp.ID, &groups.PutGroupOptions{Body: &models.GroupUpdate{Version: ptr(2), Name: ptr("Late shift"), Description: ptr("renamed")}})
	if err != nil || *upd.Name != "Late shift" || *upd.Version != 3 || *upd.Type != models.GroupTypeOfficial {
		t.Fatalf("put: %v %+v", err, upd)
	}
	if _, err := g.DeleteGroupMembers(ctx, *grp.ID, *ul.Entities[1].ID, nil); err != nil {
		t.Fatal(err)
	}
	members, _ = g.GetGroupMembers(ctx, *grp.ID, nil)
	if *members.Total != 1 || *members.Entities[0].ID != *ul.Entities[2].ID {
		t.Fatalf("after removal: %+v", members)
	}
	if err := g.DeleteGroup(ctx, *grp.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := g.GetGroup(ctx, *grp.ID, nil); !platformclient.IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestQueuesAndMembers(t *testing.T) {
	_, c := newClient(t, sim.WithSeedUsers(50))
	r := routing.NewClient(c)
	ctx := context.Background()
	q, err := r.PostRoutingQueues(ctx, &models.CreateQueueRequest{Name: ptr("Support EMEA"), Description: ptr("tier 1")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if *q.Division.ID != homeDivision(t, c) || *q.MemberCount != 0 {
		t.Fatalf("queue %+v", q)
	}
	if _, err := r.PostRoutingQueues(ctx, &models.CreateQueueRequest{Name: ptr("support emea")}, nil); !platformclient.IsConflict(err) {
		t.Fatalf("duplicate name: %v", err)
	}
	ul, _ := users.NewClient(c).GetUsers(ctx, &users.GetUsersOptions{PageSize: ptr(30)})
	var add []models.WritableEntity
	for _, u := range ul.Entities {
		add = append(add, models.WritableEntity{ID: u.ID})
	}
	if err := r.PostRoutingQueueMembers(ctx, *q.ID, add, nil); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for page := 1; page <= 2; page++ {
		m, err := r.GetRoutingQueueMembers(ctx, *q.ID, &routing.GetRoutingQueueMembersOptions{PageSize: ptr(20), PageNumber: ptr(page)})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range m.Entities {
			seen[*e.ID] = true
			if *e.User.ID != *e.ID {
				t.Fatalf("member %+v", e)
			}
		}
	}
	if len(seen) != 30 {
		t.Fatalf("%d members, want 30", len(seen))
	}
	if err := r.PatchRoutingQueueMember(ctx, *q.ID, *ul.Entities[0].ID, &models.QueueMember{Joined: ptr(true)}, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.DeleteRoutingQueueMember(ctx, *q.ID, *ul.Entities[1].ID, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.PostRoutingQueueMembers(ctx, *q.ID, add[2:4], &routing.PostRoutingQueueMembersOptions{Delete: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	got, _ := r.GetRoutingQueue(ctx, *q.ID, nil)
	if *got.MemberCount != 27 || *got.JoinedMemberCount != 1 {
		t.Fatalf("counts after changes: %d members, %d joined", *got.MemberCount, *got.JoinedMemberCount)
	}
	put, err := r.PutRoutingQueue(ctx, *q.ID, &models.QueueRequest{Name: ptr("Support EMEA 2")}, nil)
	if err != nil || *put.Name != "Support EMEA 2" || put.Description != nil {
		t.Fatalf("put (a replace): %v %+v", err, put)
	}
	found, _ := r.GetRoutingQueues(ctx, &routing.GetRoutingQueuesOptions{Name: ptr("Support*")})
	if *found.Total != 1 {
		t.Fatalf("name filter: %d", *found.Total)
	}
	if err := r.DeleteRoutingQueue(ctx, *q.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.GetRoutingQueueMembers(ctx, *q.ID, nil); !platformclient.IsNotFound(err) {
		t.Fatalf("members of a deleted queue: %v", err)
	}
}

// TestOtherResources does create, read, list and delete on the remaining
// stateful resources.
func TestOtherResources(t *testing.T) {
	_, c := newClient(t, sim.WithSeedUsers(10))
	ctx := context.Background()
	r := routing.NewClient(c)

	sk, err := r.PostRoutingSkills(ctx, &models.CreateRoutingSkill{Name: ptr("Klingon")}, nil)
	if err != nil || *sk.State != models.RoutingSkillStateActive {
		t.Fatalf("skill: %v %+v", err, sk)
	}
	skills, _ := r.GetRoutingSkills(ctx, &routing.GetRoutingSkillsOptions{Name: ptr("kling")})
	if *skills.Total != 1 {
		t.Fatalf("skills named kling*: %d", *skills.Total)
	}
	if err := r.DeleteRoutingSkill(ctx, *sk.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.GetRoutingSkill(ctx, *sk.ID, nil); !platformclient.IsNotFound(err) {
		t.Fatalf("deleted skill: %v", err)
	}

	lang, err := r.PostRoutingLanguages(ctx, &models.Language{Name: ptr("Esperanto")}, nil)
	if err != nil || *lang.Name != "Esperanto" {
		t.Fatalf("language: %v", err)
	}
	wc, err := r.PostRoutingWrapupcodes(ctx, &models.WrapupCodeRequest{Name: ptr("Spam")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	wc2, err := r.PutRoutingWrapupcode(ctx, *wc.ID, &models.WrapupCodeRequest{Name: ptr("Spam call")}, nil)
	if err != nil || *wc2.Name != "Spam call" || *wc2.Division.ID != *wc.Division.ID {
		t.Fatalf("wrap-up put: %v %+v", err, wc2)
	}

	a := authorization.NewClient(c)
	div, err := a.PostAuthorizationDivisions(ctx, &models.AuthzDivision{Name: ptr("Lab"), Description: ptr("test division")}, nil)
	if err != nil || *div.HomeDivision {
		t.Fatalf("division: %v %+v", err, div)
	}
	if err := a.DeleteAuthorizationDivision(ctx, homeDivision(t, c), nil); platformclient.StatusCode(err) != 400 {
		t.Fatalf("deleting the home division: %v", err)
	}
	if err := a.DeleteAuthorizationDivision(ctx, *div.ID, nil); err != nil {
		t.Fatal(err)
	}

	p := presence.NewClient(c)
	pd, err := p.PostPresencedefinitions(ctx, &models.OrganizationPresence{LanguageLabels: map[string]string{"en_US": "Lunch"}, SystemPresence: ptr("Meal")}, nil)
	if err != nil || *pd.Name != "Lunch" {
		t.Fatalf("presence: %v %+v", err, pd)
	}
	defs, err := p.GetPresenceDefinitions(ctx, nil)
	if err != nil || *defs.Total != 10 {
		t.Fatalf("presence definitions: %v %+v", err, defs)
	}

	x := externalcontacts.NewClient(c)
	ct, err := x.PostExternalcontactsContacts(ctx, &models.ExternalContact{FirstName: ptr("Alan"), LastName: ptr("Turing"), WorkEmail: ptr("alan@example.com")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	found, _ := x.GetExternalcontactsContacts(ctx, &externalcontacts.GetExternalcontactsContactsOptions{Q: ptr("turing")})
	if *found.Total != 1 || *found.Entities[0].ID != *ct.ID {
		t.Fatalf("search: %+v", found)
	}
	patched, err := x.PatchExternalcontactsContact(ctx, *ct.ID, &models.ExternalContactsPatchRequest{Changes: []models.ContactsPatchChange{
		{Field: ptr("title"), Action: ptr(models.ContactsPatchChangeActionUpdate), Value: map[string]any{"value": "Dr."}},
		{Field: ptr("workEmail"), Action: ptr(models.ContactsPatchChangeActionRemove)},
	}}, nil)
	if err != nil || *patched.Title != "Dr." || patched.WorkEmail != nil {
		t.Fatalf("contact patch: %v %+v", err, patched)
	}
	got, err := x.GetExternalcontactsContact(ctx, *ct.ID, nil)
	if err != nil || *got.Title != "Dr." {
		t.Fatalf("contact get: %v", err)
	}
}
