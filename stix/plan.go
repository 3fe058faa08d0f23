package stix

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"unsafe"
)

// fieldKind selects how the codec reads and writes one struct field.
type fieldKind uint8

const (
	kindString     fieldKind = iota // string
	kindStrings                     // []string
	kindBool                        // *bool
	kindInt                         // *int
	kindInt64                       // *int64
	kindFloat                       // *float64
	kindTimestamp                   // Timestamp
	kindStruct                      // *T, T a codec struct
	kindStructs                     // []T, T a codec struct
	kindHashes                      // Hashes
	kindRaw                         // json.RawMessage
	kindRawMap                      // map[string]json.RawMessage
	kindExtensions                  // Extensions
	kindOther                       // any other type, through encoding/json
)

// fieldPlan describes one JSON property of a codec struct.
type fieldPlan struct {
	name   string
	kind   fieldKind
	offset uintptr
	typ    reflect.Type // the field's type
	sub    *structPlan  // element plan for kindStruct and kindStructs
	millis bool         // written with at least 3 fraction digits
	quoted []byte       // `"name":`
}

// structPlan is the codec's description of one struct type: its properties
// in the order they are written, and where extra properties go.
type structPlan struct {
	typ    reflect.Type
	fields []fieldPlan
	byName map[string]int
	// rest is the offset of the map[string]json.RawMessage that receives
	// every property without a field, and the empty values of those with one.
	rest uintptr
}

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	rawMapType     = reflect.TypeFor[map[string]json.RawMessage]()
	timestampType  = reflect.TypeFor[Timestamp]()
	hashesType     = reflect.TypeFor[Hashes]()
	extensionsType = reflect.TypeFor[Extensions]()
	plans          sync.Map // reflect.Type → *structPlan
	planMu         sync.Mutex
)

// planFor returns the plan of struct type t, building it on first use.
func planFor(t reflect.Type) *structPlan {
	if p, ok := plans.Load(t); ok {
		return p.(*structPlan)
	}
	planMu.Lock()
	defer planMu.Unlock()
	building := map[reflect.Type]*structPlan{}
	p := planLocked(t, building)
	for bt, bp := range building {
		plans.Store(bt, bp)
	}
	return p
}

// planLocked builds the plan of t with planMu held. Plans under construction
// sit in building, so that recursive types find their own plan, and are
// published only once complete.
func planLocked(t reflect.Type, building map[reflect.Type]*structPlan) *structPlan {
	if p, ok := plans.Load(t); ok {
		return p.(*structPlan)
	}
	if p, ok := building[t]; ok {
		return p
	}
	p := &structPlan{typ: t, byName: map[string]int{}, rest: ^uintptr(0)}
	building[t] = p
	p.add(t, 0, building)
	if p.rest == ^uintptr(0) {
		panic("stix: codec struct " + t.String() + " has no Custom or Properties map")
	}
	return p
}

// add appends the fields of t, found at offset base, to p. Embedded structs
// contribute their fields in place.
func (p *structPlan) add(t reflect.Type, base uintptr, building map[reflect.Type]*structPlan) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			p.add(f.Type, base+f.Offset, building)
			continue
		}
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if tag == "-" {
			if f.Type == rawMapType && (f.Name == "Custom" || f.Name == "Properties") {
				p.rest = base + f.Offset
			}
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "" {
			panic("stix: field " + t.String() + "." + f.Name + " has no JSON name")
		}
		fp := fieldPlan{name: name, offset: base + f.Offset, typ: f.Type}
		fp.kind, fp.sub = kindOf(f.Type, building)
		fp.millis = name == "created" || name == "modified"
		fp.quoted = append(appendString(nil, name), ':')
		p.byName[name] = len(p.fields)
		p.fields = append(p.fields, fp)
	}
}

func kindOf(t reflect.Type, building map[reflect.Type]*structPlan) (fieldKind, *structPlan) {
	switch t {
	case timestampType:
		return kindTimestamp, nil
	case hashesType:
		return kindHashes, nil
	case extensionsType:
		return kindExtensions, nil
	case rawMessageType:
		return kindRaw, nil
	case rawMapType:
		return kindRawMap, nil
	}
	switch t.Kind() {
	case reflect.String:
		return kindString, nil
	case reflect.Slice:
		switch t.Elem().Kind() {
		case reflect.String:
			return kindStrings, nil
		case reflect.Struct:
			return kindStructs, planLocked(t.Elem(), building)
		}
	case reflect.Pointer:
		switch e := t.Elem(); e.Kind() {
		case reflect.Bool:
			return kindBool, nil
		case reflect.Int:
			return kindInt, nil
		case reflect.Int64:
			return kindInt64, nil
		case reflect.Float64:
			return kindFloat, nil
		case reflect.Struct:
			return kindStruct, planLocked(e, building)
		}
	}
	return kindOther, nil
}

// fieldPtr returns the address of the field at offset in the struct at base.
func fieldPtr(base unsafe.Pointer, offset uintptr) unsafe.Pointer {
	return unsafe.Add(base, offset)
}

// restMap returns the address of the struct's extra-properties map.
func (p *structPlan) restMap(base unsafe.Pointer) *map[string]json.RawMessage {
	return (*map[string]json.RawMessage)(fieldPtr(base, p.rest))
}

// PropertyError reports a property whose JSON value does not fit its type.
type PropertyError struct {
	Property string // path of the property, such as "external_references[0].url"
	Err      error  // what is wrong with its value
}

// Error names the property and what is wrong with its value.
func (e *PropertyError) Error() string {
	return "property " + e.Property + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *PropertyError) Unwrap() error { return e.Err }

// wrapProperty prefixes the property path of err with name.
func wrapProperty(name string, err error) error {
	if pe, ok := err.(*PropertyError); ok {
		sep := "."
		if strings.HasPrefix(pe.Property, "[") {
			sep = ""
		}
		return &PropertyError{Property: name + sep + pe.Property, Err: pe.Err}
	}
	return &PropertyError{Property: name, Err: err}
}

// typeMismatch describes a JSON value of the wrong kind for a property.
func typeMismatch(found byte, want string) error {
	return fmt.Errorf("found %s, expected %s", jsonKindName(found), want)
}

func jsonKindName(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case 0:
		return "the end of the input"
	}
	return "a number"
}
