package sim

import "fmt"

// OrgFixture is a generated organization for bulk work: nUsers users
// ("User 00000", user00000@example.com, ...), nQueues queues of ten members
// each, nGroups groups and nContacts external contacts. Listing it is what
// an export does; examples/export and bench/bulk use it.
func OrgFixture(nUsers, nQueues, nGroups, nContacts int) *Fixture {
	f := &Fixture{}
	for i := range nUsers {
		f.Users = append(f.Users, map[string]any{"name": fmt.Sprintf("User %05d", i), "email": fmt.Sprintf("user%05d@example.com", i)})
	}
	for i := range nQueues {
		var members []any
		for j := range min(10, nUsers) {
			members = append(members, fmt.Sprintf("user%05d@example.com", (i*10+j)%nUsers))
		}
		f.Queues = append(f.Queues, map[string]any{"name": fmt.Sprintf("Queue %04d", i), "members": members})
	}
	for i := range nGroups {
		f.Groups = append(f.Groups, map[string]any{"name": fmt.Sprintf("Group %04d", i)})
	}
	for i := range nContacts {
		f.ExternalContacts = append(f.ExternalContacts, map[string]any{"firstName": "Contact", "lastName": fmt.Sprintf("%05d", i)})
	}
	return f
}
