package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"unsafe"
)

// encodeStruct appends the struct at base, described by p, as a compact JSON
// object. Fields are written in declaration order. A field holding its zero
// value is left out unless the extra-properties map holds a value under its
// name (an empty value that was decoded). The remaining extra properties
// follow, sorted by name.
func encodeStruct(dst []byte, p *structPlan, base unsafe.Pointer) ([]byte, error) {
	dst = append(dst, '{')
	first := true
	rest := *p.restMap(base)
	var err error
	for i := range p.fields {
		f := &p.fields[i]
		ptr := fieldPtr(base, f.offset)
		if isEmptyField(f, ptr) {
			raw, ok := rest[f.name]
			if !ok {
				continue
			}
			dst = appendMemberName(dst, f.quoted, &first)
			if dst, err = appendRaw(dst, raw); err != nil {
				return dst, wrapProperty(f.name, err)
			}
			continue
		}
		dst = appendMemberName(dst, f.quoted, &first)
		if dst, err = encodeField(dst, f, ptr); err != nil {
			return dst, wrapProperty(f.name, err)
		}
	}
	if len(rest) == 0 {
		return append(dst, '}'), nil
	}
	for _, name := range sortedKeys(rest) {
		if _, known := p.byName[name]; known {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendString(dst, name)
		dst = append(dst, ':')
		if dst, err = appendRaw(dst, rest[name]); err != nil {
			return dst, wrapProperty(name, err)
		}
	}
	return append(dst, '}'), nil
}

func appendMemberName(dst, quoted []byte, first *bool) []byte {
	if !*first {
		dst = append(dst, ',')
	}
	*first = false
	return append(dst, quoted...)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// appendRaw appends a raw JSON value after checking it and removing
// insignificant white space.
func appendRaw(dst []byte, raw json.RawMessage) ([]byte, error) {
	if len(raw) == 0 {
		return dst, errors.New("empty raw JSON value")
	}
	s := scanner{data: raw}
	out, err := s.appendCompact(dst)
	if err == nil {
		err = s.end()
	}
	return out, err
}

func isEmptyField(f *fieldPlan, ptr unsafe.Pointer) bool {
	switch f.kind {
	case kindString:
		return *(*string)(ptr) == ""
	case kindStrings:
		return len(*(*[]string)(ptr)) == 0
	case kindBool, kindInt, kindInt64, kindFloat, kindStruct:
		return *(*unsafe.Pointer)(ptr) == nil
	case kindTimestamp:
		return (*Timestamp)(ptr).IsZero()
	case kindHashes, kindRawMap, kindExtensions:
		return reflect.NewAt(f.typ, ptr).Elem().Len() == 0
	case kindRaw:
		return len(*(*json.RawMessage)(ptr)) == 0
	}
	v := reflect.NewAt(f.typ, ptr).Elem()
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}

func encodeField(dst []byte, f *fieldPlan, ptr unsafe.Pointer) ([]byte, error) {
	switch f.kind {
	case kindString:
		return appendString(dst, *(*string)(ptr)), nil
	case kindStrings:
		return appendStrings(dst, *(*[]string)(ptr)), nil
	case kindBool:
		return strconv.AppendBool(dst, **(**bool)(ptr)), nil
	case kindInt:
		return strconv.AppendInt(dst, int64(**(**int)(ptr)), 10), nil
	case kindInt64:
		return strconv.AppendInt(dst, **(**int64)(ptr), 10), nil
	case kindFloat:
		v := **(**float64)(ptr)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return dst, errors.New("number " + strconv.FormatFloat(v, 'g', -1, 64) +
				" has no JSON form")
		}
		return appendFloat(dst, v), nil
	case kindTimestamp:
		minDigits := 0
		if f.millis {
			minDigits = 3
		}
		dst = append(dst, '"')
		dst = (*Timestamp)(ptr).appendFormat(dst, minDigits)
		return append(dst, '"'), nil
	case kindStruct:
		return encodeStruct(dst, f.sub, *(*unsafe.Pointer)(ptr))
	case kindStructs:
		return encodeStructs(dst, f, ptr)
	case kindHashes:
		return appendStringMap(dst, *(*Hashes)(ptr)), nil
	case kindRaw:
		return appendRaw(dst, *(*json.RawMessage)(ptr))
	case kindRawMap:
		return appendRawMap(dst, *(*map[string]json.RawMessage)(ptr))
	case kindExtensions:
		return encodeExtensions(dst, *(*Extensions)(ptr))
	}
	return encodeOther(dst, reflect.NewAt(f.typ, ptr).Interface())
}

func appendStrings(dst []byte, list []string) []byte {
	dst = append(dst, '[')
	for i, s := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, s)
	}
	return append(dst, ']')
}

func encodeStructs(dst []byte, f *fieldPlan, ptr unsafe.Pointer) ([]byte, error) {
	slice := reflect.NewAt(f.typ, ptr).Elem()
	dst = append(dst, '[')
	for i := range slice.Len() {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		dst, err = encodeStruct(dst, f.sub, slice.Index(i).Addr().UnsafePointer())
		if err != nil {
			return dst, wrapProperty("["+strconv.Itoa(i)+"]", err)
		}
	}
	return append(dst, ']'), nil
}

func appendStringMap(dst []byte, m map[string]string) []byte {
	dst = append(dst, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		dst = appendString(dst, m[k])
	}
	return append(dst, '}')
}

func appendRawMap(dst []byte, m map[string]json.RawMessage) ([]byte, error) {
	dst = append(dst, '{')
	for i, k := range sortedKeys(m) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		var err error
		if dst, err = appendRaw(dst, m[k]); err != nil {
			return dst, wrapProperty(k, err)
		}
	}
	return append(dst, '}'), nil
}

func encodeExtensions(dst []byte, e Extensions) ([]byte, error) {
	dst = append(dst, '{')
	for i, k := range sortedKeys(e) {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		v := reflect.ValueOf(e[k])
		if !v.IsValid() || v.IsNil() {
			dst = append(dst, "null"...)
			continue
		}
		var err error
		dst, err = encodeStruct(dst, planFor(v.Type().Elem()), v.UnsafePointer())
		if err != nil {
			return dst, wrapProperty(k, err)
		}
	}
	return append(dst, '}'), nil
}

// encodeOther writes a value of a type the codec does not handle itself,
// through encoding/json without HTML escaping.
func encodeOther(dst []byte, v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	return append(dst, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}
