package gen

import (
	"go/format"
	"strings"
	"testing"
)

// TestImportGroups: a generated package imports the standard library first
// and, after a blank line, the module's packages, as gofmt leaves them.
func TestImportGroups(t *testing.T) {
	s, err := Parse([]byte(pagingSpec))
	if err != nil {
		t.Fatal(err)
	}
	files, _, err := Render(s)
	if err != nil {
		t.Fatal(err)
	}
	src := files["api/things/things.go"]
	want := "import (\n\t\"context\"\n\t\"iter\"\n\n" +
		"\t\"github.com/purecloudgo/platformclient\"\n" +
		"\t\"github.com/purecloudgo/platformclient/models\"\n" +
		"\t\"github.com/purecloudgo/platformclient/runtime\"\n)\n"
	if !strings.Contains(string(src), want) {
		t.Fatalf("imports not grouped:\n%s", src[:min(len(src), 600)])
	}
	if out, err := format.Source(src); err != nil || string(out) != string(src) {
		t.Fatalf("generated package is not gofmt-clean (%v)", err)
	}
	if got := importBlock([]string{`"github.com/x/y"`}); got != "import (\n\t\"github.com/x/y\"\n)\n\n" {
		t.Fatalf("module-only block: %q", got)
	}
}
