package hostile_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/downloads"
	"github.com/purecloudgo/platformclient/api/users"
)

// answer is a RoundTripper that answers every request with the same
// status, headers and body, as a fuzzed server would.
type answer struct {
	status int
	header http.Header
	length int64
	body   []byte
}

func (a answer) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		r.Body.Close()
	}
	return &http.Response{StatusCode: a.status, Status: strconv.Itoa(a.status) + " fuzzed",
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: a.header.Clone(),
		ContentLength: a.length, Body: io.NopCloser(bytes.NewReader(a.body)), Request: r}, nil
}

// fuzzedAnswer builds an answer: status folded into 100..599, header lines
// "Name: value" (anything goes), and a Content-Length that may lie.
func fuzzedAnswer(status int, header string, body []byte) answer {
	a := answer{status: 100 + (status%500+500)%500, header: http.Header{}, length: -1, body: body}
	for _, line := range strings.Split(header, "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		a.header[k] = append(a.header[k], strings.TrimSpace(v))
		if strings.EqualFold(k, "Content-Length") {
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && n >= 0 {
				a.length = n
			}
		}
	}
	return a
}

// FuzzGeneratedMethod feeds arbitrary statuses, headers and bodies to
// generated methods through a RoundTripper: no panic, and always either a
// value or an error, never both.
func FuzzGeneratedMethod(f *testing.F) {
	f.Add(200, "Content-Type: application/json", []byte(`{"id":"u1","name":"Ann","presence":{"presenceDefinition":{"systemPresence":"Available"}}}`))
	f.Add(200, "Content-Type: application/json\nContent-Length: 268435456", []byte(`{"id":"u1"}`))
	f.Add(302, "Location: https://storage.example.test/x?sig=1", []byte(nil))
	f.Add(307, "Location: file:///etc/passwd", []byte(nil))
	f.Add(301, "Location: http://[::1", []byte(nil))
	f.Add(404, "Content-Type: application/json", []byte(`{"message":"no","code":"not.found","status":404}`))
	f.Add(429, "Retry-After: 99999999999", []byte(`{}`))
	f.Add(200, "Content-Type: text/html", []byte(`<html>`))
	f.Add(200, "", []byte(`{"entities":[{"id":"a"},{"id":1}],"pageSize":"x"}`))
	f.Fuzz(func(t *testing.T, status int, header string, body []byte) {
		a := fuzzedAnswer(status, header, body)
		c, err := platformclient.New(platformclient.WithBaseURL("https://api.example.test"),
			platformclient.WithAccessToken("tok"),
			platformclient.WithHTTPClient(&http.Client{Transport: a}),
			platformclient.WithRetryPolicy(platformclient.RetryPolicy{RetryMax: -1}),
			platformclient.WithMaxResponseSize(1<<16))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		u, err := users.NewClient(c).GetUser(ctx, "u1", nil)
		if (u == nil) == (err == nil) {
			t.Fatalf("GetUser: value %v and error %v", u, err)
		}
		l, err := users.NewClient(c).GetUsers(ctx, nil)
		if (l == nil) == (err == nil) {
			t.Fatalf("GetUsers: value %v and error %v", l, err)
		}
		d, err := downloads.NewClient(c).GetDownload(ctx, "d1", nil)
		if (d == nil) == (err == nil) {
			t.Fatalf("GetDownload: value %v and error %v", d, err)
		}
		if err == nil && a.status >= 300 && a.status < 400 && !strings.HasPrefix(platformclient.Value(d.URL), "http") {
			t.Fatalf("GetDownload returned the URL %q", platformclient.Value(d.URL))
		}
	})
}
