package platformclient

import (
	"context"
	"io"
	"net/http"
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
