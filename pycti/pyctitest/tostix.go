package pyctitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// internalFields are entity fields that toStix writes in fixed places or
// not at all.
var internalFields = map[string]bool{
	"id": true, "standard_id": true, "entity_type": true, "parent_types": true,
	"created_at": true, "updated_at": true, "spec_version": true, "x_opencti_stix_ids": true,
	"creator_id": true, "is_inferred": true, "observable_value": true, "hashes": true,
	"relationship_type": true, "x_opencti_order": true, "x_opencti_color": true,
}

// renamedFields maps GraphQL attribute names to their STIX names.
var renamedFields = map[string]string{
	"attribute_abstract": "abstract", "attribute_key": "key", "attribute_date": "date",
	"attribute_count": "count",
}

// toStixString returns the platform's STIX 2.1 form of e for the user, as
// the toStix field does: a JSON object in the platform's own dialect.
func (s *Server) toStixString(p *principal, e *entity) (any, error) {
	obj, err := s.toStix(p, e)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return nil, fmt.Errorf("encode STIX of %s: %w", e.id, err)
	}
	return strings.TrimSuffix(buf.String(), "\n"), nil
}

// stixTypeOf returns the STIX type the platform writes for e.
func stixTypeOf(e *entity) string {
	switch e.kind {
	case kindCoreRel:
		return "relationship"
	case kindSighting:
		return "sighting"
	case kindRefRel:
		return "relationship"
	case kindSDO:
		return sdoStixType(e.entityType)
	}
	if ti := lookupType(e.entityType); ti != nil {
		return ti.stixType
	}
	return strings.ToLower(e.entityType)
}

// toStix converts e. Refs to objects the user may not see are left out.
func (s *Server) toStix(p *principal, e *entity) (map[string]any, error) {
	st := stixTypeOf(e)
	out := map[string]any{"id": e.standardID, "type": st, "spec_version": "2.1"}
	if v, ok := e.fields["spec_version"].(string); ok && v != "" {
		out["spec_version"] = v
	}
	octi := s.openCTIExtension(e, st)
	obs := map[string]any{}
	mitre := map[string]any{}
	sco := e.kind == kindSCO
	for k, v := range e.fields {
		if internalFields[k] || isEmptyValue(v) || isSentinel(k, v) {
			continue
		}
		if e.kind == kindSighting && k == "x_opencti_negative" {
			octi["negative"] = v
			continue
		}
		if n, ok := renamedFields[k]; ok {
			k = n
		}
		switch {
		case sco && (k == "x_opencti_description" || k == "x_opencti_score"):
			obs[strings.TrimPrefix(k, "x_opencti_")] = v
		case strings.HasPrefix(k, "x_opencti_"):
			octi[strings.TrimPrefix(k, "x_opencti_")] = v
		case strings.HasPrefix(k, "x_mitre_"):
			mitre[strings.TrimPrefix(k, "x_mitre_")] = v
		case e.kind == kindMarking:
			continue
		case isTopLevel(e, st, k):
			out[k] = v
		default:
			octi[k] = v
		}
	}
	if h := hashesDict(e.fields["hashes"]); h != nil {
		out["hashes"] = h
	}
	s.writeCommonRefs(p, e, out, obs, octi)
	if err := s.writeRelationshipRefs(e, out, octi); err != nil {
		return nil, err
	}
	s.writeNestedRefs(p, e, st, out)
	if e.kind == kindMarking {
		writeMarking(e, out, octi)
	}
	exts := map[string]any{extOpenCTI: octi}
	if sco {
		obs["extension_type"] = "property-extension"
		if stixProps[st] == nil {
			obs["extension_type"] = "new-sco"
		}
		exts[extObservable] = obs
	}
	if len(mitre) > 0 {
		mitre["extension_type"] = "property-extension"
		exts[extMITRE] = mitre
	}
	for k, v := range e.stixExtra {
		if k == "extensions" {
			if m, ok := v.(map[string]any); ok {
				for ek, ev := range m {
					exts[ek] = ev
				}
			}
			continue
		}
		out[k] = v
	}
	out["extensions"] = exts
	restoreEmptyKeys(e, out, octi)
	return out, nil
}

func isTopLevel(e *entity, stixType, key string) bool {
	props, standard := stixProps[stixType]
	if !standard || (e.kind == kindSDO && !propertyExtensionSDOs[stixType]) {
		return true
	}
	switch key {
	case "created", "modified", "revoked", "confidence", "lang", "defanged",
		"description", "start_time", "stop_time", "first_seen", "last_seen":
		return e.kind != kindSCO || slices.Contains(props, key)
	}
	return slices.Contains(props, key)
}

