package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Users: the users resource (create, read with expand, PATCH, delete).

// userRef is the summary of a user embedded in other entities.
func (st *store) userRef(id string) (entity, bool) {
	u, ok := st.users.get(id)
	if !ok {
		return nil, false
	}
	return entity{"id": id, "name": u["name"], "email": u["email"], "username": u["username"],
		"state": u["state"], "division": u["division"], "version": u["version"], "selfUri": u["selfUri"]}, true
}

// usersResource is the users resource; /users/me reads through it too.
var usersResource = &resource{col: func(st *store) *collection { return st.users }, idVar: "userId", paged: true,
	view: userView, plain: userPlain}

func init() {
	users := usersResource
	users.prepare = func(c *call, old, e entity) *apiError {
		st := c.s.store
		if old == nil { // CreateUser: divisionId -> division; username from email; no password kept
			d, ae := st.divisionRef("divisionId", e["divisionId"])
			if ae != nil {
				return ae
			}
			e["division"] = d
			delete(e, "divisionId")
			delete(e, "password")
			if e["state"] == nil {
				e["state"] = "active"
			}
			e["username"] = e["email"]
			e["chat"] = entity{"jabberId": str(e["id"]) + "@sim.orgspan.com"}
			e["acdAutoAnswer"] = false
		}
		if m, ok := e["manager"].(string); ok { // UpdateUser sends the manager's id
			if m == "" {
				delete(e, "manager")
			} else if _, ok := st.users.items[m]; !ok {
				return badRequest("manager", fmt.Sprintf("The user %s does not exist.", m))
			} else {
				e["manager"] = entity{"id": m, "selfUri": st.users.base + "/" + m}
			}
		}
		if email := str(e["email"]); email != "" {
			for id, u := range st.users.items {
				if id != e["id"] && strings.EqualFold(str(u["email"]), email) {
					return conflict(id, fmt.Sprintf("A user with the email %s already exists.", email))
				}
			}
		}
		return nil
	}
	users.filter = func(c *call) (func(entity) bool, *apiError) {
		ids := listValues(c.query, "id")
		jids := listValues(c.query, "jabberId")
		state := first(c.query["state"])
		if state == "" {
			state = "active"
		}
		return func(e entity) bool {
			if len(ids) > 0 && !slices.Contains(ids, str(e["id"])) {
				return false
			}
			if len(jids) > 0 {
				chat, _ := e["chat"].(map[string]any)
				if !slices.Contains(jids, str(chat["jabberId"])) {
					return false
				}
			}
			return state == "any" || str(e["state"]) == state
		}, nil
	}
	// The common listings (by state only) are slices of a kept index, so
	// that page N of 100,000 users costs a page, not a scan.
	users.index = func(c *call) string {
		if len(listValues(c.query, "id")) > 0 || len(listValues(c.query, "jabberId")) > 0 {
			return ""
		}
		state := first(c.query["state"])
		if state == "" {
			state = "active"
		}
		return "state=" + state
	}
	users.removed = func(st *store, id string) {
		st.userState.forget(id)
		st.agentMu.Lock()
		delete(st.presence, id)
		delete(st.routing, id)
		st.agentMu.Unlock()
		st.memMu.Lock()
		defer st.memMu.Unlock()
		for q, ms := range st.queueMembers {
			n := len(ms)
			st.queueMembers[q] = slices.DeleteFunc(ms, func(m queueMember) bool { return m.userID == id })
			if len(st.queueMembers[q]) != n {
				st.queueMemberEvent(q, id, false)
			}
		}
		for g, ms := range st.groupMembers {
			st.groupMembers[g] = slices.DeleteFunc(ms, func(m string) bool { return m == id })
		}
	}
	users.crud("/api/v2/users", "/api/v2/users/{userId}", "list", "create", "get", "patch", "delete")
	bind("GET", "/api/v2/users/me", getUsersMe)
}

// noUserContext is the service's answer to /users/me with a token that
// belongs to no user (client credentials).
var noUserContext = &apiError{status: http.StatusBadRequest, code: "bad.request",
	message: "This request requires a user context. Client credentials cannot be used for requests to this resource."}

// getUsersMe serves GET /api/v2/users/me: the user the token belongs to
// (authorization code, PKCE, SAML2 bearer, implicit), with expand; a
// client-credentials token gets 400, as on the service.
func getUsersMe(c *call) (int, any, *apiError) {
	uid := c.s.tokenUser(c.token)
	if uid == "" {
		return 0, nil, noUserContext
	}
	it, ok := c.s.store.users.getItem(uid)
	if !ok {
		return 0, nil, c.s.store.users.notFound(uid)
	}
	return http.StatusOK, userView(c, it.e), nil
}
