package sim

import (
	"testing"

	"github.com/purecloudgo/platformclient"
)

// The simulator bounds request bodies as the client bounds response
// bodies: by platformclient.DefaultMaxResponseSize (413 above it).
func TestRequestBodyBoundIsTheClientsBound(t *testing.T) {
	s, err := New(WithSeedUsers(1))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.cfg.maxBody != platformclient.DefaultMaxResponseSize {
		t.Errorf("maxBody %d, want %d", s.cfg.maxBody, platformclient.DefaultMaxResponseSize)
	}
}
