package pycti

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// FilterMode combines filters or groups: "and" or "or".
type FilterMode string

// Filter modes.
const (
	ModeAnd FilterMode = "and"
	ModeOr  FilterMode = "or"
)

// FilterOperator compares a field with a filter's values, such as "eq",
// "not_eq", "gt", "nil" or "search" (the platform's FilterOperator enum).
type FilterOperator string

// Common filter operators.
const (
	OpEq    FilterOperator = "eq"
	OpNotEq FilterOperator = "not_eq"
	OpGt    FilterOperator = "gt"
	OpGte   FilterOperator = "gte"
	OpLt    FilterOperator = "lt"
	OpLte   FilterOperator = "lte"
	OpNil   FilterOperator = "nil"
)

// FilterGroup is an OpenCTI filter (the FilterGroup input of 5.12 and
// later): filters and nested groups combined by Mode.
//
// Decoding and encoding are lossless in meaning: a key sent as a string
// stays a string, values keep their JSON form, and members this SDK does
// not model are kept and sent back. Encoding adds "filters": [] and
// "filterGroups": [] when they were absent, because the schema requires
// them. So a filter received from the platform (an export's main_filter or
// access_filter) can be passed back as it came.
type FilterGroup struct {
	Mode         FilterMode
	Filters      []Filter
	FilterGroups []*FilterGroup
	extra        map[string]json.RawMessage
}

// Filter is one condition of a FilterGroup.
type Filter struct {
	// Key names the field, or several fields any of which may match. Keys
	// are the platform's attribute names as the GraphQL schema spells
	// them, such as "entity_type", "pattern_type" or "created_at", or a
	// special key such as "ids" or "regardingOf".
	Key []string
	// Values are JSON values: mostly strings, sometimes objects (the
	// regardingOf filter) or numbers.
	Values []json.RawMessage
	// Operator is "" for the platform's default, eq.
	Operator FilterOperator
	// Mode combines the values; "" for the platform's default, or.
	Mode        FilterMode
	keyIsString bool
	extra       map[string]json.RawMessage
}

// Where returns a filter matching key against any of values with the eq
// operator.
func Where(key string, values ...string) Filter {
	f := Filter{Key: []string{key}, Mode: ModeOr, Operator: OpEq}
	for _, v := range values {
		b, _ := json.Marshal(v) // a string always encodes
		f.Values = append(f.Values, b)
	}
	return f
}

// WithOperator returns a copy of f using operator op.
func (f Filter) WithOperator(op FilterOperator) Filter { f.Operator = op; return f }

// WithMode returns a copy of f combining its values with mode m.
func (f Filter) WithMode(m FilterMode) Filter { f.Mode = m; return f }

// AllOf returns a group whose filters must all match.
func AllOf(filters ...Filter) *FilterGroup { return &FilterGroup{Mode: ModeAnd, Filters: filters} }

// AnyOf returns a group of which one filter must match.
func AnyOf(filters ...Filter) *FilterGroup { return &FilterGroup{Mode: ModeOr, Filters: filters} }

// With appends groups (nil ones are skipped) as nested groups of g and
// returns g.
func (g *FilterGroup) With(groups ...*FilterGroup) *FilterGroup {
	for _, sub := range groups {
		if sub != nil {
			g.FilterGroups = append(g.FilterGroups, sub)
		}
	}
	return g
}

// And returns a group that all the given groups must match, skipping nil
// ones, or nil when none remains. The groups are nested unchanged, as pycti
// combines an export's list filters with its access filter.
func And(groups ...*FilterGroup) *FilterGroup {
	g := (&FilterGroup{Mode: ModeAnd}).With(groups...)
	if len(g.FilterGroups) == 0 {
		return nil
	}
	if len(g.FilterGroups) == 1 {
		return g.FilterGroups[0]
	}
	return g
}

// IDs returns a group matching elements by internal, standard or STIX id.
func IDs(ids ...string) *FilterGroup { return AllOf(Where("ids", ids...)) }

