package types_test

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

// levelText has only an AppendText method (encoding.TextAppender), which the
// reference library calls; the fast encoder wrote the number instead.
type levelText int

func (l levelText) AppendText(b []byte) ([]byte, error) { return append(b, "level-"...), nil }

func TestMarshalHonoursAppendText(t *testing.T) {
	for _, v := range []any{
		levelText(3), []levelText{1}, map[string]any{"a": levelText(3)}, map[levelText]int{2: 1},
		models.JsonNode{"level": levelText(3)},
		struct {
			A levelText `json:"a"`
		}{3},
	} {
		sameEncode(t, v)
	}
}

// TestCodecBoundsNesting feeds a million nested arrays in free-form fields:
// the fast decoder must stop at the reference library's depth limit (10,000)
// and report its error, not exhaust the goroutine stack; the encoder must do
// the same with a value nested as deep, and with cycles.
func TestCodecBoundsNesting(t *testing.T) {
	const n = 1_000_000
	deep := strings.Repeat("[", n) + strings.Repeat("]", n)
	sameDecode[models.JsonNode](t, `{"a":`+deep+`}`)
	sameDecode[models.AvailableTopic](t, `{"schema":{"x":{"a":`+deep+`}}}`)
	sameDecode[any](t, deep)
	sameDecode[[]any](t, deep)

	var v any = []any{}
	for range n {
		v = []any{v}
	}
	sameEncode(t, v)
	m := map[string]any{}
	m["self"] = m
	a := []any{nil}
	a[0] = a
	u := &models.User{}
	u.Manager = u
	for _, c := range []any{m, a, u} {
		if _, err := types.Marshal(c); err == nil {
			t.Errorf("%T with a cycle: no error", c)
		}
		sameEncode(t, c)
	}
}

// TestCodecNilAndEmptyContainers pins how nil and empty slices and maps, and
// nil pointers inside maps and free-form values, are written and read back.
func TestCodecNilAndEmptyContainers(t *testing.T) {
	var nilMap map[string]any
	var nilSlice []any
	var nilUser *models.User
	for _, v := range []any{
		map[string]any{"n": nilMap, "s": nilSlice, "p": nilUser}, models.JsonNode(nil), []models.JsonNode{nil, {}},
		map[string]*string{"a": nil}, map[string][]string{"a": nil, "b": {}},
		&models.AvailableTopic{Schema: map[string]map[string]any{"x": nil, "y": {}}},
		&models.CsvUploadPreviewResponse{Entries: [][]string{nil, {}, {"a"}}},
		[]any{float32(1.5), int8(-3), uint64(math.MaxUint64), "x"},
	} {
		sameEncode(t, v)
	}
	sameDecode[models.CsvUploadPreviewResponse](t, `{"entries":[null,[],["a",null]],"entries":[[],["b"]]}`)
	sameDecode[models.AvailableTopic](t, `{"schema":{"x":null,"y":{},"z":{"a":null}}}`)
}

// TestUnmarshalManySmallArrays decodes texts that hold thousands of short
// arrays. The decoder sized every such array from all the input left after
// it, then trimmed it: a listing of 8,000 users (1.1 MB) with six
// certifications each allocated 4 GB and took 30 times as long as the
// reference library. Allocation must stay within twice the reference's.
func TestUnmarshalManySmallArrays(t *testing.T) {
	const n = 3000
	six := `["cert-a","cert-b","cert-c","cert-d","cert-e","cert-f"]`
	repeat := func(format string) string {
		var sb strings.Builder
		for i := range n {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, format, i)
		}
		return sb.String()
	}
	for _, c := range []struct {
		typ  reflect.Type
		data string
	}{
		{reflect.TypeFor[models.UserEntityListing](), `{"entities":[` + repeat(`{"id":"user-%d","certifications":`+six+`}`) + `]}`},
		{reflect.TypeFor[models.UserEntityListing](), `{` + repeat(`"entities":[{"id":"%d"},{},{},{},{},{}]`) + `}`},
		{reflect.TypeFor[map[string][]string](), `{` + repeat(`"key-%d":`+six) + `}`},
		{reflect.TypeFor[[][]string](), `[` + repeat(`["%d","b","c","d","e","f"]`) + `]`},
		{reflect.TypeFor[models.CsvUploadPreviewResponse](), `{"entries":[` + repeat(`["%d","b","c","d","e","f"]`) + `]}`},
	} {
		allocated := func(decode func(data []byte, v any) error) uint64 {
			var before, after runtime.MemStats
			v := reflect.New(c.typ).Interface()
			runtime.ReadMemStats(&before)
			if err := decode([]byte(c.data), v); err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			return after.TotalAlloc - before.TotalAlloc
		}
		sameDecodeOf(t, c.typ, []byte(c.data))
		fast := allocated(types.Unmarshal)
		ref := allocated(func(data []byte, v any) error { return json.Unmarshal(data, v, reference) })
		t.Logf("%v, %d KB: fast %d KB, reference %d KB", c.typ, len(c.data)>>10, fast>>10, ref>>10)
		if fast > 2*ref {
			t.Errorf("%v: decoding %d KB allocated %d MB, the reference library %d MB", c.typ, len(c.data)>>10, fast>>20, ref>>20)
		}
	}
}

// TestMarshalSortsMapNamesOnEveryPath: the fast encoder writes the names of
// maps sorted; a value it leaves to the reference library (here for the
// time.Time inside) came out in a random order, different from call to call.
func TestMarshalSortsMapNamesOnEveryPath(t *testing.T) {
	v := map[string]any{"t": time.Unix(0, 0).UTC(), "a": 1, "b": map[string]int{"z": 1, "y": 2, "x": 3}, "c": 3, "d": 4}
	want := `{"a":1,"b":{"x":3,"y":2,"z":1},"c":3,"d":4,"t":"1970-01-01T00:00:00Z"}`
	for range 20 {
		got, err := types.Marshal(v)
		if err != nil || string(got) != want {
			t.Fatalf("got %s %v, want %s", got, err, want)
		}
	}
}
