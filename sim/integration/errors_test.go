package integration

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
)

// TestGeneratedErrorsNameTheOperation checks that the error of a generated
// method carries its operation and that its text starts with it.
func TestGeneratedErrorsNameTheOperation(t *testing.T) {
	s, c := newClient(t)
	const missing = "00000000-0000-4000-8000-000000000000"
	_, err := users.NewClient(c).GetUser(context.Background(), missing, nil)
	var ae *platformclient.APIError
	if !errors.As(err, &ae) || ae.StatusCode != 404 {
		t.Fatalf("GetUser of a missing user: %v", err)
	}
	if ae.Operation != "users.GetUser" {
		t.Errorf("Operation %q, want users.GetUser", ae.Operation)
	}
	if want := "users.GetUser: GET " + s.URL() + "/api/v2/users/" + missing + ": 404"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q does not start with %q", err, want)
	}
}
