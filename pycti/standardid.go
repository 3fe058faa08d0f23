package pycti

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opencti-go/sdk/stix"
)

// StandardID returns the standard_id that OpenCTI 7.260817.0 gives an
// element of entityType (an OpenCTI entity type such as "Malware",
// "Organization", "IPv4-Addr", "StixFile" or "Marking-Definition", matched
// without regard to case) with the given properties. A connector can so
// compute an element's id before it creates the element.
//
// props holds the element's properties under their platform names, such as
// "name", "x_mitre_id", "published", "pattern", "value", "hashes" or
// "definition_type". Only the type's contributing properties are read:
//
//   - Alternatives are tried in order and the first that yields a
//     property is kept: an attack pattern's x_mitre_id, else its name; a
//     file's hashes, else its name.
//   - A property that depends on another is ignored with its whole
//     alternative when the other is empty: a note's created counts only
//     with its content.
//   - Names, labels and identity classes are lower-cased and trimmed (with
//     JavaScript's Unicode rules), marking definitions are upper-cased, and
//     other strings are trimmed.
//   - Dates (time.Time, or RFC 3339 strings) are written as JavaScript's
//     toISOString writes them, 2024-03-05T08:00:00.000Z.
//   - Of hashes (a map of algorithm to value, or a list of objects with
//     algorithm and hash), one is kept: the first present of MD5, SHA-1,
//     SHA-256, SHA-512, SHA3-256, SHA3-512, SSDEEP, SDHASH, TLSH and LZJD.
//   - References (an email's from_ref, a network traffic's src_ref and
//     dst_ref, an observed data's objects, a security coverage's
//     objectCovered) must be given as standard ids.
//   - identity_class, x_opencti_location_type and the threat actor type
//     are set from entityType, as the platform sets them.
//
// The properties are then written as RFC 8785 canonical JSON and hashed
// into a UUIDv5 in the STIX namespace (stix.DeterministicID). The id's type
// is the STIX type without the x-opencti- and x-mitre- prefixes: identity,
// location, threat-actor, file, case-incident, data-source and so on. The
// TLP markings get their fixed ids instead.
//
// StandardID fails with an error matching errors.ErrUnsupported for an
// unknown entity type, and with one matching stix.ErrNoIDProperties when
// no contributing property is set. Relationships and sightings have their
// own functions, RelationshipStandardID and SightingStandardID.
//
// Older platforms and pycti differ in places: 6.x did not trim plain
// strings and kept the case of labels and MITRE ids, and pycti's own
// helpers lower-case a malware analysis' result_name, give feedbacks no
// created and add the location type to administrative areas. StandardID
// follows the platform.
func StandardID(entityType string, props map[string]any) (string, error) {
	rule, ok := idRules[strings.ToLower(entityType)]
	if !ok {
		return "", fmt.Errorf("standard id: entity type %q is not supported: use an OpenCTI "+
			"entity type such as Malware, IPv4-Addr or Marking-Definition: %w",
			entityType, errors.ErrUnsupported)
	}
	if rule.fixed != nil {
		merged := make(map[string]any, len(props)+1)
		for k, v := range props {
			merged[k] = v
		}
		for k, v := range rule.fixed(rule.entityType) {
			merged[k] = v
		}
		props = merged
	}
	data, err := rule.contribution(props)
	if err != nil {
		return "", fmt.Errorf("standard id of %s: %w", rule.entityType, err)
	}
	if len(data) == 0 {
		return "", fmt.Errorf("standard id of %s: set %s: %w", rule.entityType,
			rule.wayNames(), stix.ErrNoIDProperties)
	}
	if rule.entityType == "Marking-Definition" && data["definition_type"] == "TLP" {
		if id, ok := staticMarkingIDs[fmt.Sprint(data["definition"])]; ok && len(data) == 2 {
			return id, nil
		}
	}
	return stix.DeterministicID(rule.idType, data)
}

