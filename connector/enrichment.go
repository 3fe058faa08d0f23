package connector

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
)

// extOpenCTI is the OpenCTI STIX extension that carries granted_refs.
const extOpenCTI = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"

// PlaybookPlatform is implemented by a [Platform] that can hand a bundle
// back to a playbook. [Message.SendBundle] needs it for playbook messages.
type PlaybookPlatform interface {
	// PlaybookStepExecution runs `mutation playbookStepExecution(...)`. It
	// returns false when the playbook or one of its two steps no longer
	// exists.
	PlaybookStepExecution(ctx context.Context, in PlaybookStepInput) (bool, error)
}

// PlaybookStepInput holds the arguments of playbookStepExecution.
type PlaybookStepInput struct {
	ExecutionID    string
	EventID        string
	ExecutionStart time.Time
	DataInstanceID string
	PlaybookID     string
	PreviousStepID string
	StepID         string
	// PreviousBundle is the bundle the step received, as JSON text.
	PreviousBundle string
	// Bundle is the reply, as JSON text.
	Bundle string
}

// IsPlaybook reports whether the message comes from a playbook step: its
// reply goes back to the playbook and it has no work.
func (m *Message) IsPlaybook() bool { return m.Internal.Playbook != nil }

// GrantedRefs returns the organisations the enriched entity is shared
// with: the x_opencti_granted_refs key of StixEntity, or else granted_refs
// in its OpenCTI extension.
func (e *EnrichmentEvent) GrantedRefs() []string {
	if e == nil || e.StixEntity == nil {
		return nil
	}
	var obj struct {
		Granted    []string `json:"x_opencti_granted_refs"`
		Extensions map[string]struct {
			Granted []string `json:"granted_refs"`
		} `json:"extensions"`
	}
	if json.Unmarshal(e.StixEntity, &obj) != nil {
		return nil
	}
	if len(obj.Granted) > 0 {
		return obj.Granted
	}
	return obj.Extensions[extOpenCTI].Granted
}

// ReceivedObjects returns the objects the message brought: the playbook
// bundle's objects, else the StixObjects list (or bundle), else the
// StixEntity alone.
func (e *EnrichmentEvent) ReceivedObjects() []json.RawMessage {
	if objs := bundleObjects(e.Bundle); objs != nil {
		return objs
	}
	if len(e.StixObjects) > 0 && e.StixObjects[0] == '[' {
		var objs []json.RawMessage
		if json.Unmarshal(e.StixObjects, &objs) == nil {
			return objs
		}
	}
	if objs := bundleObjects(e.StixObjects); objs != nil {
		return objs
	}
	if e.StixEntity != nil {
		return []json.RawMessage{e.StixEntity}
	}
	return nil
}

// ReplyBundle builds the bundle to send back: the received objects (see
// [EnrichmentEvent.ReceivedObjects]) followed by objects. An object whose
// id was already present replaces it. A playbook step needs the received
// objects in its reply, or the playbook loses them on platforms before
// 6.9.6.
func (e *EnrichmentEvent) ReplyBundle(objects ...json.RawMessage) ([]byte, error) {
	all := append(e.ReceivedObjects(), objects...)
	var out []json.RawMessage
	index := map[string]int{}
	for i, obj := range all {
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(obj, &head); err != nil {
			return nil, fmt.Errorf("reply bundle: object %d is not a JSON object: %w", i, err)
		}
		if at, seen := index[head.ID]; seen && head.ID != "" {
			out[at] = obj
			continue
		}
		index[head.ID] = len(out)
		out = append(out, obj)
	}
	return marshalNoEscape(map[string]any{"type": "bundle", "id": "bundle--" + uuid.NewString(),
		"spec_version": "2.1", "objects": out})
}

func bundleObjects(raw json.RawMessage) []json.RawMessage {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	var b struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if json.Unmarshal(raw, &b) != nil {
		return nil
	}
	return b.Objects
}

// fillFromPlaybookBundle sets StixEntity from the playbook bundle's
// member whose id is the entity id, as pycti does for playbook messages.
func fillFromPlaybookBundle(ev *EnrichmentEvent) {
	if ev.StixEntity != nil {
		return
	}
	for _, obj := range bundleObjects(ev.Bundle) {
		var head struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(obj, &head) == nil && head.ID == ev.EntityID {
			ev.StixEntity = obj
			return
		}
	}
}

