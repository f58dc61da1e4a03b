// Package types holds the wire types shared by the generated models: calendar
// dates, date-times that round-trip their wire text, local date-times,
// year-months; and the JSON codec the client uses for every body
// (Marshal, with explicit nulls from NullFields, and Unmarshal).
package types

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ErrFormat is wrapped by every error about a malformed date or time value.
var ErrFormat = errors.New("malformed value")

func formatErr(kind, text string, cause error) error {
	if cause != nil {
		return fmt.Errorf("%w: %s %q: %v", ErrFormat, kind, text, cause)
	}
	return fmt.Errorf("%w: %s %q", ErrFormat, kind, text)
}

// unquote returns the contents of a JSON string, rejecting anything else.
func unquote(kind string, b []byte) (string, error) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", formatErr(kind, string(b), errors.New("not a JSON string"))
	}
	s := b[1 : len(b)-1]
	for _, c := range s {
		if c == '\\' || c < 0x20 {
			u, err := strconv.Unquote(string(b))
			if err != nil {
				return "", formatErr(kind, string(b), err)
			}
			return u, nil
		}
	}
	return string(s), nil
}

func quote(b []byte, s string) []byte {
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Date is a calendar date without time or zone, on the wire "2006-01-02".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// ParseDate parses "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, formatErr("date", s, nil)
	}
	return DateOf(t), nil
}

// String formats d as "YYYY-MM-DD".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// In returns the time at midnight of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON implements json.Marshaler.
func (d Date) MarshalJSON() ([]byte, error) { return quote(nil, d.String()), nil }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Date) UnmarshalJSON(b []byte) error {
	s, err := unquote("date", b)
	if err != nil {
		return err
	}
	return d.UnmarshalText([]byte(s))
}

// YearMonth is a month of a year, on the wire "2006-01".
type YearMonth struct {
	Year  int        // 0 to 9999
	Month time.Month // 1 to 12
}

// NewYearMonth returns the year-month, or an error when year is outside
// 0-9999 or month outside 1-12.
func NewYearMonth(year int, month time.Month) (YearMonth, error) {
	if year < 0 || year > 9999 || month < 1 || month > 12 {
		return YearMonth{}, fmt.Errorf("%w: year-month %d-%d out of range", ErrFormat, year, month)
	}
	return YearMonth{Year: year, Month: month}, nil
}

// YearMonthOf returns the year-month that contains d.
func YearMonthOf(d Date) YearMonth { return YearMonth{Year: d.Year, Month: d.Month} }

// ToDate returns the first day of the month.
func (ym YearMonth) ToDate() Date { return Date{Year: ym.Year, Month: ym.Month, Day: 1} }

