package stix

import (
	"encoding/json"
	"errors"
	"reflect"
	"time"
)

// ErrNotVersionable reports an object that has no modified property to
// version, such as an SCO.
var ErrNotVersionable = errors.New("object is not versionable: it has no created and modified properties")

// ErrRevoked reports an attempt to version an object that is revoked;
// STIX forbids new versions of revoked objects.
var ErrRevoked = errors.New("object is revoked and cannot get a new version")

// Create returns a new object of type T with type, spec_version ("2.1")
// and a random id set, and for every type but the SCOs also created and
// modified set to the current time (millisecond precision). T is one of
// this package's object types, such as Indicator.
//
// SCO ids should be deterministic: fill the properties, then set the id
// with ObservableIDOf.
func Create[T any, P interface {
	*T
	Object
}]() P {
	o := P(new(T))
	objectType := typeNames[reflect.TypeFor[T]()]
	now := Now()
	switch c := any(o).(type) {
	case interface{ common() *Common }:
		cm := c.common()
		cm.Type, cm.SpecVersion, cm.ID = objectType, SpecVersion21, NewID(objectType)
		cm.Created, cm.Modified = now, now
		if objectType == TypeMarkingDefinition {
			cm.Modified = Timestamp{}
		}
	case interface{ observable() *ObservableCommon }:
		oc := c.observable()
		oc.Type, oc.SpecVersion, oc.ID = objectType, SpecVersion21, NewID(objectType)
	}
	return o
}

// typeNames maps this package's object types to their STIX type names.
var typeNames = func() map[reflect.Type]string {
	m := make(map[reflect.Type]string, len(objectTypes))
	for name, info := range objectTypes {
		m[reflect.TypeOf(info.new()).Elem()] = name
	}
	return m
}()

// NewVersion returns a copy of o as a new version: the same id and created,
// and modified set to the current time, or to one millisecond after the
// current modified when that is later. It fails with ErrNotVersionable for
// SCOs and for generic objects without created, and with ErrRevoked for a
// revoked object.
func NewVersion[T Object](o T) (T, error) {
	var zero T
	c, err := Clone(o)
	if err != nil {
		return zero, err
	}
	if err := bumpModified(c); err != nil {
		return zero, err
	}
	return c, nil
}

// Revoke returns a copy of o as a new version with revoked set to true. It
// fails as NewVersion does.
func Revoke[T Object](o T) (T, error) {
	c, err := NewVersion(o)
	if err != nil {
		return c, err
	}
	switch x := any(c).(type) {
	case interface{ common() *Common }:
		revoked := true
		x.common().Revoked = &revoked
	case *Generic:
		x.Properties["revoked"] = json.RawMessage("true")
	}
	return c, nil
}

func bumpModified(o Object) error {
	switch x := o.(type) {
	case interface{ common() *Common }:
		c := x.common()
		if c.Revoked != nil && *c.Revoked {
			return ErrRevoked
		}
		if c.Created.IsZero() {
			return ErrNotVersionable
		}
		prev := c.Modified
		if prev.IsZero() {
			prev = c.Created
		}
		c.Modified = laterThan(prev)
		return nil
	case *Generic:
		return bumpGeneric(x)
	}
	return ErrNotVersionable
}

func bumpGeneric(g *Generic) error {
	if string(g.Properties["revoked"]) == "true" {
		return ErrRevoked
	}
	var prev Timestamp
	for _, name := range []string{"created", "modified"} {
		raw, ok := g.Properties[name]
		if !ok {
			continue
		}
		if err := prev.UnmarshalJSON(raw); err != nil {
			return wrapProperty(name, err)
		}
	}
	if prev.IsZero() {
		return ErrNotVersionable
	}
	next := laterThan(prev)
	g.Properties["modified"] = append(append([]byte{'"'}, next.appendFormat(nil, 3)...), '"')
	return nil
}

// laterThan returns the current time, or prev plus one millisecond when the
// clock is not past prev, with at least millisecond digits.
func laterThan(prev Timestamp) Timestamp {
	now := Now()
	if now.After(prev) {
		return now
	}
	next := NewTimestamp(prev.Time().Add(time.Millisecond))
	if next.Digits() < 3 {
		next = next.WithDigits(3)
	}
	if prev.Digits() > next.Digits() {
		next = next.WithDigits(prev.Digits())
	}
	return next
}
