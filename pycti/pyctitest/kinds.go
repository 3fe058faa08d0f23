package pyctitest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// kindsState holds what the enrichment, import and scheduling requests
// need beyond the store. It is safe for concurrent use.
type kindsState struct {
	mu       sync.Mutex
	replies  []PlaybookReply
	queues   map[string]QueueSize
	playbook map[string]PlaybookRequest // by execution id
}

func newKindsState() *kindsState {
	return &kindsState{queues: map[string]QueueSize{}, playbook: map[string]PlaybookRequest{}}
}

// QueueSize is the connector_queue_details of a connector.
type QueueSize struct {
	Messages int64 // messages_number: messages waiting in the queues
	Bytes    int64 // messages_size: their total size, in bytes
}

// SetQueueSize sets the connector_queue_details the platform reports for a
// connector, as it would read them from RabbitMQ's management API. The
// default is zero for both.
func (s *Server) SetQueueSize(connectorID string, size QueueSize) {
	s.kinds.mu.Lock()
	s.kinds.queues[connectorID] = size
	s.kinds.mu.Unlock()
}

func (s *Server) queueDetails(connectorID string) map[string]any {
	s.kinds.mu.Lock()
	q := s.kinds.queues[connectorID]
	s.kinds.mu.Unlock()
	return map[string]any{"messages_number": q.Messages, "messages_size": q.Bytes}
}

// ImportUpload is a file a user uploads for import.
type ImportUpload struct {
	Name string
	Data []byte
	// EntityID attaches the file to an entity (any id); empty for a global
	// import.
	EntityID string
	// Markings are marking definitions (ids or definitions) of the file.
	Markings []string
	// UserID is the uploader; the administrator when empty.
	UserID string
}

// UploadImport stores a file for import under the platform's key:
// import/global/<name>, or import/<entity type>/<entity id>/<name>.
func (s *Server) UploadImport(u ImportUpload) (File, error) {
	if u.Name == "" {
		return File{}, errors.New("pyctitest: upload import: empty file name")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	markings, err := s.markingEntities(u.Markings)
	if err != nil {
		return File{}, fmt.Errorf("upload import %s: %w", u.Name, err)
	}
	if u.UserID == "" {
		u.UserID = AdminID
	}
	f := &File{Name: u.Name, Data: slices.Clone(u.Data), Markings: entityIDs(markings),
		UploadedBy: u.UserID}
	folder := "import/global"
	if u.EntityID != "" {
		e := s.data.get(u.EntityID)
		if e == nil {
			return File{}, fmt.Errorf("upload import %s: entity %q not found", u.Name, u.EntityID)
		}
		f.EntityID, f.EntityType = e.id, e.entityType
		folder = path.Join("import", e.entityType, e.id)
	}
	return copyFile(s.storeFile(folder, f)), nil
}

// ImportRequest is a user's request in the import dialog.
type ImportRequest struct {
	ConnectorID string
	// FileID is the storage key UploadImport returned.
	FileID string
	// ApplicantID is the requesting user; the administrator when empty.
	ApplicantID string
	// ValidationMode is "workbench" or "draft"; "workbench" when empty.
	ValidationMode   string
	BypassValidation bool
	ForceValidation  bool
	// Configuration is the requester's text, sent as null when empty.
	Configuration string
	// DraftID is the draft the user works in. Inside a draft the platform
	// forces the draft mode and bypasses validation.
	DraftID string
}

// AskImport does what the platform does when a user asks a connector to
// import a file: it creates the work "Manual import of <name>" in status
// wait, then publishes the import message on the connector's listen
// queue. It returns the work id.
func (s *Server) AskImport(ctx context.Context, r ImportRequest) (string, error) {
	if s.broker == nil {
		return "", ErrNoBroker
	}
	s.mu.Lock()
	msg, workID, err := s.importMessage(r)
	s.mu.Unlock()
	if err != nil {
		return "", err
	}
	return workID, s.publishRequest(ctx, r.ConnectorID, workID, msg)
}

func (s *Server) importMessage(r ImportRequest) (map[string]any, string, error) {
	c, applicant, err := s.requestParties(r.ConnectorID, r.ApplicantID)
	if err != nil {
		return nil, "", fmt.Errorf("ask import: %w", err)
	}
	f := s.files[r.FileID]
	if f == nil || f.Exported {
		return nil, "", fmt.Errorf("ask import: import file %q not found: upload it first", r.FileID)
	}
	mode, bypass := r.ValidationMode, r.BypassValidation
	if mode == "" {
		mode = "workbench"
	}
	name := "Manual import of " + f.Name
	if r.DraftID != "" {
		mode, bypass = "draft", true
		name += " in draft " + r.DraftID
	}
	event := map[string]any{"file_id": f.ID, "file_mime": f.MimeType,
		"file_markings": slices.Clone(f.Markings), "file_fetch": "/storage/get/" + f.ID,
		"validation_mode": mode, "bypass_validation": bypass, "force_validation": r.ForceValidation}
	if f.EntityID != "" {
		event["entity_id"] = f.EntityID
	}
	w := s.newWork(c.ID, name, applicant, f.ID)
	internal := map[string]any{"work_id": w.ID, "applicant_id": applicant,
		"draft_id": nilIfEmpty(r.DraftID), "trigger": "update", "mode": "auto"}
	return map[string]any{"internal": internal, "event": event,
		"configuration": nilIfEmpty(r.Configuration)}, w.ID, nil
}

// requestParties checks the connector and the applicant. The caller holds
// s.mu.
func (s *Server) requestParties(connectorID, applicant string) (*Connector, string, error) {
	c := s.connectors[connectorID]
	if c == nil {
		return nil, "", fmt.Errorf("connector %q not registered", connectorID)
	}
	if applicant == "" {
		applicant = AdminID
	}
	if s.users[applicant] == nil {
		return nil, "", fmt.Errorf("applicant %q not found", applicant)
	}
	return c, applicant, nil
}

// publishRequest publishes a message on the connector's listen queue.
func (s *Server) publishRequest(ctx context.Context, connectorID, workID string,
	msg map[string]any) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encode message of work %s: %w", workID, err)
	}
	if err := s.broker.publish(ctx, connectorID, body); err != nil {
		return fmt.Errorf("publish message of work %s: %w", workID, err)
	}
	return nil
}

