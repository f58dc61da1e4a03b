package types

import (
	"reflect"
	"sync"
	"sync/atomic"

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
// A fast decoder built per Go type handles the generated models decoded into
// zero values. Anything it does not handle, values that already hold data,
// and every error go to the reference library,
// github.com/go-json-experiment/json, so that an error names the JSON path of
// the bad value ("/entities/3/routingStatus/startTime") and unusual types
// keep their documented behaviour.
func Unmarshal(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	// A value that already holds data goes to the reference library, which
	// merges into it, also when the fast decoder would stop half-way.
	if rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().IsZero() {
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

// Marshal encodes v as JSON the way the client encodes every request body,
// and sends as an explicit null every JSON name listed in the NullFields of
// any struct inside v, at any depth; models.ToJSON uses it too.
//
// A fast encoder built per Go type handles the generated models. A value
// with a NullFields list set, a type it does not handle, and every error go
// to the reference library (github.com/go-json-experiment/json), which adds
// the nulls and writes the names of such values in sorted order.
func Marshal(v any) ([]byte, error) {
	if v != nil {
		t := reflect.TypeOf(v)
		if f := encodeFuncFor(t); f != nil {
			c := reflect.New(t) // addressable copy: a pointer, or the value itself
			c.Elem().Set(reflect.ValueOf(v))
			hint := sizeHint(t)
			e := encoder{buf: make([]byte, 0, min(hint.Load(), maxHint)+512)}
			if f(&e, c.UnsafePointer()) == nil {
				hint.Store(int64(len(e.buf)))
				return e.buf, nil
			}
		}
	}
	return marshalWithNulls(v)
}

var sizeHints sync.Map // reflect.Type -> *atomic.Int64

// maxHint bounds the buffer a size hint asks for: after one huge body, the
// next small one of the same type does not take as much memory.
const maxHint = 8 << 20

// sizeHint holds the length of the last JSON text encoded from a value of t,
// so that the next one is written into a buffer of the right size at once.
func sizeHint(t reflect.Type) *atomic.Int64 {
	if h, ok := sizeHints.Load(t); ok {
		return h.(*atomic.Int64)
	}
	h, _ := sizeHints.LoadOrStore(t, new(atomic.Int64))
	return h.(*atomic.Int64)
}
