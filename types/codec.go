package types

import (
	"reflect"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// lenient accepts what real services sometimes send: duplicate object names
// (the last one wins) and invalid UTF-8 in strings (read as U+FFFD).
var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// Unmarshal decodes the JSON text data into v, a non-nil pointer, the way
// the client decodes every response body: unknown names are skipped, enum
// values newer than the SDK are kept as they are, duplicate names and
// invalid UTF-8 are accepted.
//
// A fast decoder built per Go type handles the generated models. Anything it
// does not handle, and every error, goes to the reference library,
// github.com/go-json-experiment/json, so that an error names the JSON path of
// the bad value ("/entities/3/routingStatus/startTime") and unusual types
// keep their documented behaviour.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		if f := decodeFuncFor(rv.Type().Elem()); f != nil {
			d := decoder{data: data}
			if f(&d, rv.UnsafePointer()) == nil && d.peek() == 0 && d.pos == len(data) {
				return nil
			}
			rv.Elem().SetZero()
		}
	}
	return json.Unmarshal(data, v, lenient)
}
