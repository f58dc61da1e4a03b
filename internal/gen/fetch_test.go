package gen

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestFetchDefinitionRefuses: non-2xx, HTML, oversize (declared and not),
// and redirects to another host are typed errors; a same-host redirect is
// followed without credentials; the URL's user information never shows.
func TestFetchDefinitionRefuses(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(`{"swagger":"2.0"}`)) }))
	defer other.Close()
	var sawAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			sawAuth = r.Header.Get("Authorization")
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"swagger":"2.0"}`))
		case "/same":
			http.Redirect(w, r, "/ok", http.StatusFound)
		case "/away":
			http.Redirect(w, r, other.URL+"/ok", http.StatusFound)
		case "/html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_, _ = w.Write([]byte("<html>login</html>"))
		case "/sneaky-html":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte("  <!doctype html><html></html>"))
		case "/big":
			_, _ = w.Write([]byte(strings.Repeat(" ", 2000)))
		case "/forbidden":
			w.WriteHeader(http.StatusForbidden)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	if b, err := fetchBounded(srv.URL+"/same", 1000); err != nil || string(b) != `{"swagger":"2.0"}` || sawAuth != "" {
		t.Fatalf("same-host redirect: %q %v (Authorization %q)", b, err, sawAuth)
	}
	userURL := strings.Replace(srv.URL, "http://", "http://me:s3cret@", 1)
	if _, err := fetchBounded(userURL+"/ok", 1000); err != nil || sawAuth != "" {
		t.Fatalf("user information sent: %v, Authorization %q", err, sawAuth)
	}
	for path, status := range map[string]int{"/away": 0, "/html": 200, "/sneaky-html": 200, "/big": 200, "/forbidden": 403, "/missing": 404} {
		_, err := fetchBounded(userURL+path+"?token=s3cret", 1000)
		var fe *FetchError
		if !errors.As(err, &fe) || fe.Status != status {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: the error shows a secret: %v", path, err)
		}
		if (path == "/missing") != errors.Is(err, ErrNotFound) {
			t.Errorf("%s: errors.Is(ErrNotFound) = %v", path, errors.Is(err, ErrNotFound))
		}
	}
}
