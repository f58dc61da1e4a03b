package gen

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// model is one generated Go type for a definition.
type model struct {
	Def    string // definition name
	Name   string // Go type name
	File   string // file name without extension
	Schema *Schema
	Fields []field
	Enums  []*enumType
	Map    string // non-empty: the model is a named map (or free-form) type
}

type field struct {
	Name     string // Go field name
	JSON     string // wire name
	Type     string // Go type, pointer included
	Doc      string
	Required bool
	ReadOnly bool
}

type enumType struct {
	Name   string
	Doc    string
	Values []enumValue
}

type enumValue struct {
	Const string
	Value string
}

// modelSet resolves every definition to a Go type.
type modelSet struct {
	spec   *Spec
	byDef  map[string]*model
	sorted []*model
	global uniquer // package-level identifiers of the models package
	files  uniquer
	// embeds records which struct models hold which others by value; a
	// field that would close a cycle of value fields is a pointer instead.
	embeds map[string][]string
	names  map[string]*model // Go name -> model, rebuilt when models are added
}

func newModelSet(s *Spec) (*modelSet, error) {
	ms := &modelSet{spec: s, byDef: map[string]*model{}, global: uniquer{}, files: uniquer{}, embeds: map[string][]string{}}
	for _, n := range []string{"ToJSON"} {
		ms.global[n] = true
	}
	for _, def := range sortedKeys(s.Definitions) {
		m := &model{Def: def, Name: ms.global.take(typeName(def)), Schema: s.Definitions[def]}
		m.File = ms.files.take(snake(m.Name))
		ms.byDef[def] = m
		ms.sorted = append(ms.sorted, m)
	}
	for i := 0; i < len(ms.sorted); i++ { // nested models may be appended while looping
		if err := ms.build(ms.sorted[i]); err != nil {
			return nil, fmt.Errorf("definition %s: %w", ms.sorted[i].Def, err)
		}
	}
	return ms, nil
}

// snake converts a Go name to a file name ("UserEntityListing" -> "user_entity_listing").
func snake(s string) string {
	ws := words(s)
	for i := range ws {
		ws[i] = strings.ToLower(ws[i])
	}
	n := strings.Join(ws, "_")
	if strings.HasSuffix(n, "_test") || n == "doc" {
		n += "_model"
	}
	return n
}

// flatten merges allOf members into one object schema.
func (ms *modelSet) flatten(s *Schema) *Schema {
	if len(s.AllOf) == 0 {
		return s
	}
	out := &Schema{Type: "object", Description: s.Description, Properties: map[string]*Schema{}}
	add := func(p *Schema) {
		p = ms.flatten(p)
		for _, k := range p.PropertyOrder {
			if _, dup := out.Properties[k]; !dup {
				out.PropertyOrder = append(out.PropertyOrder, k)
			}
			out.Properties[k] = p.Properties[k]
		}
		out.Required = append(out.Required, p.Required...)
	}
	for _, part := range s.AllOf {
		if part.Ref != "" {
			if d, ok := ms.spec.Definitions[refName(part.Ref)]; ok {
				add(d)
			}
			continue
		}
		add(part)
	}
	add(&Schema{Properties: s.Properties, PropertyOrder: s.PropertyOrder, Required: s.Required})
	return out
}

func refName(ref string) string { return strings.TrimPrefix(ref, "#/definitions/") }

