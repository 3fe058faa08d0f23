package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/opencti-go/sdk/pycti"
)

// Scope is the extent of an export, the event's export_scope.
type Scope string

// The export scopes.
const (
	// ScopeSingle exports one entity, Request.EntityID.
	ScopeSingle Scope = "single"
	// ScopeSelection exports the ids a user ticked in a list,
	// Request.SelectedIDs.
	ScopeSelection Scope = "selection"
	// ScopeQuery exports every object a list query matches,
	// Request.ListParams.
	ScopeQuery Scope = "query"
)

// Mode is how far an export reaches from each exported entity, the event's
// export_type.
type Mode string

// The export modes.
const (
	// ModeSimple exports each entity with its author identity and its
	// marking definitions.
	ModeSimple Mode = "simple"
	// ModeFull adds the entity's relationships and sightings, their other
	// ends, every object the entity references (container members, nested
	// refs) and the authors and marking definitions of all of these.
	ModeFull Mode = "full"
)

// Request is one export, as the platform requests it in an export
// message. The filters are passed to the platform unchanged.
type Request struct {
	Scope Scope
	Mode  Mode
	// EntityType is the exported entity's type (single scope) or the listed
	// type ("Report", "Stix-Cyber-Observable", "stix-core-relationship"…).
	// A relationship type such as "uses" lists relationships of that type.
	// For lists it also picks the upload mutation.
	EntityType string
	// EntityID is the exported entity's internal id (single scope), or the
	// entity whose page a list sits on ("" for a global list).
	EntityID string
	// FileName is the name the uploaded file carries, unchanged but for
	// control characters such as line breaks, which are percent-encoded.
	FileName string
	// FileMarkings are the marking definition ids put on the uploaded file.
	FileMarkings []string
	// ApplicantID is the requesting user. Every read runs as that user; ""
	// reads as the connector's own user.
	ApplicantID string
	// AccessFilter is the export's marking restriction, nil for none. It
	// restricts every read: an object it excludes is never exported, and
	// neither is a relationship that has such an object as an end.
	AccessFilter *pycti.FilterGroup
	// MainFilter selects the objects of a selection export: the ticked ids
	// and the marking restriction. The export combines it with SelectedIDs
	// and AccessFilter, so a main filter that does not name the ids cannot
	// widen the selection.
	MainFilter *pycti.FilterGroup
	// SelectedIDs are the ticked ids of a selection export. An empty
	// selection exports nothing.
	SelectedIDs []string
	// ListParams is the list query of a query export.
	ListParams *ListParams
}

// ListParams is the list query of a query export: the event's list_params.
type ListParams struct {
	// Search is a full-text search term, "" for none.
	Search string
	// Filters are the list's filters, nil for none.
	Filters *pycti.FilterGroup
	// OrderBy is the sort field. "" and "_score" sort by created_at, as
	// pycti does.
	OrderBy string
	// OrderMode is "asc" or "desc"; "" means desc when OrderBy is "" or
	// "_score", and the platform's default otherwise.
	OrderMode string
	// Raw is list_params as received. A query export stores it with the
	// uploaded file (listFilters); nil stores the JSON of the fields above.
	Raw json.RawMessage
}

// ErrInvalidRequest is matched by the errors that reject a Request before
// anything is read.
var ErrInvalidRequest = errors.New("invalid export request")

// Validate checks that the request names what its scope needs and that
// every filter group has the mode and or or, as the platform requires. It
// returns an error matching ErrInvalidRequest that names the missing or
// invalid value.
func (r *Request) Validate() error {
	invalid := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidRequest, fmt.Sprintf(format, args...))
	}
	switch r.Mode {
	case ModeSimple, ModeFull:
	default:
		return invalid("export_type %q: use simple or full", r.Mode)
	}
	if strings.TrimSpace(r.FileName) == "" {
		return invalid("missing file_name")
	}
	switch r.Scope {
	case ScopeSingle:
		if r.EntityID == "" {
			return invalid("missing entity_id for a single export")
		}
	case ScopeSelection:
		if r.EntityType == "" {
			return invalid("missing entity_type for a selection export")
		}
	case ScopeQuery:
		if r.EntityType == "" {
			return invalid("missing entity_type for a query export")
		}
	default:
		return invalid("export_scope %q: use single, selection or query", r.Scope)
	}
	var listFilters *pycti.FilterGroup
	if r.ListParams != nil {
		listFilters = r.ListParams.Filters
	}
	names := []string{"access_filter", "main_filter", "list_params.filters"}
	for i, g := range []*pycti.FilterGroup{r.AccessFilter, r.MainFilter, listFilters} {
		if err := checkModes(g); err != nil {
			return invalid("%s: %v", names[i], err)
		}
	}
	return nil
}

// checkModes checks the mode of g and of its nested groups, which the
// platform requires. A group without one is most likely a filter in the
// flat format of platforms before 5.12, such as {"entity_type": [...]},
// which the platform would reject only after part of the export ran.
func checkModes(g *pycti.FilterGroup) error {
	if g == nil {
		return nil
	}
	switch g.Mode {
	case pycti.ModeAnd, pycti.ModeOr:
	case "":
		return errors.New("filter group without mode: filters in the flat format of " +
			"platforms before 5.12 are not supported; send a FilterGroup " +
			`{"mode": "and", "filters": [...], "filterGroups": [...]}`)
	default:
		return fmt.Errorf("filter group mode %q: use and or or", g.Mode)
	}
	for _, sub := range g.FilterGroups {
		if err := checkModes(sub); err != nil {
			return err
		}
	}
	return nil
}

// listFilters returns what a list export stores with its file: the text
// "selected_ids" for a selection, the list parameters for a query.
func (r *Request) listFilters() (string, error) {
	if r.Scope == ScopeSelection {
		return "selected_ids", nil
	}
	p := r.ListParams
	if p == nil {
		return "", nil
	}
	if len(p.Raw) > 0 {
		return string(p.Raw), nil
	}
	data, err := json.Marshal(map[string]any{"search": nullable(p.Search),
		"orderBy": nullable(p.OrderBy), "orderMode": nullable(p.OrderMode), "filters": p.Filters})
	if err != nil {
		return "", fmt.Errorf("encode list parameters: %w", err)
	}
	return string(data), nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// listKind is the kind of element a list or a read returns.
type listKind int

const (
	kindObject listKind = iota
	kindCoreRelationship
	kindSighting
)

// entityKind classifies an entity type: relationship types are lower case
// ("uses", "stix-core-relationship"), object types start with a capital
// ("Malware", "IPv4-Addr", "Stix-Core-Object").
func entityKind(entityType string) listKind {
	switch {
	case strings.EqualFold(entityType, "stix-sighting-relationship"):
		return kindSighting
	case entityType != "" && entityType[0] >= 'a' && entityType[0] <= 'z':
		return kindCoreRelationship
	}
	return kindObject
}

// kindOfParents classifies a listed element by its parent types.
func kindOfParents(entityType string, parents []string) listKind {
	for _, p := range parents {
		switch strings.ToLower(p) {
		case "stix-sighting-relationship":
			return kindSighting
		case "stix-core-relationship":
			return kindCoreRelationship
		}
	}
	return entityKind(entityType)
}

// queryTypes returns the types argument of a query export's object list:
// none for Stix-Core-Object, which every object is, else the listed type.
// Subtypes are not widened to their parent (a Country export lists
// countries, not every location).
func queryTypes(entityType string) []string {
	if strings.EqualFold(entityType, "Stix-Core-Object") {
		return nil
	}
	return []string{entityType}
}
