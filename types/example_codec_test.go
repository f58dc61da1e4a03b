package types_test

import (
	"errors"
	"fmt"

	"github.com/go-json-experiment/json"

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
	// The error names the JSON path of the bad value. (Its wording is the
	// reference library's, which picks "cannot" or "unable to" at random
	// once per process: match on the path or on ErrFormat, not the text.)
	var se *json.SemanticError
	if errors.As(err, &se) {
		fmt.Println(se.JSONPointer)
	}
	// Output:
	// <nil> suspended-in-2030 false 2026-11-26T09:30:00.5+01:00
	// true
	// /routingStatus/startTime
}
