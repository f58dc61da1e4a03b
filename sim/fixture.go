package sim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient/models"
)

// Fixture is an organization to start the simulator with, usually read
// from a JSON file (see ReadFixture and testdata/fixture.json). Each entry
// is a JSON object in the shape the API answers (the model of the
// resource), plus a few conveniences, described on each field. An entry
// without an id gets a deterministic one. References name an entity by id
// or by name (users by id or email).
type Fixture struct {
	// Divisions (AuthzDivision). "home": true marks the home division;
	// without one the first is home; without any, one named "Home" is made.
	Divisions []map[string]any `json:"divisions,omitempty"`
	// Routing skills (RoutingSkill) and languages (Language).
	Skills    []map[string]any `json:"skills,omitempty"`
	Languages []map[string]any `json:"languages,omitempty"`
	// Wrap-up codes (WrapupCode); "division" names a division.
	WrapupCodes []map[string]any `json:"wrapupCodes,omitempty"`
	// Presence definitions (OrganizationPresence), served by both presence
	// definition APIs; without any, the ten usual ones are made.
	PresenceDefinitions []map[string]any `json:"presenceDefinitions,omitempty"`
	// Users (User). "division" names a division (default home);
	// "presence" names a presence definition (by id, name or system
	// presence) and "routingStatus" a routing status (IDLE, OFF_QUEUE, …);
	// "skills" and "languages" are lists of {"id" or "name", "proficiency"};
	// "profileSkills" a list of strings; "password" is ignored.
	Users []map[string]any `json:"users,omitempty"`
	// Groups (Group); "members" lists users.
	Groups []map[string]any `json:"groups,omitempty"`
	// Routing queues (Queue); "division" names a division and "members"
	// lists users, or {"user", "joined", "ringNumber"} objects.
	Queues []map[string]any `json:"queues,omitempty"`
	// External contacts (ExternalContact).
	ExternalContacts []map[string]any `json:"externalContacts,omitempty"`
}

// ReadFixture reads a fixture from JSON; a member the format does not have
// is an error.
func ReadFixture(r io.Reader) (*Fixture, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("sim: read fixture: %w", err)
	}
	var f Fixture
	if err := json.Unmarshal(data, &f, json.RejectUnknownMembers(true)); err != nil {
		return nil, fmt.Errorf("sim: fixture: %w", err)
	}
	return &f, nil
}

// WithFixture starts the simulator with the organization of f instead of
// the generated one. With WithSeedUsers too, the generated users (and
// their groups, queues, contacts, skills, languages and wrap-up codes) are
// added after the fixture's.
func WithFixture(f *Fixture) Option {
	return func(c *config) error {
		if f == nil {
			return errors.New("sim: nil fixture")
		}
		c.fixture = f
		return nil
	}
}

// WithFixtureFile is WithFixture with a fixture read from a JSON file.
func WithFixtureFile(path string) Option {
	return func(c *config) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("sim: %w", err)
		}
		f, err := ReadFixture(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%w (in %s)", err, path)
		}
		c.fixture = f
		return nil
	}
}

// fixtureLoader loads one fixture into a store.
type fixtureLoader struct {
	st *store
}