// ParseYearMonth parses "YYYY-MM".
func ParseYearMonth(s string) (YearMonth, error) {
	if len(s) != 7 || s[4] != '-' {
		return YearMonth{}, formatErr("year-month", s, nil)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	if err1 != nil || err2 != nil || s[0] == '+' || s[0] == '-' || s[5] == '+' || s[5] == '-' {
		return YearMonth{}, formatErr("year-month", s, nil)
	}
	ym, err := NewYearMonth(y, time.Month(m))
	if err != nil {
		return YearMonth{}, formatErr("year-month", s, nil)
	}
	return ym, nil
}

// String formats ym as "YYYY-MM".
func (ym YearMonth) String() string { return fmt.Sprintf("%04d-%02d", ym.Year, ym.Month) }

// IsZero reports whether ym is the zero YearMonth.
func (ym YearMonth) IsZero() bool { return ym == YearMonth{} }

// MarshalText implements encoding.TextMarshaler.
func (ym YearMonth) MarshalText() ([]byte, error) { return []byte(ym.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (ym *YearMonth) UnmarshalText(b []byte) error {
	v, err := ParseYearMonth(string(b))
	if err != nil {
		return err
	}
	*ym = v
	return nil
}

// MarshalJSON implements json.Marshaler.
func (ym YearMonth) MarshalJSON() ([]byte, error) { return quote(nil, ym.String()), nil }

// UnmarshalJSON implements json.Unmarshaler.
func (ym *YearMonth) UnmarshalJSON(b []byte) error {
	s, err := unquote("year-month", b)
	if err != nil {
		return err
	}
	return ym.UnmarshalText([]byte(s))
}

// DateTime is an instant on the wire as ISO-8601 ("2026-01-02T15:04:05.000Z").
// A decoded value re-encodes with the same number of fractional digits and
// the same zone offset it arrived with; a value built with NewDateTime is
// sent with milliseconds, as Genesys Cloud writes them.
type DateTime struct {
	time.Time
	frac int8 // fractional digits to write: 0 means 3 (the default), -1 means none
}

// NewDateTime wraps t.
func NewDateTime(t time.Time) DateTime { return DateTime{Time: t} }

// ParseDateTime parses an RFC 3339 date-time.
func ParseDateTime(s string) (DateTime, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return DateTime{}, formatErr("date-time", s, nil)
	}
	return DateTime{Time: t, frac: fracDigits(s, 19)}, nil
}

// fracDigits counts the fractional second digits that start at s[at].
func fracDigits(s string, at int) int8 {
	if len(s) <= at || s[at] != '.' {
		return -1
	}
	n := int8(0)
	for i := at + 1; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n++
	}
	if n == 3 {
		return 0
	}
	return n
}

func layoutFor(frac int8) string {
	switch {
	case frac == 0:
		return ".000"
	case frac < 0:
		return ""
	}
	l := []byte{'.'}
	for i := int8(0); i < frac; i++ {
		l = append(l, '0')
	}
	return string(l)
}

// dateTimeLayouts are the wire layouts of DateTime by frac+1.
var dateTimeLayouts = func() (l [11]string) {
	for f := int8(-1); f <= 9; f++ {
		l[f+1] = "2006-01-02T15:04:05" + layoutFor(f) + "Z07:00"
	}
	return l
}()

// String formats t as it is sent on the wire.
func (t DateTime) String() string { return string(t.appendText(nil)) }

// appendText appends t as it is sent on the wire, without quotes.
func (t DateTime) appendText(b []byte) []byte {
	layout := "2006-01-02T15:04:05" + layoutFor(t.frac) + "Z07:00"
	if t.frac >= -1 && t.frac <= 9 {
		layout = dateTimeLayouts[t.frac+1]
	}
	return t.Time.AppendFormat(b, layout)
}

// MarshalText implements encoding.TextMarshaler.
func (t DateTime) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *DateTime) UnmarshalText(b []byte) error {
	v, err := ParseDateTime(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalJSON implements json.Marshaler.
func (t DateTime) MarshalJSON() ([]byte, error) {
	b := append(make([]byte, 0, 32), '"')
	return append(t.appendText(b), '"'), nil
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *DateTime) UnmarshalJSON(b []byte) error {
	s, err := unquote("date-time", b)
	if err != nil {
		return err
	}
	return t.UnmarshalText([]byte(s))
}

// LocalDateTime is a wall-clock date and time without zone, on the wire
// "2006-01-02T15:04:05.000". Time holds the wall clock in UTC.
type LocalDateTime struct {
	time.Time
	frac int8
}

// NewLocalDateTime returns the wall clock of t, dropping its zone.
func NewLocalDateTime(t time.Time) LocalDateTime {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return LocalDateTime{Time: time.Date(y, mo, d, h, mi, s, t.Nanosecond(), time.UTC)}
}

// ParseLocalDateTime parses "YYYY-MM-DDTHH:MM:SS[.fff]".
func ParseLocalDateTime(s string) (LocalDateTime, error) {
	t, err := time.Parse("2006-01-02T15:04:05.999999999", s)
	if err != nil {
		return LocalDateTime{}, formatErr("local date-time", s, nil)
	}
	return LocalDateTime{Time: t, frac: fracDigits(s, 19)}, nil
}

// String formats t as it is sent on the wire.
func (t LocalDateTime) String() string {
	return t.Time.Format("2006-01-02T15:04:05" + layoutFor(t.frac))
}

// MarshalText implements encoding.TextMarshaler.
func (t LocalDateTime) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (t *LocalDateTime) UnmarshalText(b []byte) error {
	v, err := ParseLocalDateTime(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// MarshalJSON implements json.Marshaler.
func (t LocalDateTime) MarshalJSON() ([]byte, error) { return quote(nil, t.String()), nil }

// UnmarshalJSON implements json.Unmarshaler.
func (t *LocalDateTime) UnmarshalJSON(b []byte) error {
	s, err := unquote("local date-time", b)
	if err != nil {
		return err
	}
	return t.UnmarshalText([]byte(s))
}
