package platformclient

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/runtime"
)

// TestErrorsNameTheOperation sends one request per kind of failure, with
// and without an operation, and checks that the error carries the
// operation and that its text starts with it (and keeps today's
// "platformclient: METHOD URL" for a request built by hand).
func TestErrorsNameTheOperation(t *testing.T) {
	checkLeaks(t)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v2/missing":
			writeError(w, http.StatusNotFound, "not.found", 1)
		case "/api/v2/notjson":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id": nope}`))
		case "/api/v2/cut":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", "100")
			_, _ = w.Write([]byte(`{"id":"a`))
		case "/api/v2/big":
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"id":"` + strings.Repeat("x", 4096) + `"}`))
		case "/api/v2/away":
			http.Redirect(w, r, "https://elsewhere.example/api/v2/x?sig=secret", http.StatusFound)
		}
	})
	c, _ := newTestClient(t, srv, WithMaxResponseSize(1024), WithRetryPolicy(RetryPolicy{RetryMax: -1}))
	cases := []struct {
		path  string
		check func(error) (string, bool) // the error's Operation, and whether it has the type
	}{
		{"/api/v2/missing", operationOf(func(e *APIError) string { return e.Operation })},
		{"/api/v2/notjson", operationOf(func(e *DecodeError) string { return e.Operation })},
		{"/api/v2/cut", operationOf(func(e *TransportError) string { return e.Operation })},
		{"/api/v2/big", operationOf(func(e *ResponseTooLargeError) string { return e.Operation })},
		{"/api/v2/away", operationOf(func(e *RedirectError) string { return e.Operation })},
	}
	for _, tc := range cases {
		for _, op := range []string{"tests.GetThing", ""} {
			req := runtime.NewRequest(http.MethodGet, tc.path)
			req.Operation = op
			var out map[string]any
			err := c.Do(context.Background(), req, &out)
			got, ok := tc.check(err)
			if !ok {
				t.Fatalf("%s (operation %q): error %T %v is not of the expected type", tc.path, op, err, err)
			}
			if got != op {
				t.Errorf("%s: Operation %q, want %q", tc.path, got, op)
			}
			want := op + ": GET " + srv.URL + tc.path + ": "
			if op == "" {
				want = "platformclient: GET " + srv.URL + tc.path + ": "
			}
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("%s: error text %q does not start with %q", tc.path, err.Error(), want)
			}
		}
	}
	// The redirect's *APIError is named too, and its signature stays hidden.
	req := runtime.NewRequest(http.MethodGet, "/api/v2/away")
	req.Operation = "tests.GetThing"
	err := c.Do(context.Background(), req, nil)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Operation != "tests.GetThing" || ae.StatusCode != http.StatusFound {
		t.Errorf("redirect: wrapped *APIError %+v", ae)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("redirect error shows the Location's query: %v", err)
	}
}

// operationOf returns a check that finds an E in an error's tree and
// returns its operation.
func operationOf[E error](op func(E) string) func(error) (string, bool) {
	return func(err error) (string, bool) {
		var e E
		if !errors.As(err, &e) {
			return "", false
		}
		return op(e), true
	}
}

// TestCaptureResponseOnRedirect checks that CaptureResponse holds the
// redirect response of a call that fails with a *RedirectError.
func TestCaptureResponseOnRedirect(t *testing.T) {
	checkLeaks(t)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ININ-Correlation-Id", "corr-redirect")
		w.Header().Set("Location", "https://elsewhere.example/file")
		w.WriteHeader(http.StatusTemporaryRedirect)
		_, _ = w.Write([]byte("moved"))
	})
	c, _ := newTestClient(t, srv)
	var resp Response
	err := c.Do(context.Background(), runtime.NewRequest(http.MethodGet, "/api/v2/thing"), nil, CaptureResponse(&resp))
	var re *RedirectError
	if !errors.As(err, &re) {
		t.Fatalf("error %T %v, want *RedirectError", err, err)
	}
	if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != "https://elsewhere.example/file" ||
		resp.CorrelationID != "corr-redirect" || string(resp.Body) != "moved" || resp.Attempts != 1 {
		t.Errorf("captured %+v", resp)
	}
}
