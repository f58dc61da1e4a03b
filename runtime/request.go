package runtime

import (
	"encoding"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// Request is one API call as the generated methods describe it; the root
// package's Client.Do sends it. Users only need it to call an operation by
// hand, one the generated packages do not have yet.
type Request struct {
	// Operation names the operation as package.Method, e.g.
	// "users.GetUser", for observers (WithObserver) and for the errors of
	// the call, whose text starts with it; the generated methods set it.
	Operation    string
	Method       string
	PathTemplate string   // e.g. "/api/v2/users/{userId}"
	PathValues   []string // values of the template's variables, in order
	Query        url.Values
	Headers      http.Header
	Body         any    // JSON-encoded unless it is []byte, string or io.Reader
	Accept       string // default "application/json"
	ContentType  string // default "application/json" for bodies
	Form         url.Values
	Files        []FormFile
	// RedirectField makes a redirect the result of a GET whose answer is a
	// redirect to a URL (downloads.GetDownload with issueRedirect): out
	// receives the JSON object {RedirectField: Location} instead of the
	// call failing with *RedirectError. The redirect is not followed.
	RedirectField string
	err           error
}

// File is the content of a form file parameter. The root package names it
// platformclient.File, which is the name the generated methods use.
type File struct {
	Name    string // file name sent in the multipart header
	Content io.Reader
}

// FormFile is a file part of a multipart request.
type FormFile struct {
	Field string // the form field's name
	File  File
}

// NewRequest starts a request for a path template and the values of its
// variables, in order. Values are path-escaped when the request is sent.
func NewRequest(method, pathTemplate string, pathValues ...any) *Request {
	r := &Request{Method: method, PathTemplate: pathTemplate}
	for _, v := range pathValues {
		s, _, ok := formatValue(v) // a nil pointer gives "", refused by Path
		if !ok {
			r.err = fmt.Errorf("platformclient: path parameter of %s has unsupported type %T", pathTemplate, v)
		}
		r.PathValues = append(r.PathValues, s)
	}
	return r
}

// Path returns the escaped path with its variables filled in, or a
// *ParamError naming a variable whose value is empty or only dots ("." and
// ".." would address another resource on any server or proxy that cleans
// paths, and url.PathEscape leaves dots as they are).
func (r *Request) Path() (string, error) {
	if r.err != nil {
		return "", r.err
	}
	var b strings.Builder
	rest := r.PathTemplate
	i := 0
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			b.WriteString(rest)
			break
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			b.WriteString(rest)
			break
		}
		name := rest[open+1 : open+end]
		b.WriteString(rest[:open])
		if i >= len(r.PathValues) || r.PathValues[i] == "" {
			return "", &ParamError{Name: name, In: "path", Reason: "must not be empty"}
		}
		if strings.Trim(r.PathValues[i], ".") == "" {
			return "", &ParamError{Name: name, In: "path", Reason: `must not be "." or ".." (or only dots): it would address another resource`}
		}
		b.WriteString(url.PathEscape(r.PathValues[i]))
		i++
		rest = rest[open+end+1:]
	}
	return b.String(), nil
}

// ParamError reports a parameter that cannot be sent; the call fails
// before anything is sent. The root package names it
// platformclient.ParamError too.
type ParamError struct {
	Name   string // the parameter's name, e.g. "userId"
	In     string // where it goes: "path" (the only place checked today)
	Reason string // why it cannot be sent, e.g. "must not be empty"
}

// Error returns the text "platformclient: <In> parameter <Name> <Reason>".
func (e *ParamError) Error() string {
	return fmt.Sprintf("platformclient: %s parameter %q %s", e.In, e.Name, e.Reason)
}

// AddQuery adds a query parameter; nil pointers and empty slices are skipped and
// slices are sent as repeated parameters (collectionFormat multi).
func (r *Request) AddQuery(name string, v any) {
	r.addValues(&r.Query, name, v, "")
}

