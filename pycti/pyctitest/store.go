package pyctitest

import (
	"slices"
	"strings"
)

// store holds the entities and their indexes. It is not safe for concurrent
// use: Server.mu guards every call (read lock for reads, write lock for
// writes).
type store struct {
	seq     int64
	version int64                // incremented by every write, keys the list cache
	byKey   map[string]*entity   // internal id, standard id and other STIX ids
	byType  map[string][]*entity // lower-cased entity type and parent types, in seq order
	byEnd   map[string][]*entity // internal id of an end -> core relationships and sightings
	refsOf  map[string][]*entity // internal id of the source -> nested ref relationships
	inside  map[string][]string  // internal id of a member -> containers' internal ids
	// onChange, when set, is told of every insert, index (an update) and
	// removal, the latter before anything is removed. It feeds the event
	// stream.
	onChange func(op changeOp, e *entity)
}

func newStore() *store {
	return &store{byKey: map[string]*entity{}, byType: map[string][]*entity{},
		byEnd: map[string][]*entity{}, refsOf: map[string][]*entity{}, inside: map[string][]string{}}
}

// get returns the entity known by an internal id, standard id or STIX id.
func (s *store) get(key string) *entity {
	if key == "" {
		return nil
	}
	return s.byKey[key]
}

// insert adds a new entity and indexes it. The entity's id must be unique.
func (s *store) insert(e *entity) {
	s.seq++
	s.version++
	e.seq = s.seq
	s.changed(opCreate, e)
	s.index(e)
	for _, t := range append([]string{e.entityType}, e.parentTypes()...) {
		k := strings.ToLower(t)
		s.byType[k] = append(s.byType[k], e)
	}
}

// index records the keys and links of e. It is called after insert and
// after every change of ids, ends or members.
func (s *store) index(e *entity) {
	s.changed(opUpdate, e)
	s.byKey[e.id] = e
	for _, id := range e.stixIDs() {
		if _, taken := s.byKey[id]; !taken {
			s.byKey[id] = e
		}
	}
	switch e.kind {
	case kindCoreRel, kindSighting:
		addUnique(s.byEnd, e.from, e)
		addUnique(s.byEnd, e.to, e)
	case kindRefRel:
		addUnique(s.refsOf, e.from, e)
	}
	for _, m := range e.objects {
		if !slices.Contains(s.inside[m], e.id) {
			s.inside[m] = append(s.inside[m], e.id)
		}
	}
}

func addUnique(idx map[string][]*entity, key string, e *entity) {
	if key == "" || slices.Contains(idx[key], e) {
		return
	}
	idx[key] = append(idx[key], e)
}

func removeEntity(list []*entity, e *entity) []*entity {
	return slices.DeleteFunc(list, func(x *entity) bool { return x == e })
}

// remove deletes e and, as the platform does, every relationship and nested
// ref that has e as an end.
func (s *store) remove(e *entity) {
	if s.byKey[e.id] != e {
		return
	}
	s.changed(opDelete, e)
	s.version++
	for k, v := range s.byKey {
		if v == e {
			delete(s.byKey, k)
		}
	}
	for _, t := range append([]string{e.entityType}, e.parentTypes()...) {
		k := strings.ToLower(t)
		s.byType[k] = removeEntity(s.byType[k], e)
	}
	s.byEnd[e.from] = removeEntity(s.byEnd[e.from], e)
	s.byEnd[e.to] = removeEntity(s.byEnd[e.to], e)
	s.refsOf[e.from] = removeEntity(s.refsOf[e.from], e)
	for _, r := range slices.Clone(s.byEnd[e.id]) {
		s.remove(r)
	}
	for _, r := range slices.Clone(s.refsOf[e.id]) {
		s.remove(r)
	}
	delete(s.byEnd, e.id)
	delete(s.refsOf, e.id)
	for _, cid := range s.inside[e.id] {
		if c := s.byKey[cid]; c != nil {
			c.objects = slices.DeleteFunc(c.objects, func(m string) bool { return m == e.id })
		}
	}
	delete(s.inside, e.id)
}

// ofType returns the entities of a type or parent type, in creation order.
func (s *store) ofType(t string) []*entity {
	return s.byType[strings.ToLower(t)]
}

// resolve maps a reference (internal id or STIX id) to an internal id, or
// returns "" when nothing in the store answers to it.
func (s *store) resolve(ref string) string {
	if e := s.get(ref); e != nil {
		return e.id
	}
	return ""
}

func sortedStrings(s []string) []string {
	slices.Sort(s)
	return s
}

func (s *store) changed(op changeOp, e *entity) {
	if s.onChange != nil {
		s.onChange(op, e)
	}
}
