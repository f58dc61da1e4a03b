package gen

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
)

// Level says how a change affects Go code written against the generated SDK.
type Level int

// Levels, from no effect to breaking.
const (
	None  Level = iota // nothing changed
	Patch              // Go API unchanged: documentation, validation, wire details
	Minor              // Go API extended: new methods, types, fields, constants
	Major              // Go code that compiled before may not compile any more
)

var levelNames = []string{"none", "patch", "minor", "major"}

// String returns "none", "patch", "minor" or "major".
func (l Level) String() string {
	if l < None || l > Major {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l]
}

// MarshalText encodes the level as its name.
func (l Level) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText decodes a level name.
func (l *Level) UnmarshalText(b []byte) error {
	for i, n := range levelNames {
		if string(b) == n {
			*l = Level(i)
			return nil
		}
	}
	return fmt.Errorf("unknown level %q", b)
}

// Kinds of change. Each Change has one.
const (
	KindOperationAdded       = "operation-added"
	KindOperationRemoved     = "operation-removed"
	KindOperationRenamed     = "operation-renamed" // Go method name changed
	KindOperationPackage     = "operation-package" // now (or no longer) in a package
	KindOperationDeprecated  = "operation-deprecated"
	KindOperationPreview     = "operation-preview" // entered or left preview
	KindOperationDoc         = "operation-doc"
	KindOperationDetail      = "operation-detail" // permissions, media types, security
	KindParameterAdded       = "parameter-added"
	KindParameterRemoved     = "parameter-removed"
	KindParameterRequired    = "parameter-required"
	KindParameterType        = "parameter-type"
	KindParameterFormat      = "parameter-format" // spec type/format changed, Go type did not
	KindParameterOrder       = "parameter-order"  // Go method arguments reordered
	KindParameterDetail      = "parameter-detail" // description, default, validation, collection format, name
	KindRequestBodyAdded     = "request-body-added"
	KindRequestBodyRemoved   = "request-body-removed"
	KindRequestBodyRequired  = "request-body-required"
	KindRequestBodyType      = "request-body-type"
	KindResponseType         = "response-type"
	KindResponseSchema       = "response-schema" // schema changed, Go type did not
	KindDefinitionAdded      = "definition-added"
	KindDefinitionRemoved    = "definition-removed"
	KindDefinitionType       = "definition-type" // Go type name or kind changed
	KindDefinitionDoc        = "definition-doc"
	KindPropertyAdded        = "property-added"
	KindPropertyRemoved      = "property-removed"
	KindPropertyRenamed      = "property-renamed" // Go field name changed
	KindPropertyType         = "property-type"
	KindPropertyFormat       = "property-format" // spec type/format changed, Go type did not
	KindPropertyRequired     = "property-required"
	KindPropertyDetail       = "property-detail" // description, read-only, validation
	KindEnumValueAdded       = "enum-value-added"
	KindEnumValueRemoved     = "enum-value-removed"
	KindGoIdentifierAdded    = "go-identifier-added"
	KindGoIdentifierRemoved  = "go-identifier-removed"
	KindGoIdentifierModified = "go-identifier-changed"
)

// Change is one difference between two definitions.
type Change struct {
	Kind  string `json:"kind"`
	Level Level  `json:"level"`
	// Breaking is Level == Major.
	Breaking bool `json:"breaking"`
	// Preview is set for changes to preview operations (x-genesys-preview)
	// and to definitions only they use; they do not count towards the
	// version bump.
	Preview bool `json:"preview,omitempty"`
	// Where is the operation ("GET /api/v2/users/{userId}"), the definition
	// ("User") or, for Go identifier changes, the identifier.
	Where string `json:"where"`
	// What is the part of Where that changed ("query parameter expand",
	// "property state"); empty when Where itself changed.
	What   string `json:"what,omitempty"`
	Detail string `json:"detail"`
	Old    string `json:"old,omitempty"`
	New    string `json:"new,omitempty"`
	// Go lists the affected Go identifiers ("users.Client.GetUser",
	// "models.User.State", "models.UserStateEnumActive").
	Go []string `json:"go,omitempty"`
}

// SpecInfo identifies one side of a diff.
type SpecInfo struct {
	Source      string `json:"source,omitempty"`
	Title       string `json:"title"`
	Version     string `json:"version"`
	Operations  int    `json:"operations"`
	Definitions int    `json:"definitions"`
}

// VersionChange is the SDK version before and after the bump.
type VersionChange struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Report is the result of Diff.
type Report struct {
	Old SpecInfo `json:"old"`
	New SpecInfo `json:"new"`
	// Bump is the highest level among the changes that are not Preview.
	Bump Level `json:"bump"`
	// Counts of non-preview changes by level, and of preview changes.
	Breaking int            `json:"breaking"`
	Additive int            `json:"additive"`
	Other    int            `json:"other"`
	Previews int            `json:"previewChanges"`
	Version  *VersionChange `json:"version,omitempty"`
	Changes  []Change       `json:"changes"`
}

