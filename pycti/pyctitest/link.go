package pyctitest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/stix"
)

// link resolves the references of a seeded object into entity links. A
// reference to an object missing from the store is kept as a dangling STIX
// id, so toStix writes it back.
func (sd *seeder) link(e *entity, obj map[string]any) {
	obs, _ := extensionOf(obj, extObservable)
	octi, _ := extensionOf(obj, extOpenCTI)
	author := firstString(obj["created_by_ref"], obs["created_by_ref"])
	if author != "" {
		e.createdBy = sd.ref(e, "created_by_ref", author)
	}
	e.markings = sd.refs(e, "object_marking_refs", stringList(obj["object_marking_refs"]))
	labels := stringList(obj["labels"])
	if len(labels) == 0 {
		labels = stringList(obs["labels"])
	}
	e.labels = nil
	for _, l := range labels {
		e.labels = appendUnique(e.labels, sd.s.ensureLabel(l).id)
	}
	refs, _ := obj["external_references"].([]any)
	if refs == nil {
		refs, _ = obs["external_references"].([]any)
	}
	e.extRefs = nil
	for _, r := range refs {
		if m, ok := r.(map[string]any); ok {
			e.extRefs = appendUnique(e.extRefs, sd.s.ensureExternalReference(m).id)
		}
	}
	e.kcps = nil
	for _, r := range anyList(obj["kill_chain_phases"]) {
		if m, ok := r.(map[string]any); ok {
			e.kcps = appendUnique(e.kcps, sd.s.ensureKillChainPhase(m).id)
		}
	}
	if e.isContainer() {
		e.objects = sd.refs(e, "object_refs", stringList(obj["object_refs"]))
	}
	switch e.kind {
	case kindCoreRel:
		e.from = sd.end(e, "source", firstString(obj["source_ref"]), octi)
		e.to = sd.end(e, "target", firstString(obj["target_ref"]), octi)
	case kindSighting:
		e.from = sd.end(e, "sighting_of", firstString(obj["sighting_of_ref"]), octi)
		e.to = sd.end(e, "where_sighted", firstString(obj["where_sighted_refs"]), octi)
	}
	if g := stringList(octi["granted_refs"]); len(g) > 0 {
		sd.dangle(e, "granted_refs", g...)
	}
	sd.linkNestedRefs(e, obj)
}

func firstString(vals ...any) string {
	for _, v := range vals {
		if l := stringList(v); len(l) > 0 && l[0] != "" {
			return l[0]
		}
	}
	return ""
}

func appendUnique(list []string, id string) []string {
	for _, x := range list {
		if x == id {
			return list
		}
	}
	return append(list, id)
}

// ref resolves one reference, or records it as dangling under key.
func (sd *seeder) ref(e *entity, key, ref string) string {
	if id := sd.s.data.resolve(ref); id != "" {
		return id
	}
	sd.dangle(e, key, ref)
	return ""
}

func (sd *seeder) refs(e *entity, key string, refs []string) []string {
	var out []string
	for _, r := range refs {
		if id := sd.ref(e, key, r); id != "" {
			out = appendUnique(out, id)
		}
	}
	return out
}

func (sd *seeder) dangle(e *entity, key string, ids ...string) {
	if e.dangling == nil {
		e.dangling = map[string][]string{}
	}
	e.dangling[key] = append(e.dangling[key], ids...)
	sd.res.Dangling += len(ids)
}

// end resolves a relationship end. When the end is missing, the extension
// data of the platform's dialect (internal id, type, display value,
// markings) is kept for toStix.
func (sd *seeder) end(e *entity, name, ref string, octi map[string]any) string {
	if id := sd.s.data.resolve(ref); id != "" {
		return id
	}
	internal := firstString(octi[name+"_ref"], octi[name+"_refs"])
	if id := sd.s.data.resolve(internal); id != "" {
		return id
	}
	if e.extEnds == nil {
		e.extEnds = map[string]any{}
	}
	markings := octi[name+"_ref_object_marking_refs"]
	if name == "where_sighted" {
		markings = octi["where_sighted_refs_object_marking_refs"]
	}
	e.extEnds[name] = map[string]any{"ref": ref, "id": internal,
		"type":  firstString(octi[name+"_type"], octi[name+"_types"]),
		"value": firstString(octi[name+"_value"], octi[name+"_values"]), "markings": markings}
	sd.res.Dangling++
	return internal
}