func (ms *modelSet) build(m *model) error {
	s := ms.flatten(m.Schema)
	if len(s.Properties) == 0 {
		if s.AdditionalProperties != nil {
			m.Map = "map[string]" + ms.goType(m, "Value", s.AdditionalProperties)
		} else if s.Type != "" && s.Type != "object" {
			m.Map = ms.goType(m, "Value", s)
		} else {
			m.Map = "map[string]any"
		}
		return nil
	}
	required := map[string]bool{}
	for _, r := range s.Required {
		required[r] = true
	}
	local := uniquer{"NullFields": true}
	for _, prop := range s.PropertyOrder {
		p := s.Properties[prop]
		f := field{JSON: prop, Name: local.take(exported(prop)), Required: required[prop], ReadOnly: p.ReadOnly}
		f.Doc = p.Description
		t := ms.goType(m, exported(prop), p)
		switch {
		case ms.isStructModel(t):
			// Models are held by value, so that reading a chain of
			// optional objects cannot dereference nil; only a field that
			// would make the type contain itself is a pointer.
			if t == m.Name || ms.embedsTransitively(t, m.Name) {
				t = "*" + t
			} else {
				ms.embeds[m.Name] = append(ms.embeds[m.Name], t)
			}
		case ms.isModelName(t):
			// named map types are nil-able already
		case needsPointer(t):
			t = "*" + t
		}
		f.Type = t
		m.Fields = append(m.Fields, f)
	}
	return nil
}

// isStructModel reports whether t names a struct model.
func (ms *modelSet) isStructModel(t string) bool {
	m, ok := ms.byName()[t]
	return ok && m.Map == "" && (len(m.Schema.Properties) > 0 || len(m.Schema.AllOf) > 0)
}

// isModelName reports whether t names any model.
func (ms *modelSet) isModelName(t string) bool {
	_, ok := ms.byName()[t]
	return ok
}

func (ms *modelSet) byName() map[string]*model {
	if len(ms.names) != len(ms.sorted) {
		ms.names = make(map[string]*model, len(ms.sorted))
		for _, m := range ms.sorted {
			ms.names[m.Name] = m
		}
	}
	return ms.names
}

// embedsTransitively reports whether from holds to by value, directly or
// through other value fields.
func (ms *modelSet) embedsTransitively(from, to string) bool {
	seen := map[string]bool{}
	stack := []string{from}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == to {
			return true
		}
		if seen[x] {
			continue
		}
		seen[x] = true
		stack = append(stack, ms.embeds[x]...)
	}
	return false
}

// needsPointer reports whether a field of this type needs a pointer to be
// optional: scalars and enums do, slices, maps and any are nil-able already.
func needsPointer(t string) bool {
	return !strings.HasPrefix(t, "[]") && !strings.HasPrefix(t, "map[") && t != "any"
}

// goType returns the Go type for a schema used inside model m; hint names
// generated enum and nested types.
func (ms *modelSet) goType(m *model, hint string, s *Schema) string {
	if s == nil {
		return "any"
	}
	if s.Ref != "" {
		if t, ok := ms.byDef[refName(s.Ref)]; ok {
			return t.Name
		}
		return "any"
	}
	if len(s.AllOf) > 0 {
		return ms.nested(m, hint, ms.flatten(s))
	}
	switch s.Type {
	case "string":
		if len(s.Enum) > 0 {
			return ms.enum(m, hint, s)
		}
		return stringType(s.Format)
	case "integer":
		switch s.Format {
		case "int32":
			return "int32"
		case "int64":
			return "int64"
		}
		return "int"
	case "number":
		if s.Format == "float" {
			return "float32"
		}
		return "float64"
	case "boolean":
		return "bool"
	case "array":
		return "[]" + ms.goType(m, hint+"Item", s.Items)
	case "file":
		return "[]byte"
	case "object", "":
		if len(s.Properties) > 0 {
			return ms.nested(m, hint, s)
		}
		if s.AdditionalProperties != nil {
			return "map[string]" + ms.goType(m, hint+"Value", s.AdditionalProperties)
		}
		if s.Type == "object" {
			return "map[string]any"
		}
	}
	return "any"
}

func stringType(format string) string {
	switch format {
	case "date-time":
		return "types.DateTime"
	case "date":
		return "types.Date"
	case "local-date-time":
		return "types.LocalDateTime"
	case "year-month":
		return "types.YearMonth"
	}
	return "string"
}

// nested registers an inline object schema as its own model.
func (ms *modelSet) nested(m *model, hint string, s *Schema) string {
	n := &model{Def: m.Def + "." + hint, Name: ms.global.take(m.Name + hint), Schema: s}
	n.File = ms.files.take(snake(n.Name))
	ms.sorted = append(ms.sorted, n)
	return n.Name
}

