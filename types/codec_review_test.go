package types_test

import (
	"testing"

	"github.com/purecloudgo/platformclient/models"
)

// levelText has only an AppendText method (encoding.TextAppender), which the
// reference library calls; the fast encoder wrote the number instead.
type levelText int

func (l levelText) AppendText(b []byte) ([]byte, error) { return append(b, "level-"...), nil }

func TestMarshalHonoursAppendText(t *testing.T) {
	for _, v := range []any{
		levelText(3), []levelText{1}, map[string]any{"a": levelText(3)}, map[levelText]int{2: 1},
		models.JsonNode{"level": levelText(3)},
		struct {
			A levelText `json:"a"`
		}{3},
	} {
		sameEncode(t, v)
	}
}
