package sim

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/purecloudgo/platformclient/api/operations"
)

var patterns sync.Map // string -> *regexp.Regexp (nil when invalid)

func patternFor(p string) *regexp.Regexp {
	if v, ok := patterns.Load(p); ok {
		re, _ := v.(*regexp.Regexp)
		return re
	}
	re, err := regexp.Compile("^(?:" + p + ")$")
	if err != nil {
		re = nil
	}
	patterns.Store(p, re)
	return re
}

// validateParams checks the path, query and header parameters of a call
// against the operation's parameter list. It is liberal where the service
// is, and normalises the query in place so handlers see one form:
//
//   - an array parameter may come repeated (a=x&a=y), comma-joined (a=x,y,
//     as the public SDKs send whatever collectionFormat says), joined with
//     its declared separator, or any mix; it is stored repeated, and each
//     element is checked (against the enum, the type, ...);
//   - an empty value of an optional parameter (expand=, name=) is unset;
//   - 0 for an optional integer that must be positive, and for pageSize and
//     pageNumber, is unset (the Go SDK sends every unset integer as 0);
//   - booleans are true or false in any case (True, FALSE), stored in lower
//     case.
//
// Everything else is checked strictly: types, enums, minimum and maximum,
// lengths and patterns.
func validateParams(op *operations.Operation, vars map[string]string, q url.Values, h http.Header) *apiError {
	for i := range op.Params {
		p := &op.Params[i]
		var vals []string
		switch p.In {
		case "path":
			if v, ok := vars[p.Name]; ok {
				vals = []string{v}
			}
		case "query":
			vals = normaliseQuery(p, q)
		case "header":
			if v := h.Get(p.Name); v != "" {
				vals = []string{v}
			}
		default:
			continue
		}
		if len(vals) == 0 {
			if p.Required {
				return badRequest(p.Name, fmt.Sprintf("Missing required %s parameter %q.", p.In, p.Name))
			}
			continue
		}
		typ := p.Type
		if typ == "array" {
			typ = p.ItemsType
		}
		for _, v := range vals {
			if err := checkScalar(p, typ, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// normaliseQuery reads a query parameter the way the service does and
// stores it back in its canonical form (see validateParams); it returns the
// values to check, none when the parameter counts as unset.
func normaliseQuery(p *operations.Param, q url.Values) []string {
	raw, sent := q[p.Name]
	if !sent {
		return nil
	}
	var vals []string
	if p.Type == "array" {
		vals = splitJoined(raw, p.CollectionFormat)
	} else if len(raw) > 0 && raw[0] != "" {
		vals = raw[:1]
		switch {
		case p.Type == "boolean":
			vals = []string{strings.ToLower(raw[0])}
		case p.Type == "integer" && !p.Required && unsetInteger(p, raw[0]):
			vals = nil
		}
	}
	if len(vals) == 0 {
		delete(q, p.Name)
		return nil
	}
	q[p.Name] = vals
	return vals
}

// unsetInteger reports whether an integer value means "not set": 0 where
// the parameter must be positive, or for the paging parameters.
func unsetInteger(p *operations.Param, v string) bool {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n != 0 {
		return false
	}
	return p.Name == "pageSize" || p.Name == "pageNumber" || (p.Min != nil && *p.Min > 0)
}

// splitJoined splits array values on commas, and on the separator of
// format when it declares another (ssv, tsv, pipes); empty parts are
// dropped.
func splitJoined(vals []string, format string) []string {
	sep := ""
	switch format {
	case "ssv":
		sep = " "
	case "tsv":
		sep = "\t"
	case "pipes":
		sep = "|"
	}
	var out []string
	for _, v := range vals {
		for _, part := range strings.Split(v, ",") {
			if sep != "" {
				out = appendNonEmpty(out, strings.Split(part, sep)...)
			} else {
				out = appendNonEmpty(out, part)
			}
		}
	}
	return out
}

func appendNonEmpty(out []string, parts ...string) []string {
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func checkScalar(p *operations.Param, typ, v string) *apiError {
	bad := func(why string) *apiError {
		return badRequest(p.Name, fmt.Sprintf("Invalid %s parameter %q: %s.", p.In, p.Name, why))
	}
	var num float64
	isNum := false
	switch typ {
	case "integer":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return bad(fmt.Sprintf("%q is not an integer", v))
		}
		num, isNum = float64(n), true
	case "number":
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return bad(fmt.Sprintf("%q is not a number", v))
		}
		num, isNum = f, true
	case "boolean":
		if !strings.EqualFold(v, "true") && !strings.EqualFold(v, "false") {
			return bad(fmt.Sprintf("%q is not true or false", v))
		}
	default:
		if p.Min != nil || p.Max != nil { // a numeric string, e.g. pageSize typed as string
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				num, isNum = f, true
			} else {
				return bad(fmt.Sprintf("%q is not a number", v))
			}
		}
	}
	if len(p.Enum) > 0 {
		ok := false
		for _, e := range p.Enum {
			if e == v {
				ok = true
				break
			}
		}
		if !ok {
			return bad(fmt.Sprintf("%q is not one of [%s]", v, strings.Join(p.Enum, ", ")))
		}
	}
	if isNum {
		if p.Min != nil && num < *p.Min {
			return bad(fmt.Sprintf("%v is less than the minimum %v", v, *p.Min))
		}
		if p.Max != nil && num > *p.Max {
			return bad(fmt.Sprintf("%v is more than the maximum %v", v, *p.Max))
		}
	}
	if p.MinLength != nil && len(v) < *p.MinLength {
		return bad(fmt.Sprintf("shorter than %d characters", *p.MinLength))
	}
	if p.MaxLength != nil && len(v) > *p.MaxLength {
		return bad(fmt.Sprintf("longer than %d characters", *p.MaxLength))
	}
	if p.Pattern != "" {
		if re := patternFor(p.Pattern); re != nil && !re.MatchString(v) {
			return bad(fmt.Sprintf("%q does not match %s", v, p.Pattern))
		}
	}
	return nil
}

// strict rejects members the model does not have.
var strict = json.RejectUnknownMembers(true)

// decodeBody decodes and validates the request body of op. It returns the
// decoded value (a pointer to the body type), or nil when there is no body.
func decodeBody(op *operations.Operation, contentType string, data []byte) (any, *apiError) {
	if op.Body == nil || op.Body.New == nil {
		return nil, nil
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		if op.Body.Required {
			return nil, badRequest("body", "The request body is required.")
		}
		return nil, nil
	}
	v := op.Body.New()
	switch dst := v.(type) {
	case *string:
		if !strings.Contains(contentType, "json") {
			*dst = string(data)
			return v, nil
		}
	case *[]byte:
		*dst = data
		return v, nil
	}
	if contentType != "" && !strings.Contains(contentType, "json") {
		return nil, &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported.media.type",
			message: fmt.Sprintf("Content type %q is not supported; send application/json.", contentType)}
	}
	if err := json.Unmarshal(data, v, strict); err != nil {
		return nil, jsonError(err)
	}
	if e := checkModel(reflect.ValueOf(v), "", 0, lenientRequired[op.ID]); e != nil {
		return nil, e
	}
	return v, nil
}

// jsonError turns a decoding error into a 400 naming the field at fault.
func jsonError(err error) *apiError {
	var se *json.SemanticError
	if errors.As(err, &se) {
		field := pointerField(se.JSONPointer)
		switch {
		case errors.Is(se.Err, json.ErrUnknownName):
			return badRequest(field, fmt.Sprintf("Unrecognized field %q.", field))
		case se.GoType != nil && se.JSONKind != 0:
			return badRequest(field, fmt.Sprintf("Invalid value for field %q: cannot use JSON %s as %s.", fieldOrBody(field), kindName(se.JSONKind), goTypeName(se.GoType)))
		default:
			return badRequest(field, fmt.Sprintf("Invalid value for field %q.", fieldOrBody(field)))
		}
	}
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		field := pointerField(syn.JSONPointer)
		return badRequest(fieldOrBody(field), fmt.Sprintf("The request body is not valid JSON (near %s, byte %d).", fieldOrBody(field), syn.ByteOffset))
	}
	return badRequest("body", "The request body could not be read: "+err.Error())
}

