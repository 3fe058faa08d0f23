package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"unsafe"
)

// ErrMissingType reports an object without a string type property.
var ErrMissingType = errors.New("object has no type property")

// DecodeError reports an object that could not be decoded. Err is a
// *PropertyError naming the property at fault, a *SyntaxError for malformed
// JSON, or ErrMissingType.
type DecodeError struct {
	Type string // the object's type, when it could be read
	ID   string // the object's id, when it could be read
	Err  error
}

// Error describes the object and what is wrong with it.
func (e *DecodeError) Error() string {
	subject := "object"
	switch {
	case e.ID != "":
		subject = e.ID
	case e.Type != "":
		subject = e.Type + " object"
	}
	return "decode " + subject + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// Decode decodes one STIX object from JSON. Objects of the STIX 2.1 types
// decode into their type in this package (an "indicator" into *Indicator),
// all others into *Generic. Every property is kept, so encoding the result
// gives back the same JSON value.
//
// Decode checks the JSON types of the properties it models and the form of
// timestamps. It does not validate the object against STIX rules (required
// properties, vocabularies, identifier formats): the stix/validate package
// does. A UTF-8 byte order mark at the start is skipped, as BundleReader
// skips it.
func Decode(data []byte) (Object, error) {
	return decodeObject(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), false)
}

// decodeObject decodes an object; with alias set, its strings share memory
// with data, which the caller must then never modify.
func decodeObject(data []byte, alias bool) (Object, error) {
	objectType, err := peekString(data, "type")
	if err != nil {
		return nil, &DecodeError{Err: err}
	}
	o := New(objectType)
	err = decodeInto(data, o, alias)
	if err == nil && o.ObjectType() != objectType {
		// The Go type follows the first type property and the field the
		// last one, so the object would claim to be what it is not.
		err = fmt.Errorf("property type appears twice, as %q and as %q: keep one",
			objectType, o.ObjectType())
	}
	if err != nil {
		id, _ := peekString(data, "id")
		return nil, &DecodeError{Type: objectType, ID: id, Err: err}
	}
	return o, nil
}

// Unmarshal decodes a STIX object from JSON into o, a pointer to one of
// this package's object types, a *Generic or a *Bundle. Properties that o's
// type does not model are kept in its Custom (or Properties) map. The type
// property is not checked against o's type. Pointers to types of other
// packages decode through encoding/json.
func Unmarshal(data []byte, o Object) error {
	if b, ok := o.(*Bundle); ok {
		return b.UnmarshalJSON(data)
	}
	if err := decodeInto(data, o, false); err != nil {
		objectType, _ := peekString(data, "type")
		id, _ := peekString(data, "id")
		return &DecodeError{Type: objectType, ID: id, Err: err}
	}
	return nil
}

func decodeInto(data []byte, o any, alias bool) error {
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return errors.New("decode target must be a non-nil pointer, not " +
			reflect.TypeOf(o).String())
	}
	if !isCodecType(v.Type().Elem()) {
		// Types of other packages decode through encoding/json.
		return json.Unmarshal(data, o)
	}
	v.Elem().SetZero()
	s := scanner{data: data, alias: alias}
	if err := decodeStruct(&s, planFor(v.Type().Elem()), v.UnsafePointer()); err != nil {
		return err
	}
	return s.end()
}

// codecPackage is the import path of this package.
var codecPackage = reflect.TypeFor[Common]().PkgPath()

// isCodecType reports whether t is a struct type of this package, which the
// codec encodes and decodes itself.
func isCodecType(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && t.PkgPath() == codecPackage
}

// errFound stops a scan early once the wanted property is read.
var errFound = errors.New("found")

// peekString returns the string value of a top-level property of the JSON
// object in data, scanning no further than needed.
func peekString(data []byte, name string) (string, error) {
	s := scanner{data: data}
	var value string
	var found bool
	err := s.objectFields(func(key []byte) error {
		if string(key) != name {
			return s.skip()
		}
		if c := s.peek(); c != '"' {
			return wrapProperty(name, typeMismatch(c, "a string"))
		}
		var err error
		value, err = s.str()
		found = true
		if err != nil {
			return err
		}
		return errFound
	})
	switch {
	case errors.Is(err, errFound):
		return value, nil
	case err != nil:
		return "", err
	case !found && name == "type":
		return "", ErrMissingType
	}
	return "", nil
}

// Marshal encodes o as compact JSON. Properties are written in a fixed
// order: the type's own properties in definition order, then custom
// properties sorted by name. HTML characters are not escaped.
func Marshal(o Object) ([]byte, error) {
	return AppendObject(nil, o)
}

// AppendObject appends the compact JSON encoding of o to dst, as Marshal
// does, and returns the extended buffer.
func AppendObject(dst []byte, o Object) ([]byte, error) {
	if b, ok := o.(*Bundle); ok {
		data, err := b.MarshalJSON()
		return append(dst, data...), err
	}
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || !isCodecType(v.Type().Elem()) {
		// Objects of other packages encode through encoding/json.
		return encodeOther(dst, o)
	}
	if v.IsNil() {
		return dst, errors.New("encode: nil " + v.Type().String())
	}
	out, err := encodeStruct(dst, planFor(v.Type().Elem()), v.UnsafePointer())
	if err != nil {
		return dst, &EncodeError{Type: o.ObjectType(), ID: o.ObjectID(), Err: err}
	}
	return out, nil
}

// EncodeError reports an object that could not be encoded, such as one
// holding invalid raw JSON in Custom or a NaN number.
type EncodeError struct {
	Type string
	ID   string
	Err  error
}

// Error describes the object and what is wrong with it.
func (e *EncodeError) Error() string {
	return "encode " + e.Type + " " + e.ID + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *EncodeError) Unwrap() error { return e.Err }

// Clone returns a deep copy of o, made by encoding and decoding it. It fails
// when o cannot be encoded, such as when Custom holds invalid JSON.
func Clone[T Object](o T) (T, error) {
	var zero T
	data, err := Marshal(o)
	if err != nil {
		return zero, err
	}
	c, ok := reflect.New(reflect.TypeOf(o).Elem()).Interface().(T)
	if !ok {
		return zero, errors.New("clone: " + reflect.TypeOf(o).String() + " is not a pointer type")
	}
	if err := Unmarshal(data, c); err != nil {
		return zero, err
	}
	return c, nil
}

// marshalValue and unmarshalValue back the MarshalJSON and UnmarshalJSON
// methods of the object types.
func marshalValue[T any](v *T) ([]byte, error) {
	return encodeStruct(nil, planFor(reflect.TypeFor[T]()), unsafe.Pointer(v))
}

func unmarshalValue[T any](data []byte, v *T) error {
	return decodeInto(data, v, false)
}

var _ json.Marshaler = Indicator{}
