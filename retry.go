package platformclient

import (
	"context"
	"net/http"
)

// send performs the attempts of one call and returns the final response with
// its body read and closed.
func (c *Client) send(ctx context.Context, cfg *settings, req *Request, u string, body *payload, co *callOptions) (*http.Response, []byte, error) {
	return c.attempt(ctx, cfg, req, u, body, co)
}
