package stix

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"unsafe"
)

// decodeStruct reads the JSON object at the scanner's position into the
// struct at base, described by p. Properties without a field, and fields
// whose JSON value is null or empty ("", [] or {}), are kept in the struct's
// extra-properties map so that encoding writes them back unchanged.
func decodeStruct(s *scanner, p *structPlan, base unsafe.Pointer) error {
	if c := s.peek(); c != '{' {
		return typeMismatch(c, "an object")
	}
	rest := p.restMap(base)
	return s.objectFields(func(name []byte) error {
		i, ok := p.byName[string(name)]
		if !ok || s.peek() == 'n' {
			return keepRaw(s, rest, string(name))
		}
		f := &p.fields[i]
		start := s.pos
		empty, err := decodeField(s, f, fieldPtr(base, f.offset))
		if err != nil {
			return wrapProperty(f.name, err)
		}
		if empty {
			if *rest == nil {
				*rest = map[string]json.RawMessage{}
			}
			sub := scanner{data: s.data[start:s.pos]}
			raw, _ := sub.appendCompact(nil)
			(*rest)[f.name] = raw
		}
		return nil
	})
}

// keepRaw stores the value at the scanner's position in *rest under name.
func keepRaw(s *scanner, rest *map[string]json.RawMessage, name string) error {
	raw, err := s.appendCompact(nil)
	if err != nil {
		return err
	}
	if *rest == nil {
		*rest = make(map[string]json.RawMessage, 4)
	}
	(*rest)[name] = raw
	return nil
}

// decodeField reads one property value into the field at ptr. It reports
// whether the value was empty ("", [] or {}), which the field alone cannot
// tell apart from an absent property.
func decodeField(s *scanner, f *fieldPlan, ptr unsafe.Pointer) (empty bool, err error) {
	c := s.peek()
	switch f.kind {
	case kindString:
		if c != '"' {
			return false, typeMismatch(c, "a string")
		}
		b, err := s.stringBytes()
		*(*string)(ptr) = s.toString(b)
		return len(b) == 0, err
	case kindStrings:
		list, err := decodeStrings(s)
		*(*[]string)(ptr) = list
		return err == nil && len(list) == 0, err
	case kindBool:
		if c != 't' && c != 'f' {
			return false, typeMismatch(c, "a boolean")
		}
		v, err := s.boolean()
		*(**bool)(ptr) = &v
		return false, err
	case kindInt, kindInt64:
		v, err := decodeInt(s)
		if f.kind == kindInt {
			n := int(v)
			*(**int)(ptr) = &n
		} else {
			*(**int64)(ptr) = &v
		}
		return false, err
	case kindFloat:
		v, err := decodeFloat(s)
		*(**float64)(ptr) = &v
		return false, err
	case kindTimestamp:
		if c != '"' {
			return false, typeMismatch(c, "a timestamp string")
		}
		b, err := s.stringBytes()
		if err != nil {
			return false, err
		}
		ts, err := parseTimestamp(b)
		*(*Timestamp)(ptr) = ts
		return false, err
	case kindStruct:
		v := reflect.New(f.sub.typ)
		if err := decodeStruct(s, f.sub, v.UnsafePointer()); err != nil {
			return false, err
		}
		*(*unsafe.Pointer)(ptr) = v.UnsafePointer()
		return false, nil
	case kindStructs:
		return decodeStructs(s, f, ptr)
	case kindHashes:
		h, err := decodeHashes(s)
		*(*Hashes)(ptr) = h
		return err == nil && len(h) == 0, err
	case kindRaw:
		raw, err := s.appendCompact(nil)
		*(*json.RawMessage)(ptr) = raw
		return false, err
	case kindRawMap:
		m, err := decodeRawMap(s)
		*(*map[string]json.RawMessage)(ptr) = m
		return err == nil && len(m) == 0, err
	case kindExtensions:
		e, err := decodeExtensions(s)
		*(*Extensions)(ptr) = e
		return err == nil && len(e) == 0, err
	}
	return decodeOther(s, f, ptr)
}

