package stix

import (
	"bytes"
	"encoding/json"
	"io"
)

// Bundle is a STIX bundle held in memory. For large bundles, BundleReader
// and BundleWriter read and write one object at a time instead.
type Bundle struct {
	Type    string
	ID      string
	Objects []Object
	// Custom holds the bundle's other properties, such as the spec_version
	// of a STIX 2.0 bundle, as raw JSON.
	Custom map[string]json.RawMessage
}

// NewBundle returns a bundle with a new random id holding objects.
func NewBundle(objects ...Object) *Bundle {
	return &Bundle{Type: TypeBundle, ID: NewID(TypeBundle), Objects: objects}
}

// ObjectType returns the type property, "bundle".
func (b *Bundle) ObjectType() string { return b.Type }

// ObjectID returns the id property.
func (b *Bundle) ObjectID() string { return b.ID }

// ReadBundle reads a whole bundle, or a bare JSON array of objects, into
// memory. It fails on the first object that cannot be decoded.
func ReadBundle(r io.Reader) (*Bundle, error) {
	br := NewBundleReader(r)
	b := &Bundle{Type: TypeBundle}
	for o, err := range br.Objects() {
		if err != nil {
			return nil, err
		}
		b.Objects = append(b.Objects, o)
	}
	b.ID = br.ID()
	if len(br.Properties()) > 0 {
		b.Custom = br.Properties()
	}
	return b, nil
}

// MarshalJSON encodes the bundle: type, id, objects (left out when there
// are none), then the custom properties sorted by name.
func (b Bundle) MarshalJSON() ([]byte, error) {
	dst := []byte(`{"type":`)
	typ := b.Type
	if typ == "" {
		typ = TypeBundle
	}
	dst = appendString(dst, typ)
	dst = append(dst, `,"id":`...)
	dst = appendString(dst, b.ID)
	if len(b.Objects) > 0 {
		dst = append(dst, `,"objects":[`...)
		for i, o := range b.Objects {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = AppendObject(dst, o); err != nil {
				return nil, err
			}
		}
		dst = append(dst, ']')
	}
	for _, name := range sortedKeys(b.Custom) {
		if name == "type" || name == "id" || name == "objects" {
			continue
		}
		dst = append(dst, ',')
		dst = appendString(dst, name)
		dst = append(dst, ':')
		var err error
		if dst, err = appendRaw(dst, b.Custom[name]); err != nil {
			return nil, wrapProperty(name, err)
		}
	}
	return append(dst, '}'), nil
}

// UnmarshalJSON decodes a bundle, or a bare JSON array of objects, into b.
func (b *Bundle) UnmarshalJSON(data []byte) error {
	read, err := ReadBundle(bytes.NewReader(data))
	if err != nil {
		return err
	}
	*b = *read
	return nil
}
