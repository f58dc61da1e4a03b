package gen

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// MaxDefinitionSize bounds a definition fetched from a URL (the service's
// is about 20 MiB).
const MaxDefinitionSize = 256 << 20

// FetchError is a definition that could not be fetched from a URL, with
// why: the HTTP status, an HTML page instead of JSON, a size beyond
// MaxDefinitionSize, or a redirect to another host.
type FetchError struct {
	URL    string // the URL asked for, without user information or query
	Status int    // the HTTP status; 0 when the failure was not an answer's status
	Reason string
	Err    error // the underlying error, if any
}

func (e *FetchError) Error() string {
	s := "fetch definition " + e.URL + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *FetchError) Unwrap() error { return e.Err }

// safeURL drops user information and the query of u for messages.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// fetchDefinition downloads a definition: at most MaxDefinitionSize bytes,
// redirects followed only to the same host (and never with credentials),
// JSON only (an HTML login or error page is refused), 2xx only.
func fetchDefinition(src string) ([]byte, error) {
	return fetchBounded(src, MaxDefinitionSize)
}

func fetchBounded(src string, limit int64) ([]byte, error) {
	shown := safeURL(src)
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return nil, &FetchError{URL: shown, Reason: "not a URL", Err: err}
	}
	host := u.Host
	hc := &http.Client{Timeout: 2 * time.Minute, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("more than 5 redirects")
		}
		if req.URL.Host != host || req.URL.User != nil {
			return fmt.Errorf("redirect to another host (%s) refused", req.URL.Host)
		}
		req.Header.Del("Authorization")
		req.Header.Del("Cookie")
		return nil
	}}
	req, err := http.NewRequest(http.MethodGet, src, nil)
	if err != nil {
		return nil, &FetchError{URL: shown, Reason: "bad request", Err: err}
	}
	req.URL.User = nil // never send user information
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the URL, query included
		}
		return nil, &FetchError{URL: shown, Reason: "request failed", Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, &FetchError{URL: shown, Status: resp.StatusCode, Reason: "HTTP " + resp.Status, Err: ErrNotFound}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &FetchError{URL: shown, Status: resp.StatusCode, Reason: "HTTP " + resp.Status}
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); strings.Contains(mt, "html") {
		return nil, &FetchError{URL: shown, Status: resp.StatusCode, Reason: "the answer is an HTML page (" + mt + "), not a JSON definition"}
	}
	if resp.ContentLength > limit {
		return nil, &FetchError{URL: shown, Status: resp.StatusCode, Reason: fmt.Sprintf("the definition is larger than %d bytes", limit)}
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &FetchError{URL: shown, Status: resp.StatusCode, Reason: "reading the answer failed", Err: err}
	}
	if int64(len(b)) > limit {
		return nil, &FetchError{URL: shown, Status: resp.StatusCode, Reason: fmt.Sprintf("the definition is larger than %d bytes", limit)}
	}
	if t := strings.TrimLeft(string(b[:min(len(b), 512)]), " \t\r\n\ufeff"); strings.HasPrefix(t, "<") {
		return nil, &FetchError{URL: shown, Status: resp.StatusCode, Reason: "the answer is an HTML page, not a JSON definition"}
	}
	return b, nil
}
