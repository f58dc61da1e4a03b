package sim

import (
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/purecloudgo/platformclient/api/operations"
)

// Request bodies: strict JSON decoding into the operation's model and the
// checks of required members and enumerated values.

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
	// Adding participants to a call sends only the participants to add.
	"postConversationsCallParticipants": {"startTime": true},
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
