package platformclient

import (
	"errors"
	"fmt"
	"io"
	"net/http"
)

// DefaultMaxResponseSize is the largest response body a client reads unless
// WithMaxResponseSize says otherwise (64 MiB). The simulator applies the
// same bound to request bodies and the notifications package to websocket
// messages.
const DefaultMaxResponseSize = 64 << 20

// preallocMax bounds what readBody allocates up front on the word of a
// Content-Length header; a larger body grows as its bytes arrive, so a
// server that announces more than it sends costs no more than it sent.
const preallocMax = 64 << 10

// WithMaxResponseSize sets the largest response body the client reads, for
// API calls and logins (default DefaultMaxResponseSize). A larger body fails
// the call with *ResponseTooLargeError and is not retried. It is also the
// default bound of websocket messages in package notifications.
func WithMaxResponseSize(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			return fmt.Errorf("platformclient: the maximum response size must be positive, got %d", n)
		}
		c.build.maxBody = n
		return nil
	}
}

// MaxResponseSize returns the largest response body the client reads.
func (c *Client) MaxResponseSize() int64 { return c.settings().maxResponseSize() }

// maxResponseSize returns the configured bound or the default.
func (s *settings) maxResponseSize() int64 {
	if s.maxBody > 0 {
		return s.maxBody
	}
	return DefaultMaxResponseSize
}

// ResponseTooLargeError is a response whose body is larger than the client
// reads (WithMaxResponseSize). The body was not read past the limit.
type ResponseTooLargeError struct {
	// Operation names the operation of a generated method ("users.GetUser");
	// "" for a request built by hand. The error's text starts with it.
	Operation     string
	Method        string
	URL           string
	StatusCode    int
	Limit         int64 // the client's maximum response size
	ContentLength int64 // the announced length; -1 when not announced
}

// Error names the call and the size limit the response went over.
func (e *ResponseTooLargeError) Error() string {
	announced := "no Content-Length"
	if e.ContentLength >= 0 {
		announced = fmt.Sprintf("Content-Length %d", e.ContentLength)
	}
	return fmt.Sprintf("%s: response body larger than the client's limit of %d bytes (%s); raise it with WithMaxResponseSize",
		callName(e.Operation, e.Method, e.URL), e.Limit, announced)
}

// errBodyTooLarge is what readBody returns for a body over its limit; the
// caller turns it into a *ResponseTooLargeError naming the request.
var errBodyTooLarge = errors.New("response body too large")

// readBody reads a whole response body of at most limit bytes. It allocates
// at most preallocMax up front, whatever Content-Length says, and fails
// with errBodyTooLarge, without reading further, once the body (or its
// announced length) is over the limit. A response to HEAD has no body,
// whatever its Content-Length says.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.Request != nil && resp.Request.Method == http.MethodHead {
		return nil, nil
	}
	if resp.ContentLength > limit {
		return nil, errBodyTooLarge
	}
	size := int64(512)
	if n := resp.ContentLength; n >= 0 {
		size = min(n+1, preallocMax) // +1: room to see EOF without growing
	}
	buf := make([]byte, 0, size)
	r := io.LimitReader(resp.Body, limit+1)
	for {
		if len(buf) == cap(buf) {
			buf = grow(buf, resp.ContentLength, limit)
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, errBodyTooLarge
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// grow returns buf with more capacity: four times as much while a longer
// announced length is still to come (so what is allocated stays within four
// times what arrived, whatever the server announced), twice as much when no
// length was announced, or just what the announced length needs (plus one
// byte to see EOF) when that is reached first; never more than limit+1.
func grow(buf []byte, announced, limit int64) []byte {
	factor := int64(2)
	if announced > int64(len(buf)) {
		factor = 4
	}
	c := factor * int64(cap(buf))
	if announced >= 0 && announced+1 > int64(len(buf)) && c >= announced {
		c = announced + 1
	}
	c = min(c, limit+1)
	nb := make([]byte, len(buf), c)
	copy(nb, buf)
	return nb
}

// tooLarge returns the *ResponseTooLargeError of resp.
func tooLarge(method, u string, resp *http.Response, limit int64) *ResponseTooLargeError {
	return &ResponseTooLargeError{Method: method, URL: u, StatusCode: resp.StatusCode, Limit: limit, ContentLength: resp.ContentLength}
}
