package pyctitest

import (
	"fmt"
	"strings"
)

// SeedFixture loads platform state written in the export test fixture
// format: {"markings": {...}, "entities": {...}, "relationships": {...}},
// each keyed by internal id, with GraphQL field names; createdBy,
// objectMarking, objects, from and to hold internal ids and objectLabel
// holds label values. Relationships of entity_type
// "stix-core-relationship" take their type from relationship_type. A
// null standard_id is kept empty.
func (s *Server) SeedFixture(data []byte) (SeedResult, error) {
	var fx struct {
		Markings      map[string]map[string]any `json:"markings"`
		Entities      map[string]map[string]any `json:"entities"`
		Relationships map[string]map[string]any `json:"relationships"`
	}
	if err := unmarshalNumbers(data, &fx); err != nil {
		return SeedResult{}, fmt.Errorf("invalid platform fixture: %w", err)
	}
	for _, group := range []map[string]map[string]any{fx.Markings, fx.Entities, fx.Relationships} {
		for _, m := range group {
			plainNumbers(m)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res := SeedResult{Skipped: map[string]int{}}
	created := map[string]map[string]any{}
	for _, id := range sortedMapKeys(fx.Markings) {
		m := fx.Markings[id]
		e := newEntity(kindMarking, typeMarking, id, str(m["standard_id"]))
		s.fixtureFields(e, m)
		setMarkingDefaults(e)
		s.data.insert(e)
		res.Created++
	}
	for _, group := range []map[string]map[string]any{fx.Entities, fx.Relationships} {
		for _, id := range sortedMapKeys(group) {
			m := group[id]
			e, err := fixtureEntity(id, m)
			if err != nil {
				return res, err
			}
			s.fixtureFields(e, m)
			s.data.insert(e)
			created[id] = m
			res.Created++
		}
	}
	for id, m := range created {
		if err := s.linkFixture(s.data.get(id), m); err != nil {
			return res, err
		}
	}
	s.data.version++
	return res, nil
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func sortedMapKeys(m map[string]map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return sortedStrings(keys)
}

func fixtureEntity(id string, m map[string]any) (*entity, error) {
	t := str(m["entity_type"])
	switch strings.ToLower(t) {
	case typeCoreRel:
		rt := str(m["relationship_type"])
		if rt == "" {
			return nil, fmt.Errorf("fixture relationship %s has no relationship_type", id)
		}
		return newEntity(kindCoreRel, rt, id, str(m["standard_id"])), nil
	case typeSighting:
		return newEntity(kindSighting, typeSighting, id, str(m["standard_id"])), nil
	}
	ti := lookupType(t)
	if ti == nil {
		return nil, fmt.Errorf("fixture entity %s has unknown entity_type %q", id, t)
	}
	return newEntity(ti.kind, ti.entityType, id, str(m["standard_id"])), nil
}

var fixtureLinks = map[string]bool{"createdBy": true, "objectMarking": true, "objectLabel": true,
	"objects": true, "from": true, "to": true, "entity_type": true, "parent_types": true,
	"standard_id": true, "_note": true, "relationship_type": false}

func (s *Server) fixtureFields(e *entity, m map[string]any) {
	s.stampNew(e)
	delete(e.fields, "created")
	delete(e.fields, "modified")
	for k, v := range m {
		if !fixtureLinks[k] && v != nil {
			e.fields[k] = v
		}
	}
	if e.kind == kindSCO {
		e.fields["observable_value"] = observableValue(e)
	}
}

func (s *Server) linkFixture(e *entity, m map[string]any) error {
	resolve := func(key string, ids []string) ([]string, error) {
		for _, id := range ids {
			if s.data.get(id) == nil {
				return nil, fmt.Errorf("fixture %s: %s %q not found", e.id, key, id)
			}
		}
		return ids, nil
	}
	var err error
	if a := str(m["createdBy"]); a != "" {
		if _, err = resolve("createdBy", []string{a}); err != nil {
			return err
		}
		e.createdBy = a
	}
	if e.markings, err = resolve("objectMarking", stringList(m["objectMarking"])); err != nil {
		return err
	}
	if e.objects, err = resolve("objects", stringList(m["objects"])); err != nil {
		return err
	}
	for _, v := range stringList(m["objectLabel"]) {
		e.labels = appendUnique(e.labels, s.ensureLabel(v).id)
	}
	e.from, e.to = str(m["from"]), str(m["to"])
	if _, err = resolve("from/to", nonEmpty(e.from, e.to)); err != nil {
		return err
	}
	s.data.index(e)
	return nil
}
