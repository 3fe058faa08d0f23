// Package jsonvalue decodes a JSON document held in memory into the values
// encoding/json produces with Decoder.UseNumber: map[string]any, []any,
// string, json.Number, bool and nil. It reads the bytes once, in place,
// which makes it several times faster than a json.Decoder for small
// documents. A fuzz test checks that it accepts and returns exactly what
// encoding/json does.
package jsonvalue

import (
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is the nesting limit of encoding/json.
const maxDepth = 10000

// SyntaxError is a malformed document; Offset is the byte where the
// problem was found.
type SyntaxError struct {
	Offset int
	Msg    string
}

// Error formats the message and the offset.
func (e *SyntaxError) Error() string {
	return e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

// DuplicateKey is a key that an object of the document repeats. As
// encoding/json does, Decode keeps the last of its values.
type DuplicateKey struct {
	Key      string
	Offset   int  // byte offset of the repeated key
	TopLevel bool // the key belongs to the outermost object
}

// Decode decodes the one JSON value that data holds, surrounded by optional
// white space.
func Decode(data []byte) (any, error) {
	v, _, err := DecodeWithDuplicates(data)
	return v, err
}

// DecodeWithDuplicates is like Decode and also returns the keys that an
// object repeats, in document order.
func DecodeWithDuplicates(data []byte) (any, []DuplicateKey, error) {
	return decode(data, nil)
}

// DecodeWithDuplicates decodes data as the package function
// DecodeWithDuplicates does, taking object keys from the cache and adding
// new ones to it. A nil kc disables the cache.
func (kc *KeyCache) DecodeWithDuplicates(data []byte) (any, []DuplicateKey, error) {
	return decode(data, kc)
}

func decode(data []byte, keys *KeyCache) (any, []DuplicateKey, error) {
	d := decoder{data: data, keys: keys}
	d.skipSpace()
	v, err := d.value(0)
	if err != nil {
		return nil, nil, err
	}
	d.skipSpace()
	if d.pos != len(d.data) {
		return nil, nil, d.errorf("invalid character " + quoteByte(d.data[d.pos]) +
			" after top-level value")
	}
	return v, d.duplicates, nil
}

// KeyCache stores the object keys of the documents decoded with it, so that
// a key seen before costs no allocation. Documents of one kind, such as
// the objects of a STIX bundle, repeat a few dozen keys. The cache stops
// growing at maxCachedKeys keys and skips keys longer than
// maxCachedKeyBytes, so hostile input cannot make it large. The zero value
// is ready to use, and a KeyCache is not safe for concurrent use.
type KeyCache struct {
	keys map[string]string
}

const (
	maxCachedKeys     = 1024
	maxCachedKeyBytes = 64
)

// intern returns b as a string, reusing the cached copy when there is one.
// A nil cache returns a new string.
func (kc *KeyCache) intern(b []byte) string {
	if kc == nil {
		return string(b)
	}
	if s, ok := kc.keys[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(b) <= maxCachedKeyBytes && len(kc.keys) < maxCachedKeys {
		if kc.keys == nil {
			kc.keys = make(map[string]string)
		}
		kc.keys[s] = s
	}
	return s
}

type decoder struct {
	data       []byte
	pos        int
	duplicates []DuplicateKey
	keys       *KeyCache // nil disables the key cache
}

func (d *decoder) errorf(msg string) error { return &SyntaxError{Offset: d.pos, Msg: msg} }

func quoteByte(c byte) string { return strconv.QuoteRune(rune(c)) }

func (d *decoder) skipSpace() {
	for d.pos < len(d.data) {
		switch d.data[d.pos] {
		case ' ', '\t', '\n', '\r':
			d.pos++
		default:
			return
		}
	}
}

// eof reports input that ends inside a value.
func (d *decoder) eof() error {
	return &SyntaxError{Offset: len(d.data), Msg: "input ends inside a JSON value"}
}

func (d *decoder) value(depth int) (any, error) {
	if d.pos >= len(d.data) {
		return nil, d.eof()
	}
	switch c := d.data[d.pos]; {
	case c == '{':
		return d.object(depth + 1)
	case c == '[':
		return d.array(depth + 1)
	case c == '"':
		s, err := d.str(false)
		if err != nil {
			return nil, err
		}
		return s, nil
	case c == '-' || c >= '0' && c <= '9':
		return d.number()
	case c == 't':
		return d.literal("true", true)
	case c == 'f':
		return d.literal("false", false)
	case c == 'n':
		return d.literal("null", nil)
	default:
		return nil, d.errorf("invalid character " + quoteByte(c) + " looking for beginning of value")
	}
}

func (d *decoder) literal(word string, v any) (any, error) {
	for i := 0; i < len(word); i++ {
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		if d.data[d.pos] != word[i] {
			return nil, d.errorf("invalid character " + quoteByte(d.data[d.pos]) +
				" in literal " + word)
		}
		d.pos++
	}
	return v, nil
}

func (d *decoder) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, d.errorf("arrays and objects nested deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	d.pos++
	m := map[string]any{}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == '}' {
		d.pos++
		return m, nil
	}
	for {
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		if d.data[d.pos] != '"' {
			return nil, d.errorf("invalid character " + quoteByte(d.data[d.pos]) +
				" looking for beginning of object key string")
		}
		keyOffset := d.pos
		key, err := d.str(true)
		if err != nil {
			return nil, err
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		if d.data[d.pos] != ':' {
			return nil, d.errorf("invalid character " + quoteByte(d.data[d.pos]) +
				" after object key")
		}
		d.pos++
		d.skipSpace()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		size := len(m)
		m[key] = v
		if len(m) == size {
			d.duplicates = append(d.duplicates, DuplicateKey{Key: key,
				Offset: keyOffset, TopLevel: depth == 1})
		}
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
			d.skipSpace()
		case '}':
			d.pos++
			return m, nil
		default:
			return nil, d.errorf("invalid character " + quoteByte(d.data[d.pos]) +
				" after object key:value pair")
		}
	}
}

func (d *decoder) array(depth int) (any, error) {
	if depth > maxDepth {
		return nil, d.errorf("arrays and objects nested deeper than " + strconv.Itoa(maxDepth) + " levels")
	}
	d.pos++
	list := []any{}
	d.skipSpace()
	if d.pos < len(d.data) && d.data[d.pos] == ']' {
		d.pos++
		return list, nil
	}
	for {
		d.skipSpace()
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
		d.skipSpace()
		if d.pos >= len(d.data) {
			return nil, d.eof()
		}
		switch d.data[d.pos] {
		case ',':
			d.pos++
		case ']':
			d.pos++
			return list, nil
		default:
			return nil, d.errorf("invalid character " + quoteByte(d.data[d.pos]) +
				" after array element")
		}
	}
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? as written.
func (d *decoder) number() (any, error) {
	start := d.pos
	if d.data[d.pos] == '-' {
		d.pos++
	}
	if !d.digits(true) {
		return nil, d.badNumber()
	}
	if d.pos < len(d.data) && d.data[d.pos] == '.' {
		d.pos++
		if !d.digits(false) {
			return nil, d.badNumber()
		}
	}
	if d.pos < len(d.data) && (d.data[d.pos] == 'e' || d.data[d.pos] == 'E') {
		d.pos++
		if d.pos < len(d.data) && (d.data[d.pos] == '+' || d.data[d.pos] == '-') {
			d.pos++
		}
		if !d.digits(false) {
			return nil, d.badNumber()
		}
	}
	return json.Number(d.data[start:d.pos]), nil
}

func (d *decoder) badNumber() error {
	if d.pos >= len(d.data) {
		return d.eof()
	}
	return d.errorf("invalid character " + quoteByte(d.data[d.pos]) + " in numeric literal")
}

// digits reads a run of digits. With integer set, a leading 0 is a whole
// integer part by itself.
func (d *decoder) digits(integer bool) bool {
	start := d.pos
	if integer && d.pos < len(d.data) && d.data[d.pos] == '0' {
		d.pos++
		return true
	}
	for d.pos < len(d.data) && d.data[d.pos] >= '0' && d.data[d.pos] <= '9' {
		d.pos++
	}
	return d.pos > start
}

// str reads a string, decoding escapes. Invalid UTF-8 and lone surrogates
// become U+FFFD, as in encoding/json. When key is true, a string without
// escapes or non-ASCII bytes is taken from the key cache, if there is one.
// str returns a string, not an any, so that object keys are not boxed in
// an interface only to be unboxed.
func (d *decoder) str(key bool) (string, error) {
	d.pos++
	start := d.pos
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			var s string
			if key {
				s = d.keys.intern(d.data[start:d.pos])
			} else {
				s = string(d.data[start:d.pos])
			}
			d.pos++
			return s, nil
		case c == '\\' || c >= utf8.RuneSelf:
			return d.slowStr(start)
		case c < 0x20:
			return "", d.errorf("invalid character " + quoteByte(c) + " in string literal")
		}
		d.pos++
	}
	return "", d.eof()
}

func (d *decoder) slowStr(start int) (string, error) {
	buf := make([]byte, 0, d.pos-start+16)
	buf = append(buf, d.data[start:d.pos]...)
	for d.pos < len(d.data) {
		c := d.data[d.pos]
		switch {
		case c == '"':
			d.pos++
			return string(buf), nil
		case c == '\\':
			var err error
			if buf, err = d.escape(buf); err != nil {
				return "", err
			}
		case c < 0x20:
			return "", d.errorf("invalid character " + quoteByte(c) + " in string literal")
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			d.pos++
		default:
			r, size := utf8.DecodeRune(d.data[d.pos:])
			buf = utf8.AppendRune(buf, r)
			d.pos += size
		}
	}
	return "", d.eof()
}

func (d *decoder) escape(buf []byte) ([]byte, error) {
	d.pos++
	if d.pos >= len(d.data) {
		return nil, d.eof()
	}
	c := d.data[d.pos]
	d.pos++
	switch c {
	case '"', '\\', '/':
		return append(buf, c), nil
	case 'b':
		return append(buf, '\b'), nil
	case 'f':
		return append(buf, '\f'), nil
	case 'n':
		return append(buf, '\n'), nil
	case 'r':
		return append(buf, '\r'), nil
	case 't':
		return append(buf, '\t'), nil
	case 'u':
		r, err := d.hex4()
		if err != nil {
			return nil, err
		}
		if utf16.IsSurrogate(r) {
			r = d.lowSurrogate(r)
		}
		return utf8.AppendRune(buf, r), nil
	}
	d.pos--
	return nil, d.errorf("invalid character " + quoteByte(c) + " in string escape code")
}

// lowSurrogate combines a high surrogate with a following \uXXXX low
// surrogate, or returns U+FFFD and leaves the input where it was.
func (d *decoder) lowSurrogate(high rune) rune {
	save := d.pos
	if d.pos+6 <= len(d.data) && d.data[d.pos] == '\\' && d.data[d.pos+1] == 'u' {
		d.pos += 2
		if low, err := d.hex4(); err == nil {
			if r := utf16.DecodeRune(high, low); r != utf8.RuneError {
				return r
			}
		}
	}
	d.pos = save
	return utf8.RuneError
}

func (d *decoder) hex4() (rune, error) {
	if d.pos+4 > len(d.data) {
		for ; d.pos < len(d.data); d.pos++ {
			if unhex(d.data[d.pos]) < 0 {
				return 0, d.errorf("invalid character " + quoteByte(d.data[d.pos]) +
					" in \\u hexadecimal character escape")
			}
		}
		return 0, d.eof()
	}
	var r rune
	for i := 0; i < 4; i++ {
		v := unhex(d.data[d.pos])
		if v < 0 {
			return 0, d.errorf("invalid character " + quoteByte(d.data[d.pos]) +
				" in \\u hexadecimal character escape")
		}
		r = r<<4 | rune(v)
		d.pos++
	}
	return r, nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