// Diff compares two definitions as the generator sees them: each change is
// classified by what it does to the Go code the generator emits (method
// signatures, options structs, model fields, enum constants).
func Diff(oldSpec, newSpec *Spec) (*Report, error) {
	o, err := newDiffSide(oldSpec)
	if err != nil {
		return nil, fmt.Errorf("old definition: %w", err)
	}
	n, err := newDiffSide(newSpec)
	if err != nil {
		return nil, fmt.Errorf("new definition: %w", err)
	}
	d := &differ{o: o, n: n, covered: map[string]bool{}}
	d.operations()
	d.definitions()
	d.surface()
	r := &Report{Old: o.info(), New: n.info(), Changes: d.changes}
	if r.Changes == nil {
		r.Changes = []Change{}
	}
	for _, c := range r.Changes {
		switch {
		case c.Preview:
			r.Previews++
			continue
		case c.Level == Major:
			r.Breaking++
		case c.Level == Minor:
			r.Additive++
		default:
			r.Other++
		}
		r.Bump = max(r.Bump, c.Level)
	}
	return r, nil
}

// diffSide is one definition with everything the generator derives from it.
type diffSide struct {
	spec    *Spec
	gen     *generator
	ops     map[string]*opEntry // by "METHOD path"
	models  map[string]*model   // by definition name; nested ones as "Parent.Hint"
	defs    []string            // model keys, sorted
	preview map[string]bool     // definitions reachable only from preview operations
	surface map[string]surfaceItem
}

// opEntry is one operation and the methods the generator emits for it, one
// per package.
type opEntry struct {
	key   string
	info  OpInfo
	pkgs  []string // package names, sorted
	byPkg map[string]*apiOp
}

// first returns the operation as built for its first package; parameter
// types and names do not depend on the package.
func (e *opEntry) first() *apiOp { return e.byPkg[e.pkgs[0]] }

type surfaceItem struct {
	sig     string
	preview bool
}

func newDiffSide(s *Spec) (*diffSide, error) {
	ms, err := newModelSet(s)
	if err != nil {
		return nil, err
	}
	ops, err := s.Operations()
	if err != nil {
		return nil, err
	}
	g := &generator{spec: s, models: ms, ops: ops}
	d := &diffSide{spec: s, gen: g, ops: map[string]*opEntry{}, models: map[string]*model{}, surface: map[string]surfaceItem{}}
	for _, p := range g.apiPackages() {
		for _, a := range p.Ops {
			k := a.OpInfo.Method + " " + a.Path
			e := d.ops[k]
			if e == nil {
				e = &opEntry{key: k, info: a.OpInfo, byPkg: map[string]*apiOp{}}
				d.ops[k] = e
			}
			e.pkgs = append(e.pkgs, p.Name)
			e.byPkg[p.Name] = a
		}
	}
	for _, m := range ms.sorted {
		d.models[m.Def] = m
		d.defs = append(d.defs, m.Def)
	}
	sort.Strings(d.defs)
	d.preview = previewOnly(s, ops)
	d.buildSurface()
	return d, nil
}

func (d *diffSide) info() SpecInfo {
	return SpecInfo{Title: d.spec.Info.Title, Version: d.spec.Info.Version, Operations: len(d.ops), Definitions: len(d.spec.Definitions)}
}

// rootDef returns the definition a (possibly nested) model key belongs to.
func rootDef(def string) string {
	r, _, _ := strings.Cut(def, ".")
	return r
}

// previewOnly returns the definitions that only preview operations reach.
func previewOnly(s *Spec, ops []OpInfo) map[string]bool {
	ga, pv := map[string]bool{}, map[string]bool{}
	var walk func(seen map[string]bool, sc *Schema)
	walk = func(seen map[string]bool, sc *Schema) {
		if sc == nil {
			return
		}
		if sc.Ref != "" {
			n := refName(sc.Ref)
			if seen[n] {
				return
			}
			seen[n] = true
			walk(seen, s.Definitions[n])
			return
		}
		walk(seen, sc.Items)
		walk(seen, sc.AdditionalProperties)
		for _, p := range sc.AllOf {
			walk(seen, p)
		}
		for _, k := range sc.PropertyOrder {
			walk(seen, sc.Properties[k])
		}
	}
	for _, op := range ops {
		seen := ga
		if op.Preview {
			seen = pv
		}
		for _, p := range op.Parameters {
			walk(seen, p.Schema)
			walk(seen, p.Items)
		}
		for _, r := range op.Responses {
			if r != nil {
				walk(seen, r.Schema)
			}
		}
	}
	out := map[string]bool{}
	for n := range pv {
		if !ga[n] {
			out[n] = true
		}
	}
	return out
}

// buildSurface lists the exported Go identifiers the generator emits, with
// a signature that changes whenever code using the identifier could break.
func (d *diffSide) buildSurface() {
	for _, def := range d.defs {
		m := d.models[def]
		pv := d.preview[rootDef(def)]
		add := func(k, sig string) { d.surface[k] = surfaceItem{sig: sig, preview: pv} }
		if m.Map != "" {
			add("models."+m.Name, "type "+m.Map)
		} else {
			add("models."+m.Name, "struct")
			for _, f := range m.Fields {
				add("models."+m.Name+"."+f.Name, f.Type)
			}
		}
		for _, e := range m.Enums {
			add("models."+e.Name, "string enum")
			for _, v := range e.Values {
				add("models."+v.Const, e.Name+" = "+fmt.Sprintf("%q", v.Value))
			}
		}
	}
	for _, e := range d.ops {
		for _, p := range e.pkgs {
			a := e.byPkg[p]
			add := func(k, sig string) { d.surface[k] = surfaceItem{sig: sig, preview: e.info.Preview} }
			add(p+".Client."+a.Method, signature(a))
			add(p+"."+a.Options, "struct")
			for _, q := range a.Optional {
				add(p+"."+a.Options+"."+q.Field, optionalType(q.Type))
			}
		}
	}
}

