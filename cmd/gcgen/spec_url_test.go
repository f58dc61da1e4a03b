package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/purecloudgo/platformclient/sim"
)

// TestGenerateFromSimulatorURL: gcgen -spec URL against gcsim's
// /api/v2/docs/swagger regenerates api/ and models/ byte for byte as from
// the file they were generated from.
func TestGenerateFromSimulatorURL(t *testing.T) {
	const spec = "../../../shared/spec/platform-api-v2.json"
	if _, err := os.Stat(spec); err != nil {
		t.Skip("no definition file:", err)
	}
	s := sim.StartTest(t, sim.WithSeedUsers(1), sim.WithDefinitionFile(spec))
	out := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-spec", s.URL() + "/api/v2/docs/swagger", "-mappings", "../../../shared/spec/notification-mappings.json", "-out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("gcgen: %v\n%s", err, stderr.String())
	}
	for _, dir := range []string{"api", "models"} {
		n := 0
		err := filepath.WalkDir(filepath.Join("../..", dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel("../..", p)
			want, _ := os.ReadFile(p)
			got, err := os.ReadFile(filepath.Join(out, rel))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s differs from the committed file (%v)", rel, err)
			}
			n++
			return nil
		})
		if err != nil || n == 0 {
			t.Fatalf("%s: %d files, %v", dir, n, err)
		}
		err = filepath.WalkDir(filepath.Join(out, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(out, p)
			if _, err := os.Stat(filepath.Join("../..", rel)); err != nil {
				t.Errorf("%s generated, not committed", rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
