package validate

import (
	"encoding/json"
	"hash/maphash"
	"strconv"
)

// Session validates the objects of one bundle as they are produced or read,
// one at a time, and adds the checks that need the whole bundle. It never
// keeps the objects themselves. Per object it keeps 128-bit hashes of the
// id and of its UUID, the modified time and a hash of the content: about
// 200 bytes, or 45 MB for a bundle of 240,000 objects on amd64. With
// WithEnforceRefs it also keeps the references to ids not seen yet. A
// Session is not safe for concurrent use.
type Session struct {
	v         *Validator
	seeds     [2]maphash.Seed
	index     int
	ids       map[idKey]*versions
	uuids     map[idKey]uint32 // UUID → index in types of the first type using it
	types     []string
	typeIndex map[string]uint32
	refs      []pendingRef
}

// idKey is a 128-bit hash of an id or UUID. Two of them are equal by chance
// with a probability near n²/2¹²⁹ for n ids, which is negligible.
type idKey [2]uint64

// versions lists the versions of one id seen so far, most often one.
type versions struct {
	first version
	more  []version
}

// version identifies one version of an object in the bundle.
type version struct {
	sec     int64  // modified, in seconds since 1970, when hasTime
	nsec    int32  // and nanoseconds
	hasTime bool   // modified is a valid timestamp
	raw     uint64 // hash of modified as written, 0 when it is missing
	hash    uint64 // hash of the whole object
	index   int
}

type pendingRef struct {
	from, target, ptr string
	index             int
}

// NewSession starts validating a new bundle.
func (v *Validator) NewSession() *Session {
	return &Session{v: v, seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		ids: map[idKey]*versions{}, uuids: map[idKey]uint32{}, typeIndex: map[string]uint32{}}
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
		if _, ok := s.ids[s.key(r.target)]; ok || !s.v.active[RuleUnresolvedRef] {
			continue
		}
		out = append(out, Finding{ObjectID: r.from, Index: r.index, Pointer: r.ptr,
			Rule: RuleUnresolvedRef, Severity: SeverityError,
			Message: "reference " + r.target + " is not in the bundle"})
	}
	s.ids, s.uuids, s.refs, s.types, s.typeIndex = nil, nil, nil, nil, nil
	return out
}

// key hashes an id or a UUID.
func (s *Session) key(id string) idKey {
	return idKey{maphash.String(s.seeds[0], id), maphash.String(s.seeds[1], id)}
}

// record adds the object to the bundle state and reports duplicates.
func (s *Session) record(c *objectCheck) {
	if c.id == "" || s.ids == nil {
		return
	}
	s.checkUUIDReuse(c)
	ver := version{index: c.idx, hash: s.hashValue(c.obj)}
	if raw, ok := c.obj["modified"].(string); ok {
		ver.raw = maphash.String(s.seeds[0], raw) | 1
	}
	if t, ok := c.instant("modified"); ok {
		ver.sec, ver.nsec, ver.hasTime = t.Unix(), int32(t.Nanosecond()), true
	}
	key := s.key(c.id)
	seen := s.ids[key]
	if seen == nil {
		s.ids[key] = &versions{first: ver}
	} else {
		s.compare(c, seen, ver)
		seen.more = append(seen.more, ver)
	}
	if c.v.enforceRefs {
		s.collectRefs(c)
	}
}

// compare reports ver when it is a version already seen.
func (s *Session) compare(c *objectCheck, seen *versions, ver version) {
	for i := -1; i < len(seen.more); i++ {
		prev := seen.first
		if i >= 0 {
			prev = seen.more[i]
		}
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
		return
	}
}

func sameVersion(a, b version) bool {
	if a.hasTime && b.hasTime {
		return a.sec == b.sec && a.nsec == b.nsec
	}
	return a.raw == b.raw
}

// checkUUIDReuse reports a UUID used with two different types.
func (s *Session) checkUUIDReuse(c *objectCheck) {
	typ, uuid, ok := splitIdentifier(c.id)
	if !ok {
		return
	}
	key := s.key(uuid)
	if prev, seen := s.uuids[key]; seen {
		if s.types[prev] != typ {
			c.add("uuid-check", "/id", "UUID "+uuid+" is also used by a "+s.types[prev]+
				" in this bundle: give each object its own UUID")
		}
		return
	}
	ti, known := s.typeIndex[typ]
	if !known {
		ti = uint32(len(s.types))
		s.types = append(s.types, typ)
		s.typeIndex[typ] = ti
	}
	s.uuids[key] = ti
}

// enforcedRefs are the reference properties that WithEnforceRefs resolves.
var enforcedRefs = []string{"source_ref", "target_ref", "sighting_of_ref",
	"observed_data_refs", "where_sighted_refs", "object_refs"}

func (s *Session) collectRefs(c *objectCheck) {
	for _, prop := range enforcedRefs {
		switch v := c.obj[prop].(type) {
		case string:
			s.addRef(c, v, pointer(prop))
		case []any:
			for i, t := range stringList(v) {
				s.addRef(c, t, pointer(prop, strconv.Itoa(i)))
			}
		}
	}
}

// hashValue hashes a decoded JSON value so that object key order does not
// matter: the hashes of an object's members are summed, which needs no
// sorting. Numbers are compared as written.
func (s *Session) hashValue(v any) uint64 {
	return hashOf(s.seeds[0], v)
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

// addRef keeps a reference to check in Finish, unless its target was
// already seen: a report listed after its objects then keeps nothing.
func (s *Session) addRef(c *objectCheck, target, ptr string) {
	if _, seen := s.ids[s.key(target)]; seen {
		return
	}
	s.refs = append(s.refs, pendingRef{c.id, target, ptr, c.idx})
}