// signature is the Go type of a generated method.
func signature(a *apiOp) string {
	var b strings.Builder
	b.WriteString("func(context.Context")
	for _, p := range a.Positional {
		b.WriteString(", " + p.Type)
	}
	b.WriteString(", *" + a.Options + ", ...platformclient.CallOption)")
	if a.Result == "" {
		b.WriteString(" error")
	} else {
		b.WriteString(" (" + a.Result + ", error)")
	}
	return b.String()
}

type differ struct {
	o, n    *diffSide
	changes []Change
	covered map[string]bool // Go identifiers explained by a definition-level change
}

func (d *differ) add(c Change) {
	c.Breaking = c.Level == Major
	for _, g := range c.Go {
		d.covered[g] = true
	}
	d.changes = append(d.changes, c)
}

// cover marks Go identifiers as explained without listing them on a change.
func (d *differ) cover(ids ...string) {
	for _, g := range ids {
		d.covered[g] = true
	}
}

// isCovered reports whether id or an enclosing identifier is explained.
func (d *differ) isCovered(id string) bool {
	for {
		if d.covered[id] {
			return true
		}
		i := strings.LastIndexByte(id, '.')
		if i < 0 {
			return false
		}
		id = id[:i]
	}
}

// ---- operations ----

func normPath(p string) string { return pathVar.ReplaceAllString(p, "{}") }

// matchOps pairs the operations of both sides: by method and path, then,
// for the rest, by method and path with variable names ignored when that is
// unambiguous on both sides.
func (d *differ) matchOps() [][2]*opEntry {
	var pairs [][2]*opEntry
	oRest, nRest := map[string][]*opEntry{}, map[string][]*opEntry{}
	for k, oe := range d.o.ops {
		if ne, ok := d.n.ops[k]; ok {
			pairs = append(pairs, [2]*opEntry{oe, ne})
		} else {
			nk := oe.info.Method + " " + normPath(oe.info.Path)
			oRest[nk] = append(oRest[nk], oe)
		}
	}
	for k, ne := range d.n.ops {
		if _, ok := d.o.ops[k]; !ok {
			nk := ne.info.Method + " " + normPath(ne.info.Path)
			nRest[nk] = append(nRest[nk], ne)
		}
	}
	for nk, os := range oRest {
		ns := nRest[nk]
		if len(os) == 1 && len(ns) == 1 {
			pairs = append(pairs, [2]*opEntry{os[0], ns[0]})
			delete(nRest, nk)
			continue
		}
		for _, oe := range os {
			pairs = append(pairs, [2]*opEntry{oe, nil})
		}
	}
	for _, ns := range nRest {
		for _, ne := range ns {
			pairs = append(pairs, [2]*opEntry{nil, ne})
		}
	}
	at := func(p [2]*opEntry) *opEntry {
		if p[1] != nil {
			return p[1]
		}
		return p[0]
	}
	sort.Slice(pairs, func(i, j int) bool {
		a, b := at(pairs[i]).info, at(pairs[j]).info
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return methodOrder(a.Method) < methodOrder(b.Method)
	})
	return pairs
}

func (d *differ) operations() {
	for _, p := range d.matchOps() {
		oe, ne := p[0], p[1]
		switch {
		case oe == nil:
			var ids []string
			for _, pkg := range ne.pkgs {
				a := ne.byPkg[pkg]
				ids = append(ids, pkg+".Client."+a.Method, pkg+"."+a.Options)
			}
			d.add(Change{Kind: KindOperationAdded, Level: Minor, Preview: ne.info.Preview, Where: ne.key,
				Detail: "new operation" + previewNote(ne.info.Preview) + ": " + summaryOf(ne.info), Go: ids})
		case ne == nil:
			var ids []string
			for _, pkg := range oe.pkgs {
				a := oe.byPkg[pkg]
				ids = append(ids, pkg+".Client."+a.Method, pkg+"."+a.Options)
			}
			d.add(Change{Kind: KindOperationRemoved, Level: Major, Preview: oe.info.Preview, Where: oe.key,
				Detail: "operation removed: " + summaryOf(oe.info), Go: ids})
		default:
			d.operation(oe, ne)
		}
	}
}

func previewNote(preview bool) string {
	if preview {
		return " (preview)"
	}
	return ""
}

func summaryOf(op OpInfo) string {
	s := strings.TrimSpace(op.Summary)
	if s == "" {
		return strings.ToLower(op.Method) + " " + op.Path
	}
	return strings.TrimSuffix(s, ".")
}

// opScope fills in the fields every change of one operation shares.
type opScope struct {
	d      *differ
	oe, ne *opEntry
	pv     bool
	where  string
}

func (s *opScope) add(c Change) {
	c.Preview = s.pv
	c.Where = s.where
	s.d.add(c)
}

// methods returns the Go method identifiers of an operation on one side.
func methods(e *opEntry) []string {
	var ids []string
	for _, p := range e.pkgs {
		ids = append(ids, p+".Client."+e.byPkg[p].Method)
	}
	return ids
}

// fields returns the options-struct field identifiers of an optional
// parameter on one side.
func fields(e *opEntry, field string) []string {
	var ids []string
	for _, p := range e.pkgs {
		ids = append(ids, p+"."+e.byPkg[p].Options+"."+field)
	}
	return ids
}

