package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/sim"
)

// TestQuickstart builds the quickstart, runs it without GENESYSCLOUD_* and
// GENESYS_CLOUD_* variables (so against the in-process simulator) and checks that it exits
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
		if !strings.HasPrefix(kv, "GENESYS_CLOUD_") && !strings.HasPrefix(kv, "GENESYSCLOUD_") {
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
		"Users page 5 of 5: 1 user (",
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

// clearEnv unsets every variable platformclient.WithEnvironment reads.
func clearEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "GENESYS_CLOUD_") || strings.HasPrefix(name, "GENESYSCLOUD_") {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
}

// TestQuickstartAgainstGcsim runs the quickstart pointed at a simulator on
// a free port through GENESYSCLOUD_BASE_URL, as a user pointing it at a
// running gcsim does.
func TestQuickstartAgainstGcsim(t *testing.T) {
	clearEnv(t)
	s := sim.StartTest(t, sim.WithSeedUsers(101))
	t.Setenv("GENESYSCLOUD_BASE_URL", s.URL())
	t.Setenv("GENESYSCLOUD_OAUTHCLIENT_ID", s.ClientID())
	t.Setenv("GENESYSCLOUD_OAUTHCLIENT_SECRET", s.ClientSecret())
	var out bytes.Buffer
	if err := run(t.Context(), &out); err != nil {
		t.Fatalf("quickstart: %v\n%s", err, out.String())
	}
	for _, want := range []string{
		"Using " + s.URL() + " (login at " + s.URL() + ").",
		"Logged in with client credentials (the token is valid for 24h0m0s).",
		"Home division: ",
		"Users page 1 of 2: 100 users",
		"Users page 2 of 2: 1 user (",
		"Listed 101 users.",
		"*platformclient.APIError status=404 code=not.found",
		"Done (read-only: nothing was changed).",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.Contains(out.String(), s.ClientSecret()) {
		t.Error("the output shows the client secret")
	}
	if t.Failed() {
		t.Logf("output:\n%s", out.String())
	}
}

func TestIncompleteEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv("GENESYS_CLOUD_CLIENT_ID", "x")
	err := run(t.Context(), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "GENESYS_CLOUD_CLIENT_ID is set but GENESYSCLOUD_OAUTHCLIENT_SECRET is not") {
		t.Fatalf("want an error naming the missing variable, got %v", err)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 users", 1: "1 user", 2: "2 users", 250: "250 users"} {
		if got := count(n, "user"); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}
