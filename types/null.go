package types

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// marshalWithNulls is Marshal through the reference library: it encodes v,
// with the names of maps in sorted order as the fast encoder writes them,
// then adds the NullFields nulls found by a walk over v and encodes the
// result again, with sorted names. Marshal uses it for the values the fast
// encoder leaves: values with NullFields set, unusual types and errors.
func marshalWithNulls(v any) ([]byte, error) {
	b, err := json.Marshal(v, json.Deterministic(true))
	if err != nil {
		return nil, err
	}
	var marks []nullMark
	path := make(walkPath, 0, 16)
	collectNulls(reflect.ValueOf(v), &path, &marks, 0)
	if len(marks) == 0 {
		return b, nil
	}
	var tree any
	if err := json.Unmarshal(b, &tree, keepNumbers); err != nil {
		return nil, err
	}
	for _, m := range marks {
		obj, err := lookup(tree, m.path)
		if err != nil {
			return nil, err
		}
		for _, name := range m.names {
			if cur, ok := obj[name]; ok && cur != nil {
				return nil, fmt.Errorf("types: field %q at %s is set and also listed in NullFields", name, pointer(m.path))
			}
			obj[name] = nil
		}
	}
	return json.Marshal(tree, json.Deterministic(true))
}

// keepNumbers decodes numbers in a generic tree without losing precision.
var keepNumbers = json.WithUnmarshalers(json.UnmarshalFromFunc(func(dec *jsontext.Decoder, v *any) error {
	if dec.PeekKind() != '0' {
		return errors.ErrUnsupported
	}
	val, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*v = jsontext.Value(val.Clone())
	return nil
}))

// nullMark is the NullFields list of the object at path (object keys and
// array indexes).
type nullMark struct {
	path  []string
	names []string
}

// walkPath is the path to the value being walked, as a stack shared by the
// whole walk; it is only turned into strings when a NullFields list is found.
type walkPath []pathElem

type pathElem struct {
	name  string
	index int // used when name is ""
}

func (p walkPath) strings() []string {
	out := make([]string, len(p))
	for i, e := range p {
		if e.name == "" {
			out[i] = strconv.Itoa(e.index)
		} else {
			out[i] = e.name
		}
	}
	return out
}

const maxDepth = 64

var stringSlice = reflect.TypeFor[[]string]()

// structPlan lists the fields of a struct type that the walk must visit.
type structPlan struct {
	nullFields int // index of NullFields, -1 when absent
	fields     []planField
}

type planField struct {
	index int
	name  string
}

var plans sync.Map // reflect.Type -> *structPlan

func planFor(t reflect.Type) *structPlan {
	if p, ok := plans.Load(t); ok {
		return p.(*structPlan)
	}
	p := &structPlan{nullFields: -1}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Name == "NullFields" && f.Type == stringSlice {
			p.nullFields = i
			continue
		}
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		default:
			continue
		}
		if name, ok := jsonName(f); ok {
			p.fields = append(p.fields, planField{index: i, name: name})
		}
	}
	plans.Store(t, p)
	return p
}

// collectNulls walks v and records every non-empty NullFields field.
func collectNulls(v reflect.Value, path *walkPath, marks *[]nullMark, depth int) {
	if depth > maxDepth || !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collectNulls(v.Elem(), path, marks, depth+1)
		}
	case reflect.Slice, reflect.Array:
		switch v.Type().Elem().Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		default:
			return
		}
		for i := 0; i < v.Len(); i++ {
			*path = append(*path, pathElem{index: i})
			collectNulls(v.Index(i), path, marks, depth+1)
			*path = (*path)[:len(*path)-1]
		}
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return
		}
		iter := v.MapRange()
		for iter.Next() {
			*path = append(*path, pathElem{name: iter.Key().String()})
			collectNulls(iter.Value(), path, marks, depth+1)
			*path = (*path)[:len(*path)-1]
		}
	case reflect.Struct:
		p := planFor(v.Type())
		if p.nullFields >= 0 {
			if f := v.Field(p.nullFields); f.Len() > 0 {
				*marks = append(*marks, nullMark{path: path.strings(), names: f.Interface().([]string)})
			}
		}
		for _, f := range p.fields {
			fv := v.Field(f.index)
			if fv.IsZero() {
				continue
			}
			*path = append(*path, pathElem{name: f.name})
			collectNulls(fv, path, marks, depth+1)
			*path = (*path)[:len(*path)-1]
		}
	}
}

// jsonName returns the JSON name of a struct field, false when it is not encoded.
func jsonName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = f.Name
	}
	return name, true
}

func lookup(tree any, path []string) (map[string]any, error) {
	cur := tree
	for i, p := range path {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[p]
		case []any:
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 || n >= len(c) {
				return nil, fmt.Errorf("types: NullFields: no element %s", pointer(path[:i+1]))
			}
			cur = c[n]
		default:
			return nil, fmt.Errorf("types: NullFields: %s is not an object", pointer(path[:i]))
		}
	}
	obj, ok := cur.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("types: NullFields at %s: value is not a JSON object", pointer(path))
	}
	return obj, nil
}

func pointer(path []string) string {
	if len(path) == 0 {
		return "/"
	}
	return "/" + strings.Join(path, "/")
}

// IsKnown reports whether v is in known; the generated enum types call it.
//
// It is not inlined: one call site per enum type keeps package models quick to compile.
//
//go:noinline
func IsKnown(v string, known []string) bool {
	for _, k := range known {
		if k == v {
			return true
		}
	}
	return false
}
