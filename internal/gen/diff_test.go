package gen

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// baseSpec is a small definition the classification tests change one fact
// at a time.
const baseSpec = `{
  "swagger": "2.0",
  "info": {"title": "Test API", "version": "1"},
  "paths": {
    "/api/v2/things/{thingId}": {
      "get": {
        "tags": ["Things"], "operationId": "getThing", "summary": "Get a thing",
        "x-inin-requires-permissions": {"type": "ANY", "permissions": ["things:thing:view"]},
        "parameters": [
          {"name": "thingId", "in": "path", "required": true, "type": "string"},
          {"name": "divisionId", "in": "query", "required": true, "type": "string"},
          {"name": "expand", "in": "query", "type": "array", "items": {"type": "string", "enum": ["a", "b"]}, "collectionFormat": "multi"},
          {"name": "pageSize", "in": "query", "type": "integer", "description": "Page size"},
          {"name": "mode", "in": "query", "type": "string", "enum": ["fast", "slow"], "default": "fast"}
        ],
        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}}}
      },
      "put": {
        "tags": ["Things"], "operationId": "putThing", "summary": "Replace a thing",
        "parameters": [
          {"name": "thingId", "in": "path", "required": true, "type": "string"},
          {"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Thing"}}
        ],
        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}}}
      }
    },
    "/api/v2/previews": {
      "get": {
        "tags": ["Things"], "operationId": "getPreviews", "summary": "List previews", "x-genesys-preview": true,
        "parameters": [{"name": "cursor", "in": "query", "type": "string"}],
        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/PreviewThing"}}}
      }
    }
  },
  "definitions": {
    "Thing": {
      "type": "object", "required": ["name"],
      "properties": {
        "id": {"type": "string"},
        "name": {"type": "string", "description": "The name"},
        "count": {"type": "integer"},
        "ratio": {"type": "number", "format": "double"},
        "state": {"type": "string", "enum": ["on", "off"]},
        "created": {"type": "string", "format": "date-time"}
      }
    },
    "PreviewThing": {"type": "object", "properties": {"id": {"type": "string"}, "kind": {"type": "string"}}},
    "Other": {"type": "object", "description": "Another thing", "properties": {"x": {"type": "string"}}}
  }
}`

type jsonObj = map[string]any

