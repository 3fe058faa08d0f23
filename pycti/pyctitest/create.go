package pyctitest

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
	"github.com/opencti-go/sdk/pycti/pyctitest/internal/stixid"
)

// createSpec describes one xxxAdd mutation: the entity type it creates,
// or "" when the input's "type" field names it.
type createSpec struct {
	entityType string
	kind       kind
}

var createMutations = map[string]createSpec{
	"malwareAdd": {"Malware", kindSDO}, "indicatorAdd": {"Indicator", kindSDO},
	"reportAdd": {"Report", kindSDO}, "identityAdd": {"", kindSDO},
	"intrusionSetAdd": {"Intrusion-Set", kindSDO}, "attackPatternAdd": {"Attack-Pattern", kindSDO},
	"vulnerabilityAdd": {"Vulnerability", kindSDO}, "threatActorGroupAdd": {"Threat-Actor-Group", kindSDO},
	"campaignAdd": {"Campaign", kindSDO}, "toolAdd": {"Tool", kindSDO}, "locationAdd": {"", kindSDO},
	"noteAdd": {"Note", kindSDO}, "stixCyberObservableAdd": {"", kindSCO},
	"stixCoreRelationshipAdd":     {"", kindCoreRel},
	"stixSightingRelationshipAdd": {typeSighting, kindSighting},
	"labelAdd":                    {typeLabel, kindLabel}, "externalReferenceAdd": {typeExternalRef, kindExternalRef},
	"markingDefinitionAdd": {typeMarking, kindMarking},
}

// Static ids of the TLP markings, shared by every platform.
var tlpIDs = map[string]string{
	"TLP:CLEAR":        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
	"TLP:WHITE":        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
	"TLP:GREEN":        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
	"TLP:AMBER":        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
	"TLP:AMBER+STRICT": "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
	"TLP:RED":          "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}

// refInputs are the input fields that link to other entities.
var refInputs = map[string]bool{"createdBy": true, "objectMarking": true, "objectLabel": true,
	"externalReferences": true, "killChainPhases": true, "objects": true, "fromId": true,
	"toId": true, "stix_id": true, "update": true, "type": true, "clientMutationId": true,
	"file": true, "files": true, "filesMarkings": true, "x_opencti_stix_ids": true}

func (s *Server) createRoot(spec createSpec) rootFunc {
	return func(_ context.Context, rc *requestContext, f *gqlexec.Field) (any, error) {
		in, _ := f.Args["input"].(map[string]any)
		if in == nil {
			in = map[string]any{}
		}
		if spec.kind == kindSCO {
			in = observableInput(f.Args)
		}
		return s.create(rc, spec, in)
	}
}

// observableInput merges stixCyberObservableAdd's per-type input object
// (for example IPv4Addr: {value}) with its common arguments.
func observableInput(args map[string]any) map[string]any {
	in := map[string]any{}
	for k, v := range args {
		if m, ok := v.(map[string]any); ok && k != "type" {
			for ik, iv := range m {
				in[ik] = iv
			}
			continue
		}
		in[k] = v
	}
	return in
}

// create makes an entity from a GraphQL input, or updates the entity that
// already has the same standard id (upsert), as the platform does.
func (s *Server) create(rc *requestContext, spec createSpec, in map[string]any) (any, error) {
	entityType := spec.entityType
	if spec.kind == kindCoreRel {
		entityType, _ = in["relationship_type"].(string)
	}
	if entityType == "" {
		t, _ := in["type"].(string)
		ti := lookupType(t)
		if ti == nil || ti.kind != spec.kind {
			return nil, errFunctional(fmt.Sprintf("invalid type %q for this mutation", t))
		}
		entityType = ti.entityType
	}
	e := newEntity(spec.kind, entityType, uuid.NewString(), "")
	for k, v := range in {
		if !refInputs[k] && v != nil {
			e.fields[k] = v
		}
	}
	if err := s.linkInput(e, in); err != nil {
		return nil, err
	}
	e.standardID = s.standardIDOf(e)
	if e.standardID == "" {
		return nil, errFunctional(fmt.Sprintf("missing required elements to create %s", entityType))
	}
	e.fields["standard_id"] = e.standardID
	if sid, _ := in["stix_id"].(string); sid != "" && sid != e.standardID {
		e.fields["x_opencti_stix_ids"] = []any{sid}
	}
	if old := s.data.get(e.standardID); old != nil {
		return s.upsert(old, e), nil
	}
	s.stampNew(e)
	e.fields["creator_id"] = []any{rc.caller.user.ID}
	if e.kind == kindMarking {
		setMarkingDefaults(e)
	}
	if e.kind == kindSCO {
		e.fields["observable_value"] = observableValue(e)
	}
	if e.kind == kindSDO && e.entityType == typeMalware {
		if _, ok := e.fields["is_family"]; !ok {
			e.fields["is_family"] = true
		}
	}
	s.data.insert(e)
	return e, nil
}

// upsert merges the attributes and links of e into old.
func (s *Server) upsert(old, e *entity) *entity {
	for k, v := range e.fields {
		if k != "id" && k != "standard_id" {
			old.fields[k] = v
		}
	}
	if e.createdBy != "" {
		old.createdBy = e.createdBy
	}
	for _, pair := range [][2]*[]string{{&old.markings, &e.markings}, {&old.labels, &e.labels},
		{&old.extRefs, &e.extRefs}, {&old.kcps, &e.kcps}, {&old.objects, &e.objects}} {
		for _, id := range *pair[1] {
			*pair[0] = appendUnique(*pair[0], id)
		}
	}
	old.fields["updated_at"] = isoTime(s.cfg.clock())
	s.data.index(old)
	s.data.version++
	return old
}

func (s *Server) linkInput(e *entity, in map[string]any) error {
	resolve := func(key string) ([]string, error) {
		var out []string
		for _, ref := range stringList(in[key]) {
			id := s.data.resolve(ref)
			if id == "" && key == "objectLabel" {
				id = s.ensureLabel(ref).id
			}
			if id == "" {
				return nil, gqlexec.NewError("MISSING_REFERENCE_ERROR", "Element(s) not found",
					map[string]any{"http_status": 404, "genre": "BUSINESS", "input": ref})
			}
			out = append(out, id)
		}
		return out, nil
	}
	targets := map[string]*[]string{"objectMarking": &e.markings, "objectLabel": &e.labels,
		"externalReferences": &e.extRefs, "killChainPhases": &e.kcps, "objects": &e.objects}
	for key, target := range targets {
		ids, err := resolve(key)
		if err != nil {
			return err
		}
		*target = ids
	}
	for key, target := range map[string]*string{"createdBy": &e.createdBy, "fromId": &e.from, "toId": &e.to} {
		ids, err := resolve(key)
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			*target = ids[0]
		}
	}
	return nil
}

