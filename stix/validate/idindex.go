package validate

import "hash/maphash"

// idIndex records the id and versions of every object of a bundle without
// keeping the ids themselves: objects are filed under a 128-bit hash of
// their UUID, with the index of their type. Each object takes a 48-byte
// slot of a Go map, which is between 44% and 88% full.
type idIndex struct {
	seeds  [2]maphash.Seed
	byUUID map[idKey]idEntry
	// reused files, under the hash of the whole id, the objects whose UUID
	// an object of another type used first.
	reused map[idKey]int32
	// later holds the versions of an id after the first one.
	later    [][]version
	types    []string
	typeNums map[string]uint32
}

// idKey is a 128-bit hash. Two of n keys are equal by chance with a
// probability near n²/2¹²⁹, which is negligible.
type idKey [2]uint64

// Kinds of keys, hashed with the text so that they never mix.
const (
	keyUUID      = 'u' // the UUID part of a well-formed id
	keyMalformed = 'm' // a whole id without the type--UUID form
	keyReused    = 'r' // a whole id whose UUID another type used first
)

// idEntry is the state of one UUID.
type idEntry struct {
	first version
	typ   uint32 // index in types of the type of the first object
	more  int32  // index in later of the next versions, or -1
}

// version identifies one version of an object.
type version struct {
	// modified is a hash of the modified instant, or of modified as written
	// when it is not a valid timestamp, and 0 when it is missing. Two
	// values of modified of which only one is a valid timestamp differ as
	// written, so one hash serves both comparisons.
	modified uint64
	content  uint64 // hash of the whole object
	index    int32  // position of the object in the bundle
}

func newIDIndex() *idIndex {
	return &idIndex{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		byUUID: map[idKey]idEntry{}, reused: map[idKey]int32{}, typeNums: map[string]uint32{}}
}

func (x *idIndex) key(kind byte, s string) idKey {
	var k idKey
	for i, seed := range x.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteByte(kind)
		h.WriteString(s)
		k[i] = h.Sum64()
	}
	return k
}

// typeNum returns the index of typ in types, adding it when add is set. It
// returns false for a type not seen yet.
func (x *idIndex) typeNum(typ string, add bool) (uint32, bool) {
	n, ok := x.typeNums[typ]
	if ok || !add {
		return n, ok
	}
	n = uint32(len(x.types))
	x.types = append(x.types, typ)
	x.typeNums[typ] = n
	return n, true
}

// uuidKey returns the key of an id in byUUID and its type.
func (x *idIndex) uuidKey(id string) (idKey, string) {
	typ, uuid, ok := splitIdentifier(id)
	if !ok {
		return x.key(keyMalformed, id), ""
	}
	return x.key(keyUUID, uuid), typ
}

// add records a version of the object id. It returns the version seen
// before that is the same version (same modified), if any, and the type
// that used the UUID of id first, when it is another type.
func (x *idIndex) add(id string, ver version) (prev version, dup bool, firstType string) {
	key, typ := x.uuidKey(id)
	num, _ := x.typeNum(typ, true)
	e, seen := x.byUUID[key]
	switch {
	case !seen:
		x.byUUID[key] = idEntry{first: ver, typ: num, more: -1}
		return version{}, false, ""
	case e.typ != num:
		firstType = x.types[e.typ]
		rkey := x.key(keyReused, id)
		i, seen := x.reused[rkey]
		if !seen {
			x.reused[rkey] = int32(len(x.later))
			x.later = append(x.later, []version{ver})
			return version{}, false, firstType
		}
		prev, dup = sameAs(x.later[i], ver)
		x.later[i] = append(x.later[i], ver)
		return prev, dup, firstType
	}
	if sameVersion(e.first, ver) {
		prev, dup = e.first, true
	} else if e.more >= 0 {
		prev, dup = sameAs(x.later[e.more], ver)
	}
	if e.more < 0 {
		e.more = int32(len(x.later))
		x.byUUID[key] = e
		x.later = append(x.later, nil)
	}
	x.later[e.more] = append(x.later[e.more], ver)
	return prev, dup, ""
}

// has reports whether an object with this id was added.
func (x *idIndex) has(id string) bool {
	key, typ := x.uuidKey(id)
	num, known := x.typeNum(typ, false)
	if !known {
		return false
	}
	if e, seen := x.byUUID[key]; seen && e.typ == num {
		return true
	}
	_, seen := x.reused[x.key(keyReused, id)]
	return seen
}

// sameAs returns the version of list that is the same version as ver.
func sameAs(list []version, ver version) (version, bool) {
	for _, v := range list {
		if sameVersion(v, ver) {
			return v, true
		}
	}
	return version{}, false
}

// sameVersion compares modified: as instants when both are valid
// timestamps, and as written otherwise.
func sameVersion(a, b version) bool { return a.modified == b.modified }
