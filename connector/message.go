package connector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Message is one delivery from the listen queue, decoded. The handler gets
// it by pointer and may keep it only until it returns.
type Message struct {
	// Internal is the envelope's framework part: work, applicant, draft.
	Internal Internal
	// Event is the raw `event` object, always set.
	Event json.RawMessage
	// Configuration is the top-level `configuration` member (import file
	// messages), or nil.
	Configuration json.RawMessage
	// Redelivered reports that the broker delivered this message before.
	Redelivered bool

	// Export is the decoded event of an INTERNAL_EXPORT_FILE connector.
	Export *ExportEvent
	// Enrichment is the decoded event of an INTERNAL_ENRICHMENT connector.
	Enrichment *EnrichmentEvent
	// ImportFile is the decoded event of an INTERNAL_IMPORT_FILE connector.
	ImportFile *ImportFileEvent

	conn *Connector
	// received is when the message was decoded: a playbook reply's
	// execution_start.
	received time.Time
}

// Internal is the `internal` member of a message. Missing and null keys
// both decode to "".
type Internal struct {
	// WorkID is the work to report on; "" means no work calls at all.
	WorkID string `json:"work_id"`
	// ApplicantID is the user to impersonate for reads on their behalf;
	// "" means the connector's own user.
	ApplicantID string `json:"applicant_id"`
	// DraftID is the draft context, or "".
	DraftID string `json:"draft_id"`
	// Trigger is "create", "update" or "" (informative).
	Trigger string `json:"trigger"`
	// Mode is "manual" or "auto" (informative).
	Mode string `json:"mode"`
	// Playbook is set only for playbook executions.
	Playbook *PlaybookContext `json:"playbook"`
}

// PlaybookContext is `internal.playbook`.
type PlaybookContext struct {
	EventID        string `json:"event_id"`
	ExecutionID    string `json:"execution_id"`
	PlaybookID     string `json:"playbook_id"`
	DataInstanceID string `json:"data_instance_id"`
	StepID         string `json:"step_id"`
	PreviousStepID string `json:"previous_step_id"`
}

// ExportScope is `event.export_scope`.
type ExportScope string

// The export scopes.
const (
	ScopeSingle    ExportScope = "single"
	ScopeSelection ExportScope = "selection"
	ScopeQuery     ExportScope = "query"
)

// ExportType is `event.export_type`.
type ExportType string

// The export modes.
const (
	ExportSimple ExportType = "simple"
	ExportFull   ExportType = "full"
)

// ExportEvent is the event of an export request (platform 6.1 and later).
// The filters are opaque: their shape changed between platform releases, so
// they must be passed unchanged to GraphQL filters arguments.
type ExportEvent struct {
	EventType   string      `json:"event_type"`
	ExportScope ExportScope `json:"export_scope"`
	ExportType  ExportType  `json:"export_type"`
	// Format is the requested MIME type.
	Format string `json:"format"`
	// FileName is the name the uploaded file must carry, unchanged.
	FileName string `json:"file_name"`
	// EntityID is the exported entity (single), or the entity whose page a
	// list sits on; "" for global lists.
	EntityID   string `json:"entity_id"`
	EntityName string `json:"entity_name"`
	EntityType string `json:"entity_type"`
	// FileMarkings are marking-definition ids for the produced file.
	FileMarkings []string `json:"file_markings"`
	// MainFilter is a FilterGroup, or nil.
	MainFilter json.RawMessage `json:"main_filter"`
	// AccessFilter is a FilterGroup, or nil.
	AccessFilter json.RawMessage `json:"access_filter"`
	// SelectedIDs are the ticked ids of a selection export.
	SelectedIDs []string `json:"selected_ids"`
	// ListParams is the list query of a query export (and of selections on
	// 7.x), or nil.
	ListParams *ListParams `json:"list_params"`
	// MaxMarking is the marking limit of platforms before 6.1.
	MaxMarking string `json:"max_marking"`
}