// enrichmentReply prepares a bundle sent for an enrichment message: it
// shares every object with the entity's organisations and, for a playbook
// message, hands the bundle back to the playbook (done is then true).
func (m *Message) enrichmentReply(ctx context.Context, bundle []byte) (
	out []byte, res SendResult, done bool, err error) {
	out, err = shareWithOrganizations(bundle, m.Enrichment.GrantedRefs())
	if err != nil {
		return nil, res, true, fmt.Errorf("send bundle: %w", err)
	}
	if !m.IsPlaybook() {
		return out, res, false, nil
	}
	pp, ok := m.conn.platform.(PlaybookPlatform)
	if !ok {
		return nil, res, true, fmt.Errorf("send bundle to playbook %s: %w",
			m.Internal.Playbook.PlaybookID, ErrUnsupported)
	}
	pb := m.Internal.Playbook
	in := PlaybookStepInput{ExecutionID: pb.ExecutionID, EventID: pb.EventID,
		ExecutionStart: m.received.Truncate(time.Second), DataInstanceID: pb.DataInstanceID,
		PlaybookID: pb.PlaybookID, PreviousStepID: pb.PreviousStepID, StepID: pb.StepID,
		PreviousBundle: string(m.Enrichment.Bundle), Bundle: string(out)}
	if in.PreviousBundle == "" {
		in.PreviousBundle = "{}"
	}
	ok, err = pp.PlaybookStepExecution(ctx, in)
	if err != nil {
		m.conn.metrics.errors.Inc()
		return nil, res, true, fmt.Errorf("send bundle to playbook %s step %s: %w",
			pb.PlaybookID, pb.StepID, err)
	}
	if !ok {
		return nil, res, true, fmt.Errorf("send bundle to playbook %s step %s: %w",
			pb.PlaybookID, pb.StepID, ErrPlaybookGone)
	}
	m.conn.metrics.bundlesSent.Inc()
	return nil, SendResult{Messages: 1}, true, nil
}

// ErrPlaybookGone is returned when the playbook of a reply, or one of its
// two steps, no longer exists on the platform.
var ErrPlaybookGone = errors.New("playbook or step no longer exists")

// shareWithOrganizations adds orgs to every object of the bundle: to
// granted_refs of the OpenCTI extension when the object has it, otherwise
// to x_opencti_granted_refs, each united with the ids already there.
func shareWithOrganizations(bundle []byte, orgs []string) ([]byte, error) {
	if len(orgs) == 0 {
		return bundle, nil
	}
	var b map[string]json.RawMessage
	if err := json.Unmarshal(bundle, &b); err != nil {
		return nil, fmt.Errorf("bundle is not a JSON object: %w", err)
	}
	var objects []map[string]json.RawMessage
	if err := json.Unmarshal(b["objects"], &objects); err != nil {
		return nil, fmt.Errorf("bundle objects: %w", err)
	}
	for _, obj := range objects {
		if err := shareObject(obj, orgs); err != nil {
			return nil, err
		}
	}
	var err error
	if b["objects"], err = json.Marshal(objects); err != nil {
		return nil, err
	}
	return marshalNoEscape(b)
}

func shareObject(obj map[string]json.RawMessage, orgs []string) error {
	var exts map[string]map[string]json.RawMessage
	if raw, ok := obj["extensions"]; ok {
		_ = json.Unmarshal(raw, &exts)
	}
	if ext, ok := exts[extOpenCTI]; ok && ext != nil {
		merged, err := unite(ext["granted_refs"], orgs)
		if err != nil {
			return err
		}
		ext["granted_refs"] = merged
		obj["extensions"], err = json.Marshal(exts)
		return err
	}
	merged, err := unite(obj["x_opencti_granted_refs"], orgs)
	obj["x_opencti_granted_refs"] = merged
	return err
}

func unite(existing json.RawMessage, add []string) (json.RawMessage, error) {
	var ids []string
	if len(existing) > 0 && !isNull(existing) {
		if err := json.Unmarshal(existing, &ids); err != nil {
			return nil, fmt.Errorf("granted_refs is not a list of ids: %w", err)
		}
	}
	for _, id := range add {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return json.Marshal(ids)
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
