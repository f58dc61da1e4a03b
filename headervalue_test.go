package platformclient

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/purecloudgo/platformclient/runtime"
)

func TestCheckHeader(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		ok          bool
	}{
		{"X-Ok", "value with\ttab and üñíçødé", true},
		{"X-Ok", "", true},
		{"X-Bad", "a\r\nb", false},
		{"X-Bad", "a\nb", false},
		{"X-Bad", "a\x00b", false},
		{"X-Bad", "a\x01b", false},
		{"X-Bad", "a\x7f", false},
		{"Bad Name", "v", false},
		{"Bad:Name", "v", false},
		{"", "v", false},
		{"Bad\r\nName", "v", false},
	} {
		err := checkHeader("test", tc.name, tc.value)
		var he *HeaderError
		if tc.ok != (err == nil) || (err != nil && !errors.As(err, &he)) {
			t.Errorf("%q: %q: %v", tc.name, tc.value, err)
		}
		if err != nil && tc.value != "" && strings.Contains(err.Error(), tc.value) {
			t.Errorf("the message holds the value: %v", err)
		}
	}
}

// badHeaderClient returns a client of a server that counts its requests.
func badHeaderClient(tb testing.TB, opts ...Option) (*Client, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	tb.Cleanup(srv.Close)
	c, err := New(append([]Option{WithBaseURL(srv.URL), WithAccessToken("t")}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c, &hits
}

// BenchmarkRefuseBadHeader measures the time to refuse a CallHeader value
// with CR LF, and one set by a hook: one attempt, no wait, nothing sent.
func BenchmarkRefuseBadHeader(b *testing.B) {
	hook := WithPreRequestHook(func(r *http.Request) error { r.Header.Set("X-Trace", "a\r\nb"); return nil })
	for _, bc := range []struct {
		name string
		opts []Option
		call []CallOption
	}{
		{"CallHeader", nil, []CallOption{CallHeader("X-Trace", "a\r\nb")}},
		{"hook", []Option{hook}, nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c, hits := badHeaderClient(b, bc.opts...)
			ctx := context.Background()
			req := runtime.NewRequest("GET", "/api/v2/users/me")
			for b.Loop() {
				var he *HeaderError
				if err := c.Do(ctx, req, nil, bc.call...); !errors.As(err, &he) {
					b.Fatal(err)
				}
			}
			if hits.Load() != 0 {
				b.Fatalf("%d requests sent", hits.Load())
			}
		})
	}
}
