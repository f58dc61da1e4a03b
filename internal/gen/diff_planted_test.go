package gen

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata")

// realSpecPath returns the shared API definition, or skips the test.
func realSpecPath(t *testing.T) string {
	t.Helper()
	return sharedSpec(t)
}

// ordered is a JSON object that keeps its key order, so that a copy of the
// definition differs from the original only where a test changes it
// (property order decides Go field names when two properties collide).
type ordered struct {
	keys []string
	vals map[string]any // json.RawMessage until touched
}

func parseOrdered(t *testing.T, b []byte) *ordered {
	t.Helper()
	keys, err := objectKeys(b)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	o := &ordered{keys: keys, vals: map[string]any{}}
	for k, v := range raw {
		o.vals[k] = v
	}
	return o
}

func (o *ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// obj returns the object at key, parsed on first use.
func (o *ordered) obj(t *testing.T, key string) *ordered {
	t.Helper()
	switch v := o.vals[key].(type) {
	case *ordered:
		return v
	case json.RawMessage:
		sub := parseOrdered(t, v)
		o.vals[key] = sub
		return sub
	}
	t.Fatalf("no object at %q", key)
	return nil
}

// m returns the value at key as a plain map (for objects whose key order
// does not matter), parsed on first use.
func (o *ordered) m(t *testing.T, key string) map[string]any {
	t.Helper()
	switch v := o.vals[key].(type) {
	case map[string]any:
		return v
	case json.RawMessage:
		var mv map[string]any
		if err := json.Unmarshal(v, &mv); err != nil {
			t.Fatal(err)
		}
		o.vals[key] = mv
		return mv
	}
	t.Fatalf("no object at %q", key)
	return nil
}

func (o *ordered) set(key string, v any) {
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

func (o *ordered) del(key string) {
	delete(o.vals, key)
	for i, k := range o.keys {
		if k == key {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			return
		}
	}
}

func paramIn(t *testing.T, op map[string]any, name string) map[string]any {
	t.Helper()
	for _, p := range op["parameters"].([]any) {
		if p.(map[string]any)["name"] == name {
			return p.(map[string]any)
		}
	}
	t.Fatalf("no parameter %s", name)
	return nil
}

// plant applies one change of every kind to the real definition.
func plant(t *testing.T, s *ordered) {
	paths, defs := s.obj(t, "paths"), s.obj(t, "definitions")
	op := func(path, method string) map[string]any { return paths.obj(t, path).m(t, method) }
	props := func(def string) *ordered { return defs.obj(t, def).obj(t, "properties") }
	ref := func(def string) map[string]any { return map[string]any{"$ref": "#/definitions/" + def} }
	ok := func(schema any) map[string]any {
		r := map[string]any{"description": "successful operation"}
		if schema != nil {
			r["schema"] = schema
		}
		return map[string]any{"200": r}
	}
	userID := map[string]any{"name": "userId", "in": "path", "required": true, "type": "string"}

	// Operations: removed, added (stable and preview), deprecated,
	// documented, permissions, moved to another package, entering and
	// leaving preview.
	paths.obj(t, "/api/v2/users/{userId}/verifiers/{verifierId}").del("delete")
	paths.set("/api/v2/users/{userId}/badges", map[string]any{"get": map[string]any{
		"tags": []any{"Users"}, "summary": "Get a user's badges", "operationId": "getUserBadges",
		"x-purecloud-method-name": "getUserBadges", "parameters": []any{userID},
		"responses": ok(ref("UserBadgeListing")),
	}})
	paths.set("/api/v2/users/badges/query", map[string]any{"post": map[string]any{
		"tags": []any{"Users"}, "summary": "Query badges", "operationId": "postUsersBadgesQuery",
		"x-purecloud-method-name": "postUsersBadgesQuery", "x-genesys-preview": true,
		"parameters": []any{map[string]any{"name": "body", "in": "body", "required": true, "schema": ref("UserBadgeListing")}},
		"responses":  ok(nil),
	}})
	op("/api/v2/users/{userId}/adjacents", "get")["deprecated"] = true
	op("/api/v2/users/{userId}/superiors", "get")["summary"] = "Get a user's superiors (managers)"
	op("/api/v2/users/{userId}/profile", "get")["x-inin-requires-permissions"] = map[string]any{"type": "ANY", "permissions": []any{"directory:user:view"}}
	op("/api/v2/users/{userId}/trustors", "get")["tags"] = []any{"Organization Authorization"}
	op("/api/v2/users/search/teams/assign", "post")["x-genesys-preview"] = true
	delete(op("/api/v2/users/search/conversation/target", "post"), "x-genesys-preview")

	// Parameters.
	getUser := op("/api/v2/users/{userId}", "get")
	getUser["parameters"] = append(getUser["parameters"].([]any),
		map[string]any{"name": "badgeType", "in": "query", "required": false, "type": "string", "description": "Only badges of this type"})
	ps := getUser["parameters"].([]any)
	for i, p := range ps {
		if p.(map[string]any)["name"] == "userCustomAttributeSchemaIds" {
			getUser["parameters"] = append(ps[:i:i], ps[i+1:]...)
			break
		}
	}
	paramIn(t, getUser, "state")["enum"] = []any{"active", "inactive"}
	paramIn(t, getUser, "expand")["description"] = "Which fields, if any, to expand."
	getUsers := op("/api/v2/users", "get")
	paramIn(t, getUsers, "pageSize")["required"] = true
	paramIn(t, getUsers, "pageNumber")["format"] = "int64"
	paramIn(t, getUsers, "jabberId")["items"] = map[string]any{"type": "string", "format": "email"}
	paramIn(t, op("/api/v2/users/{userId}/customattributes/bulk", "get"), "schemaIds")["required"] = false

	// Request and response bodies.
	paramIn(t, op("/api/v2/users/{userId}", "patch"), "body")["schema"] = ref("User")
	paramIn(t, op("/api/v2/users/me/password", "post"), "body")["required"] = false
	op("/api/v2/users/me", "get")["responses"].(map[string]any)["200"].(map[string]any)["schema"] = ref("User")

	// Preview operations: one removed, one loses a parameter.
	paths.obj(t, "/api/v2/analytics/actions/aggregates/jobs/{jobId}").del("delete")
	results := op("/api/v2/analytics/actions/aggregates/jobs/{jobId}/results", "get")
	results["parameters"] = results["parameters"].([]any)[:1]

	// Definitions: added, removed, documented.
	defs.set("UserBadgeListing", map[string]any{"type": "object", "properties": map[string]any{
		"entities": map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
	}})
	defs.del("ArticlesFilter")
	defs.obj(t, "User").set("description", "A Genesys Cloud user.")
	// A new definition that takes the Go name of RoutingStatus's enum type.
	defs.set("RoutingStatusStatus", map[string]any{"type": "object", "properties": map[string]any{
		"code": map[string]any{"type": "string"},
	}})

	// Properties of User: added, removed, Go type changed, required,
	// enum values added and removed, description.
	up := props("User")
	up.set("badgeCount", map[string]any{"type": "integer", "description": "Number of badges"})
	up.del("department")
	up.m(t, "version")["format"] = "int64"
	defs.obj(t, "User").set("required", []any{"version", "email"})
	up.m(t, "state")["enum"] = []any{"active", "deleted", "suspended"}
	up.m(t, "title")["description"] = "Job title"
	// Other properties: a string that becomes a date, a format change that
	// keeps the Go type, read-only, validation.
	props("EmployerInfo").m(t, "dateHire")["format"] = "date"
	delete(props("Geolocation").m(t, "latitude"), "format")
	props("Geolocation").m(t, "primary")["readOnly"] = true
	props("Biography").m(t, "spouse")["maxLength"] = 100
	// A definition only preview operations use.
	props("ActionAsyncAggregationQuery").del("timeZone")
}

// TestDiffPlanted runs the diff on the shared API definition against a copy
// with one change of every kind planted, and compares the release notes with
// testdata/planted.md (go test -run TestDiffPlanted -update rewrites it).
func TestDiffPlanted(t *testing.T) {
	path := realSpecPath(t)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	oldSpec, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}

	// Unchanged, the definition has no differences with itself.
	self, err := Diff(oldSpec, oldSpec)
	if err != nil {
		t.Fatal(err)
	}
	if len(self.Changes) != 0 || self.Bump != None {
		t.Fatalf("self-diff: %d changes, bump %s:\n%s", len(self.Changes), self.Bump, self.Markdown())
	}

	// A round trip through the ordered copy alone changes nothing either.
	s := parseOrdered(t, raw)
	s.obj(t, "paths").obj(t, "/api/v2/users")
	s.obj(t, "definitions").obj(t, "User").obj(t, "properties")
	copyNoop := writeSpec(t, s)
	r, err := Diff(oldSpec, copyNoop)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 0 {
		t.Fatalf("unchanged copy: %d changes:\n%s", len(r.Changes), r.Markdown())
	}

	plant(t, s)
	newSpec := writeSpec(t, s)
	r, err = Diff(oldSpec, newSpec)
	if err != nil {
		t.Fatal(err)
	}
	r.Old.Source, r.New.Source = "platform-api-v2.json", "planted.json"
	next, err := NextVersion("0.1.0", r.Bump, false)
	if err != nil {
		t.Fatal(err)
	}
	r.Version = &VersionChange{From: "0.1.0", To: next}
	got := r.Markdown()

	golden := filepath.Join("testdata", "planted.md")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("release notes differ from %s (run with -update to accept):\n%s", golden, lineDiff(string(want), got))
	}

	// The classification the golden file shows, as facts.
	if r.Bump != Major || next != "0.2.0" {
		t.Errorf("bump %s, next version %s; want major, 0.2.0", r.Bump, next)
	}
	kinds := map[string]int{}
	for _, c := range r.Changes {
		kinds[c.Kind]++
	}
	for _, k := range []string{
		KindOperationAdded, KindOperationRemoved, KindOperationPackage, KindOperationDeprecated, KindOperationPreview,
		KindOperationDoc, KindOperationDetail, KindParameterAdded, KindParameterRemoved, KindParameterRequired,
		KindParameterType, KindParameterFormat, KindParameterDetail, KindRequestBodyType, KindRequestBodyRequired,
		KindResponseType, KindDefinitionAdded, KindDefinitionRemoved, KindDefinitionDoc, KindPropertyAdded,
		KindPropertyRemoved, KindPropertyType, KindPropertyFormat, KindPropertyRequired, KindPropertyDetail,
		KindEnumValueAdded, KindEnumValueRemoved,
	} {
		if kinds[k] == 0 {
			t.Errorf("no %s change reported", k)
		}
	}
}

func writeSpec(t *testing.T, s *ordered) *Spec {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "planted.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	spec, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// lineDiff lists the lines only in want (-) or only in got (+).
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	in := func(ls []string) map[string]bool {
		m := map[string]bool{}
		for _, l := range ls {
			m[l] = true
		}
		return m
	}
	wm, gm := in(w), in(g)
	var b strings.Builder
	for _, l := range w {
		if !gm[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !wm[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

// BenchmarkDiffRealSpec measures a diff of the shared definition with
// itself (both sides already parsed).
func BenchmarkDiffRealSpec(b *testing.B) {
	path := filepath.Join("..", "..", "..", "shared", "spec", "platform-api-v2.json")
	if _, err := os.Stat(path); err != nil {
		b.Skip("API definition not found")
	}
	s, err := Load(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Diff(s, s); err != nil {
			b.Fatal(err)
		}
	}
}
