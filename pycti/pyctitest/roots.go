package pyctitest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// anyType is the base type of the roots that return any object or
// relationship.
const anyType = "*"

// readers maps the by-id root fields to the type every result must have.
var readers = map[string]string{
	"stixCoreObject": typeStixCoreObject, "stixDomainObject": typeStixDomain,
	"stixCyberObservable": typeStixCyber, "stixCoreRelationship": typeCoreRel,
	"stixSightingRelationship": typeSighting, "stixRefRelationship": typeRefRel,
	"stixRelationship": typeStixRel, "stixObjectOrStixRelationship": anyType,
	"markingDefinition": typeMarking, "label": typeLabel, "externalReference": typeExternalRef,
	"killChainPhase": typeKillChainPhase, "identity": typeIdentity, "location": typeLocation,
	"threatActor": typeThreatActor, "container": typeContainer, "case": typeCase,
	"attackPattern": "Attack-Pattern", "campaign": "Campaign", "caseIncident": "Case-Incident",
	"caseRfi": "Case-Rfi", "caseRft": "Case-Rft", "channel": "Channel",
	"courseOfAction": "Course-Of-Action", "dataComponent": "Data-Component",
	"dataSource": "Data-Source", "event": "Event", "feedback": "Feedback", "grouping": "Grouping",
	"incident": "Incident", "indicator": "Indicator", "infrastructure": "Infrastructure",
	"intrusionSet": "Intrusion-Set", "language": "Language", "malware": "Malware",
	"malwareAnalysis": "Malware-Analysis", "narrative": "Narrative", "note": "Note",
	"observedData": "Observed-Data", "opinion": "Opinion", "report": "Report",
	"securityCoverage": "Security-Coverage", "task": "Task",
	"threatActorGroup": "Threat-Actor-Group", "threatActorIndividual": "Threat-Actor-Individual",
	"tool": "Tool", "vulnerability": "Vulnerability", "organization": "Organization",
	"sector": "Sector", "individual": "Individual", "system": "System", "country": "Country",
	"region": "Region", "city": "City", "position": "Position",
	"administrativeArea": "Administrative-Area", "securityPlatform": "SecurityPlatform",
}

// listers maps the list root fields to the type every result must have.
var listers = map[string]string{
	"stixCoreObjects": typeStixCoreObject, "stixDomainObjects": typeStixDomain,
	"stixCyberObservables": typeStixCyber, "stixCoreRelationships": typeCoreRel,
	"stixSightingRelationships": typeSighting, "stixNestedRefRelationships": typeRefRel,
	"stixRefRelationships": typeRefRel, "stixRelationships": typeStixRel,
	"stixObjectOrStixRelationships": anyType, "markingDefinitions": typeMarking,
	"labels": typeLabel, "externalReferences": typeExternalRef,
	"killChainPhases": typeKillChainPhase, "identities": typeIdentity, "locations": typeLocation,
	"threatActors": typeThreatActor, "containers": typeContainer, "cases": typeCase,
	"attackPatterns": "Attack-Pattern", "campaigns": "Campaign", "caseIncidents": "Case-Incident",
	"caseRfis": "Case-Rfi", "caseRfts": "Case-Rft", "channels": "Channel",
	"coursesOfAction": "Course-Of-Action", "dataComponents": "Data-Component",
	"dataSources": "Data-Source", "events": "Event", "feedbacks": "Feedback",
	"groupings": "Grouping", "incidents": "Incident", "indicators": "Indicator",
	"infrastructures": "Infrastructure", "intrusionSets": "Intrusion-Set", "languages": "Language",
	"malwares": "Malware", "malwareAnalyses": "Malware-Analysis", "narratives": "Narrative",
	"notes": "Note", "observedDatas": "Observed-Data", "opinions": "Opinion", "reports": "Report",
	"securityCoverages": "Security-Coverage", "tasks": "Task",
	"threatActorsGroup": "Threat-Actor-Group", "threatActorsIndividuals": "Threat-Actor-Individual",
	"tools": "Tool", "vulnerabilities": "Vulnerability", "organizations": "Organization",
	"sectors": "Sector", "individuals": "Individual", "systems": "System", "countries": "Country",
	"regions": "Region", "cities": "City", "positions": "Position",
	"administrativeAreas": "Administrative-Area", "securityPlatforms": "SecurityPlatform",
}