// ParseFilterGroup decodes a filter as the platform sends it. Empty input
// and JSON null return nil and no error.
func ParseFilterGroup(data []byte) (*FilterGroup, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || bytes.Equal(data, []byte("null")) {
		return nil, nil
	}
	var g FilterGroup
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

// UnmarshalJSON decodes a filter group, keeping unknown members.
func (g *FilterGroup) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("invalid filter group: %w", err)
	}
	*g = FilterGroup{}
	if err := decodeMember(m, "mode", &g.Mode); err != nil {
		return err
	}
	if err := decodeMember(m, "filters", &g.Filters); err != nil {
		return err
	}
	if err := decodeMember(m, "filterGroups", &g.FilterGroups); err != nil {
		return err
	}
	if len(m) > 0 {
		g.extra = m
	}
	return nil
}

// MarshalJSON encodes the group with mode, filters and filterGroups first,
// then the kept unknown members in key order.
func (g *FilterGroup) MarshalJSON() ([]byte, error) {
	filters, groups := g.Filters, g.FilterGroups
	if filters == nil {
		filters = []Filter{}
	}
	if groups == nil {
		groups = []*FilterGroup{}
	}
	return encodeObject([]member{{"mode", g.Mode}, {"filters", filters},
		{"filterGroups", groups}}, g.extra)
}

// UnmarshalJSON decodes a filter whose key is a string or a list.
func (f *Filter) UnmarshalJSON(data []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("invalid filter: %w", err)
	}
	*f = Filter{}
	if raw, ok := m["key"]; ok {
		delete(m, "key")
		if err := json.Unmarshal(raw, &f.Key); err != nil {
			var one string
			if json.Unmarshal(raw, &one) != nil {
				return fmt.Errorf("invalid filter key %s: want a string or a list of strings", raw)
			}
			f.Key, f.keyIsString = []string{one}, true
		}
	}
	for name, dst := range map[string]any{"values": &f.Values, "operator": &f.Operator,
		"mode": &f.Mode} {
		if err := decodeMember(m, name, dst); err != nil {
			return err
		}
	}
	if len(m) > 0 {
		f.extra = m
	}
	return nil
}

// MarshalJSON encodes the filter, its key in the form it was received.
func (f Filter) MarshalJSON() ([]byte, error) {
	var key any = f.Key
	if f.keyIsString && len(f.Key) == 1 {
		key = f.Key[0]
	}
	values := f.Values
	if values == nil {
		values = []json.RawMessage{}
	}
	ms := []member{{"key", key}, {"values", values}}
	if f.Operator != "" {
		ms = append(ms, member{"operator", f.Operator})
	}
	if f.Mode != "" {
		ms = append(ms, member{"mode", f.Mode})
	}
	return encodeObject(ms, f.extra)
}

// decodeMember decodes m[name] into dst, removes it from m, and leaves dst
// unchanged when the member is absent or null.
func decodeMember(m map[string]json.RawMessage, name string, dst any) error {
	raw, ok := m[name]
	if !ok {
		return nil
	}
	delete(m, name)
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("invalid filter member %q: %w", name, err)
	}
	return nil
}

type member struct {
	name  string
	value any
}

func encodeObject(ms []member, extra map[string]json.RawMessage) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	write := func(name string, value any) error {
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		v, err := json.Marshal(value)
		if err != nil {
			return err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
		return nil
	}
	for _, m := range ms {
		if err := write(m.name, m.value); err != nil {
			return nil, err
		}
	}
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		if err := write(k, extra[k]); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// filtersJSON encodes an optional filter group for a generated operation.
func filtersJSON(g *FilterGroup) (json.RawMessage, error) {
	if g == nil {
		return nil, nil
	}
	b, err := json.Marshal(g)
	if err != nil {
		return nil, fmt.Errorf("encode filters: %w", err)
	}
	return b, nil
}