// RelationshipStandardID returns the standard_id of a core relationship
// (such as "uses") between the elements whose standard ids are sourceRef
// and targetRef. start and stop are the start_time and stop_time given at
// creation. Zero times are left out, because the platform leaves out dates
// that the creation did not set.
//
// NOTE: the platform stores default start and stop dates when none are
// given; whether those take part in ids computed later was not checked, so
// prefer the standard_id the platform returns for such relationships.
func RelationshipStandardID(relationshipType, sourceRef, targetRef string,
	start, stop time.Time) (string, error) {
	data := map[string]any{}
	putText(data, "relationship_type", relationshipType)
	if jsTrim(sourceRef) != "" && jsTrim(targetRef) != "" {
		putText(data, "source_ref", sourceRef)
		putText(data, "target_ref", targetRef)
	}
	putDate(data, "start_time", start)
	putDate(data, "stop_time", stop)
	if data["source_ref"] == nil || data["relationship_type"] == nil {
		return "", fmt.Errorf("standard id of relationship: set relationship_type, "+
			"source_ref and target_ref: %w", stix.ErrNoIDProperties)
	}
	return stix.DeterministicID("relationship", data)
}

// SightingStandardID returns the standard_id of a sighting of the element
// whose standard id is sightingOfRef, sighted at the location or identity
// whose standard id is whereSightedRef. firstSeen and lastSeen are the
// first_seen and last_seen given at creation. Zero times are left out.
func SightingStandardID(sightingOfRef, whereSightedRef string,
	firstSeen, lastSeen time.Time) (string, error) {
	if jsTrim(sightingOfRef) == "" || jsTrim(whereSightedRef) == "" {
		return "", fmt.Errorf("standard id of sighting: set sighting_of_ref and "+
			"where_sighted_refs: %w", stix.ErrNoIDProperties)
	}
	data := map[string]any{"type": "sighting", "sighting_of_ref": jsTrim(sightingOfRef),
		"where_sighted_refs": []string{jsTrim(whereSightedRef)}}
	putDate(data, "first_seen", firstSeen)
	putDate(data, "last_seen", lastSeen)
	return stix.DeterministicID("sighting", data)
}

func putText(data map[string]any, key, s string) {
	if s = jsTrim(s); s != "" {
		data[key] = s
	}
}

func putDate(data map[string]any, key string, t time.Time) {
	if !t.IsZero() {
		data[key] = isoString(t)
	}
}

// contribution returns the properties of the first way that yields any,
// normalised.
func (r *idRule) contribution(props map[string]any) (map[string]any, error) {
	for _, w := range r.ways {
		data, err := wayData(w, props)
		if err != nil || len(data) > 0 {
			return data, err
		}
	}
	return nil, nil
}

// wayData applies one way. As on the platform, a given property whose
// dependency is empty voids the whole way.
func wayData(w []idProp, props map[string]any) (map[string]any, error) {
	data := map[string]any{}
	for _, p := range w {
		raw, given := props[p.name]
		if !given {
			continue
		}
		for _, dep := range p.deps {
			if isEmptyValue(props[dep]) {
				return nil, nil
			}
		}
		v, err := p.resolve(raw)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", p.name, err)
		}
		if !isEmptyValue(v) {
			data[p.outKey()] = v
		}
	}
	return data, nil
}

func (r *idRule) wayNames() string {
	var ways []string
	for _, w := range r.ways {
		var names []string
		for _, p := range w {
			if r.fixed == nil || r.fixed(r.entityType)[p.name] == nil {
				names = append(names, p.name)
			}
		}
		ways = append(ways, strings.Join(names, " and "))
	}
	return strings.Join(ways, ", or ")
}

// resolve normalises one property value.
func (p idProp) resolve(raw any) (any, error) {
	v, err := plainValue(raw)
	if err != nil || v == nil {
		return nil, err
	}
	switch p.form {
	case formName, formUpper:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%v is a %T, want a string", v, v)
		}
		if p.form == formUpper {
			return jsUpper(s), nil
		}
		return jsLower(jsTrim(s)), nil
	case formDate:
		return dateValue(v)
	case formNumber:
		return numberValue(v)
	case formSortedRefs:
		return sortedRefs(v)
	case formHashes:
		return oneHash(v)
	}
	if s, ok := v.(string); ok {
		return jsTrim(s), nil
	}
	return v, nil
}

// plainValue turns raw JSON, pointers and times into plain Go values.
func plainValue(raw any) (any, error) {
	switch v := raw.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		dec := json.NewDecoder(bytes.NewReader(v))
		dec.UseNumber()
		var out any
		if err := dec.Decode(&out); err != nil {
			return nil, fmt.Errorf("invalid JSON value: %w", err)
		}
		return out, nil
	case time.Time:
		if v.IsZero() {
			return nil, nil
		}
		return isoString(v), nil
	case *time.Time:
		if v == nil {
			return nil, nil
		}
		return plainValue(*v)
	case stix.Timestamp:
		return plainValue(v.Time)
	case *string:
		if v == nil {
			return nil, nil
		}
		return *v, nil
	}
	if rv := reflect.ValueOf(raw); rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, nil
		}
		return plainValue(rv.Elem().Interface())
	}
	return raw, nil
}