// seedFixture fills the store from f. Errors name the entry at fault
// ("users[2].division: …").
func (st *store) seedFixture(f *Fixture) error {
	l := &fixtureLoader{st: st}
	if len(f.Divisions) == 0 {
		st.seedDivisions([]string{"Home"})
	}
	for i, d := range f.Divisions {
		d = clone(d)
		home, _ := d["home"].(bool)
		delete(d, "home")
		d["homeDivision"] = home || (i == 0 && !anyHome(f.Divisions))
		id, err := l.put(st.divisions, "divisions", i, d)
		if err != nil {
			return err
		}
		if d["homeDivision"] == true {
			st.homeDivision = id
		}
	}
	for _, x := range []struct {
		col   *collection
		name  string
		items []map[string]any
	}{{st.skills, "skills", f.Skills}, {st.languages, "languages", f.Languages}} {
		for i, e := range x.items {
			e = clone(e)
			setDefault(e, "state", "active")
			if _, err := l.put(x.col, x.name, i, e); err != nil {
				return err
			}
		}
	}
	for i, e := range f.WrapupCodes {
		e = clone(e)
		if err := l.division(e, "wrapupCodes", i); err != nil {
			return err
		}
		if _, err := l.put(st.wrapups, "wrapupCodes", i, e); err != nil {
			return err
		}
	}
	if len(f.PresenceDefinitions) == 0 {
		st.seedPresences()
	}
	for i, e := range f.PresenceDefinitions {
		e = clone(e)
		setDefault(e, "deactivated", false)
		if e["languageLabels"] == nil {
			e["languageLabels"] = map[string]any{"en_US": e["name"]}
		}
		setDefault(e, "systemPresence", e["name"])
		id, err := l.put(st.presences, "presenceDefinitions", i, e)
		if err != nil {
			return err
		}
		def := clone(e)
		def["id"], def["type"], def["divisionId"] = id, "System", "*"
		delete(def, "selfUri")
		delete(def, "primary")
		if _, err := l.put(st.presenceDefs, "presenceDefinitions", i, def); err != nil {
			return err
		}
	}
	for i, e := range f.Users {
		if err := l.user(clone(e), i); err != nil {
			return err
		}
	}
	for i, e := range f.Groups {
		if err := l.group(clone(e), i); err != nil {
			return err
		}
	}
	for i, e := range f.Queues {
		if err := l.queue(clone(e), i); err != nil {
			return err
		}
	}
	for i, e := range f.ExternalContacts {
		e = clone(e)
		setDefault(e, "type", "Curated")
		if _, err := l.put(st.contacts, "externalContacts", i, e); err != nil {
			return err
		}
	}
	return nil
}

func anyHome(ds []map[string]any) bool {
	for _, d := range ds {
		if h, _ := d["home"].(bool); h {
			return true
		}
	}
	return false
}

func clone(e map[string]any) entity {
	if e == nil {
		return entity{}
	}
	return cloneEntity(e)
}

func setDefault(e entity, k string, v any) {
	if e[k] == nil {
		e[k] = v
	}
}

// put checks e against the collection's model (strictly: a member the
// model has not is an error), gives it an id, the stamps of a new entity
// and its selfUri, and stores it.
func (l *fixtureLoader) put(col *collection, list string, i int, e entity) (string, error) {
	at := fmt.Sprintf("%s[%d]", list, i)
	data, err := json.Marshal(e)
	if err != nil {
		return "", fmt.Errorf("sim: fixture %s: %w", at, err)
	}
	if err := json.Unmarshal(data, reflect.New(col.model).Interface(), json.RejectUnknownMembers(true)); err != nil {
		return "", fmt.Errorf("sim: fixture %s: %w", at, err)
	}
	col.mu.Lock()
	defer col.mu.Unlock()
	id := str(e["id"])
	if id == "" {
		id = col.newID()
	} else if _, dup := col.items[id]; dup {
		return "", fmt.Errorf("sim: fixture %s: duplicate id %s", at, id)
	}
	if name := str(e["name"]); name != "" && col != l.st.users && col != l.st.presenceDefs {
		if ae := col.uniqueName(entity{"id": id, "name": name}, col.kind); ae != nil {
			return "", fmt.Errorf("sim: fixture %s: %s", at, ae.message)
		}
	}
	e["id"], e["selfUri"] = id, col.base+"/"+id
	l.st.touch(col, e, true)
	col.put(canonical(e, col.model))
	return id, nil
}

