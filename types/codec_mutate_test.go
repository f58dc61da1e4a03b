package types_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/purecloudgo/platformclient/models"
	"github.com/purecloudgo/platformclient/types"
)

// mutator rewrites a valid JSON text into a nastier one with the same
// shape: duplicate names (last wins, and merges), nulls, escaped names and
// strings, unusual number forms, unknown names, shorter arrays, invalid UTF-8.
type mutator struct {
	r   *rand.Rand
	out []byte
}

func (m *mutator) chance(n int) bool { return m.r.IntN(n) == 0 }

func (m *mutator) value(raw jsontext.Value) {
	dec := jsontext.NewDecoder(bytes.NewReader(raw))
	switch raw.Kind() {
	case '{':
		dec.ReadToken()
		m.out = append(m.out, '{')
		first := true
		member := func(name string, v jsontext.Value) {
			if !first {
				m.out = append(m.out, ',')
			}
			first = false
			m.str(name)
			m.out = append(m.out, ':')
			m.value(v)
		}
		for dec.PeekKind() != '}' {
			tok, _ := dec.ReadToken()
			name := tok.String()
			v, _ := dec.ReadValue()
			v = v.Clone()
			switch {
			case m.chance(12):
				member(name, jsontext.Value("null"))
			case m.chance(8):
				member(name, v)
				member(name, v)
			case m.chance(20):
				member("unknownName", v)
				member(name, v)
			default:
				member(name, v)
			}
		}
		m.out = append(m.out, '}')
	case '[':
		dec.ReadToken()
		m.out = append(m.out, '[')
		for i := 0; dec.PeekKind() != ']'; i++ {
			v, _ := dec.ReadValue()
			if i > 0 && m.chance(6) {
				continue
			}
			if i > 0 {
				m.out = append(m.out, ',')
			}
			if m.chance(15) {
				m.out = append(m.out, "null"...)
			} else {
				m.value(v.Clone())
			}
		}
		m.out = append(m.out, ']')
	case '"':
		tok, _ := dec.ReadToken()
		m.str(tok.String())
	case '0':
		text := string(raw)
		switch m.r.IntN(12) {
		case 0:
			text += ".0"
		case 1:
			text += "e0"
		case 2:
			text = "-0"
		case 3:
			text = "1e400"
		case 4:
			text = "-" + text
		case 5:
			text = strconv.Quote(text)
		}
		m.out = append(m.out, text...)
	default:
		m.out = append(m.out, raw...)
	}
}

func (m *mutator) str(s string) {
	switch {
	case m.chance(10):
		m.out = append(m.out, '"')
		for _, r := range s {
			for _, u := range utf16.Encode([]rune{r}) {
				m.out = fmt.Appendf(m.out, `\u%04X`, u)
			}
		}
		m.out = append(m.out, '"')
	case m.chance(30):
		m.out = append(m.out, '"', 0xff)
		m.out = append(m.out, s[min(len(s), 1):]...) // raw, unescaped: may be invalid JSON too
		m.out = append(m.out, '"')
	default:
		b, _ := jsontext.AppendQuote(nil, s)
		if !utf8.ValidString(s) {
			b = strconv.AppendQuote(nil, s)
		}
		m.out = append(m.out, b...)
	}
}

// sameDecodeOf decodes data into new values of typ with both codecs and
// fails unless they agree: same value, or the same error.
func sameDecodeOf(t *testing.T, typ reflect.Type, data []byte) {
	t.Helper()
	fast, ref := reflect.New(typ), reflect.New(typ)
	errFast := types.Unmarshal(data, fast.Interface())
	errRef := json.Unmarshal(data, ref.Interface(), reference)
	switch {
	case (errFast == nil) != (errRef == nil):
		t.Errorf("%.300q into %v: fast %v, reference %v", data, typ, errFast, errRef)
	case errFast != nil && errFast.Error() != errRef.Error():
		t.Errorf("%.300q into %v: fast error %q, reference %q", data, typ, errFast, errRef)
	case errFast == nil && !reflect.DeepEqual(fast.Interface(), ref.Interface()):
		t.Errorf("%.300q into %v: values differ", data, typ)
	}
}

// TestUnmarshalAgreesOnMutatedModels decodes, into a sample of the model
// types, texts written from random values and then made nastier (see
// mutator): both codecs must give the same value or the same error.
func TestUnmarshalAgreesOnMutatedModels(t *testing.T) {
	all := modelTypes()
	step := 2
	if testing.Short() {
		step = 13
	}
	for i := 0; i < len(all); i += step {
		r := rand.New(rand.NewPCG(uint64(i), 9))
		v := reflect.New(all[i])
		filler{r}.fill(v.Elem(), 0)
		wire, err := types.Marshal(v.Interface())
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			m := mutator{r: r}
			m.value(wire)
			sameDecodeOf(t, all[i], m.out)
		}
	}
}

// fuzzTypes are models with the field shapes the users fuzz target does not
// reach: maps of maps of any, slices of slices, maps of slices, float32,
// int64, dates, local date-times and year-months, deep listings.
var fuzzTypes = []reflect.Type{
	reflect.TypeFor[models.AvailableTopic](), reflect.TypeFor[models.CsvUploadPreviewResponse](),
	reflect.TypeFor[models.AgentMuScheduleItem](), reflect.TypeFor[models.Schedule](),
	reflect.TypeFor[models.LongTermRequirements](), reflect.TypeFor[models.ActionMapEstimateOutcomeCriteria](),
	reflect.TypeFor[models.Callheader](), reflect.TypeFor[models.Location](), reflect.TypeFor[models.Flow](),
	reflect.TypeFor[models.QueueEntityListing](), reflect.TypeFor[models.AnalyticsConversationQueryResponse](),
	reflect.TypeFor[models.ConversationAggregateQueryResponse](),
}

func FuzzModelsAgreeWithTheReference(f *testing.F) {
	for i, typ := range fuzzTypes {
		v := reflect.New(typ)
		filler{rand.New(rand.NewPCG(uint64(i), 3))}.fill(v.Elem(), 0)
		wire, err := types.Marshal(v.Interface())
		if err != nil {
			f.Fatal(err)
		}
		f.Add(wire)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range fuzzTypes {
			sameDecodeOf(t, typ, data)
			v := reflect.New(typ)
			if types.Unmarshal(data, v.Interface()) == nil {
				sameEncode(t, v.Interface())
			}
		}
	})
}
