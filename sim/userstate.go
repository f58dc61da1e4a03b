package sim

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/purecloudgo/platformclient/models"
)

// userState is what the simulator keeps of each user besides the user
// entity: profile skills, routing skills and languages, and the last login.
// Presence and routing status live in agents.go.
type userState struct {
	mu            sync.Mutex
	profileSkills map[string][]string     // by user id
	skills        map[string][]assignment // routing skills by user id, in adding order
	languages     map[string][]assignment // routing languages by user id
	lastLogin     map[string]time.Time    // by user id, set when a user token is issued
}

// assignment is a routing skill or language given to a user.
type assignment struct {
	id          string
	proficiency float64
}

func newUserState() *userState {
	return &userState{profileSkills: map[string][]string{}, skills: map[string][]assignment{},
		languages: map[string][]assignment{}, lastLogin: map[string]time.Time{}}
}

// forget removes everything kept of a deleted user.
func (us *userState) forget(id string) {
	us.mu.Lock()
	defer us.mu.Unlock()
	delete(us.profileSkills, id)
	delete(us.skills, id)
	delete(us.languages, id)
	delete(us.lastLogin, id)
}

// assignmentKind describes user routing skills or user routing languages.
type assignmentKind struct {
	col    func(*store) *collection // the catalog: skills or languages
	of     func(*userState) map[string][]assignment
	sub    string // "routingskills"
	idVar  string // "skillId"
	uriKey string // "skillUri"
	// after, when set, runs after each successful change of a user's
	// assignments (e.g. to offer waiting conversations to agents who now
	// have the skills they ask for).
	after func(c *call)
}

// ids returns the ids of a user's skills or languages, in adding order.
func (k *assignmentKind) ids(st *store, userID string) []string {
	st.userState.mu.Lock()
	defer st.userState.mu.Unlock()
	as := k.of(st.userState)[userID]
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.id
	}
	return out
}

// changed wraps a handler that changes assignments so that after runs
// once it succeeds.
func (k *assignmentKind) changed(h handler) handler {
	return func(c *call) (int, any, *apiError) {
		status, out, e := h(c)
		if e == nil && k.after != nil {
			k.after(c)
		}
		return status, out, e
	}
}

var (
	userSkills = &assignmentKind{col: func(st *store) *collection { return st.skills },
		of: func(us *userState) map[string][]assignment { return us.skills }, sub: "routingskills", idVar: "skillId", uriKey: "skillUri"}
	userLanguages = &assignmentKind{col: func(st *store) *collection { return st.languages },
		of: func(us *userState) map[string][]assignment { return us.languages }, sub: "routinglanguages", idVar: "languageId", uriKey: "languageUri"}
)

// entities renders a user's assignments as the API answers them; ones whose
// skill or language was deleted are left out.
func (k *assignmentKind) entities(st *store, userID string) []any {
	st.userState.mu.Lock()
	as := slices.Clone(k.of(st.userState)[userID])
	st.userState.mu.Unlock()
	out := make([]any, 0, len(as))
	for _, a := range as {
		if e, ok := k.entity(st, userID, a); ok {
			out = append(out, e)
		}
	}
	return out
}

func (k *assignmentKind) entity(st *store, userID string, a assignment) (entity, bool) {
	cat := k.col(st)
	it, ok := cat.getItem(a.id)
	if !ok {
		return nil, false
	}
	return entity{"id": a.id, "name": it.e["name"], "proficiency": a.proficiency, "state": "active",
		k.uriKey: cat.base + "/" + a.id, "selfUri": st.users.base + "/" + userID + "/" + k.sub + "/" + a.id}, true
}

// check returns the assignments of a body after checking that each names
// an existing skill or language and a proficiency from 0 to 5.
func (k *assignmentKind) check(st *store, field string, ids []*string, profs []*float64) ([]assignment, *apiError) {
	out := make([]assignment, 0, len(ids))
	for i := range ids {
		f := field
		if len(ids) > 1 {
			f = fmt.Sprintf("%s[%d]", field, i)
		}
		if ids[i] == nil || *ids[i] == "" {
			return nil, badRequest(joinField(f, "id"), "An id is required.")
		}
		if _, ok := k.col(st).getItem(*ids[i]); !ok {
			return nil, badRequest(joinField(f, "id"), fmt.Sprintf("The %s %s does not exist.", k.col(st).kind, *ids[i]))
		}
		p := 0.0
		if profs[i] != nil {
			p = *profs[i]
		}
		if p < 0 || p > 5 {
			return nil, badRequest(joinField(f, "proficiency"), "The proficiency must be from 0 to 5.")
		}
		out = append(out, assignment{id: *ids[i], proficiency: p})
	}
	return out, nil
}

