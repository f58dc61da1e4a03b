package platformclient

import "errors"

// callName starts the text of an error about one call: the operation when
// the request names one ("users.GetUser: GET https://…"), so that logs
// group by operation rather than by a URL full of ids, and
// "platformclient: GET https://…" for a request built by hand.
func callName(operation, method, url string) string {
	if operation != "" {
		return operation + ": " + method + " " + url
	}
	return "platformclient: " + method + " " + url
}

// nameOperation sets the Operation of every *APIError, *DecodeError,
// *TransportError, *ResponseTooLargeError and *RedirectError in err's
// tree that has none. Each call builds its own errors, so none is shared.
func nameOperation(err error, operation string) {
	if err == nil || operation == "" {
		return
	}
	switch e := err.(type) {
	case *APIError:
		setIfEmpty(&e.Operation, operation)
	case *DecodeError:
		setIfEmpty(&e.Operation, operation)
	case *TransportError:
		setIfEmpty(&e.Operation, operation)
	case *ResponseTooLargeError:
		setIfEmpty(&e.Operation, operation)
	case *RedirectError:
		setIfEmpty(&e.Operation, operation)
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		nameOperation(u.Unwrap(), operation)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			nameOperation(e, operation)
		}
	}
}

// setIfEmpty sets *s to v unless *s is set already.
func setIfEmpty(s *string, v string) {
	if *s == "" {
		*s = v
	}
}

// redirectResponse is the response of the redirect behind err, for
// CaptureResponse: nil when err holds no *RedirectError with one.
func redirectResponse(err error, attempts int) *Response {
	var re *RedirectError
	if !errors.As(err, &re) || re.resp == nil {
		return nil
	}
	e := re.resp
	return &Response{StatusCode: e.StatusCode, Header: e.Header, CorrelationID: e.CorrelationID,
		Body: e.RawBody, RateLimit: e.RateLimit, Attempts: max(attempts, 1)}
}
