package validate

import (
	"encoding/json"
	"hash/maphash"
	"strconv"
	"time"
)

// Session validates the objects of one bundle as they are produced or read,
// one at a time, and adds the checks that need the whole bundle. It keeps a
// hash and a timestamp per object version and, with WithEnforceRefs, the
// references still to resolve; it never keeps the objects themselves. A
// Session is not safe for concurrent use.
type Session struct {
	v     *Validator
	seed  maphash.Seed
	index int
	ids   map[string][]version
	uuids map[string]string
	refs  []pendingRef
}

// version identifies one version of an object in the bundle.
type version struct {
	modified time.Time
	rawMod   string
	hash     uint64
	index    int
}

type pendingRef struct {
	from, target, ptr string
	index             int
}

// NewSession starts validating a new bundle.
func (v *Validator) NewSession() *Session {
	return &Session{v: v, seed: maphash.MakeSeed(), ids: map[string][]version{},
		uuids: map[string]string{}}
}

// Add validates the next object of the bundle, given as JSON, and returns
// its findings, including those that compare it with earlier objects
// (duplicate ids, reused UUIDs). Objects are numbered from 0 in the order
// they are added.
func (s *Session) Add(raw []byte) []Finding {
	idx := s.index
	s.index++
	return s.v.checkRaw(raw, idx, s)
}

// AddValue is like Add for an object already decoded with
// json.Decoder.UseNumber.
func (s *Session) AddValue(obj map[string]any) []Finding {
	idx := s.index
	s.index++
	return s.v.checkObject(obj, idx, s)
}

// addDecoded validates the next object of the bundle, given as a decoded
// JSON value, which may be something other than a JSON object.
func (s *Session) addDecoded(v any) []Finding {
	if obj, ok := v.(map[string]any); ok {
		return s.AddValue(obj)
	}
	idx := s.index
	s.index++
	msg := "a STIX object is a JSON object, not " + jsonKind(v)
	return []Finding{{Index: idx, Rule: RuleJSON, Severity: SeverityError, Message: msg}}
}

// Finish returns the findings that need the whole bundle: references to
// ids that never appeared, when the Validator enforces references. It
// releases the state of the session.
func (s *Session) Finish() []Finding {
	var out []Finding
	for _, r := range s.refs {
		if _, ok := s.ids[r.target]; ok || !s.v.active[RuleUnresolvedRef] {
			continue
		}
		out = append(out, Finding{ObjectID: r.from, Index: r.index, Pointer: r.ptr,
			Rule: RuleUnresolvedRef, Severity: SeverityError,
			Message: "reference " + r.target + " is not in the bundle"})
	}
	s.ids, s.uuids, s.refs = nil, nil, nil
	return out
}

// record adds the object to the bundle state and reports duplicates.
func (s *Session) record(c *objectCheck) {
	if c.id == "" || s.ids == nil {
		return
	}
	s.checkUUIDReuse(c)
	ver := version{index: c.idx, hash: s.hashValue(c.obj)}
	ver.rawMod, _ = c.obj["modified"].(string)
	ver.modified, _ = c.instant("modified")
	for _, prev := range s.ids[c.id] {
		if !sameVersion(prev, ver) {
			continue
		}
		if prev.hash != ver.hash {
			c.add(RuleConflictingID, "/id", "object "+strconv.Itoa(prev.index)+" has the same "+
				"id and modified but different content: a new version needs a later modified")
		} else {
			c.add("duplicate-ids", "/id", "object "+strconv.Itoa(prev.index)+" is the same "+
				"version of this object: remove the copy")
		}
		break
	}
	s.ids[c.id] = append(s.ids[c.id], ver)
	if c.v.enforceRefs {
		s.collectRefs(c)
	}
}

func sameVersion(a, b version) bool {
	if !a.modified.IsZero() && !b.modified.IsZero() {
		return a.modified.Equal(b.modified)
	}
	return a.rawMod == b.rawMod
}

// checkUUIDReuse reports a UUID used with two different types.
func (s *Session) checkUUIDReuse(c *objectCheck) {
	typ, uuid, ok := splitIdentifier(c.id)
	if !ok {
		return
	}
	if prev, seen := s.uuids[uuid]; seen && prev != typ {
		c.add("uuid-check", "/id", "UUID "+uuid+" is also used by a "+prev+
			" in this bundle: give each object its own UUID")
		return
	}
	s.uuids[uuid] = typ
}

// enforcedRefs are the reference properties that WithEnforceRefs resolves.
var enforcedRefs = []string{"source_ref", "target_ref", "sighting_of_ref",
	"observed_data_refs", "where_sighted_refs", "object_refs"}

func (s *Session) collectRefs(c *objectCheck) {
	for _, prop := range enforcedRefs {
		switch v := c.obj[prop].(type) {
		case string:
			s.refs = append(s.refs, pendingRef{c.id, v, pointer(prop), c.idx})
		case []any:
			for i, t := range stringList(v) {
				s.refs = append(s.refs, pendingRef{c.id, t, pointer(prop, strconv.Itoa(i)), c.idx})
			}
		}
	}
}

// hashValue hashes a decoded JSON value so that object key order does not
// matter: the hashes of an object's members are summed, which needs no
// sorting. Numbers are compared as written.
func (s *Session) hashValue(v any) uint64 {
	return hashOf(s.seed, v)
}

func hashOf(seed maphash.Seed, v any) uint64 {
	switch v := v.(type) {
	case map[string]any:
		sum := uint64(0x9e3779b97f4a7c15)
		for k, x := range v {
			sum += mix(maphash.String(seed, k), hashOf(seed, x))
		}
		return mix(sum, 'o')
	case []any:
		h := uint64('a')
		for _, x := range v {
			h = mix(h, hashOf(seed, x))
		}
		return h
	case string:
		return mix(maphash.String(seed, v), 's')
	case json.Number:
		return mix(maphash.String(seed, string(v)), 'n')
	case bool:
		if v {
			return mix(1, 'b')
		}
		return mix(0, 'b')
	}
	return mix(0, 'z')
}

// mix combines two hashes; it is not commutative, so pairs and list order
// count.
func mix(a, b uint64) uint64 {
	h := a ^ (b + 0x9e3779b97f4a7c15 + a<<6 + a>>2)
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	return h
}
