package validate

import (
	"strconv"
	"strings"
)

// Names of the rules of the interoperability profile, which run only with
// WithInterop. Their findings are errors.
const (
	// RuleInteropRequired reports an SDO or SRO without created_by_ref or
	// without another property that the profile requires for its type.
	RuleInteropRequired = "interop-required"
	// RuleInteropTLP reports object_marking_refs that list more than one
	// TLP 1.0 marking.
	RuleInteropTLP = "interop-tlp"
	// RuleInteropProducer reports, in a bundle, a created_by_ref that does
	// not name an identity of the bundle which has created_by_ref itself.
	RuleInteropProducer = "interop-producer"
)

// interopRequired lists the types that the profile covers, with the
// properties it requires of each besides created_by_ref. It has the 19
// SDO and SRO types of the OASIS interop schemas (cti-stix2-json-schemas,
// interop/ folder, commit 3bf9e69 of 2025-11-05). Identity, incident, the
// meta objects and the SCOs are not covered.
//
// NOTE: the OASIS interop schemas misspell three of these names
// (architecture_exectuion_envs and capabiliites for malware,
// "external_references:" for vulnerability), so the reference validator
// rejects every malware and vulnerability in interop mode. This table uses
// the property names of STIX 2.1.
var interopRequired = map[string][]string{
	"attack-pattern":   {"external_references", "kill_chain_phases"},
	"campaign":         nil,
	"course-of-action": nil,
	"grouping":         nil,
	"indicator":        {"name", "indicator_types"},
	"infrastructure":   {"infrastructure_types"},
	"intrusion-set":    {"resource_level", "primary_motivation"},
	"location":         {"region"},
	"malware-analysis": {"version", "submitted", "analysis_started", "analysis_ended", "result"},
	"malware": {"name", "malware_types", "first_seen", "last_seen",
		"architecture_execution_envs", "implementation_languages", "capabilities"},
	"note":          nil,
	"observed-data": {"object_refs"},
	"opinion":       nil,
	"relationship":  nil,
	"report":        {"report_types"},
	"sighting":      {"first_seen", "last_seen", "count"},
	"threat-actor": {"threat_actor_types", "roles", "sophistication", "resource_level",
		"primary_motivation"},
	"tool":          {"tool_types"},
	"vulnerability": {"external_references"},
}

// interop checks one object against the profile. Only the types in
// interopRequired are checked, as in the OASIS interop schemas.
func (c *objectCheck) interop() {
	extra, covered := interopRequired[c.typ]
	if !covered {
		return
	}
	var missing []string
	for _, name := range append([]string{"created_by_ref"}, extra...) {
		if _, ok := c.obj[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		c.add(RuleInteropRequired, "", "missing "+strings.Join(missing, ", ")+
			", which the interoperability profile requires on "+c.typ+" objects: add them")
	}
	first := -1
	for i, ref := range stringList(c.obj["object_marking_refs"]) {
		if _, isTLP := tlpMarkings[ref]; !isTLP {
			continue
		}
		if first < 0 {
			first = i
			continue
		}
		c.add(RuleInteropTLP, "/object_marking_refs/"+strconv.Itoa(i), "TLP marking "+ref+
			" follows the TLP marking at index "+strconv.Itoa(first)+", but the "+
			"interoperability profile allows one TLP marking per object: keep only one")
	}
}

// producerState is the bundle state of RuleInteropProducer: the identities
// seen so far and the created_by_ref values to resolve once the bundle ends.
type producerState struct {
	// identities maps each identity id of the bundle to whether it has
	// created_by_ref. An id with several versions counts as having it only
	// when every version has it.
	identities map[string]bool
	pending    []producerRef
}

// producerRef is the created_by_ref of one object, or "" when the object
// lacks the property but the profile requires it in a bundle.
type producerRef struct {
	from, target string
	index        int
}

// recordProducer notes the identity an object names as its producer, or
// notes the object itself when it is an identity.
//
// The reference validator requires created_by_ref on every object except
// identities. This check requires it only on SDOs and SROs and checks any
// other object that has the property. STIX 2.1 defines no created_by_ref
// for SCOs, and the predefined TLP markings cannot have one, so otherwise
// a bundle with either could never pass. A missing created_by_ref on a
// type that interopRequired covers is left to RuleInteropRequired, so that
// it is reported once.
func (s *Session) recordProducer(c *objectCheck) {
	if s.producers == nil {
		s.producers = &producerState{identities: map[string]bool{}}
	}
	p := s.producers
	target, hasRef := c.obj["created_by_ref"].(string)
	if c.typ == "identity" {
		if seen, ok := p.identities[c.id]; ok {
			p.identities[c.id] = seen && hasRef
		} else {
			p.identities[c.id] = hasRef
		}
		return
	}
	if !hasRef {
		_, covered := interopRequired[c.typ]
		if _, present := c.obj["created_by_ref"]; present || covered ||
			!sdoTypes[c.typ] && !sroTypes[c.typ] {
			return
		}
	}
	p.pending = append(p.pending, producerRef{from: c.id, target: target, index: c.idx})
}

// producerFindings resolves the created_by_ref values recorded during the
// bundle.
func (s *Session) producerFindings() []Finding {
	if s.producers == nil || !s.v.active[RuleInteropProducer] {
		return nil
	}
	var out []Finding
	for _, r := range s.producers.pending {
		f := Finding{ObjectID: r.from, Index: r.index, Pointer: "/created_by_ref",
			Rule: RuleInteropProducer, Severity: SeverityError}
		hasRef, found := s.producers.identities[r.target]
		switch {
		case r.target == "":
			f.Pointer = ""
			f.Message = "the interoperability profile requires created_by_ref on every " +
				"SDO and SRO of a bundle except identities: add it"
		case !found:
			f.Message = "created_by_ref " + r.target + " is not an identity in the bundle: " +
				"the interoperability profile requires the producer identity in the bundle"
		case !hasRef:
			f.Message = "created_by_ref " + r.target + " names an identity without " +
				"created_by_ref: the interoperability profile requires it on the producer " +
				"identity too"
		default:
			continue
		}
		out = append(out, f)
	}
	return out
}
