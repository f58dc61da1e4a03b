package runtime

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestEncodeBody checks the content type chosen for each kind of body.
func TestEncodeBody(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  Request
		data string
		ct   string
	}{
		{"none", Request{}, "", ""},
		{"nil pointer", Request{Body: (*struct{ A int })(nil)}, "", ""},
		{"json", Request{Body: map[string]int{"a": 1}}, `{"a":1}`, "application/json"},
		{"bytes", Request{Body: []byte{1, 2}}, "\x01\x02", "application/octet-stream"},
		{"text", Request{Body: "hi"}, "hi", "text/plain; charset=utf-8"},
		{"json string", Request{Body: "hi", ContentType: "application/json"}, `"hi"`, "application/json"},
		{"reader", Request{Body: strings.NewReader("r"), ContentType: "text/csv"}, "r", "text/csv"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.req.EncodeBody()
			if err != nil {
				t.Fatal(err)
			}
			if b == nil {
				if tc.ct != "" {
					t.Fatalf("no body, want %q", tc.data)
				}
				return
			}
			if string(b.Data) != tc.data || b.ContentType != tc.ct {
				t.Fatalf("got %q (%s), want %q (%s)", b.Data, b.ContentType, tc.data, tc.ct)
			}
		})
	}
	r := NewRequest("POST", "/x")
	r.FormValue("a", "1")
	r.FormFile("f", File{Name: "f.txt", Content: strings.NewReader("content")})
	b, err := r.EncodeBody()
	if err != nil || !strings.HasPrefix(b.ContentType, "multipart/form-data; boundary=") ||
		!strings.Contains(string(b.Data), `filename="f.txt"`) || !strings.Contains(string(b.Data), "content") {
		t.Fatalf("multipart: %v %q %q", err, b.ContentType, b.Data)
	}
}

// TestCursorLoop: a cursor handed out twice in a row ends the walk with
// ErrPageLoop; an empty Kind pages by number.
func TestCursorLoop(t *testing.T) {
	tok := "same"
	n := 0
	var last error
	for _, err := range Pages(context.Background(), PageSpec{Kind: Cursor},
		func(context.Context, PageRequest) (*int, error) { n++; return &n, nil },
		func(*int) PageInfo { return PageInfo{Items: 1, Cursor: &tok} }) {
		last = err
		if n > 5 {
			t.Fatal("endless walk")
		}
	}
	if !errors.Is(last, ErrPageLoop) {
		t.Fatalf("last error %v, want ErrPageLoop", last)
	}
	count, calls := 2, 0
	for _, err := range Pages(context.Background(), PageSpec{},
		func(_ context.Context, r PageRequest) (*int, error) { calls++; return &r.Number, nil },
		func(p *int) PageInfo { return PageInfo{Items: 1, PageNumber: p, PageCount: &count} }) {
		if err != nil {
			t.Fatal(err)
		}
	}
	if calls != 2 {
		t.Fatalf("%d pages fetched, want 2", calls)
	}
}
