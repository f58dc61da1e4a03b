package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/purecloudgo/platformclient/models"
)

// Groups and their members.

func init() {
	groups := &resource{col: func(st *store) *collection { return st.groups }, idVar: "groupId", paged: true}
	groups.prepare = func(c *call, old, e entity) *apiError {
		st := c.s.store
		if ids, ok := e["ownerIds"].([]any); ok {
			var owners []any
			for i, x := range ids {
				u, ok := st.userRef(str(x))
				if !ok {
					return badRequest(fmt.Sprintf("ownerIds[%d]", i), fmt.Sprintf("The user %v does not exist.", x))
				}
				owners = append(owners, u)
			}
			e["owners"] = owners
			delete(e, "ownerIds")
		}
		if e["state"] == nil {
			e["state"] = "active"
		}
		return nil
	}
	groups.view = func(c *call, e entity) entity {
		st := c.s.store
		out := cloneEntity(e)
		st.memMu.Lock()
		out["memberCount"] = len(st.groupMembers[str(e["id"])])
		st.memMu.Unlock()
		return out
	}
	groups.removed = func(st *store, id string) {
		st.memMu.Lock()
		delete(st.groupMembers, id)
		st.memMu.Unlock()
	}
	groups.crud("/api/v2/groups", "/api/v2/groups/{groupId}", "list", "create", "get", "put", "delete")
	bind("GET", "/api/v2/groups/{groupId}/members", groupMembers(true))
	bind("GET", "/api/v2/groups/{groupId}/individuals", groupMembers(false))
	bind("POST", "/api/v2/groups/{groupId}/members", addGroupMembers)
	bind("DELETE", "/api/v2/groups/{groupId}/members", removeGroupMembers)
}

// memberUser renders a user as an entry of a users listing.
func (st *store) usersListing(c *call, ids []string, paged bool) (int, any, *apiError) {
	var items []entity
	for _, id := range ids {
		if it, ok := st.users.getItem(id); ok {
			items = append(items, st.expandUser(it.e, listValues(c.query, "expand")))
		}
	}
	p := paging{size: max(len(items), 1), number: 1}
	if paged {
		var e *apiError
		if p, e = pageOf(c.query); e != nil {
			return 0, nil, e
		}
	}
	if descending(c.query) {
		slices.Reverse(items)
	}
	return http.StatusOK, fitTo(pageListing(strings.TrimSuffix(c.path, "/"), c.query, items, p), responseType(c)), nil
}

func groupMembers(paged bool) handler {
	return func(c *call) (int, any, *apiError) {
		st := c.s.store
		id := c.vars["groupId"]
		if _, ok := st.groups.get(id); !ok {
			return 0, nil, st.groups.notFound(id)
		}
		st.memMu.Lock()
		ids := slices.Clone(st.groupMembers[id])
		st.memMu.Unlock()
		return st.usersListing(c, ids, paged)
	}
}

// addGroupMembers serves POST /api/v2/groups/{groupId}/members: the body's
// version must be the group's.
func addGroupMembers(c *call) (int, any, *apiError) {
	st := c.s.store
	id := c.vars["groupId"]
	body := c.body.(*models.GroupMembersUpdate)
	for i, uid := range body.MemberIDs {
		if _, ok := st.users.get(uid); !ok {
			return 0, nil, badRequest(fmt.Sprintf("memberIds[%d]", i), fmt.Sprintf("The user %s does not exist.", uid))
		}
	}
	return changeGroupMembers(c, id, body.Version, func(ms []string) []string {
		for _, uid := range body.MemberIDs {
			if !slices.Contains(ms, uid) {
				ms = append(ms, uid)
			}
		}
		return ms
	})
}

// removeGroupMembers serves DELETE /api/v2/groups/{groupId}/members?ids=.
func removeGroupMembers(c *call) (int, any, *apiError) {
	ids := listValues(c.query, "ids")
	return changeGroupMembers(c, c.vars["groupId"], nil, func(ms []string) []string {
		return slices.DeleteFunc(ms, func(m string) bool { return slices.Contains(ids, m) })
	})
}

func changeGroupMembers(c *call, id string, version *int, change func([]string) []string) (int, any, *apiError) {
	st := c.s.store
	col := st.groups
	col.mu.Lock()
	defer col.mu.Unlock()
	g, ok := col.items[id]
	if !ok {
		return 0, nil, col.notFound(id)
	}
	if version != nil {
		if e := checkVersion(col, id, g, entity{"version": *version}); e != nil {
			return 0, nil, e
		}
	}
	st.memMu.Lock()
	st.groupMembers[id] = change(st.groupMembers[id])
	st.memMu.Unlock()
	g = cloneEntity(g)
	if v, ok := number(g["version"]); ok {
		g["version"] = int(v) + 1
	}
	st.touch(col, g, false)
	col.put(g)
	return http.StatusAccepted, entity{}, nil
}