func (d *differ) operation(oe, ne *opEntry) {
	s := &opScope{d: d, oe: oe, ne: ne, pv: oe.info.Preview, where: ne.key}
	oi, ni := oe.info, ne.info
	if oe.key != ne.key {
		s.add(Change{Kind: KindOperationDetail, Level: Patch, What: "path", Detail: "path variables renamed: " + oi.Path + " → " + ni.Path, Old: oi.Path, New: ni.Path})
	}
	// Packages and method names.
	for _, p := range oe.pkgs {
		na, ok := ne.byPkg[p]
		oa := oe.byPkg[p]
		if !ok {
			s.add(Change{Kind: KindOperationPackage, Level: Major, Detail: fmt.Sprintf("no longer in package %s (tags %s → %s)", p, strings.Join(oi.Tags, ", "), strings.Join(ni.Tags, ", ")),
				Go: []string{p + ".Client." + oa.Method, p + "." + oa.Options}})
			continue
		}
		if na.Method != oa.Method {
			s.add(Change{Kind: KindOperationRenamed, Level: Major, Detail: fmt.Sprintf("Go method renamed %s.Client.%s → %s", p, oa.Method, na.Method),
				Old: oa.Method, New: na.Method,
				Go: []string{p + ".Client." + oa.Method, p + "." + oa.Options, p + ".Client." + na.Method, p + "." + na.Options}})
		}
	}
	for _, p := range ne.pkgs {
		if _, ok := oe.byPkg[p]; !ok {
			na := ne.byPkg[p]
			s.add(Change{Kind: KindOperationPackage, Level: Minor, Detail: fmt.Sprintf("now also in package %s (tags %s → %s)", p, strings.Join(oi.Tags, ", "), strings.Join(ni.Tags, ", ")),
				Go: []string{p + ".Client." + na.Method, p + "." + na.Options}})
		}
	}
	// Flags and documentation.
	if oi.Deprecated != ni.Deprecated {
		det := "deprecated by the API; the Go method is marked Deprecated"
		if !ni.Deprecated {
			det = "no longer deprecated"
		}
		s.add(Change{Kind: KindOperationDeprecated, Level: Patch, Detail: det, Go: methodsIfBoth(oe, ne)})
	}
	if oi.Preview != ni.Preview {
		c := Change{Kind: KindOperationPreview, Level: Patch, Detail: "now marked preview: later changes are exempt from versioning"}
		if !ni.Preview {
			c.Level, c.Detail = Minor, "left preview: now covered by the versioning policy"
		}
		s.add(c)
	}
	if oi.Summary != ni.Summary || oi.Description != ni.Description {
		s.add(Change{Kind: KindOperationDoc, Level: Patch, Detail: "summary or description changed", Old: oi.Summary, New: ni.Summary})
	}
	if op, np := permString(oi.Permissions), permString(ni.Permissions); op != np {
		s.add(Change{Kind: KindOperationDetail, Level: Patch, What: "permissions", Detail: "required permissions changed", Old: op, New: np})
	}
	if o, n := len(oi.Security) == 0, len(ni.Security) == 0; o != n {
		det := "now requires authentication"
		if n {
			det = "no longer requires authentication"
		}
		s.add(Change{Kind: KindOperationDetail, Level: Patch, What: "security", Detail: det})
	}
	oa, na := oe.first(), ne.first()
	if oa.Accept != na.Accept || oa.Content != na.Content {
		s.add(Change{Kind: KindOperationDetail, Level: Patch, What: "media types", Detail: "produces/consumes changed",
			Old: oa.Accept + " " + oa.Content, New: na.Accept + " " + na.Content})
	}
	d.parameters(s)
	d.response(s)
}

func methodsIfBoth(oe, ne *opEntry) []string {
	var ids []string
	for _, p := range ne.pkgs {
		if _, ok := oe.byPkg[p]; ok {
			ids = append(ids, p+".Client."+ne.byPkg[p].Method)
		}
	}
	return ids
}

func permString(p *Permissions) string {
	if p == nil || len(p.Permissions) == 0 {
		return ""
	}
	ps := append([]string(nil), p.Permissions...)
	sort.Strings(ps)
	return strings.ToLower(p.Type) + ": " + strings.Join(ps, ", ")
}

// paramSlot is a parameter of a generated method with its place.
type paramSlot struct {
	gp       *goParam
	label    string // "query parameter expand"
	required bool   // positional argument
	field    string // options struct field, when optional
}

// paramSlots keys the parameters of an operation: body as "body", path
// parameters by position (renaming a path variable is not a Go change),
// others by location and name.
func paramSlots(a *apiOp) (map[string]*paramSlot, []string) {
	slots := map[string]*paramSlot{}
	var order []string
	pathIdx := 0
	put := func(gp *goParam, required bool) {
		var k, label string
		switch gp.In {
		case "body":
			k, label = "body", "request body"
		case "path":
			k, label = fmt.Sprintf("path#%d", pathIdx), "path parameter "+gp.Name
			pathIdx++
		default:
			in := gp.In
			if in == "formData" {
				in = "form"
			}
			k, label = gp.In+" "+gp.Name, in+" parameter "+gp.Name
		}
		slots[k] = &paramSlot{gp: gp, label: label, required: required, field: gp.Field}
		order = append(order, k)
	}
	for _, p := range a.Positional {
		put(p, true)
	}
	for _, p := range a.Optional {
		put(p, false)
	}
	return slots, order
}

