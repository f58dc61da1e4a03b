package types

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
	"unsafe"
)

// decodeFunc decodes the JSON value at the decoder's position into the Go
// value of one type at p.
type decodeFunc func(d *decoder, p unsafe.Pointer) error

var decodePlans codecPlans[decodeFunc]

var (
	dateTimeType      = reflect.TypeFor[DateTime]()
	dateType          = reflect.TypeFor[Date]()
	localDateTimeType = reflect.TypeFor[LocalDateTime]()
	yearMonthType     = reflect.TypeFor[YearMonth]()
	anyType           = reflect.TypeFor[any]()
	stringType        = reflect.TypeFor[string]()
	jsonUnmarshaler   = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler   = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decodeFuncFor returns the decoder of t, nil when the fast codec leaves t
// to the reference library.
func decodeFuncFor(t reflect.Type) decodeFunc {
	return decodePlans.get(t, func() *planBuild[decodeFunc] {
		b := &decodeBuilder{newPlanBuild(&decodePlans, func(slot *decodeFunc) decodeFunc {
			return func(d *decoder, p unsafe.Pointer) error { return (*slot)(d, p) }
		})}
		b.planBuild.make = b.make
		return &b.planBuild
	})
}

// decodeBuilder builds decoders; its methods build the kinds of Go types.
type decodeBuilder struct{ planBuild[decodeFunc] }

func (b *decodeBuilder) make(t reflect.Type) decodeFunc {
	switch t {
	case dateTimeType:
		return decodeText(func(s string, p unsafe.Pointer) (err error) { *(*DateTime)(p), err = ParseDateTime(s); return })
	case dateType:
		return decodeText(func(s string, p unsafe.Pointer) (err error) { *(*Date)(p), err = ParseDate(s); return })
	case localDateTimeType:
		return decodeText(func(s string, p unsafe.Pointer) (err error) {
			*(*LocalDateTime)(p), err = ParseLocalDateTime(s)
			return
		})
	case yearMonthType:
		return decodeText(func(s string, p unsafe.Pointer) (err error) { *(*YearMonth)(p), err = ParseYearMonth(s); return })
	case anyType:
		return func(d *decoder, p unsafe.Pointer) (err error) {
			if *(*any)(p) != nil {
				return errFast // merging into a value held is the reference library's
			}
			*(*any)(p), err = d.anyValue()
			return err
		}
	}
	if hasCustomJSON(t) {
		return nil
	}
	switch t.Kind() {
	case reflect.String:
		return decodeString
	case reflect.Bool:
		return decodeBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return decodeInt(t.Kind(), t.Bits())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return decodeUint(t.Kind(), t.Bits())
	case reflect.Float32:
		return decodeFloat32
	case reflect.Float64:
		return decodeFloat64
	case reflect.Pointer:
		return b.pointer(t)
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

// hasCustomJSON reports whether t brings its own JSON or text decoding,
// which the reference library honours.
func hasCustomJSON(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	if pt.Implements(jsonUnmarshaler) || pt.Implements(textUnmarshaler) {
		return true
	}
	_, from := pt.MethodByName("UnmarshalJSONFrom")
	return from
}

func decodeText(parse func(s string, p unsafe.Pointer) error) decodeFunc {
	return func(d *decoder, p unsafe.Pointer) error {
		switch d.peek() {
		case 'n':
			return errFast // the reference library reports null here
		case '"':
		default:
			return errFast
		}
		s, err := d.str()
		if err != nil {
			return err
		}
		if parse(bytesString(s), p) != nil {
			return errFast
		}
		return nil
	}
}

func decodeString(d *decoder, p unsafe.Pointer) error {
	switch d.peek() {
	case '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		*(*string)(p) = d.keep(s)
		return nil
	case 'n':
		*(*string)(p) = ""
		return d.literal("null")
	}
	return errFast
}

func decodeBool(d *decoder, p unsafe.Pointer) error {
	switch d.peek() {
	case 't':
		*(*bool)(p) = true
		return d.literal("true")
	case 'f':
		*(*bool)(p) = false
		return d.literal("false")
	case 'n':
		*(*bool)(p) = false
		return d.literal("null")
	}
	return errFast
}

// numberText reads a number, or null (reported as nil text).
func (d *decoder) numberText() ([]byte, bool, error) {
	switch c := d.peek(); {
	case c == 'n':
		return nil, true, d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	}
	return nil, false, errFast
}

func decodeInt(k reflect.Kind, bits int) decodeFunc {
	return func(d *decoder, p unsafe.Pointer) error {
		text, integer, err := d.numberText()
		if err != nil || !integer {
			return errFast
		}
		var n int64
		if text != nil {
			if n, err = strconv.ParseInt(bytesString(text), 10, bits); err != nil {
				return errFast
			}
		}
		switch k {
		case reflect.Int:
			*(*int)(p) = int(n)
		case reflect.Int8:
			*(*int8)(p) = int8(n)
		case reflect.Int16:
			*(*int16)(p) = int16(n)
		case reflect.Int32:
			*(*int32)(p) = int32(n)
		default:
			*(*int64)(p) = n
		}
		return nil
	}
}

func decodeUint(k reflect.Kind, bits int) decodeFunc {
	return func(d *decoder, p unsafe.Pointer) error {
		text, integer, err := d.numberText()
		if err != nil || !integer {
			return errFast
		}
		var n uint64
		if text != nil {
			if n, err = strconv.ParseUint(bytesString(text), 10, bits); err != nil {
				return errFast
			}
		}
		switch k {
		case reflect.Uint:
			*(*uint)(p) = uint(n)
		case reflect.Uint8:
			*(*uint8)(p) = uint8(n)
		case reflect.Uint16:
			*(*uint16)(p) = uint16(n)
		case reflect.Uint32:
			*(*uint32)(p) = uint32(n)
		default:
			*(*uint64)(p) = n
		}
		return nil
	}
}

func (d *decoder) float(bits int) (float64, error) {
	text, _, err := d.numberText()
	if err != nil || text == nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(bytesString(text), bits)
	if err != nil {
		return 0, errFast
	}
	return f, nil
}

func decodeFloat64(d *decoder, p unsafe.Pointer) (err error) {
	*(*float64)(p), err = d.float(64)
	return err
}

func decodeFloat32(d *decoder, p unsafe.Pointer) error {
	f, err := d.float(32)
	*(*float32)(p) = float32(f)
	return err
}

func (b *decodeBuilder) pointer(t reflect.Type) decodeFunc {
	et := t.Elem()
	elem := b.build(et)
	if elem == nil {
		return nil
	}
	alloc := allocFor(et)
	return func(d *decoder, p unsafe.Pointer) error {
		pp := (*unsafe.Pointer)(p)
		if d.peek() == 'n' {
			*pp = nil
			return d.literal("null")
		}
		if *pp == nil {
			*pp = alloc(d)
		}
		return elem(d, *pp)
	}
}

// allocFor returns a function that allocates a zero value of t. Optional
// strings, enums, numbers and booleans, most of a model's fields, come from
// small blocks shared within one decode (see slab), not one allocation each.
func allocFor(t reflect.Type) func(d *decoder) unsafe.Pointer {
	if t.Size() == 0 || hasCustomJSON(t) {
		return func(*decoder) unsafe.Pointer { return reflect.New(t).UnsafePointer() }
	}
	switch t.Kind() {
	case reflect.String:
		return func(d *decoder) unsafe.Pointer { return unsafe.Pointer(slab(&d.strs)) }
	case reflect.Int, reflect.Int64:
		return func(d *decoder) unsafe.Pointer { return unsafe.Pointer(slab(&d.ints)) }
	case reflect.Float64:
		return func(d *decoder) unsafe.Pointer { return unsafe.Pointer(slab(&d.floats)) }
	case reflect.Bool:
		return func(d *decoder) unsafe.Pointer { return unsafe.Pointer(slab(&d.bools)) }
	}
	if t == dateTimeType {
		return func(*decoder) unsafe.Pointer { return unsafe.Pointer(new(DateTime)) }
	}
	return func(*decoder) unsafe.Pointer { return reflect.New(t).UnsafePointer() }
}

// slabSize is how many values one block holds: a value kept after the
// decode keeps at most this many of its neighbours alive.
const slabSize = 16

// slab hands out the next zero value of a block, allocating a block when
// the last one is used up. A pointer into a block of strings also serves
// string types of other names (enums): they have the same layout.
func slab[T any](block *[]T) *T {
	if len(*block) == 0 {
		*block = make([]T, slabSize)
	}
	p := &(*block)[0]
	*block = (*block)[1:]
	return p
}

// sliceHeader is the layout of every Go slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

func (b *decodeBuilder) slice(t reflect.Type) decodeFunc {
	et := t.Elem()
	elem := b.build(et)
	if elem == nil {
		return nil
	}
	size := et.Size()
	return func(d *decoder, p unsafe.Pointer) error {
		h := (*sliceHeader)(p)
		switch d.peek() {
		case 'n':
			*h = sliceHeader{}
			return d.literal("null")
		case '[':
		default:
			return errFast
		}
		h.len = 0
		if h.data == nil {
			// A non-nil empty slice: [] decodes as [], not as null.
			*h = sliceHeader{data: unsafe.Pointer(&zeroLength)}
		}
		zeroFrom := h.cap // elements below may hold old values: cleared before use
		start := d.pos
		err := d.array(func(d *decoder, _ int) error {
			if h.len == h.cap {
				d.growSlice(t, h, d.pos-start)
				zeroFrom = h.len
			}
			ep := unsafe.Add(h.data, uintptr(h.len)*size)
			if h.len < zeroFrom {
				reflect.NewAt(et, ep).Elem().SetZero()
			}
			h.len++
			return elem(d, ep)
		})
		if err == nil && h.cap > 2*h.len+8 {
			trimSlice(t, h)
		}
		return err
	}
}

// growSlice gives h, an array being read that used bytes so far, room for
// more elements: twice as many, or for one array per decode near the top (a
// listing's entities) room sized from the bytes left in the input and the
// bytes per element so far, so that a long listing is allocated once or
// twice instead of ten times; that guess is bounded by twice the input
// left, in memory.
//
// Other arrays only double: when they are many short arrays inside a
// listing, the rest of the input is mostly not theirs, and room sized from
// it for each of them made decoding quadratic in the input size.
func (d *decoder) growSlice(t reflect.Type, h *sliceHeader, used int) {
	newCap := max(4, 2*h.cap) // most arrays in models hold a few elements
	if !d.guessed && d.depth <= 2 && h.len > 0 && used > 0 {
		left := len(d.data) - d.pos
		per := max(1, used/h.len)
		guess := h.len + left/per + 1
		if guess > newCap && uintptr(guess-h.len)*t.Elem().Size() <= 2*uintptr(left) {
			newCap = guess
			d.guessed = true
		}
	}
	resize(t, h, newCap)
}

// trimSlice gives back the room a too high guess left unused.
func trimSlice(t reflect.Type, h *sliceHeader) {
	old := reflect.NewAt(t, unsafe.Pointer(h)).Elem()
	ns := reflect.MakeSlice(t, h.len, h.len)
	reflect.Copy(ns, old)
	old.Set(ns)
}

// resize grows the slice at h in place to newCap elements, one allocation.
func resize(t reflect.Type, h *sliceHeader, newCap int) {
	reflect.NewAt(t, unsafe.Pointer(h)).Elem().Grow(newCap - h.len)
}

// zeroLength is where empty slices point: any non-nil address will do.
var zeroLength [0]uint64
