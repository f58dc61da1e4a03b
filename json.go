package platformclient

import (
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/purecloudgo/platformclient/types"
)

// marshalJSON and unmarshalJSON are the one place the client encodes and
// decodes JSON, so the library behind them can be changed by measurement.
// The library is github.com/go-json-experiment/json, the proposed
// encoding/json/v2: faster than encoding/json, fewer allocations, and its
// errors name the JSON path of a bad value.
func marshalJSON(v any) ([]byte, error) { return types.Marshal(v) }

// lenient accepts what real services sometimes send: duplicate object names
// and invalid UTF-8 in strings.
var lenient = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

func unmarshalJSON(data []byte, v any) error { return json.Unmarshal(data, v, lenient) }
