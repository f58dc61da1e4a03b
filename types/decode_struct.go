package types

import (
	"reflect"
	"strings"
	"unsafe"
)

// decodeField is one JSON member of a struct.
type decodeField struct {
	offset uintptr
	decode decodeFunc
}

func (b *decodeBuilder) structOf(t reflect.Type) decodeFunc {
	fields := map[string]decodeField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("json")
		if tag == "-" {
			continue
		}
		if f.Anonymous || !f.IsExported() {
			return nil // embedded and unexported fields follow rules of their own
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !hasTag || name == "" {
			name = f.Name
		}
		for o := range strings.SplitSeq(opts, ",") {
			if o != "" && o != "omitzero" && o != "omitempty" {
				return nil // string, inline, unknown, format…
			}
		}
		if _, dup := fields[name]; dup || strings.ContainsAny(name, "\\\"") {
			return nil
		}
		fd := b.build(f.Type)
		if fd == nil {
			return nil
		}
		fields[name] = decodeField{offset: f.Offset, decode: fd}
	}
	return func(d *decoder, p unsafe.Pointer) error {
		switch d.peek() {
		case 'n':
			reflect.NewAt(t, p).Elem().SetZero()
			return d.literal("null")
		case '{':
		default:
			return errFast
		}
		return d.object(func(d *decoder, name []byte) error {
			f, ok := fields[string(name)]
			if !ok {
				return d.skip() // names the SDK does not know yet
			}
			return f.decode(d, unsafe.Add(p, f.offset))
		})
	}
}

func (b *decodeBuilder) mapOf(t reflect.Type) decodeFunc {
	if t.Key().Kind() != reflect.String || hasCustomJSON(t.Key()) {
		return nil
	}
	et := t.Elem()
	elem := b.build(et)
	if elem == nil {
		return nil
	}
	return func(d *decoder, p unsafe.Pointer) error {
		m := reflect.NewAt(t, p).Elem()
		switch d.peek() {
		case 'n':
			m.SetZero()
			return d.literal("null")
		case '{':
		default:
			return errFast
		}
		if m.IsNil() {
			m.Set(reflect.MakeMap(t))
		}
		return d.object(func(d *decoder, name []byte) error {
			key := reflect.ValueOf(string(name)).Convert(t.Key())
			if m.MapIndex(key).IsValid() {
				return errFast // a duplicate name merges, as the reference library does it
			}
			v := reflect.New(et)
			if err := elem(d, v.UnsafePointer()); err != nil {
				return err
			}
			m.SetMapIndex(key, v.Elem())
			return nil
		})
	}
}

// anyValue decodes a value of unknown shape as the reference library does:
// objects as map[string]any, arrays as []any, numbers as float64.
func (d *decoder) anyValue() (any, error) {
	switch d.peek() {
	case '"':
		s, err := d.str()
		return d.keep(s), err
	case '{':
		m := map[string]any{}
		err := d.object(func(d *decoder, name []byte) error {
			key := d.keep(name)
			if _, dup := m[key]; dup {
				return errFast // a duplicate name merges, as the reference library does it
			}
			v, err := d.anyValue()
			m[key] = v
			return err
		})
		return m, err
	case '[':
		a := []any{}
		err := d.array(func(d *decoder, _ int) error {
			v, err := d.anyValue()
			a = append(a, v)
			return err
		})
		return a, err
	case 't':
		return true, d.literal("true")
	case 'f':
		return false, d.literal("false")
	case 'n':
		return nil, d.literal("null")
	}
	return d.float(64)
}