// isEmptyValue reports what the platform counts as empty: null, "", and
// empty lists and objects. false and 0 are not empty.
func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case json.RawMessage:
		t := string(bytes.TrimSpace(x))
		return t == "" || t == "null" || t == `""` || t == "[]" || t == "{}"
	case time.Time:
		return x.IsZero()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Map:
		return rv.Len() == 0
	case reflect.Pointer:
		return rv.IsNil()
	}
	return false
}

// isoString writes t as JavaScript's Date.prototype.toISOString does:
// UTC with milliseconds, and a signed six-digit year outside 0 to 9999.
func isoString(t time.Time) string {
	t = t.UTC()
	y := t.Year()
	if y >= 0 && y <= 9999 {
		return t.Format("2006-01-02T15:04:05.000Z")
	}
	sign := '+'
	if y < 0 {
		sign, y = '-', -y
	}
	return fmt.Sprintf("%c%06d", sign, y) + t.Format("-01-02T15:04:05.000Z")
}

func dateValue(v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("%v is a %T, want a date", v, v)
	}
	s = jsTrim(s)
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return isoString(t), nil
		}
	}
	return nil, fmt.Errorf("%q is not a date: use RFC 3339, such as 2024-03-05T08:00:00Z", s)
}

func numberValue(v any) (any, error) {
	switch x := v.(type) {
	case json.Number:
		return x.Float64()
	case string:
		f, err := strconv.ParseFloat(jsTrim(x), 64)
		if err != nil {
			return nil, fmt.Errorf("%q is not a number", x)
		}
		return f, nil
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanFloat():
		return rv.Float(), nil
	case rv.CanInt():
		return float64(rv.Int()), nil
	case rv.CanUint():
		return float64(rv.Uint()), nil
	}
	return nil, fmt.Errorf("%v is a %T, want a number", v, v)
}

func sortedRefs(v any) (any, error) {
	var refs []string
	switch x := v.(type) {
	case []string:
		refs = slices.Clone(x)
	case []any:
		for _, item := range x {
			s, ok := item.(string)
			if !ok {
				return nil, fmt.Errorf("%v is a %T, want a standard id", item, item)
			}
			refs = append(refs, s)
		}
	default:
		return nil, fmt.Errorf("%v is a %T, want a list of standard ids", v, v)
	}
	slices.Sort(refs)
	return refs, nil
}

// oneHash returns the preferred hash as a one-entry object, or nil when
// none of the known algorithms has a value. v is a map of algorithm to
// value, or a list of {"algorithm", "hash"} objects as the platform's
// HashInput takes them.
func oneHash(v any) (any, error) {
	hashes := map[string]any{}
	switch x := v.(type) {
	case []any:
		for _, item := range x {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("%v is a %T, want an object with algorithm and hash",
					item, item)
			}
			if alg, ok := m["algorithm"].(string); ok {
				hashes[strings.ToUpper(alg)] = m["hash"]
			}
		}
	case []map[string]any:
		return oneHash(toAnySlice(x))
	case []map[string]string:
		return oneHash(toAnySlice(x))
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() != reflect.Map || rv.Type().Key().Kind() != reflect.String {
			return nil, fmt.Errorf("%v is a %T, want a map of algorithm to hash", v, v)
		}
		for it := rv.MapRange(); it.Next(); {
			hashes[strings.ToUpper(it.Key().String())] = it.Value().Interface()
		}
	}
	for _, alg := range hashPreference {
		if h := hashes[alg]; !isEmptyValue(h) {
			return map[string]any{alg: h}, nil
		}
	}
	return nil, nil
}

func toAnySlice[T any](s []T) []any {
	out := make([]any, len(s))
	for i, v := range s {
		if m, ok := any(v).(map[string]string); ok {
			mm := make(map[string]any, len(m))
			for k, x := range m {
				mm[k] = x
			}
			out[i] = mm
			continue
		}
		out[i] = v
	}
	return out
}
