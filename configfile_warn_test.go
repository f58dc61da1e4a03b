package platformclient

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Unknown keys in the configuration file are reported on the console at
// the default log level (none), where a user sees them.
func TestUnknownConfigKeysWarnAtDefaultLevel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte("[logging]\nlog_levle = debug\nlog_format = text\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var console lockedBuffer
	c, err := New(WithConfigFile(path), WithLiveReload(false), withConsole(&console))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if out := console.String(); !strings.Contains(out, "unknown keys") || !strings.Contains(out, "logging.log_levle") {
		t.Errorf("console %q", out)
	}
}

// A configuration file that is not one (YAML here) makes New fail.
func TestConfigFileNotINIOrJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte("logging:\n  log_level: debug\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := New(WithConfigFile(path), WithLiveReload(false)); err == nil {
		c.Close()
		t.Fatal("a YAML file was accepted")
	}
}
