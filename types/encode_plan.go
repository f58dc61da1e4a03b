package types

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// encoder appends the JSON text of one value to buf.
type encoder struct {
	buf   []byte
	depth int
}

// encodeFunc appends the JSON of the Go value of one type at p.
type encodeFunc func(e *encoder, p unsafe.Pointer) error

var encodePlans codecPlans[encodeFunc]

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	textAppender  = reflect.TypeFor[encoding.TextAppender]()
)

// encodeFuncFor returns the encoder of t, nil when the fast codec leaves t
// to the reference library.
func encodeFuncFor(t reflect.Type) encodeFunc {
	return encodePlans.get(t, func() *planBuild[encodeFunc] {
		b := &encodeBuilder{newPlanBuild(&encodePlans, func(slot *encodeFunc) encodeFunc {
			return func(e *encoder, p unsafe.Pointer) error { return (*slot)(e, p) }
		})}
		b.planBuild.make = b.make
		return &b.planBuild
	})
}

// encodeBuilder builds encoders; its methods build the kinds of Go types.
type encodeBuilder struct{ planBuild[encodeFunc] }

func (b *encodeBuilder) make(t reflect.Type) encodeFunc {
	switch t {
	case dateTimeType:
		return func(e *encoder, p unsafe.Pointer) error {
			dt := (*DateTime)(p)
			e.buf = append(e.buf, '"')
			e.buf = dt.appendText(e.buf)
			e.buf = append(e.buf, '"')
			return nil
		}
	case dateType, localDateTimeType, yearMonthType:
		return func(e *encoder, p unsafe.Pointer) error {
			text, _ := reflect.NewAt(t, p).Elem().Interface().(encoding.TextMarshaler).MarshalText()
			e.buf = append(append(append(e.buf, '"'), text...), '"')
			return nil
		}
	case anyType:
		return encodeAny
	}
	if hasCustomEncoding(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		return func(e *encoder, p unsafe.Pointer) error { return e.str(*(*string)(p)) }
	case reflect.Bool:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendBool(e.buf, *(*bool)(p))
			return nil
		}
	case reflect.Int:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendInt(e.buf, int64(*(*int)(p)), 10)
			return nil
		}
	case reflect.Int8:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendInt(e.buf, int64(*(*int8)(p)), 10)
			return nil
		}
	case reflect.Int16:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendInt(e.buf, int64(*(*int16)(p)), 10)
			return nil
		}
	case reflect.Int32:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendInt(e.buf, int64(*(*int32)(p)), 10)
			return nil
		}
	case reflect.Int64:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendInt(e.buf, *(*int64)(p), 10)
			return nil
		}
	case reflect.Uint:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendUint(e.buf, uint64(*(*uint)(p)), 10)
			return nil
		}
	case reflect.Uint8:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendUint(e.buf, uint64(*(*uint8)(p)), 10)
			return nil
		}
	case reflect.Uint16:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendUint(e.buf, uint64(*(*uint16)(p)), 10)
			return nil
		}
	case reflect.Uint32:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendUint(e.buf, uint64(*(*uint32)(p)), 10)
			return nil
		}
	case reflect.Uint64:
		return func(e *encoder, p unsafe.Pointer) error {
			e.buf = strconv.AppendUint(e.buf, *(*uint64)(p), 10)
			return nil
		}
	case reflect.Float32:
		return func(e *encoder, p unsafe.Pointer) error { return e.float(float64(*(*float32)(p)), 32) }
	case reflect.Float64:
		return func(e *encoder, p unsafe.Pointer) error { return e.float(*(*float64)(p), 64) }
	case reflect.Pointer:
		if t.Elem().Kind() == reflect.String && !hasCustomEncoding(t.Elem()) {
			return func(e *encoder, p unsafe.Pointer) error {
				if pp := *(**string)(p); pp != nil {
					return e.str(*pp)
				}
				e.buf = append(e.buf, "null"...)
				return nil
			}
		}
		elem := b.build(t.Elem())
		if elem == nil {
			return nil
		}
		return func(e *encoder, p unsafe.Pointer) error {
			pp := *(*unsafe.Pointer)(p)
			if pp == nil {
				e.buf = append(e.buf, "null"...)
				return nil
			}
			return e.nested(elem, pp)
		}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nil // base64 in the reference library
		}
		return b.slice(t)
	case reflect.Map:
		return b.mapOf(t)
	case reflect.Struct:
		return b.structOf(t)
	}
	return nil
}