// ListParams is `event.list_params`. Raw keeps the member exactly as
// received, because query exports store it as the file's listFilters.
type ListParams struct {
	Search    string `json:"search"`
	OrderBy   string `json:"orderBy"`
	OrderMode string `json:"orderMode"`
	// Filters is a FilterGroup, or nil.
	Filters        json.RawMessage `json:"filters"`
	VisibleColumns json.RawMessage `json:"visible_columns"`
	Raw            json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the fields and keeps the raw text.
func (p *ListParams) UnmarshalJSON(data []byte) error {
	type plain ListParams
	var v plain
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*p = ListParams(v)
	p.Raw = append(json.RawMessage(nil), data...)
	p.Filters = nullToNil(p.Filters)
	p.VisibleColumns = nullToNil(p.VisibleColumns)
	return nil
}

// EnrichmentEvent is the event of an enrichment request. StixEntity and
// StixObjects arrive as JSON strings; they are decoded here to raw JSON.
type EnrichmentEvent struct {
	EventType string `json:"event_type"`
	// EntityID is the entity's standard (STIX) id.
	EntityID   string `json:"entity_id"`
	EntityType string `json:"entity_type"`
	// StixEntity is the entity as STIX 2.1, a JSON object, or nil when the
	// platform could not load it. For a playbook message it is the member
	// of Bundle whose id is EntityID.
	StixEntity json.RawMessage `json:"-"`
	// StixObjects is the platform-built list or bundle, usually nil.
	StixObjects json.RawMessage `json:"-"`
	// Bundle is the playbook's current bundle (playbook messages only).
	Bundle json.RawMessage `json:"bundle"`
}

// ImportFileEvent is the event of a file import request.
type ImportFileEvent struct {
	FileID       string   `json:"file_id"`
	FileMime     string   `json:"file_mime"`
	FileMarkings []string `json:"file_markings"`
	// FileFetch is the storage path, "/storage/get/<file id>".
	FileFetch        string `json:"file_fetch"`
	EntityID         string `json:"entity_id"`
	ValidationMode   string `json:"validation_mode"`
	BypassValidation bool   `json:"bypass_validation"`
	ForceValidation  bool   `json:"force_validation"`
}

type envelope struct {
	Internal      *Internal       `json:"internal"`
	Event         json.RawMessage `json:"event"`
	Configuration json.RawMessage `json:"configuration"`
}

// exportEnvelope decodes an export message in one pass; the raw event is
// then sliced out of the body with [memberRaw].
type exportEnvelope struct {
	Internal      *Internal       `json:"internal"`
	Event         *ExportEvent    `json:"event"`
	Configuration json.RawMessage `json:"configuration"`
}

// DecodeMessage decodes a listen-queue body for a connector of type typ and
// checks the fields the framework and that kind of event rely on. The error
// is a [*MessageError] naming the work id when it is readable.
func DecodeMessage(body []byte, typ ConnectorType) (*Message, error) {
	if typ == TypeInternalExportFile {
		return decodeExportMessage(body)
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, &MessageError{WorkID: invalidBodyWorkID(body), Reason: invalidReason(body, err)}
	}
	msg := &Message{Event: nullToNil(env.Event), Configuration: nullToNil(env.Configuration),
		received: time.Now().UTC()}
	if env.Internal != nil {
		msg.Internal = *env.Internal
	}
	if msg.Event == nil || msg.Event[0] != '{' {
		return nil, &MessageError{WorkID: msg.Internal.WorkID, Reason: "missing event object"}
	}
	var err error
	switch typ {
	case TypeInternalEnrichment:
		msg.Enrichment, err = decodeEnrichment(msg.Event)
	case TypeInternalImportFile:
		msg.ImportFile, err = decodeImportFile(msg.Event)
	}
	if err != nil {
		return nil, &MessageError{WorkID: msg.Internal.WorkID, Reason: err.Error()}
	}
	return msg, nil
}

// decodeExportMessage is DecodeMessage for export connectors, the hot
// path: one decoding pass instead of two.
func decodeExportMessage(body []byte) (*Message, error) {
	var env exportEnvelope
	if err := json.Unmarshal(body, &env); err != nil {
		reason := invalidReason(body, err)
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field == "event" {
			reason = "missing event object"
		} else if strings.HasPrefix(reason, "invalid envelope") {
			reason = "export event: " + err.Error()
		}
		return nil, &MessageError{WorkID: invalidBodyWorkID(body), Reason: reason}
	}
	msg := &Message{Configuration: nullToNil(env.Configuration)}
	if env.Internal != nil {
		msg.Internal = *env.Internal
	}
	if env.Event == nil {
		return nil, &MessageError{WorkID: msg.Internal.WorkID, Reason: "missing event object"}
	}
	if err := checkExport(env.Event); err != nil {
		return nil, &MessageError{WorkID: msg.Internal.WorkID, Reason: err.Error()}
	}
	msg.Export = env.Event
	if msg.Event = memberRaw(body, "event"); msg.Event == nil {
		// encoding/json matched a key such as "Event" case-insensitively.
		var raw envelope
		_ = json.Unmarshal(body, &raw)
		msg.Event = raw.Event
	}
	return msg, nil
}

// invalidReason distinguishes a body that is not JSON from an envelope
// whose members have the wrong type.
func invalidReason(body []byte, err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && json.Valid(body) {
		if strings.HasPrefix(typeErr.Field, "internal") {
			return "invalid internal member: " + err.Error()
		}
		if typeErr.Field == "" {
			return "body is not a JSON object: " + err.Error()
		}
		return "invalid envelope: " + err.Error()
	}
	return "body is not a JSON object: " + err.Error()
}

// checkExport normalises null filters and checks the fields every export
// needs.
func checkExport(ev *ExportEvent) error {
	ev.MainFilter = nullToNil(ev.MainFilter)
	ev.AccessFilter = nullToNil(ev.AccessFilter)
	switch ev.ExportScope {
	case ScopeSingle, ScopeSelection, ScopeQuery:
	default:
		return fmt.Errorf("export event: invalid export_scope %q: "+
			"expected single, selection or query", ev.ExportScope)
	}
	switch ev.ExportType {
	case ExportSimple, ExportFull:
	default:
		return fmt.Errorf("export event: invalid export_type %q: expected simple or full",
			ev.ExportType)
	}
	if ev.FileName == "" {
		return fmt.Errorf("export event: missing file_name")
	}
	if ev.EntityType == "" {
		return fmt.Errorf("export event: missing entity_type")
	}
	if ev.ExportScope == ScopeSingle && ev.EntityID == "" {
		return fmt.Errorf("export event: missing entity_id for a single export")
	}
	return nil
}

func decodeEnrichment(raw json.RawMessage) (*EnrichmentEvent, error) {
	var ev EnrichmentEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, fmt.Errorf("enrichment event: %w", err)
	}
	ev.Bundle = nullToNil(ev.Bundle)
	if ev.EntityID == "" {
		return nil, fmt.Errorf("enrichment event: missing entity_id")
	}
	var strs struct {
		StixEntity  json.RawMessage `json:"stix_entity"`
		StixObjects json.RawMessage `json:"stix_objects"`
	}
	if err := json.Unmarshal(raw, &strs); err != nil {
		return nil, fmt.Errorf("enrichment event: %w", err)
	}
	var err error
	if ev.StixEntity, err = embeddedJSON(strs.StixEntity, "{"); err != nil {
		return nil, fmt.Errorf("enrichment event: stix_entity: %w", err)
	}
	if ev.StixObjects, err = embeddedJSON(strs.StixObjects, "[{"); err != nil {
		return nil, fmt.Errorf("enrichment event: stix_objects: %w", err)
	}
	fillFromPlaybookBundle(&ev)
	return &ev, nil
}

