package platformclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/purecloudgo/platformclient/runtime"
)

// Download streams the content at rawURL to w and returns the number of
// bytes written. It is meant for the signed URLs the API hands out, such as
// the URL of downloads.GetDownload, which live on other hosts (object
// storage) and carry their own authorization:
//
//	u, err := downloads.NewClient(c).GetDownload(ctx, id, nil)
//	n, err := c.Download(ctx, platformclient.Value(u.URL), f)
//
// Download sends neither the access token nor the headers of WithHeader,
// nor headers a pre-request hook adds: only Accept and User-Agent. The URL
// must be https (http only when the client's base URL is http, as with the
// simulator). A redirect is followed only to the same host (see the
// README's "Security"). The content is streamed, so WithMaxResponseSize
// does not bound it; ctx bounds the time (WithTimeout does not apply). It
// is not retried. A non-2xx answer is an *APIError; an error of w is
// returned as it is (errors.Is finds it). Errors and log lines show the URL
// without its query, which holds the signature.
func (c *Client) Download(ctx context.Context, rawURL string, w io.Writer) (_ int64, err error) {
	ctx, k, err := c.enter(ctx) // close.go
	if err != nil {
		return 0, err
	}
	defer k.end(&err)
	cfg := c.settings()
	u, err := downloadURL(cfg, rawURL)
	if err != nil {
		return 0, err
	}
	shown := hideQuery(u)
	hreq, err := http.NewRequestWithContext(markForeign(ctx), http.MethodGet, u.String(), nil)
	if err != nil {
		return 0, fmt.Errorf("platformclient: build download request: %w", err)
	}
	hreq.Header.Set("Accept", "*/*")
	hreq.Header.Set("User-Agent", cfg.userAgent)
	logged := *hreq // logged without the query
	logged.URL = shownURL(u)
	start := time.Now()
	resp, err := c.httpClient.Do(hreq)
	if err != nil {
		c.logExchange(ctx, cfg, exchange{req: &logged, err: err, start: start})
		if ctxErr := ctx.Err(); ctxErr != nil {
			return 0, ctxErr
		}
		if re := locationError(hreq, err); re != nil {
			re.URL = shown
			return 0, re
		}
		return 0, &TransportError{Method: http.MethodGet, URL: shown, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, _ := readBody(&http.Response{Body: resp.Body, ContentLength: -1}, maxErrorBody)
		c.logExchange(ctx, cfg, exchange{req: &logged, resp: resp, data: data, start: start})
		if re := redirectError(hreq, resp, data); re != nil {
			re.URL = shown
			re.resp.URL = shown
			return 0, re
		}
		return 0, newAPIError(resp, data, http.MethodGet, shown)
	}
	c.logExchange(ctx, cfg, exchange{req: &logged, resp: resp, start: start})
	cw := &countingWriter{w: w}
	_, err = io.Copy(cw, resp.Body)
	switch {
	case err == nil:
		return cw.n, nil
	case cw.err != nil:
		return cw.n, cw.err
	case ctx.Err() != nil:
		return cw.n, ctx.Err()
	}
	return cw.n, &TransportError{Method: http.MethodGet, URL: shown, Err: fmt.Errorf("read download body: %w", err)}
}

// downloadURL parses rawURL and checks its scheme.
func downloadURL(cfg *settings, rawURL string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || !u.IsAbs() || u.Host == "" {
		return nil, errors.New("platformclient: Download needs an absolute http(s) URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !strings.HasPrefix(cfg.baseURL, "http://") {
			return nil, errors.New("platformclient: Download refuses an http URL when the API is reached over https")
		}
	default:
		return nil, fmt.Errorf("platformclient: Download refuses the URL scheme %.20q: want https", u.Scheme)
	}
	u.User = nil
	return u, nil
}

// shownURL returns u without user information, query and fragment.
func shownURL(u *url.URL) *url.URL {
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
}

// hideQuery renders u for errors: no query, which holds the signature.
func hideQuery(u *url.URL) string { return shownURL(u).String() }

// countingWriter counts the bytes written and keeps w's error apart from
// the body's.
type countingWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err != nil {
		c.err = err
	}
	return n, err
}

// redirectResult is what Do makes of a *RedirectError for a request with a
// RedirectField: the JSON object {RedirectField: absolute Location}, and
// true; false when err is not such a redirect or its Location is no
// http(s) URL.
func redirectResult(req *runtime.Request, err error) ([]byte, bool) {
	var re *RedirectError
	if req.RedirectField == "" || !errors.As(err, &re) || re.StatusCode == 0 || re.Location == "" {
		return nil, false
	}
	base, perr := url.Parse(re.URL)
	if perr != nil {
		return nil, false
	}
	loc, perr := base.Parse(re.Location)
	if perr != nil || (loc.Scheme != "https" && loc.Scheme != "http") || loc.Host == "" {
		return nil, false
	}
	data, merr := json.Marshal(map[string]string{req.RedirectField: loc.String()})
	return data, merr == nil
}