func (d *differ) parameters(s *opScope) {
	oa, na := s.oe.first(), s.ne.first()
	os, oOrder := paramSlots(oa)
	ns, nOrder := paramSlots(na)
	keys := append([]string(nil), nOrder...)
	for _, k := range oOrder {
		if _, ok := ns[k]; !ok {
			keys = append(keys, k)
		}
	}
	// Arguments present on both sides must keep their order: same-typed
	// arguments that swap places still compile and silently mix values up.
	var oPos, nPos, oVars, nVars []string
	for _, k := range oOrder {
		if os[k].required && ns[k] != nil && ns[k].required {
			oPos, oVars = append(oPos, k), append(oVars, os[k].gp.Var)
		}
	}
	for _, k := range nOrder {
		if ns[k].required && os[k] != nil && os[k].required {
			nPos, nVars = append(nPos, k), append(nVars, ns[k].gp.Var)
		}
	}
	if !slices.Equal(oPos, nPos) {
		s.add(Change{Kind: KindParameterOrder, Level: Major, What: "arguments",
			Detail: fmt.Sprintf("Go method arguments reordered: (%s) → (%s)", strings.Join(oVars, ", "), strings.Join(nVars, ", ")),
			Old:    strings.Join(oVars, ", "), New: strings.Join(nVars, ", "), Go: methods(s.ne)})
	}
	for _, k := range keys {
		o, n := os[k], ns[k]
		body := k == "body"
		switch {
		case o == nil:
			if body {
				c := Change{Kind: KindRequestBodyAdded, Level: Minor, What: "request body", New: n.gp.Type}
				if n.required {
					c.Level, c.Detail, c.Go = Major, "new required request body "+n.gp.Type+": new argument of the Go method", methods(s.ne)
				} else {
					c.Detail, c.Go = "new optional request body: options field Body "+optionalType(n.gp.Type), fields(s.ne, n.field)
				}
				s.add(c)
				continue
			}
			c := Change{Kind: KindParameterAdded, Level: Minor, What: n.label, New: paramDesc(n.gp.Parameter)}
			if n.required {
				c.Level, c.Detail, c.Go = Major, fmt.Sprintf("new required parameter (%s): new argument %s %s of the Go method", paramDesc(n.gp.Parameter), n.gp.Var, n.gp.Type), methods(s.ne)
			} else {
				c.Detail, c.Go = fmt.Sprintf("new optional parameter (%s): options field %s %s", paramDesc(n.gp.Parameter), n.field, optionalType(n.gp.Type)), fields(s.ne, n.field)
			}
			s.add(c)
		case n == nil:
			kind, what := KindParameterRemoved, o.label
			if body {
				kind = KindRequestBodyRemoved
			}
			c := Change{Kind: kind, Level: Major, What: what, Old: paramDesc(o.gp.Parameter)}
			if o.required {
				c.Detail, c.Go = "removed: argument "+o.gp.Var+" of the Go method is gone", methods(s.oe)
			} else {
				c.Detail, c.Go = "removed: options field "+o.field+" is gone", fields(s.oe, o.field)
			}
			s.add(c)
		default:
			d.parameter(s, o, n, body)
		}
	}
}

func (d *differ) parameter(s *opScope, o, n *paramSlot, body bool) {
	what := n.label
	op, np := o.gp.Parameter, n.gp.Parameter
	if o.label != n.label && strings.HasPrefix(o.label, "path") {
		s.add(Change{Kind: KindParameterDetail, Level: Patch, What: what, Detail: "path variable renamed " + op.Name + " → " + np.Name, Old: op.Name, New: np.Name})
	}
	switch {
	case o.required != n.required:
		kind := KindParameterRequired
		if body {
			kind = KindRequestBodyRequired
		}
		ids := methods(s.ne)
		var det string
		if n.required {
			det = fmt.Sprintf("now required: moves from options field %s into the arguments of the Go method", o.field)
			ids = append(ids, fields(s.oe, o.field)...)
		} else {
			det = fmt.Sprintf("no longer required: moves from the arguments of the Go method into options field %s", n.field)
			ids = append(ids, fields(s.ne, n.field)...)
		}
		s.add(Change{Kind: kind, Level: Major, What: what, Detail: det, Old: reqWord(o.required), New: reqWord(n.required), Go: ids})
	case !o.required && o.field != n.field:
		s.add(Change{Kind: KindParameterDetail, Level: Major, What: what, Detail: "Go options field renamed " + o.field + " → " + n.field,
			Old: o.field, New: n.field, Go: append(fields(s.oe, o.field), fields(s.ne, n.field)...)})
	}
	od, nd := paramDesc(op), paramDesc(np)
	if body {
		od, nd = schemaDesc(op.Schema), schemaDesc(np.Schema)
	}
	if o.gp.Type != n.gp.Type {
		kind := KindParameterType
		if body {
			kind = KindRequestBodyType
		}
		var ids []string
		if n.required {
			ids = methods(s.ne)
		} else {
			ids = fields(s.ne, n.field)
		}
		s.add(Change{Kind: kind, Level: Major, What: what, Detail: fmt.Sprintf("type %s → %s; Go type %s → %s", od, nd, o.gp.Type, n.gp.Type), Old: od, New: nd, Go: ids})
	} else if od != nd {
		s.add(Change{Kind: KindParameterFormat, Level: Patch, What: what, Detail: fmt.Sprintf("type %s → %s; Go type %s unchanged", od, nd, n.gp.Type), Old: od, New: nd})
	}
	if !body {
		added, removed := enumDiff(paramEnum(op), paramEnum(np))
		for _, v := range added {
			s.add(Change{Kind: KindEnumValueAdded, Level: Patch, What: what, Detail: fmt.Sprintf("allowed value %q added (documentation only: parameters are plain Go types)", v), New: v})
		}
		for _, v := range removed {
			s.add(Change{Kind: KindEnumValueRemoved, Level: Patch, What: what, Detail: fmt.Sprintf("allowed value %q removed (documentation only: parameters are plain Go types)", v), Old: v})
		}
		if o, n := rawString(op.Default), rawString(np.Default); o != n {
			s.add(Change{Kind: KindParameterDetail, Level: Patch, What: what, Detail: "server default changed", Old: o, New: n})
		}
		if op.CollectionFormat != np.CollectionFormat {
			s.add(Change{Kind: KindParameterDetail, Level: Patch, What: what, Detail: "collection format changed", Old: op.CollectionFormat, New: np.CollectionFormat})
		}
		if o, n := validation(op.Minimum, op.Maximum, op.MinLength, op.MaxLength, op.Pattern), validation(np.Minimum, np.Maximum, np.MinLength, np.MaxLength, np.Pattern); o != n {
			s.add(Change{Kind: KindParameterDetail, Level: Patch, What: what, Detail: "validation changed", Old: o, New: n})
		}
	}
	if op.Description != np.Description {
		s.add(Change{Kind: KindParameterDetail, Level: Patch, What: what, Detail: "description changed"})
	}
}

