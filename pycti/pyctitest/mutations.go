package pyctitest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

func (s *Server) mutationRoots() map[string]rootFunc {
	roots := map[string]rootFunc{
		"registerConnector": s.registerConnector,
		"pingConnector":     s.pingConnector,
		"workAdd":           s.workAdd,
		"workEdit": func(_ context.Context, _ *requestContext, f *gqlexec.Field) (any, error) {
			id := strArg(f.Args, "id")
			return &editTarget{work: s.works[id], workID: id}, nil
		},
		"stixBundlePush":                  s.stixBundlePush,
		"playbookStepExecution":           s.playbookStepExecution,
		"stixDomainObjectsExportPush":     s.listExportPush,
		"stixCyberObservablesExportPush":  s.listExportPush,
		"stixCoreObjectsExportPush":       s.listExportPush,
		"stixCoreRelationshipsExportPush": s.listExportPush,
	}
	for _, name := range []string{"stixDomainObjectEdit", "stixCoreObjectEdit",
		"stixCyberObservableEdit", "stixCoreRelationshipEdit", "stixSightingRelationshipEdit",
		"malwareEdit", "indicatorEdit", "reportEdit", "identityEdit", "intrusionSetEdit",
		"attackPatternEdit", "vulnerabilityEdit", "threatActorGroupEdit", "campaignEdit",
		"toolEdit", "locationEdit", "noteEdit", "labelEdit", "externalReferenceEdit",
		"markingDefinitionEdit"} {
		roots[name] = s.editRoot
	}
	for name, spec := range createMutations {
		roots[name] = s.createRoot(spec)
	}
	return roots
}

func (s *Server) editRoot(_ context.Context, rc *requestContext, f *gqlexec.Field) (any, error) {
	e := s.data.get(strArg(f.Args, "id"))
	if e == nil || !s.visible(rc.user, e) {
		return nil, errFunctional(fmt.Sprintf("Cant find element to update: %s", strArg(f.Args, "id")))
	}
	return &editTarget{entity: e}, nil
}

// editFields are the fields of the xxxEditMutations objects and of
// WorkEditMutations.
func (s *Server) editFields() map[string]rootFunc {
	return map[string]rootFunc{
		"toReceived":        s.workField(s.toReceived),
		"toProcessed":       s.workField(s.toProcessed),
		"ping":              s.workField(s.workPing),
		"addExpectations":   s.workField(s.addExpectations),
		"reportExpectation": s.workField(s.reportExpectation),
		"addDraftContext": s.workField(func(w *Work, f *gqlexec.Field) {
			w.DraftContext = strArg(f.Args, "draftContext")
		}),
		"delete":     s.deleteField,
		"fieldPatch": s.fieldPatch,
		"exportPush": s.exportPush,
	}
}

// workField adapts a work update. An update of a missing work is ignored
// and returns the id, as the platform does.
func (s *Server) workField(fn func(*Work, *gqlexec.Field)) rootFunc {
	return func(_ context.Context, _ *requestContext, f *gqlexec.Field) (any, error) {
		t := f.Parent.(*editTarget)
		if t.work != nil {
			fn(t.work, f)
			t.work.UpdatedAt = s.cfg.clock().UTC()
		}
		return t.workID, nil
	}
}

func (s *Server) toReceived(w *Work, f *gqlexec.Field) {
	w.Status = WorkProgress
	w.ReceivedTime = s.cfg.clock().UTC()
	if m := strArg(f.Args, "message"); m != "" {
		w.Messages = s.addWorkMessage(w.Messages, m, "")
	}
}

func (s *Server) toProcessed(w *Work, f *gqlexec.Field) {
	w.ProcessedCalls++
	w.ProcessedTime = s.cfg.clock().UTC()
	msg := strArg(f.Args, "message")
	if inError, _ := f.Args["inError"].(bool); inError {
		w.Errors = s.addWorkMessage(w.Errors, msg, "")
	} else if msg != "" {
		w.Messages = s.addWorkMessage(w.Messages, msg, "")
	}
	s.completeIfDone(w)
}

func (s *Server) workPing(*Work, *gqlexec.Field) {}

func (s *Server) addExpectations(w *Work, f *gqlexec.Field) {
	n, _ := intArg(f.Args["expectations"])
	w.Expected += n
}

func (s *Server) reportExpectation(w *Work, f *gqlexec.Field) {
	w.Processed++
	if in, ok := f.Args["error"].(map[string]any); ok && in != nil {
		msg, _ := in["error"].(string)
		src, _ := in["source"].(string)
		w.Errors = s.addWorkMessage(w.Errors, msg, src)
	}
	s.completeIfDone(w)
}

func (s *Server) deleteField(_ context.Context, _ *requestContext, f *gqlexec.Field) (any, error) {
	t := f.Parent.(*editTarget)
	if t.work != nil || t.workID != "" {
		if t.work != nil {
			delete(s.works, t.workID)
			s.workOrder = slices.DeleteFunc(s.workOrder, func(id string) bool { return id == t.workID })
		}
		return t.workID, nil
	}
	s.data.remove(t.entity)
	return t.entity.id, nil
}

