package platformclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"time"
)

// CallOption changes one call.
type CallOption func(*callOptions)

type callOptions struct {
	response *Response
	headers  http.Header
	token    string // the access token the last attempt sent
	err      error  // a CallOption that cannot be applied (CallHeader)

	retry      RetryPolicy // per-call overrides; zero fields keep the client's
	idempotent bool        // CallIdempotent: POST/PATCH may be retried
	attempts   int         // attempts made, set by send
	observed   *observed   // the observers following the call; nil: none (observe.go)
}

// Response is what a call received, filled by CaptureResponse.
type Response struct {
	StatusCode    int
	Header        http.Header
	CorrelationID string
	Body          []byte     // the raw body (for 2xx responses)
	RateLimit     *RateLimit // the inin-ratelimit-* headers; nil when absent
	Attempts      int        // attempts made, retries included
}

// CaptureResponse stores the status, headers and raw body of the call's
// response in r (also when the call fails with an *APIError).
func CaptureResponse(r *Response) CallOption {
	return func(o *callOptions) { o.response = r }
}

// CallHeader adds a header to this call only. A name that is not an HTTP
// token, or a value with a control character (CR, LF, NUL…), fails the call
// with *HeaderError before anything is sent.
func CallHeader(name, value string) CallOption {
	return func(o *callOptions) {
		if err := checkHeader("CallHeader", name, value); err != nil {
			if o.err == nil {
				o.err = err
			}
			return
		}
		if o.headers == nil {
			o.headers = http.Header{}
		}
		o.headers.Add(name, value)
	}
}

// payload is an encoded request body, kept as bytes so it can be replayed.
type payload struct {
	data        []byte
	contentType string
}

// Do sends req and decodes a 2xx response into out: a pointer to a model,
// slice or map for JSON; *string for text; *[]byte for raw bytes; nil to
// discard. A non-2xx response is returned as *APIError.
func (c *Client) Do(ctx context.Context, req *Request, out any, opts ...CallOption) error {
	var co callOptions
	for _, o := range opts {
		if o != nil {
			o(&co)
		}
	}
	if co.err != nil {
		return co.err
	}
	cfg := c.settings()
	if cfg.observer != nil {
		return c.doObserved(ctx, cfg, req, out, &co)
	}
	return c.do(ctx, cfg, req, out, &co)
}

// do is Do once the call's options are read.
func (c *Client) do(ctx context.Context, cfg *settings, req *Request, out any, co *callOptions) error {
	path, err := req.Path()
	if err != nil {
		return err
	}
	u := cfg.baseURL + path
	if len(req.Query) > 0 {
		u += "?" + req.Query.Encode()
	}
	body, err := req.encodeBody()
	if err != nil {
		return err
	}
	if cfg.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.timeout)
		defer cancel()
	}
	resp, data, err := c.send(ctx, cfg, req, u, body, co)
	if err == nil && resp.StatusCode == http.StatusUnauthorized && c.reauthorize(cfg, co.token) {
		resp, data, err = c.send(ctx, cfg, req, u, body, co) // once, with a new token
	}
	if err != nil {
		if data, ok := redirectResult(req, err); ok { // download.go
			return decodeInto(out, data, "application/json")
		}
		return err
	}
	if co.response != nil {
		*co.response = Response{StatusCode: resp.StatusCode, Header: resp.Header,
			CorrelationID: resp.Header.Get("ININ-Correlation-Id"), Body: data,
			RateLimit: parseRateLimit(resp.Header), Attempts: co.attempts}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := newAPIError(resp, data, req.Method, redactURL(u))
		e.Attempts = max(co.attempts, 1)
		return e
	}
	if err := decodeInto(out, data, resp.Header.Get("Content-Type")); err != nil {
		b := data
		if len(b) > maxErrorBody {
			b = b[:maxErrorBody]
		}
		return &DecodeError{Method: req.Method, URL: redactURL(u), StatusCode: resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"), Body: b, Err: err}
	}
	return nil
}

