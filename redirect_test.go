package platformclient

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRedirectRefusal(t *testing.T) {
	get, _ := http.NewRequest("GET", "https://api.example.com/api/v2/users/u1", nil)
	post, _ := http.NewRequest("POST", "https://api.example.com/api/v2/users", strings.NewReader("{}"))
	del, _ := http.NewRequest("DELETE", "https://api.example.com/api/v2/users/u1", nil)
	for _, tc := range []struct {
		first *http.Request
		to    string
		hops  int
		want  string // "" follows; else a word of the reason
	}{
		{get, "https://api.example.com/api/v2/users/u2", 1, ""},
		{get, "https://API.example.com:443/x", 1, ""},
		{get, "https://api.example.com/x", maxRedirects + 1, "too many"},
		{get, "https://evil.example.com/x", 1, "another host"},
		{get, "https://sub.api.example.com/x", 1, "another host"},
		{get, "https://api.example.com:8443/x", 1, "another host"},
		{get, "http://api.example.com/x", 1, "scheme"},
		{get, "file:///etc/passwd", 1, "scheme"},
		{post, "https://api.example.com/api/v2/users", 1, "POST"},
		{del, "https://api.example.com/x", 1, "DELETE"},
	} {
		to, err := url.Parse(tc.to)
		if err != nil {
			t.Fatal(err)
		}
		got := redirectRefusal(tc.first, to, tc.hops)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s %s → %s (hops %d): %q, want %q", tc.first.Method, tc.first.URL, tc.to, tc.hops, got, tc.want)
		}
	}
}

// The message of a RedirectError leaves out the Location's query, where a
// signed URL keeps its signature, and its user information.
func TestRedirectErrorHidesSignature(t *testing.T) {
	e := &RedirectError{Method: "GET", URL: "https://api.example.com/api/v2/downloads/d1", StatusCode: 303,
		Location: "https://u:pw@storage.example.com/b/rec.wav?X-Amz-Signature=abc123&sig=def456", Reason: "r"}
	assertShown(t, e.Error(), []string{"storage.example.com/b/rec.wav"}, "abc123", "def456", "pw")
}

// A redirect to a signed URL is logged without the signature.
func TestLocationLoggedWithoutSignature(t *testing.T) {
	h := http.Header{"Location": {"https://u:pw@storage.example.com/rec.wav?X-Amz-Signature=abc123&X-Amz-Expires=60&sig=def456"}}
	assertShown(t, headerAttrs("response_headers", h).String(), []string{"X-Amz-Expires=60"}, "abc123", "def456", "pw@")
}

// A signed URL in a JSON body (GetDownload with issueRedirect=false) is
// logged without its signature.
func TestSignedURLInBodyLoggedWithoutSignature(t *testing.T) {
	out := redactBody([]byte(`{"url":"https://s.example.com/r.wav?X-Amz-Credential=AKIA1&X-Amz-Signature=abc123&X-Goog-Signature=def456"}`), "application/json")
	assertShown(t, out, []string{"s.example.com/r.wav"}, "abc123", "def456", "AKIA1")
}

// assertShown fails the test unless out holds every string of want and
// none of hidden.
func assertShown(t *testing.T, out string, want []string, hidden ...string) {
	t.Helper()
	for _, s := range hidden {
		if strings.Contains(out, s) {
			t.Errorf("%s holds %q", out, s)
		}
	}
	for _, s := range want {
		if !strings.Contains(out, s) {
			t.Errorf("%s lacks %q", out, s)
		}
	}
}