func reqWord(b bool) string {
	if b {
		return "required"
	}
	return "optional"
}

func (d *differ) response(s *opScope) {
	oa, na := s.oe.first(), s.ne.first()
	if oa.Result != na.Result {
		show := func(t string) string {
			if t == "" {
				return "none"
			}
			return t
		}
		s.add(Change{Kind: KindResponseType, Level: Major, What: "response",
			Detail: fmt.Sprintf("Go result type %s → %s", show(oa.Result), show(na.Result)),
			Old:    show(oa.Result), New: show(na.Result), Go: methods(s.ne)})
		return
	}
	var os, ns *Schema
	if r := successResponse(s.oe.info.Responses); r != nil {
		os = r.Schema
	}
	if r := successResponse(s.ne.info.Responses); r != nil {
		ns = r.Schema
	}
	if o, n := schemaDesc(os), schemaDesc(ns); o != n {
		s.add(Change{Kind: KindResponseSchema, Level: Patch, What: "response", Detail: fmt.Sprintf("schema %s → %s; Go result type unchanged", o, n), Old: o, New: n})
	}
}

// ---- definitions ----

func (d *differ) definitions() {
	keys := map[string]bool{}
	for _, k := range d.o.defs {
		keys[k] = true
	}
	for _, k := range d.n.defs {
		keys[k] = true
	}
	for _, def := range sortedKeys(keys) {
		om, nm := d.o.models[def], d.n.models[def]
		root := rootDef(def)
		nested := root != def
		switch {
		case om == nil:
			if nested && d.o.models[root] == nil {
				d.cover(modelIDs(nm)...)
				continue // reported with its new parent
			}
			d.add(Change{Kind: KindDefinitionAdded, Level: Minor, Preview: d.n.preview[root], Where: def,
				Detail: "new " + defWord(nested) + ": Go type models." + nm.Name, Go: modelIDs(nm)})
		case nm == nil:
			if nested && d.n.models[root] == nil {
				d.cover(modelIDs(om)...)
				continue
			}
			d.add(Change{Kind: KindDefinitionRemoved, Level: Major, Preview: d.o.preview[root], Where: def,
				Detail: defWord(nested) + " removed: Go type models." + om.Name + " is gone", Go: modelIDs(om)})
		default:
			d.definition(def, om, nm)
		}
	}
}

func defWord(nested bool) string {
	if nested {
		return "inline object"
	}
	return "definition"
}

// modelIDs lists the Go identifiers of a model and its enums.
func modelIDs(m *model) []string {
	ids := []string{"models." + m.Name}
	for _, e := range m.Enums {
		ids = append(ids, "models."+e.Name)
		for _, v := range e.Values {
			ids = append(ids, "models."+v.Const)
		}
	}
	return ids
}

func modelKind(m *model) string {
	if m.Map != "" {
		return "type " + m.Map
	}
	return "struct"
}

