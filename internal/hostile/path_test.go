package hostile_test

import (
	"context"
	"errors"
	"testing"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/internal/hostile"
)

// "." and ".." (and any value of dots only) as path parameters would
// address another resource on a server that cleans paths
// (GET /api/v2/users/../roles is GET /api/v2/roles): refused before
// anything is sent.
func TestDotPathParameters(t *testing.T) {
	api := hostile.New(t, nil)
	u := users.NewClient(newClient(t, api, nil, withToken))
	ctx := context.Background()
	for _, v := range []string{".", "..", "...", "...."} {
		_, err1 := u.GetUserRoles(ctx, v, nil)
		_, err2 := u.DeleteUser(ctx, v, nil)
		for _, err := range []error{err1, err2} {
			var pe *platformclient.ParamError
			if !errors.As(err, &pe) || pe.In != "path" {
				t.Errorf("%q: error %v, want a *ParamError", v, err)
			}
		}
	}
	assertUntouched(t, api)
	// Dots inside a value are fine.
	if _, err := u.GetUser(ctx, "a..b", nil); err != nil {
		t.Errorf("a..b: %v", err)
	}
	if r := api.Requests(); len(r) != 1 || r[0].Path != "/api/v2/users/a..b" {
		t.Errorf("requests %+v", r)
	}
}
