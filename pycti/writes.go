package pycti

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/Khan/genqlient/graphql"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// Ref identifies an element a write created or changed.
type Ref struct {
	ID         string `json:"id"`
	StandardID string `json:"standard_id"`
	EntityType string `json:"entity_type"`
}

// EntityKind names a type that Create accepts.
type EntityKind string

// Creatable kinds, each with its platform input type.
const (
	KindMalware           EntityKind = "Malware"            // MalwareAddInput
	KindIndicator         EntityKind = "Indicator"          // IndicatorAddInput
	KindReport            EntityKind = "Report"             // ReportAddInput
	KindIdentity          EntityKind = "Identity"           // IdentityAddInput
	KindIntrusionSet      EntityKind = "Intrusion-Set"      // IntrusionSetAddInput
	KindAttackPattern     EntityKind = "Attack-Pattern"     // AttackPatternAddInput
	KindVulnerability     EntityKind = "Vulnerability"      // VulnerabilityAddInput
	KindThreatActorGroup  EntityKind = "Threat-Actor-Group" // ThreatActorGroupAddInput
	KindCampaign          EntityKind = "Campaign"           // CampaignAddInput
	KindTool              EntityKind = "Tool"               // ToolAddInput
	KindLocation          EntityKind = "Location"           // LocationAddInput
	KindNote              EntityKind = "Note"               // NoteAddInput
	KindRelationship      EntityKind = "stix-core-relationship"
	KindSighting          EntityKind = "stix-sighting-relationship"
	KindLabel             EntityKind = "Label"              // LabelAddInput
	KindExternalReference EntityKind = "External-Reference" // ExternalReferenceAddInput
	KindMarkingDefinition EntityKind = "Marking-Definition" // MarkingDefinitionAddInput
)

type operation struct{ name, query string }

var createOps = map[EntityKind]operation{
	KindMalware:           {"CreateMalware", gen.CreateMalware_Operation},
	KindIndicator:         {"CreateIndicator", gen.CreateIndicator_Operation},
	KindReport:            {"CreateReport", gen.CreateReport_Operation},
	KindIdentity:          {"CreateIdentity", gen.CreateIdentity_Operation},
	KindIntrusionSet:      {"CreateIntrusionSet", gen.CreateIntrusionSet_Operation},
	KindAttackPattern:     {"CreateAttackPattern", gen.CreateAttackPattern_Operation},
	KindVulnerability:     {"CreateVulnerability", gen.CreateVulnerability_Operation},
	KindThreatActorGroup:  {"CreateThreatActorGroup", gen.CreateThreatActorGroup_Operation},
	KindCampaign:          {"CreateCampaign", gen.CreateCampaign_Operation},
	KindTool:              {"CreateTool", gen.CreateTool_Operation},
	KindLocation:          {"CreateLocation", gen.CreateLocation_Operation},
	KindNote:              {"CreateNote", gen.CreateNote_Operation},
	KindRelationship:      {"CreateRelationship", gen.CreateRelationship_Operation},
	KindSighting:          {"CreateSighting", gen.CreateSighting_Operation},
	KindLabel:             {"CreateLabel", gen.CreateLabel_Operation},
	KindExternalReference: {"CreateExternalReference", gen.CreateExternalReference_Operation},
	KindMarkingDefinition: {"CreateMarkingDefinition", gen.CreateMarkingDefinition_Operation},
}

// Create creates an element of the given kind, or upserts it when one with
// the same standard id exists (set Update, or "update": true, in the input
// to overwrite its fields).
//
// input is the kind's typed input (MalwareInput for KindMalware,
// RelationshipInput for KindRelationship, and so on), or any other value
// that encodes as a JSON object with the platform's input field names,
// such as map[string]any{"name": "Emotet", "is_family": false}. A typed
// input of another kind, or with a required field empty, is rejected
// before anything is sent. Typed inputs leave unset optional fields out;
// with a map, send only fields the platform's version knows, because an
// unknown field fails the mutation with ErrInvalidRequest.
func (c *Client) Create(ctx context.Context, kind EntityKind, input any) (Ref, error) {
	op, ok := createOps[kind]
	if !ok {
		return Ref{}, fmt.Errorf("create: unknown kind %q: use one of the Kind constants", kind)
	}
	if err := checkInput(kind, input); err != nil {
		return Ref{}, fmt.Errorf("create %s: %w", kind, err)
	}
	raw, err := inputObject(input)
	if err != nil {
		return Ref{}, fmt.Errorf("create %s: %w", kind, err)
	}
	ref, err := c.write(ctx, op, map[string]any{"input": raw}, "")
	if err != nil {
		return Ref{}, fmt.Errorf("create %s: %w", kind, err)
	}
	return ref, nil
}

