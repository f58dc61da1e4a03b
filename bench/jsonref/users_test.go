// Package jsonref measures the SDK's JSON encoding and decoding side by side
// with github.com/goccy/go-json and encoding/json on the same Go types and the
// same 1.1 MB listing of 500 users. It is a module of its own so that the
// reference libraries never become dependencies of the SDK:
//
//	cd bench/jsonref && go test -bench . -count 10 | tee new.txt
package jsonref

import (
	stdjson "encoding/json"
	"testing"

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
}

func BenchmarkEncode(b *testing.B) {
	b.Run("lib=sdk", func(b *testing.B) { encodeBench(b, types.Marshal) })
	b.Run("lib=goccy", func(b *testing.B) { encodeBench(b, goccy.Marshal) })
	b.Run("lib=std", func(b *testing.B) { encodeBench(b, stdjson.Marshal) })
}