// set adds or replaces assignments; replace drops the others first.
func (k *assignmentKind) set(st *store, userID string, as []assignment, replace bool) {
	st.userState.mu.Lock()
	defer st.userState.mu.Unlock()
	m := k.of(st.userState)
	cur := m[userID]
	if replace {
		cur = nil
	}
	for _, a := range as {
		if i := slices.IndexFunc(cur, func(x assignment) bool { return x.id == a.id }); i >= 0 {
			cur[i] = a
		} else {
			cur = append(cur, a)
		}
	}
	m[userID] = cur
}

// listing answers a user's assignments as an entity listing.
func (k *assignmentKind) listing(c *call, userID string) (int, any, *apiError) {
	p, ae := pageOf(c.query)
	if ae != nil {
		return 0, nil, ae
	}
	items := k.entities(c.s.store, userID)
	if descending(c.query) {
		slices.Reverse(items)
	}
	base := c.s.store.users.base + "/" + userID + "/" + k.sub
	return http.StatusOK, fitTo(pageListing(base, c.query, items, p), responseType(c)), nil
}

// bindExisting binds h when the definition has the operation (the skill
// and language routes differ slightly).
func bindExisting(method, template string, h handler) {
	if sharedRouter().lookup(method, template) != nil {
		bind(method, template, h)
	}
}

func (k *assignmentKind) bind() {
	base := "/api/v2/users/{userId}/" + k.sub
	bindExisting("GET", base, func(c *call) (int, any, *apiError) {
		uid, ae := userExists(c)
		if ae != nil {
			return 0, nil, ae
		}
		return k.listing(c, uid)
	})
	bindExisting("POST", base, k.changed(func(c *call) (int, any, *apiError) {
		uid, ae := userExists(c)
		if ae != nil {
			return 0, nil, ae
		}
		id, prof := postedAssignment(c.body)
		as, ae := k.check(c.s.store, "", []*string{id}, []*float64{prof})
		if ae != nil {
			return 0, nil, ae
		}
		k.set(c.s.store, uid, as, false)
		e, _ := k.entity(c.s.store, uid, as[0])
		return http.StatusOK, e, nil
	}))
	bulk := func(replace bool) handler {
		return k.changed(func(c *call) (int, any, *apiError) {
			uid, ae := userExists(c)
			if ae != nil {
				return 0, nil, ae
			}
			ids, profs := postedAssignments(c.body)
			as, ae := k.check(c.s.store, "", ids, profs)
			if ae != nil {
				return 0, nil, ae
			}
			k.set(c.s.store, uid, as, replace)
			return k.listing(c, uid)
		})
	}
	bindExisting("PATCH", base+"/bulk", bulk(false))
	bindExisting("PUT", base+"/bulk", bulk(true))
	one := k.changed(func(c *call) (int, any, *apiError) {
		uid, ae := userExists(c)
		if ae != nil {
			return 0, nil, ae
		}
		id := c.vars[k.idVar]
		_, prof := postedAssignment(c.body)
		as, ae := k.check(c.s.store, "", []*string{&id}, []*float64{prof})
		if ae != nil {
			return 0, nil, ae
		}
		k.set(c.s.store, uid, as, false)
		e, _ := k.entity(c.s.store, uid, as[0])
		return http.StatusOK, e, nil
	})
	bindExisting("PUT", base+"/{"+k.idVar+"}", one)
	bindExisting("PATCH", base+"/{"+k.idVar+"}", one)
	bindExisting("DELETE", base+"/{"+k.idVar+"}", k.changed(func(c *call) (int, any, *apiError) {
		uid, ae := userExists(c)
		if ae != nil {
			return 0, nil, ae
		}
		id := c.vars[k.idVar]
		st := c.s.store
		st.userState.mu.Lock()
		m := k.of(st.userState)
		n := len(m[uid])
		m[uid] = slices.DeleteFunc(m[uid], func(a assignment) bool { return a.id == id })
		gone := len(m[uid]) != n
		st.userState.mu.Unlock()
		if !gone {
			return 0, nil, notFound(fmt.Sprintf("The user %s has no %s %s.", uid, k.col(st).kind, id))
		}
		return http.StatusNoContent, nil, nil
	}))
}

// postedAssignment reads the id and proficiency of one skill or language
// body (UserRoutingSkillPost, UserRoutingSkill, and the language models).
func postedAssignment(body any) (*string, *float64) {
	switch b := body.(type) {
	case *models.UserRoutingSkillPost:
		return b.ID, b.Proficiency
	case *models.UserRoutingSkill:
		return b.ID, b.Proficiency
	case *models.UserRoutingLanguagePost:
		return b.ID, b.Proficiency
	case *models.UserRoutingLanguage:
		return b.ID, b.Proficiency
	}
	return nil, nil
}