func inputObject(input any) (json.RawMessage, error) {
	raw, err := json.Marshal(input)
	if err != nil {
		return nil, fmt.Errorf("encode input: %w", err)
	}
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return nil, fmt.Errorf("input encodes as %.40s, want a JSON object", raw)
	}
	return raw, nil
}

// Observable is an observable to create with CreateObservable.
type Observable struct {
	// Type is the observable type, such as "IPv4-Addr", "Domain-Name" or
	// "StixFile".
	Type string
	// Fields are the type's own fields: ObservableValue, FileFields or
	// AutonomousSystemFields, or any value that encodes as a JSON object
	// with the type's input field names, such as
	// map[string]any{"value": "198.51.100.7"}. nil sends no field.
	Fields any
	// Common fields, left out when empty.
	StixID             string
	Score              *int // x_opencti_score
	Description        string
	CreateIndicator    bool
	CreatedBy          string
	ObjectMarking      []string
	ObjectLabel        []string
	ExternalReferences []string
	Update             bool
}

// observableArgs lists the argument each observable type's fields go in.
var observableArgs = []string{"AutonomousSystem", "Directory", "DomainName", "EmailAddr",
	"EmailMessage", "EmailMimePartType", "Artifact", "StixFile", "X509Certificate", "IPv4Addr",
	"IPv6Addr", "MacAddr", "Mutex", "NetworkTraffic", "Process", "Software", "Url",
	"UserAccount", "WindowsRegistryKey", "WindowsRegistryValueType", "CryptographicKey",
	"CryptocurrencyWallet", "Hostname", "Text", "UserAgent", "BankAccount", "Credential",
	"TrackingNumber", "PhoneNumber", "PaymentCard", "MediaContent", "Persona"}

// CreateObservable creates or upserts an observable.
func (c *Client) CreateObservable(ctx context.Context, o Observable) (Ref, error) {
	arg := strings.ReplaceAll(o.Type, "-", "")
	known := false
	for _, a := range observableArgs {
		known = known || a == arg
	}
	if !known {
		return Ref{}, fmt.Errorf("create observable: unknown type %q: use a type such as "+
			"IPv4-Addr, Domain-Name or StixFile", o.Type)
	}
	fields := json.RawMessage("{}")
	if o.Fields != nil {
		raw, err := inputObject(o.Fields)
		if err != nil {
			return Ref{}, fmt.Errorf("create observable %s: %w", o.Type, err)
		}
		fields = raw
	}
	vars := map[string]any{"observableType": o.Type, arg: fields}
	for k, v := range map[string]string{"stix_id": o.StixID, "x_opencti_description": o.Description,
		"createdBy": o.CreatedBy} {
		if v != "" {
			vars[k] = v
		}
	}
	for k, v := range map[string][]string{"objectMarking": o.ObjectMarking,
		"objectLabel": o.ObjectLabel, "externalReferences": o.ExternalReferences} {
		if len(v) > 0 {
			vars[k] = v
		}
	}
	if o.Score != nil {
		vars["x_opencti_score"] = *o.Score
	}
	if o.CreateIndicator {
		vars["createIndicator"] = true
	}
	if o.Update {
		vars["update"] = true
	}
	ref, err := c.write(ctx, operation{"CreateObservable", gen.CreateObservable_Operation}, vars, "")
	if err != nil {
		return Ref{}, fmt.Errorf("create observable %s: %w", o.Type, err)
	}
	return ref, nil
}

// EditKind names the family of an element that Update and Delete accept.
type EditKind string

// Editable families.
const (
	EditStixDomainObject         EditKind = "StixDomainObject"
	EditStixCyberObservable      EditKind = "StixCyberObservable"
	EditStixCoreRelationship     EditKind = "StixCoreRelationship"
	EditStixSightingRelationship EditKind = "StixSightingRelationship"
	EditLabel                    EditKind = "Label"
	EditExternalReference        EditKind = "ExternalReference"
	EditMarkingDefinition        EditKind = "MarkingDefinition"
)

