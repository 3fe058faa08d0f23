package pyctitest

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
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
	"killChainPhaseAdd":    {typeKillChainPhase, kindKillChainPhase},
}

// Mutations of the platform's full schema that create one domain type
// each. They serve tests that start the server WithSchema.
func init() {
	for name, entityType := range map[string]string{
		"caseIncidentAdd": "Case-Incident", "caseRfiAdd": "Case-Rfi", "caseRftAdd": "Case-Rft",
		"feedbackAdd": "Feedback", "taskAdd": "Task", "groupingAdd": "Grouping",
		"incidentAdd": "Incident", "malwareAnalysisAdd": "Malware-Analysis",
		"courseOfActionAdd": "Course-Of-Action", "infrastructureAdd": "Infrastructure",
		"channelAdd": "Channel", "eventAdd": "Event", "languageAdd": "Language",
		"narrativeAdd": "Narrative", "dataComponentAdd": "Data-Component",
		"dataSourceAdd": "Data-Source", "opinionAdd": "Opinion", "observedDataAdd": "Observed-Data",
		"threatActorIndividualAdd": "Threat-Actor-Individual", "organizationAdd": "Organization",
		"securityPlatformAdd": "SecurityPlatform", "individualAdd": "Individual",
		"sectorAdd": "Sector", "systemAdd": "System", "cityAdd": "City", "countryAdd": "Country",
		"regionAdd": "Region", "positionAdd": "Position",
		"administrativeAreaAdd": "Administrative-Area",
	} {
		createMutations[name] = createSpec{entityType, kindSDO}
	}
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
	std, err := s.standardIDOf(e)
	if err != nil {
		return nil, err
	}
	e.standardID = std
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

// standardIDOf computes the platform's standard id of a new entity from
// its contributing properties, with the fields the platform derives from
// the entity type set first. When the properties cannot form an id, it
// returns the functional error the platform returns.
func (s *Server) standardIDOf(e *entity) (string, error) {
	var id string
	var err error
	switch e.kind {
	case kindCoreRel, kindSighting:
		from, to := s.data.get(e.from), s.data.get(e.to)
		if from == nil || to == nil {
			return "", errFunctional(fmt.Sprintf("missing required elements to create %s: "+
				"set fromId and toId", e.entityType))
		}
		if e.kind == kindSighting {
			id, err = pycti.SightingStandardID(from.standardID, to.standardID,
				timeField(e, "first_seen"), timeField(e, "last_seen"))
		} else {
			id, err = pycti.RelationshipStandardID(e.entityType, from.standardID, to.standardID,
				timeField(e, "start_time"), timeField(e, "stop_time"))
		}
	default:
		setDerivedFields(e)
		id, err = pycti.StandardID(e.entityType, s.idProperties(e))
	}
	if err != nil {
		return "", errFunctional(fmt.Sprintf("missing required elements to create %s: %v",
			e.entityType, err))
	}
	return id, nil
}

// setDerivedFields sets the fields the platform derives from an entity's
// type when it creates the entity.
func setDerivedFields(e *entity) {
	switch {
	case e.isA(typeIdentity):
		class := strings.ToLower(e.entityType)
		if e.entityType == "Sector" {
			class = "class"
		}
		e.fields["identity_class"] = class
	case e.isA(typeLocation):
		e.fields["x_opencti_location_type"] = e.entityType
	}
}

// idProperties returns the entity's fields with its references written as
// the standard ids the platform resolves them to.
func (s *Server) idProperties(e *entity) map[string]any {
	props := maps.Clone(e.fields)
	if len(e.objects) > 0 {
		var refs []string
		for _, id := range e.objects {
			if x := s.data.get(id); x != nil {
				refs = append(refs, x.standardID)
			}
		}
		props["objects"] = refs
	}
	return props
}

// timeField returns a date field as a time, or the zero time when it is
// unset or not a date.
func timeField(e *entity, key string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, e.str(key))
	return t
}