func postedAssignments(body any) ([]*string, []*float64) {
	var ids []*string
	var profs []*float64
	switch b := body.(type) {
	case *[]models.UserRoutingSkillPost:
		for i := range *b {
			ids, profs = append(ids, (*b)[i].ID), append(profs, (*b)[i].Proficiency)
		}
	case *[]models.UserRoutingLanguagePost:
		for i := range *b {
			ids, profs = append(ids, (*b)[i].ID), append(profs, (*b)[i].Proficiency)
		}
	}
	return ids, profs
}

// getProfileSkills serves GET /api/v2/users/{userId}/profileskills.
func getProfileSkills(c *call) (int, any, *apiError) {
	uid, ae := userExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	return http.StatusOK, c.s.store.profileSkillsOf(uid), nil
}

// putProfileSkills serves PUT /api/v2/users/{userId}/profileskills: the
// body replaces the user's profile skills.
func putProfileSkills(c *call) (int, any, *apiError) {
	uid, ae := userExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	var skills []string
	if b, ok := c.body.(*[]string); ok && b != nil {
		for _, s := range *b {
			if !slices.Contains(skills, s) {
				skills = append(skills, s)
			}
		}
	}
	st := c.s.store
	st.userState.mu.Lock()
	st.userState.profileSkills[uid] = skills
	st.userState.mu.Unlock()
	return http.StatusOK, st.profileSkillsOf(uid), nil
}

// profileSkillsOf returns a user's profile skills, [] for none.
func (st *store) profileSkillsOf(userID string) []string {
	st.userState.mu.Lock()
	defer st.userState.mu.Unlock()
	return append([]string{}, st.userState.profileSkills[userID]...)
}

// userExpandable are the members of a user that the service sends only
// when expand asks for them.
var userExpandable = []string{"presence", "routingStatus", "groups", "skills", "languages", "profileSkills",
	"locations", "authorization", "station", "dateLastLogin"}

// expandUser renders a user with the members expand asks for, read from
// the same state as the presence, routing status, group, skill and
// language operations. Expansions the simulator keeps no state for are
// left out.
func (st *store) expandUser(e entity, expand []string) entity {
	out := maps.Clone(e)
	for _, k := range userExpandable {
		if !slices.Contains(expand, k) {
			delete(out, k)
		}
	}
	id := str(e["id"])
	for _, k := range expand {
		switch k {
		case "presence", "routingStatus":
			st.agentMu.Lock()
			var m any
			if k == "presence" {
				m = st.presenceOf(id, "purecloud").model(id)
			} else {
				m = st.routingOf(id).model(id)
			}
			st.agentMu.Unlock()
			out[k] = m // a model value: encoded as the API answers it
		case "groups":
			out[k] = st.groupsOf(id)
		case "skills":
			out[k] = userSkills.entities(st, id)
		case "languages":
			out[k] = userLanguages.entities(st, id)
		case "profileSkills":
			out[k] = st.profileSkillsOf(id)
		case "locations":
			if out[k] == nil {
				out[k] = []any{}
			}
		case "authorization":
			if out[k] == nil {
				out[k] = entity{"roles": []any{}, "unusedRoles": []any{}, "permissions": []any{}, "permissionPolicies": []any{}}
			}
		case "station":
			if out[k] == nil {
				out[k] = entity{}
			}
		case "dateLastLogin":
			st.userState.mu.Lock()
			t, ok := st.userState.lastLogin[id]
			st.userState.mu.Unlock()
			if ok {
				out[k] = t.UTC().Format("2006-01-02T15:04:05.000Z")
			}
		}
	}
	return out
}

// groupsOf returns references to the groups a user belongs to.
func (st *store) groupsOf(userID string) []any {
	st.memMu.Lock()
	var ids []string
	for g, ms := range st.groupMembers {
		if slices.Contains(ms, userID) {
			ids = append(ids, g)
		}
	}
	st.memMu.Unlock()
	slices.Sort(ids)
	out := make([]any, 0, len(ids))
	for _, g := range ids {
		if it, ok := st.groups.getItem(g); ok {
			out = append(out, entity{"id": g, "name": it.e["name"], "selfUri": st.groups.base + "/" + g})
		}
	}
	return out
}

// userView is the view of the users resource: expansions on reads.
func userView(c *call, e entity) entity {
	if c.rt.op.Method != http.MethodGet {
		return c.s.store.expandUser(e, nil)
	}
	return c.s.store.expandUser(e, listValues(c.query, "expand"))
}

// userPlain reports whether a user goes out as stored: no expansion asked
// for and none stored.
func userPlain(c *call, e entity) bool {
	if len(c.query["expand"]) > 0 && c.rt.op.Method == http.MethodGet {
		return false
	}
	for _, k := range userExpandable {
		if _, ok := e[k]; ok {
			return false
		}
	}
	return true
}

func init() {
	bind("GET", "/api/v2/users/{userId}/profileskills", getProfileSkills)
	bind("PUT", "/api/v2/users/{userId}/profileskills", putProfileSkills)
	userSkills.bind()
	userLanguages.bind()
}
