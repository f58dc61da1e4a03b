package docsnippets

import (
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// codeSpanRE finds inline code spans of the prose.
var codeSpanRE = regexp.MustCompile("`[^`]+`")

// qualifiedRE finds package-qualified exported names, as in platformclient.WithRegion.
var qualifiedRE = regexp.MustCompile(`\b([a-z][a-z0-9]*)\.([A-Z][A-Za-z0-9_]*)`)

// TestProseNames checks that the exported names the prose of README.md and
// docs/ gives in inline code (`platformclient.WithRetryPolicy`,
// `sim.CutBody()`, …) exist in the packages they name, so prose cannot keep a
// name that was renamed or moved.
func TestProseNames(t *testing.T) {
	byName := map[string]string{} // package name -> import path
	for _, p := range stdImports {
		if strings.Contains(p, "purecloudgo") {
			byName[path.Base(p)] = p
		}
	}
	paths := make([]string, 0, len(byName))
	for _, p := range byName {
		paths = append(paths, p)
	}
	exports := exportData(t, root, paths)
	imp := importer.ForCompiler(token.NewFileSet(), "gc", func(p string) (io.ReadCloser, error) {
		return os.Open(exports[p])
	})
	checked := 0
	for _, file := range docFiles(t) {
		text, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range prose(string(text)) {
			for _, span := range codeSpanRE.FindAllString(l, -1) {
				for _, m := range qualifiedRE.FindAllStringSubmatch(span, -1) {
					p, ok := byName[m[1]]
					if !ok {
						continue
					}
					pkg, err := imp.Import(p)
					if err != nil {
						t.Fatalf("import %s: %v", p, err)
					}
					checked++
					if pkg.Scope().Lookup(m[2]) == nil && !clientMethod(pkg, m[2]) {
						t.Errorf("%s:%d: %s.%s: no such name in %s", file, i+1, m[1], m[2], p)
					}
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("checked %d names; the docs give more: is the extraction broken?", checked)
	}
	t.Logf("%d qualified names checked", checked)
}

// clientMethod reports whether the generated package's Client has the
// method: the prose names operations so (users.GetUser), as errors and
// spans do.
func clientMethod(pkg *types.Package, name string) bool {
	c, ok := pkg.Scope().Lookup("Client").(*types.TypeName)
	if !ok {
		return false
	}
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(c.Type()), true, pkg, name)
	_, isFunc := obj.(*types.Func)
	return isFunc
}
