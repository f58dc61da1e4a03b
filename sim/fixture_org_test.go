package sim

import "testing"

func TestOrgFixtureLoads(t *testing.T) {
	s := StartTest(t, WithFixture(OrgFixture(30, 4, 2, 3)))
	if s.URL() == "" {
		t.Fatal("no URL")
	}
	f := OrgFixture(30, 4, 2, 3)
	if len(f.Users) != 30 || len(f.Queues) != 4 || len(f.Groups) != 2 || len(f.ExternalContacts) != 3 {
		t.Fatalf("fixture sizes %d %d %d %d", len(f.Users), len(f.Queues), len(f.Groups), len(f.ExternalContacts))
	}
	if m := f.Queues[3]["members"].([]any); len(m) != 10 || m[0] != "user00000@example.com" {
		t.Fatalf("queue 3 members %v", m) // (3*10)%30 = 0: members wrap around the users
	}
	if len(OrgFixture(0, 2, 0, 0).Queues[0]["members"].([]any)) != 0 {
		t.Fatal("members without users")
	}
}
