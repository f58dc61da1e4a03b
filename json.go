package platformclient

import "github.com/purecloudgo/platformclient/types"

// marshalJSON and unmarshalJSON are the one place the client encodes and
// decodes JSON, so the codec behind them can be changed by measurement.
// Both are in package types: a fast encoder and decoder built per Go type
// for the generated models, with github.com/go-json-experiment/json (the
// proposed encoding/json/v2) behind them for errors, which name the JSON path
// of a bad value, for NullFields and for unusual types.
func marshalJSON(v any) ([]byte, error) { return types.Marshal(v) }

// unmarshalJSON accepts what real services sometimes send: duplicate object
// names and invalid UTF-8 in strings.
func unmarshalJSON(data []byte, v any) error { return types.Unmarshal(data, v) }
