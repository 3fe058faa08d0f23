package stixconv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Object is a JSON object that keeps its keys in insertion order, as the
// Python dictionaries pycti converts do: setting an existing key keeps its
// place, setting a new key appends it. Values are nil, bool, json.Number,
// string, []any and *Object. An Object is not safe for concurrent use.
type Object struct {
	keys []string
	vals map[string]any
}

// NewObject returns an empty object.
func NewObject() *Object { return &Object{vals: map[string]any{}} }

// ParseObject decodes a JSON object, keeping its key order. Numbers are
// kept as json.Number so that they are written back unchanged.
func ParseObject(data []byte) (*Object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, fmt.Errorf("decode JSON object: %w", err)
	}
	o, ok := v.(*Object)
	if !ok {
		return nil, fmt.Errorf("decode JSON object: got %T, want an object", v)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("decode JSON object: data after the object")
	}
	return o, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return decodeObject(dec)
		case '[':
			return decodeArray(dec)
		}
		return nil, fmt.Errorf("unexpected %q", t)
	default:
		return t, nil
	}
}

func decodeObject(dec *json.Decoder) (*Object, error) {
	o := NewObject()
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		v, err := decodeValue(dec)
		if err != nil {
			return nil, err
		}
		o.Set(key, v)
	}
	_, err := dec.Token() // the closing brace
	return o, err
}

func decodeArray(dec *json.Decoder) ([]any, error) {
	list := []any{}
	for dec.More() {
		v, err := decodeValue(dec)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	_, err := dec.Token() // the closing bracket
	return list, err
}

// Len returns the number of keys.
func (o *Object) Len() int { return len(o.keys) }

// Keys returns the keys in order. The slice must not be modified.
func (o *Object) Keys() []string { return o.keys }

// Get returns the value of key, nil when the key is missing (Has distinguishes
// the two apart).
func (o *Object) Get(key string) any { return o.vals[key] }

// String returns the value of key when it is a string, else "".
func (o *Object) String(key string) string {
	s, _ := o.vals[key].(string)
	return s
}

// Has reports whether key is present.
func (o *Object) Has(key string) bool {
	_, ok := o.vals[key]
	return ok
}

// Set sets key to v, keeping the key's place when it is already present.
func (o *Object) Set(key string, v any) {
	if _, ok := o.vals[key]; !ok {
		o.keys = append(o.keys, key)
	}
	o.vals[key] = v
}

// Delete removes key when it is present.
func (o *Object) Delete(keys ...string) {
	for _, key := range keys {
		if _, ok := o.vals[key]; !ok {
			continue
		}
		delete(o.vals, key)
		for i, k := range o.keys {
			if k == key {
				o.keys = append(o.keys[:i], o.keys[i+1:]...)
				break
			}
		}
	}
}

// Rename moves the value of from to the key to, appended at the end as a
// Python dictionary does on assignment followed by deletion. A missing from
// key changes nothing.
func (o *Object) Rename(from, to string) {
	v, ok := o.vals[from]
	if !ok {
		return
	}
	o.Delete(from)
	o.Set(to, v)
}

// renameInPlace replaces the key from by to at the same place.
func (o *Object) renameInPlace(from, to string) {
	v, ok := o.vals[from]
	if !ok {
		return
	}
	if _, dup := o.vals[to]; dup {
		o.Delete(from)
		o.vals[to] = v
		return
	}
	for i, k := range o.keys {
		if k == from {
			o.keys[i] = to
			break
		}
	}
	delete(o.vals, from)
	o.vals[to] = v
}

// ID returns the object's "id".
func (o *Object) ID() string { return o.String("id") }

// Type returns the object's "type".
func (o *Object) Type() string { return o.String("type") }

// MarshalJSON encodes the object compactly, keys in order, without HTML
// escaping.
func (o *Object) MarshalJSON() ([]byte, error) {
	return appendValue(nil, o)
}

// JSON returns the object's compact JSON encoding.
func (o *Object) JSON() json.RawMessage {
	b, err := appendValue(nil, o)
	if err != nil {
		// Values are set by this package to encodable types only.
		panic(err)
	}
	return b
}

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case json.Number:
		return append(b, x...), nil
	case string:
		return appendString(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case *Object:
		b = append(b, '{')
		for i, k := range x.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			var err error
			if b, err = appendValue(b, x.vals[k]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	}
	return nil, fmt.Errorf("encode JSON: unsupported value type %T", v)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, escaping only what JSON requires
// (quote, backslash, control characters); invalid UTF-8 becomes U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, "\ufffd"...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// Clone returns a copy of o that shares its values: setting or deleting a
// key of the copy leaves o unchanged.
func (o *Object) Clone() *Object {
	c := &Object{keys: append([]string(nil), o.keys...), vals: make(map[string]any, len(o.vals))}
	for k, v := range o.vals {
		c.vals[k] = v
	}
	return c
}