// lookup finds an entity of col by id or, case ignored, name (or email).
func (l *fixtureLoader) lookup(col *collection, v any) (string, bool) {
	ref := str(v)
	if m, ok := v.(map[string]any); ok {
		ref = str(m["id"])
		if ref == "" {
			ref = str(m["name"])
		}
	}
	if ref == "" {
		return "", false
	}
	if _, ok := col.getItem(ref); ok {
		return ref, true
	}
	for _, it := range col.list(func(e entity) bool {
		return strings.EqualFold(str(e["name"]), ref) || strings.EqualFold(str(e["email"]), ref)
	}) {
		return str(it.e["id"]), true
	}
	return "", false
}

// division replaces e's "division" (a name or id; default home) with a
// reference.
func (l *fixtureLoader) division(e entity, list string, i int) error {
	id := l.st.homeDivision
	if v, set := e["division"]; set {
		var ok bool
		if id, ok = l.lookup(l.st.divisions, v); !ok {
			return fmt.Errorf("sim: fixture %s[%d].division: no division %v", list, i, v)
		}
	}
	d, _ := l.st.divisions.get(id)
	e["division"] = ref(l.st.divisions, id, str(d["name"]))
	return nil
}

func (l *fixtureLoader) user(e entity, i int) error {
	st := l.st
	at := fmt.Sprintf("users[%d]", i)
	if err := l.division(e, "users", i); err != nil {
		return err
	}
	presence, routing := e["presence"], str(e["routingStatus"])
	skills, langs, profile := e["skills"], e["languages"], e["profileSkills"]
	for _, k := range []string{"presence", "routingStatus", "skills", "languages", "profileSkills", "password"} {
		delete(e, k)
	}
	setDefault(e, "state", "active")
	setDefault(e, "acdAutoAnswer", false)
	if e["email"] != nil {
		setDefault(e, "username", e["email"])
	}
	for _, u := range st.users.list(func(u entity) bool { return e["email"] != nil && strings.EqualFold(str(u["email"]), str(e["email"])) }) {
		return fmt.Errorf("sim: fixture %s: the email %s is already used by %s", at, str(e["email"]), str(u.e["id"]))
	}
	id, err := l.put(st.users, "users", i, e)
	if err != nil {
		return err
	}
	if e["chat"] == nil {
		u, _ := st.users.get(id)
		u["chat"] = entity{"jabberId": id + "@sim.orgspan.com"}
		st.users.mu.Lock()
		st.users.put(u)
		st.users.mu.Unlock()
	}
	if presence != nil {
		if err := l.presence(id, at, presence); err != nil {
			return err
		}
	}
	if routing != "" {
		s := models.RoutingStatusStatus(routing)
		if !s.IsKnown() {
			return fmt.Errorf("sim: fixture %s.routingStatus: unknown status %q", at, routing)
		}
		st.agentMu.Lock()
		st.routing[id] = routingState{status: s, start: st.now().UTC()}
		st.agentMu.Unlock()
	}
	for _, x := range []struct {
		kind *assignmentKind
		name string
		v    any
	}{{userSkills, "skills", skills}, {userLanguages, "languages", langs}} {
		list, ok := x.v.([]any)
		if !ok && x.v != nil {
			return fmt.Errorf("sim: fixture %s.%s: want a list", at, x.name)
		}
		var as []assignment
		for j, a := range list {
			m, _ := a.(map[string]any)
			aid, found := l.lookup(x.kind.col(st), a)
			if !found {
				return fmt.Errorf("sim: fixture %s.%s[%d]: no such %s", at, x.name, j, x.kind.col(st).kind)
			}
			p, _ := number(m["proficiency"])
			if p < 0 || p > 5 {
				return fmt.Errorf("sim: fixture %s.%s[%d].proficiency: %v is not from 0 to 5", at, x.name, j, p)
			}
			as = append(as, assignment{id: aid, proficiency: p})
		}
		x.kind.set(st, id, as, true)
	}
	if profile != nil {
		list, ok := profile.([]any)
		if !ok {
			return fmt.Errorf("sim: fixture %s.profileSkills: want a list of strings", at)
		}
		var ps []string
		for j, p := range list {
			if _, ok := p.(string); !ok {
				return fmt.Errorf("sim: fixture %s.profileSkills[%d]: want a string", at, j)
			}
			ps = append(ps, str(p))
		}
		st.userState.mu.Lock()
		st.userState.profileSkills[id] = ps
		st.userState.mu.Unlock()
	}
	return nil
}

