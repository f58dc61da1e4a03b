package platformclient

// HTTPClient returns the HTTPDoer the client sends requests through, so
// that companion packages such as notifications can open connections with
// the same proxy and TLS settings. It is an *http.Client with the client's
// redirect policy (a copy of the one given to WithHTTPClient, if any),
// unless WithHTTPClient gave another HTTPDoer or hooks are set.
func (c *Client) HTTPClient() HTTPDoer { return c.httpClient }
