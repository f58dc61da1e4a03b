package sim

import ()

// Presence definitions, from both presence definition APIs.

func init() {
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
}
