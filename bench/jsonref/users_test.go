// Package jsonref measures the SDK's JSON encoding and decoding side by side
// with github.com/goccy/go-json, encoding/json and github.com/go-json-experiment/json
// (the SDK's codec before, still behind it for errors) on the same Go types
// and the same 1.2 MB listing of 500 users. It is a module of its own so that the
// reference libraries never become dependencies of the SDK:
//
//	cd bench/jsonref && go test -bench .
//	bench/jsonref/compare.sh 10 > results.txt   # alternating rounds, for benchstat
package jsonref

import (
	stdjson "encoding/json"
	"reflect"
	"testing"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	goccy "github.com/goccy/go-json"

	"github.com/purecloudgo/platformclient/bench/fixture"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

var (
	listing = fixture.UsersListing(500)
	wire    = fixture.UsersJSON()
)

func decodeBench(b *testing.B, unmarshal func([]byte, any) error) {
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		var l models.UserEntityListing
		if err := unmarshal(wire, &l); err != nil {
			b.Fatal(err)
		}
	}
}

func encodeBench(b *testing.B, marshal func(any) ([]byte, error)) {
	b.SetBytes(int64(len(wire)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := marshal(listing); err != nil {
			b.Fatal(err)
		}
	}
}

// The sub-benchmarks of one benchmark run one after the other in each -count
// round, so the libraries are measured interleaved on a noisy machine.

func BenchmarkDecode(b *testing.B) {
	b.Run("lib=sdk", func(b *testing.B) { decodeBench(b, types.Unmarshal) })
	b.Run("lib=goccy", func(b *testing.B) { decodeBench(b, goccy.Unmarshal) })
	b.Run("lib=std", func(b *testing.B) { decodeBench(b, stdjson.Unmarshal) })
	// The SDK's decoder until the fast codec: the reference library alone.
	b.Run("lib=jsonv2", func(b *testing.B) {
		decodeBench(b, func(data []byte, v any) error { return jsonv2.Unmarshal(data, v, lenient) })
	})
}

var lenient = jsonv2.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

func BenchmarkEncode(b *testing.B) {
	b.Run("lib=sdk", func(b *testing.B) { encodeBench(b, types.Marshal) })
	b.Run("lib=goccy", func(b *testing.B) { encodeBench(b, goccy.Marshal) })
	b.Run("lib=std", func(b *testing.B) { encodeBench(b, stdjson.Marshal) })
	// The reference library alone: the SDK's encoder until the fast codec
	// took this and, for NullFields, a walk over the value.
	b.Run("lib=jsonv2", func(b *testing.B) { encodeBench(b, func(v any) ([]byte, error) { return jsonv2.Marshal(v) }) })
}

// TestSameWire checks that the comparison is fair: every library writes the
// same JSON for the listing (goccy and encoding/json also escape & < > for
// HTML, which the SDK, like encoding/json/v2, does not) and reads back the
// same value.
func TestSameWire(t *testing.T) {
	ours, err := types.Marshal(listing)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := goccy.Marshal(listing)
	if err != nil {
		t.Fatal(err)
	}
	std, err := stdjson.Marshal(listing)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(ours, theirs) || string(theirs) != string(std) {
		t.Fatalf("encodings differ: sdk %d bytes, goccy %d, encoding/json %d", len(ours), len(theirs), len(std))
	}
	var a, b models.UserEntityListing
	if err := types.Unmarshal(wire, &a); err != nil {
		t.Fatal(err)
	}
	if err := goccy.Unmarshal(wire, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("decoded listings differ")
	}
}

func sameJSON(a, b []byte) bool {
	var va, vb any
	return stdjson.Unmarshal(a, &va) == nil && stdjson.Unmarshal(b, &vb) == nil && reflect.DeepEqual(va, vb)
}
