package pyctitest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Export scopes and modes.
const (
	ScopeSingle    = "single"
	ScopeSelection = "selection"
	ScopeQuery     = "query"
	ModeSimple     = "simple"
	ModeFull       = "full"
	FormatSTIX     = "application/vnd.oasis.stix+json"
)

// ListParams are the list query of a selection or query export.
type ListParams struct {
	Search    string
	OrderBy   string
	OrderMode string
	Filters   map[string]any // a FilterGroup, or nil
}

// ExportRequest is what a user asks for in the export dialog.
type ExportRequest struct {
	ConnectorID string // a registered connector
	Scope       string // ScopeSingle, ScopeSelection or ScopeQuery
	Mode        string // ModeSimple or ModeFull
	Format      string // MIME type; FormatSTIX when empty
	// EntityID is the exported entity (single) or the entity whose page the
	// list sits on (lists, optional).
	EntityID string
	// EntityType is the listed type for lists (for example
	// "Stix-Cyber-Observable"); for single it defaults to the entity's type.
	EntityType  string
	SelectedIDs []string    // selection scope
	ListParams  *ListParams // selection and query scopes
	// ContentMaxMarkings are the maximum markings of the content, one per
	// marking type (internal ids, standard ids or definitions).
	ContentMaxMarkings []string
	FileMarkings       []string // markings put on the produced file
	ApplicantID        string   // requesting user; the administrator when empty
}

// ErrNoBroker is returned by AskExport on a server built without WithAMQP.
var ErrNoBroker = errors.New("pyctitest: no broker: build the server WithAMQP")

// AskExport does what the platform does when a user asks for an export:
// it builds the message (file name, main_filter and access_filter as the
// platform writes them), creates the work in status wait, then publishes
// the message persistent on the connector's listen exchange with its
// routing key. It returns the work id.
func (s *Server) AskExport(ctx context.Context, r ExportRequest) (string, error) {
	if s.broker == nil {
		return "", ErrNoBroker
	}
	s.mu.Lock()
	msg, workID, err := s.exportMessage(r)
	s.mu.Unlock()
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return "", fmt.Errorf("encode export message: %w", err)
	}
	if err := s.broker.publish(ctx, r.ConnectorID, body); err != nil {
		return workID, fmt.Errorf("ask export %s: %w", workID, err)
	}
	return workID, nil
}