// presence sets a fixture user's primary presence from a definition id,
// name or system presence.
func (l *fixtureLoader) presence(userID, at string, v any) error {
	st := l.st
	want := presenceKey(str(v))
	var def entity
	for _, it := range st.presences.list(func(e entity) bool {
		return str(e["id"]) == str(v) || presenceKey(str(e["name"])) == want || presenceKey(str(e["systemPresence"])) == want
	}) {
		def = it.e
		break
	}
	if def == nil {
		return fmt.Errorf("sim: fixture %s.presence: no presence definition %v", at, v)
	}
	st.agentMu.Lock()
	defer st.agentMu.Unlock()
	p := st.presenceOf(userID, "purecloud")
	p.defID, p.system, p.defURI = str(def["id"]), str(def["systemPresence"]), str(def["selfUri"])
	p.modified = st.now().UTC()
	st.presence[userID] = map[string]userPresence{"purecloud": p}
	if _, set := st.routing[userID]; !set && onQueue(p.system) {
		st.routing[userID] = routingState{status: "IDLE", start: p.modified}
	}
	return nil
}

// members resolves a list of users (ids, emails, or objects with "user").
func (l *fixtureLoader) members(at string, v any) ([]queueMember, error) {
	list, ok := v.([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("sim: fixture %s.members: want a list", at)
	}
	out := make([]queueMember, 0, len(list))
	for j, x := range list {
		m := queueMember{joined: true, ringNumber: 1}
		ref := x
		if o, ok := x.(map[string]any); ok {
			ref = o["user"]
			if ref == nil {
				ref = o["id"]
			}
			if j, ok := o["joined"].(bool); ok {
				m.joined = j
			}
			if n, ok := number(o["ringNumber"]); ok {
				m.ringNumber = int(n)
			}
		}
		id, ok := l.lookup(l.st.users, ref)
		if !ok {
			return nil, fmt.Errorf("sim: fixture %s.members[%d]: no user %v", at, j, ref)
		}
		m.userID = id
		out = append(out, m)
	}
	return out, nil
}

func (l *fixtureLoader) group(e entity, i int) error {
	at := fmt.Sprintf("groups[%d]", i)
	ms, err := l.members(at, e["members"])
	if err != nil {
		return err
	}
	delete(e, "members")
	setDefault(e, "state", "active")
	setDefault(e, "type", "official")
	setDefault(e, "visibility", "public")
	id, err := l.put(l.st.groups, "groups", i, e)
	if err != nil {
		return err
	}
	l.st.memMu.Lock()
	defer l.st.memMu.Unlock()
	for _, m := range ms {
		l.st.groupMembers[id] = append(l.st.groupMembers[id], m.userID)
	}
	return nil
}

func (l *fixtureLoader) queue(e entity, i int) error {
	at := fmt.Sprintf("queues[%d]", i)
	ms, err := l.members(at, e["members"])
	if err != nil {
		return err
	}
	delete(e, "members")
	if err := l.division(e, "queues", i); err != nil {
		return err
	}
	id, err := l.put(l.st.queues, "queues", i, e)
	if err != nil {
		return err
	}
	l.st.memMu.Lock()
	defer l.st.memMu.Unlock()
	l.st.queueMembers[id] = ms
	return nil
}

// presenceKey is a presence name without case, spaces or underscores, so
// "On Queue", "ON_QUEUE" and "OnQueue" are one.
func presenceKey(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "_", "").Replace(s))
}
