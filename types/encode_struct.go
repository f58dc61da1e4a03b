package types

import (
	"reflect"
	"strconv"
	"strings"
	"unsafe"
)

// encodeField is one member of a struct as the encoder writes it.
type encodeField struct {
	key    string // `"name":`
	offset uintptr
	encode encodeFunc
	isZero func(p unsafe.Pointer) bool // set for omitzero fields
}

// errNulls tells Marshal that a NullFields list is set: the reference path
// adds the nulls.
var errNulls = errFast

func (b *encodeBuilder) structOf(t reflect.Type) encodeFunc {
	var fields []encodeField
	nullFields := -1
	seen := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Name == "NullFields" && f.Type == stringSlice {
			nullFields = int(f.Offset)
		}
		tag, hasTag := f.Tag.Lookup("json")
		if tag == "-" {
			continue
		}
		if f.Anonymous || !f.IsExported() {
			return nil
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !hasTag || name == "" {
			name = f.Name
		}
		omitZero := false
		for o := range strings.SplitSeq(opts, ",") {
			switch o {
			case "":
			case "omitzero":
				omitZero = true
			default:
				return nil // omitempty, string, inline… are left to the reference library
			}
		}
		if seen[name] {
			return nil
		}
		seen[name] = true
		fe := b.build(f.Type)
		if fe == nil {
			return nil
		}
		ef := encodeField{key: strconv.Quote(name) + ":", offset: f.Offset, encode: fe}
		if strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == '"' || r == '\\' || r > 0x7e }) {
			return nil // names that need escaping are left to the reference library
		}
		if omitZero {
			if ef.isZero = isZeroFunc(f.Type); ef.isZero == nil {
				return nil
			}
		}
		fields = append(fields, ef)
	}
	return func(e *encoder, p unsafe.Pointer) error {
		if nullFields >= 0 && (*sliceHeader)(unsafe.Add(p, nullFields)).len > 0 {
			return errNulls
		}
		if e.depth++; e.depth > maxNesting {
			return errFast
		}
		e.buf = append(e.buf, '{')
		first := true
		for i := range fields {
			f := &fields[i]
			fp := unsafe.Add(p, f.offset)
			if f.isZero != nil && f.isZero(fp) {
				continue
			}
			if !first {
				e.buf = append(e.buf, ',')
			}
			first = false
			e.buf = append(e.buf, f.key...)
			if err := f.encode(e, fp); err != nil {
				return err
			}
		}
		e.buf = append(e.buf, '}')
		e.depth--
		return nil
	}
}

type isZeroer interface{ IsZero() bool }

var isZeroerType = reflect.TypeFor[isZeroer]()

// isZeroFunc reports zero values of t as the reference library does for
// omitzero: by the type's IsZero method when it has one (a nil pointer is
// zero), otherwise as reflect.Value.IsZero. Nil when t is not handled.
func isZeroFunc(t reflect.Type) func(p unsafe.Pointer) bool {
	switch {
	case t.Kind() == reflect.Pointer && t.Elem() == dateTimeType:
		return func(p unsafe.Pointer) bool {
			pp := *(*unsafe.Pointer)(p)
			return pp == nil || (*DateTime)(pp).IsZero()
		}
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return func(p unsafe.Pointer) bool {
			v := reflect.NewAt(t, p).Elem()
			return v.IsNil() || v.Interface().(isZeroer).IsZero()
		}
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return nil
	case t.Implements(isZeroerType) || reflect.PointerTo(t).Implements(isZeroerType):
		return func(p unsafe.Pointer) bool { return reflect.NewAt(t, p).Interface().(isZeroer).IsZero() }
	}
	return reflectZero(t)
}

// reflectZero reports zero values of t as reflect.Value.IsZero does.
func reflectZero(t reflect.Type) func(p unsafe.Pointer) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Interface:
		return func(p unsafe.Pointer) bool { return *(*unsafe.Pointer)(p) == nil }
	case reflect.Slice:
		return func(p unsafe.Pointer) bool { return (*sliceHeader)(p).data == nil }
	case reflect.String:
		return func(p unsafe.Pointer) bool { return len(*(*string)(p)) == 0 }
	case reflect.Struct:
		if plainMemory(t) {
			return memZero(t.Size())
		}
		var parts []func(unsafe.Pointer) bool
		var offsets []uintptr
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			z := reflectZero(f.Type)
			if z == nil {
				return nil
			}
			parts, offsets = append(parts, z), append(offsets, f.Offset)
		}
		return func(p unsafe.Pointer) bool {
			for i, z := range parts {
				if !z(unsafe.Add(p, offsets[i])) {
					return false
				}
			}
			return true
		}
	}
	if plainMemory(t) {
		return memZero(t.Size())
	}
	return nil
}

// plainMemory reports whether a value of t is zero exactly when all its
// bytes are: no strings (an empty string may point anywhere), interfaces or
// padding between fields.
func plainMemory(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16,
		reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Uintptr, reflect.Float32, reflect.Float64:
		return true
	case reflect.Struct:
		end := uintptr(0)
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Offset != end || !plainMemory(f.Type) {
				return false
			}
			end = f.Offset + f.Type.Size()
		}
		return end == t.Size()
	}
	return false
}

// memZero reports whether the size bytes at p are all zero.
func memZero(size uintptr) func(p unsafe.Pointer) bool {
	return func(p unsafe.Pointer) bool {
		words := size / 8
		for i := uintptr(0); i < words; i++ {
			if *(*uint64)(unsafe.Add(p, i*8)) != 0 {
				return false
			}
		}
		for i := words * 8; i < size; i++ {
			if *(*byte)(unsafe.Add(p, i)) != 0 {
				return false
			}
		}
		return true
	}
}
