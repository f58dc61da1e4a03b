package sim

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/purecloudgo/platformclient/api/operations"
	"github.com/purecloudgo/platformclient/types"
)

// The filler builds deterministic, schema-valid values of generated model
// types: every field down to fullDepth levels of nesting, then only the
// required fields (operations.RequiredProperties) down to maxDepth, so recursive
// types stay finite. Enumerated strings take one of their known values
// (operations.EnumValues); an enum type without known values stays unset.
//
// Values depend only on the seed, so the same request gets the same answer.
type filler struct {
	fullDepth int
	maxDepth  int
	base      time.Time
}

var defaultFiller = filler{fullDepth: 2, maxDepth: 6, base: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}

// hashString is FNV-1a 64.
func hashString(seed uint64, s string) uint64 {
	h := seed ^ 0xcbf29ce484222325
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return mix(h)
}

// mix is the splitmix64 finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// uuidFrom formats a seed as a version-4-shaped UUID.
func uuidFrom(seed uint64) string {
	a, b := mix(seed), mix(seed+0x9e3779b97f4a7c15)
	return fmt.Sprintf("%08x-%04x-4%03x-%x%03x-%012x",
		uint32(a>>32), uint16(a>>16), uint16(a)&0xfff, 8+(b>>62), uint16(b>>48)&0xfff, b&0xffffffffffff)
}

var (
	dateTimeType      = reflect.TypeFor[types.DateTime]()
	dateType          = reflect.TypeFor[types.Date]()
	localDateTimeType = reflect.TypeFor[types.LocalDateTime]()
	yearMonthType     = reflect.TypeFor[types.YearMonth]()
)

// modelsPkg is the import path of the generated models.
const modelsPkg = "github.com/purecloudgo/platformclient/models"

// structInfo is the fields of a model type the filler and validator use.
type structInfo struct {
	fields   []fieldInfo
	byJSON   map[string]int // JSON name -> index in fields
	required []string       // JSON names, from operations.RequiredProperties
}

type fieldInfo struct {
	index    int
	json     string
	required bool
}

var structInfos sync.Map // reflect.Type -> *structInfo

func infoFor(t reflect.Type) *structInfo {
	if v, ok := structInfos.Load(t); ok {
		return v.(*structInfo)
	}
	si := &structInfo{byJSON: map[string]int{}}
	var req map[string]bool
	if t.PkgPath() == modelsPkg {
		si.required = operations.RequiredProperties(t.Name())
		req = map[string]bool{}
		for _, r := range si.required {
			req[r] = true
		}
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			name = f.Name
		}
		si.byJSON[name] = len(si.fields)
		si.fields = append(si.fields, fieldInfo{index: i, json: name, required: req[name]})
	}
	v, _ := structInfos.LoadOrStore(t, si)
	return v.(*structInfo)
}

// enumInfo is what enumValues knows of a type.
type enumInfo struct {
	values []string
	isEnum bool
}

var enumInfos sync.Map // reflect.Type -> enumInfo

func enumOf(t reflect.Type) enumInfo {
	if v, ok := enumInfos.Load(t); ok {
		return v.(enumInfo)
	}
	var ei enumInfo
	if t.Kind() == reflect.String && t.PkgPath() == modelsPkg {
		ei.values, ei.isEnum = operations.EnumValues(t.Name())
	}
	enumInfos.Store(t, ei)
	return ei
}

// enumValues returns the known values of a generated enum type, nil for
// other types. Callers must not modify the slice.
func enumValues(t reflect.Type) []string { return enumOf(t).values }

// isEnum reports whether t is a generated enum type.
func isEnum(t reflect.Type) bool { return enumOf(t).isEnum }