func (s *Server) queryRoots() map[string]rootFunc {
	roots := map[string]rootFunc{
		"about":    s.about,
		"me":       s.me,
		"settings": s.settings,
		"stix": func(_ context.Context, rc *requestContext, f *gqlexec.Field) (any, error) {
			e := s.data.get(strArg(f.Args, "id"))
			if e == nil || !s.visible(rc.user, e) {
				return nil, nil
			}
			return s.toStixString(rc.user, e)
		},
		"connector": func(_ context.Context, _ *requestContext, f *gqlexec.Field) (any, error) {
			c := s.connectors[strArg(f.Args, "id")]
			if c == nil {
				return nil, nil
			}
			return s.connectorValue(c), nil
		},
		"connectors": func(context.Context, *requestContext, *gqlexec.Field) (any, error) {
			var out []any
			for _, c := range s.connectors {
				out = append(out, s.connectorValue(c))
			}
			return out, nil
		},
		"work": func(_ context.Context, _ *requestContext, f *gqlexec.Field) (any, error) {
			w := s.works[strArg(f.Args, "id")]
			if w == nil {
				return nil, nil
			}
			return workValue(w), nil
		},
		"works": s.listWorks,
	}
	for name, base := range readers {
		roots[name] = s.reader(base)
	}
	for name, base := range listers {
		roots[name] = s.lister(base)
	}
	return roots
}

func (s *Server) reader(base string) rootFunc {
	return func(_ context.Context, rc *requestContext, f *gqlexec.Field) (any, error) {
		e := s.data.get(strArg(f.Args, "id"))
		if e == nil || (base != anyType && !e.isA(base)) || !s.visible(rc.user, e) {
			return nil, nil
		}
		return e, nil
	}
}

func (s *Server) lister(base string) rootFunc {
	return func(_ context.Context, rc *requestContext, f *gqlexec.Field) (any, error) {
		q, err := listArgs(base, f.Args)
		if err != nil {
			return nil, err
		}
		if err := s.checkFilterKeys(q.filters); err != nil {
			return nil, err
		}
		if err := s.checkOperators(q.filters, s.cfg.clock()); err != nil {
			return nil, err
		}
		if times := q.filters.withinValues(); len(times) > 0 {
			q.rawFilter += fmt.Sprint(times)
		}
		if base == anyType {
			q.base = ""
			q.extra = func(*entity) bool { return true }
		}
		return s.page(s.runAny(rc.user, q), f.Args, nil)
	}
}

// runAny runs q; an empty base matches every object and relationship.
func (s *Server) runAny(p *principal, q *listQuery) []*entity {
	if q.base != "" {
		return s.run(p, q)
	}
	var out []*entity
	cands := s.candidates(&listQuery{filters: q.filters, relArgs: q.relArgs, types: q.types})
	if q.filters.idsOf() == nil && len(q.relArgs) == 0 && len(q.types) != 1 {
		cands = s.allEntities()
	}
	for _, e := range cands {
		q.base = e.entityType
		if s.selects(p, q, e) {
			out = append(out, e)
		}
	}
	q.base = ""
	s.sortEntities(out, q.orderBy, q.orderMode)
	return out
}

func (s *Server) allEntities() []*entity {
	set := map[*entity]bool{}
	for _, t := range []string{typeStixObject, typeBasicRel} {
		for _, e := range s.data.ofType(t) {
			set[e] = true
		}
	}
	return sortedBySeq(set)
}

func (s *Server) about(context.Context, *requestContext, *gqlexec.Field) (any, error) {
	return map[string]any{"version": s.cfg.version,
		"dependencies": []any{}, "memory": nil, "debugStats": nil}, nil
}

