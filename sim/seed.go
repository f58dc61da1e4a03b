package sim

import (
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/purecloudgo/platformclient/models"
)

// store is the state of the simulated organization.
type store struct {
	seed uint64
	now  func() time.Time

	users, groups, queues, skills, languages, wrapups, divisions, presences, presenceDefs, contacts *collection

	homeDivision string

	memMu        sync.Mutex
	queueMembers map[string][]queueMember // by queue id, in joining order
	groupMembers map[string][]string      // user ids by group id

	agentMu  sync.Mutex
	presence map[string]map[string]userPresence // by user id, then lower-case source id
	routing  map[string]routingState            // by user id

	userState *userState // profile skills, routing skills and languages, last logins (userstate.go)

	// publish sends a notification event; set by New.
	publish func(topic string, body any) int
}

// queueMember is a user's membership of a queue.
type queueMember struct {
	userID     string
	joined     bool
	ringNumber int
}

func newStore(seed uint64, now func() time.Time) *store {
	st := &store{seed: seed, now: now, queueMembers: map[string][]queueMember{}, groupMembers: map[string][]string{},
		presence: map[string]map[string]userPresence{}, routing: map[string]routingState{},
		publish: func(string, any) int { return 0 }, userState: newUserState()}
	st.users = newCollection("user", "/api/v2/users", reflect.TypeFor[models.User](), seed)
	st.groups = newCollection("group", "/api/v2/groups", reflect.TypeFor[models.Group](), seed)
	st.queues = newCollection("queue", "/api/v2/routing/queues", reflect.TypeFor[models.Queue](), seed)
	st.skills = newCollection("skill", "/api/v2/routing/skills", reflect.TypeFor[models.RoutingSkill](), seed)
	st.languages = newCollection("language", "/api/v2/routing/languages", reflect.TypeFor[models.Language](), seed)
	st.wrapups = newCollection("wrap-up code", "/api/v2/routing/wrapupcodes", reflect.TypeFor[models.WrapupCode](), seed)
	st.divisions = newCollection("division", "/api/v2/authorization/divisions", reflect.TypeFor[models.AuthzDivision](), seed)
	st.presences = newCollection("presence definition", "/api/v2/presencedefinitions", reflect.TypeFor[models.OrganizationPresence](), seed)
	st.presenceDefs = newCollection("presence definition", "/api/v2/presence/definitions", reflect.TypeFor[models.OrganizationPresenceDefinition](), seed)
	st.contacts = newCollection("external contact", "/api/v2/externalcontacts/contacts", reflect.TypeFor[models.ExternalContact](), seed)
	return st
}

var (
	firstNames  = []string{"Ada", "Bruno", "Chiara", "Dmitri", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam", "Maya", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Sven", "Tara"}
	lastNames   = []string{"Okafor", "Lindqvist", "Moreau", "Tanaka", "Silva", "Novak", "Murphy", "Haddad", "Kowalski", "Rossi", "Schmidt", "Nakamura", "Byrne", "Costa", "Jensen", "Ivanova", "Mendes", "Walsh", "Keller", "Duarte"}
	departments = []string{"Customer Care", "Sales", "Billing", "Technical Support", "Retention"}
	titles      = []string{"Agent", "Senior Agent", "Team Lead", "Supervisor"}
	skillNames  = []string{"Billing", "Sales", "Support", "Retention", "Technical", "Escalations", "VIP", "Returns", "Onboarding", "Collections"}
	langNames   = []string{"English", "Spanish", "French", "German", "Portuguese", "Italian", "Dutch", "Japanese", "Polish", "Swedish"}
	wrapupNames = []string{"Resolved", "Follow-up required", "Transferred", "Callback scheduled", "No answer", "Wrong number", "Sale completed", "Complaint logged", "Information provided", "Escalated"}
	presences   = []string{"Available", "Away", "Busy", "Offline", "Idle", "OnQueue", "Meal", "Training", "Meeting", "Break"}
)

func (st *store) stamp(seed uint64) string {
	return defaultFiller.when(seed).Format("2006-01-02T15:04:05.000Z")
}

// homeRef is the reference to the home division that entities embed.
func (st *store) homeRef() entity {
	d, _ := st.divisions.get(st.homeDivision)
	return ref(st.divisions, st.homeDivision, str(d["name"]))
}

func ref(c *collection, id, name string) entity {
	e := entity{"id": id, "selfUri": c.base + "/" + id}
	if name != "" {
		e["name"] = name
	}
	return e
}

// populate fills the organization from the fixture, the generated data, or
// both (see WithFixture).
func (st *store) populate(cfg config) error {
	if cfg.fixture == nil {
		st.seedData(cfg.seedUsers)
		return nil
	}
	if err := st.seedFixture(cfg.fixture); err != nil {
		return err
	}
	if cfg.seedUsersSet && cfg.seedUsers > 0 {
		st.seedCatalog()
		st.seedPeople(cfg.seedUsers)
	}
	return nil
}

// seedData fills the organization: users users, one external contact each,
// a group and a queue per 50 users (at least one of each), and fixed sets of
// divisions, skills, languages, wrap-up codes and presence definitions.
func (st *store) seedData(users int) {
	st.seedDivisions([]string{"Home", "Sales Division", "Support Division"})
	st.seedCatalog()
	st.seedPresences()
	st.seedPeople(users)
}

// seedDivisions adds divisions; the first is the home division.
func (st *store) seedDivisions(divNames []string) {
	for i, n := range divNames {
		id := st.divisions.seedID(i)
		if i == 0 {
			st.homeDivision = id
		}
		st.divisions.put(entity{"id": id, "name": n, "description": n + " of the simulated organization",
			"homeDivision": i == 0, "selfUri": st.divisions.base + "/" + id})
	}
}

