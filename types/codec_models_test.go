package types_test

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient/api/operations"
	"github.com/purecloudgo/platformclient/types"
)

// modelTypes lists the struct types of the generated models that the
// operations' request and response bodies reach, sorted by name.
func modelTypes() []reflect.Type {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || seen[t] || t.PkgPath() != "github.com/purecloudgo/platformclient/models" {
			return
		}
		seen[t] = true
		for i := 0; i < t.NumField(); i++ {
			walk(t.Field(i).Type)
		}
	}
	for _, op := range operations.All {
		if op.Response != nil {
			walk(reflect.TypeOf(op.Response()))
		}
		if op.Body != nil && op.Body.New != nil {
			walk(reflect.TypeOf(op.Body.New()))
		}
	}
	out := make([]reflect.Type, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b reflect.Type) int { return cmp.Compare(a.Name(), b.Name()) })
	return out
}

// hostile holds strings that stress the codecs: escapes, control
// characters, HTML-significant and JavaScript-significant characters,
// non-ASCII text, and lengths on both sides of the decoder's short-string
// threshold.
var hostile = []string{
	"", "a", "quote \" backslash \\ slash /", "ctl \x00\x01\x1f\x7f \b\f\n\r\t", "<script>&amp;</script>",
	"line\u2028para\u2029", "é😀中", "\ufffd", strings.Repeat("x", 256), strings.Repeat("é\"", 200),
	strings.Repeat("long ", 100), "2026-01-02T03:04:05.000Z", "1e400", "null",
}

// filler sets values to random data of every shape a model holds.
type filler struct{ r *rand.Rand }

func (f filler) str() string {
	if f.r.IntN(3) == 0 {
		return fmt.Sprintf("s%x", f.r.Uint32())
	}
	return hostile[f.r.IntN(len(hostile))]
}

func (f filler) float(bits int) float64 {
	pool := []float64{0, math.Copysign(0, -1), 1, -1.5, 0.1, 1e21, 1e20, 1e-6, 1e-7, 123456789.125, 5e-324,
		math.MaxFloat64, -math.MaxFloat64, 3.4e38, 1.17549435e-38}
	v := pool[f.r.IntN(len(pool))]
	if f.r.IntN(3) == 0 {
		v = f.r.NormFloat64() * math.Pow(10, float64(f.r.IntN(40)-20))
	}
	if bits == 32 {
		if math.Abs(v) > math.MaxFloat32 {
			v = math.MaxFloat32
		}
		v = float64(float32(v))
	}
	return v
}

func (f filler) when() time.Time {
	t := time.Unix(f.r.Int64N(4e9), int64(f.r.IntN(1000))*1e6)
	zones := []*time.Location{time.UTC, time.FixedZone("", 5*3600+1800), time.FixedZone("", -7*3600)}
	return t.In(zones[f.r.IntN(len(zones))])
}

// anyValue returns a random value of the shapes JSON decodes into any.
func (f filler) anyValue(depth int) any {
	switch n := f.r.IntN(7); {
	case n == 0:
		return nil
	case n == 1:
		return f.r.IntN(2) == 0
	case n == 2:
		return f.float(64)
	case n == 3 && depth < 3:
		m := map[string]any{}
		for range f.r.IntN(4) {
			m[f.str()] = f.anyValue(depth + 1)
		}
		return m
	case n == 4 && depth < 3:
		a := []any{}
		for range f.r.IntN(4) {
			a = append(a, f.anyValue(depth+1))
		}
		return a
	}
	return f.str()
}

