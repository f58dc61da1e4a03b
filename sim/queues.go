package sim

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/purecloudgo/platformclient/models"
)

// Routing queues and their members.

func init() {
	queues := &resource{col: func(st *store) *collection { return st.queues }, idVar: "queueId", paged: true}
	queues.prepare = func(c *call, old, e entity) *apiError {
		st := c.s.store
		if ae := st.setDivision(old, e); ae != nil {
			return ae
		}
		delete(e, "sourceQueueId")
		delete(e, "memberCount")
		delete(e, "userMemberCount")
		delete(e, "joinedMemberCount")
		return st.queues.uniqueName(e, "queue")
	}
	queues.view = func(c *call, e entity) entity {
		st := c.s.store
		out := cloneEntity(e)
		st.memMu.Lock()
		ms := st.queueMembers[str(e["id"])]
		joined := 0
		for _, m := range ms {
			if m.joined {
				joined++
			}
		}
		st.memMu.Unlock()
		out["memberCount"] = len(ms)
		out["userMemberCount"] = len(ms)
		out["joinedMemberCount"] = joined
		return out
	}
	queues.removed = func(st *store, id string) {
		st.memMu.Lock()
		delete(st.queueMembers, id)
		st.memMu.Unlock()
	}
	queues.crud("/api/v2/routing/queues", "/api/v2/routing/queues/{queueId}", "list", "create", "get", "put", "delete")
	for _, sub := range []string{"members", "users"} {
		bind("GET", "/api/v2/routing/queues/{queueId}/"+sub, listQueueMembers)
		bind("POST", "/api/v2/routing/queues/{queueId}/"+sub, postQueueMembers)
		bind("PATCH", "/api/v2/routing/queues/{queueId}/"+sub, patchQueueMembers)
		bind("PATCH", "/api/v2/routing/queues/{queueId}/"+sub+"/{memberId}", patchQueueMember)
		bind("DELETE", "/api/v2/routing/queues/{queueId}/"+sub+"/{memberId}", deleteQueueMember)
	}
}

// queueMemberEntity renders a queue member.
func (st *store) queueMemberEntity(queueID string, m queueMember, base string) (entity, bool) {
	u, ok := st.userRef(m.userID)
	if !ok {
		return nil, false
	}
	return entity{"id": m.userID, "name": u["name"], "user": u, "ringNumber": m.ringNumber,
		"joined": m.joined, "memberBy": "user", "selfUri": base + "/" + m.userID}, true
}

func queueExists(c *call) (string, *apiError) {
	id := c.vars["queueId"]
	if _, ok := c.s.store.queues.get(id); !ok {
		return "", c.s.store.queues.notFound(id)
	}
	return id, nil
}

// membersBase is the members collection path of a call (.../members or .../users).
func membersBase(c *call) string {
	i := strings.Index(c.path, "/members")
	if i < 0 {
		i = strings.Index(c.path, "/users")
	}
	seg := "/members"
	if strings.Contains(c.path[i:], "/users") {
		seg = "/users"
	}
	return c.path[:i] + seg
}

func listQueueMembers(c *call) (int, any, *apiError) {
	st := c.s.store
	id, ae := queueExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	p, ae := pageOf(c.query)
	if ae != nil {
		return 0, nil, ae
	}
	joined := first(c.query["joined"])
	name := first(c.query["name"])
	st.memMu.Lock()
	ms := slices.Clone(st.queueMembers[id])
	st.memMu.Unlock()
	base := membersBase(c)
	var items []entity
	for _, m := range ms {
		if joined != "" && fmt.Sprint(m.joined) != joined {
			continue
		}
		e, ok := st.queueMemberEntity(id, m, base)
		if !ok || (name != "" && !nameMatches(name, str(e["name"]))) {
			continue
		}
		if expand := listValues(c.query, "expand"); len(expand) > 0 {
			e["user"] = st.expandUser(e["user"].(entity), expand)
		}
		items = append(items, e)
	}
	if descending(c.query) {
		slices.Reverse(items)
	}
	return http.StatusOK, fitTo(pageListing(base, c.query, items, p), responseType(c)), nil
}

