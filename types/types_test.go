package types_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/purecloudgo/platformclient/types"
)

func TestDateRoundTrip(t *testing.T) {
	var d types.Date
	if err := json.Unmarshal([]byte(`"2026-02-28"`), &d); err != nil {
		t.Fatal(err)
	}
	if d != (types.Date{Year: 2026, Month: time.February, Day: 28}) {
		t.Fatalf("got %+v", d)
	}
	b, _ := json.Marshal(d)
	if string(b) != `"2026-02-28"` {
		t.Fatalf("encoded %s", b)
	}
	for _, bad := range []string{`"2026-02-30"`, `"2026-2-1"`, `"20260201"`, `12`, `""`, `null`} {
		var x types.Date
		err := json.Unmarshal([]byte(bad), &x)
		if bad == "null" {
			continue // null leaves the value as it is
		}
		if err == nil || !errors.Is(err, types.ErrFormat) {
			t.Errorf("%s: got %v, want ErrFormat", bad, err)
		}
	}
}

func TestYearMonth(t *testing.T) {
	ym, err := types.ParseYearMonth("2026-01")
	if err != nil || ym.Year != 2026 || ym.Month != time.January {
		t.Fatalf("parse: %+v %v", ym, err)
	}
	if ym.String() != "2026-01" || ym.ToDate() != (types.Date{Year: 2026, Month: 1, Day: 1}) {
		t.Fatalf("format: %s %v", ym, ym.ToDate())
	}
	if got := types.YearMonthOf(types.Date{Year: 9999, Month: 12, Day: 31}); got.String() != "9999-12" {
		t.Fatalf("YearMonthOf: %s", got)
	}
	if y, _ := types.ParseYearMonth("0000-12"); y.Year != 0 {
		t.Fatalf("year 0: %+v", y)
	}
	for _, bad := range []string{"2026-13", "2026-00", "10000-01", "-001-01", "2026-1", "2026/01", "26-01", "+026-01"} {
		if _, err := types.ParseYearMonth(bad); !errors.Is(err, types.ErrFormat) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
	if _, err := types.NewYearMonth(2026, 0); err == nil {
		t.Error("month 0 accepted")
	}
	var v struct {
		M types.YearMonth `json:"m"`
	}
	if err := json.Unmarshal([]byte(`{"m":"1999-07"}`), &v); err != nil || v.M.String() != "1999-07" {
		t.Fatalf("json: %v %v", v.M, err)
	}
	b, _ := json.Marshal(v)
	if string(b) != `{"m":"1999-07"}` {
		t.Fatalf("encoded %s", b)
	}
}

func TestDateTimeKeepsWireText(t *testing.T) {
	for _, wire := range []string{
		"2026-01-02T03:04:05.000Z", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123456Z",
		"2026-01-02T03:04:05.5+02:00", "2026-01-02T03:04:05.120Z",
	} {
		var d types.DateTime
		if err := json.Unmarshal([]byte(`"`+wire+`"`), &d); err != nil {
			t.Fatalf("%s: %v", wire, err)
		}
		b, _ := json.Marshal(d)
		if string(b) != `"`+wire+`"` {
			t.Errorf("%s re-encoded as %s", wire, b)
		}
	}
	d := types.NewDateTime(time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC))
	if d.String() != "2026-05-06T07:08:09.000Z" {
		t.Fatalf("default precision: %s", d)
	}
	var bad types.DateTime
	if err := json.Unmarshal([]byte(`"yesterday"`), &bad); !errors.Is(err, types.ErrFormat) {
		t.Fatalf("got %v", err)
	}
}

func TestLocalDateTime(t *testing.T) {
	for _, wire := range []string{"2026-01-02T03:04:05.000", "2026-01-02T03:04:05", "2026-01-02T23:59:59.9"} {
		var d types.LocalDateTime
		if err := json.Unmarshal([]byte(`"`+wire+`"`), &d); err != nil {
			t.Fatalf("%s: %v", wire, err)
		}
		if got := d.String(); got != wire {
			t.Errorf("%s re-encoded as %s", wire, got)
		}
	}
	var d types.LocalDateTime
	if err := d.UnmarshalText([]byte("2026-01-02T03:04:05Z")); err == nil {
		t.Fatal("zone accepted in a local date-time")
	}
	n := types.NewLocalDateTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("X", 3600)))
	if n.String() != "2026-01-02T03:04:05.000" {
		t.Fatalf("wall clock lost: %s", n)
	}
}

type inner struct {
	A          *string  `json:"a,omitzero"`
	B          *int     `json:"b,omitzero"`
	NullFields []string `json:"-"`
}

type outer struct {
	Name       *string          `json:"name,omitzero"`
	Count      *int             `json:"count,omitzero"`
	On         *bool            `json:"on,omitzero"`
	Tags       []string         `json:"tags,omitzero"`
	Inner      *inner           `json:"inner,omitzero"`
	List       []inner          `json:"list,omitzero"`
	ByKey      map[string]inner `json:"byKey,omitzero"`
	NullFields []string         `json:"-"`
}

func ptr[T any](v T) *T { return &v }

func TestMarshalNullOmittedZero(t *testing.T) {
	cases := []struct {
		name string
		in   any
		want string
	}{
		{"nil omitted", outer{}, `{}`},
		{"zero values sent", outer{Name: ptr(""), Count: ptr(0), On: ptr(false), Tags: []string{}}, `{"name":"","count":0,"on":false,"tags":[]}`},
		{"explicit null", outer{Name: ptr("x"), NullFields: []string{"count", "inner"}}, `{"count":null,"inner":null,"name":"x"}`},
		{"nested null", outer{Inner: &inner{A: ptr("a"), NullFields: []string{"b"}}}, `{"inner":{"a":"a","b":null}}`},
		{"null in slice element", outer{List: []inner{{}, {NullFields: []string{"a"}}}}, `{"list":[{},{"a":null}]}`},
		{"null in map value", outer{ByKey: map[string]inner{"k/1": {NullFields: []string{"b"}}}}, `{"byKey":{"k/1":{"b":null}}}`},
	}
	for _, c := range cases {
		b, err := types.Marshal(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if string(b) != c.want {
			t.Errorf("%s: got %s, want %s", c.name, b, c.want)
		}
	}
	_, err := types.Marshal(outer{Name: ptr("x"), NullFields: []string{"name"}})
	if err == nil || !strings.Contains(err.Error(), `"name"`) {
		t.Fatalf("set and null: got %v", err)
	}
}

func TestMarshalKeepsNumbersExact(t *testing.T) {
	type big struct {
		N          *int64   `json:"n,omitzero"`
		F          *float64 `json:"f,omitzero"`
		NullFields []string `json:"-"`
	}
	b, err := types.Marshal(big{N: ptr(int64(9007199254740993)), F: ptr(0.1), NullFields: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"f":0.1,"n":9007199254740993,"x":null}` {
		t.Fatalf("got %s", b)
	}
}

func TestIsKnown(t *testing.T) {
	known := []string{"active", "inactive"}
	if !types.IsKnown("active", known) || types.IsKnown("suspended", known) || types.IsKnown("", known) {
		t.Fatal("IsKnown wrong")
	}
}