var updateOps = map[EditKind][2]operation{
	EditStixDomainObject: {{"UpdateStixDomainObject", gen.UpdateStixDomainObject_Operation},
		{"DeleteStixDomainObject", gen.DeleteStixDomainObject_Operation}},
	EditStixCyberObservable: {{"UpdateStixCyberObservable", gen.UpdateStixCyberObservable_Operation},
		{"DeleteStixCyberObservable", gen.DeleteStixCyberObservable_Operation}},
	EditStixCoreRelationship: {{"UpdateStixCoreRelationship", gen.UpdateStixCoreRelationship_Operation},
		{"DeleteStixCoreRelationship", gen.DeleteStixCoreRelationship_Operation}},
	EditStixSightingRelationship: {{"UpdateStixSightingRelationship",
		gen.UpdateStixSightingRelationship_Operation},
		{"DeleteStixSightingRelationship", gen.DeleteStixSightingRelationship_Operation}},
	EditLabel: {{"UpdateLabel", gen.UpdateLabel_Operation},
		{"DeleteLabel", gen.DeleteLabel_Operation}},
	EditExternalReference: {{"UpdateExternalReference", gen.UpdateExternalReference_Operation},
		{"DeleteExternalReference", gen.DeleteExternalReference_Operation}},
	EditMarkingDefinition: {{"UpdateMarkingDefinition", gen.UpdateMarkingDefinition_Operation},
		{"DeleteMarkingDefinition", gen.DeleteMarkingDefinition_Operation}},
}

// FieldEdit changes one field (an EditInput).
type FieldEdit struct {
	// Key is the field's input name, such as "description" or
	// "objectMarking".
	Key string
	// Values are the new values; each must encode as JSON.
	Values []any
	// Operation is "replace" (the default when empty), "add" or "remove".
	Operation string
}

// editInput is the JSON form of the platform's EditInput.
type editInput struct {
	Key       string            `json:"key"`
	Value     []json.RawMessage `json:"value"`
	Operation string            `json:"operation,omitempty"`
}

// Update changes fields of the element with the given id and returns it.
func (c *Client) Update(ctx context.Context, kind EditKind, id string, edits ...FieldEdit) (Ref, error) {
	ops, ok := updateOps[kind]
	if !ok {
		return Ref{}, fmt.Errorf("update %s: unknown kind %q", id, kind)
	}
	input := make([]editInput, 0, len(edits))
	for _, e := range edits {
		in := editInput{Key: e.Key, Operation: e.Operation}
		for _, v := range e.Values {
			b, err := json.Marshal(v)
			if err != nil {
				return Ref{}, fmt.Errorf("update %s field %s: %w", id, e.Key, err)
			}
			in.Value = append(in.Value, b)
		}
		if in.Value == nil {
			in.Value = []json.RawMessage{}
		}
		input = append(input, in)
	}
	ref, err := c.write(ctx, ops[0], map[string]any{"id": id, "input": input}, "fieldPatch")
	if err != nil {
		return Ref{}, fmt.Errorf("update %s %s: %w", kind, id, err)
	}
	return ref, nil
}

// Delete deletes the element with the given id.
func (c *Client) Delete(ctx context.Context, kind EditKind, id string) error {
	ops, ok := updateOps[kind]
	if !ok {
		return fmt.Errorf("delete %s: unknown kind %q", id, kind)
	}
	var data map[string]map[string]json.RawMessage
	req := &graphql.Request{OpName: ops[1].name, Query: ops[1].query, Variables: map[string]any{"id": id}}
	if err := c.MakeRequest(ctx, req, &graphql.Response{Data: &data}); err != nil {
		return fmt.Errorf("delete %s %s: %w", kind, id, err)
	}
	return nil
}

// write runs a mutation whose result is one element, found under the only
// root field, and under nested when not empty.
func (c *Client) write(ctx context.Context, op operation, vars map[string]any, nested string) (Ref, error) {
	var data map[string]json.RawMessage
	req := &graphql.Request{OpName: op.name, Query: op.query, Variables: vars}
	if err := c.MakeRequest(ctx, req, &graphql.Response{Data: &data}); err != nil {
		return Ref{}, err
	}
	for _, raw := range data {
		if nested != "" {
			var inner map[string]json.RawMessage
			if err := json.Unmarshal(raw, &inner); err != nil {
				return Ref{}, err
			}
			raw = inner[nested]
		}
		var ref Ref
		if err := json.Unmarshal(raw, &ref); err != nil {
			return Ref{}, err
		}
		if ref.ID == "" {
			return Ref{}, ErrNotFound
		}
		return ref, nil
	}
	return Ref{}, ErrNotFound
}
