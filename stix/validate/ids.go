package validate

import (
	"strconv"
	"strings"

	"github.com/opencti-go/sdk/stix"
)

// RuleDeterministicID is the SHOULD rule for SCO ids: an SCO with
// ID-contributing properties should have the UUIDv5 id that STIX 2.1
// computes from them (stix.ObservableID). It reports version 5 ids computed
// from other content; an id of another version is reported by uuid-check,
// which also names the expected id. The reference validator has no such
// check: its uuid-check looks at the UUID version only.
const RuleDeterministicID = "deterministic-id"

// identifiers checks that the id matches the type, and the UUID version and
// value the specification expects for the kind of object.
func (c *objectCheck) identifiers() {
	if c.id == "" {
		return
	}
	typ, uuid, ok := splitIdentifier(c.id)
	if !ok || !validUUID(uuid) {
		return
	}
	if typ != c.typ && c.v.schemas.byType[c.typ] == nil {
		c.add(RuleIDPrefix, "/id", "id "+c.id+" must start with the object's type "+c.typ+"--")
	}
	version := uuidVersion(uuid)
	switch {
	case !scoTypes[c.typ]:
		if version != 4 {
			c.add("uuid-check", "/id", "id uses a version "+strconv.Itoa(int(version))+
				" UUID, but SDO, SRO and meta object ids should use a version 4 (random) UUID")
		}
	case c.typ == stix.TypeProcess:
		if version != 4 {
			c.add(RuleUUIDVersion, "/id", "a process id must use a version 4 UUID")
		}
	case !hasContributingProperty(c.typ, c.obj):
		if version != 4 {
			c.add(RuleUUIDVersion, "/id", "an SCO without any ID-contributing property must "+
				"use a version 4 UUID")
		}
	case typ == c.typ:
		c.deterministicID(version)
	}
}

// deterministicID compares the id of an SCO that has ID-contributing
// properties with the one computed from them.
func (c *objectCheck) deterministicID(version byte) {
	if !c.on("uuid-check") && !c.on(RuleDeterministicID) {
		return
	}
	want, err := stix.ObservableID(c.typ, c.obj)
	if err != nil {
		// A contributing property of the wrong JSON type, which the
		// schema reports.
		return
	}
	switch {
	case version != 5:
		c.add("uuid-check", "/id", "an SCO id should use the version 5 UUID computed from "+
			"its ID-contributing properties: "+want)
	case !strings.EqualFold(c.id, want):
		names, _ := stix.IDContributingProperties(c.typ)
		c.add(RuleDeterministicID, "/id", "id is not the UUIDv5 of the ID-contributing "+
			"properties ("+strings.Join(present(names, c.obj), ", ")+"): expected "+want)
	}
}

// hasContributingProperty reports whether stix.ObservableID would use at
// least one property of obj: one of the type's ID-contributing properties
// that is not null, counting hashes only when it holds a hash.
func hasContributingProperty(typ string, obj map[string]any) bool {
	names, _ := stix.IDContributingProperties(typ)
	for _, name := range names {
		v, ok := obj[name]
		if !ok || v == nil {
			continue
		}
		if h, isMap := v.(map[string]any); name == "hashes" && isMap && len(h) == 0 {
			continue
		}
		return true
	}
	return false
}

// present returns the names that are properties of obj.
func present(names []string, obj map[string]any) []string {
	var out []string
	for _, name := range names {
		if v, ok := obj[name]; ok && v != nil {
			out = append(out, name)
		}
	}
	return out
}
