package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
)

// cannedTransport answers every request with the same body, so that the
// benchmark measures the client's request and decode path without a network.
type cannedTransport struct{ body []byte }

func (t cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Status: "200 OK", ContentLength: int64(len(t.body)), Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(t.body)), Request: r}, nil
}

// BenchmarkGetUsersThroughClient decodes the 1 MB listing through a generated
// method, the way users receive it.
func BenchmarkGetUsersThroughClient(b *testing.B) {
	data := usersJSON(b)
	c, err := platformclient.New(platformclient.WithAccessToken("t"),
		platformclient.WithHTTPClient(&http.Client{Transport: cannedTransport{data}}))
	if err != nil {
		b.Fatal(err)
	}
	u := users.NewClient(c)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		l, err := u.GetUsers(ctx, nil)
		if err != nil || len(l.Entities) != 500 {
			b.Fatal(err)
		}
	}
}