// postQueueMembers adds (or with ?delete=true removes) up to 100 users.
func postQueueMembers(c *call) (int, any, *apiError) {
	st := c.s.store
	id, ae := queueExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	body := *c.body.(*[]models.WritableEntity)
	if len(body) > 100 {
		return 0, nil, badRequest("body", "At most 100 members can be added or removed at once.")
	}
	var ids []string
	for i, w := range body {
		if w.ID == nil || *w.ID == "" {
			return 0, nil, badRequest(fmt.Sprintf("[%d].id", i), "Every member needs an id.")
		}
		if _, ok := st.users.get(*w.ID); !ok {
			return 0, nil, badRequest(fmt.Sprintf("[%d].id", i), fmt.Sprintf("The user %s does not exist.", *w.ID))
		}
		ids = append(ids, *w.ID)
	}
	remove := first(c.query["delete"]) == "true"
	st.memMu.Lock()
	defer st.memMu.Unlock()
	ms := st.queueMembers[id]
	if remove {
		ms = slices.DeleteFunc(ms, func(m queueMember) bool {
			if slices.Contains(ids, m.userID) {
				st.queueMemberEvent(id, m.userID, false)
				return true
			}
			return false
		})
	} else {
		for _, uid := range ids {
			if !slices.ContainsFunc(ms, func(m queueMember) bool { return m.userID == uid }) {
				ms = append(ms, queueMember{userID: uid, ringNumber: 1})
				st.queueMemberEvent(id, uid, false)
			}
		}
	}
	st.queueMembers[id] = ms
	return http.StatusNoContent, nil, nil
}

// applyMember updates a membership from a QueueMember body.
func applyMember(m *queueMember, qm *models.QueueMember) {
	if qm.Joined != nil {
		m.joined = *qm.Joined
	}
	if qm.RingNumber != nil {
		m.ringNumber = *qm.RingNumber
	}
}

func patchQueueMembers(c *call) (int, any, *apiError) {
	st := c.s.store
	id, ae := queueExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	body := *c.body.(*[]models.QueueMember)
	base := membersBase(c)
	st.memMu.Lock()
	ms := st.queueMembers[id]
	var changed []queueMember
	for i := range body {
		if body[i].ID == nil {
			st.memMu.Unlock()
			return 0, nil, badRequest(fmt.Sprintf("[%d].id", i), "Every member needs an id.")
		}
		k := slices.IndexFunc(ms, func(m queueMember) bool { return m.userID == *body[i].ID })
		if k < 0 {
			st.memMu.Unlock()
			return 0, nil, badRequest(fmt.Sprintf("[%d].id", i), fmt.Sprintf("The user %s is not a member of the queue.", *body[i].ID))
		}
		applyMember(&ms[k], &body[i])
		changed = append(changed, ms[k])
		st.queueMemberEvent(id, ms[k].userID, ms[k].joined)
	}
	st.memMu.Unlock()
	var items []entity
	for _, m := range changed {
		if e, ok := st.queueMemberEntity(id, m, base); ok {
			items = append(items, e)
		}
	}
	l := pageListing(base, nil, items, paging{size: max(len(items), 1), number: 1})
	return http.StatusOK, fitTo(l, responseType(c)), nil
}

func patchQueueMember(c *call) (int, any, *apiError) {
	return withQueueMember(c, func(st *store, id string, ms []queueMember, k int) {
		applyMember(&ms[k], c.body.(*models.QueueMember))
		st.queueMemberEvent(id, ms[k].userID, ms[k].joined)
	})
}

func deleteQueueMember(c *call) (int, any, *apiError) {
	return withQueueMember(c, func(st *store, id string, ms []queueMember, k int) {
		uid := ms[k].userID
		st.queueMembers[id] = slices.Delete(ms, k, k+1)
		st.queueMemberEvent(id, uid, false)
	})
}

// withQueueMember finds the member {memberId} of the queue {queueId} and
// runs f on it with the membership lock held; it answers 204, or 404 when
// the queue or the member does not exist.
func withQueueMember(c *call, f func(st *store, queueID string, ms []queueMember, k int)) (int, any, *apiError) {
	st := c.s.store
	id, ae := queueExists(c)
	if ae != nil {
		return 0, nil, ae
	}
	uid := c.vars["memberId"]
	st.memMu.Lock()
	defer st.memMu.Unlock()
	ms := st.queueMembers[id]
	k := slices.IndexFunc(ms, func(m queueMember) bool { return m.userID == uid })
	if k < 0 {
		return 0, nil, notFound(fmt.Sprintf("The user %s is not a member of the queue %s.", uid, id))
	}
	f(st, id, ms, k)
	return http.StatusNoContent, nil, nil
}