func mustBase(t *testing.T) jsonObj {
	t.Helper()
	var m jsonObj
	if err := json.Unmarshal([]byte(baseSpec), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func obj(m jsonObj, keys ...string) jsonObj {
	for _, k := range keys {
		m = m[k].(jsonObj)
	}
	return m
}

func op(s jsonObj, path, method string) jsonObj { return obj(s, "paths", path, method) }

func param(o jsonObj, name string) jsonObj {
	for _, p := range o["parameters"].([]any) {
		if p.(jsonObj)["name"] == name {
			return p.(jsonObj)
		}
	}
	panic("no parameter " + name)
}

func removeParam(o jsonObj, name string) {
	ps := o["parameters"].([]any)
	ps = slices.DeleteFunc(ps, func(p any) bool { return p.(jsonObj)["name"] == name })
	o["parameters"] = ps
}

func prop(s jsonObj, def, name string) jsonObj { return obj(s, "definitions", def, "properties", name) }

func specOf(t *testing.T, m jsonObj) *Spec {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// want is an expected change: kind, level and whether it is a preview change.
type want struct {
	kind    string
	level   Level
	preview bool
}

func (w want) String() string {
	p := ""
	if w.preview {
		p = " preview"
	}
	return fmt.Sprintf("%s %s%s", w.kind, w.level, p)
}

const (
	thing = "/api/v2/things/{thingId}"
	prevs = "/api/v2/previews"
)

var gaGet = jsonObj{
	"tags": []any{"Things"}, "operationId": "getWidgets", "summary": "List widgets",
	"responses": jsonObj{"200": jsonObj{"description": "ok", "schema": jsonObj{"$ref": "#/definitions/Other"}}},
}

func TestDiffClassification(t *testing.T) {
	cases := []struct {
		name   string
		change func(s jsonObj)
		want   []want
		bump   Level
	}{
		{"identical", func(s jsonObj) {}, nil, None},
		// Operations.
		{"operation added", func(s jsonObj) {
			obj(s, "paths")["/api/v2/widgets"] = jsonObj{"get": gaGet}
		}, []want{{KindOperationAdded, Minor, false}}, Minor},
		{"preview operation added", func(s jsonObj) {
			g := jsonObj{}
			for k, v := range gaGet {
				g[k] = v
			}
			g["x-genesys-preview"] = true
			obj(s, "paths")["/api/v2/widgets"] = jsonObj{"get": g}
		}, []want{{KindOperationAdded, Minor, true}}, None},
		{"operation removed", func(s jsonObj) {
			delete(obj(s, "paths", thing), "put")
		}, []want{{KindOperationRemoved, Major, false}}, Major},
		{"preview operation removed", func(s jsonObj) {
			delete(obj(s, "paths"), prevs)
		}, []want{{KindOperationRemoved, Major, true}}, None},
		{"operation deprecated", func(s jsonObj) {
			op(s, thing, "get")["deprecated"] = true
		}, []want{{KindOperationDeprecated, Patch, false}}, Patch},
		{"operation summary", func(s jsonObj) {
			op(s, thing, "get")["summary"] = "Fetch a thing"
		}, []want{{KindOperationDoc, Patch, false}}, Patch},
		{"operation permissions", func(s jsonObj) {
			op(s, thing, "get")["x-inin-requires-permissions"] = jsonObj{"type": "ANY", "permissions": []any{"things:thing:read"}}
		}, []want{{KindOperationDetail, Patch, false}}, Patch},
		{"operation enters preview", func(s jsonObj) {
			op(s, thing, "get")["x-genesys-preview"] = true
		}, []want{{KindOperationPreview, Patch, false}}, Patch},
		{"operation leaves preview", func(s jsonObj) {
			delete(op(s, prevs, "get"), "x-genesys-preview")
		}, []want{{KindOperationPreview, Minor, true}}, None},
		{"operation renamed", func(s jsonObj) {
			op(s, thing, "get")["operationId"] = "getThingById"
		}, []want{{KindOperationRenamed, Major, false}}, Major},
		{"operation moves package", func(s jsonObj) {
			op(s, thing, "get")["tags"] = []any{"Stuff"}
		}, []want{{KindOperationPackage, Major, false}, {KindOperationPackage, Minor, false}}, Major},
		{"operation gains a package", func(s jsonObj) {
			op(s, thing, "get")["tags"] = []any{"Stuff", "Things"}
		}, []want{{KindOperationPackage, Minor, false}}, Minor},
		{"path variable renamed", func(s jsonObj) {
			ps := obj(s, "paths")
			item := ps[thing].(jsonObj)
			delete(ps, thing)
			ps["/api/v2/things/{id}"] = item
			param(item["get"].(jsonObj), "thingId")["name"] = "id"
			param(item["put"].(jsonObj), "thingId")["name"] = "id"
		}, []want{
			{KindOperationDetail, Patch, false}, {KindParameterDetail, Patch, false},
			{KindOperationDetail, Patch, false}, {KindParameterDetail, Patch, false},
		}, Patch},
		// Parameters.
		{"optional parameter added", func(s jsonObj) {
			o := op(s, thing, "get")
			o["parameters"] = append(o["parameters"].([]any), jsonObj{"name": "filter", "in": "query", "type": "string"})
		}, []want{{KindParameterAdded, Minor, false}}, Minor},
		{"required parameter added", func(s jsonObj) {
			o := op(s, thing, "get")
			o["parameters"] = append(o["parameters"].([]any), jsonObj{"name": "X-Tenant", "in": "header", "type": "string", "required": true})
		}, []want{{KindParameterAdded, Major, false}}, Major},
		{"optional parameter removed", func(s jsonObj) {
			removeParam(op(s, thing, "get"), "pageSize")
		}, []want{{KindParameterRemoved, Major, false}}, Major},
		{"required parameter removed", func(s jsonObj) {
			removeParam(op(s, thing, "get"), "divisionId")
		}, []want{{KindParameterRemoved, Major, false}}, Major},
		{"preview operation parameter removed", func(s jsonObj) {
			removeParam(op(s, prevs, "get"), "cursor")
		}, []want{{KindParameterRemoved, Major, true}}, None},
		{"optional to required", func(s jsonObj) {
			param(op(s, thing, "get"), "pageSize")["required"] = true
		}, []want{{KindParameterRequired, Major, false}}, Major},
		{"required to optional", func(s jsonObj) {
			param(op(s, thing, "get"), "divisionId")["required"] = false
		}, []want{{KindParameterRequired, Major, false}}, Major},
		{"parameter Go type", func(s jsonObj) {
			param(op(s, thing, "get"), "pageSize")["format"] = "int64"
		}, []want{{KindParameterType, Major, false}}, Major},
		{"parameter format, same Go type", func(s jsonObj) {
			param(op(s, thing, "get"), "divisionId")["format"] = "uuid"
		}, []want{{KindParameterFormat, Patch, false}}, Patch},
		{"parameter enum values", func(s jsonObj) {
			param(op(s, thing, "get"), "mode")["enum"] = []any{"fast", "medium"}
		}, []want{{KindEnumValueAdded, Patch, false}, {KindEnumValueRemoved, Patch, false}}, Patch},
		{"parameter item enum value", func(s jsonObj) {
			obj(param(op(s, thing, "get"), "expand"), "items")["enum"] = []any{"a", "b", "c"}
		}, []want{{KindEnumValueAdded, Patch, false}}, Patch},
		{"parameter default", func(s jsonObj) {
			param(op(s, thing, "get"), "mode")["default"] = "slow"
		}, []want{{KindParameterDetail, Patch, false}}, Patch},
		{"parameter description", func(s jsonObj) {
			param(op(s, thing, "get"), "pageSize")["description"] = "Results per page"
		}, []want{{KindParameterDetail, Patch, false}}, Patch},
		{"parameter validation", func(s jsonObj) {
			param(op(s, thing, "get"), "pageSize")["maximum"] = 100
		}, []want{{KindParameterDetail, Patch, false}}, Patch},
		{"collection format", func(s jsonObj) {
			param(op(s, thing, "get"), "expand")["collectionFormat"] = "csv"
		}, []want{{KindParameterDetail, Patch, false}}, Patch},
		// Request and response bodies.
		{"request body type", func(s jsonObj) {
			obj(param(op(s, thing, "put"), "body"), "schema")["$ref"] = "#/definitions/Other"
		}, []want{{KindRequestBodyType, Major, false}}, Major},
		{"request body optional", func(s jsonObj) {
			param(op(s, thing, "put"), "body")["required"] = false
		}, []want{{KindRequestBodyRequired, Major, false}}, Major},
		{"request body removed", func(s jsonObj) {
			removeParam(op(s, thing, "put"), "body")
		}, []want{{KindRequestBodyRemoved, Major, false}}, Major},
		{"optional request body added", func(s jsonObj) {
			o := op(s, thing, "get")
			o["parameters"] = append(o["parameters"].([]any), jsonObj{"name": "body", "in": "body", "schema": jsonObj{"$ref": "#/definitions/Other"}})
		}, []want{{KindRequestBodyAdded, Minor, false}}, Minor},
		{"response type", func(s jsonObj) {
			obj(op(s, thing, "get"), "responses", "200", "schema")["$ref"] = "#/definitions/Other"
		}, []want{{KindResponseType, Major, false}}, Major},
		{"response removed", func(s jsonObj) {
			delete(obj(op(s, thing, "get"), "responses", "200"), "schema")
		}, []want{{KindResponseType, Major, false}}, Major},
		// Definitions and properties.
		{"definition added", func(s jsonObj) {
			obj(s, "definitions")["Widget"] = jsonObj{"type": "object", "properties": jsonObj{"id": jsonObj{"type": "string"}}}
		}, []want{{KindDefinitionAdded, Minor, false}}, Minor},
		{"definition removed", func(s jsonObj) {
			delete(obj(s, "definitions"), "Other")
		}, []want{{KindDefinitionRemoved, Major, false}}, Major},
		{"definition description", func(s jsonObj) {
			obj(s, "definitions", "Other")["description"] = "Something else"
		}, []want{{KindDefinitionDoc, Patch, false}}, Patch},
		{"definition becomes a map", func(s jsonObj) {
			obj(s, "definitions")["Other"] = jsonObj{"type": "object", "description": "Another thing", "additionalProperties": jsonObj{"type": "string"}}
		}, []want{{KindDefinitionType, Major, false}}, Major},
		{"property added", func(s jsonObj) {
			obj(s, "definitions", "Thing", "properties")["color"] = jsonObj{"type": "string"}
		}, []want{{KindPropertyAdded, Minor, false}}, Minor},
		{"property removed", func(s jsonObj) {
			delete(obj(s, "definitions", "Thing", "properties"), "count")
		}, []want{{KindPropertyRemoved, Major, false}}, Major},
		{"property type", func(s jsonObj) {
			prop(s, "Thing", "count")["type"] = "string"
		}, []want{{KindPropertyType, Major, false}}, Major},
		{"property format changes Go type", func(s jsonObj) {
			prop(s, "Thing", "count")["format"] = "int64"
		}, []want{{KindPropertyType, Major, false}}, Major},
		{"property string becomes date-time", func(s jsonObj) {
			prop(s, "Thing", "name")["format"] = "date-time"
		}, []want{{KindPropertyType, Major, false}}, Major},
		{"property format, same Go type", func(s jsonObj) {
			delete(prop(s, "Thing", "ratio"), "format")
		}, []want{{KindPropertyFormat, Patch, false}}, Patch},
		{"property becomes required", func(s jsonObj) {
			obj(s, "definitions", "Thing")["required"] = []any{"name", "id"}
		}, []want{{KindPropertyRequired, Patch, false}}, Patch},
		{"property no longer required", func(s jsonObj) {
			delete(obj(s, "definitions", "Thing"), "required")
		}, []want{{KindPropertyRequired, Patch, false}}, Patch},
		{"enum value added", func(s jsonObj) {
			prop(s, "Thing", "state")["enum"] = []any{"on", "off", "standby"}
		}, []want{{KindEnumValueAdded, Minor, false}}, Minor},
		{"enum value removed", func(s jsonObj) {
			prop(s, "Thing", "state")["enum"] = []any{"on"}
		}, []want{{KindEnumValueRemoved, Major, false}}, Major},
		{"property description", func(s jsonObj) {
			prop(s, "Thing", "name")["description"] = "The display name"
		}, []want{{KindPropertyDetail, Patch, false}}, Patch},
		{"property read-only", func(s jsonObj) {
			prop(s, "Thing", "id")["readOnly"] = true
		}, []want{{KindPropertyDetail, Patch, false}}, Patch},
		{"property validation", func(s jsonObj) {
			prop(s, "Thing", "name")["maxLength"] = 50
		}, []want{{KindPropertyDetail, Patch, false}}, Patch},
		{"preview-only definition", func(s jsonObj) {
			delete(obj(s, "definitions", "PreviewThing", "properties"), "kind")
		}, []want{{KindPropertyRemoved, Major, true}}, None},
		// Go names the generator derives, not the definition itself.
		{"new definition takes an enum's Go name", func(s jsonObj) {
			obj(s, "definitions")["ThingState"] = jsonObj{"type": "object", "properties": jsonObj{"id": jsonObj{"type": "string"}}}
		}, []want{{KindDefinitionAdded, Minor, false}, {KindPropertyType, Major, false}}, Major},
		{"new property takes a field's Go name", func(s jsonObj) {
			obj(s, "definitions", "Thing", "properties")["Id"] = jsonObj{"type": "string"}
		}, []want{{KindPropertyAdded, Minor, false}, {KindPropertyRenamed, Major, false}}, Major},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			oldSpec := specOf(t, mustBase(t))
			m := mustBase(t)
			tc.change(m)
			r, err := Diff(oldSpec, specOf(t, m))
			if err != nil {
				t.Fatal(err)
			}
			var got []want
			for _, c := range r.Changes {
				got = append(got, want{c.Kind, c.Level, c.Preview})
				if c.Breaking != (c.Level == Major) {
					t.Errorf("%s: Breaking = %t at level %s", c.Kind, c.Breaking, c.Level)
				}
				if c.Detail == "" || c.Where == "" {
					t.Errorf("%s: empty Where or Detail: %+v", c.Kind, c)
				}
			}
			if !sameWants(got, tc.want) {
				t.Errorf("changes:\n%s\nwant:\n%s\nreport:\n%s", wantsString(got), wantsString(tc.want), r.Markdown())
			}
			if r.Bump != tc.bump {
				t.Errorf("bump = %s, want %s", r.Bump, tc.bump)
			}
		})
	}
}

func sameWants(a, b []want) bool {
	as, bs := wantsString(a), wantsString(b)
	return as == bs
}

func wantsString(ws []want) string {
	var ss []string
	for _, w := range ws {
		ss = append(ss, "  "+w.String())
	}
	slices.Sort(ss)
	return strings.Join(ss, "\n")
}

// TestDiffGoIdentifiers checks that changes name the Go identifiers the
// generator emits for them.
func TestDiffGoIdentifiers(t *testing.T) {
	oldSpec := specOf(t, mustBase(t))
	m := mustBase(t)
	param(op(m, thing, "get"), "divisionId")["required"] = false
	removeParam(op(m, thing, "get"), "pageSize")
	prop(m, "Thing", "state")["enum"] = []any{"on", "standby"}
	obj(m, "definitions")["ThingState"] = jsonObj{"type": "object", "properties": jsonObj{"id": jsonObj{"type": "string"}}}
	r, err := Diff(oldSpec, specOf(t, m))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, c := range r.Changes {
		got[c.Kind+" "+c.What] = c.Go
	}
	checks := map[string][]string{
		KindParameterRequired + " query parameter divisionId": {"things.Client.GetThing", "things.GetThingOptions.DivisionID"},
		KindParameterRemoved + " query parameter pageSize":    {"things.GetThingOptions.PageSize"},
		KindPropertyType + " property state": {"models.Thing.State", "models.ThingState", "models.ThingStateOn", "models.ThingStateOff",
			"models.ThingStateEnum", "models.ThingStateEnumOn", "models.ThingStateEnumStandby"},
		KindDefinitionAdded + " ": {"models.ThingState"},
	}
	for k, ids := range checks {
		if !slices.Equal(got[k], ids) {
			t.Errorf("%s: Go = %q, want %q", k, got[k], ids)
		}
	}
	if len(r.Changes) != len(checks) {
		t.Errorf("%d changes, want %d:\n%s", len(r.Changes), len(checks), r.Markdown())
	}
}

// TestDiffArgumentOrder checks that required parameters that swap places
// are breaking even though the method's type may not change.
func TestDiffArgumentOrder(t *testing.T) {
	region := jsonObj{"name": "region", "in": "query", "type": "string", "required": true}
	o := mustBase(t)
	g := op(o, thing, "get")
	g["parameters"] = append(g["parameters"].([]any), region)
	n := mustBase(t)
	g = op(n, thing, "get")
	ps := g["parameters"].([]any)
	g["parameters"] = append([]any{ps[0], region}, ps[1:]...)
	r, err := Diff(specOf(t, o), specOf(t, n))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 1 || r.Changes[0].Kind != KindParameterOrder || r.Bump != Major {
		t.Fatalf("changes:\n%s", r.Markdown())
	}
	if d := r.Changes[0].Detail; d != "Go method arguments reordered: (thingID, divisionID, region) → (thingID, region, divisionID)" {
		t.Errorf("detail %q", d)
	}
}

// TestDiffSurfaceFallback checks that a Go identifier change no
// definition-level rule explains is still reported: enum constants of a map
// definition's values.
func TestDiffSurfaceFallback(t *testing.T) {
	base := mustBase(t)
	obj(base, "definitions")["Labels"] = jsonObj{"type": "object", "additionalProperties": jsonObj{"type": "string", "enum": []any{"x", "y"}}}
	oldSpec := specOf(t, base)
	obj(base, "definitions", "Labels", "additionalProperties")["enum"] = []any{"x", "z"}
	r, err := Diff(oldSpec, specOf(t, base))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range r.Changes {
		got = append(got, c.Kind+" "+c.Where+" "+c.Level.String())
	}
	want := []string{
		KindGoIdentifierRemoved + " models.LabelsValueY major",
		KindGoIdentifierAdded + " models.LabelsValueZ minor",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) || r.Bump != Major {
		t.Fatalf("changes %q, bump %s; want %q", got, r.Bump, want)
	}
}

func TestDiffPathVariableAmbiguous(t *testing.T) {
	// Two paths that differ only by a variable name stay distinct operations.
	m := mustBase(t)
	obj(m, "paths")["/api/v2/things/{otherId}"] = jsonObj{"get": jsonObj{
		"tags": []any{"Things"}, "operationId": "getOtherThing",
		"parameters": []any{jsonObj{"name": "otherId", "in": "path", "required": true, "type": "string"}},
		"responses":  jsonObj{"200": jsonObj{"description": "ok"}},
	}}
	s := specOf(t, m)
	r, err := Diff(s, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 0 {
		t.Fatalf("self-diff: %d changes:\n%s", len(r.Changes), r.Markdown())
	}
	n := mustBase(t)
	r, err = Diff(s, specOf(t, n))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 1 || r.Changes[0].Kind != KindOperationRemoved || r.Changes[0].Where != "GET /api/v2/things/{otherId}" {
		t.Fatalf("changes:\n%s", r.Markdown())
	}
}

func TestLevelText(t *testing.T) {
	for _, l := range []Level{None, Patch, Minor, Major} {
		b, err := l.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Level
		if err := back.UnmarshalText(b); err != nil || back != l {
			t.Errorf("%s: round trip %s, %v", l, back, err)
		}
	}
	var l Level
	if err := l.UnmarshalText([]byte("huge")); err == nil {
		t.Error("unknown level accepted")
	}
	if s := Level(9).String(); s != "Level(9)" {
		t.Errorf("Level(9).String() = %q", s)
	}
}

func TestReportJSON(t *testing.T) {
	oldSpec := specOf(t, mustBase(t))
	m := mustBase(t)
	removeParam(op(m, thing, "get"), "pageSize")
	delete(op(m, prevs, "get"), "x-genesys-preview")
	r, err := Diff(oldSpec, specOf(t, m))
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Bump != Major || back.Breaking != 1 || back.Previews != 1 || len(back.Changes) != 2 {
		t.Fatalf("decoded %+v from\n%s", back, b)
	}
	if !strings.Contains(string(b), `"bump": "major"`) || !strings.Contains(string(b), `"preview": true`) {
		t.Errorf("JSON:\n%s", b)
	}
}

func TestReportMarkdown(t *testing.T) {
	oldSpec := specOf(t, mustBase(t))
	m := mustBase(t)
	removeParam(op(m, thing, "get"), "pageSize")
	op(m, thing, "put")["deprecated"] = true
	obj(m, "definitions", "Thing", "properties")["color"] = jsonObj{"type": "string"}
	prop(m, "Thing", "name")["description"] = "The display name"
	removeParam(op(m, prevs, "get"), "cursor")
	r, err := Diff(oldSpec, specOf(t, m))
	if err != nil {
		t.Fatal(err)
	}
	r.Version = &VersionChange{From: "0.1.0", To: "0.2.0"}
	got := r.Markdown()
	want := "# Release notes\n\n" +
		"API definition (Test API 1: 3 operations, 3 definitions) → (Test API 1: 3 operations, 3 definitions).\n\n" +
		"**Version bump: major** (1 breaking, 1 additive, 2 other); 1 change to preview operations. SDK version 0.1.0 → 0.2.0.\n" +
		"\n## Breaking changes\n\nGo code written against the previous version may not compile.\n\n" +
		"- `GET /api/v2/things/{thingId}`, query parameter pageSize: removed: options field PageSize is gone (`things.GetThingOptions.PageSize`)\n" +
		"\n## Additions\n\n" +
		"- `Thing`, property color: new property (string): field Color *string (`models.Thing.Color`)\n" +
		"\n## Deprecations\n\n" +
		"- `PUT /api/v2/things/{thingId}`: deprecated by the API; the Go method is marked Deprecated (`things.Client.PutThing`)\n" +
		"\n## Other changes\n\nDocumentation, validation and wire details; the Go API is unchanged.\n\n" +
		"- `Thing`, property name: description changed\n" +
		"\n## Preview operations\n\n" +
		"Preview operations (`x-genesys-preview`) and the definitions only they use may change in any release; these changes do not affect the version.\n" +
		"\n### Breaking changes\n\nGo code written against the previous version may not compile.\n\n" +
		"- `GET /api/v2/previews`, query parameter cursor: removed: options field Cursor is gone (`things.GetPreviewsOptions.Cursor`)\n"
	if got != want {
		t.Errorf("Markdown:\n%s\nwant:\n%s", got, want)
	}
}

func TestNextVersion(t *testing.T) {
	cases := []struct {
		cur   string
		level Level
		allow bool
		want  string
		err   bool
	}{
		{"0.1.0", None, false, "0.1.0", false},
		{"0.1.0", Patch, false, "0.1.1", false},
		{"0.1.0", Minor, false, "0.1.1", false},
		{"0.1.3", Major, false, "0.2.0", false},
		{"v0.9.2", Major, false, "v0.10.0", false},
		{"1.2.3", Patch, false, "1.2.4", false},
		{"1.2.3", Minor, false, "1.3.0", false},
		{"1.2.3", Major, false, "", true},
		{"1.2.3", Major, true, "2.0.0", false},
		{"1.2", Patch, false, "", true},
		{"1.2.x", Patch, false, "", true},
		{"1.02.3", Patch, false, "", true},
		{"-1.2.3", Patch, false, "", true},
		{"", Patch, false, "", true},
	}
	for _, tc := range cases {
		got, err := NextVersion(tc.cur, tc.level, tc.allow)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("NextVersion(%q, %s, %t) = %q, %v; want %q, error %t", tc.cur, tc.level, tc.allow, got, err, tc.want, tc.err)
		}
	}
}
