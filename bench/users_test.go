// Package bench holds the SDK's speed and memory benchmarks. The side-by-side
// comparison with other JSON libraries is in the nested module ./jsonref, so
// that they never become dependencies of the SDK.
package bench

import (
	jsonv1 "encoding/json"
	"testing"

	"github.com/purecloudgo/platformclient/bench/fixture"
	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

func usersJSON(testing.TB) []byte { return fixture.UsersJSON() }

func TestUsersListingSize(t *testing.T) {
	b := usersJSON(t)
	if len(b) < 900_000 || len(b) > 1_300_000 {
		t.Fatalf("listing is %d bytes, want 0.9-1.3 MB", len(b))
	}
	var got models.UserEntityListing
	if err := types.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Entities) != 500 || got.Entities[499].RoutingStatus.StartTime.String() != "2026-11-26T17:49:00.000Z" {
		t.Fatalf("round trip lost data: %d users", len(got.Entities))
	}
}

// BenchmarkDecodeUsers decodes the listing the way the client decodes every
// response body.
func BenchmarkDecodeUsers(b *testing.B) {
	data := usersJSON(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var l models.UserEntityListing
		if err := types.Unmarshal(data, &l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeUsersStdlib is the same decode through encoding/json, for comparison.
func BenchmarkDecodeUsersStdlib(b *testing.B) {
	data := usersJSON(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		var l models.UserEntityListing
		if err := jsonv1.Unmarshal(data, &l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeUsers encodes the listing the way the client encodes every
// request body.
func BenchmarkEncodeUsers(b *testing.B) {
	l := fixture.UsersListing(500)
	b.SetBytes(int64(len(usersJSON(b))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := types.Marshal(l); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeUsersStdlib is the same encode through encoding/json, for comparison.
func BenchmarkEncodeUsersStdlib(b *testing.B) {
	l := fixture.UsersListing(500)
	b.SetBytes(int64(len(usersJSON(b))))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jsonv1.Marshal(l); err != nil {
			b.Fatal(err)
		}
	}
}
