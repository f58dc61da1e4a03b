package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/sim"
)

// TestHelpNamesFaultEffects checks that -h names every fault kind with
// whether it applies the operation, and every profile.
func TestHelpNamesFaultEffects(t *testing.T) {
	var out bytes.Buffer
	err := run(context.Background(), []string{"-h"}, &out, &out, nil)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v", err)
	}
	help := out.String()
	for _, k := range sim.FaultKinds() {
		if !strings.Contains(help, k.String()+strings.Repeat(" ", 13-len(k.String()))+" "+k.Effect()) {
			t.Errorf("help lacks kind %s: %s", k, k.Effect())
		}
	}
	for _, p := range sim.FaultProfiles() {
		if !strings.Contains(help, "  "+p+" ") {
			t.Errorf("help lacks profile %s", p)
		}
	}
	if !strings.Contains(help, "a reset after the work") || !strings.Contains(help, "503 before the work") {
		t.Errorf("chaos profile's effects not in help:\n%s", help)
	}
}