func norm(v any) string {
	s, _ := v.(string)
	return strings.ToLower(strings.TrimSpace(s))
}

// standardIDOf computes the platform's deterministic id of a new entity
// from its contributing properties.
func (s *Server) standardIDOf(e *entity) string {
	props := map[string]any{}
	put := func(k string, v any) {
		if !isEmptyValue(v) {
			props[k] = v
		}
	}
	st := stixTypeOf(e)
	switch e.kind {
	case kindMarking:
		def := strings.ToUpper(e.str("definition"))
		if id, ok := tlpIDs[def]; ok && strings.EqualFold(e.str("definition_type"), "TLP") {
			return id
		}
		put("definition", def)
		put("definition_type", strings.ToUpper(e.str("definition_type")))
	case kindLabel:
		put("value", norm(e.fields["value"]))
	case kindExternalRef:
		if e.str("url") != "" {
			put("url", e.str("url"))
		} else {
			put("source_name", e.str("source_name"))
			put("external_id", e.str("external_id"))
		}
	case kindCoreRel:
		from, to := s.data.get(e.from), s.data.get(e.to)
		if from == nil || to == nil {
			return ""
		}
		put("relationship_type", e.entityType)
		put("source_ref", from.standardID)
		put("target_ref", to.standardID)
	case kindSighting:
		from, to := s.data.get(e.from), s.data.get(e.to)
		if from == nil || to == nil {
			return ""
		}
		props = map[string]any{"type": "sighting", "sighting_of_ref": from.standardID,
			"where_sighted_refs": []any{to.standardID}}
	case kindSCO:
		for _, k := range []string{"value", "name", "path", "number", "iban", "card_number"} {
			put(k, e.fields[k])
			if len(props) > 0 {
				break
			}
		}
		if len(props) == 0 {
			if h := hashesDict(e.fields["hashes"]); h != nil {
				props["hashes"] = h
			}
		}
	default:
		s.domainIDProps(e, put)
	}
	return stixid.FromProperties(st, props)
}

func (s *Server) domainIDProps(e *entity, put func(string, any)) {
	switch {
	case e.entityType == typeIndicator:
		put("pattern", strings.TrimSpace(e.str("pattern")))
	case e.entityType == typeReport:
		put("name", norm(e.fields["name"]))
		put("published", e.fields["published"])
	case e.entityType == "Note":
		put("content", e.fields["content"])
	case e.entityType == "Attack-Pattern" && e.str("x_mitre_id") != "":
		put("x_mitre_id", norm(e.fields["x_mitre_id"]))
	case e.isA(typeIdentity):
		put("name", norm(e.fields["name"]))
		class := e.str("identity_class")
		if class == "" {
			class = map[string]string{"Organization": "organization", "Individual": "individual",
				"Sector": "class", "System": "system"}[e.entityType]
			e.fields["identity_class"] = class
		}
		put("identity_class", norm(class))
	case e.isA(typeLocation):
		put("name", norm(e.fields["name"]))
		put("x_opencti_location_type", e.entityType)
		e.fields["x_opencti_location_type"] = e.entityType
	case e.isA(typeThreatActor):
		put("name", norm(e.fields["name"]))
		put("opencti_type", e.entityType)
	default:
		put("name", norm(e.fields["name"]))
	}
}