// enum registers a string enum type named after its model and property.
func (ms *modelSet) enum(m *model, hint string, s *Schema) string {
	name := m.Name + hint
	if ms.global[name] {
		name = ms.global.take(name + "Enum")
	} else {
		ms.global.take(name)
	}
	e := &enumType{Name: name}
	seen := map[string]bool{}
	for _, raw := range s.Enum {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil || seen[v] {
			continue
		}
		seen[v] = true
		c := exported(v)
		if v == "" {
			c = "Empty"
		}
		e.Values = append(e.Values, enumValue{Const: ms.global.take(name + c), Value: v})
	}
	m.Enums = append(m.Enums, e)
	return name
}

// modelFile renders one model and its enums.
func (ms *modelSet) modelFile(m *model, header string) string {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("package models\n\n")
	if usesTypes(m) {
		b.WriteString("import \"github.com/purecloudgo/platformclient/types\"\n\n")
	}
	doc := m.Schema.Description
	if doc == "" {
		doc = "is the " + m.Def + " definition."
	} else {
		doc = "is " + lowerFirst(doc)
	}
	b.WriteString(comment("", m.Name+" "+doc))
	if m.Map != "" {
		fmt.Fprintf(&b, "type %s %s\n", m.Name, m.Map)
	} else {
		fmt.Fprintf(&b, "type %s struct {\n", m.Name)
		for i, f := range m.Fields {
			if i > 0 {
				b.WriteString("\n")
			}
			d := strings.TrimSpace(f.Doc)
			var notes []string
			if f.Required {
				notes = append(notes, "Required.")
			}
			if f.ReadOnly {
				notes = append(notes, "Read-only.")
			}
			if len(notes) > 0 {
				if d != "" && !strings.HasSuffix(d, ".") {
					d += "."
				}
				d = strings.TrimSpace(d + " " + strings.Join(notes, " "))
			}
			b.WriteString(comment("\t", d))
			fmt.Fprintf(&b, "\t%s %s `json:\"%s,omitzero\"`\n", f.Name, f.Type, f.JSON)
		}
		b.WriteString("\n\t// NullFields names JSON properties to send as an explicit null, e.g. \"defaultQueueId\".\n")
		b.WriteString("\tNullFields []string `json:\"-\"`\n}\n")
	}
	for _, e := range m.Enums {
		b.WriteString("\n")
		b.WriteString(enumCode(e))
	}
	return b.String()
}

func usesTypes(m *model) bool {
	for _, f := range m.Fields {
		if strings.Contains(f.Type, "types.") {
			return true
		}
	}
	return strings.Contains(m.Map, "types.") || len(m.Enums) > 0
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	ws := strings.Fields(s)
	if len(ws[0]) > 1 && strings.ToUpper(ws[0]) == ws[0] {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func enumCode(e *enumType) string {
	var b strings.Builder
	fmt.Fprintf(&b, "// %s is an enumerated string; values newer than this SDK decode as they are.\n", e.Name)
	fmt.Fprintf(&b, "type %s string\n\n", e.Name)
	if len(e.Values) > 0 {
		fmt.Fprintf(&b, "// Known values of %s.\nconst (\n", e.Name)
		for _, v := range e.Values {
			fmt.Fprintf(&b, "\t%s %s = %q\n", v.Const, e.Name, v.Value)
		}
		b.WriteString(")\n\n")
	}
	fmt.Fprintf(&b, "// IsKnown reports whether v is one of the values this SDK was generated with.\n")
	fmt.Fprintf(&b, "func (v %s) IsKnown() bool { return types.IsKnown(string(v), known%s) }\n\n", e.Name, e.Name)
	fmt.Fprintf(&b, "var known%s = []string{", e.Name)
	for i, v := range e.Values {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", v.Value)
	}
	b.WriteString("}\n")
	return b.String()
}

// sortedModels returns the models in name order.
func (ms *modelSet) sortedModels() []*model {
	out := append([]*model(nil), ms.sorted...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
