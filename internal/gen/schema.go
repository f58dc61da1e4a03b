package gen

import (
	"fmt"
	"strings"
)

// schemaFile renders api/operations/schema.go: the facts about models that
// reflection cannot recover from the generated types (required properties,
// the known values of enumerated strings), for validators such as the
// simulator.
//
// The tables are string constants parsed on first use: a map literal of
// thousands of entries would double the package's compile time.
func (g *generator) schemaFile() (string, error) {
	var req, enums strings.Builder
	for _, m := range g.models.sortedModels() {
		var names []string
		for _, f := range m.Fields {
			if f.Required {
				names = append(names, f.JSON)
			}
		}
		if len(names) > 0 {
			if err := record(&req, m.Name, names); err != nil {
				return "", err
			}
		}
		for _, e := range m.Enums {
			vals := make([]string, len(e.Values))
			for i, v := range e.Values {
				vals[i] = v.Value
			}
			if err := record(&enums, e.Name, vals); err != nil {
				return "", err
			}
		}
	}
	var b strings.Builder
	b.WriteString(Header)
	b.WriteString(`package operations

import (
	"slices"
	"strings"
	"sync"
)

// RequiredProperties returns the JSON names of the required properties of
// the model with this Go type name in package models, in definition order;
// nil when it has none.
func RequiredProperties(model string) []string {
	return slices.Clone(schemaTables().required[model])
}

// EnumValues returns the known values of the enumerated string type with
// this Go type name in package models, in definition order, and whether the
// name is such a type.
func EnumValues(enum string) ([]string, bool) {
	v, ok := schemaTables().enums[enum]
	return slices.Clone(v), ok
}

type tables struct {
	required map[string][]string
	enums    map[string][]string
}

var schemaTables = sync.OnceValue(func() *tables {
	return &tables{required: parseTable(requiredTable), enums: parseTable(enumTable)}
})

// parseTable reads records "name\x1fvalue\x1fvalue\x1e".
func parseTable(s string) map[string][]string {
	m := make(map[string][]string, strings.Count(s, "\x1e"))
	for rec := range strings.SplitSeq(s, "\x1e") {
		if rec == "" {
			continue
		}
		f := strings.Split(rec, "\x1f")
		m[f[0]] = f[1:len(f):len(f)]
	}
	return m
}

`)
	constant(&b, "requiredTable", req.String())
	b.WriteString("\n")
	constant(&b, "enumTable", enums.String())
	return b.String(), nil
}

// constant writes a string constant one record per line.
func constant(b *strings.Builder, name, table string) {
	if table == "" {
		fmt.Fprintf(b, "const %s = \"\"\n", name)
		return
	}
	fmt.Fprintf(b, "const %s = \"\" +\n", name)
	recs := strings.SplitAfter(table, "\x1e")
	for i, r := range recs {
		if r == "" {
			continue
		}
		sep := " +"
		if i >= len(recs)-2 {
			sep = ""
		}
		fmt.Fprintf(b, "\t%q%s\n", r, sep)
	}
}

// record appends one table record; names and values must not contain the
// separators.
func record(b *strings.Builder, name string, vals []string) error {
	for _, s := range append([]string{name}, vals...) {
		if strings.ContainsAny(s, "\x1e\x1f") {
			return fmt.Errorf("schema table: %q contains a separator character", s)
		}
	}
	b.WriteString(name)
	for _, v := range vals {
		b.WriteByte(0x1f)
		b.WriteString(v)
	}
	b.WriteByte(0x1e)
	return nil
}
