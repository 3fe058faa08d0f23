package stix

import (
	"bytes"
	"errors"
	"strconv"
	"time"
)

// MaxTimestampDigits is the largest number of fraction digits a Timestamp
// keeps: nanoseconds.
const MaxTimestampDigits = 9

// Timestamp is a STIX timestamp: an instant in UTC together with the number
// of fraction digits it is written with. Decoding keeps the digits that were
// read (up to 9), so "…00.000Z" and "…00.100Z" are written back unchanged.
// The zero Timestamp means "absent". Timestamps compare as instants with
// nanosecond precision, never as strings. Values are immutable and safe for
// concurrent use.
//
// A leap second (23:59:60 UTC, which RFC 3339 allows) is kept and written
// back as read. Compare, Before, After and Equal order it after 23:59:59
// and before the next day's 00:00:00.
type Timestamp struct {
	t      time.Time // for a leap second, the next day's 00:00:00 plus the fraction
	digits int8
	set    bool
	leap   bool // written as second 60 of 23:59
}

// ErrTimestamp is the error class of every invalid timestamp; a
// *TimestampError matches it with errors.Is.
var ErrTimestamp = errors.New("invalid STIX timestamp")

// TimestampError reports a timestamp that is not of the STIX form
// YYYY-MM-DDTHH:MM:SS[.fraction]Z.
type TimestampError struct {
	Value  string // the text that was read
	Reason string // what is wrong with it
}

// Error names the value, the problem and the expected form.
func (e *TimestampError) Error() string {
	return "invalid timestamp " + strconv.Quote(e.Value) + ": " + e.Reason +
		" (write it as YYYY-MM-DDTHH:MM:SS[.fraction]Z in UTC)"
}

// Is reports whether target is ErrTimestamp.
func (e *TimestampError) Is(target error) bool { return target == ErrTimestamp }

// NewTimestamp returns t converted to UTC. It is written with 0, 3, 6 or 9
// fraction digits: the fewest of those that represent t exactly.
func NewTimestamp(t time.Time) Timestamp {
	t = t.UTC()
	ns := t.Nanosecond()
	var digits int8
	switch {
	case ns == 0:
		digits = 0
	case ns%1_000_000 == 0:
		digits = 3
	case ns%1_000 == 0:
		digits = 6
	default:
		digits = 9
	}
	return Timestamp{t: t, digits: digits, set: true}
}

// Now returns the current time truncated to milliseconds, written with three
// fraction digits.
func Now() Timestamp {
	return Timestamp{t: time.Now().UTC().Truncate(time.Millisecond), digits: 3, set: true}
}

// ParseTimestamp parses a STIX timestamp. The offset must be "Z"; any
// number of fraction digits is accepted, and digits beyond the ninth are
// dropped (truncated, not rounded). Dates are checked against the calendar.
func ParseTimestamp(s string) (Timestamp, error) {
	return parseTimestamp(s)
}

func parseTimestamp[T string | []byte](s T) (Timestamp, error) {
	fail := func(reason string) (Timestamp, error) {
		return Timestamp{}, &TimestampError{Value: string(s), Reason: reason}
	}
	if len(s) < 20 {
		return fail("too short")
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return fail("separators are not at their places")
	}
	var f [6]int
	for i, at := range [6]int{0, 5, 8, 11, 14, 17} {
		width := 2
		if i == 0 {
			width = 4
		}
		v, ok := atoiFixed(s[at : at+width])
		if !ok {
			return fail("a date or time field is not a number")
		}
		f[i] = v
	}
	year, month, day, hour, minute, sec := f[0], f[1], f[2], f[3], f[4], f[5]
	if month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return fail("no such date")
	}
	leap := sec == 60 && hour == 23 && minute == 59
	if leap {
		sec = 59
	}
	if hour > 23 || minute > 59 || sec > 59 {
		if sec == 60 {
			return fail("second 60 is a leap second, which only 23:59:60 can be")
		}
		return fail("no such time of day")
	}
	rest := s[19:]
	ns, digits := 0, 0
	if rest[0] == '.' {
		i := 1
		for i < len(rest) && '0' <= rest[i] && rest[i] <= '9' {
			if digits < MaxTimestampDigits {
				ns = ns*10 + int(rest[i]-'0')
				digits++
			}
			i++
		}
		if i == 1 {
			return fail("no digit after the decimal point")
		}
		rest = rest[i:]
	}
	if string(rest) != "Z" {
		if len(rest) > 0 && (rest[0] == '+' || rest[0] == '-' || rest[0] == 'z') {
			return fail("the offset is " + strconv.Quote(string(rest)) + ", not Z")
		}
		return fail("it does not end with Z")
	}
	for range MaxTimestampDigits - digits {
		ns *= 10
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, ns, time.UTC)
	if leap {
		t = t.Add(time.Second)
	}
	return Timestamp{t: t, digits: int8(digits), set: true, leap: leap}, nil
}

