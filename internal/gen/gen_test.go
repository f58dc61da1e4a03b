package gen

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// moduleRoot is the directory holding go.mod.
func moduleRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("module root not found: %v", err)
	}
	return dir
}

// sharedSpec returns the path of the definition of record, skipping the test
// when ../shared is absent (as on a user's machine).
func sharedSpec(t *testing.T) string {
	t.Helper()
	if raceEnabled {
		// The race detector has nothing to find in these single-goroutine
		// checks of the whole definition; CI runs them without it.
		t.Skip("whole-definition check skipped under -race")
	}
	p := filepath.Join(moduleRoot(t), "..", "shared", "spec", "platform-api-v2.json")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("definition not available: %v", err)
	}
	return p
}

var (
	typeDecl     = regexp.MustCompile(`(?m)^type (\w+) `)
	tableEntryRE = regexp.MustCompile(`Method: "(\w+)", Path: "([^"]+)"`)
)

var clientMethod = regexp.MustCompile(`(?m)^func \(c \*Client\) (\w+)\(`)

// TestEverythingIsGenerated counts operations and definitions in the raw
// definition, independently of the generator's own parsing, and finds each
// one in the generated code.
func TestEverythingIsGenerated(t *testing.T) {
	path := sharedSpec(t)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths       map[string]map[string]json.RawMessage `json:"paths"`
		Definitions map[string]json.RawMessage            `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	type opKey struct{ method, path string }
	wantOps := map[opKey]string{}
	for p, item := range doc.Paths {
		for m, rawOp := range item {
			if m == "parameters" {
				continue
			}
			var op struct {
				Name string   `json:"x-purecloud-method-name"`
				Tags []string `json:"tags"`
			}
			if err := json.Unmarshal(rawOp, &op); err != nil {
				t.Fatal(err)
			}
			wantOps[opKey{strings.ToUpper(m), p}] = op.Name
		}
	}
	if len(wantOps) != 3164 || len(doc.Definitions) != 6220 {
		t.Logf("definition has %d operations and %d definitions", len(wantOps), len(doc.Definitions))
	}

	s, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	files, res, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	if res.Operations != len(wantOps) || res.Models != len(doc.Definitions) {
		t.Fatalf("generated %d operations and %d models, definition has %d and %d", res.Operations, res.Models, len(wantOps), len(doc.Definitions))
	}
	// Every definition is a Go type of package models.
	var all bytes.Buffer
	for p, b := range files {
		if strings.HasPrefix(p, "models/") {
			all.Write(b)
		}
	}
	types := map[string]bool{}
	for _, m := range typeDecl.FindAllSubmatch(all.Bytes(), -1) {
		types[string(m[1])] = true
	}
	for name := range doc.Definitions {
		if !types[typeName(name)] {
			t.Errorf("definition %s has no Go type", name)
		}
	}
	// Every operation is in the table once and is a method of each of its
	// tag packages.
	table := string(files["api/operations/operations.go"])
	if n := strings.Count(table, "\t{ID: "); n != len(wantOps) {
		t.Fatalf("operation table has %d entries, want %d", n, len(wantOps))
	}
	methods := map[string]bool{}
	for p, b := range files {
		if strings.HasPrefix(p, "api/") {
			for _, m := range clientMethod.FindAllSubmatch(b, -1) {
				methods[string(m[1])] = true
			}
		}
	}
	entries := map[string]bool{}
	for _, m := range tableEntryRE.FindAllStringSubmatch(table, -1) {
		entries[m[1]+" "+m[2]] = true
	}
	for k, name := range wantOps {
		if !entries[k.method+" "+k.path] {
			t.Errorf("%s %s missing from the table", k.method, k.path)
		}
		if name != "" && !methods[methodName(name)] {
			t.Errorf("%s %s: no method %s", k.method, k.path, methodName(name))
		}
	}
}

// TestGeneratedCodeIsCurrent is the regeneration check: rendering the
// definition of record reproduces models/ and api/ byte for byte, with no
// stale generated file left over. Rendering twice gives the same bytes.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	path := sharedSpec(t)
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Notifications, err = LoadMappings(filepath.Join(filepath.Dir(path), "notification-mappings.json")); err != nil {
		t.Fatal(err)
	}
	files, _, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	root := moduleRoot(t)
	for p, want := range files {
		got, err := os.ReadFile(filepath.Join(root, p))
		if err != nil {
			t.Errorf("%s: %v (run go run ./cmd/gcgen)", p, err)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator's output (run go run ./cmd/gcgen)", p)
		}
	}
	for _, dir := range []string{"models", "api"} {
		filepath.WalkDir(filepath.Join(root, dir), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			if _, ok := files[filepath.ToSlash(rel)]; !ok {
				t.Errorf("%s is not produced by the generator", rel)
			}
			return nil
		})
	}
	s2, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	s2.Notifications = s.Notifications
	again, _, err := Render(s2)
	if err != nil {
		t.Fatal(err)
	}
	for p, b := range files {
		if !bytes.Equal(again[p], b) {
			t.Fatalf("%s differs between two runs", p)
		}
	}
}

func TestNames(t *testing.T) {
	cases := []struct {
		fn       func(string) string
		in, want string
	}{
		{exported, "userId", "UserID"},
		{exported, "page_size", "PageSize"},
		{exported, "selfUri", "SelfURI"},
		{exported, "ACD-Voice", "ACDVoice"},
		{exported, "2fa", "N2fa"},
		{exported, "", "X"},
		{exported, "divisionIds", "DivisionIDs"},
		{unexported, "type", "typeParam"},
		{unexported, "userId", "userID"},
		{unexported, "ctx", "ctxParam"},
		{unexported, "url", "urlParam"},
		{unexported, "ID", "id"},
		{typeName, "user-entity listing", "UserEntityListing"},
		{methodName, "getUsersMe", "GetUsersMe"},
		{packageName, "Speech & Text Analytics", "speechtextanalytics"},
		{packageName, "Operations", "operationsapi"},
		{packageName, "Go", "goapi"},
	}
	for _, c := range cases {
		if got := c.fn(c.in); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
	u := uniquer{}
	if a, b, c := u.take("X"), u.take("X"), u.take("X"); a != "X" || b != "X2" || c != "X3" {
		t.Errorf("uniquer: %s %s %s", a, b, c)
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	if _, err := Parse([]byte(`{"openapi":"3.0.0"}`)); err == nil {
		t.Error("OpenAPI 3 accepted")
	}
	if _, err := Parse([]byte(`<html>`)); err == nil {
		t.Error("HTML accepted")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
}

// liveStyle is a small definition written the way the live swagger.json is:
// integer formats, 201/202/204, readOnly, uuid/uri formats, operationIds that
// differ from x-purecloud-method-name, shared path parameters, form and file
// parameters, Go keywords and name clashes.
const liveStyle = `{
  "swagger": "2.0",
  "info": {"title": "t", "version": "v2"},
  "host": "api.example.com",
  "paths": {
    "/api/v2/widgets/{widgetId}": {
      "parameters": [{"name": "widgetId", "in": "path", "required": true, "type": "string", "format": "uuid"}],
      "get": {
        "tags": ["Widgets"], "operationId": "widgets.get", "x-purecloud-method-name": "getWidget",
        "parameters": [
          {"name": "type", "in": "query", "type": "string", "enum": ["a", "b"]},
          {"name": "sort_by", "in": "query", "type": "string"},
          {"name": "sortBy", "in": "query", "type": "string"},
          {"name": "ids", "in": "query", "type": "array", "items": {"type": "string"}, "collectionFormat": "csv"},
          {"name": "count", "in": "query", "type": "integer", "format": "int32", "minimum": 1, "maximum": 100},
          {"name": "X-Trace", "in": "header", "type": "string", "required": true},
          {"name": "when", "in": "query", "type": "string", "format": "date-time"}
        ],
        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Widget"}}}
      },
      "delete": {
        "tags": ["Widgets"], "operationId": "deleteWidget",
        "responses": {"204": {"description": "deleted"}}
      },
      "put": {
        "tags": ["Widgets", "Gadgets"], "operationId": "putWidget",
        "parameters": [{"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Widget"}}],
        "responses": {"202": {"description": "accepted", "schema": {"$ref": "#/definitions/Widget"}}}
      }
    },
    "/api/v2/widgets": {
      "post": {
        "tags": ["Widgets"], "operationId": "postWidgets",
        "consumes": ["multipart/form-data"],
        "parameters": [
          {"name": "file", "in": "formData", "type": "file", "required": true},
          {"name": "label", "in": "formData", "type": "string"}
        ],
        "responses": {"201": {"description": "created", "schema": {"type": "array", "items": {"$ref": "#/definitions/Widget"}}}}
      },
      "get": {
        "operationId": "listWidgets",
        "parameters": [{"name": "body", "in": "body", "schema": {"type": "object", "additionalProperties": {"type": "integer", "format": "int64"}}}],
        "produces": ["text/csv"],
        "responses": {"200": {"description": "ok", "schema": {"type": "string"}}}
      }
    }
  },
  "definitions": {
    "Widget": {
      "type": "object",
      "required": ["name"],
      "properties": {
        "id": {"type": "string", "format": "uuid", "readOnly": true},
        "name": {"type": "string"},
        "type": {"type": "string", "enum": ["", "a-b", "1x", "a-b", "default"]},
        "size": {"type": "integer", "format": "int64"},
        "small": {"type": "integer", "format": "int32"},
        "ratio": {"type": "number", "format": "float"},
        "link": {"type": "string", "format": "uri"},
        "grid": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "extra": {"type": "object"},
        "anything": {},
        "parent": {"$ref": "#/definitions/Widget"},
        "gadget": {"$ref": "#/definitions/Gadget"},
        "inline": {"type": "object", "properties": {"x": {"type": "integer"}}},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["red", "blue"]}},
        "month": {"type": "string", "format": "year-month"},
        "day": {"type": "string", "format": "date"},
        "nullFields": {"type": "string"}
      }
    },
    "Gadget": {
      "allOf": [
        {"$ref": "#/definitions/Base"},
        {"type": "object", "properties": {"widget": {"$ref": "#/definitions/Widget"}}}
      ]
    },
    "Base": {"type": "object", "properties": {"kind": {"type": "string"}}},
    "WidgetType": {"type": "object", "properties": {"v": {"type": "string"}}},
    "Empty": {"type": "object"}
  }
}`

// liveStyleTest runs inside the generated module: it calls the generated
// methods against an httptest server and checks what they send.
const liveStyleTest = `package widgets_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/widgets"
	"github.com/purecloudgo/platformclient/models"
)

