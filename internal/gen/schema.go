package gen

import (
	"fmt"
	"strings"
)

// schemaFile renders api/operations/schema.go: the facts about models that
// reflection cannot recover from the generated types (required properties,
// the known values of enumerated strings), for validators such as the
// simulator.
func (g *generator) schemaFile() string {
	var b strings.Builder
	b.WriteString(Header)
	b.WriteString(`package operations

// Required lists, by Go type name in package models, the JSON names of the
// required properties of every model that has some, in definition order.
var Required = map[string][]string{
`)
	for _, m := range g.models.sortedModels() {
		var req []string
		for _, f := range m.Fields {
			if f.Required {
				req = append(req, f.JSON)
			}
		}
		if len(req) > 0 {
			fmt.Fprintf(&b, "\t%q: {%s},\n", m.Name, quoteList(req))
		}
	}
	b.WriteString(`}

// EnumValues lists, by Go type name in package models, the known values of
// every enumerated string type, in definition order.
var EnumValues = map[string][]string{
`)
	for _, m := range g.models.sortedModels() {
		for _, e := range m.Enums {
			vals := make([]string, len(e.Values))
			for i, v := range e.Values {
				vals[i] = v.Value
			}
			fmt.Fprintf(&b, "\t%q: {%s},\n", e.Name, quoteList(vals))
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func quoteList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}
