package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExport exports the simulated org and checks every file: the number
// of objects of each kind and one members file per queue.
func TestExport(t *testing.T) {
	for _, k := range []string{"GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_BASE_URL"} {
		t.Setenv(k, "")
	}
	dir := t.TempDir()
	var progress bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, dir, 4, 4, &progress); err != nil {
		t.Fatal(err)
	}
	count := func(name string) int {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var items []map[string]any
		if err := json.Unmarshal(b, &items); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return len(items)
	}
	for name, want := range map[string]int{"users.json": 2000, "queues.json": 40, "groups.json": 40, "externalcontacts.json": 500} {
		if got := count(name); got != want {
			t.Errorf("%s: %d objects, want %d", name, got, want)
		}
	}
	members, _ := filepath.Glob(filepath.Join(dir, "queuemembers", "*.json"))
	if len(members) != 40 {
		t.Errorf("%d queue member files, want 40", len(members))
	}
	for _, m := range members {
		if got := count(filepath.Join("queuemembers", filepath.Base(m))); got != 10 {
			t.Errorf("%s: %d members, want 10", m, got)
		}
	}
	if !strings.Contains(progress.String(), "exported 2980 objects") {
		t.Errorf("progress line: %q", progress.String())
	}
}
