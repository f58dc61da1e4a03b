package types_test

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/purecloudgo/platformclient/bench/fixture"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

// reference is the library the fast codec must agree with.
var reference = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// sameDecode decodes data into a new T with the fast codec and with the
// reference library and fails unless both agree: same value, or the same error.
func sameDecode[T any](t *testing.T, data string) {
	t.Helper()
	var fast, ref T
	errFast := types.Unmarshal([]byte(data), &fast)
	errRef := json.Unmarshal([]byte(data), &ref, reference)
	switch {
	case (errFast == nil) != (errRef == nil):
		t.Errorf("%.80q into %T: fast %v, reference %v", data, fast, errFast, errRef)
	case errFast != nil && errFast.Error() != errRef.Error():
		t.Errorf("%.80q into %T: fast error %q, reference %q", data, fast, errFast, errRef)
	case errFast == nil && !reflect.DeepEqual(fast, ref):
		t.Errorf("%.80q into %T: fast %+v, reference %+v", data, fast, fast, ref)
	}
}

// sameEncode encodes v with the fast codec and with the reference library
// (names of maps sorted) and fails unless both give the same bytes or both fail.
func sameEncode(t *testing.T, v any) {
	t.Helper()
	fast, errFast := types.Marshal(v)
	ref, errRef := json.Marshal(v, json.Deterministic(true))
	switch {
	case errFast != nil || errRef != nil:
		if errFast == nil || errRef == nil || errFast.Error() != errRef.Error() {
			t.Errorf("%#v:\nfast      %v\nreference %v", v, errFast, errRef)
		}
	case !bytes.Equal(fast, ref) && !sameJSON(fast, ref):
		t.Errorf("%#v:\nfast      %s\nreference %s", v, fast, ref)
	}
}

// sameJSON reports whether a and b hold the same JSON value, names of
// objects in any order.
func sameJSON(a, b []byte) bool {
	var va, vb any
	return json.Unmarshal(a, &va) == nil && json.Unmarshal(b, &vb) == nil && reflect.DeepEqual(va, vb)
}

func TestCodecAgreesOnTheUsersListing(t *testing.T) {
	l := fixture.UsersListing(50)
	sameEncode(t, l)
	wire, err := types.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	sameDecode[models.UserEntityListing](t, string(wire))
	sameDecode[models.UserEntityListing](t, string(fixture.UsersJSON()))
}

