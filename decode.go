package platformclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// errBodyCut is wrapped by the *TransportError of a 2xx response whose JSON
// body ends before its value does.
var errBodyCut = errors.New("response body cut short")

// decode is the last step of attempt n: it turns what came back into the
// call's result (decodeAPI, decodeToken) and returns the attempt's error.
func (k *call) decode(resp *http.Response, data []byte, err error, n int) error {
	if k.kind == KindToken {
		return k.decodeToken(resp, data, err)
	}
	return k.decodeAPI(resp, data, err, n)
}

// decodeAPI decodes a 2xx body into k.out. A body that ends early (short of
// its Content-Length, or a JSON value that breaks off) is a *TransportError,
// which the decider treats as a connection error; for an idempotent method
// it does not matter when the body is discarded (out nil). A complete body that does not decode is
// a *DecodeError. Other statuses are left to Do.
func (k *call) decodeAPI(resp *http.Response, data []byte, err error, n int) error {
	if err != nil {
		if resp != nil && k.out == nil && is2xx(resp.StatusCode) && idempotentMethod(strings.ToUpper(k.method)) {
			// The body is discarded: the 2xx status is the whole answer,
			// and a retry (a DELETE that finds nothing to delete) would
			// tell less than it.
			return nil
		}
		return err
	}
	if !is2xx(resp.StatusCode) {
		return nil
	}
	if n > 1 {
		resetOut(k.out) // drop what a cut body of an earlier attempt left
	}
	ct := resp.Header.Get("Content-Type")
	derr := decodeInto(k.out, data, ct)
	if derr == nil {
		return nil
	}
	if errors.Is(derr, io.ErrUnexpectedEOF) {
		return &TransportError{Method: k.method, URL: k.shown, Err: fmt.Errorf("%w: %w", errBodyCut, derr)}
	}
	b := data
	if len(b) > maxErrorBody {
		b = b[:maxErrorBody]
	}
	return &DecodeError{Method: k.method, URL: k.shown, StatusCode: resp.StatusCode,
		ContentType: ct, Body: b, Err: derr}
}

func is2xx(status int) bool { return status >= 200 && status <= 299 }

// resetOut sets the value out points to back to its zero value.
func resetOut(out any) {
	if out == nil {
		return
	}
	v := reflect.ValueOf(out)
	if v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
	}
}

// decodeInto stores a 2xx body in out.
func decodeInto(out any, data []byte, contentType string) error {
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = data
		return nil
	case *string:
		t := bytes.TrimSpace(data)
		if strings.Contains(contentType, "json") && len(t) > 0 && t[0] == '"' {
			return unmarshalJSON(t, o)
		}
		*o = string(data)
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil // an empty 2xx body leaves out as it is
	}
	return unmarshalJSON(data, out)
}

// decodeToken turns the answer of the token endpoint into k.tok, or into
// the *AuthError of a refusal or of a failed attempt. The context's error
// is returned as it is. No secret and no part of a body that could hold a
// token reaches the error.
func (k *call) decodeToken(resp *http.Response, data []byte, err error) error {
	r := k.token
	fail := func(e *AuthError) error {
		e.GrantType, e.URL = r.form.Get("grant_type"), k.shown
		e.Description = scrub(e.Description, r.secrets)
		e.Code = scrub(e.Code, r.secrets)
		return e
	}
	if err != nil {
		var (
			te *TransportError
			re *RedirectError
			tl *ResponseTooLargeError
			he *HeaderError
		)
		switch {
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			if errors.As(err, &te) { // an attempt of its own that timed out
				return fail(&AuthError{Err: te})
			}
			return err
		case errors.As(err, &re):
			// A login never follows a redirect (redirect.go): nothing was
			// sent to the Location, and whatever it serves is no token.
			e := &AuthError{StatusCode: re.StatusCode, Err: re}
			if re.StatusCode != 0 {
				e.Status = strconv.Itoa(re.StatusCode) + " " + http.StatusText(re.StatusCode)
			}
			return fail(e)
		case errors.As(err, &tl):
			return fail(&AuthError{StatusCode: tl.StatusCode, Status: statusOf(resp), Err: tl})
		case errors.As(err, &te):
			e := &AuthError{Err: te}
			if resp != nil {
				e.StatusCode, e.Status = resp.StatusCode, resp.Status
			}
			return fail(e)
		case errors.As(err, &he):
			return fail(&AuthError{Err: he})
		}
		return fail(&AuthError{Err: errors.New("cannot build the token request")})
	}
	e := &AuthError{StatusCode: resp.StatusCode, Status: resp.Status, CorrelationID: resp.Header.Get("ININ-Correlation-Id"),
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), k.clk.Now())}
	var body tokenResponse
	// The decoder's message may quote the body, which may hold a token:
	// only the fact that decoding failed is kept.
	decodeErr := json.Unmarshal(data, &body)
	if !is2xx(resp.StatusCode) {
		if decodeErr == nil {
			e.Code = body.Error
			e.Description = body.ErrorDescription
			if e.Description == "" {
				e.Description = body.Description
			}
		}
		return fail(e)
	}
	if decodeErr != nil {
		e.Err = errors.New("the token response is not valid JSON")
		return fail(e)
	}
	if body.AccessToken == "" {
		e.Err = errors.New("the token response has no access_token")
		return fail(e)
	}
	tok := Token{AccessToken: body.AccessToken, TokenType: body.TokenType, RefreshToken: body.RefreshToken}
	if body.ExpiresIn != "" {
		secs, err := strconv.ParseFloat(string(body.ExpiresIn), 64)
		if err != nil || secs < 0 || secs > 1e9 {
			e.Err = errors.New("the token response has an invalid expires_in")
			return fail(e)
		}
		tok.ExpiresIn = time.Duration(secs * float64(time.Second))
		tok.Expiry = k.c.auth.now().Add(tok.ExpiresIn)
	}
	k.tok = tok
	return nil
}

// statusOf returns resp's status line, or "" without a response.
func statusOf(resp *http.Response) string {
	if resp == nil {
		return ""
	}
	return resp.Status
}