// MustParseTimestamp is like ParseTimestamp but panics on error. It is meant
// for constants in programs and tests.
func MustParseTimestamp(s string) Timestamp {
	ts, err := ParseTimestamp(s)
	if err != nil {
		panic(err)
	}
	return ts
}

func atoiFixed[T string | []byte](s T) (int, bool) {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// Time returns the instant in UTC. A time.Time has no leap seconds, so for
// 23:59:60.f Time returns the next day's 00:00:00.f, as POSIX time does.
func (ts Timestamp) Time() time.Time { return ts.t }

// IsLeapSecond reports whether ts falls in a leap second, 23:59:60 UTC.
func (ts Timestamp) IsLeapSecond() bool { return ts.leap }

// IsZero reports whether ts is the zero Timestamp, which stands for an absent
// property.
func (ts Timestamp) IsZero() bool { return !ts.set }

// Digits returns the number of fraction digits ts is written with.
func (ts Timestamp) Digits() int { return int(ts.digits) }

// WithDigits returns ts written with n fraction digits (0 to 9). The instant
// is truncated to that precision.
func (ts Timestamp) WithDigits(n int) Timestamp {
	n = min(max(n, 0), MaxTimestampDigits)
	unit := time.Duration(1)
	for range MaxTimestampDigits - n {
		unit *= 10
	}
	return Timestamp{t: ts.t.Truncate(unit), digits: int8(n), set: ts.set, leap: ts.leap}
}

// Compare compares the instants of ts and u with nanosecond precision and
// returns -1, 0 or +1.
func (ts Timestamp) Compare(u Timestamp) int {
	if ts.leap == u.leap {
		return ts.t.Compare(u.t)
	}
	// Compare whole seconds first, counting a leap second as part of the
	// second before the POSIX one it shares.
	a, b := ts.second(), u.second()
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case ts.leap:
		return 1
	}
	return -1
}

// second returns the Unix second of ts, with a leap second counted in
// 23:59:59.
func (ts Timestamp) second() int64 {
	if ts.leap {
		return ts.t.Unix() - 1
	}
	return ts.t.Unix()
}

// Before reports whether ts is an earlier instant than u.
func (ts Timestamp) Before(u Timestamp) bool { return ts.Compare(u) < 0 }

// After reports whether ts is a later instant than u.
func (ts Timestamp) After(u Timestamp) bool { return ts.Compare(u) > 0 }

// Equal reports whether ts and u are the same instant, whatever their digits.
func (ts Timestamp) Equal(u Timestamp) bool { return ts.Compare(u) == 0 }

// String returns the STIX form of ts, or "" for the zero Timestamp.
func (ts Timestamp) String() string {
	if ts.IsZero() {
		return ""
	}
	return string(ts.appendFormat(nil, 0))
}

// appendFormat appends ts with at least minDigits fraction digits.
func (ts Timestamp) appendFormat(dst []byte, minDigits int) []byte {
	t := ts.t
	if ts.leap {
		t = t.Add(-time.Second)
	}
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	if ts.leap {
		sec = 60
	}
	dst = appendPadded(dst, year, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, int(month), 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, day, 2)
	dst = append(dst, 'T')
	dst = appendPadded(dst, hour, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, minute, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, sec, 2)
	digits := max(int(ts.digits), minDigits)
	if digits > 0 {
		dst = append(dst, '.')
		frac := t.Nanosecond()
		for range MaxTimestampDigits - digits {
			frac /= 10
		}
		dst = appendPadded(dst, frac, digits)
	}
	return append(dst, 'Z')
}

func appendPadded(dst []byte, v, width int) []byte {
	var buf [9]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, buf[:width]...)
}

// MarshalText returns the STIX form of ts, or no text for the zero
// Timestamp.
func (ts Timestamp) MarshalText() ([]byte, error) {
	if ts.IsZero() {
		return []byte{}, nil
	}
	return ts.appendFormat(nil, 0), nil
}

// UnmarshalText parses a STIX timestamp into ts. Empty text gives the zero
// Timestamp.
func (ts *Timestamp) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*ts = Timestamp{}
		return nil
	}
	parsed, err := parseTimestamp(text)
	if err != nil {
		return err
	}
	*ts = parsed
	return nil
}

// MarshalJSON returns ts as a JSON string, or null for the zero Timestamp.
func (ts Timestamp) MarshalJSON() ([]byte, error) {
	if ts.IsZero() {
		return []byte("null"), nil
	}
	b := append([]byte{'"'}, ts.appendFormat(nil, 0)...)
	return append(b, '"'), nil
}

// UnmarshalJSON parses a JSON string holding a STIX timestamp into ts. As
// with other types, null leaves ts unchanged.
func (ts *Timestamp) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	sc := scanner{data: data}
	s, err := sc.str()
	if err != nil {
		return err
	}
	if err := sc.end(); err != nil {
		return err
	}
	return ts.UnmarshalText([]byte(s))
}
