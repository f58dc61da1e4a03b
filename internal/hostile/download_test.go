package hostile_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/downloads"
	"github.com/purecloudgo/platformclient/internal/hostile"
)

const content = "the recording's bytes"

// storage is object storage serving a signed URL: it checks the signature
// in the query and needs no other credential.
func storage(t *testing.T) *hostile.Server {
	return hostile.New(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("sig") != "s1gn4ture" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		fmt.Fprint(w, content)
	})
}

// downloadAPI answers GET /api/v2/downloads/{id} as Genesys Cloud does: a
// redirect to the signed URL unless issueRedirect=false, which gets JSON.
func downloadAPI(t *testing.T, signed string) *hostile.Server {
	return hostile.New(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("issueRedirect") == "false" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"url":%q}`, signed)
			return
		}
		hostile.Redirect(http.StatusSeeOther, signed)(w, r)
	})
}

// GetDownload returns the signed URL whatever issueRedirect is, sends
// nothing to the storage host, and Client.Download streams the content
// from there without the token, the WithHeader headers or a hook's cookie.
func TestGetDownloadAndStream(t *testing.T) {
	for _, issue := range []*bool{nil, platformclient.Ptr(true), platformclient.Ptr(false)} {
		t.Run(fmt.Sprint(platformclient.Value(issue), issue == nil), func(t *testing.T) {
			store := storage(t)
			signed := store.URL + "/bucket/rec.wav?sig=s1gn4ture&exp=1"
			api := downloadAPI(t, signed)
			c := newClient(t, api, nil, withToken, hookCookie, platformclient.WithHeader("X-Api-Key", apiKey))
			u, err := downloads.NewClient(c).GetDownload(context.Background(), "d1", &downloads.GetDownloadOptions{IssueRedirect: issue})
			if err != nil {
				t.Fatal(err)
			}
			if got := platformclient.Value(u.URL); got != signed {
				t.Fatalf("URL %q, want %q", got, signed)
			}
			assertUntouched(t, store)
			var buf bytes.Buffer
			n, err := c.Download(context.Background(), *u.URL, &buf)
			if err != nil || n != int64(len(content)) || buf.String() != content {
				t.Fatalf("Download: %d bytes %q, error %v", n, buf.String(), err)
			}
			assertNoSecret(t, store, accessToken, apiKey, "COOKIE-1234")
			if h := store.Requests()[0].Header; h.Get("Authorization") != "" || h.Get("Cookie") != "" {
				t.Errorf("storage got headers %v", h)
			}
		})
	}
}

// Download refuses other schemes and a downgrade to http, and keeps the
// signature out of its errors.
func TestDownloadRefusals(t *testing.T) {
	store := storage(t)
	c := newClient(t, store, nil, withToken)
	for _, u := range []string{"file:///etc/passwd", "ftp://127.0.0.1/x", "/relative", "::bad"} {
		if _, err := c.Download(context.Background(), u, &bytes.Buffer{}); err == nil {
			t.Errorf("%q: no error", u)
		}
	}
	tls, err := platformclient.New(platformclient.WithAccessToken(accessToken))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tls.Download(context.Background(), store.URL+"/x?sig=s1gn4ture", &bytes.Buffer{}); err == nil {
		t.Error("an http URL was fetched by a client of an https API")
	}
	_, err = c.Download(context.Background(), store.URL+"/x?sig=wrong-s1gn4ture", &bytes.Buffer{})
	var ae *platformclient.APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusForbidden {
		t.Fatalf("error %v, want a 403 *APIError", err)
	}
	if strings.Contains(err.Error(), "s1gn4ture") {
		t.Errorf("the error shows the signature: %v", err)
	}
	assertNoSecret(t, store, accessToken)
}

// errWriter fails every write.
type errWriter struct{}

var errDiskFull = errors.New("disk full")

func (errWriter) Write([]byte) (int, error) { return 0, errDiskFull }

// A failing writer's error comes back as it is.
func TestDownloadWriterError(t *testing.T) {
	store := storage(t)
	c := newClient(t, store, nil)
	_, err := c.Download(context.Background(), store.URL+"/x?sig=s1gn4ture", errWriter{})
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("error %v, want the writer's", err)
	}
}