func decodeStrings(s *scanner) ([]string, error) {
	if c := s.peek(); c != '[' {
		return nil, typeMismatch(c, "an array of strings")
	}
	list := make([]string, 0, s.countItems())
	err := s.arrayItems(func() error {
		if c := s.peek(); c != '"' {
			return wrapProperty("["+strconv.Itoa(len(list))+"]", typeMismatch(c, "a string"))
		}
		b, err := s.stringBytes()
		list = append(list, s.toString(b))
		return err
	})
	return list, err
}

func decodeInt(s *scanner) (int64, error) {
	if c := s.peek(); c != '-' && (c < '0' || c > '9') {
		return 0, typeMismatch(c, "an integer")
	}
	num, err := s.number()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(string(num), 10, 64)
	if err == nil {
		return v, nil
	}
	// Accept integral values written with a fraction or an exponent.
	f, ferr := strconv.ParseFloat(string(num), 64)
	if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0, errors.New("number " + string(num) + " is not an integer in the int64 range")
	}
	return int64(f), nil
}

func decodeFloat(s *scanner) (float64, error) {
	if c := s.peek(); c != '-' && (c < '0' || c > '9') {
		return 0, typeMismatch(c, "a number")
	}
	num, err := s.number()
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(string(num), 64)
	if err != nil {
		return 0, errors.New("number " + string(num) + " is out of the float64 range")
	}
	return v, nil
}

func decodeStructs(s *scanner, f *fieldPlan, ptr unsafe.Pointer) (bool, error) {
	if c := s.peek(); c != '[' {
		return false, typeMismatch(c, "an array of objects")
	}
	slice := reflect.NewAt(f.typ, ptr).Elem()
	slice.Set(reflect.MakeSlice(f.typ, 0, 2))
	err := s.arrayItems(func() error {
		n := slice.Len()
		slice.Grow(1)
		slice.SetLen(n + 1)
		elem := slice.Index(n).Addr().UnsafePointer()
		if err := decodeStruct(s, f.sub, elem); err != nil {
			return wrapProperty("["+strconv.Itoa(n)+"]", err)
		}
		return nil
	})
	return err == nil && slice.Len() == 0, err
}

func decodeHashes(s *scanner) (Hashes, error) {
	if c := s.peek(); c != '{' {
		return nil, typeMismatch(c, "an object of hash values")
	}
	h := Hashes{}
	err := s.objectFields(func(name []byte) error {
		if c := s.peek(); c != '"' {
			return wrapProperty(string(name), typeMismatch(c, "a string"))
		}
		v, err := s.str()
		h[s.toString(name)] = v
		return err
	})
	return h, err
}

func decodeRawMap(s *scanner) (map[string]json.RawMessage, error) {
	if c := s.peek(); c != '{' {
		return nil, typeMismatch(c, "an object")
	}
	m := map[string]json.RawMessage{}
	err := s.objectFields(func(name []byte) error {
		raw, err := s.appendCompact(nil)
		m[s.toString(name)] = raw
		return err
	})
	return m, err
}

func decodeExtensions(s *scanner) (Extensions, error) {
	if c := s.peek(); c != '{' {
		return nil, typeMismatch(c, "an object of extensions")
	}
	e := Extensions{}
	err := s.objectFields(func(name []byte) error {
		key := string(name)
		ext := newExtension(key)
		v := reflect.ValueOf(ext)
		if err := decodeStruct(s, planFor(v.Type().Elem()), v.UnsafePointer()); err != nil {
			return wrapProperty(key, err)
		}
		e[key] = ext
		return nil
	})
	return e, err
}

// decodeOther reads a value into a field of a type the codec does not handle
// itself, through encoding/json.
func decodeOther(s *scanner, f *fieldPlan, ptr unsafe.Pointer) (bool, error) {
	raw, err := s.appendCompact(nil)
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(raw, reflect.NewAt(f.typ, ptr).Interface()); err != nil {
		return false, err
	}
	return string(raw) == "{}" || string(raw) == "[]", nil
}