// attempt sends the request once.
func (c *Client) attempt(ctx context.Context, cfg *settings, req *Request, u string, body *payload, co *callOptions) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body.data)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, u, rd)
	if err != nil {
		return nil, nil, fmt.Errorf("platformclient: build request: %w", err)
	}
	if body != nil {
		data := body.data
		hreq.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
		hreq.Header.Set("Content-Type", body.contentType)
	}
	accept := req.Accept
	if accept == "" {
		accept = "application/json"
	}
	hreq.Header.Set("Accept", accept)
	hreq.Header.Set("User-Agent", cfg.userAgent)
	for k, vs := range cfg.headers {
		hreq.Header[k] = append([]string(nil), vs...)
	}
	for k, vs := range req.Headers {
		hreq.Header[k] = append([]string(nil), vs...)
	}
	for k, vs := range co.headers {
		hreq.Header[k] = append([]string(nil), vs...)
	}
	if err := c.authorize(ctx, cfg, hreq, co); err != nil {
		return nil, nil, err
	}
	// A header net/http would refuse at send time is refused here, as an
	// error that is not retried.
	if err := checkHeaders("request", hreq.Header); err != nil {
		return nil, nil, err
	}
	start := time.Now()
	resp, err := c.httpClient.Do(hreq)
	if err != nil {
		c.logExchange(ctx, cfg, hreq, body, nil, nil, err, start)
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			return nil, nil, ctxErr
		}
		if re := locationError(hreq, err); re != nil {
			return nil, nil, re
		}
		return nil, nil, &TransportError{Method: req.Method, URL: redactURL(u), Err: err}
	}
	defer resp.Body.Close()
	data, err := readBody(resp, cfg.maxResponseSize())
	if err != nil {
		c.logExchange(ctx, cfg, hreq, body, resp, nil, err, start)
		if errors.Is(err, errBodyTooLarge) {
			return nil, nil, tooLarge(req.Method, redactURL(u), resp, cfg.maxResponseSize())
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, nil, ctxErr
		}
		return nil, nil, &TransportError{Method: req.Method, URL: redactURL(u), Err: fmt.Errorf("read response body: %w", err)}
	}
	c.logExchange(ctx, cfg, hreq, body, resp, data, nil, start)
	if re := redirectError(hreq, resp, data); re != nil {
		return nil, nil, re
	}
	return resp, data, nil
}

// TransportError is a request that got no complete HTTP response: a refused
// or reset connection, a TLS failure, a body cut short.
type TransportError struct {
	Method   string
	URL      string
	Err      error
	Attempts int // attempts made, retries included
}

func (e *TransportError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("platformclient: %s %s: %v [after %d attempts]", e.Method, e.URL, e.Err, e.Attempts)
	}
	return fmt.Sprintf("platformclient: %s %s: %v", e.Method, e.URL, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// redactURL drops user info from a URL for errors and logs.
func redactURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if at := strings.IndexByte(rest, '@'); at >= 0 && at < strings.IndexAny(rest+"/", "/?") {
			return u[:i+3] + rest[at+1:]
		}
	}
	return u
}

// encodeBody renders the body once so that it can be sent again on retry.
func (r *Request) encodeBody() (*payload, error) {
	if len(r.Files) > 0 {
		return r.multipartBody()
	}
	if r.Form != nil && r.Body == nil {
		return &payload{data: []byte(r.Form.Encode()), contentType: "application/x-www-form-urlencoded"}, nil
	}
	if r.Body == nil || isNilPointer(r.Body) {
		return nil, nil
	}
	ct := r.ContentType
	switch b := r.Body.(type) {
	case []byte:
		return &payload{data: b, contentType: orDefault(ct, "application/octet-stream")}, nil
	case string:
		if ct == "" || !strings.Contains(ct, "json") {
			return &payload{data: []byte(b), contentType: orDefault(ct, "text/plain; charset=utf-8")}, nil
		}
	case io.Reader:
		data, err := io.ReadAll(b)
		if err != nil {
			return nil, fmt.Errorf("platformclient: read request body: %w", err)
		}
		return &payload{data: data, contentType: orDefault(ct, "application/octet-stream")}, nil
	}
	data, err := marshalJSON(r.Body)
	if err != nil {
		return nil, fmt.Errorf("platformclient: encode request body: %w", err)
	}
	return &payload{data: data, contentType: orDefault(ct, "application/json")}, nil
}

func (r *Request) multipartBody() (*payload, error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, k := range slices.Sorted(maps.Keys(r.Form)) {
		for _, v := range r.Form[k] {
			if err := w.WriteField(k, v); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range r.Files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, f.Field, f.File.Name))
		h.Set("Content-Type", "application/octet-stream")
		part, err := w.CreatePart(h)
		if err != nil {
			return nil, err
		}
		if f.File.Content != nil {
			if _, err := io.Copy(part, f.File.Content); err != nil {
				return nil, fmt.Errorf("platformclient: read form file %q: %w", f.Field, err)
			}
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return &payload{data: buf.Bytes(), contentType: w.FormDataContentType()}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// decodeInto stores a 2xx body in out.
func decodeInto(out any, data []byte, contentType string) error {
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = data
		return nil
	case *string:
		t := bytes.TrimSpace(data)
		if strings.Contains(contentType, "json") && len(t) > 0 && t[0] == '"' {
			return unmarshalJSON(t, o)
		}
		*o = string(data)
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil // an empty 2xx body leaves out as it is
	}
	return unmarshalJSON(data, out)
}
