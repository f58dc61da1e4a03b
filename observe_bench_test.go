package platformclient

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient/runtime"
)

// cannedDoer answers every request with the same small JSON body, in
// memory, so that a benchmark measures the client and not the network.
type cannedDoer struct{}

func (cannedDoer) Do(r *http.Request) (*http.Response, error) {
	const body = `{"id":"u1","name":"Ada"}`
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// nopObserver follows every call and does nothing.
type nopObserver struct{}

func (nopObserver) StartCall(ctx context.Context, _ *CallInfo) (context.Context, CallObserver) {
	return ctx, nopObserver{}
}
func (nopObserver) Event(CallEvent) {}
func (nopObserver) End(CallResult)  {}

func benchmarkDo(b *testing.B, opts ...Option) {
	c, err := New(append([]Option{WithBaseURL("http://api.example.test"), WithAccessToken("t"), WithHTTPClient(cannedDoer{})}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var out struct{ ID, Name string }
	b.ReportAllocs()
	for b.Loop() {
		req := runtime.NewRequest("GET", "/api/v2/users/{userId}", "u1")
		req.Operation = "users.GetUser"
		if err := c.Do(ctx, req, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// The cost of a call without observers is what it was before observers
// existed; with one, StartCall's header map and the result capture.
func BenchmarkDoWithoutObserver(b *testing.B) { benchmarkDo(b) }
func BenchmarkDoWithObserver(b *testing.B)    { benchmarkDo(b, WithObserver(nopObserver{})) }

// BenchmarkDoPlainHTTP is the reference of BenchmarkDoWithoutObserver: the
// same request and decode written by hand on net/http and encoding/json,
// without the client's pacing, retries, logging or limits. Run both in one
// go (-bench 'Do(WithoutObserver|PlainHTTP)') and compare.
func BenchmarkDoPlainHTTP(b *testing.B) {
	var h HTTPDoer = cannedDoer{}
	ctx := context.Background()
	var out struct{ ID, Name string }
	b.ReportAllocs()
	for b.Loop() {
		req, err := http.NewRequestWithContext(ctx, "GET", "http://api.example.test/api/v2/users/"+url.PathEscape("u1"), nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer t")
		req.Header.Set("Accept", "application/json")
		resp, err := h.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			b.Fatal(resp.StatusCode, err)
		}
		if err := json.Unmarshal(data, &out); err != nil {
			b.Fatal(err)
		}
	}
}
