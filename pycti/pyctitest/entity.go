package pyctitest

import (
	"slices"
	"strings"
)

// entity is one stored object: a domain object, an observable, a
// relationship, a sighting, a nested ref or a meta object (marking, label,
// external reference, kill chain phase). Scalar attributes are stored in
// fields under their GraphQL names, so most GraphQL fields resolve by name.
// Links to other entities are internal ids in the typed members.
type entity struct {
	seq        int64
	kind       kind
	id         string
	standardID string
	entityType string
	fields     map[string]any

	createdBy string   // author's internal id
	markings  []string // internal ids of marking definitions
	labels    []string // internal ids of labels
	extRefs   []string // internal ids of external references
	kcps      []string // internal ids of kill chain phases
	objects   []string // container members' internal ids
	from, to  string   // relationship ends' internal ids
	files     []*File  // files imported on the entity

	// octiExt holds keys of the OpenCTI STIX extension that have no GraphQL
	// field (creator_ids, pir_information, ...), written back by toStix.
	octiExt map[string]any
	// stixExtra holds STIX keys the platform model has no place for (other
	// extensions, granular markings), written back by toStix.
	stixExtra map[string]any
	// dangling holds, per STIX ref key, the ids of referenced objects that
	// were not in the store when the entity was seeded, and extEnds the
	// extension data of relationship ends seeded without their objects.
	dangling map[string][]string
	extEnds  map[string]any
	// emptyKeys lists STIX keys (prefixed "ext:" for the OpenCTI extension)
	// that were seeded as empty lists and are written back as such.
	emptyKeys map[string]bool
}

func newEntity(kind kind, entityType, id, standardID string) *entity {
	e := &entity{kind: kind, id: id, standardID: standardID, entityType: entityType,
		fields: map[string]any{}}
	e.fields["id"] = id
	e.fields["standard_id"] = standardID
	e.fields["entity_type"] = entityType
	e.fields["parent_types"] = parentTypesOf(entityType, kind)
	return e
}

func (e *entity) str(name string) string {
	s, _ := e.fields[name].(string)
	return s
}

func (e *entity) parentTypes() []string {
	p, _ := e.fields["parent_types"].([]string)
	return p
}

// isA reports whether the entity's type or one of its parent types is t,
// compared without regard to case.
func (e *entity) isA(t string) bool {
	if strings.EqualFold(e.entityType, t) {
		return true
	}
	return slices.ContainsFunc(e.parentTypes(), func(p string) bool { return strings.EqualFold(p, t) })
}

func (e *entity) isContainer() bool { return e.isA(typeContainer) }

// stixIDs returns the standard id followed by the other STIX ids the entity
// is known by.
func (e *entity) stixIDs() []string {
	out := []string{}
	if e.standardID != "" {
		out = append(out, e.standardID)
	}
	return append(out, stringList(e.fields["x_opencti_stix_ids"])...)
}

// representative returns the main display value of the entity, the one the
// platform writes in source_value, target_value and file names.
func (e *entity) representative() string {
	for _, k := range []string{"name", "observable_value", "value", "definition", "attribute_abstract",
		"opinion", "pattern", "source_name", "phase_name", "relationship_type"} {
		if s := e.str(k); s != "" {
			return s
		}
	}
	if e.kind == kindSighting {
		return "sighting"
	}
	return e.standardID
}

func stringList(v any) []string {
	switch v := v.(type) {
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case string:
		return []string{v}
	}
	return nil
}