func TestCalls(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = append(seen, r.Method+" "+r.URL.EscapedPath()+"?"+r.URL.RawQuery+" "+r.Header.Get("X-Trace")+" "+string(b))
		switch r.Method {
		case "DELETE":
			w.WriteHeader(204)
		case "POST":
			w.WriteHeader(201)
			io.WriteString(w, ` + "`" + `[{"name":"n","size":9007199254740993,"type":"newer"}]` + "`" + `)
		default:
			io.WriteString(w, ` + "`" + `{"name":"n","month":"2026-02","day":"2026-02-03","parent":{"name":"p"}}` + "`" + `)
		}
	}))
	defer srv.Close()
	c, err := platformclient.New(platformclient.WithBaseURL(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	w := widgets.NewClient(c)
	ctx := context.Background()
	got, err := w.GetWidget(ctx, "w 1", "trace-1", &widgets.GetWidgetOptions{Type: platformclient.Ptr("a"), SortBy: platformclient.Ptr("x"), SortBy2: platformclient.Ptr("y"), IDs: []string{"1", "2"}, Count: platformclient.Ptr(int32(5))})
	if err != nil || *got.Name != "n" || got.Month.String() != "2026-02" || got.Day.String() != "2026-02-03" || *got.Parent.Name != "p" {
		t.Fatalf("get: %+v %v", got, err)
	}
	if err := w.DeleteWidget(ctx, "w1", nil); err != nil {
		t.Fatal(err)
	}
	list, err := w.PostWidgets(ctx, platformclient.File{Name: "a.txt", Content: strings.NewReader("hello")}, &widgets.PostWidgetsOptions{Label: platformclient.Ptr("L")})
	if err != nil || len(list) != 1 || *list[0].Size != 9007199254740993 || list[0].Type.IsKnown() {
		t.Fatalf("post: %+v %v", list, err)
	}
	var _ *models.WidgetTypeEnum = list[0].Type
	var _ []models.WidgetTagsItem = list[0].Tags
	var _ models.WidgetInline = list[0].Inline
	var _ map[string]string = list[0].Labels
	var _ [][]float64 = list[0].Grid
	var _ *string = list[0].NullFields2
	var _ *models.Widget = list[0].Parent
	var _ *models.Gadget = list[0].Gadget // Gadget holds Widget by value, so this one is a pointer
	var g models.Gadget
	var _ models.Widget = g.Widget
	var _ *string = g.Kind
	var _ models.WidgetTypeEnum = models.WidgetTypeEnumEmpty
	var _ models.WidgetTypeEnum = models.WidgetTypeEnumAB
	var _ models.WidgetTypeEnum = models.WidgetTypeEnumN1x
	var _ models.WidgetTypeEnum = models.WidgetTypeEnumDefault
	if _, err := w.PutWidget(ctx, "w1", &models.Widget{Name: platformclient.Ptr("")}, nil); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"GET /api/v2/widgets/w%201?count=5&ids=1%2C2&sortBy=y&sort_by=x&type=a trace-1 ",
		"DELETE /api/v2/widgets/w1?  ",
		"PUT /api/v2/widgets/w1?  {\"name\":\"\"}",
	}
	if seen[0] != want[0] || seen[1] != want[1] || seen[3] != want[2] {
		t.Fatalf("requests:\n%s", strings.Join(seen, "\n"))
	}
	if !strings.Contains(seen[2], "hello") || !strings.Contains(seen[2], "name=\"label\"") {
		t.Fatalf("multipart: %s", seen[2])
	}
}
`

// TestLiveStyleDefinition generates a module from liveStyle, then builds,
// vets and tests it with the real runtime.
func TestLiveStyleDefinition(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module")
	}
	s, err := Parse([]byte(liveStyle))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	root := moduleRoot(t)
	// The runtime (root package and the module packages it imports) is copied so that the
	// generated code compiles against it as it would in the real module.
	copyGlob(t, root, dir, "*.go", "go.mod", "go.sum")
	for _, pkg := range []string{"types", "config", "runtime", "sharedstate"} {
		copyGlob(t, filepath.Join(root, pkg), filepath.Join(dir, pkg), "*.go")
	}
	res, err := Generate(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.Operations != 5 || res.Models != 5 || res.Packages != 3 {
		t.Fatalf("result: %+v", res)
	}
	if err := os.WriteFile(filepath.Join(dir, "api", "widgets", "calls_test.go"), []byte(liveStyleTest), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"vet", "./..."}, {"test", "./api/widgets"}} {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	// Operations without tags land in package "default"; the 204 operation
	// returns only an error; the text/csv one returns a string.
	b, err := os.ReadFile(filepath.Join(dir, "api", "defaultapi", "defaultapi.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte("ListWidgets(ctx context.Context, opts *ListWidgetsOptions, call ...platformclient.CallOption) (string, error)")) {
		t.Fatalf("untagged text operation:\n%s", b)
	}
}

func copyGlob(t *testing.T, from, to string, patterns ...string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, pat := range patterns {
		matches, _ := filepath.Glob(filepath.Join(from, pat))
		for _, m := range matches {
			if strings.HasSuffix(m, "_test.go") {
				continue
			}
			b, err := os.ReadFile(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(to, filepath.Base(m)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
