package platformclient

import (
	"strings"

	"github.com/purecloudgo/platformclient/runtime"
)

// newAPICall builds the call of req: its URL, its body encoded once (to be
// sent again on retry), the retry policy and the decider.
func (c *Client) newAPICall(cfg *settings, req *runtime.Request, out any, co *callOptions) (*call, error) {
	path, err := req.Path()
	if err != nil {
		return nil, err
	}
	u := cfg.baseURL + path
	if len(req.Query) > 0 {
		u += "?" + req.Query.Encode()
	}
	body, err := encodeBody(req)
	if err != nil {
		return nil, err
	}
	pol := cfg.retry.merge(co.retry).withDefaults()
	clk := clockOf(cfg)
	return &call{c: c, cfg: cfg, kind: KindAPI, method: req.Method, url: u, shown: redactURL(u),
		req: req, out: out, body: body, co: co, clk: clk, pol: pol,
		replayable: pol.RetryNonIdempotent || co.idempotent || idempotentMethod(strings.ToUpper(req.Method)),
		decide:     decideAPI, start: clk.Now()}, nil
}

// encodeBody renders the body once (runtime.Request.EncodeBody) so that it
// can be sent again on retry.
func encodeBody(req *runtime.Request) (*payload, error) {
	b, err := req.EncodeBody()
	if err != nil || b == nil {
		return nil, err
	}
	return &payload{data: b.Data, contentType: b.ContentType}, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
