package platformclient

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/purecloudgo/platformclient/runtime"
)

// ErrPageLoop is returned by a page iterator (a generated <Method>Pages or
// <Method>Items method) when the server hands out the same continuation
// (nextUri or cursor) twice in a row, which would otherwise make the
// iteration endless. It is runtime.ErrPageLoop: errors.Is matches either.
var ErrPageLoop = runtime.ErrPageLoop

// GetURI sends a GET request for uri, a nextUri (or other *Uri field) of a
// listing, and decodes the response into out like Do. A relative uri such as
// "/api/v2/users?pageNumber=2" is resolved against the client's base URL.
// Of an absolute uri only the path and query are used: the request always
// goes to the client's base URL, so a listing cannot send the access token
// to another host.
func (c *Client) GetURI(ctx context.Context, uri string, out any, opts ...CallOption) error {
	u, err := url.Parse(strings.TrimSpace(uri))
	if err != nil {
		return fmt.Errorf("platformclient: invalid next URI %q: %w", uri, err)
	}
	path := u.EscapedPath()
	if path == "" {
		return fmt.Errorf("platformclient: next URI %q has no path", uri)
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	// The path is already escaped; hide braces from the template expansion.
	path = strings.NewReplacer("{", "%7B", "}", "%7D").Replace(path)
	req := &runtime.Request{Method: "GET", PathTemplate: path}
	if q := u.Query(); len(q) > 0 {
		req.Query = q
	}
	return c.Do(ctx, req, out, opts...)
}
