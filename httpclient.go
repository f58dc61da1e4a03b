package platformclient

// HTTPClient returns the HTTPDoer the client sends requests through (an
// *http.Client unless WithHTTPClient set another), so that companion
// packages such as notifications can open connections with the same proxy
// and TLS settings.
func (c *Client) HTTPClient() HTTPDoer { return c.httpClient }
