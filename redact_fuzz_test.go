package platformclient

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// FuzzRedactBody puts a credential under a credential name, at some depth,
// in a JSON body and in a form body, next to fuzzed other content: the
// rendered body must not hold the credential. Run with
//
//	go test . -run '^$' -fuzz '^FuzzRedactBody$' -fuzztime 2m -parallel 1
func FuzzRedactBody(f *testing.F) {
	f.Add("client_secret", "cs-123456", "note", "hello", uint8(0))
	f.Add("refreshToken", "rt-abcdef", "error_description", "refresh_token=rt-abcdef", uint8(2))
	f.Add("Password", "p\"w\\d&=%", "a", "", uint8(1))
	f.Add("code_verifier", "ünïcødé-verifier", "x\u2028", "\x00", uint8(3))
	f.Fuzz(func(t *testing.T, name, secret, otherName, otherValue string, depth uint8) {
		if !sensitiveName(name) || len(secret) < 6 ||
			strings.Contains(name+otherName+otherValue+redactedValue, secret) {
			return
		}
		// JSON: {"other": ..., "v": {"a": [ ... {name: secret}]}}
		build := func(secret string) []byte {
			var v any = map[string]any{name: secret}
			for range depth % 5 {
				v = map[string]any{"a": []any{v}}
			}
			doc, _ := json.Marshal(map[string]any{otherName: otherValue, "v": v})
			return doc
		}
		doc := build(secret)
		if strings.Contains(redactBody(build("x"), "application/json"), secret) {
			return // the secret is part of the rest of the document
		}
		out := redactBody(doc, "application/json")
		esc, _ := json.Marshal(secret)
		if strings.Contains(out, secret) || strings.Contains(out, strings.Trim(string(esc), `"`)) {
			t.Fatalf("JSON %s\nrendered %s", doc, out)
		}
		// Form: other=...&name=secret
		prefix := url.QueryEscape(otherName) + "=" + url.QueryEscape(otherValue) + "&" + url.QueryEscape(name) + "="
		if strings.Contains(prefix, secret) || strings.Contains(prefix, url.QueryEscape(secret)) {
			return
		}
		form := prefix + url.QueryEscape(secret)
		out = redactBody([]byte(form), "application/x-www-form-urlencoded")
		if strings.Contains(out, secret) || strings.Contains(out, url.QueryEscape(secret)) {
			t.Fatalf("form %s\nrendered %s", form, out)
		}
	})
}