// fieldPatch applies EditInput values ({key, value: [..], operation}) to
// the entity's attributes.
func (s *Server) fieldPatch(_ context.Context, _ *requestContext, f *gqlexec.Field) (any, error) {
	e := f.Parent.(*editTarget).entity
	before, beforeErr := s.computedStandardID(e)
	for _, raw := range anyList(f.Args["input"]) {
		in, _ := raw.(map[string]any)
		key, _ := in["key"].(string)
		if key == "" {
			return nil, errFunctional("fieldPatch input without key: set key and value")
		}
		vals := anyList(in["value"])
		op, _ := in["operation"].(string)
		if err := s.patch(e, key, vals, op); err != nil {
			return nil, err
		}
	}
	if after, err := s.computedStandardID(e); err == nil && beforeErr == nil && after != before {
		s.changeStandardID(e, after)
	}
	if e.kind == kindSCO {
		e.fields["observable_value"] = observableValue(e)
	}
	e.fields["updated_at"] = isoTime(s.cfg.clock())
	s.data.index(e)
	s.data.version++
	return e, nil
}

// computedStandardID returns the standard id that e's current fields give.
// Relationships keep their id whatever changes, as on the platform.
func (s *Server) computedStandardID(e *entity) (string, error) {
	switch e.kind {
	case kindCoreRel, kindSighting, kindRefRel:
		return e.standardID, nil
	}
	return s.standardIDOf(e)
}

// changeStandardID gives e the standard id that an update of a
// contributing field produced. As on the platform, the old id stays one of
// the element's STIX ids, so references to it still resolve. An id that
// another element already has is not taken.
func (s *Server) changeStandardID(e *entity, id string) {
	if other := s.data.get(id); other != nil && other != e {
		return
	}
	old := e.standardID
	e.standardID = id
	e.fields["standard_id"] = id
	if old != "" {
		e.fields["x_opencti_stix_ids"] = append(anyList(e.fields["x_opencti_stix_ids"]), old)
	}
}

func (s *Server) patch(e *entity, key string, vals []any, op string) error {
	switch key {
	case "objectMarking", "objectLabel", "externalReferences", "killChainPhases", "createdBy":
		var ids []string
		for _, v := range stringList(vals) {
			id := s.data.resolve(v)
			if id == "" {
				return errFunctional(fmt.Sprintf("fieldPatch %s: %s not found", key, v))
			}
			ids = append(ids, id)
		}
		target := map[string]*[]string{"objectMarking": &e.markings, "objectLabel": &e.labels,
			"externalReferences": &e.extRefs, "killChainPhases": &e.kcps}[key]
		if key == "createdBy" {
			e.createdBy = ""
			if len(ids) > 0 {
				e.createdBy = ids[0]
			}
			return nil
		}
		switch op {
		case "add":
			for _, id := range ids {
				*target = appendUnique(*target, id)
			}
		case "remove":
			*target = slices.DeleteFunc(*target, func(x string) bool { return slices.Contains(ids, x) })
		default:
			*target = ids
		}
		return nil
	}
	switch {
	case op == "remove":
		delete(e.fields, key)
	case len(vals) == 1 && !isMultiple(e.fields[key]):
		e.fields[key] = vals[0]
	default:
		e.fields[key] = vals
	}
	return nil
}

func isMultiple(v any) bool {
	_, ok := v.([]any)
	return ok
}

// exportPush stores a single-entity export file with its markings.
func (s *Server) exportPush(_ context.Context, rc *requestContext, f *gqlexec.Field) (any, error) {
	e := f.Parent.(*editTarget).entity
	up, err := uploadArg(f.Args["file"])
	if err != nil {
		return nil, err
	}
	markings, err := s.fileMarkings(rc, f.Args["file_markings"])
	if err != nil {
		return nil, err
	}
	s.storeFile(fmt.Sprintf("export/%s/%s", e.entityType, e.id), &File{Name: up.Filename,
		Data: up.Data, Markings: markings, EntityID: e.id, EntityType: e.entityType, Exported: true,
		UploadedBy: rc.caller.user.ID})
	return true, nil
}

// listExportPush stores a list export file (selection or query).
func (s *Server) listExportPush(_ context.Context, rc *requestContext, f *gqlexec.Field) (any, error) {
	up, err := uploadArg(f.Args["file"])
	if err != nil {
		return nil, err
	}
	markings, err := s.fileMarkings(rc, f.Args["file_markings"])
	if err != nil {
		return nil, err
	}
	entityType := strArg(f.Args, "entity_type")
	entityID := strArg(f.Args, "entity_id")
	folder := "export/" + entityType
	if entityID != "" {
		folder += "/" + entityID
	}
	s.storeFile(folder, &File{Name: up.Filename, Data: up.Data, Markings: markings,
		EntityID: entityID, EntityType: entityType, ListFilters: strArg(f.Args, "listFilters"),
		Exported: true, UploadedBy: rc.caller.user.ID})
	return true, nil
}

