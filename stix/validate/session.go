package validate

import (
	"encoding/json"
	"hash/maphash"
	"strconv"

	"github.com/opencti-go/sdk/stix/validate/internal/jsonvalue"
)

// Session validates the objects of one bundle as they are produced or read,
// one at a time, and adds the checks that need the whole bundle. It never
// keeps the objects themselves. Per object it keeps hashes of the UUID, the
// modified time and the content: 55 to 110 bytes on amd64, depending on how
// full its hash map is (26 MB for a bundle of 240,000 objects). With
// WithEnforceRefs it also keeps the references to ids not seen yet. With
// WithInterop it keeps every identity id and the created_by_ref of every
// object. A
// Session is not safe for concurrent use.
type Session struct {
	v     *Validator
	index int
	ids   *idIndex
	refs  []pendingRef
	// keys shares the strings of object keys between the objects that Add
	// decodes. It contains at most 1024 keys of up to 64 bytes each.
	keys jsonvalue.KeyCache
	// producers holds the state of RuleInteropProducer, nil until the
	// first object when the Validator has WithInterop.
	producers *producerState
	// standalone marks input that is a single object or an array, not a
	// bundle, which RuleInteropProducer does not check.
	standalone bool
}

type pendingRef struct {
	from, target, ptr string
	index             int
}

// NewSession starts validating a new bundle.
func (v *Validator) NewSession() *Session {
	return &Session{v: v, ids: newIDIndex()}
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
// ids that never appeared, when the Validator enforces references, and
// created_by_ref values that name no producer identity of the bundle, with
// WithInterop. It releases the state of the session.
func (s *Session) Finish() []Finding {
	var out []Finding
	for _, r := range s.refs {
		if s.ids.has(r.target) || !s.v.active[RuleUnresolvedRef] {
			continue
		}
		out = append(out, Finding{ObjectID: r.from, Index: r.index, Pointer: r.ptr,
			Rule: RuleUnresolvedRef, Severity: SeverityError,
			Message: "reference " + r.target + " is not in the bundle"})
	}
	if !s.standalone {
		out = append(out, s.producerFindings()...)
	}
	s.ids, s.refs, s.producers = nil, nil, nil
	s.keys = jsonvalue.KeyCache{}
	return out
}

// record adds the object to the bundle state and reports duplicate ids
// and UUIDs.
func (s *Session) record(c *objectCheck) {
	if c.id == "" || s.ids == nil {
		return
	}
	seeds := s.ids.seeds
	ver := version{index: int32(c.idx), content: hashOf(seeds[0], c.obj)}
	if t, ok := c.instant("modified"); ok {
		key := [3]int64{t.Time().Unix(), int64(t.Time().Nanosecond()), 0}
		if t.IsLeapSecond() {
			key[2] = 1
		}
		ver.modified = maphash.Comparable(seeds[1], key) | 1
	} else if raw, ok := c.obj["modified"].(string); ok {
		ver.modified = maphash.String(seeds[0], raw) | 1
	}
	prev, dup, firstType := s.ids.add(c.id, ver)
	if firstType != "" {
		_, uuid, _ := splitIdentifier(c.id)
		c.add("uuid-check", "/id", "UUID "+uuid+" is also used by "+firstType+"--"+uuid+
			" in this bundle: give each object its own UUID")
	}
	switch {
	case !dup:
	case prev.content != ver.content:
		c.add(RuleConflictingID, "/id", "object "+strconv.Itoa(int(prev.index))+" has the same "+
			"id and modified but different content: a new version needs a later modified")
	default:
		c.add("duplicate-ids", "/id", "object "+strconv.Itoa(int(prev.index))+" is the same "+
			"version of this object: remove the copy")
	}
	if c.v.enforceRefs {
		s.collectRefs(c)
	}
	if c.v.interop {
		s.recordProducer(c)
	}
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

// hashOf hashes a decoded JSON value so that object key order does not
// matter: the hashes of an object's members are summed, which needs no
// sorting. Numbers are compared as written.
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
	if s.ids.has(target) {
		return
	}
	s.refs = append(s.refs, pendingRef{c.id, target, ptr, c.idx})
}
