package sim

import ()

// The routing catalog: skills, languages and wrap-up codes.

func init() {
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
		return c.s.store.setDivision(old, e)
	}
	wrapups.crud("/api/v2/routing/wrapupcodes", "/api/v2/routing/wrapupcodes/{codeId}", "list", "create", "get", "put", "delete")
}
