package platformclient_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/purecloudgo/platformclient"
	"github.com/purecloudgo/platformclient/api/taskmanagement"
	"github.com/purecloudgo/platformclient/api/users"
	"github.com/purecloudgo/platformclient/models"
)

// A stand-in for api.mypurecloud.com, so that the examples run anywhere.
func exampleServer() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api/v2/users/me":
			fmt.Fprint(w, `{"id":"u1","name":"Ann Agent","state":"active","presence":{"presenceDefinition":{"systemPresence":"Available"}}}`)
		case "/api/v2/taskmanagement/worktypes/w1":
			fmt.Fprint(w, `{"id":"w1","name":"Returns"}`)
		default:
			w.Header().Set("ININ-Correlation-Id", "c0ffee")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"Not found","code":"not.found","status":404}`)
		}
	}))
}

func Example() {
	srv := exampleServer()
	defer srv.Close()

	// In production: platformclient.WithRegion(platformclient.EUWest1) and a
	// login option instead of a base URL and a hand-set token.
	client, err := platformclient.New(platformclient.WithBaseURL(srv.URL), platformclient.WithAccessToken("token"))
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	me, err := users.NewClient(client).GetUsersMe(ctx, &users.GetUsersMeOptions{Expand: []string{"presence"}})
	if err != nil {
		panic(err)
	}
	// Nested objects are values: reading a chain never dereferences nil.
	fmt.Println(platformclient.Value(me.Name), *me.State, platformclient.Value(me.Presence.PresenceDefinition.SystemPresence))

	// Optional fields are pointers; NullFields sends an explicit null.
	_, err = taskmanagement.NewClient(client).PatchTaskmanagementWorktype(ctx, "w1", &models.WorktypeUpdate{
		Name:       platformclient.Ptr("Returns"),
		NullFields: []string{"defaultQueueId"},
	}, nil)
	fmt.Println(err)

	// Errors are typed.
	_, err = users.NewClient(client).GetUser(ctx, "nobody", nil)
	var apiErr *platformclient.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Body.Code, apiErr.CorrelationID, platformclient.IsNotFound(err))
	}
	// Output:
	// Ann Agent active Available
	// <nil>
	// 404 not.found c0ffee true
}
