package hostile_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/internal/hostile"
	"github.com/purecloudgo/platformclient/models"
)

// newUser is a request body holding a password.
func newUser() *models.CreateUser {
	return &models.CreateUser{Name: platformclient.Ptr("Eve"), Email: platformclient.Ptr("eve@example.com"),
		Password: platformclient.Ptr(password)}
}

// A POST answered with any redirect is a *RedirectError (never success),
// and the body, with its password, is sent to no other host, nor again to
// the same one.
func TestBodyNeverResentAfterRedirect(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		for _, where := range []string{"other host", "same host"} {
			t.Run(fmt.Sprintf("%d %s", status, where), func(t *testing.T) {
				evil := hostile.New(t, func(w http.ResponseWriter, r *http.Request) {
					fmt.Fprint(w, `{"id":"evil-user"}`)
				})
				target := evil.URL + "/api/v2/users"
				if where == "same host" {
					target = "/api/v2/users/elsewhere"
				}
				api := hostile.New(t, hostile.Redirect(status, target))
				u, err := users.NewClient(newClient(t, api, nil, withToken)).PostUsers(context.Background(), newUser(), nil)
				if u != nil {
					t.Fatalf("PostUsers reported success: %+v", u)
				}
				re := asRedirect(t, err)
				if re.StatusCode != status || re.Location != target || platformclient.StatusCode(err) != status {
					t.Errorf("RedirectError %+v (StatusCode(err) = %d)", re, platformclient.StatusCode(err))
				}
				assertUntouched(t, evil)
				if api.Count() != 1 {
					t.Errorf("the API got %d requests, want 1", api.Count())
				}
			})
		}
	}
}

// A GET redirected to another host is not followed: the access token, the
// WithHeader headers and a hook's cookie stay with the API's host.
func TestGetRedirectToAnotherHost(t *testing.T) {
	for _, status := range []int{301, 302, 303, 307, 308} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			evil := hostile.New(t, nil)
			api := hostile.New(t, hostile.Redirect(status, evil.URL+"/api/v2/users/u1"))
			c := newClient(t, api, nil, withToken, hookCookie, platformclient.WithHeader("X-Api-Key", apiKey))
			u, err := users.NewClient(c).GetUser(context.Background(), "u1", nil)
			if u != nil {
				t.Fatalf("GetUser reported success: %+v", u)
			}
			re := asRedirect(t, err)
			if !strings.Contains(re.Reason, "another host") {
				t.Errorf("reason %q", re.Reason)
			}
			assertUntouched(t, evil)
			if !api.Saw(accessToken) || !api.Saw(apiKey) || !api.Saw("COOKIE-1234") {
				t.Error("the API host did not get the credentials (the test proves nothing)")
			}
		})
	}
}

// A GET redirected on the same host is followed, with its token.
func TestGetRedirectOnSameHostIsFollowed(t *testing.T) {
	api := hostile.New(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v2/users/old" {
			hostile.Redirect(http.StatusMovedPermanently, "/api/v2/users/new")(w, r)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+accessToken {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"id":"new"}`)
	})
	u, err := users.NewClient(newClient(t, api, nil, withToken)).GetUser(context.Background(), "old", nil)
	if err != nil || platformclient.Value(u.ID) != "new" {
		t.Fatalf("user %+v, error %v", u, err)
	}
}

// A redirect loop ends after the limit with a *RedirectError, not retried.
func TestRedirectLoop(t *testing.T) {
	api := hostile.New(t, func(w http.ResponseWriter, r *http.Request) {
		next := "/api/v2/users/a"
		if strings.HasSuffix(r.URL.Path, "/a") {
			next = "/api/v2/users/b"
		}
		hostile.Redirect(http.StatusFound, next)(w, r)
	})
	_, err := users.NewClient(newClient(t, api, nil, withToken)).GetUser(context.Background(), "a", nil)
	re := asRedirect(t, err)
	if !strings.Contains(re.Reason, "too many redirects") {
		t.Errorf("reason %q", re.Reason)
	}
	if n := api.Count(); n != 11 {
		t.Errorf("%d requests, want 11 (the first and 10 redirects)", n)
	}
}

// A Location with another scheme is not followed.
func TestRedirectToAnotherScheme(t *testing.T) {
	for _, loc := range []string{"file:///etc/passwd", "ftp://127.0.0.1/pub/x", "https://127.0.0.1/api/v2/users/u1", "javascript:alert(1)"} {
		t.Run(loc, func(t *testing.T) {
			api := hostile.New(t, hostile.Redirect(http.StatusFound, loc))
			_, err := users.NewClient(newClient(t, api, nil, withToken)).GetUser(context.Background(), "u1", nil)
			re := asRedirect(t, err)
			if !strings.Contains(re.Reason, "another scheme") || re.Location != loc {
				t.Errorf("RedirectError %+v", re)
			}
			if api.Count() != 1 {
				t.Errorf("%d requests, want 1", api.Count())
			}
		})
	}
}

// A Location net/http cannot parse is a *RedirectError at once, not a
// connection error that is retried.
func TestRedirectToUnparsableLocation(t *testing.T) {
	api := hostile.New(t, hostile.Redirect(http.StatusFound, "http://[::1"))
	_, err := users.NewClient(newClient(t, api, nil, withToken)).GetUser(context.Background(), "u1", nil)
	asRedirect(t, err)
	if api.Count() != 1 {
		t.Errorf("%d requests, want 1 (not retried)", api.Count())
	}
}

// The policy holds for an *http.Client of the caller's, whose own
// CheckRedirect would follow anything, and that client is left unchanged.
func TestCallersHTTPClientIsGuarded(t *testing.T) {
	evil := hostile.New(t, nil)
	api := hostile.New(t, hostile.Redirect(http.StatusTemporaryRedirect, evil.URL+"/api/v2/users"))
	follow := func(*http.Request, []*http.Request) error { return nil }
	hc := &http.Client{CheckRedirect: follow}
	c := newClient(t, api, nil, withToken, platformclient.WithHTTPClient(hc))
	_, err := users.NewClient(c).PostUsers(context.Background(), newUser(), nil)
	asRedirect(t, err)
	assertUntouched(t, evil)
	if hc.CheckRedirect == nil {
		t.Error("the caller's client was modified")
	}
}

// doerFunc is an HTTPDoer that is not an *http.Client.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// An HTTPDoer that follows redirects by itself does not make the answer of
// another host a success. (What such a doer sends on its way is its own
// business: net/http's client, for one, keeps Authorization for the same
// host name on another port.)
func TestFollowingDoerIsCaught(t *testing.T) {
	evil := hostile.New(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"id":"evil"}`) })
	api := hostile.New(t, hostile.Redirect(http.StatusFound, evil.URL+"/api/v2/users/u1"))
	hc := &http.Client{} // follows, and strips Authorization itself
	c := newClient(t, api, nil, withToken, platformclient.WithHTTPClient(doerFunc(hc.Do)))
	u, err := users.NewClient(c).GetUser(context.Background(), "u1", nil)
	if u != nil {
		t.Fatalf("GetUser returned the other host's answer: %+v", u)
	}
	re := asRedirect(t, err)
	if !strings.Contains(re.Reason, "the HTTP client followed") {
		t.Errorf("reason %q", re.Reason)
	}
}