func TestUnmarshalAdversarialInput(t *testing.T) {
	users := []string{
		``, ` `, `nul`, `null`, `{}`, `[]`, `"x"`, `{"id":`, `{"id":"a",}`, `{"id":"a"} x`, `{"id":"a"}{}`, "{\"id\":\"a\"}\x00",
		` {"id" : "a" } `, `{"id":"a\nb"}`, `{"id":"a\u0000b"}`, `{"id":"\ud83d\ude00"}`, `{"id":"\ud800"}`, `{"id":"\ud800\u0041"}`,
		`{"id":"\x"}`, `{"id":"\u12"}`, "{\"id\":\"a\xffb\xc3\"}", "{\"id\":\"\xed\xa0\x80\"}", "{\"\xff\":1}",
		`{"id":"a","id":"b"}`, `{"division":{"id":"a"},"division":{"name":"b"}}`, `{"addresses":[{"address":"1"}],"addresses":[{}]}`,
		`{"state":"suspended-in-2030"}`, `{"state":""}`, `{"state":1}`, `{"ID":"x"}`, `{"\u0069d":"x"}`,
		`{"id":null,"division":null,"addresses":null,"manager":null,"state":null,"version":null,"acdAutoAnswer":null}`,
		`{"addresses":[]}`, `{"addresses":[null]}`, `{"addresses":{}}`, `{"certifications":["a",null]}`,
		`{"version":1}`, `{"version":-0}`, `{"version":1.0}`, `{"version":1e2}`, `{"version":01}`, `{"version":-}`,
		`{"version":1.}`, `{"version":.5}`, `{"version":+1}`, `{"version":"3"}`, `{"version":true}`,
		`{"version":99999999999999999999}`, `{"version":-9223372036854775809}`, `{"version":9223372036854775807}`,
		`{"acdAutoAnswer":"true"}`, `{"acdAutoAnswer":tru}`, `{"name":5}`, `{"name":{}}`,
		`{"routingStatus":{"startTime":"not-a-time"}}`, `{"routingStatus":{"startTime":null}}`, `{"routingStatus":{"startTime":5}}`,
		`{"routingStatus":{"startTime":"2026-11-26T09:30:00.123456+05:30"}}`, `{"dateLastLogin":"2026-11-26T09:30:00Z"}`,
		`{"manager":{"id":"u0","manager":{"id":"root","manager":{}}}}`,
		`{"unknown":{"a":[1,2,{"b":null}],"c":"\u00e9"},"id":"x"}`, `{"unknown":[1,2,}`, `{"unknown":01}`, `{"unknown":"\x"}`,
		`{"id" "a"}`, `{id:"a"}`, `{"id":'a'}`, `[{"id":"a"}]`,
		`{"unknown":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`,
	}
	for _, u := range users {
		sameDecode[models.User](t, u)
	}
	skills := []string{`{"proficiency":1e400}`, `{"proficiency":-1e400}`, `{"proficiency":1e-400}`, `{"proficiency":4}`,
		`{"proficiency":123456789012345678901234567890}`, `{"proficiency":0.1}`, `{"proficiency":-0}`}
	for _, s := range skills {
		sameDecode[models.UserRoutingSkill](t, s)
	}
	free := []string{`{"a":{"b":[1,"x",null,true,false,1.5e3]}}`, `{"a":1e400}`, `{"a":1,"a":2}`, `{"a":"\ud800"}`,
		strings.Repeat(`{"a":`, 10001) + `1` + strings.Repeat(`}`, 10001),
		strings.Repeat(`{"a":`, 9000) + `1` + strings.Repeat(`}`, 9000)}
	for _, f := range free {
		sameDecode[models.JsonNode](t, f)
		sameDecode[any](t, f)
	}
	sameDecode[[]string](t, `["a","b"]`)
	sameDecode[map[string]string](t, `{"a":"b","c":"d"}`)
	sameDecode[map[string][]int](t, `{"a":[1,2],"b":null}`)
	sameDecode[*string](t, `"x"`)
	sameDecode[float32](t, `3.4e39`)
	sameDecode[uint8](t, `256`)
	sameDecode[[]byte](t, `"aGk="`)
	sameDecode[types.Date](t, `"2026-02-30"`)
}

func TestMarshalAgreesWithTheReference(t *testing.T) {
	utc := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	dt, _ := types.ParseDateTime("2026-01-02T03:04:05.12+05:30")
	cases := []any{
		nil, "x", 1, []string{}, []string(nil), map[string]string{"b": "1", "a": "2"}, map[string]any{},
		models.User{}, &models.User{}, (*models.User)(nil),
		&models.User{Name: ptr("quote \" backslash \\ newline \n tab \t bell \a del \x7f <html> & \u2028 é 😀")},
		&models.User{Name: ptr("bad \xff utf-8")},
		&models.User{Version: ptr(0), ACDAutoAnswer: ptr(false), Name: ptr(""), Certifications: []string{}},
		&models.User{RoutingStatus: models.RoutingStatus{StartTime: &types.DateTime{}}},
		&models.User{RoutingStatus: models.RoutingStatus{StartTime: ptr(types.NewDateTime(utc))}, DateLastLogin: &dt},
		&models.UserRoutingSkill{Proficiency: ptr(math.NaN())},
		&models.UserRoutingSkill{Proficiency: ptr(math.Inf(1))},
		&models.UserRoutingSkill{Proficiency: ptr(math.Copysign(0, -1))},
		[]float64{1e21, 1e20, 1e-6, 1e-7, 0.1, 123456789.125, -5e-324, math.MaxFloat64},
		[]float32{1e21, 1e-7, 0.1, 3.4e38},
		[]int64{math.MaxInt64, math.MinInt64},
		models.JsonNode{"a": []any{1.5, "x", nil, true, map[string]any{"z": 1, "y": int64(2)}}, "b": uint8(3)},
		map[string]any{"ch": make(chan int)},
		map[string]any{"t": utc},
		&models.User{Manager: &models.User{Manager: &models.User{ID: ptr("root")}}},
		struct {
			A string `json:"a,omitempty"`
		}{},
		struct{ B []byte }{B: []byte("hi")},
	}
	for _, c := range cases {
		sameEncode(t, c)
	}
}

