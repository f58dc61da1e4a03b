package platformclient

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/runtime"
)

// The credentials of TestNoSecretsInLogs. Each is distinctive so that any
// trace of it in the output is found.
var testSecrets = map[string]string{
	"client_secret":   "cs-9f8e7d6c5b4a",
	"refresh_token":   "rt-1a2b3c4d5e6f",
	"access_token":    "at-0z9y8x7w6v5u",
	"assertion":       "PHNhbWw6QXNzZXJ0aW9uIGZha2U+",
	"code_verifier":   "cv-dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
	"password":        "pw-Tr0ub4dor&3",
	"new_password":    "pw-correct-horse-battery",
	"proxy_password":  "pp-proxy-pass-77",
	"bearer":          "bt-bearer-token-5150",
	"query_token":     "qt-query-token-42",
	"id_token":        "it-id-token-808",
	"gateway_user_pw": "gw-gateway-pw-31",
}

// tokenServer plays the Genesys login and API hosts: it answers grants with
// tokens, rejects one grant with a body that repeats the credentials, and
// echoes API bodies back.
func tokenServer(t *testing.T) *httptest.Server {
	s := testSecrets
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("ININ-Correlation-Id", "corr-"+r.URL.Path)
		switch {
		case r.URL.Path == "/oauth/token":
			form, _ := url.ParseQuery(string(body))
			if form.Get("grant_type") == "refresh_token" && form.Get("refresh_token") == s["refresh_token"] {
				// A failing grant whose error body holds the credentials it got.
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprintf(w, `{"error":"invalid_grant","error_description":"bad refresh_token=%s","refresh_token":%q,"client_secret":%q}`,
					s["refresh_token"], s["refresh_token"], s["client_secret"])
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Set-Cookie", "session="+s["access_token"])
			fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","expires_in":86400,"refresh_token":%q,"id_token":%q}`,
				s["access_token"], s["refresh_token"], s["id_token"])
		case r.URL.Path == "/api/v2/echo-text":
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "failed: %s Authorization: Bearer %s password=%s", body, s["bearer"], s["password"])
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestNoSecretsInLogs runs what each grant sends (client credentials,
// authorization code, PKCE, SAML2 bearer, refresh token), a failing grant,
// and API calls with credentials in headers, JSON, form, text and query, at
// trace level with both bodies, to the console in both formats and a file,
// and finds no credential in the output.
func TestNoSecretsInLogs(t *testing.T) {
	s := testSecrets
	srv := tokenServer(t)
	for _, format := range []LogFormat{LogText, LogJSON} {
		t.Run(string(format), func(t *testing.T) {
			var console lockedBuffer
			logFile := filepath.Join(t.TempDir(), "sdk.log")
			c, err := New(WithBaseURL(srv.URL), WithLogLevel(LogTrace), WithLogBodies(true, true),
				WithLogFormat(format), withConsole(&console), WithLogFile(logFile),
				WithTokenSource(StaticToken(s["bearer"])),
				WithHeader("Proxy-Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("proxyuser:"+s["proxy_password"]))),
				WithHeader("Cookie", "sid="+s["access_token"]))
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("client-id:"+s["client_secret"]))
			grants := []url.Values{
				{"grant_type": {"client_credentials"}},
				{"grant_type": {"authorization_code"}, "code": {"auth-code"}, "redirect_uri": {"http://localhost/cb"}, "client_secret": {s["client_secret"]}},
				{"grant_type": {"authorization_code"}, "client_id": {"client-id"}, "code": {"auth-code"}, "code_verifier": {s["code_verifier"]}, "redirect_uri": {"http://localhost/cb"}},
				{"grant_type": {"urn:ietf:params:oauth:grant-type:saml2-bearer"}, "orgName": {"org"}, "assertion": {s["assertion"]}},
				{"grant_type": {"refresh_token"}, "refresh_token": {s["refresh_token"]}},
			}
			for i, g := range grants {
				req := runtime.NewRequest("POST", "/oauth/token")
				for k, vs := range g {
					for _, v := range vs {
						req.FormValue(k, v)
					}
				}
				err := c.Do(ctx, req, nil, CallHeader("Authorization", basic))
				if wantFail := i == len(grants)-1; (err != nil) != wantFail {
					t.Fatalf("grant %s: %v", g.Get("grant_type"), err)
				}
			}
			// API calls: JSON body with nested credentials, a text error.
			req := runtime.NewRequest("PUT", "/api/v2/users/{userId}/password", "me")
			req.Body = map[string]any{
				"password": s["password"], "newPassword": s["new_password"],
				"integration": map[string]any{"credentials": []any{map[string]any{"client_secret": s["client_secret"]}},
					"accessToken": s["access_token"], "gateway": map[string]any{"password": s["gateway_user_pw"]}},
				"name": "visible-name",
			}
			if err := c.Do(ctx, req, nil); err != nil {
				t.Fatal(err)
			}
			req = runtime.NewRequest("POST", "/api/v2/echo-text")
			req.Body = "password=" + s["password"] + "&refresh_token=" + s["refresh_token"]
			req.ContentType = "text/plain"
			if err := c.Do(ctx, req, nil); err == nil {
				t.Fatal("want 500")
			}
			req = runtime.NewRequest("GET", "/api/v2/query")
			req.AddQuery("access_token", s["query_token"])
			req.AddQuery("pageSize", 25)
			if err := c.Do(ctx, req, nil); err != nil {
				t.Fatal(err)
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			file, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatal(err)
			}
			for name, out := range map[string]string{"console": console.String(), "file": string(file)} {
				if n := strings.Count(out, logMessage); n != len(grants)+3 {
					t.Errorf("%s: %d lines, want %d:\n%s", name, n, len(grants)+3, out)
				}
				assertNoSecrets(t, name, out)
				// What is not a credential is still logged.
				for _, want := range []string{"client_credentials", "saml2-bearer", "orgName", "visible-name",
					"invalid_grant", "pageSize=25", redactedValue} {
					if !strings.Contains(out, want) {
						t.Errorf("%s lacks %q", name, want)
					}
				}
			}
		})
	}
}

// assertNoSecrets fails if out holds any test secret, plain, escaped or
// base64-encoded in a Basic credential.
func assertNoSecrets(t *testing.T, name, out string) {
	t.Helper()
	for k, v := range testSecrets {
		forms := []string{v, url.QueryEscape(v), fmt.Sprintf("%q", v)[1 : len(fmt.Sprintf("%q", v))-1],
			base64.StdEncoding.EncodeToString([]byte("client-id:" + v)),
			base64.StdEncoding.EncodeToString([]byte("proxyuser:" + v))}
		for _, f := range forms {
			if strings.Contains(out, f) {
				t.Errorf("%s: %s value %q found in log output", name, k, f)
				for _, l := range strings.Split(out, "\n") {
					if strings.Contains(l, f) {
						t.Log(l)
					}
				}
			}
		}
	}
}

func TestSensitiveName(t *testing.T) {
	for _, n := range []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "client_secret",
		"clientSecret", "refresh_token", "access_token", "id_token", "assertion", "code_verifier", "codeVerifier",
		"password", "newPassword", "PASSWORD", "X-Api-Key", "apiKey", "token", "credentials", "private_key",
		"X-Amz-Signature", "X-Goog-Signature", "sig"} {
		if !sensitiveName(n) {
			t.Errorf("%s not sensitive", n)
		}
	}
	for _, n := range []string{"grant_type", "token_type", "expires_in", "code", "name", "Content-Type",
		"ININ-Correlation-Id", "orgName", "pageSize", "tokenType"} {
		if sensitiveName(n) {
			t.Errorf("%s sensitive", n)
		}
	}
}

func TestRedactBody(t *testing.T) {
	for _, tc := range []struct{ in, ct, want string }{
		{`{"a":1,"password":"x","b":{"refresh_token":{"nested":"y"},"list":[{"clientSecret":"z"}]}}`, "application/json",
			`{"a":1,"password":"[REDACTED]","b":{"refresh_token":"[REDACTED]","list":[{"clientSecret":"[REDACTED]"}]}}`},
		{`[{"access_token":"x"},{"keys":["password"]}]`, "", `[{"access_token":"[REDACTED]"},{"keys":["password"]}]`},
		{`{"pass\u0077ord":"x"}`, "application/json", `{"password":"[REDACTED]"}`},
		{"grant_type=refresh_token&refresh_token=abc&client_id=x", "application/x-www-form-urlencoded",
			"grant_type=refresh_token&refresh_token=[REDACTED]&client_id=x"},
		{"client%5Fsecret=abc&x=%zz&%zz=1", "application/x-www-form-urlencoded",
			"client%5Fsecret=[REDACTED]&x=%zz&%zz=[REDACTED]"},
		{`{"password": "x", broken`, "application/json", `{"password": "[REDACTED]", broken`},
		{"user=a password: hunter2 token='abc def' secret=\"q\\\"r\"", "text/plain",
			"user=a password: [REDACTED] token='[REDACTED]' secret=\"[REDACTED]\""},
		{"Authorization: Bearer abc.def", "text/plain", "Authorization: [REDACTED] [REDACTED]"},
		{"\xff\xfe binary", "application/octet-stream", "[9 bytes of binary data]"},
		{"--b\r\npassword\r\n--b--", "multipart/form-data; boundary=b", "[20 bytes of multipart/form-data]"},
	} {
		if got := redactBody([]byte(tc.in), tc.ct); got != tc.want {
			t.Errorf("redactBody(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	long := `{"v":"` + strings.Repeat("é", maxLogBody) + `"}`
	got := redactBody([]byte(long), "application/json")
	if len(got) > maxLogBody+100 || !strings.HasSuffix(got, fmt.Sprintf("…[truncated; body has %d bytes]", len(long))) {
		t.Errorf("long body: %d bytes, ends %q", len(got), got[len(got)-60:])
	}
}

func TestLogURL(t *testing.T) {
	u, _ := url.Parse("https://user:pw@api.example.com/api/v2/x?access_token=abc&pageSize=1&client_secret=s&flag")
	want := "https://api.example.com/api/v2/x?access_token=[REDACTED]&pageSize=1&client_secret=[REDACTED]&flag"
	if got := logURL(u); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}
