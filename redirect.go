package platformclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The redirect policy of the client, in one place (README, "Security"):
//
//   - A login (/oauth/token, every grant) never follows a redirect: the
//     redirect is an *AuthError wrapping a *RedirectError, and nothing is
//     sent to the Location.
//   - A request with a body, or with a method other than GET and HEAD, never
//     follows a redirect: it comes back as a *RedirectError (status,
//     Location), never as success, and the body is sent nowhere else.
//   - A GET or HEAD follows a redirect only to the same scheme, host and port
//     (at most maxRedirects of them), carrying the same headers. A redirect
//     to another host or scheme (file:, ftp:, http: from https:) is not
//     followed: it is a *RedirectError whose Location the caller may use,
//     e.g. with Client.Download, which sends no credential.
//   - Client.Download sends neither the access token nor the headers of
//     WithHeader, CallHeader or pre-request hooks (only foreignHeaders).

// maxRedirects bounds the same-origin redirects a GET or HEAD follows.
const maxRedirects = 10

// RedirectError is a redirect the client did not follow (see the policy
// above). It wraps the *APIError of the redirect response, so StatusCode
// and errors.As(err, **APIError) work as for any non-2xx response. For a
// login it is wrapped by the *AuthError.
type RedirectError struct {
	// Operation names the operation of a generated method ("users.GetUser");
	// "" for a request built by hand. The error's text starts with it.
	Operation  string
	Method     string
	URL        string // the request's URL, without user information
	StatusCode int    // 0 when the redirect could not even be parsed
	// Location is the Location header as received. It may be a signed URL:
	// Error prints it without its query.
	Location string
	Reason   string // why the client did not follow it
	resp     *APIError
}

// Error names the call and the refused redirect, its signature hidden.
func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s: redirect %d to %s not followed: %s",
		callName(e.Operation, e.Method, e.URL), e.StatusCode, shortLocation(e.Location), e.Reason)
}

// Unwrap returns the *APIError of the redirect response, if any.
func (e *RedirectError) Unwrap() error {
	if e.resp == nil {
		return nil
	}
	return e.resp
}

// shortLocation renders a Location for messages: no user information, no
// query or fragment (a signed URL's signature is there), at most 200 bytes.
func shortLocation(loc string) string {
	s := redactURL(loc)
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i] + "?…"
	}
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return fmt.Sprintf("%q", s)
}

// isRedirect reports whether status asks the client to go elsewhere.
func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// redirectRefusal is the policy: "" when a request that started as first
// may follow a redirect to to after hops redirects, else why not.
func redirectRefusal(first *http.Request, to *url.URL, hops int) string {
	switch {
	case to == nil:
		return "the Location is not a valid URL"
	case first.Method != http.MethodGet && first.Method != http.MethodHead:
		return "a " + first.Method + " request is never sent again"
	case first.GetBody != nil || first.ContentLength > 0:
		return "a request with a body is never sent again"
	case !strings.EqualFold(to.Scheme, first.URL.Scheme):
		return fmt.Sprintf("the Location has another scheme (%.20q)", to.Scheme)
	case !sameHost(first.URL, to):
		return "the Location is on another host; its credentials stay with " + first.URL.Host
	case hops > maxRedirects:
		return fmt.Sprintf("too many redirects (the limit is %d)", maxRedirects)
	}
	return ""
}

// sameHost reports whether a and b name the same host and port.
func sameHost(a, b *url.URL) bool {
	return strings.EqualFold(a.Hostname(), b.Hostname()) && portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// checkRedirect is the CheckRedirect of the client's *http.Client: a
// redirect the policy refuses is returned to the client as it is (and
// turned into a *RedirectError by redirectError).
func checkRedirect(req *http.Request, via []*http.Request) error {
	if redirectRefusal(via[0], req.URL, len(via)) != "" {
		return http.ErrUseLastResponse
	}
	return nil
}

// guardRedirects applies the policy to an *http.Client: a copy of h whose
// CheckRedirect is checkRedirect (h itself is left as it is). Another
// HTTPDoer is returned as it is; a redirect it follows is caught by
// redirectError.
func guardRedirects(h HTTPDoer) HTTPDoer {
	hc, ok := h.(*http.Client)
	if !ok {
		return h
	}
	cp := *hc
	cp.CheckRedirect = checkRedirect
	return &cp
}

// redirectError returns the *RedirectError of resp, the answer to sent, or
// nil when resp is no redirect that the client refused. body is the
// response's body, for the wrapped *APIError.
func redirectError(sent *http.Request, resp *http.Response, body []byte) *RedirectError {
	last := sent
	if resp.Request != nil && resp.Request.URL != nil {
		last = resp.Request
	}
	e := &RedirectError{Method: sent.Method, URL: redactURL(sent.URL.String()), StatusCode: resp.StatusCode}
	if last.URL.String() != sent.URL.String() {
		// An HTTPDoer of the caller's followed a redirect by itself.
		if reason := redirectRefusal(sent, last.URL, 0); reason != "" {
			e.Location = last.URL.String()
			e.Reason = "the HTTP client followed a redirect that " + reason
			e.resp = newAPIError(resp, body, sent.Method, e.URL)
			return e
		}
	}
	loc := resp.Header.Get("Location")
	if !isRedirect(resp.StatusCode) || loc == "" {
		return nil
	}
	e.Location = loc
	to, err := last.URL.Parse(loc)
	if err != nil {
		to = nil
	}
	e.Reason = redirectRefusal(sent, to, 0)
	if e.Reason == "" {
		e.Reason = fmt.Sprintf("too many redirects (the limit is %d)", maxRedirects)
	}
	e.resp = newAPIError(resp, body, sent.Method, e.URL)
	return e
}

// locationError turns the error net/http returns for a redirect whose
// Location it cannot parse into a *RedirectError (not retried); other
// errors give nil.
func locationError(sent *http.Request, err error) *RedirectError {
	var ue *url.Error
	if !errors.As(err, &ue) || ue.Err == nil || !strings.HasPrefix(ue.Err.Error(), "failed to parse Location header") {
		return nil
	}
	return &RedirectError{Method: sent.Method, URL: redactURL(sent.URL.String()), Reason: "the Location is not a valid URL"}
}

// foreignKey marks the context of a request to a host that must receive no
// credential (Client.Download).
type foreignKey struct{}

// markForeign returns ctx marked so that hooks' headers are filtered too.
func markForeign(ctx context.Context) context.Context {
	return context.WithValue(ctx, foreignKey{}, true)
}

// isForeign reports whether req goes to a host that gets no credential.
func isForeign(req *http.Request) bool {
	v, _ := req.Context().Value(foreignKey{}).(bool)
	return v
}

// foreignHeaders are the only headers a request marked foreign carries,
// whoever set the others (WithHeader, CallHeader, a hook).
var foreignHeaders = map[string]bool{"Accept": true, "Accept-Encoding": true, "User-Agent": true, "Range": true, "If-Range": true}

// stripForeign removes from h every header not in foreignHeaders.
func stripForeign(h http.Header) {
	for k := range h {
		if !foreignHeaders[http.CanonicalHeaderKey(k)] {
			delete(h, k)
		}
	}
}