// hasCustomEncoding reports whether t brings its own JSON or text encoding,
// which the reference library honours: MarshalJSONTo, MarshalJSON,
// AppendText or MarshalText.
func hasCustomEncoding(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonMarshaler) || pt.Implements(textAppender) || pt.Implements(textMarshaler) {
		return true
	}
	_, to := pt.MethodByName("MarshalJSONTo")
	return to
}

// nested encodes a value one level deeper, refusing cycles and absurd depth.
func (e *encoder) nested(f encodeFunc, p unsafe.Pointer) error {
	if e.depth++; e.depth > maxNesting {
		return errFast
	}
	err := f(e, p)
	e.depth--
	return err
}

// str appends s quoted, escaped as the reference library does; invalid
// UTF-8 is left to it (it reports an error).
func (e *encoder) str(s string) error {
	b := append(e.buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if !needsCare[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				return errFast
			}
			i += n
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			const hex = "0123456789abcdef"
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	e.buf = append(b, '"')
	return nil
}

// float appends f as the reference library does (ECMAScript style);
// NaN and infinities are left to it (it reports an error).
func (e *encoder) float(f float64, bits int) error {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return errFast
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b := strconv.AppendFloat(e.buf, f, format, -1, bits)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	e.buf = b
	return nil
}

func (b *encodeBuilder) slice(t reflect.Type) encodeFunc {
	elem := b.build(t.Elem())
	if elem == nil {
		return nil
	}
	size := t.Elem().Size()
	return func(e *encoder, p unsafe.Pointer) error {
		h := (*sliceHeader)(p)
		if e.depth++; e.depth > maxNesting {
			return errFast
		}
		e.buf = append(e.buf, '[')
		for i := 0; i < h.len; i++ {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := elem(e, unsafe.Add(h.data, uintptr(i)*size)); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, ']')
		e.depth--
		return nil
	}
}

// mapOf encodes maps with string keys, in sorted key order.
func (b *encodeBuilder) mapOf(t reflect.Type) encodeFunc {
	if t.Key().Kind() != reflect.String || hasCustomEncoding(t.Key()) {
		return nil
	}
	elem := b.build(t.Elem())
	if elem == nil {
		return nil
	}
	return func(e *encoder, p unsafe.Pointer) error {
		m := reflect.NewAt(t, p).Elem()
		if e.depth++; e.depth > maxNesting {
			return errFast
		}
		keys := m.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		e.buf = append(e.buf, '{')
		v := reflect.New(t.Elem())
		for i, k := range keys {
			if i > 0 {
				e.buf = append(e.buf, ',')
			}
			if err := e.str(k.String()); err != nil {
				return err
			}
			e.buf = append(e.buf, ':')
			v.Elem().Set(m.MapIndex(k))
			if err := elem(e, v.UnsafePointer()); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, '}')
		e.depth--
		return nil
	}
}

// encodeAny encodes the dynamic value of an interface.
func encodeAny(e *encoder, p unsafe.Pointer) error {
	switch v := (*(*any)(p)).(type) {
	case nil:
		e.buf = append(e.buf, "null"...)
		return nil
	case string:
		return e.str(v)
	case float64:
		return e.float(v, 64)
	case bool:
		e.buf = strconv.AppendBool(e.buf, v)
		return nil
	default:
		rv := reflect.ValueOf(v)
		f := encodeFuncFor(rv.Type())
		if f == nil {
			return errFast
		}
		c := reflect.New(rv.Type())
		c.Elem().Set(rv)
		return e.nested(f, c.UnsafePointer())
	}
}