func TestMarshalNullFieldsStillSent(t *testing.T) {
	u := &models.UserEntityListing{Entities: []models.User{{ID: ptr("a")}, {ID: ptr("b"), NullFields: []string{"title"}}}}
	got, err := types.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"entities":[{"id":"a"},{"id":"b","title":null}]}`; string(got) != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func FuzzUnmarshalAgreesWithTheReference(f *testing.F) {
	f.Add(`{"id":"a","addresses":[{"type":"WORK"}],"routingStatus":{"startTime":"2026-11-26T09:30:00.000Z"}}`)
	f.Add(`{"manager":{"id":"x"},"version":3,"unknown":[1,{"a":null}],"name":"\u00e9\ud83d\ude00"}`)
	f.Add("{\"name\":\"\xff\",\"name\":\"b\"}")
	f.Fuzz(func(t *testing.T, data string) {
		sameDecode[models.User](t, data)
		sameDecode[any](t, data)
		var u models.User
		if types.Unmarshal([]byte(data), &u) == nil {
			sameEncode(t, &u)
		}
		var v any
		if types.Unmarshal([]byte(data), &v) == nil {
			sameEncode(t, v)
		}
	})
}

// sameDecodeInto decodes data with both codecs into copies of a value that
// already holds data, and fails unless the results agree.
func sameDecodeInto[T any](t *testing.T, data string, fill func() T) {
	t.Helper()
	fast, ref := fill(), fill()
	errFast := types.Unmarshal([]byte(data), &fast)
	errRef := json.Unmarshal([]byte(data), &ref, reference)
	if (errFast == nil) != (errRef == nil) || errFast == nil && !reflect.DeepEqual(fast, ref) {
		t.Errorf("%.80q into a filled %T: fast %+v %v, reference %+v %v", data, fast, fast, errFast, ref, errRef)
	}
}

func TestUnmarshalIntoValuesThatHoldData(t *testing.T) {
	filled := func() models.User {
		return models.User{ID: ptr("old"), Name: ptr("kept"),
			Addresses: append(make([]models.Contact, 0, 8), models.Contact{Address: ptr("a1"), Display: ptr("d1")}, models.Contact{Address: ptr("a2")}),
			Division:  models.Division{ID: ptr("div"), Name: ptr("Home")}}
	}
	for _, data := range []string{
		`{"id":"new"}`, `{"addresses":[{"type":"WORK"}]}`, `{"addresses":[]}`, `{"addresses":null}`,
		`{"addresses":[{},{},{},{},{},{},{},{},{},{}]}`, `{"division":{"id":"other"}}`, `{"division":null}`, `{"name":null}`,
	} {
		sameDecodeInto(t, data, filled)
	}
}

func TestCodecConcurrentFirstUse(t *testing.T) {
	// Plans are built on first use; many goroutines meeting new types at
	// once must all get working ones (run with -race).
	done := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			var q models.QueueEntityListing
			err := types.Unmarshal([]byte(`{"entities":[{"id":"q","name":"Q","memberCount":3}]}`), &q)
			if err == nil && (len(q.Entities) != 1 || *q.Entities[0].MemberCount != 3) {
				err = errors.New("queue listing decoded wrong")
			}
			if err == nil {
				_, err = types.Marshal(&q)
			}
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

func TestUnmarshalErrorNamesThePathDeepInAListing(t *testing.T) {
	l := fixture.UsersListing(5)
	wire, err := types.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(wire), "2026-11-26T09:33:00.000Z", "yesterday", 1)
	var got models.UserEntityListing
	err = types.Unmarshal([]byte(bad), &got)
	if !errors.Is(err, types.ErrFormat) || !strings.Contains(err.Error(), "/entities/3/routingStatus/startTime") {
		t.Fatalf("got %v", err)
	}
}
