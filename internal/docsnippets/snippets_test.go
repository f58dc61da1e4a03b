package docsnippets

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// root is the repository's root, seen from this package's directory.
const root = "../.."

// snippet is one ```go block of a Markdown file.
type snippet struct {
	file string // relative to root, e.g. docs/retries.md
	line int    // line of the block's first line of code
	code string
}

// docFiles lists README.md and docs/*.md, relative to root.
func docFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md"}
	guides, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(guides)
	for _, g := range guides {
		rel, _ := filepath.Rel(root, g)
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

// extract returns the ```go blocks of a Markdown text.
func extract(file, text string) []snippet {
	var out []snippet
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		start := i + 1
		j := start
		for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
			j++
		}
		out = append(out, snippet{file: file, line: start + 1, code: strings.Join(lines[start:j], "\n")})
		i = j
	}
	return out
}

// imports every snippet may use without importing it itself.
var stdImports = []string{
	"context", "encoding/json", "errors", "fmt", "io", "log", "log/slog", "net/http", "os",
	"strings", "sync", "testing", "time",
	"golang.org/x/oauth2",
	"github.com/purecloudgo/platformclient",
	"github.com/purecloudgo/platformclient/analyticsjobs",
	"github.com/purecloudgo/platformclient/api/conversations",
	"github.com/purecloudgo/platformclient/api/downloads",
	"github.com/purecloudgo/platformclient/api/presence",
	"github.com/purecloudgo/platformclient/api/routing",
	"github.com/purecloudgo/platformclient/api/users",
	"github.com/purecloudgo/platformclient/config",
	"github.com/purecloudgo/platformclient/models",
	"github.com/purecloudgo/platformclient/notifications",
	"github.com/purecloudgo/platformclient/runtime",
	"github.com/purecloudgo/platformclient/sim",
	"github.com/purecloudgo/platformclient/types",
}

// givens declares what the prose around the snippets speaks of: the values a
// snippet uses without declaring them. Snippets' own declarations shadow them.
const givens = `package snippets

import (
	"context"
	"crypto/tls"
	"net/http"
	"os"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/sim"
	"github.com/purecloudgo/platformclient/types"
)

var (
	ctx                         context.Context
	t                           *testing.T
	client, c                   *platformclient.Client
	id, secret, state, redirect string
	code, token, newToken       string
	userID, queueID, busyID     string
	agentPID, commID            string
	wrapupCodeID                string
	base64Assertion             string
	saved                       platformclient.Token
	r                           platformclient.Region
	tokens                      platformclient.TokenSource
	anyOAuth2TokenSource        oauth2.TokenSource
	savedRefreshToken           string
	s                           *sim.Server
	myHTTPClient                *http.Client
	certPEM, keyPEM, caPEM      []byte
	out                         any
	file                        *os.File
	interval                    string
	retries                     interface{ Inc() }
	clock                       *myClock
	dateTime                    types.DateTime
	user                        *models.User
	name                        string
)

// req is a request built by hand, of whatever type Client.Do takes.
var req = requestOf((*platformclient.Client).Do)

func requestOf[R any](func(*platformclient.Client, context.Context, R, any, ...platformclient.CallOption) error) (r R) {
	return r
}

func checkRevocation(host string) error { return nil }
func verifyPeer(*tls.ConnectionState) error { return nil }

// myClock is a test clock.
type myClock struct{ t time.Time }

func (c *myClock) Now() time.Time        { return c.t }
func (c *myClock) Add(d time.Duration)   { c.t = c.t.Add(d) }

// myapp is the code under test in the simulator guide.
var myapp struct {
	AssignAgents func(ctx context.Context, c *platformclient.Client, queue string) error
	Onboard      func(ctx context.Context, c *platformclient.Client, email string) error
}
`

