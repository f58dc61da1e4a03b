package platformclient_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/downloads"
)

// GetDownload returns the signed URL of a download (the API answers with a
// redirect to it, which the client does not follow), and Client.Download
// streams the content from there, sending no credential to that host.
func ExampleClient_Download() {
	// Stand-ins for object storage and for the API.
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "recording bytes (Authorization sent: %t)\n", r.Header.Get("Authorization") != "")
	}))
	defer storage.Close()
	api := httptest.NewServer(http.RedirectHandler(storage.URL+"/rec.wav?signature=abc", http.StatusSeeOther))
	defer api.Close()

	c, err := platformclient.New(platformclient.WithBaseURL(api.URL), platformclient.WithAccessToken("token"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	u, err := downloads.NewClient(c).GetDownload(ctx, "download-id", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := c.Download(ctx, platformclient.Value(u.URL), os.Stdout); err != nil {
		fmt.Println(err)
	}
	// Output: recording bytes (Authorization sent: false)
}
