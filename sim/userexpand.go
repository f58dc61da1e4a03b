package sim

import (
	"maps"
	"net/http"
	"slices"
)

// expand on users: the members the service sends only when asked for,
// read from the simulator's state.

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