// fill sets v (settable) to a deterministic value for seed and reports
// whether it set anything. name is the JSON name v is stored under; need
// says the value is required, so it is set even when it would be an empty
// object.
func (f *filler) fill(v reflect.Value, seed uint64, name string, depth int, need bool) bool {
	t := v.Type()
	switch t {
	case dateTimeType:
		v.Set(reflect.ValueOf(types.NewDateTime(f.when(seed))))
		return true
	case dateType:
		v.Set(reflect.ValueOf(types.DateOf(f.when(seed))))
		return true
	case localDateTimeType:
		v.Set(reflect.ValueOf(types.NewLocalDateTime(f.when(seed))))
		return true
	case yearMonthType:
		d := f.when(seed)
		v.Set(reflect.ValueOf(types.YearMonth{Year: d.Year(), Month: d.Month()}))
		return true
	}
	switch t.Kind() {
	case reflect.Pointer:
		if f.skipStruct(t.Elem(), depth, need) {
			return false
		}
		p := reflect.New(t.Elem())
		if !f.fill(p.Elem(), seed, name, depth, need) {
			return false
		}
		v.Set(p)
		return true
	case reflect.Struct:
		si := infoFor(t)
		all := depth < f.fullDepth
		for _, fi := range si.fields {
			if !all && !fi.required {
				continue
			}
			f.fill(v.Field(fi.index), hashString(seed, fi.json), fi.json, depth+1, fi.required)
		}
		if need && v.IsZero() { // required, but nothing was filled: fill the first field that can be
			for _, fi := range si.fields {
				if f.fill(v.Field(fi.index), hashString(seed, fi.json), fi.json, depth+1, true) && !v.IsZero() {
					break
				}
			}
		}
		return !v.IsZero() || need
	case reflect.String:
		if t.PkgPath() != "" && t != reflect.TypeFor[string]() {
			vals := enumValues(t)
			if isEnum(t) {
				if len(vals) == 0 {
					return false
				}
				v.SetString(vals[seed%uint64(len(vals))])
				return true
			}
		}
		v.SetString(f.stringFor(name, seed))
		return true
	case reflect.Bool:
		v.SetBool(seed&1 == 1)
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(1 + seed%100))
		return true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(1 + seed%100)
		return true
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(seed%10000) / 100)
		return true
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			v.SetBytes([]byte("sim"))
			return true
		}
		if f.skipStruct(t.Elem(), depth, need) {
			return false
		}
		n := 1
		if name == "entities" && depth <= 1 {
			n = 2
		}
		s := reflect.MakeSlice(t, 0, n)
		for i := 0; i < n; i++ {
			e := reflect.New(t.Elem()).Elem()
			if !f.fill(e, hashString(seed, fmt.Sprint(i)), singular(name), depth, need) {
				return false
			}
			s = reflect.Append(s, e)
		}
		v.Set(s)
		return true
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return false
		}
		if f.skipStruct(t.Elem(), depth, need) {
			return false
		}
		m := reflect.MakeMapWithSize(t, 1)
		e := reflect.New(t.Elem()).Elem()
		if !f.fill(e, hashString(seed, "value"), "value", depth, need) {
			return false
		}
		k := reflect.New(t.Key()).Elem()
		k.SetString("key1")
		m.SetMapIndex(k, e)
		v.Set(m)
		return true
	case reflect.Interface:
		if t.NumMethod() == 0 {
			v.Set(reflect.ValueOf(f.stringFor(name, seed)))
			return true
		}
	}
	return false
}

// skipStruct reports whether an optional struct value at depth would be
// left out: too deep, or deep enough that it would only hold its required
// fields and it has none.
func (f *filler) skipStruct(t reflect.Type, depth int, need bool) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || isTimeType(t) {
		return false
	}
	if depth >= f.maxDepth {
		return true
	}
	return !need && depth >= f.fullDepth && len(infoFor(t).required) == 0
}

func isTimeType(t reflect.Type) bool {
	return t == dateTimeType || t == dateType || t == localDateTimeType || t == yearMonthType
}

// when returns a deterministic instant in the first weeks of 2026.
func (f *filler) when(seed uint64) time.Time {
	return f.base.Add(time.Duration(seed%(30*24*3600)) * time.Second)
}

// singular names the elements of a list field ("memberIds" -> "memberId").
func singular(name string) string {
	if strings.HasSuffix(name, "Ids") {
		return strings.TrimSuffix(name, "s")
	}
	return name
}

// stringFor invents a plausible string for a property name.
func (f *filler) stringFor(name string, seed uint64) string {
	lower := strings.ToLower(name)
	hex := fmt.Sprintf("%06x", seed&0xffffff)
	switch {
	case name == "id" || strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "ID") || lower == "guid" || lower == "uuid":
		return uuidFrom(seed)
	case strings.HasSuffix(lower, "uri"):
		return "/api/v2/sim/" + uuidFrom(seed)
	case strings.HasSuffix(lower, "url") || strings.HasSuffix(lower, "link") || lower == "href":
		return "https://sim.example.com/" + hex
	case strings.Contains(lower, "email") || lower == "username":
		return "sim." + hex + "@example.com"
	case strings.Contains(lower, "phone") || lower == "address" || strings.HasSuffix(lower, "number"):
		return fmt.Sprintf("+1317555%04d", seed%10000)
	case strings.HasPrefix(lower, "date") || strings.HasSuffix(lower, "date") || strings.HasSuffix(lower, "time") ||
		strings.HasSuffix(lower, "timestamp"):
		return f.when(seed).Format(time.RFC3339)
	case lower == "version":
		return fmt.Sprint(1 + seed%9)
	case lower == "name" || strings.HasSuffix(lower, "name"):
		return title(name) + " " + hex
	}
	return name + "-" + hex
}

func title(s string) string {
	if s == "" {
		return "Value"
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// newFilled returns a new value of the type newFn returns (a pointer), filled
// for seed.
func newFilled(newFn func() any, seed uint64) any {
	v := newFn()
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		defaultFiller.fill(rv.Elem(), seed, "", 0, true)
	}
	return v
}

// Fill sets the value v points to to a deterministic example that is valid
// for its model: every field down to two levels of nesting, then only
// required fields, and known values for enumerated strings. The same seed
// gives the same value. It is handy for request bodies in tests; v must be a
// non-nil pointer.
func Fill(v any, seed uint64) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("sim: Fill needs a non-nil pointer, not %T", v)
	}
	defaultFiller.fill(rv.Elem(), seed, "", 0, true)
	return nil
}
