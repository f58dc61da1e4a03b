package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestQuickstart builds the quickstart, runs it without GENESYS_CLOUD_*
// variables (so against the in-process simulator) and checks that it exits
// 0 and prints every step. It waits about a second: the client honours the
// Retry-After: 1 of the 429 step.
func TestQuickstart(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "quickstart")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	// go test puts the go command that runs it first in PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GENESYS_CLOUD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("quickstart: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"Started the Genesys Cloud simulator at http://127.0.0.1:",
		"Logged in with client credentials (the token is valid for 24h0m0s).",
		`Created user "Ada Lovelace"`,
		`Created queue "Quickstart queue"`,
		"Users page 1 of 5: 250 users",
		"Users page 5 of 5: 1 users",
		"Listed 1001 users.",
		`Patched user with {"title": null}: title is now <none>, department "Research", version 2.`,
		"Injected one 429 (Retry-After: 1)",
		"Attempt 1 got 429 Too Many Requests with Retry-After 1s; the client waits and tries again.",
		`Fetched queue "Quickstart queue" after the 429: 2 attempts`,
		"*platformclient.APIError status=404 code=not.found",
		"IsNotFound=true",
		"Stopped the simulator. Done.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

func TestIncompleteEnvironment(t *testing.T) {
	t.Setenv("GENESYS_CLOUD_CLIENT_ID", "x")
	t.Setenv("GENESYS_CLOUD_CLIENT_SECRET", "")
	t.Setenv("GENESYS_CLOUD_REGION", "")
	if err := run(t.Context(), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "GENESYS_CLOUD_REGION") {
		t.Fatalf("want an error naming the missing variables, got %v", err)
	}
}

func TestParseRegion(t *testing.T) {
	for in, want := range map[string]string{"eu_west_1": "eu_west_1", "EU-WEST-1": "eu_west_1", "mypurecloud.ie": "eu_west_1", "usw2.pure.cloud": "us_west_2"} {
		r, err := parseRegion(in)
		if err != nil || string(r) != want {
			t.Errorf("parseRegion(%q) = %q, %v", in, r, err)
		}
	}
	if _, err := parseRegion("mars_1"); err == nil {
		t.Error("unknown region accepted")
	}
}
