package gqlexec

import (
	"bytes"
	"encoding/json"
)

// Object is a response object whose keys keep the order of the selection set.
type Object struct {
	keys   []string
	values []any
}

// Set stores value under key, replacing an earlier value with the same key.
func (o *Object) Set(key string, value any) {
	for i, k := range o.keys {
		if k == key {
			o.values[i] = value
			return
		}
	}
	o.keys = append(o.keys, key)
	o.values = append(o.values, value)
}

// Get returns the value stored under key.
func (o *Object) Get(key string) (any, bool) {
	for i, k := range o.keys {
		if k == key {
			return o.values[i], true
		}
	}
	return nil, false
}

// Keys returns the keys in selection order.
func (o *Object) Keys() []string { return o.keys }

// MarshalJSON writes the object with its keys in selection order and without
// HTML escaping.
func (o *Object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		if err := encodeJSON(&buf, k); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		if err := encodeJSON(&buf, o.values[i]); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

func encodeJSON(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode appends a newline
	return nil
}