func (s *Server) me(_ context.Context, rc *requestContext, _ *gqlexec.Field) (any, error) {
	u := rc.user.user
	var caps []any
	for _, c := range slices.Sorted(mapKeys(rc.user.caps)) {
		caps = append(caps, map[string]any{"__typename": "Capability", "id": c, "name": c,
			"entity_type": "Capability", "standard_id": "capability--" + strings.ToLower(c),
			"parent_types": []string{typeBasicObject, "Internal-Object"}})
	}
	var markings []*entity
	for _, m := range s.data.ofType(typeMarking) {
		if rc.user.canSee(m) {
			markings = append(markings, m)
		}
	}
	return map[string]any{"__typename": "MeUser", "id": u.ID, "name": u.Name, "user_email": u.Email,
		"standard_id": "user--" + u.ID, "entity_type": "User",
		"parent_types":   []string{typeBasicObject, "Internal-Object"},
		"representative": map[string]any{"main": u.Name}, "capabilities": caps,
		"capabilitiesInDraft": []any{}, "allowed_marking": markings, "api_tokens": []any{},
		"default_hidden_types": []any{}, "default_dashboards": []any{},
		"administrated_organizations": []any{}, "account_status": "Active"}, nil
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (s *Server) settings(context.Context, *requestContext, *gqlexec.Field) (any, error) {
	return map[string]any{"__typename": "Settings", "id": "settings", "standard_id": "settings--pyctitest",
		"entity_type": "Settings", "parent_types": []string{typeBasicObject, "Internal-Object"},
		"platform_title": "OpenCTI - Cyber Threat Intelligence Platform",
		"platform_email": "admin@opencti.io", "platform_language": "auto",
		"platform_organization": nil, "platform_url": s.URL, "platform_enterprise_edition": nil,
		"platform_theme": "dark", "platform_map_tile_server_dark": "",
		"platform_map_tile_server_light": "", "platform_session_idle_timeout": 0,
		"platform_session_timeout": 0, "otp_mandatory": false, "password_policy_min_length": 0,
		"platform_openbas_url": "", "platform_ai_enabled": false, "created_at": "2024-01-01T00:00:00.000Z",
		"updated_at": "2024-01-01T00:00:00.000Z"}, nil
}

func (s *Server) connectorValue(c *Connector) map[string]any {
	v := map[string]any{"__typename": "Connector", "id": c.ID, "standard_id": "connector--" + c.ID,
		"entity_type": "Connector", "parent_types": []string{typeBasicObject, "Internal-Object"},
		"name": c.Name, "title": c.Name, "connector_type": c.Type, "connector_scope": c.Scope,
		"connector_state": nilIfEmpty(c.State), "connector_user_id": c.UserID, "auto": c.Auto,
		"only_contextual": c.OnlyContextual, "playbook_compatible": c.PlaybookCompatible,
		"active": true, "built_in": false, "is_managed": false,
		"representative": map[string]any{"main": c.Name},
		"updated_at":     isoTime(c.UpdatedAt), "created_at": isoTime(c.CreatedAt),
		"connector_queue_details":  s.queueDetails(c.ID),
		"connector_priority_group": "default", "connector_info": c.Info,
	}
	names := queueNames(s.queuePrefix(), c.ID)
	cfg := map[string]any{"s3": nil}
	for k, n := range names {
		cfg[k] = n
	}
	if s.broker != nil {
		cfg["connection"] = s.broker.connectionValue()
	} else {
		cfg["connection"] = map[string]any{"host": "127.0.0.1", "vhost": "/", "use_ssl": false,
			"port": 5672, "user": "guest", "pass": "guest"}
	}
	v["config"] = cfg
	return v
}

func (s *Server) queuePrefix() string {
	if s.cfg.queuePrefix == "" {
		return ""
	}
	return s.cfg.queuePrefix + "_"
}