func (f filler) fill(v reflect.Value, depth int) {
	t := v.Type()
	switch t {
	case reflect.TypeFor[types.DateTime]():
		dt, err := types.ParseDateTime(f.when().Format("2006-01-02T15:04:05" + [...]string{"", ".0", ".000", ".000000", ".000000000"}[f.r.IntN(5)] + "Z07:00"))
		if err != nil {
			panic(err)
		}
		if f.r.IntN(3) == 0 {
			dt = types.NewDateTime(f.when())
		}
		v.Set(reflect.ValueOf(dt))
		return
	case reflect.TypeFor[types.Date]():
		v.Set(reflect.ValueOf(types.DateOf(f.when())))
		return
	case reflect.TypeFor[types.LocalDateTime]():
		v.Set(reflect.ValueOf(types.NewLocalDateTime(f.when())))
		return
	case reflect.TypeFor[types.YearMonth]():
		d := types.DateOf(f.when())
		v.Set(reflect.ValueOf(types.YearMonthOf(d)))
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if depth > 4 || f.r.IntN(4) == 0 {
			return
		}
		p := reflect.New(t.Elem())
		f.fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).Name != "NullFields" && t.Field(i).IsExported() && f.r.IntN(3) != 0 {
				f.fill(v.Field(i), depth+1)
			}
		}
	case reflect.String:
		v.SetString(f.str())
	case reflect.Bool:
		v.SetBool(f.r.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt([]int64{0, 1, -1, math.MaxInt64, math.MinInt64, f.r.Int64()}[f.r.IntN(6)])
	case reflect.Int32:
		v.SetInt([]int64{0, math.MaxInt32, math.MinInt32}[f.r.IntN(3)])
	case reflect.Float32:
		v.SetFloat(f.float(32))
	case reflect.Float64:
		v.SetFloat(f.float(64))
	case reflect.Slice:
		if depth > 5 || f.r.IntN(4) == 0 {
			return // nil
		}
		s := reflect.MakeSlice(t, f.r.IntN(3), 3)
		for i := 0; i < s.Len(); i++ {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		if depth > 5 || f.r.IntN(4) == 0 {
			return // nil
		}
		m := reflect.MakeMap(t)
		for range f.r.IntN(3) {
			e := reflect.New(t.Elem()).Elem()
			f.fill(e, depth+1)
			m.SetMapIndex(reflect.ValueOf(f.str()).Convert(t.Key()), e)
		}
		v.Set(m)
	case reflect.Interface:
		if a := f.anyValue(depth); a != nil {
			v.Set(reflect.ValueOf(a))
		}
	default:
		panic("filler: no case for " + t.String())
	}
}

// checkModel encodes a random value of t with both codecs, which must write
// the same bytes, decodes those bytes with both, which must give deep-equal
// values, and re-encodes the decoded value, which must give the bytes again
// even after the input was overwritten (decoded strings own their bytes).
func checkModel(t *testing.T, typ reflect.Type, seed uint64) {
	t.Helper()
	v := reflect.New(typ)
	filler{rand.New(rand.NewPCG(seed, 7))}.fill(v.Elem(), 0)
	fast, errFast := types.Marshal(v.Interface())
	ref, errRef := json.Marshal(v.Interface(), json.Deterministic(true))
	if errFast != nil || errRef != nil || !bytes.Equal(fast, ref) {
		t.Errorf("%v seed %d: encode differs:\nfast      %.300s %v\nreference %.300s %v", typ, seed, fast, errFast, ref, errRef)
		return
	}
	in := bytes.Clone(fast)
	fastV, refV := reflect.New(typ), reflect.New(typ)
	errFast = types.Unmarshal(in, fastV.Interface())
	errRef = json.Unmarshal(fast, refV.Interface(), reference)
	if errFast != nil || errRef != nil || !reflect.DeepEqual(fastV.Interface(), refV.Interface()) {
		t.Errorf("%v seed %d: decode differs (fast %v, reference %v) on %.300s", typ, seed, errFast, errRef, fast)
		return
	}
	for i := range in {
		in[i] = 'X' // as a reused response buffer would be
	}
	again, err := types.Marshal(fastV.Interface())
	if err != nil || !bytes.Equal(again, fast) {
		t.Errorf("%v seed %d: round trip differs (%v):\nfirst  %.300s\nsecond %.300s", typ, seed, err, fast, again)
	}
}

// TestCodecAgreesOnRandomModels checks every model type the operations
// reach (about 4,600) with random contents. Three goroutines walk the list
// in different orders, so most plans are first built while other
// goroutines use or build them (run with -race, and GOGC=1 for the unsafe
// code).
func TestCodecAgreesOnRandomModels(t *testing.T) {
	all := modelTypes()
	if len(all) < 1000 {
		t.Fatalf("only %d model types reached from the operations", len(all))
	}
	step := 1
	if testing.Short() {
		step = 7
	}
	var wg sync.WaitGroup
	for g := range 3 {
		wg.Go(func() {
			for k := 0; k < len(all); k += step {
				i := k
				switch g {
				case 1:
					i = len(all) - 1 - k
				case 2:
					i = (k + len(all)/2) % len(all)
				}
				checkModel(t, all[i], uint64(i*3+g))
			}
		})
	}
	wg.Wait()
}
