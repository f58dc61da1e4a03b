package sim

import (
	"fmt"
	"strings"
)

// External contacts.

func init() {
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
