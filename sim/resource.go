package sim

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// The machinery every stateful resource shares: a resource binds the
// list, create, get, update and delete routes of a collection (store.go)
// and runs its hooks; the domain files (users.go, groups.go, queues.go,
// routingcatalog.go, divisions.go, presencedefs.go, contacts.go) declare
// their resources with it.

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
	// index, when set, names the filter of a listing whose result may be
	// kept until the collection changes (listIndexed); "" for none.
	index func(c *call) string
	// view decorates an entity on its way out (computed fields); it must
	// not modify e.
	view func(c *call, e entity) entity
	// plain reports whether an entity goes out as stored for this call, so
	// its cached encoding can be sent; nil means never when view is set.
	plain func(c *call, e entity) bool
	// removed cleans up after a delete.
	removed func(st *store, id string)
	// paged is false for listings without pageSize/pageNumber.
	paged bool
}

// stateful maps route keys to the handlers of the stateful resources.
var stateful = map[string]handler{}

func bind(method, template string, h handler) {
	key := routeKey(method, template)
	if routingTriggers[key] {
		h = thenRoute(h)
	}
	stateful[key] = h
}

func (res *resource) out(c *call, e entity) entity {
	if res.view != nil {
		return res.view(c, e)
	}
	return e
}

// viewed reports whether e must go through view for the call.
func (res *resource) viewed(c *call, e entity) bool {
	return res.view != nil && (res.plain == nil || !res.plain(c, e))
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

// indexKey names the filter of a listing for listIndexed; "" when res
// keeps no index or the filter is not one it indexes.
func (res *resource) indexKey(c *call) string {
	if res.index == nil || c.s.cfg.limits.noListIndex {
		return ""
	}
	return res.index(c)
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
	var items []item
	if key := res.indexKey(c); key != "" {
		items = res.col(st).listIndexed(key, keep) // shared: never modified
		if descending(c.query) {
			items = slices.Clone(items)
			slices.Reverse(items)
		}
	} else {
		items = res.col(st).list(keep)
		if descending(c.query) {
			slices.Reverse(items)
		}
	}
	if !res.paged {
		p = paging{size: max(len(items), 1), number: 1}
	}
	l := fitTo(pageListing(res.col(st).base, c.query, items, p), responseType(c))
	page, _ := l["entities"].([]any)
	if slices.ContainsFunc(page, func(x any) bool { return res.viewed(c, x.(item).e) }) {
		for i, x := range page {
			page[i] = res.out(c, x.(item).e)
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
	if res.viewed(c, it.e) {
		return http.StatusOK, res.view(c, it.e), nil
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
	return http.StatusOK, res.out(c, cloneEntity(e)), nil
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
		return http.StatusOK, res.out(c, cloneEntity(e)), nil
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

// uniqueName answers 409 when another entity of the collection has e's
// name (case ignored), as the service does for queues and divisions. The
// caller holds col.mu (prepare runs with it).
func (col *collection) uniqueName(e entity, what string) *apiError {
	name := str(e["name"])
	for id, x := range col.items {
		if id != e["id"] && strings.EqualFold(str(x["name"]), name) {
			return conflict(id, fmt.Sprintf("A %s named %q already exists.", what, name))
		}
	}
	return nil
}