// QueryJoined adds a slice query parameter joined by sep (collectionFormat
// csv, ssv, tsv or pipes).
func (r *Request) QueryJoined(name string, v any, sep string) {
	r.addValues(&r.Query, name, v, sep)
}

// SetHeader sets a header parameter unless v is a nil pointer.
func (r *Request) SetHeader(name string, v any) {
	vals, _ := values(v)
	if len(vals) == 0 {
		return
	}
	if r.Headers == nil {
		r.Headers = http.Header{}
	}
	r.Headers.Set(name, strings.Join(vals, ","))
}

// FormValue adds a form parameter; the body is sent form-encoded, or as
// multipart when the request also has files.
func (r *Request) FormValue(name string, v any) {
	r.addValues(&r.Form, name, v, "")
}

// FormFile adds a file to a multipart request.
func (r *Request) FormFile(name string, f any) {
	switch f := f.(type) {
	case File:
		r.Files = append(r.Files, FormFile{Field: name, File: f})
	case *File:
		if f != nil {
			r.Files = append(r.Files, FormFile{Field: name, File: *f})
		}
	}
}

func (r *Request) addValues(dst *url.Values, name string, v any, sep string) {
	vals, ok := values(v)
	if !ok && r.err == nil {
		r.err = fmt.Errorf("platformclient: parameter %q has unsupported type %T", name, v)
	}
	if len(vals) == 0 {
		return
	}
	if *dst == nil {
		*dst = url.Values{}
	}
	if sep != "" {
		(*dst)[name] = append((*dst)[name], strings.Join(vals, sep))
		return
	}
	(*dst)[name] = append((*dst)[name], vals...)
}

// values renders a parameter value as strings; no strings means "not set",
// false means the type is not supported.
func values(v any) ([]string, bool) {
	switch v := v.(type) {
	case nil:
		return nil, true
	case []string:
		return v, true
	case []int:
		return mapSlice(v, strconv.Itoa), true
	case []int64:
		return mapSlice(v, func(x int64) string { return strconv.FormatInt(x, 10) }), true
	case []int32:
		return mapSlice(v, func(x int32) string { return strconv.FormatInt(int64(x), 10) }), true
	case []float64:
		return mapSlice(v, func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }), true
	case []float32:
		return mapSlice(v, func(x float32) string { return strconv.FormatFloat(float64(x), 'g', -1, 32) }), true
	case []bool:
		return mapSlice(v, strconv.FormatBool), true
	}
	s, set, ok := formatValue(v)
	if !set || !ok {
		return nil, ok
	}
	return []string{s}, true
}

func mapSlice[T any](v []T, f func(T) string) []string {
	if len(v) == 0 {
		return nil
	}
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = f(x)
	}
	return out
}

// formatValue renders one scalar or a pointer to one. set is false for a
// nil pointer (the parameter is not sent); ok is false for a type that
// cannot be a parameter.
func formatValue(v any) (s string, set, ok bool) {
	switch v := v.(type) {
	case string:
		return v, true, true
	case int:
		return strconv.Itoa(v), true, true
	case int32:
		return strconv.FormatInt(int64(v), 10), true, true
	case int64:
		return strconv.FormatInt(v, 10), true, true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true, true
	case float32:
		return strconv.FormatFloat(float64(v), 'g', -1, 32), true, true
	case bool:
		return strconv.FormatBool(v), true, true
	case *string:
		return formatPointer(v)
	case *int:
		return formatPointer(v)
	case *int32:
		return formatPointer(v)
	case *int64:
		return formatPointer(v)
	case *float64:
		return formatPointer(v)
	case *float32:
		return formatPointer(v)
	case *bool:
		return formatPointer(v)
	case encoding.TextMarshaler:
		if isNilPointer(v) {
			return "", false, true
		}
		b, err := v.MarshalText()
		return string(b), true, err == nil
	case fmt.Stringer:
		if isNilPointer(v) {
			return "", false, true
		}
		return v.String(), true, true
	}
	return "", false, false
}

func formatPointer[T any](p *T) (string, bool, bool) {
	if p == nil {
		return "", false, true
	}
	return formatValue(*p)
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