// source turns a snippet into a Go file of package snippets, with //line
// directives so that errors point at the Markdown file. n makes names unique.
func (s snippet) source(n int) (string, error) {
	code := s.code
	line := s.line
	var imports []string
	// A leading import declaration: keep its paths, drop its lines.
	if trimmed := strings.TrimLeft(code, " \t\n"); strings.HasPrefix(trimmed, "import") {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+code, parser.ImportsOnly)
		if err != nil {
			return "", err
		}
		for _, im := range f.Imports {
			imports = append(imports, im.Path.Value)
		}
		// The body starts after the last import declaration.
		fset := token.NewFileSet()
		f, _ = parser.ParseFile(fset, "", "package p\n"+code, parser.ImportsOnly)
		last := f.Decls[len(f.Decls)-1].End()
		end := fset.Position(last).Offset - len("package p\n")
		line += strings.Count(code[:end], "\n")
		code = code[end:]
	}
	var b strings.Builder
	b.WriteString("package snippets\n\nimport (\n")
	for _, im := range stdImports {
		fmt.Fprintf(&b, "\t%q\n", im)
	}
	for _, im := range imports {
		if p, _ := strconv.Unquote(im); !slices.Contains(stdImports, p) {
			fmt.Fprintf(&b, "\t%s\n", im)
		}
	}
	b.WriteString(")\n\n")
	dir := func(l int) string { return fmt.Sprintf("//line %s:%d\n", s.file, l) }

	parses := func(src string) bool {
		_, err := parser.ParseFile(token.NewFileSet(), "", src, 0)
		return err == nil
	}
	header := b.String()
	// Declarations only.
	if decls := header + dir(line) + code + "\n"; parses(decls) {
		return decls, nil
	}
	// Statements only, or declarations followed by statements, split at a
	// blank line.
	lines := strings.Split(code, "\n")
	var firstErr error
	for k := 0; k < len(lines); k++ {
		if k > 0 && strings.TrimSpace(lines[k-1]) != "" {
			continue
		}
		declPart := strings.Join(lines[:k], "\n")
		stmtPart := strings.Join(lines[k:], "\n")
		src := header + dir(line) + declPart + "\n" +
			fmt.Sprintf("func snippet%d() error {\n{\n", n) + dir(line+k) + stmtPart + "\n}\nreturn nil\n}\n"
		if parses(src) {
			return src, nil
		}
		if firstErr == nil {
			_, firstErr = parser.ParseFile(token.NewFileSet(), s.file, src, 0)
		}
	}
	return "", firstErr
}

// exportData builds the packages imports need (from dir, a module's
// directory) and returns where the go command wrote their export data.
func exportData(t *testing.T, dir string, imports []string) map[string]string {
	t.Helper()
	args := append([]string{"list", "-e", "-export", "-deps", "-f", "{{.ImportPath}}={{.Export}}"}, imports...)
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if p, e, ok := strings.Cut(l, "="); ok && e != "" {
			m[p] = e
		}
	}
	return m
}

// check type-checks the files as one package, with the export data of the
// module in dir. Soft errors (unused variables and imports) are allowed.
func check(t *testing.T, dir string, sources map[string]string) {
	t.Helper()
	fset := token.NewFileSet()
	var files []*ast.File
	imports := map[string]bool{}
	names := make([]string, 0, len(sources))
	for name := range sources {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, sources[name], parser.ParseComments)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		files = append(files, f)
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			imports[p] = true
		}
	}
	paths := make([]string, 0, len(imports))
	for p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	exports := exportData(t, dir, paths)
	lookup := func(path string) (io.ReadCloser, error) {
		e, ok := exports[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(e)
	}
	conf := types.Config{
		Importer: importer.ForCompiler(fset, "gc", lookup),
		Error: func(err error) {
			if te, ok := err.(types.Error); ok && te.Soft {
				return
			}
			t.Error(err)
		},
	}
	conf.Check("snippets", fset, files, nil)
}

// TestSnippetsCompile type-checks every ```go block of README.md and docs/.
func TestSnippetsCompile(t *testing.T) {
	groups := map[string]map[string]string{} // module dir -> file name -> source
	count := 0
	for _, file := range docFiles(t) {
		text, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range extract(file, string(text)) {
			src, err := s.source(count)
			if err != nil {
				t.Errorf("%s:%d: a go block that is neither declarations nor statements: %v", s.file, s.line, err)
				continue
			}
			// Snippets of a nested module are checked in that module.
			dir := root
			for _, nested := range []string{"otelgenesys", "redisstate"} {
				if strings.Contains(s.code, nested+".") {
					dir = filepath.Join(root, nested)
				}
			}
			if groups[dir] == nil {
				groups[dir] = map[string]string{"givens.go": givens}
			}
			groups[dir][fmt.Sprintf("snippet%03d.go", count)] = src
			count++
		}
	}
	if count < 30 {
		t.Errorf("found %d go blocks; the docs have more: is the extraction broken?", count)
	}
	for dir, sources := range groups {
		check(t, dir, sources)
	}
	t.Logf("%d go blocks type-checked", count)
}