// linkNestedRefs turns every other *_ref and *_refs key into nested ref
// relationships (stix-ref-relationship), as the platform stores them.
func (sd *seeder) linkNestedRefs(e *entity, obj map[string]any) {
	for _, r := range slices.Clone(sd.s.data.refsOf[e.id]) {
		sd.s.data.remove(r)
	}
	for k, v := range obj {
		if refKeysHandledElsewhere[k] {
			continue
		}
		relType := refTypeOf(k)
		if relType == "" {
			continue
		}
		for _, target := range stringList(v) {
			if !strings.Contains(target, "--") {
				continue
			}
			to := sd.s.data.resolve(target)
			if to == "" {
				sd.dangle(e, k, target)
				continue
			}
			r := newEntity(kindRefRel, relType, uuid.NewString(), stix.NewID("relationship-meta"))
			r.fields["relationship_type"] = relType
			r.fields["created_at"], r.fields["updated_at"] = e.fields["created_at"], e.fields["updated_at"]
			r.from, r.to = e.id, to
			sd.s.data.insert(r)
		}
	}
}

// ensureLabel returns the label with the given value, creating it.
func (s *Server) ensureLabel(value string) *entity {
	std, err := pycti.StandardID(typeLabel, map[string]any{"value": value})
	if err != nil {
		std = stix.NewID("label")
	}
	if e := s.data.get(std); e != nil {
		return e
	}
	e := newEntity(kindLabel, typeLabel, uuid.NewString(), std)
	e.fields["value"] = value
	e.fields["color"] = "#000000"
	s.stampNew(e)
	s.data.insert(e)
	return e
}

// ensureExternalReference returns the external reference with the same
// url (or source name and external id), creating it.
func (s *Server) ensureExternalReference(m map[string]any) *entity {
	std, err := pycti.StandardID(typeExternalRef, m)
	if err != nil {
		// The platform rejects a reference with only a source name, but
		// seeded bundles may carry one: it gets a random id.
		std = stix.NewID("external-reference")
	}
	if e := s.data.get(std); e != nil {
		return e
	}
	e := newEntity(kindExternalRef, typeExternalRef, uuid.NewString(), std)
	for _, k := range []string{"source_name", "description", "url", "external_id"} {
		if v, ok := m[k]; ok {
			e.fields[k] = v
		}
	}
	if h, ok := m["hashes"].(map[string]any); ok {
		for _, alg := range sortedKeys(h) {
			e.fields["hash"] = fmt.Sprint(h[alg])
			break
		}
	}
	s.stampNew(e)
	s.data.insert(e)
	return e
}

// ensureKillChainPhase returns the kill chain phase with the same name and
// phase, creating it.
func (s *Server) ensureKillChainPhase(m map[string]any) *entity {
	std, err := pycti.StandardID(typeKillChainPhase, m)
	if err != nil {
		std = stix.NewID("kill-chain-phase")
	}
	if e := s.data.get(std); e != nil {
		return e
	}
	e := newEntity(kindKillChainPhase, typeKillChainPhase, uuid.NewString(), std)
	e.fields["kill_chain_name"] = m["kill_chain_name"]
	e.fields["phase_name"] = m["phase_name"]
	e.fields["x_opencti_order"] = 0
	if o, ok := m["x_opencti_order"]; ok {
		e.fields["x_opencti_order"] = o
	}
	s.stampNew(e)
	s.data.insert(e)
	return e
}

// stampNew sets the timestamps and creator of a new entity.
func (s *Server) stampNew(e *entity) {
	now := isoTime(s.cfg.clock())
	e.fields["created_at"], e.fields["updated_at"] = now, now
	if _, ok := e.fields["created"]; !ok && e.kind != kindSCO {
		e.fields["created"], e.fields["modified"] = now, now
	}
	e.fields["creator_id"] = []any{AdminID}
	e.fields["is_inferred"] = false
}
