package config

import (
	"errors"
	"strings"
	"testing"
)

// Content that is neither an INI nor a JSON configuration of this SDK (YAML
// and TOML read as INI, another program's file) is an error, not an empty
// configuration; an empty file still sets nothing.
func TestNoKnownKeyIsAnError(t *testing.T) {
	for _, data := range []string{
		"logging:\n  log_level: debug\nretry:\n  retry_max: 3\n", // YAML
		"---\nlogging: {log_level: debug}\n",                     // YAML flow
		"[logging]\n",                                            // a section and no key
		"[server]\nport = 8080\n",                                // another program's file
		"[1, 2, 3]\n",                                            // a JSON array read as INI
		`{"logging":{}}`,
		`{"log_level":null}`,
	} {
		_, err := Parse([]byte(data))
		var ce *Error
		if !errors.As(err, &ce) || (!errors.Is(err, ErrNoKnownKey) && ce.Line == 0) {
			t.Errorf("%q: error %v, want ErrNoKnownKey or a syntax error", data, err)
		}
	}
	for _, data := range []string{"", "\n\n", "# only a comment\n", "{}", "{ }"} {
		if _, err := Parse([]byte(data)); err != nil {
			t.Errorf("%q: %v", data, err)
		}
	}
}

// A key set twice is an error in INI as in JSON, whatever the case of its
// name, also across repeated sections and with the same value, and the
// message names the key and the line but not the value.
func TestDuplicateKeyIsAnError(t *testing.T) {
	for _, tc := range []struct {
		data string
		line int
	}{
		{"[logging]\nlog_level = debug\nlog_level = none\n", 3},
		{"[logging]\nlog_level = debug\nLOG_LEVEL = debug\n", 3},
		{"[gateway]\npassword = hunter2\n[logging]\nlog_level = none\n[gateway]\npassword = hunter3\n", 6},
		{"[proxy]\nhost: a\nhost = b\n", 3},
	} {
		_, err := Parse([]byte(tc.data))
		var ce *Error
		if !errors.As(err, &ce) || ce.Key == "" || !strings.Contains(err.Error(), "more than once") || ce.Line != tc.line {
			t.Errorf("%q: error %v (line %d), want a duplicate-key *Error at line %d", tc.data, err, lineOfErr(ce), tc.line)
		}
		if err != nil && strings.Contains(err.Error(), "hunter") {
			t.Errorf("the message holds a value: %v", err)
		}
	}
	if _, err := Parse([]byte(`{"logging":{"log_level":"debug","log_level":"none"}}`)); err == nil {
		t.Error("JSON duplicate accepted")
	}
}

func lineOfErr(e *Error) int {
	if e == nil {
		return 0
	}
	return e.Line
}
