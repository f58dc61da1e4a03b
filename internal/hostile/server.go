// Package hostile provides HTTP servers that misbehave on purpose, for the
// security tests of the SDK (hostile_test.go, fuzz_test.go): redirects to
// other hosts and schemes, lying Content-Length headers, bodies that drip or
// stop mid-JSON, HTML where a token is due. Every server records what it
// received, so that a test can assert that no secret or body reached a
// host it should not have reached.
package hostile

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Received is one request a Server received.
type Received struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
}

// Server is an httptest server that records every request before its
// handler answers it.
type Server struct {
	*httptest.Server
	mu   sync.Mutex
	seen []Received
}

// New starts a Server answering with h (nil: 200 with an empty body) and
// closes it when the test ends.
func New(t testing.TB, h http.HandlerFunc) *Server {
	t.Helper()
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s.mu.Lock()
		s.seen = append(s.seen, Received{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: body})
		s.mu.Unlock()
		if h != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			h(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

// Requests returns what the server received so far.
func (s *Server) Requests() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.seen...)
}

// Count returns how many requests the server received.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

// Saw reports whether any request the server received holds secret in its
// path, query, a header name or value, or its body.
func (s *Server) Saw(secret string) bool {
	for _, r := range s.Requests() {
		if strings.Contains(r.Path, secret) || strings.Contains(r.Query, secret) || bytes.Contains(r.Body, []byte(secret)) {
			return true
		}
		for k, vs := range r.Header {
			if strings.Contains(k, secret) {
				return true
			}
			for _, v := range vs {
				if strings.Contains(v, secret) {
					return true
				}
			}
		}
	}
	return false
}

// Redirect answers with status and a Location header.
func Redirect(status int, location string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", location)
		w.WriteHeader(status)
	}
}

// Raw writes response as the raw bytes of the HTTP response, bypassing
// net/http's checks (a Content-Length that lies, a body cut short), and
// closes the connection.
func Raw(response string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer conn.Close()
		writeRaw(buf, response)
	}
}

func writeRaw(buf *bufio.ReadWriter, response string) {
	_, _ = buf.WriteString(response)
	_ = buf.Flush()
}
