package export

import "github.com/google/uuid"

// idSet is a set of STIX ids that stays small for large exports. An id of
// the form type--UUID is kept as a type number and the 16 bytes of the
// UUID, about a third of the memory of the string. Other ids are kept as
// strings. An idSet is not safe for concurrent use.
type idSet struct {
	types map[string]uint16
	uuids map[idKey]struct{}
	other map[string]struct{}
}

type idKey struct {
	typ  uint16
	uuid uuid.UUID
}

func newIDSet() *idSet {
	return &idSet{types: map[string]uint16{}, uuids: map[idKey]struct{}{},
		other: map[string]struct{}{}}
}

// key returns the compact key of id, and false when id is not type--UUID
// or its type is new and add is false.
func (s *idSet) key(id string, add bool) (idKey, bool) {
	sep := len(id) - 38
	if sep < 1 || id[sep] != '-' || id[sep+1] != '-' {
		return idKey{}, false
	}
	text := id[sep+2:]
	for i := range len(text) {
		if c := text[i]; c >= 'A' && c <= 'F' {
			// Upper-case hex would share the key of its lower-case form.
			return idKey{}, false
		}
	}
	u, err := uuid.Parse(text)
	if err != nil {
		return idKey{}, false
	}
	typ, ok := s.types[id[:sep]]
	if !ok {
		if !add || len(s.types) == 1<<16-1 {
			return idKey{}, false
		}
		typ = uint16(len(s.types))
		s.types[id[:sep]] = typ
	}
	return idKey{typ, u}, true
}

// Has reports whether id is in the set.
func (s *idSet) Has(id string) bool {
	if k, ok := s.key(id, false); ok {
		_, in := s.uuids[k]
		return in
	}
	_, in := s.other[id]
	return in
}

// Add adds id and reports whether it was new.
func (s *idSet) Add(id string) bool {
	if k, ok := s.key(id, true); ok {
		if _, in := s.uuids[k]; in {
			return false
		}
		s.uuids[k] = struct{}{}
		return true
	}
	if _, in := s.other[id]; in {
		return false
	}
	s.other[id] = struct{}{}
	return true
}

// Len returns the number of ids in the set.
func (s *idSet) Len() int { return len(s.uuids) + len(s.other) }
