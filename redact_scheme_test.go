package platformclient

import (
	"encoding/base64"
	"log/slog"
	"strings"
	"testing"
)

// The word after "Basic" is a credential only where it can be one.
func TestRedactTextBasic(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString([]byte("client-id:s3cr3t"))
	letters := base64.RawStdEncoding.EncodeToString([]byte("ab:cd")) // "YWI6Y2Q", letters and a digit
	for in, want := range map[string]string{
		"HTTP Basic client credentials are required":  "HTTP Basic client credentials are required",
		"use Basic authentication with the client id": "use Basic authentication with the client id",
		"basic auth failed":                           "basic auth failed",
		"Authorization: Basic " + b64:                 "Authorization: " + redactedValue + " " + redactedValue,
		"authorization=Basic Zm9vOmJhcg":              "authorization=" + redactedValue + " " + redactedValue,
		"sent Basic " + b64 + " to the server":        "sent Basic " + redactedValue + " to the server",
		"sent Basic " + letters:                       "sent Basic " + redactedValue,
		`"Authorization": "Basic abcdef"`:             `"Authorization": "` + redactedValue + `"`,
		"Bearer eyJhbGciOi.x.y expired":               "Bearer " + redactedValue + " expired",
		"Proxy-Authorization: Basic abc":              "Proxy-Authorization: " + redactedValue + " " + redactedValue,
	} {
		if got := redactText(in); got != want {
			t.Errorf("redactText(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}

// FuzzRedactBasic puts a Basic credential of a fuzzed client id and
// secret after an Authorization header name and in running text: neither
// the encoded credential nor the secret may remain. Run with
//
//	go test . -run '^$' -fuzz '^FuzzRedactBasic$' -fuzztime 1m -parallel 1
func FuzzRedactBasic(f *testing.F) {
	f.Add("client-id", "s3cr3t", "HTTP Basic client credentials")
	f.Add("a", "b", "Basic auth")
	f.Add("ab", "cd", "")
	f.Add("id", "ü:secret", "error: invalid Basic credentials")
	f.Fuzz(func(t *testing.T, id, secret, prose string) {
		cred := base64.StdEncoding.EncodeToString([]byte(id + ":" + secret))
		if strings.Contains(prose, cred) || len(cred) < 4 {
			return
		}
		for _, text := range []string{
			"Authorization: Basic " + cred,
			prose + " Authorization: Basic " + cred + " " + prose,
			"request sent with Basic " + cred,
			"Basic " + strings.TrimRight(cred, "="),
		} {
			if out := redactText(text); strings.Contains(out, strings.TrimRight(cred, "=")) {
				t.Fatalf("redactText(%q) = %q keeps the credential", text, out)
			}
		}
	})
}

func TestReplaceLevelAttr(t *testing.T) {
	var b strings.Builder
	l := slog.New(slog.NewTextHandler(&b, &slog.HandlerOptions{Level: LevelTrace, ReplaceAttr: ReplaceLevelAttr}))
	l.Log(t.Context(), LevelTrace, "t", "level", "kept") // a nested or other "level" stays
	l.Debug("d")
	out := b.String()
	if !strings.Contains(out, "level=TRACE msg=t level=kept") || !strings.Contains(out, "level=DEBUG msg=d") {
		t.Errorf("log:\n%s", out)
	}
}
