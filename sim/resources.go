package sim

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/purecloudgo/platformclient/models"
)

// resource describes a stateful collection and the hooks that make it
// behave like its Genesys counterpart.
type resource struct {
	col   func(*store) *collection
	idVar string
	// prepare adjusts a new or updated entity before it is stored; old is
	// nil on create. It runs with the collection locked, so it must not
	// touch the same collection.
	prepare func(c *call, old, e entity) *apiError
	// filter selects the entities of a listing.
	filter func(c *call) (func(entity) bool, *apiError)
	// view decorates an entity on its way out (computed fields); it must
	// not modify e.
	view func(st *store, e entity) entity
	// removed cleans up after a delete.
	removed func(st *store, id string)
	// paged is false for listings without pageSize/pageNumber.
	paged bool
}

// stateful maps route keys to the handlers of the stateful resources.
var stateful = map[string]handler{}

func bind(method, template string, h handler) {
	stateful[routeKey(method, template)] = h
}

func (res *resource) out(st *store, e entity) entity {
	if res.view != nil {
		return res.view(st, e)
	}
	return e
}

func responseType(c *call) reflect.Type {
	if c.rt.op.Response == nil {
		return nil
	}
	return reflect.TypeOf(c.rt.op.Response()).Elem()
}

// descending reports whether a sortOrder asks for reverse order.
func descending(q map[string][]string) bool {
	v := strings.ToLower(first(q["sortOrder"]))
	return strings.HasPrefix(v, "desc")
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// listValues reads a list query parameter sent repeated or comma-separated.
func listValues(q map[string][]string, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// nameMatches implements Genesys-style name filters: '*' is a wildcard;
// without one the filter matches names that start with it. Case is ignored.
func nameMatches(filter, name string) bool {
	f, n := strings.ToLower(filter), strings.ToLower(name)
	if !strings.Contains(f, "*") {
		return strings.HasPrefix(n, f)
	}
	parts := strings.Split(f, "*")
	if !strings.HasPrefix(n, parts[0]) {
		return false
	}
	n = n[len(parts[0]):]
	for i, p := range parts[1:] {
		if i == len(parts)-2 { // last part: suffix
			return strings.HasSuffix(n, p)
		}
		j := strings.Index(n, p)
		if j < 0 {
			return false
		}
		n = n[j+len(p):]
	}
	return true
}

// commonFilter handles the id, name and divisionId filters most listings share.
func commonFilter(c *call) (func(entity) bool, *apiError) {
	ids := listValues(c.query, "id")
	name := first(c.query["name"])
	divs := listValues(c.query, "divisionId")
	if len(ids) == 0 && name == "" && len(divs) == 0 {
		return nil, nil
	}
	return func(e entity) bool {
		if len(ids) > 0 && !slices.Contains(ids, str(e["id"])) {
			return false
		}
		if name != "" && !nameMatches(name, str(e["name"])) {
			return false
		}
		if len(divs) > 0 {
			d, _ := e["division"].(map[string]any)
			if !slices.Contains(divs, str(d["id"])) {
				return false
			}
		}
		return true
	}, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// list answers a listing of res.
func (res *resource) list(c *call) (int, any, *apiError) {
	st := c.s.store
	p := paging{size: defaultPageSize, number: 1}
	if res.paged {
		var e *apiError
		if p, e = pageOf(c.query); e != nil {
			return 0, nil, e
		}
	}
	filter := res.filter
	if filter == nil {
		filter = commonFilter
	}
	keep, e := filter(c)
	if e != nil {
		return 0, nil, e
	}
	items := res.col(st).list(keep)
	if descending(c.query) {
		slices.Reverse(items)
	}
	if !res.paged {
		p = paging{size: max(len(items), 1), number: 1}
	}
	l := fitTo(pageListing(res.col(st).base, c.query, items, p), responseType(c))
	page, _ := l["entities"].([]any)
	if res.view != nil {
		for i, x := range page {
			page[i] = res.view(st, x.(item).e)
		}
		return http.StatusOK, l, nil
	}
	raws := make([]jsontext.Value, len(page))
	for i, x := range page {
		raw, err := x.(item).encoded()
		if err != nil {
			return 0, nil, &apiError{status: http.StatusInternalServerError, code: "internal.server.error", message: "sim: encode entity: " + err.Error()}
		}
		raws[i] = raw
	}
	data, err := encodeListing(l, raws)
	if err != nil {
		return 0, nil, &apiError{status: http.StatusInternalServerError, code: "internal.server.error", message: "sim: encode listing: " + err.Error()}
	}
	return http.StatusOK, data, nil
}

// get answers one entity.
func (res *resource) get(c *call) (int, any, *apiError) {
	col := res.col(c.s.store)
	id := c.vars[res.idVar]
	it, ok := col.getItem(id)
	if !ok {
		return 0, nil, col.notFound(id)
	}
	if res.view != nil {
		return http.StatusOK, res.view(c.s.store, it.e), nil
	}
	raw, err := it.encoded()
	if err != nil {
		return 0, nil, &apiError{status: http.StatusInternalServerError, code: "internal.server.error", message: "sim: encode entity: " + err.Error()}
	}
	return http.StatusOK, []byte(raw), nil
}

// systemFields are kept by a PUT that does not send them.
var systemFields = []string{"id", "selfUri", "version", "dateCreated", "createdBy", "createDate", "createdDate", "division", "state", "homeDivision"}

// create answers a POST that adds an entity.
func (res *resource) create(c *call) (int, any, *apiError) {
	st := c.s.store
	col := res.col(st)
	body, err := toEntity(c.body)
	if err != nil {
		return 0, nil, badRequest("body", "The request body could not be read.")
	}
	delete(body, "id")
	delete(body, "selfUri")
	delete(body, "version")
	col.mu.Lock()
	defer col.mu.Unlock()
	id := col.newID()
	body["id"] = id
	body["selfUri"] = col.base + "/" + id
	st.touch(col, body, true)
	if res.prepare != nil {
		if e := res.prepare(c, nil, body); e != nil {
			col.made-- // keep ids dense for deterministic runs
			return 0, nil, e
		}
	}
	e := canonical(body, col.model)
	col.put(e)
	return http.StatusOK, res.out(st, cloneEntity(e)), nil
}

// touch sets the version and date fields the model has.
func (st *store) touch(col *collection, e entity, created bool) {
	si := infoFor(col.model)
	now := st.now().UTC().Format("2006-01-02T15:04:05.000Z")
	if created {
		if i, ok := si.byJSON["version"]; ok {
			if col.model.Field(si.fields[i].index).Type.Elem().Kind() == reflect.String {
				e["version"] = "1"
			} else {
				e["version"] = 1
			}
		}
		for _, f := range []string{"dateCreated", "createDate", "createdDate"} {
			if _, ok := si.byJSON[f]; ok {
				e[f] = now
			}
		}
	}
	for _, f := range []string{"dateModified", "modifyDate", "modifiedDate"} {
		if _, ok := si.byJSON[f]; ok {
			e[f] = now
		}
	}
}

// update answers a PUT (replace) or PATCH (merge; explicit nulls clear).
func (res *resource) update(patch bool) handler {
	return func(c *call) (int, any, *apiError) {
		st := c.s.store
		col := res.col(st)
		id := c.vars[res.idVar]
		body, err := toEntity(c.body)
		if err != nil {
			return 0, nil, badRequest("body", "The request body could not be read.")
		}
		col.mu.Lock()
		defer col.mu.Unlock()
		old, ok := col.items[id]
		if !ok {
			return 0, nil, col.notFound(id)
		}
		if e := checkVersion(col, id, old, body); e != nil {
			return 0, nil, e
		}
		var e entity
		if patch {
			e = cloneEntity(old)
			for k, v := range body {
				e[k] = v
			}
			for _, k := range explicitNulls(c.raw) {
				delete(e, k)
			}
		} else {
			e = body
			// A replace keeps the server's fields and the model's required
			// ones the body leaves out, so the entity stays valid.
			for _, k := range slices.Concat(systemFields, infoFor(col.model).required) {
				if _, set := e[k]; !set && old[k] != nil {
					e[k] = cloneJSON(old[k])
				}
			}
		}
		e["id"] = id
		e["selfUri"] = old["selfUri"]
		if v, ok := number(old["version"]); ok {
			e["version"] = int(v) + 1
		} else if old["version"] != nil {
			e["version"] = old["version"]
		}
		st.touch(col, e, false)
		if res.prepare != nil {
			if ae := res.prepare(c, old, e); ae != nil {
				return 0, nil, ae
			}
		}
		e = canonical(e, col.model)
		col.put(e)
		return http.StatusOK, res.out(st, cloneEntity(e)), nil
	}
}

// checkVersion answers 409 when body carries a version that is not the
// stored one.
func checkVersion(col *collection, id string, old, body entity) *apiError {
	bv, sent := body["version"]
	if !sent {
		return nil
	}
	ov, numeric := number(old["version"])
	if !numeric {
		return nil
	}
	if v, ok := number(bv); ok && v == ov {
		return nil
	}
	return conflict(id, fmt.Sprintf("The %s %s has version %d; the request was for version %v. Get the %s again and retry with its current version.",
		col.kind, id, int(ov), bv, col.kind))
}

// remove answers a DELETE.
func (res *resource) remove(c *call) (int, any, *apiError) {
	st := c.s.store
	col := res.col(st)
	id := c.vars[res.idVar]
	col.mu.Lock()
	ok := col.remove(id)
	col.mu.Unlock()
	if !ok {
		return 0, nil, col.notFound(id)
	}
	if res.removed != nil {
		res.removed(st, id)
	}
	if c.rt.op.Response != nil {
		return http.StatusOK, entity{}, nil
	}
	return http.StatusNoContent, nil, nil
}

// crud binds the usual routes of a resource; item is the item template.
func (res *resource) crud(base, item string, methods ...string) {
	for _, m := range methods {
		switch m {
		case "list":
			bind("GET", base, res.list)
		case "create":
			bind("POST", base, res.create)
		case "get":
			bind("GET", item, res.get)
		case "put":
			bind("PUT", item, res.update(false))
		case "patch":
			bind("PATCH", item, res.update(true))
		case "delete":
			bind("DELETE", item, res.remove)
		}
	}
}

// divisionRef resolves a division reference (an id, or an object with an
// id) to a stored division; empty means the home division.
func (st *store) divisionRef(field string, v any) (entity, *apiError) {
	id := ""
	switch x := v.(type) {
	case string:
		id = x
	case map[string]any:
		id = str(x["id"])
	}
	if id == "" || id == "*" {
		id = st.homeDivision
	}
	d, ok := st.divisions.get(id)
	if !ok {
		return nil, badRequest(field, fmt.Sprintf("The division %s does not exist.", id))
	}
	return entity{"id": id, "name": d["name"], "selfUri": d["selfUri"]}, nil
}

// userRef is the summary of a user embedded in other entities.
func (st *store) userRef(id string) (entity, bool) {
	u, ok := st.users.get(id)
	if !ok {
		return nil, false
	}
	return entity{"id": id, "name": u["name"], "email": u["email"], "username": u["username"],
		"state": u["state"], "division": u["division"], "version": u["version"], "selfUri": u["selfUri"]}, true
}

func init() {
	users := &resource{col: func(st *store) *collection { return st.users }, idVar: "userId", paged: true}
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
	users.removed = func(st *store, id string) {
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
	groups.view = func(st *store, e entity) entity {
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

	queues := &resource{col: func(st *store) *collection { return st.queues }, idVar: "queueId", paged: true}
	queues.prepare = func(c *call, old, e entity) *apiError {
		st := c.s.store
		if old == nil || e["division"] != nil {
			d, ae := st.divisionRef("division.id", e["division"])
			if ae != nil {
				return ae
			}
			e["division"] = d
		}
		delete(e, "sourceQueueId")
		delete(e, "memberCount")
		delete(e, "userMemberCount")
		delete(e, "joinedMemberCount")
		name := str(e["name"])
		for id, q := range st.queues.items {
			if id != e["id"] && strings.EqualFold(str(q["name"]), name) {
				return conflict(id, fmt.Sprintf("A queue named %q already exists.", name))
			}
		}
		return nil
	}
	queues.view = func(st *store, e entity) entity {
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

	active := func(c *call, old, e entity) *apiError {
		if e["state"] == nil {
			e["state"] = "active"
		}
		delete(e, "divisionId") // UpdateSkillDivisionRequest: skills carry no division in their model
		return nil
	}
	skills := &resource{col: func(st *store) *collection { return st.skills }, idVar: "skillId", paged: true, prepare: active}
	skills.crud("/api/v2/routing/skills", "/api/v2/routing/skills/{skillId}", "list", "create", "get", "patch", "delete")
	languages := &resource{col: func(st *store) *collection { return st.languages }, idVar: "languageId", paged: true, prepare: active}
	languages.crud("/api/v2/routing/languages", "/api/v2/routing/languages/{languageId}", "list", "create", "get", "delete")

	wrapups := &resource{col: func(st *store) *collection { return st.wrapups }, idVar: "codeId", paged: true}
	wrapups.prepare = func(c *call, old, e entity) *apiError {
		st := c.s.store
		if old == nil || e["division"] != nil {
			d, ae := st.divisionRef("division.id", e["division"])
			if ae != nil {
				return ae
			}
			e["division"] = d
		}
		return nil
	}
	wrapups.crud("/api/v2/routing/wrapupcodes", "/api/v2/routing/wrapupcodes/{codeId}", "list", "create", "get", "put", "delete")

	divisions := &resource{col: func(st *store) *collection { return st.divisions }, idVar: "divisionId", paged: true}
	divisions.prepare = func(c *call, old, e entity) *apiError {
		e["homeDivision"] = old != nil && old["homeDivision"] == true
		delete(e, "objectCounts")
		return nil
	}
	divisions.crud("/api/v2/authorization/divisions", "/api/v2/authorization/divisions/{divisionId}", "list", "create", "get", "put")
	bind("DELETE", "/api/v2/authorization/divisions/{divisionId}", func(c *call) (int, any, *apiError) {
		if c.vars["divisionId"] == c.s.store.homeDivision {
			return 0, nil, badRequest("divisionId", "The home division cannot be deleted.")
		}
		return divisions.remove(c)
	})
	bind("GET", "/api/v2/authorization/divisions/home", func(c *call) (int, any, *apiError) {
		e, _ := c.s.store.divisions.get(c.s.store.homeDivision)
		return http.StatusOK, e, nil
	})

	presences := &resource{col: func(st *store) *collection { return st.presences }, idVar: "presenceId", paged: true}
	presences.prepare = func(c *call, old, e entity) *apiError {
		if labels, ok := e["languageLabels"].(map[string]any); ok && e["name"] == nil {
			if n := str(labels["en_US"]); n != "" {
				e["name"] = n
			}
		}
		if e["deactivated"] == nil {
			e["deactivated"] = false
		}
		return nil
	}
	presences.filter = func(c *call) (func(entity) bool, *apiError) {
		deleted := first(c.query["deleted"])
		return func(e entity) bool {
			return deleted == "true" || deleted == "all" || e["deactivated"] != true
		}, nil
	}
	presences.crud("/api/v2/presencedefinitions", "/api/v2/presencedefinitions/{presenceId}", "list", "create", "get", "put", "delete")

	presenceDefs := &resource{col: func(st *store) *collection { return st.presenceDefs }, idVar: "definitionId"}
	presenceDefs.prepare = func(c *call, old, e entity) *apiError {
		if e["type"] == nil {
			e["type"] = "User"
		}
		if e["deactivated"] == nil {
			e["deactivated"] = false
		}
		return presences.prepare(c, old, e)
	}
	presenceDefs.filter = func(c *call) (func(entity) bool, *apiError) {
		deact := first(c.query["deactivated"])
		return func(e entity) bool {
			switch deact {
			case "true":
				return e["deactivated"] == true
			case "all", "any":
				return true
			}
			return e["deactivated"] != true
		}, nil
	}
	presenceDefs.crud("/api/v2/presence/definitions", "/api/v2/presence/definitions/{definitionId}", "list", "create", "get", "put", "delete")

	contacts := &resource{col: func(st *store) *collection { return st.contacts }, idVar: "contactId", paged: true}
	contacts.filter = func(c *call) (func(entity) bool, *apiError) {
		q := strings.ToLower(first(c.query["q"]))
		if q == "" {
			return nil, nil
		}
		return func(e entity) bool {
			for _, k := range []string{"firstName", "lastName", "workEmail", "personalEmail"} {
				if strings.Contains(strings.ToLower(str(e[k])), q) {
					return true
				}
			}
			return false
		}, nil
	}
	contacts.prepare = func(c *call, old, e entity) *apiError {
		if e["type"] == nil {
			e["type"] = "Curated"
		}
		changes, ok := e["changes"].([]any) // PATCH: ExternalContactsPatchRequest
		if !ok {
			return nil
		}
		delete(e, "changes")
		for i, x := range changes {
			ch, _ := x.(map[string]any)
			field := str(ch["field"])
			if field == "" || field == "id" || field == "selfUri" {
				return badRequest(fmt.Sprintf("changes[%d].field", i), "A change needs a field other than id and selfUri.")
			}
			switch str(ch["action"]) {
			case "Remove", "RemoveFromCollection":
				delete(e, field)
			case "UpdateIfEmpty":
				if e[field] == nil {
					e[field] = patchValue(ch["value"])
				}
			case "UpdateIfExists":
				if e[field] != nil {
					e[field] = patchValue(ch["value"])
				}
			default:
				e[field] = patchValue(ch["value"])
			}
		}
		return nil
	}
	contacts.crud("/api/v2/externalcontacts/contacts", "/api/v2/externalcontacts/contacts/{contactId}", "list", "create", "get", "put", "patch", "delete")
}

// patchValue unwraps {"value": x} to x.
func patchValue(v any) any {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		if x, ok := m["value"]; ok {
			return x
		}
	}
	return v
}

// memberUser renders a user as an entry of a users listing.
func (st *store) usersListing(c *call, ids []string, paged bool) (int, any, *apiError) {
	var items []entity
	for _, id := range ids {
		if u, ok := st.users.get(id); ok {
			items = append(items, u)
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