func (s *Server) openCTIExtension(e *entity, stixType string) map[string]any {
	octi := map[string]any{"extension_type": "property-extension", "id": e.id, "type": e.entityType}
	switch e.kind {
	case kindSDO:
		if !propertyExtensionSDOs[stixType] {
			octi["extension_type"] = "new-sdo"
		}
	case kindCoreRel:
		if !stixRelationshipTypes[e.entityType] {
			octi["extension_type"] = "new-sro"
		}
	}
	for _, k := range []string{"created_at", "updated_at"} {
		if v := e.str(k); v != "" {
			octi[k] = v
		}
	}
	if ids := stringList(e.fields["x_opencti_stix_ids"]); len(ids) > 0 {
		octi["stix_ids"] = ids
	}
	if v, ok := e.fields["is_inferred"]; ok {
		octi["is_inferred"] = v
	}
	if ids := stringList(e.fields["creator_id"]); len(ids) > 0 {
		octi["creator_ids"] = ids
	}
	maps.Copy(octi, e.octiExt)
	if len(e.files) > 0 {
		var files []any
		for _, f := range e.files {
			entry := map[string]any{"name": f.Name, "uri": "/storage/get/" + f.ID,
				"version": isoTime(f.Version), "mime_type": f.MimeType}
			if len(f.Markings) > 0 {
				entry["object_marking_refs"] = s.standardIDs(f.Markings)
			}
			files = append(files, entry)
		}
		octi["files"] = files
	}
	return octi
}

// writeCommonRefs writes author, markings, labels, external references,
// kill chain phases and container members. Observables carry author,
// labels and external references in the observable extension.
func (s *Server) writeCommonRefs(p *principal, e *entity, out, obs, octi map[string]any) {
	meta := out
	if e.kind == kindSCO {
		meta = obs
	}
	if a := s.data.get(e.createdBy); a != nil && s.visible(p, a) {
		meta["created_by_ref"] = a.standardID
	} else if d := e.dangling["created_by_ref"]; len(d) > 0 {
		meta["created_by_ref"] = d[0]
	}
	if m := s.refList(p, e.markings, e.dangling["object_marking_refs"]); len(m) > 0 {
		out["object_marking_refs"] = m
	}
	var labels []string
	for _, l := range s.visibleList(p, e.labels) {
		labels = append(labels, l.str("value"))
	}
	if len(labels) > 0 {
		meta["labels"] = labels
	}
	var refs []any
	for _, r := range s.visibleList(p, e.extRefs) {
		refs = append(refs, externalReferenceSTIX(r))
	}
	if len(refs) > 0 {
		meta["external_references"] = refs
	}
	var kcps []any
	for _, k := range s.visibleList(p, e.kcps) {
		kcps = append(kcps, map[string]any{"kill_chain_name": k.str("kill_chain_name"),
			"phase_name": k.str("phase_name")})
	}
	if len(kcps) > 0 {
		out["kill_chain_phases"] = kcps
	}
	if e.isContainer() {
		if m := s.refList(p, e.objects, e.dangling["object_refs"]); len(m) > 0 {
			out["object_refs"] = m
		}
	}
	if g := s.refList(p, nil, e.dangling["granted_refs"]); len(g) > 0 {
		octi["granted_refs"] = g
	}
}

// refList returns the standard ids of the visible entities among ids,
// followed by the dangling STIX ids.
func (s *Server) refList(p *principal, ids, dangling []string) []string {
	var out []string
	for _, x := range s.visibleList(p, ids) {
		if x.standardID != "" {
			out = append(out, x.standardID)
		}
	}
	return append(out, dangling...)
}

func (s *Server) standardIDs(ids []string) []string {
	var out []string
	for _, id := range ids {
		if e := s.data.get(id); e != nil {
			out = append(out, e.standardID)
		}
	}
	return out
}

func externalReferenceSTIX(r *entity) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"source_name", "description", "url", "external_id"} {
		if v := r.str(k); v != "" {
			out[k] = v
		}
	}
	if h := r.str("hash"); h != "" {
		out["hashes"] = map[string]any{"SHA-256": h}
	}
	return out
}

