package sim

import (
	"fmt"
	"net/http"
)

// Authorization divisions.

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

// setDivision resolves the division reference of an entity that is
// created (default: the home division), or updated with a division.
func (st *store) setDivision(old, e entity) *apiError {
	if old != nil && e["division"] == nil {
		return nil
	}
	d, ae := st.divisionRef("division.id", e["division"])
	if ae != nil {
		return ae
	}
	e["division"] = d
	return nil
}

func init() {
	divisions := &resource{col: func(st *store) *collection { return st.divisions }, idVar: "divisionId", paged: true}
	divisions.prepare = func(c *call, old, e entity) *apiError {
		e["homeDivision"] = old != nil && old["homeDivision"] == true
		delete(e, "objectCounts")
		return c.s.store.divisions.uniqueName(e, "division")
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
}