func decodeImportFile(raw json.RawMessage) (*ImportFileEvent, error) {
	var ev ImportFileEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		return nil, fmt.Errorf("import file event: %w", err)
	}
	if ev.FileID == "" {
		return nil, fmt.Errorf("import file event: missing file_id")
	}
	// The id becomes a path under /storage/get/, so a "." or ".." segment
	// would point the download at another platform path.
	for seg := range strings.SplitSeq(strings.TrimPrefix(ev.FileID, "/storage/get/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return nil, fmt.Errorf("import file event: invalid file_id %q: "+
				"expected a storage key such as import/global/name.txt", ev.FileID)
		}
	}
	return &ev, nil
}

// embeddedJSON decodes a member that contains JSON inside a JSON string,
// or given directly. null, "" and "null" give nil. The value must start
// with one of the characters of starts: "{" for an object, "[{" for an
// array or an object.
func embeddedJSON(member json.RawMessage, starts string) (json.RawMessage, error) {
	member = nullToNil(member)
	if member == nil {
		return nil, nil
	}
	value := member
	if member[0] == '"' {
		var text string
		if err := json.Unmarshal(member, &text); err != nil {
			return nil, err
		}
		if !json.Valid([]byte(text)) && strings.TrimSpace(text) != "" {
			return nil, errors.New("the string does not contain JSON")
		}
		if value = nullToNil(json.RawMessage(text)); value == nil {
			return nil, nil
		}
	}
	if !strings.ContainsRune(starts, rune(value[0])) {
		want := "a JSON object"
		if starts != "{" {
			want = "a JSON array or object"
		}
		return nil, fmt.Errorf("%.40s is not %s", value, want)
	}
	return value, nil
}

func isNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}

func nullToNil(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || isNull(raw) {
		return nil
	}
	return raw
}

// invalidBodyWorkID returns the work id of a body that failed to decode.
// A valid JSON body gives internal.work_id when it is a string, and only
// that, because a work_id key elsewhere (in a filter, say) names another
// work. A body that is not JSON is scanned with scanWorkID.
func invalidBodyWorkID(body []byte) string {
	if !json.Valid(body) {
		return scanWorkID(body)
	}
	var env struct {
		Internal struct {
			WorkID any `json:"work_id"`
		} `json:"internal"`
	}
	// A member of the wrong type leaves its field empty and the decoding
	// goes on, so the error is not needed.
	_ = json.Unmarshal(body, &env)
	id, _ := env.Internal.WorkID.(string)
	return id
}

var workIDPattern = regexp.MustCompile(`"work_id"\s*:\s*"([^"\\\x00-\x1f]{1,256})"`)

// scanWorkID finds a work id in a body that is not valid JSON, such as a
// truncated message, so that its work can still be marked in error.
func scanWorkID(body []byte) string {
	m := workIDPattern.FindSubmatch(body)
	if m == nil {
		return ""
	}
	return string(m[1])
}
