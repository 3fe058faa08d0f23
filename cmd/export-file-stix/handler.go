package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
)

// handler runs the export of each message and returns the text of the
// work's report.
type handler struct {
	x *export.Exporter
}

// Handle runs one export. Every error is permanent: the framework marks
// the work in error with its text, which names the first validation
// findings when the bundle is invalid.
func (h *handler) Handle(ctx context.Context, msg *connector.Message) (string, error) {
	req, err := requestOf(msg)
	if err != nil {
		return "", err
	}
	res, err := h.x.Export(ctx, req)
	if err != nil {
		return "", err
	}
	return doneMessage(res), nil
}

// doneMessage is the work's report of a successful export. It counts the
// objects left out and names the selected ids that were not found, so the
// user sees what the file lacks.
func doneMessage(res export.Result) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "Export done: %d objects", res.Objects)
	if res.Dropped > 0 {
		fmt.Fprintf(&sb, ", %d left out because they reference objects you may not see", res.Dropped)
	}
	if n := len(res.NotFound); n > 0 {
		fmt.Fprintf(&sb, ", %d selected ids not found: %s", n,
			strings.Join(res.NotFound[:min(n, 10)], ", "))
	}
	return sb.String()
}

// errOldMessage rejects the export messages of platforms before 6.1, whose
// max_marking cannot be turned into the access filter this connector
// applies.
var errOldMessage = errors.New("export message has max_marking and no access_filter: " +
	"platforms before 6.1 are not supported; upgrade the platform")

// requestOf builds the export request of a message. Filters are parsed
// losslessly and sent back to the platform unchanged.
func requestOf(msg *connector.Message) (export.Request, error) {
	ev := msg.Export
	if ev == nil {
		return export.Request{}, fmt.Errorf("%w: the message has no export event",
			export.ErrInvalidRequest)
	}
	if ev.MaxMarking != "" && len(ev.AccessFilter) == 0 {
		return export.Request{}, errOldMessage
	}
	// The platform routes an export to the connectors whose scope has its
	// format, so another format comes from a wrong scope or a hand-written
	// message, and a STIX bundle must not be stored under its name.
	if f := strings.TrimSpace(ev.Format); f != "" && !strings.EqualFold(f, stixMIME) {
		return export.Request{}, fmt.Errorf("%w: format %q is not produced by this connector: "+
			"it writes %s; set CONNECTOR_SCOPE to %s only", export.ErrInvalidRequest, ev.Format,
			stixMIME, stixMIME)
	}
	req := export.Request{Scope: export.Scope(ev.ExportScope), Mode: export.Mode(ev.ExportType),
		EntityType: ev.EntityType, EntityID: ev.EntityID, FileName: ev.FileName,
		FileMarkings: ev.FileMarkings, ApplicantID: msg.Internal.ApplicantID,
		SelectedIDs: ev.SelectedIDs}
	var err error
	if req.AccessFilter, err = parseFilter("access_filter", ev.AccessFilter); err != nil {
		return export.Request{}, err
	}
	if req.MainFilter, err = parseFilter("main_filter", ev.MainFilter); err != nil {
		return export.Request{}, err
	}
	if p := ev.ListParams; p != nil {
		filters, err := parseFilter("list_params.filters", p.Filters)
		if err != nil {
			return export.Request{}, err
		}
		req.ListParams = &export.ListParams{Search: p.Search, Filters: filters,
			OrderBy: p.OrderBy, OrderMode: p.OrderMode, Raw: p.Raw}
	}
	if err := checkList(&req); err != nil {
		return export.Request{}, err
	}
	return req, req.Validate()
}

// checkList spells the entity_type of an export as the platform does, and
// checks the list of a selection or query export: the entity_type the file
// is attached to, and a selection that names at least one id. The engine
// keeps a selection to the selected ids whatever main_filter contains.
func checkList(req *export.Request) error {
	if req.Scope != export.ScopeSelection && req.Scope != export.ScopeQuery {
		// A single export reads its entity by id. Only the case of its
		// type is fixed, because the pycti profile reads a lower-case type
		// as a relationship and finds nothing.
		if t, ok := platformSpelling(req.EntityType); ok {
			req.EntityType = t
		}
		return nil
	}
	entityType, err := canonicalListType(req.Scope, req.EntityType)
	if err != nil {
		return err
	}
	req.EntityType = entityType
	if req.Scope == export.ScopeSelection && len(req.SelectedIDs) == 0 {
		return fmt.Errorf("%w: selected_ids is empty for a selection export: select at "+
			"least one entity, or use export_scope query", export.ErrInvalidRequest)
	}
	return nil
}

func parseFilter(name string, raw []byte) (*pycti.FilterGroup, error) {
	g, err := pycti.ParseFilterGroup(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w; send a FilterGroup object such as "+
			`{"mode":"and","filters":[],"filterGroups":[]}, or null`,
			export.ErrInvalidRequest, name, err)
	}
	return g, nil
}