func (d *differ) definition(def string, om, nm *model) {
	pv := d.o.preview[rootDef(def)]
	add := func(c Change) {
		c.Preview, c.Where = pv, def
		d.add(c)
	}
	if om.Name != nm.Name || modelKind(om) != modelKind(nm) {
		add(Change{Kind: KindDefinitionType, Level: Major,
			Detail: fmt.Sprintf("Go type models.%s (%s) → models.%s (%s)", om.Name, modelKind(om), nm.Name, modelKind(nm)),
			Old:    om.Name, New: nm.Name, Go: []string{"models." + om.Name, "models." + nm.Name}})
	}
	if strings.TrimSpace(om.Schema.Description) != strings.TrimSpace(nm.Schema.Description) {
		add(Change{Kind: KindDefinitionDoc, Level: Patch, Detail: "description changed"})
	}
	if om.Map != "" || nm.Map != "" {
		return
	}
	osc, nsc := d.o.gen.models.flatten(om.Schema), d.n.gen.models.flatten(nm.Schema)
	of, nf := fieldsByJSON(om), fieldsByJSON(nm)
	oreq, nreq := setOf(osc.Required), setOf(nsc.Required)
	var props []string
	props = append(props, nsc.PropertyOrder...)
	for _, p := range osc.PropertyOrder {
		if _, ok := nf[p]; !ok {
			props = append(props, p)
		}
	}
	for _, prop := range props {
		o, n := of[prop], nf[prop]
		what := "property " + prop
		switch {
		case o == nil:
			ids := []string{"models." + nm.Name + "." + n.Name}
			ids = append(ids, enumIDs(nm, n.Type)...)
			det := fmt.Sprintf("new property (%s): field %s %s", schemaDesc(nsc.Properties[prop]), n.Name, n.Type)
			if nreq[prop] {
				det += "; required by the API"
			}
			add(Change{Kind: KindPropertyAdded, Level: Minor, What: what, Detail: det, New: schemaDesc(nsc.Properties[prop]), Go: ids})
		case n == nil:
			ids := []string{"models." + om.Name + "." + o.Name}
			ids = append(ids, enumIDs(om, o.Type)...)
			add(Change{Kind: KindPropertyRemoved, Level: Major, What: what, Detail: "removed: field " + o.Name + " is gone", Old: schemaDesc(osc.Properties[prop]), Go: ids})
		default:
			d.property(add, what, om, nm, o, n, osc.Properties[prop], nsc.Properties[prop], oreq[prop], nreq[prop])
		}
	}
}

func (d *differ) property(add func(Change), what string, om, nm *model, o, n *field, os, ns *Schema, oreq, nreq bool) {
	oid, nid := "models."+om.Name+"."+o.Name, "models."+nm.Name+"."+n.Name
	if o.Name != n.Name {
		add(Change{Kind: KindPropertyRenamed, Level: Major, What: what, Detail: "Go field renamed " + o.Name + " → " + n.Name, Old: o.Name, New: n.Name, Go: []string{oid, nid}})
	}
	od, nd := schemaDesc(os), schemaDesc(ns)
	oe, ne := enumOf(om, o.Type), enumOf(nm, n.Type)
	if o.Type != n.Type {
		det := fmt.Sprintf("type %s → %s; Go type %s → %s", od, nd, o.Type, n.Type)
		if od == nd && sameEnum(os, ns) {
			det = fmt.Sprintf("Go type %s → %s (renamed by the generator; the property is unchanged)", o.Type, n.Type)
		}
		ids := []string{nid}
		ids = append(ids, enumIDs(om, o.Type)...)
		ids = append(ids, enumIDs(nm, n.Type)...)
		add(Change{Kind: KindPropertyType, Level: Major, What: what, Detail: det, Old: od, New: nd, Go: ids})
	} else if od != nd {
		add(Change{Kind: KindPropertyFormat, Level: Patch, What: what, Detail: fmt.Sprintf("type %s → %s; Go type %s unchanged", od, nd, n.Type), Old: od, New: nd})
	}
	if oe != nil && ne != nil && oe.Name == ne.Name {
		ov, nv := map[string]enumValue{}, map[string]enumValue{}
		var ovs, nvs []string
		for _, v := range oe.Values {
			ov[v.Value] = v
			ovs = append(ovs, v.Value)
		}
		for _, v := range ne.Values {
			nv[v.Value] = v
			nvs = append(nvs, v.Value)
		}
		added, removed := enumDiff(ovs, nvs)
		for _, v := range added {
			add(Change{Kind: KindEnumValueAdded, Level: Minor, What: what, Detail: fmt.Sprintf("enum value %q added: constant %s", v, nv[v].Const), New: v, Go: []string{"models." + nv[v].Const}})
		}
		for _, v := range removed {
			add(Change{Kind: KindEnumValueRemoved, Level: Major, What: what, Detail: fmt.Sprintf("enum value %q removed: constant %s is gone", v, ov[v].Const), Old: v, Go: []string{"models." + ov[v].Const}})
		}
		for _, v := range nvs {
			if c, ok := ov[v]; ok && c.Const != nv[v].Const {
				add(Change{Kind: KindPropertyRenamed, Level: Major, What: what, Detail: fmt.Sprintf("constant for %q renamed %s → %s", v, c.Const, nv[v].Const),
					Old: c.Const, New: nv[v].Const, Go: []string{"models." + c.Const, "models." + nv[v].Const}})
			}
		}
	}
	if oreq != nreq {
		det := "now required by the API (Go field stays optional; the server may reject requests without it)"
		if !nreq {
			det = "no longer required by the API"
		}
		add(Change{Kind: KindPropertyRequired, Level: Patch, What: what, Detail: det, Old: reqWord(oreq), New: reqWord(nreq)})
	}
	if os.ReadOnly != ns.ReadOnly {
		add(Change{Kind: KindPropertyDetail, Level: Patch, What: what, Detail: fmt.Sprintf("read-only %t → %t", os.ReadOnly, ns.ReadOnly)})
	}
	if o, n := validation(os.Minimum, os.Maximum, os.MinLength, os.MaxLength, os.Pattern), validation(ns.Minimum, ns.Maximum, ns.MinLength, ns.MaxLength, ns.Pattern); o != n {
		add(Change{Kind: KindPropertyDetail, Level: Patch, What: what, Detail: "validation changed", Old: o, New: n})
	}
	if strings.TrimSpace(os.Description) != strings.TrimSpace(ns.Description) {
		add(Change{Kind: KindPropertyDetail, Level: Patch, What: what, Detail: "description changed"})
	}
}

