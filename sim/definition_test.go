package sim_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/purecloudgo/platformclient/sim"
)

// TestDefinitionServed: the definition file is served without a token at
// both paths, byte for byte; without one the paths answer 404.
func TestDefinitionServed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "def.json")
	def := []byte(`{"swagger":"2.0","paths":{}}`)
	if err := os.WriteFile(path, def, 0o600); err != nil {
		t.Fatal(err)
	}
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithDefinitionFile(path))
	for _, p := range []string{"/api/v2/docs/swagger", "/api/v2/docs/swagger.json"} {
		resp, err := http.Get(s.URL() + p)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Equal(b, def) || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %d %q %s", p, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	}
	if resp, err := http.Post(s.URL()+"/api/v2/docs/swagger", "application/json", nil); err != nil || resp.StatusCode != 405 {
		t.Fatalf("POST: %v %v", resp, err)
	}
	plain := sim.StartTest(t, sim.WithSeedUsers(1))
	if resp, err := http.Get(plain.URL() + "/api/v2/docs/swagger"); err != nil || resp.StatusCode != 404 {
		t.Fatalf("without a definition: %v %v", resp, err)
	}
	if _, err := sim.New(sim.WithDefinitionFile(filepath.Join(t.TempDir(), "none.json"))); err == nil {
		t.Fatal("a missing file accepted")
	}
}
