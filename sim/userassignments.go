package sim

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/purecloudgo/platformclient/models"
)

// A user's routing skills and languages: /api/v2/users/{userId}/routingskills
// and /routinglanguages (list, add, change one or in bulk, remove).

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

func init() {
	userSkills.bind()
	userLanguages.bind()
}
