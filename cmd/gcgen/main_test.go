package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/internal/gen"
)

const oldSpec = `{
  "swagger": "2.0",
  "info": {"title": "Test API", "version": "1"},
  "paths": {
    "/api/v2/things/{thingId}": {
      "get": {
        "tags": ["Things"], "operationId": "getThing", "summary": "Get a thing",
        "parameters": [
          {"name": "thingId", "in": "path", "required": true, "type": "string"},
          {"name": "pageSize", "in": "query", "type": "integer"}
        ],
        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Thing"}}}
      }
    }
  },
  "definitions": {
    "Thing": {"type": "object", "properties": {"id": {"type": "string"}, "state": {"type": "string", "enum": ["on", "off"]}}}
  }
}`

// newSpec removes the pageSize parameter (breaking) and adds an enum value
// (additive).
var newSpec = strings.Replace(
	strings.Replace(oldSpec, `,
          {"name": "pageSize", "in": "query", "type": "integer"}`, "", 1),
	`["on", "off"]`, `["on", "off", "standby"]`, 1)

// additiveSpec only adds an enum value.
var additiveSpec = strings.Replace(oldSpec, `["on", "off"]`, `["on", "off", "standby"]`, 1)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDiffURLsJSONAndBump(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/old.json":
			w.Write([]byte(oldSpec))
		case "/new.json":
			w.Write([]byte(newSpec))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	version := writeFile(t, dir, "VERSION", "0.3.1\n")
	out := filepath.Join(dir, "report.json")
	var stdout, stderr bytes.Buffer
	err := run([]string{"diff", "-format", "json", "-o", out, "-bump", version, srv.URL + "/old.json", srv.URL + "/new.json"}, &stdout, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout with -o: %q", stdout.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var r gen.Report
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if r.Bump != gen.Major || r.Breaking != 1 || r.Additive != 1 || r.Version == nil || r.Version.To != "0.4.0" {
		t.Errorf("report: %s", b)
	}
	if r.Old.Source != srv.URL+"/old.json" {
		t.Errorf("old source %q", r.Old.Source)
	}
	if v, _ := os.ReadFile(version); string(v) != "0.4.0\n" {
		t.Errorf("VERSION = %q, want 0.4.0", v)
	}
	if g, _ := os.ReadFile(filepath.Join(dir, "version.go")); !strings.Contains(string(g), `const Version = "0.4.0"`) {
		t.Errorf("version.go:\n%s", g)
	}
	if want := "bump major; version 0.3.1 → 0.4.0"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}
}

func TestDiffMarkdownToStdout(t *testing.T) {
	dir := t.TempDir()
	o := writeFile(t, dir, "old.json", oldSpec)
	n := writeFile(t, dir, "new.json", additiveSpec)
	var stdout, stderr bytes.Buffer
	if err := run([]string{"diff", o, n}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	md := stdout.String()
	for _, want := range []string{"# Release notes", "**Version bump: minor**", "## Additions", `enum value "standby" added: constant ThingStateStandby`} {
		if !strings.Contains(md, want) {
			t.Errorf("release notes lack %q:\n%s", want, md)
		}
	}
}

func TestDiffRefusesMajorAfterV1(t *testing.T) {
	dir := t.TempDir()
	o := writeFile(t, dir, "old.json", oldSpec)
	n := writeFile(t, dir, "new.json", newSpec)
	version := writeFile(t, dir, "VERSION", "1.4.2\n")
	var stdout, stderr bytes.Buffer
	err := run([]string{"diff", "-bump", version, o, n}, &stdout, &stderr)
	if !errors.Is(err, gen.ErrMajorAfterV1) {
		t.Fatalf("err = %v, want ErrMajorAfterV1", err)
	}
	if v, _ := os.ReadFile(version); string(v) != "1.4.2\n" {
		t.Errorf("VERSION changed to %q", v)
	}
	stdout.Reset()
	if err := run([]string{"diff", "-bump", version, "-allow-major", o, n}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if v, _ := os.ReadFile(version); string(v) != "2.0.0\n" {
		t.Errorf("VERSION = %q, want 2.0.0", v)
	}
}

func TestDiffNoChangeKeepsVersion(t *testing.T) {
	dir := t.TempDir()
	o := writeFile(t, dir, "old.json", oldSpec)
	version := writeFile(t, dir, "VERSION", "0.2.0\n")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"diff", "-bump", version, o, o}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "SDK version stays 0.2.0") {
		t.Errorf("notes:\n%s", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "version.go")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("version.go written without a version change: %v", err)
	}
}

func TestDiffUsageErrors(t *testing.T) {
	dir := t.TempDir()
	o := writeFile(t, dir, "old.json", oldSpec)
	bad := writeFile(t, dir, "bad.json", `{"swagger": "3.0"}`)
	badVersion := writeFile(t, dir, "VERSION", "one\n")
	for _, args := range [][]string{
		{"diff", o},
		{"diff", "-format", "xml", o, o},
		{"diff", o, bad},
		{"diff", o, filepath.Join(dir, "missing.json")},
		{"diff", "-bump", badVersion, o, o},
		{"diff", "-bump", filepath.Join(dir, "NOVERSION"), o, o},
	} {
		var stdout, stderr bytes.Buffer
		if err := run(args, &stdout, &stderr); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// TestGenerateWritesVersion checks the default (generate) mode still works
// and writes version.go from VERSION.
func TestGenerateWritesVersion(t *testing.T) {
	dir := t.TempDir()
	spec := writeFile(t, dir, "spec.json", oldSpec)
	writeFile(t, dir, "VERSION", "0.5.0\n")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-spec", spec, "-out", dir}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "1 operations in 1 packages") {
		t.Errorf("stdout %q", stdout.String())
	}
	for _, p := range []string{"models/thing.go", "api/things/things.go"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
	if g, _ := os.ReadFile(filepath.Join(dir, "version.go")); !strings.Contains(string(g), `const Version = "0.5.0"`) {
		t.Errorf("version.go:\n%s", g)
	}
}