// writeRelationshipRefs writes the ends of a relationship or sighting at
// the top level (standard ids) and in the extension (internal ids, types,
// display values and the ends' markings). Conversion fails when an end
// cannot be resolved, as on the platform.
func (s *Server) writeRelationshipRefs(e *entity, out, octi map[string]any) error {
	if e.kind != kindCoreRel && e.kind != kindSighting && e.kind != kindRefRel {
		return nil
	}
	type end struct{ top, ext string }
	names := [2]end{{"source_ref", "source"}, {"target_ref", "target"}}
	if e.kind == kindSighting {
		names = [2]end{{"sighting_of_ref", "sighting_of"}, {"where_sighted_refs", "where_sighted"}}
	}
	for i, id := range []string{e.from, e.to} {
		n := names[i]
		x := s.data.get(id)
		var ref, internal, typ, value string
		var markings []string
		switch {
		case x != nil:
			ref, internal, typ, value, markings = x.standardID, x.id, x.entityType, x.representative(), x.markings
			if value == "Unknown" {
				// The platform's converter writes the standard id for an end
				// whose display name is the placeholder "Unknown".
				value = x.standardID
			}
		case e.extEnds[n.ext] != nil:
			d, _ := e.extEnds[n.ext].(map[string]any)
			ref, _ = d["ref"].(string)
			internal, _ = d["id"].(string)
			typ, _ = d["type"].(string)
			value, _ = d["value"].(string)
			markings = stringList(d["markings"])
		default:
			return fmt.Errorf("convert %s to STIX: %s %q not found", e.id, n.ext, id)
		}
		if e.kind == kindSighting && i == 1 {
			out[n.top] = []string{ref}
			octi["where_sighted_refs"] = nonEmpty(internal)
			octi["where_sighted_types"] = nonEmpty(typ)
			octi["where_sighted_values"] = nonEmpty(value)
			if len(markings) > 0 {
				octi["where_sighted_refs_object_marking_refs"] = markings
			}
			continue
		}
		out[n.top] = ref
		if internal != "" {
			octi[n.ext+"_ref"] = internal
		}
		if typ != "" {
			octi[n.ext+"_type"] = typ
		}
		if value != "" {
			octi[n.ext+"_value"] = value
		}
		if len(markings) > 0 {
			octi[n.ext+"_ref_object_marking_refs"] = markings
		}
	}
	if e.kind != kindSighting {
		out["relationship_type"] = e.entityType
	}
	return nil
}

// writeNestedRefs writes the *_ref and *_refs keys of the nested ref
// relationships that start at e.
func (s *Server) writeNestedRefs(p *principal, e *entity, stixType string, out map[string]any) {
	for _, r := range s.data.refsOf[e.id] {
		x := s.data.get(r.to)
		if x == nil || !s.visible(p, x) {
			continue
		}
		key := refKeyOf(r.entityType, stixType)
		if strings.HasSuffix(key, "_refs") {
			list, _ := out[key].([]string)
			out[key] = append(list, x.standardID)
		} else {
			out[key] = x.standardID
		}
	}
	for key, ids := range e.dangling {
		if refKeysHandledElsewhere[key] || len(ids) == 0 {
			continue
		}
		if strings.HasSuffix(key, "_refs") {
			list, _ := out[key].([]string)
			out[key] = append(list, ids...)
		} else if _, set := out[key]; !set {
			out[key] = ids[0]
		}
	}
}

func writeMarking(e *entity, out, octi map[string]any) {
	out["name"] = e.str("definition")
	out["definition_type"] = e.str("definition_type")
	for _, k := range []string{"created", "modified"} {
		if v := e.str(k); v != "" {
			out[k] = v
		}
	}
	if v, ok := e.fields["x_opencti_order"]; ok {
		octi["order"] = v
	}
	if v, ok := e.fields["x_opencti_color"]; ok && v != "" {
		octi["color"] = v
	}
	delete(out, "definition")
}

func restoreEmptyKeys(e *entity, out, octi map[string]any) {
	for key := range e.emptyKeys {
		target, k := out, key
		if rest, ok := strings.CutPrefix(key, "ext:"); ok {
			target, k = octi, rest
		}
		if _, set := target[k]; !set {
			target[k] = []any{}
		}
	}
}

func hashesDict(v any) map[string]any {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil
	}
	out := map[string]any{}
	for _, item := range list {
		if m, ok := item.(map[string]any); ok {
			alg, _ := m["algorithm"].(string)
			h, _ := m["hash"].(string)
			if alg != "" && h != "" {
				out[alg] = h
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func isEmptyValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case []string:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

func isSentinel(key string, v any) bool {
	switch key {
	case "first_seen", "start_time":
		return v == sentinelStart
	case "last_seen", "stop_time":
		return v == sentinelStop
	}
	return false
}

// ToStix returns the platform's STIX form of the object known by id (an
// internal, standard or other STIX id), as the administrator sees it.
func (s *Server) ToStix(id string) (json.RawMessage, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	e := s.data.get(id)
	if e == nil {
		return nil, fmt.Errorf("pyctitest: object %q not found: seed it first", id)
	}
	v, err := s.toStixString(s.principalOf(s.users[AdminID]), e)
	if err != nil {
		return nil, err
	}
	return json.RawMessage(v.(string)), nil
}