// EnrichmentRequest is a request to enrich one entity.
type EnrichmentRequest struct {
	ConnectorID string
	// EntityID is any id of the entity.
	EntityID string
	// Auto marks an automatic trigger on creation (mode auto, trigger
	// create); a user's request is manual (trigger update).
	Auto bool
	// DraftID is the draft the user works in, or empty.
	DraftID string
}

// AskEnrichment does what the platform does when an entity is to be
// enriched: it creates the work ("Manual enrichment", or
// "Enrichment (<standard id>)" for an automatic trigger) in status wait,
// then publishes the message with the entity's STIX form as a JSON
// string and stix_objects null. It returns the work id.
func (s *Server) AskEnrichment(ctx context.Context, r EnrichmentRequest) (string, error) {
	if s.broker == nil {
		return "", ErrNoBroker
	}
	s.mu.Lock()
	msg, workID, err := s.enrichmentMessage(r)
	s.mu.Unlock()
	if err != nil {
		return "", err
	}
	return workID, s.publishRequest(ctx, r.ConnectorID, workID, msg)
}

func (s *Server) enrichmentMessage(r EnrichmentRequest) (map[string]any, string, error) {
	c, _, err := s.requestParties(r.ConnectorID, "")
	if err != nil {
		return nil, "", fmt.Errorf("ask enrichment: %w", err)
	}
	e := s.data.get(r.EntityID)
	if e == nil {
		return nil, "", fmt.Errorf("ask enrichment: entity %q not found", r.EntityID)
	}
	stix, err := s.toStixString(s.principalOf(s.users[AdminID]), e)
	if err != nil {
		return nil, "", fmt.Errorf("ask enrichment: %w", err)
	}
	name, mode, trigger := "Manual enrichment", "manual", "update"
	if r.Auto {
		name, mode, trigger = "Enrichment ("+e.standardID+")", "auto", "create"
	}
	if r.DraftID != "" {
		name += " in draft " + r.DraftID
	}
	w := s.newWork(c.ID, name, AdminID, e.id)
	internal := map[string]any{"work_id": w.ID, "applicant_id": nil,
		"draft_id": nilIfEmpty(r.DraftID), "mode": mode, "trigger": trigger}
	event := map[string]any{"event_type": "INTERNAL_ENRICHMENT", "entity_id": e.standardID,
		"entity_type": e.entityType, "stix_entity": stix, "stix_objects": nil}
	return map[string]any{"internal": internal, "event": event}, w.ID, nil
}