// exportMessage builds the message and creates the work. The caller holds
// s.mu for writing.
func (s *Server) exportMessage(r ExportRequest) (map[string]any, string, error) {
	c := s.connectors[r.ConnectorID]
	if c == nil {
		return nil, "", fmt.Errorf("ask export: connector %q not registered", r.ConnectorID)
	}
	if r.Mode != ModeSimple && r.Mode != ModeFull {
		return nil, "", fmt.Errorf("ask export: invalid mode %q: use simple or full", r.Mode)
	}
	if r.Format == "" {
		r.Format = FormatSTIX
	}
	applicant := r.ApplicantID
	if applicant == "" {
		applicant = AdminID
	}
	if s.users[applicant] == nil {
		return nil, "", fmt.Errorf("ask export: applicant %q not found", applicant)
	}
	maxMarkings, err := s.markingEntities(r.ContentMaxMarkings)
	if err != nil {
		return nil, "", err
	}
	fileMarkings, err := s.markingEntities(r.FileMarkings)
	if err != nil {
		return nil, "", err
	}
	access := s.accessFilter(maxMarkings)
	event := map[string]any{"export_scope": r.Scope, "export_type": r.Mode, "format": r.Format,
		"file_markings": entityIDs(fileMarkings), "access_filter": access}
	markingPart := "TLP:ALL"
	if len(maxMarkings) > 0 {
		var defs []string
		for _, m := range maxMarkings {
			defs = append(defs, m.str("definition"))
		}
		markingPart = strings.Join(defs, "_")
	}
	now := isoTime(s.cfg.clock())
	var source string
	switch r.Scope {
	case ScopeSingle:
		e := s.data.get(r.EntityID)
		if e == nil {
			return nil, "", fmt.Errorf("ask export: entity %q not found", r.EntityID)
		}
		if r.EntityType == "" {
			r.EntityType = e.entityType
		}
		event["event_type"] = "INTERNAL_EXPORT_FILE"
		event["entity_id"], event["entity_name"], event["entity_type"] = e.id, e.representative(), r.EntityType
		event["file_name"] = fmt.Sprintf("%s_%s_(%s)_%s-%s_%s.%s", now, markingPart, c.Name,
			r.EntityType, e.representative(), r.Mode, fileExtension(r.Format))
		event["main_filter"] = withIDs(access, []string{e.id})
		source = "export/" + r.EntityType + "/" + e.id
	case ScopeSelection, ScopeQuery:
		if r.EntityType == "" {
			return nil, "", errors.New("ask export: EntityType is required for list exports")
		}
		event["entity_type"], event["entity_name"] = r.EntityType, "global"
		source = "export/" + r.EntityType
		if e := s.data.get(r.EntityID); e != nil {
			event["entity_id"], event["entity_name"] = e.id, e.representative()
			source += "/" + e.id
		}
		event["file_name"] = fmt.Sprintf("%s_%s_(%s)_%s_%s.%s", now, markingPart, c.Name,
			r.EntityType, r.Mode, fileExtension(r.Format))
		event["list_params"] = listParamsValue(r.ListParams)
		if r.Scope == ScopeSelection {
			event["event_type"] = "INTERNAL_EXPORT_FILE"
			event["selected_ids"] = slices.Clone(r.SelectedIDs)
			event["main_filter"] = withIDs(access, r.SelectedIDs)
		} else {
			event["main_filter"] = access
		}
	default:
		return nil, "", fmt.Errorf("ask export: invalid scope %q: use single, selection or query", r.Scope)
	}
	w := s.newWork(c.ID, event["file_name"].(string), applicant, source)
	w.FileMarkings = entityIDs(fileMarkings)
	internal := map[string]any{"work_id": w.ID, "applicant_id": applicant}
	if r.Scope == ScopeSingle {
		internal["trigger"], internal["mode"] = nil, "manual"
	}
	return map[string]any{"internal": internal, "event": event}, w.ID, nil
}

func fileExtension(format string) string {
	switch format {
	case FormatSTIX, "application/vnd.mitre.navigator+json", "application/json":
		return "json"
	case "text/csv":
		return "csv"
	}
	return "unknown"
}

func (s *Server) markingEntities(refs []string) ([]*entity, error) {
	var out []*entity
	for _, ref := range refs {
		m := s.findMarking(ref)
		if m == nil {
			return nil, fmt.Errorf("ask export: marking %q not found", ref)
		}
		out = append(out, m)
	}
	return out, nil
}

func entityIDs(list []*entity) []string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.id
	}
	return out
}

// accessFilter excludes, for each marking type with a maximum, the
// markings of that type ranked above it.
func (s *Server) accessFilter(maxMarkings []*entity) map[string]any {
	var excluded []any
	for _, m := range s.data.ofType(typeMarking) {
		for _, max := range maxMarkings {
			if m.str("definition_type") == max.str("definition_type") && orderOf(m) > orderOf(max) {
				excluded = append(excluded, m.id)
			}
		}
	}
	filters := []any{}
	if len(excluded) > 0 {
		filters = append(filters, map[string]any{"key": "objectMarking", "mode": "and",
			"operator": "not_eq", "values": excluded})
	}
	return map[string]any{"mode": "and", "filters": filters, "filterGroups": []any{}}
}

func withIDs(access map[string]any, ids []string) map[string]any {
	filters := slices.Clone(access["filters"].([]any))
	filters = append(filters, map[string]any{"key": "ids", "values": slices.Clone(ids),
		"mode": "or", "operator": "eq"})
	return map[string]any{"mode": "and", "filters": filters, "filterGroups": []any{}}
}

func listParamsValue(p *ListParams) map[string]any {
	if p == nil {
		p = &ListParams{}
	}
	v := map[string]any{"search": nilIfEmpty(p.Search), "orderBy": nilIfEmpty(p.OrderBy),
		"orderMode": nilIfEmpty(p.OrderMode), "filters": nil, "visible_columns": []any{}}
	if p.Filters != nil {
		v["filters"] = p.Filters
	}
	return v
}