// seedCatalog adds 25 skills, 10 languages and 10 wrap-up codes.
func (st *store) seedCatalog() {
	home := st.homeRef()
	for i := 0; i < 25; i++ {
		id := st.skills.seedID(i)
		name := skillNames[i%len(skillNames)]
		if i >= len(skillNames) {
			name = fmt.Sprintf("%s %d", name, i/len(skillNames)+1)
		}
		st.skills.put(entity{"id": id, "name": name, "state": "active", "version": "1",
			"dateModified": st.stamp(uint64(i)), "selfUri": st.skills.base + "/" + id})
	}
	for i, n := range langNames {
		id := st.languages.seedID(i)
		st.languages.put(entity{"id": id, "name": n, "state": "active", "version": "1",
			"dateModified": st.stamp(uint64(i)), "selfUri": st.languages.base + "/" + id})
	}
	for i, n := range wrapupNames {
		id := st.wrapups.seedID(i)
		st.wrapups.put(entity{"id": id, "name": n, "division": home, "description": n,
			"dateCreated": st.stamp(uint64(i)), "dateModified": st.stamp(uint64(i)), "createdBy": "system",
			"selfUri": st.wrapups.base + "/" + id})
	}
}

// seedPresences adds the presence definitions, to both presence APIs.
func (st *store) seedPresences() {
	for i, n := range presences {
		id := st.presences.seedID(i)
		st.presences.put(entity{"id": id, "name": n, "languageLabels": map[string]any{"en_US": n},
			"systemPresence": n, "deactivated": false, "primary": i < 4,
			"createdDate": st.stamp(uint64(i)), "selfUri": st.presences.base + "/" + id})
		id2 := st.presenceDefs.seedID(i)
		st.presenceDefs.put(entity{"id": id2, "name": n, "type": "System", "languageLabels": map[string]any{"en_US": n},
			"systemPresence": n, "divisionId": "*", "deactivated": false, "selfUri": st.presenceDefs.base + "/" + id2})
	}
}

// seedPeople adds users users, one external contact each, and a group and a
// queue per 50 users (at least one of each) with members.
func (st *store) seedPeople(users int) {
	home := st.homeRef()
	for i := 0; i < users; i++ {
		id := st.users.seedID(i)
		first, last := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
		email := fmt.Sprintf("user%04d@sim.example.com", i+1)
		st.users.put(entity{
			"id":                 id,
			"name":               fmt.Sprintf("%s %s %04d", first, last, i+1),
			"division":           home,
			"chat":               entity{"jabberId": fmt.Sprintf("%s@sim.orgspan.com", id)},
			"department":         departments[i%len(departments)],
			"email":              email,
			"primaryContactInfo": []any{entity{"address": email, "mediaType": "EMAIL", "type": "PRIMARY"}},
			"addresses":          []any{entity{"address": fmt.Sprintf("+1317555%04d", i%10000), "display": fmt.Sprintf("+1 317-555-%04d", i%10000), "mediaType": "PHONE", "type": "WORK"}},
			"state":              "active",
			"title":              titles[i%len(titles)],
			"username":           email,
			"version":            1,
			"acdAutoAnswer":      false,
			"selfUri":            st.users.base + "/" + id,
		})
		cid := st.contacts.seedID(i)
		st.contacts.put(entity{
			"id": cid, "firstName": first, "lastName": fmt.Sprintf("%s %04d", last, i+1),
			"workEmail": fmt.Sprintf("contact%04d@customer.example.com", i+1),
			"workPhone": entity{"display": fmt.Sprintf("+1 555-010-%04d", i%10000), "e164": fmt.Sprintf("+1555010%04d", i%10000)},
			"type":      "Curated", "createDate": st.stamp(uint64(i)), "modifyDate": st.stamp(uint64(i)),
			"selfUri": st.contacts.base + "/" + cid,
		})
	}
	n := max(users/50, 1)
	userIDs := st.users.ids()
	for i := 0; i < n; i++ {
		gid := st.groups.seedID(i)
		st.groups.put(entity{"id": gid, "name": fmt.Sprintf("Team %02d", i+1), "description": "Seeded group",
			"type": "official", "visibility": "public", "rulesVisible": true, "state": "active", "version": 1,
			"dateModified": st.stamp(uint64(i)), "selfUri": st.groups.base + "/" + gid})
		qid := st.queues.seedID(i)
		st.queues.put(entity{"id": qid, "name": fmt.Sprintf("Queue %02d", i+1), "division": home,
			"description": "Seeded queue", "scoringMethod": "TimestampAndPriority",
			"dateCreated": st.stamp(uint64(i)), "dateModified": st.stamp(uint64(i)), "createdBy": "system", "modifiedBy": "system",
			"acwSettings": entity{"wrapupPrompt": "OPTIONAL", "timeoutMs": 30000},
			"selfUri":     st.queues.base + "/" + qid})
		// 25 queue members and 10 group members from a sliding window of users.
		for j := 0; j < 25 && j < len(userIDs); j++ {
			uid := userIDs[(i*25+j)%len(userIDs)]
			st.queueMembers[qid] = append(st.queueMembers[qid], queueMember{userID: uid, joined: j%3 != 0, ringNumber: 1})
		}
		for j := 0; j < 10 && j < len(userIDs); j++ {
			st.groupMembers[gid] = append(st.groupMembers[gid], userIDs[(i*10+j)%len(userIDs)])
		}
	}
}

// UserIDs returns the ids of the users the simulator holds now (seeded and
// created, not deleted), in creation order: the order of the users listing.
func (s *Server) UserIDs() []string { return s.store.users.ids() }
