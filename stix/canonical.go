package stix

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"
)

// CanonicalJSON returns the RFC 8785 (JSON Canonicalization Scheme) form of
// v: no white space, object members sorted by the UTF-16 code units of
// their names, numbers in the ECMAScript form of IEEE 754 doubles, and
// strings escaped only where JSON requires it ('"', '\\' and control
// characters). HTML characters and U+2028/U+2029 are written as they are.
//
// v may be a JSON text (json.RawMessage), a STIX Object, or any value
// encoding/json accepts; maps, slices, strings, numbers, booleans and nil
// are handled directly. Integers above 2^53 lose precision, as RFC 8785
// prescribes.
func CanonicalJSON(v any) ([]byte, error) {
	return appendCanonicalValue(nil, v)
}

// Canonicalize returns the RFC 8785 form of the JSON text data.
func Canonicalize(data []byte) ([]byte, error) {
	s := scanner{data: data}
	out, err := appendCanonical(nil, &s)
	if err != nil {
		return nil, err
	}
	return out, s.end()
}

// appendCanonical appends the value at the scanner's position in canonical
// form.
func appendCanonical(dst []byte, s *scanner) ([]byte, error) {
	switch c := s.peek(); {
	case c == '{':
		type member struct {
			name  string
			value []byte
		}
		var members []member
		err := s.objectFields(func(name []byte) error {
			value, err := appendCanonical(nil, s)
			members = append(members, member{string(name), value})
			return err
		})
		if err != nil {
			return dst, err
		}
		slices.SortStableFunc(members, func(a, b member) int { return compareUTF16(a.name, b.name) })
		dst = append(dst, '{')
		for i, m := range members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendCanonicalString(dst, m.name)
			dst = append(dst, ':')
			dst = append(dst, m.value...)
		}
		return append(dst, '}'), nil
	case c == '[':
		return s.appendArray(dst, func(dst []byte) ([]byte, error) {
			return appendCanonical(dst, s)
		})
	case c == '"':
		str, err := s.stringBytes()
		return appendCanonicalString(dst, string(str)), err
	case c == '-' || ('0' <= c && c <= '9'):
		num, err := s.number()
		if err != nil {
			return dst, err
		}
		return appendCanonicalNumber(dst, string(num))
	default:
		return s.appendCompact(dst)
	}
}

func appendCanonicalNumber(dst []byte, literal string) ([]byte, error) {
	f, err := strconv.ParseFloat(literal, 64)
	if err != nil {
		return dst, errors.New("number " + literal + " is outside the IEEE 754 double range")
	}
	return appendCanonicalFloat(dst, f)
}

func appendCanonicalFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, errors.New("number " + strconv.FormatFloat(f, 'g', -1, 64) +
			" has no JSON form")
	}
	if f == 0 {
		return append(dst, '0'), nil // also for -0
	}
	return appendFloat(dst, f), nil
}

// appendCanonicalString writes s escaping only '"', '\\' and control
// characters, with the short escapes of JSON where they exist.
func appendCanonicalString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendASCIIEscape(dst, c)
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// compareUTF16 orders strings by their UTF-16 code units, as RFC 8785
// sorts member names. It differs from byte order only for characters
// outside the Basic Multilingual Plane.
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			ua, la := utf16Units(ra)
			ub, lb := utf16Units(rb)
			if ua != ub {
				return cmpInt(ua, ub)
			}
			return cmpInt(la, lb)
		}
		a, b = a[na:], b[nb:]
	}
	return cmpInt(len(a), len(b))
}

func utf16Units(r rune) (rune, rune) {
	if r < 0x10000 {
		return r, 0
	}
	r -= 0x10000
	return 0xD800 + r>>10, 0xDC00 + r&0x3FF
}

func cmpInt[T int | rune](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// appendCanonicalValue appends the canonical form of a Go value.
func appendCanonicalValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case string:
		if !utf8.ValidString(x) {
			return dst, fmt.Errorf("string %q is not valid UTF-8", x)
		}
		return appendCanonicalString(dst, x), nil
	case float64:
		return appendCanonicalFloat(dst, x)
	case float32:
		return appendCanonicalFloat(dst, float64(x))
	case int:
		return appendCanonicalFloat(dst, float64(x))
	case int64:
		return appendCanonicalFloat(dst, float64(x))
	case int32:
		return appendCanonicalFloat(dst, float64(x))
	case uint64:
		return appendCanonicalFloat(dst, float64(x))
	case json.Number:
		return appendCanonicalNumber(dst, string(x))
	case json.RawMessage:
		s := scanner{data: x}
		out, err := appendCanonical(dst, &s)
		if err == nil {
			err = s.end()
		}
		return out, err
	case Timestamp:
		return appendCanonicalString(dst, x.String()), nil
	case []string:
		return appendCanonicalList(dst, x)
	case []any:
		return appendCanonicalList(dst, x)
	case map[string]any:
		return appendCanonicalMap(dst, x)
	case map[string]string:
		return appendCanonicalMap(dst, x)
	case Hashes:
		return appendCanonicalMap(dst, x)
	case map[string]json.RawMessage:
		return appendCanonicalMap(dst, x)
	case Object:
		data, err := Marshal(x)
		if err != nil {
			return dst, err
		}
		return appendCanonicalValue(dst, json.RawMessage(data))
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return append(dst, "null"...), nil
	}
	data, err := encodeOther(nil, v)
	if err != nil {
		return dst, err
	}
	return appendCanonicalValue(dst, json.RawMessage(data))
}

func appendCanonicalList[V any](dst []byte, list []V) ([]byte, error) {
	dst = append(dst, '[')
	for i, e := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if dst, err = appendCanonicalValue(dst, e); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

func appendCanonicalMap[V any](dst []byte, m map[string]V) ([]byte, error) {
	names := make([]string, 0, len(m))
	for k := range m {
		if !utf8.ValidString(k) {
			return dst, fmt.Errorf("member name %q is not valid UTF-8", k)
		}
		names = append(names, k)
	}
	slices.SortFunc(names, compareUTF16)
	dst = append(dst, '{')
	for i, k := range names {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendCanonicalString(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = appendCanonicalValue(dst, m[k]); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}
