package types_test

import (
	"errors"
	"fmt"

	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

func ExampleMarshal() {
	title := "Senior Agent"
	b, _ := types.Marshal(&models.User{Title: &title})
	fmt.Println(string(b))
	b, _ = types.Marshal(&models.User{Title: &title, NullFields: []string{"department"}})
	fmt.Println(string(b))
	// Output:
	// {"title":"Senior Agent"}
	// {"department":null,"title":"Senior Agent"}
}

func ExampleUnmarshal() {
	var u models.User
	err := types.Unmarshal([]byte(`{"state":"suspended-in-2030","routingStatus":{"startTime":"2026-11-26T09:30:00.5+01:00"}}`), &u)
	fmt.Println(err, *u.State, u.State.IsKnown(), u.RoutingStatus.StartTime)

	err = types.Unmarshal([]byte(`{"routingStatus":{"startTime":"yesterday"}}`), &u)
	fmt.Println(errors.Is(err, types.ErrFormat))
	fmt.Println(err)
	// Output:
	// <nil> suspended-in-2030 false 2026-11-26T09:30:00.5+01:00
	// true
	// json: cannot unmarshal JSON string into Go types.DateTime within "/routingStatus/startTime": malformed value: date-time "yesterday"
}