func uploadArg(v any) (*Upload, error) {
	if u, ok := v.(Upload); ok {
		return &u, nil
	}
	up, ok := v.(*Upload)
	if !ok || up == nil {
		return nil, errFunctional("file is not an upload: send a GraphQL multipart request that maps a file part to variables.file")
	}
	return up, nil
}

// fileMarkings resolves file_markings; the uploading user must be allowed
// to see each of them, as on the platform.
func (s *Server) fileMarkings(rc *requestContext, v any) ([]string, error) {
	var out []string
	for _, ref := range stringList(v) {
		m := s.findMarking(ref)
		if m == nil || !rc.caller.canSee(m) {
			return nil, errForbidden()
		}
		out = append(out, m.id)
	}
	return out, nil
}

func (s *Server) registerConnector(ctx context.Context, rc *requestContext, f *gqlexec.Field) (any, error) {
	in, _ := f.Args["input"].(map[string]any)
	id, _ := in["id"].(string)
	name, _ := in["name"].(string)
	typ, _ := in["type"].(string)
	if id == "" || name == "" || typ == "" {
		return nil, errFunctional("registerConnector needs id, name and type")
	}
	now := s.cfg.clock().UTC()
	c := s.connectors[id]
	if c == nil {
		c = &Connector{ID: id, CreatedAt: now}
	}
	c.Name, c.Type, c.Scope, c.UserID, c.UpdatedAt = name, typ, stringList(in["scope"]), rc.caller.user.ID, now
	c.Auto, _ = in["auto"].(bool)
	c.OnlyContextual, _ = in["only_contextual"].(bool)
	c.PlaybookCompatible, _ = in["playbook_compatible"].(bool)
	if s.broker != nil {
		if err := s.broker.declareConnector(ctx, c); err != nil {
			return nil, gqlexec.NewError("UNKNOWN_ERROR", "register connector "+id+": "+err.Error(), nil)
		}
	}
	s.connectors[id] = c
	if err := s.watchPush(id); err != nil {
		return nil, gqlexec.NewError("UNKNOWN_ERROR", "register connector "+id+": "+err.Error(), nil)
	}
	return s.connectorValue(c), nil
}

func (s *Server) pingConnector(_ context.Context, _ *requestContext, f *gqlexec.Field) (any, error) {
	c := s.connectors[strArg(f.Args, "id")]
	if c == nil {
		return nil, errFunctional("connector " + strArg(f.Args, "id") + " not found: register it first")
	}
	c.Pings++
	c.UpdatedAt = s.cfg.clock().UTC()
	if state, ok := f.Args["state"].(string); ok {
		c.State = state
	}
	if info, ok := f.Args["connectorInfo"].(map[string]any); ok {
		c.Info = info
	}
	return s.connectorValue(c), nil
}

func (s *Server) workAdd(_ context.Context, rc *requestContext, f *gqlexec.Field) (any, error) {
	cid := strArg(f.Args, "connectorId")
	if s.connectors[cid] == nil {
		return nil, errFunctional("connector " + cid + " not found: register it first")
	}
	w := s.newWork(cid, strArg(f.Args, "friendlyName"), rc.caller.user.ID, "")
	return workValue(w), nil
}

// stixBundlePush ingests the bundle at once (the platform queues it for
// its workers) and records a work with one expectation per object.
func (s *Server) stixBundlePush(_ context.Context, rc *requestContext, f *gqlexec.Field) (any, error) {
	cid := strArg(f.Args, "connectorId")
	c := s.connectors[cid]
	if c == nil {
		return nil, errFunctional("connector " + cid + " not found: register it first")
	}
	raw := strArg(f.Args, "bundle")
	var bundle struct {
		Type    string           `json:"type"`
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal([]byte(raw), &bundle); err != nil || bundle.Type != "bundle" || len(bundle.Objects) == 0 {
		data, derr := base64.StdEncoding.DecodeString(raw)
		if derr != nil || json.Unmarshal(data, &bundle) != nil || len(bundle.Objects) == 0 {
			return nil, errFunctional("bundle must be a STIX bundle with at least one object")
		}
	}
	w := s.works[strArg(f.Args, "work_id")]
	if w == nil {
		w = s.newWork(cid, fmt.Sprintf("%s run @ %s", c.Name, isoTime(s.cfg.clock())), rc.caller.user.ID, "")
	}
	for _, o := range bundle.Objects {
		plainNumbers(o)
	}
	sd := &seeder{s: s, res: SeedResult{Skipped: map[string]int{}}}
	if _, err := sd.run(bundle.Objects); err != nil {
		w.Errors = s.addWorkMessage(w.Errors, err.Error(), "bundle")
		return nil, errFunctional(err.Error())
	}
	w.Expected += len(bundle.Objects)
	w.Processed += len(bundle.Objects)
	return true, nil
}