func fieldsByJSON(m *model) map[string]*field {
	out := map[string]*field{}
	for i := range m.Fields {
		out[m.Fields[i].JSON] = &m.Fields[i]
	}
	return out
}

func setOf(ss []string) map[string]bool {
	out := map[string]bool{}
	for _, s := range ss {
		out[s] = true
	}
	return out
}

// enumOf returns the enum type a field of type t uses, if the model declares it.
func enumOf(m *model, t string) *enumType {
	base := strings.TrimLeft(t, "*[]")
	base = strings.TrimPrefix(base, "map[string]")
	for _, e := range m.Enums {
		if e.Name == base {
			return e
		}
	}
	return nil
}

func enumIDs(m *model, t string) []string {
	e := enumOf(m, t)
	if e == nil {
		return nil
	}
	ids := []string{"models." + e.Name}
	for _, v := range e.Values {
		ids = append(ids, "models."+v.Const)
	}
	return ids
}

func sameEnum(a, b *Schema) bool {
	if a == nil || b == nil {
		return a == b
	}
	if !reflect.DeepEqual(enumStrings(a.Enum), enumStrings(b.Enum)) {
		return false
	}
	if a.Items != nil && b.Items != nil {
		return sameEnum(a.Items, b.Items)
	}
	return true
}

// ---- Go identifiers not explained above ----

func (d *differ) surface() {
	keys := map[string]bool{}
	for k := range d.o.surface {
		keys[k] = true
	}
	for k := range d.n.surface {
		keys[k] = true
	}
	for _, k := range sortedKeys(keys) {
		if d.isCovered(k) {
			continue
		}
		o, inOld := d.o.surface[k]
		n, inNew := d.n.surface[k]
		switch {
		case !inOld:
			d.add(Change{Kind: KindGoIdentifierAdded, Level: Minor, Preview: n.preview, Where: k, Detail: "new Go identifier (" + n.sig + ")", New: n.sig, Go: []string{k}})
		case !inNew:
			d.add(Change{Kind: KindGoIdentifierRemoved, Level: Major, Preview: o.preview, Where: k, Detail: "Go identifier removed (" + o.sig + ")", Old: o.sig, Go: []string{k}})
		case o.sig != n.sig:
			d.add(Change{Kind: KindGoIdentifierModified, Level: Major, Preview: o.preview, Where: k, Detail: "Go declaration changed: " + o.sig + " → " + n.sig, Old: o.sig, New: n.sig, Go: []string{k}})
		}
	}
}

// ---- descriptions of schemas and parameters ----

// schemaDesc describes the type of a schema: "string(date-time)",
// "array of User", "map of integer", "object".
func schemaDesc(s *Schema) string {
	if s == nil {
		return "none"
	}
	if s.Ref != "" {
		return refName(s.Ref)
	}
	if len(s.AllOf) > 0 {
		var parts []string
		for _, p := range s.AllOf {
			parts = append(parts, schemaDesc(p))
		}
		return "allOf(" + strings.Join(parts, ", ") + ")"
	}
	switch s.Type {
	case "array":
		return "array of " + schemaDesc(s.Items)
	case "object", "":
		if s.AdditionalProperties != nil {
			return "map of " + schemaDesc(s.AdditionalProperties)
		}
		if s.Type == "" && len(s.Properties) == 0 {
			return "any"
		}
		return "object"
	}
	if s.Format != "" {
		return s.Type + "(" + s.Format + ")"
	}
	return s.Type
}

func paramDesc(p *Parameter) string {
	if p.In == "body" {
		return schemaDesc(p.Schema)
	}
	return schemaDesc(&Schema{Type: p.Type, Format: p.Format, Items: p.Items})
}

func paramEnum(p *Parameter) []string {
	if len(p.Enum) > 0 {
		return enumStrings(p.Enum)
	}
	if p.Items != nil {
		return enumStrings(p.Items.Enum)
	}
	return nil
}

func enumStrings(raw []json.RawMessage) []string {
	var out []string
	for _, r := range raw {
		out = append(out, rawString(r))
	}
	return out
}

// rawString renders a JSON value for a report: strings without quotes.
func rawString(r json.RawMessage) string {
	if len(r) == 0 {
		return ""
	}
	var v any
	if json.Unmarshal(r, &v) != nil {
		return string(r)
	}
	if s, ok := v.(string); ok {
		return s
	}
	return strings.TrimSpace(string(r))
}

// enumDiff returns the values only in b (added) and only in a (removed), in
// definition order.
func enumDiff(a, b []string) (added, removed []string) {
	as, bs := setOf(a), setOf(b)
	seen := map[string]bool{}
	for _, v := range b {
		if !as[v] && !seen[v] {
			added = append(added, v)
			seen[v] = true
		}
	}
	for _, v := range a {
		if !bs[v] && !seen[v] {
			removed = append(removed, v)
			seen[v] = true
		}
	}
	return added, removed
}

func validation(min, max *float64, minLen, maxLen *int, pattern string) string {
	var parts []string
	if min != nil {
		parts = append(parts, fmt.Sprintf("minimum %v", *min))
	}
	if max != nil {
		parts = append(parts, fmt.Sprintf("maximum %v", *max))
	}
	if minLen != nil {
		parts = append(parts, fmt.Sprintf("minLength %d", *minLen))
	}
	if maxLen != nil {
		parts = append(parts, fmt.Sprintf("maxLength %d", *maxLen))
	}
	if pattern != "" {
		parts = append(parts, "pattern "+pattern)
	}
	return strings.Join(parts, ", ")
}