// PlaybookRequest is a playbook step "Enrich through connector".
type PlaybookRequest struct {
	ConnectorID string
	// Bundle is the playbook's current bundle (STIX JSON).
	Bundle []byte
	// EntityID is the STIX id of the bundle's main object.
	EntityID string
	// PlaybookID, StepID and PreviousStepID name the playbook and steps;
	// generated when empty.
	PlaybookID, StepID, PreviousStepID string
}

// PlaybookReply is a playbookStepExecution call a connector made.
type PlaybookReply struct {
	ExecutionID, EventID, PlaybookID, StepID, PreviousStepID, DataInstanceID string
	ExecutionStart                                                           time.Time
	PreviousBundle, Bundle                                                   string
}

// AskPlaybookEnrichment publishes the message of a playbook step to the
// connector: no work, the automation user as applicant, internal.playbook
// and the bundle as a JSON object. It returns the execution id; the
// connector's reply shows in PlaybookReplies. The reply mutation is only
// served with a schema that has it (WithSchema and the platform's full
// schema).
func (s *Server) AskPlaybookEnrichment(ctx context.Context, r PlaybookRequest) (string, error) {
	if s.broker == nil {
		return "", ErrNoBroker
	}
	var bundle map[string]any
	if err := json.Unmarshal(r.Bundle, &bundle); err != nil {
		return "", fmt.Errorf("ask playbook enrichment: bundle is not a JSON object: %w", err)
	}
	for _, p := range []*string{&r.PlaybookID, &r.StepID, &r.PreviousStepID} {
		if *p == "" {
			*p = uuid.NewString()
		}
	}
	s.mu.Lock()
	c, _, err := s.requestParties(r.ConnectorID, "")
	var entityType string
	if e := s.data.get(r.EntityID); e != nil {
		entityType = e.entityType
	}
	s.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("ask playbook enrichment: %w", err)
	}
	exec := uuid.NewString()
	s.kinds.mu.Lock()
	s.kinds.playbook[exec] = r
	s.kinds.mu.Unlock()
	eventID := fmt.Sprintf("%d-0", s.cfg.clock().UnixMilli())
	internal := map[string]any{"work_id": nil, "applicant_id": AdminID, "trigger": "update",
		"mode": "auto", "playbook": map[string]any{"event_id": eventID, "execution_id": exec,
			"playbook_id": r.PlaybookID, "data_instance_id": r.EntityID, "step_id": r.StepID,
			"previous_step_id": r.PreviousStepID}}
	event := map[string]any{"entity_id": r.EntityID, "bundle": bundle}
	if entityType != "" {
		event["entity_type"] = entityType
	}
	msg := map[string]any{"internal": internal, "event": event}
	return exec, s.publishRequest(ctx, c.ID, "playbook "+exec, msg)
}

// PlaybookReplies returns the playbookStepExecution calls received, oldest
// first.
func (s *Server) PlaybookReplies() []PlaybookReply {
	s.kinds.mu.Lock()
	defer s.kinds.mu.Unlock()
	return slices.Clone(s.kinds.replies)
}

// playbookStepExecution records a connector's reply. It returns false when
// the execution, playbook or step is unknown, as the platform does when
// they no longer exist.
func (s *Server) playbookStepExecution(_ context.Context, _ *requestContext,
	f *gqlexec.Field) (any, error) {
	r := PlaybookReply{ExecutionID: strArg(f.Args, "execution_id"),
		EventID: strArg(f.Args, "event_id"), PlaybookID: strArg(f.Args, "playbook_id"),
		StepID: strArg(f.Args, "step_id"), PreviousStepID: strArg(f.Args, "previous_step_id"),
		DataInstanceID: strArg(f.Args, "data_instance_id"),
		PreviousBundle: strArg(f.Args, "previous_bundle"), Bundle: strArg(f.Args, "bundle")}
	r.ExecutionStart, _ = time.Parse(time.RFC3339Nano, strArg(f.Args, "execution_start"))
	if !json.Valid([]byte(r.Bundle)) {
		return nil, errFunctional("playbookStepExecution: bundle is not JSON")
	}
	s.kinds.mu.Lock()
	defer s.kinds.mu.Unlock()
	req, ok := s.kinds.playbook[r.ExecutionID]
	if !ok || req.PlaybookID != r.PlaybookID || req.StepID != r.StepID {
		return false, nil
	}
	s.kinds.replies = append(s.kinds.replies, r)
	return true, nil
}
