package types

import (
	"errors"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// errFast is returned inside the fast codec for anything it does not handle
// itself: bad input, an unsupported type, a value the reference library
// would reject. The caller then runs the reference library, which gives the
// error that names the JSON path, or handles the unusual value.
var errFast = errors.New("types: fast codec declined")

// maxNesting is how deep objects and arrays may nest, as in the reference library.
const maxNesting = 10000

// decoder reads one JSON text from data.
type decoder struct {
	data    []byte
	pos     int
	depth   int
	guessed bool   // an array was sized from the input left (see growSlice)
	buf     []byte // scratch for strings with escapes or invalid UTF-8

	// blocks the values of optional fields come from (see slab)
	strs   []string
	ints   []int64
	floats []float64
	bools  []bool
	text   []byte // the unused rest of the block strings are copied into (see keep)
}

// textBlock is the size of the blocks short strings are copied into; a
// string kept after the decode keeps at most one block alive.
const textBlock = 2048

// keep returns b as a string of its own. Short strings share blocks, one
// allocation for many, as most strings of a model are short.
func (d *decoder) keep(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if len(b) > textBlock/8 {
		return string(b)
	}
	if len(d.text) < len(b) {
		d.text = make([]byte, textBlock)
	}
	n := copy(d.text, b)
	s := unsafe.String(&d.text[0], n)
	d.text = d.text[n:]
	return s
}

var isSpace = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) && isSpace[d.data[d.pos]] {
		d.pos++
	}
}

// peek returns the next non-space byte, 0 at the end of the input.
func (d *decoder) peek() byte {
	d.skipSpace()
	if d.pos < len(d.data) {
		return d.data[d.pos]
	}
	return 0
}

// literal consumes lit (true, false or null), whose first byte is at pos.
func (d *decoder) literal(lit string) error {
	if len(d.data)-d.pos < len(lit) || string(d.data[d.pos:d.pos+len(lit)]) != lit {
		return errFast
	}
	d.pos += len(lit)
	return nil
}

// needsCare marks the string bytes that stop the fast scan: the quote, the
// backslash, control characters and every non-ASCII byte.
var needsCare = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = true
	}
	for c := 0x80; c < 0x100; c++ {
		t[c] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

// str reads a JSON string at pos and returns its contents, unescaped, with
// invalid UTF-8 replaced by U+FFFD. The result aliases the input or the
// scratch buffer: copy it to keep it.
func (d *decoder) str() ([]byte, error) {
	if d.pos >= len(d.data) || d.data[d.pos] != '"' {
		return nil, errFast
	}
	start := d.pos + 1
	i := start
	data := d.data
	for i < len(data) && !needsCare[data[i]] {
		i++
	}
	if i < len(data) && data[i] == '"' {
		d.pos = i + 1
		return data[start:i], nil
	}
	return d.strSlow(start, i)
}

// strSlow continues str from i, where a byte needs care.
func (d *decoder) strSlow(start, i int) ([]byte, error) {
	data := d.data
	b := append(d.buf[:0], data[start:i]...)
	for {
		if i >= len(data) {
			return nil, errFast
		}
		c := data[i]
		switch {
		case c == '"':
			d.pos = i + 1
			d.buf = b
			return b, nil
		case c < 0x20:
			return nil, errFast
		case c == '\\':
			if i+1 >= len(data) {
				return nil, errFast
			}
			i += 2
			switch data[i-1] {
			case '"', '\\', '/':
				b = append(b, data[i-1])
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(data, i)
				if !ok {
					return nil, errFast
				}
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok := rune(-1), false
					if i+6 <= len(data) && data[i] == '\\' && data[i+1] == 'u' {
						r2, ok = hex4(data, i+2)
					}
					if dec := utf16.DecodeRune(r, r2); ok && dec != utf8.RuneError {
						r = dec
						i += 6
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				return nil, errFast
			}
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, n := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, "\ufffd"...)
			} else {
				b = append(b, data[i:i+n]...)
			}
			i += n
		}
	}
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// digits returns the index of the first byte at or after i in data that is
// not an ASCII digit.
func digits(data []byte, i int) int {
	for i < len(data) && data[i] >= '0' && data[i] <= '9' {
		i++
	}
	return i
}

// number reads a JSON number at pos and returns its text; integer is true
// when it has neither fraction nor exponent.
func (d *decoder) number() (text []byte, integer bool, err error) {
	data := d.data
	i := d.pos
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i < len(data) && data[i] == '0':
		i++
	case i < len(data) && data[i] >= '1' && data[i] <= '9':
		i = digits(data, i)
	default:
		return nil, false, errFast
	}
	integer = true
	if i < len(data) && data[i] == '.' {
		integer = false
		j := digits(data, i+1)
		if j == i+1 {
			return nil, false, errFast
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		integer = false
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(data, i)
		if j == i {
			return nil, false, errFast
		}
		i = j
	}
	text = data[d.pos:i]
	d.pos = i
	return text, integer, nil
}

// skip reads and discards one JSON value, checking its syntax.
func (d *decoder) skip() error {
	switch d.peek() {
	case '"':
		_, err := d.str()
		return err
	case '{':
		return d.object(func(d *decoder, _ []byte) error { return d.skip() })
	case '[':
		return d.array(func(d *decoder, _ int) error { return d.skip() })
	case 't':
		return d.literal("true")
	case 'f':
		return d.literal("false")
	case 'n':
		return d.literal("null")
	default:
		_, _, err := d.number()
		return err
	}
}

// object reads a JSON object at pos (after peek), calling member with each
// name, unescaped, with pos at the value; member must consume the value.
func (d *decoder) object(member func(d *decoder, name []byte) error) error {
	if d.depth++; d.depth > maxNesting {
		return errFast
	}
	d.pos++ // {
	if d.peek() == '}' {
		d.pos++
		d.depth--
		return nil
	}
	for {
		if d.peek() != '"' {
			return errFast
		}
		name, err := d.str()
		if err != nil {
			return err
		}
		if d.peek() != ':' {
			return errFast
		}
		d.pos++
		if err := member(d, name); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.pos++
		case '}':
			d.pos++
			d.depth--
			return nil
		default:
			return errFast
		}
	}
}

// array reads a JSON array at pos (after peek), calling elem for each element.
func (d *decoder) array(elem func(d *decoder, i int) error) error {
	if d.depth++; d.depth > maxNesting {
		return errFast
	}
	d.pos++ // [
	if d.peek() == ']' {
		d.pos++
		d.depth--
		return nil
	}
	for i := 0; ; i++ {
		d.skipSpace()
		if err := elem(d, i); err != nil {
			return err
		}
		switch d.peek() {
		case ',':
			d.pos++
		case ']':
			d.pos++
			d.depth--
			return nil
		default:
			return errFast
		}
	}
}

// bytesString views b as a string without copying, for look-ups and parsing only.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
