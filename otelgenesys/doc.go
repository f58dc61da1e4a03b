// Package otelgenesys traces and measures the calls of a platformclient
// Client with OpenTelemetry. It is a module of its own, so that programs
// that do not use OpenTelemetry do not depend on it:
//
//	go get github.com/purecloudgo/platformclient/otelgenesys
//
// Add it to a client with one option:
//
//	c, err := platformclient.New(platformclient.WithEnvironment(), otelgenesys.ClientOption())
//
// Each call becomes a client span named after its operation
// ("users.GetUser"; "GET /api/v2/users/{userId}" for a request built by
// hand), with the operation in genesys.operation (when it has one) and
// the HTTP semantic-convention attributes http.request.method,
// url.template, server.address, server.port, http.response.status_code,
// http.request.resend_count and error.type, and genesys.correlation_id
// (the ININ-Correlation-Id that Genesys Cloud support asks for) and
// genesys.attempts. Retries, Retry-After waits and the client's own
// rate-limit pauses are span events ("retry", "retry_after",
// "rate_limit_wait") with genesys.attempt, genesys.wait (seconds) and the
// status that caused them. Token requests are spans of their own named
// "oauth.token", with genesys.oauth.grant_type; a renewal during a call is
// a child of the call's span. Every request carries the span's W3C
// traceparent.
//
// Metrics:
//
//	http.client.request.duration  histogram, s, per HTTP request (each attempt, token requests too):
//	                              http.request.method, server.address, server.port,
//	                              http.response.status_code, error.type
//	genesys.client.call.duration  histogram, s: genesys.operation, http.request.method, genesys.status_class
//	genesys.client.call.retries   counter: genesys.operation, genesys.retry.kind
//	genesys.client.rate_limited   counter of 429 responses: genesys.operation
//	genesys.client.token.requests counter: genesys.oauth.grant_type, genesys.status_class
//
// RegisterRateLimitMetrics adds gauges of a client's rate-limit pacing
// state (allowed, remaining, waiting, rate, held).
//
// genesys.status_class is "2xx", "3xx", "4xx", "5xx", or "error" when no
// response came. No attribute holds a secret, an error message or a
// query string: only names, templates, codes, counts and durations.
package otelgenesys