func fieldOrBody(f string) string {
	if f == "" {
		return "body"
	}
	return f
}

func kindName(k jsontext.Kind) string {
	switch k {
	case 'n':
		return "null"
	case 'f', 't':
		return "boolean"
	case '"':
		return "string"
	case '0':
		return "number"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "value"
}

func goTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Map, reflect.Struct:
		if isTimeType(t) {
			return "date/time string"
		}
		return "object"
	}
	return t.String()
}

// pointerField renders a JSON pointer as a field path: /a/0/b -> a[0].b.
func pointerField(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && b.Len() > 0 {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func joinField(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// lenientRequired lists, by operation id, the body fields the definition
// marks required but the service does not insist on: the simulator follows
// the service.
var lenientRequired = map[string]map[string]bool{
	// The service puts a user created without divisionId in the home
	// division (the public SDKs' own tests create users with name, email
	// and password only).
	"postUsers": {"divisionId": true},
}

// checkModel checks required properties and enumerated values in a decoded
// body; optional names the field paths whose required mark is not
// enforced.
func checkModel(v reflect.Value, path string, depth int, optional map[string]bool) *apiError {
	if depth > 64 || !v.IsValid() {
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return checkModel(v.Elem(), path, depth+1, optional)
	case reflect.Struct:
		if isTimeType(v.Type()) || v.Type().PkgPath() != modelsPkg {
			return nil
		}
		si := infoFor(v.Type())
		for _, fi := range si.fields {
			fv := v.Field(fi.index)
			f := joinField(path, fi.json)
			if fi.required && !optional[f] && isMissing(fv) {
				return badRequest(f, fmt.Sprintf("Missing required field %q.", f))
			}
			if !fv.IsZero() {
				if e := checkModel(fv, f, depth+1, optional); e != nil {
					return e
				}
			}
		}
	case reflect.String:
		if isEnum(v.Type()) {
			vals := enumValues(v.Type())
			s := v.String()
			for _, k := range vals {
				if k == s {
					return nil
				}
			}
			return badRequest(fieldOrBody(path), fmt.Sprintf("Invalid value %q for field %q: must be one of [%s].", s, fieldOrBody(path), strings.Join(vals, ", ")))
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return nil
		}
		for i := 0; i < v.Len(); i++ {
			if e := checkModel(v.Index(i), fmt.Sprintf("%s[%d]", fieldOrBody(path), i), depth+1, optional); e != nil {
				return e
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if e := checkModel(iter.Value(), joinField(path, fmt.Sprint(iter.Key().Interface())), depth+1, optional); e != nil {
				return e
			}
		}
	}
	return nil
}

// isMissing reports whether a required field was absent (or null).
func isMissing(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Map:
		return v.IsNil()
	case reflect.Struct: // a nested model held by value: absent is zero
		return v.IsZero()
	}
	return false
}
