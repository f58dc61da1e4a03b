package platformclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrorBody is the JSON error body of the Genesys Cloud Platform API.
type ErrorBody struct {
	Message           string            `json:"message,omitempty"`
	Code              string            `json:"code,omitempty"`
	Status            int               `json:"status,omitempty"`
	EntityID          string            `json:"entityId,omitempty"`
	EntityName        string            `json:"entityName,omitempty"`
	MessageWithParams string            `json:"messageWithParams,omitempty"`
	MessageParams     map[string]string `json:"messageParams,omitempty"`
	ContextID         string            `json:"contextId,omitempty"`
	Details           []ErrorDetail     `json:"details,omitempty"`
	Errors            []ErrorBody       `json:"errors,omitempty"`
	Limit             *ErrorLimit       `json:"limit,omitempty"`
}

// ErrorDetail is one entry of ErrorBody.Details.
type ErrorDetail struct {
	ErrorCode  string `json:"errorCode,omitempty"`
	FieldName  string `json:"fieldName,omitempty"`
	EntityID   string `json:"entityId,omitempty"`
	EntityName string `json:"entityName,omitempty"`
}

// ErrorLimit describes the limit a request exceeded.
type ErrorLimit struct {
	Key       string  `json:"key,omitempty"`
	Namespace string  `json:"namespace,omitempty"`
	Value     float64 `json:"value,omitempty"`
}

// RateLimit is what the inin-ratelimit-* response headers said.
type RateLimit struct {
	Count   int           // inin-ratelimit-count
	Allowed int           // inin-ratelimit-allowed
	Reset   time.Duration // inin-ratelimit-reset
}

// APIError is the error of a call that reached the API and got a non-2xx
// status. Use errors.As to get it from any error the client returns.
type APIError struct {
	// Operation names the operation of a generated method ("users.GetUser");
	// "" for a request built by hand. The error's text starts with it.
	Operation     string
	StatusCode    int
	Status        string // e.g. "404 Not Found"
	Method        string
	URL           string
	Body          ErrorBody // decoded Genesys error body; zero when the body was not JSON
	RawBody       []byte    // the body as received (truncated at 64 KiB)
	ContentType   string
	CorrelationID string        // ININ-Correlation-Id header (equals Body.ContextID)
	RetryAfter    time.Duration // Retry-After header; 0 when absent
	RateLimit     *RateLimit    // nil when the response had no rate-limit headers
	Attempts      int           // attempts made, retries included
	Header        http.Header
}

// Error names the call, the HTTP status and the service's message.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", callName(e.Operation, e.Method, e.URL), e.Status)
	if e.Body.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Body.Code)
	}
	if e.Body.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Body.Message)
	} else if len(e.RawBody) > 0 && e.Body.Code == "" {
		snippet := strings.Join(strings.Fields(string(e.RawBody)), " ")
		if len(snippet) > 120 {
			snippet = snippet[:120] + "…"
		}
		fmt.Fprintf(&b, ": non-JSON body %q", snippet)
	}
	if e.CorrelationID != "" {
		fmt.Fprintf(&b, " [correlation id %s]", e.CorrelationID)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " [retry after %s]", e.RetryAfter)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " [after %d attempts]", e.Attempts)
	}
	return b.String()
}

const maxErrorBody = 64 << 10

// newAPIError builds the error of a non-2xx response from its body.
func newAPIError(resp *http.Response, body []byte, method, url string) *APIError {
	e := &APIError{
		StatusCode:    resp.StatusCode,
		Status:        resp.Status,
		Method:        method,
		URL:           url,
		ContentType:   resp.Header.Get("Content-Type"),
		CorrelationID: resp.Header.Get("ININ-Correlation-Id"),
		Header:        resp.Header,
		Attempts:      1,
	}
	if e.Status == "" {
		e.Status = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if len(body) > maxErrorBody {
		body = body[:maxErrorBody]
	}
	e.RawBody = body
	trimmed := strings.TrimSpace(string(body))
	if strings.HasPrefix(trimmed, "{") {
		_ = json.Unmarshal(body, &e.Body) // a body that is not a Genesys error keeps only RawBody
	}
	if e.CorrelationID == "" {
		e.CorrelationID = e.Body.ContextID
	}
	e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	e.RateLimit = parseRateLimit(resp.Header)
	return e
}

// maxRetryAfterSecs bounds the seconds of Retry-After and
// inin-ratelimit-reset (a year), so that an absurd value cannot overflow a
// time.Duration into a negative one.
const maxRetryAfterSecs = 365 * 24 * 3600

// parseRetryAfter reads a Retry-After header in seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(min(secs, maxRetryAfterSecs) * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

func parseRateLimit(h http.Header) *RateLimit {
	c, a, r := h.Get("inin-ratelimit-count"), h.Get("inin-ratelimit-allowed"), h.Get("inin-ratelimit-reset")
	if c == "" && a == "" && r == "" {
		return nil
	}
	rl := &RateLimit{}
	rl.Count, _ = strconv.Atoi(c)
	rl.Allowed, _ = strconv.Atoi(a)
	if secs, err := strconv.ParseFloat(r, 64); err == nil && secs > 0 {
		rl.Reset = time.Duration(min(secs, maxRetryAfterSecs) * float64(time.Second))
	}
	return rl
}

// StatusCode returns the HTTP status of an *APIError in err's chain, or 0.
func StatusCode(err error) int {
	var e *APIError
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports whether err is an API error with status 404.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

// IsConflict reports whether err is an API error with status 409.
func IsConflict(err error) bool { return StatusCode(err) == http.StatusConflict }

// IsUnauthorized reports whether err is an API error with status 401.
func IsUnauthorized(err error) bool { return StatusCode(err) == http.StatusUnauthorized }

// IsRateLimited reports whether err is an API error with status 429, or a
// *RateLimitError: a call that did not get its turn under the client's
// pacing.
func IsRateLimited(err error) bool {
	var rl *RateLimitError
	return StatusCode(err) == http.StatusTooManyRequests || errors.As(err, &rl)
}

// DecodeError reports a 2xx response whose body could not be decoded into
// the result type.
type DecodeError struct {
	// Operation names the operation of a generated method ("users.GetUser");
	// "" for a request built by hand. The error's text starts with it.
	Operation   string
	Method      string
	URL         string
	StatusCode  int
	ContentType string
	Body        []byte // up to 64 KiB of the body
	Err         error
}

// Error names the call and where its response failed to decode.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s: decode %d response (%s): %v", callName(e.Operation, e.Method, e.URL), e.StatusCode, e.ContentType, e.Err)
}

// Unwrap returns the decoder's error.
func (e *DecodeError) Unwrap() error { return e.Err }
