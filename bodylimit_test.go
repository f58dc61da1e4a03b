package platformclient

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
)

// lyingResponse announces 256 MiB and has 10 bytes.
func lyingResponse() *http.Response {
	return &http.Response{ContentLength: 256 << 20, Body: io.NopCloser(strings.NewReader("0123456789"))}
}

// readBody allocates from Content-Length at most preallocMax, so a lying
// length costs well under 1 MB.
func TestReadBodyDoesNotTrustContentLength(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	const n = 20
	for range n {
		data, err := readBody(lyingResponse(), 1<<30)
		if err != nil || string(data) != "0123456789" {
			t.Fatalf("%q, %v", data, err)
		}
	}
	runtime.ReadMemStats(&after)
	if per := (after.TotalAlloc - before.TotalAlloc) / n; per >= 1<<20 {
		t.Errorf("%d bytes per read, want under 1 MiB", per)
	}
	if a := testing.AllocsPerRun(10, func() { _, _ = readBody(lyingResponse(), 1<<30) }); a > 6 {
		t.Errorf("%.0f allocations per read", a)
	}
}

func TestReadBodyLimit(t *testing.T) {
	body := func(s string, length int64) *http.Response {
		return &http.Response{ContentLength: length, Body: io.NopCloser(strings.NewReader(s))}
	}
	for _, tc := range []struct {
		name   string
		resp   *http.Response
		limit  int64
		want   string
		tooBig bool
	}{
		{"exact length", body("hello", 5), 5, "hello", false},
		{"unknown length", body("hello", -1), 5, "hello", false},
		{"announced over the limit", body("hello", 6), 5, "", true},
		{"unannounced over the limit", body("hello!", -1), 5, "", true},
		{"length that lies low", body("hello!", 2), 5, "", true},
		{"empty", body("", 0), 5, "", false},
		{"large", body(strings.Repeat("x", 3*preallocMax), 3*preallocMax), 1 << 20, strings.Repeat("x", 3*preallocMax), false},
		{"HEAD", &http.Response{ContentLength: 1 << 40, Request: &http.Request{Method: http.MethodHead}, Body: http.NoBody}, 5, "", false},
	} {
		data, err := readBody(tc.resp, tc.limit)
		if tc.tooBig != errors.Is(err, errBodyTooLarge) || (!tc.tooBig && (err != nil || string(data) != tc.want)) {
			t.Errorf("%s: %q, %v", tc.name, data, err)
		}
	}
}

// The exact-length read needs one buffer of the body's size.
func TestReadBodyExactLengthOneBuffer(t *testing.T) {
	payload := bytes.Repeat([]byte("y"), 4000)
	a := testing.AllocsPerRun(20, func() {
		_, _ = readBody(&http.Response{ContentLength: int64(len(payload)), Body: io.NopCloser(bytes.NewReader(payload))}, 1<<20)
	})
	if a > 4 {
		t.Errorf("%.0f allocations", a)
	}
}

// BenchmarkReadBodyLyingContentLength measures a response that announces
// 256 MiB and sends 10 bytes (B/op is the figure: under 1 MB).
func BenchmarkReadBodyLyingContentLength(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := readBody(lyingResponse(), 1<<30); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadBody1MB measures an honest 1 MB body: about twice its size
// is allocated while it grows.
func BenchmarkReadBody1MB(b *testing.B) {
	payload := bytes.Repeat([]byte("z"), 1<<20)
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		resp := &http.Response{ContentLength: int64(len(payload)), Body: io.NopCloser(bytes.NewReader(payload))}
		if _, err := readBody(resp, DefaultMaxResponseSize); err != nil {
			b.Fatal(err)
		}
	}
}
