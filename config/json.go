package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
)

// parseJSON reads a JSON object of section objects whose values are strings,
// numbers, booleans or null (null leaves the key unset). Names repeated in
// one object are an error.
func parseJSON(data []byte) (*raw, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := jsontext.NewDecoder(bytes.NewReader(data))
	fail := func(err error) error { return jsonError(data, dec, err) }
	r := &raw{}
	if tok, err := dec.ReadToken(); err != nil {
		return nil, fail(err)
	} else if tok.Kind() != '{' {
		return nil, fail(errors.New("want a JSON object"))
	}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, fail(err)
		}
		section := strings.ToLower(tok.String())
		r.sections = append(r.sections, section)
		switch dec.PeekKind() {
		case '{':
		case 'n':
			if _, err := dec.ReadToken(); err != nil {
				return nil, fail(err)
			}
			continue
		case 0:
			_, err := dec.ReadToken()
			return nil, fail(err)
		default:
			return nil, &Error{Format: FormatJSON, Line: line(data, dec.InputOffset()), Section: section,
				Err: errors.New("want a JSON object of keys")}
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, fail(err)
		}
		for dec.PeekKind() != '}' {
			tok, err := dec.ReadToken()
			if err != nil {
				return nil, fail(err)
			}
			key := strings.ToLower(tok.String())
			v := rawValue{}
			switch k := dec.PeekKind(); k {
			case '{', '[':
				return nil, &Error{Format: FormatJSON, Line: line(data, dec.InputOffset()), Section: section, Key: key,
					Err: errors.New("want a string, number or boolean")}
			case '0':
				v.kind = kindNumber
			case 't', 'f':
				v.kind = kindBool
			}
			tok, err = dec.ReadToken()
			if err != nil {
				return nil, fail(err)
			}
			v.line = line(data, dec.InputOffset())
			if tok.Kind() != 'n' { // null leaves the key unset, like an empty value
				v.text = tok.String()
			}
			r.entries = append(r.entries, rawEntry{section: section, key: key, val: v})
		}
		if _, err := dec.ReadToken(); err != nil { // '}'
			return nil, fail(err)
		}
	}
	if _, err := dec.ReadToken(); err != nil { // '}'
		return nil, fail(err)
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		if err == nil {
			err = errors.New("content after the JSON object")
		}
		return nil, fail(err)
	}
	return r, nil
}

// jsonError reports a syntax error with its line and column.
func jsonError(data []byte, dec *jsontext.Decoder, err error) error {
	off := dec.InputOffset()
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		off = se.ByteOffset
		err = se.Err
	}
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = errors.New("unexpected end of JSON")
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return &Error{Format: FormatJSON, Line: line(data, off), Err: fmt.Errorf("column %d: %w", col, err)}
}

// line returns the 1-based line of byte offset off.
func line(data []byte, off int64) int {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	return bytes.Count(data[:off], []byte("\n")) + 1
}
