package platformclient

import (
	"errors"
	"net/http"
)

// WithPreRequestHook adds a function called before every request the client
// sends, logins included, e.g. to check a certificate's revocation or to
// add a header. An error aborts the request: the call fails with an error
// that wraps it (errors.Is finds it). Hooks run in the order added.
func WithPreRequestHook(hook func(*http.Request) error) Option {
	return func(c *Client) error {
		if hook == nil {
			return errors.New("platformclient: nil pre-request hook")
		}
		c.setup.pre = append(c.setup.pre, hook)
		return nil
	}
}

// WithPostRequestHook adds a function called with every response the client
// receives, before its body is read, e.g. to inspect resp.TLS. An error
// fails the call with an error that wraps it. Hooks run in the order added.
func WithPostRequestHook(hook func(*http.Response) error) Option {
	return func(c *Client) error {
		if hook == nil {
			return errors.New("platformclient: nil post-request hook")
		}
		c.setup.post = append(c.setup.post, hook)
		return nil
	}
}

// hookedClient runs the hooks around another HTTPDoer.
type hookedClient struct {
	next HTTPDoer
	pre  []func(*http.Request) error
	post []func(*http.Response) error
}

func (h *hookedClient) Do(req *http.Request) (*http.Response, error) {
	for _, f := range h.pre {
		if err := f(req); err != nil {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, &HookError{Stage: "pre-request", Err: err}
		}
	}
	if isForeign(req) {
		stripForeign(req.Header) // a hook's headers stay with the API's host
	}
	if err := checkHeaders("pre-request hook", req.Header); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, &HookError{Stage: "pre-request", Err: err}
	}
	resp, err := h.next.Do(req)
	if err != nil {
		return nil, err
	}
	for _, f := range h.post {
		if err := f(resp); err != nil {
			resp.Body.Close()
			return nil, &HookError{Stage: "post-request", Err: err}
		}
	}
	return resp, nil
}

// HookError is the error of a pre- or post-request hook. The client never
// retries a request a hook refused.
type HookError struct {
	Stage string // "pre-request" or "post-request"
	Err   error
}

// Error names the hook stage and the hook's error.
func (e *HookError) Error() string { return e.Stage + " hook: " + e.Err.Error() }

// Unwrap returns the hook's error.
func (e *HookError) Unwrap() error { return e.Err }
