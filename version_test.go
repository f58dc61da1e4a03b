package platformclient

import (
	"os"
	"strings"
	"testing"
)

// TestVersionMatchesFile checks that version.go was regenerated after the
// VERSION file changed (gcgen writes both).
func TestVersionMatchesFile(t *testing.T) {
	b, err := os.ReadFile("VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if v := strings.TrimPrefix(strings.TrimSpace(string(b)), "v"); v != Version {
		t.Fatalf("VERSION holds %q, Version is %q: run go run ./cmd/gcgen to regenerate version.go", v, Version)
	}
}
