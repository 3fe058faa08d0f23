package connector_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opencti-go/sdk/connector"
	fp "github.com/opencti-go/sdk/connector/internal/fakeplatform"
)

func importMessage(workID string) map[string]any {
	return map[string]any{
		"internal": map[string]any{"work_id": workID, "applicant_id": "a4c2e6f8-1b3d-4f5a-9c7e-2d4f6a8b0c1e",
			"draft_id": nil, "trigger": "update", "mode": "auto"},
		"event": map[string]any{"file_id": "import/global/feed.json", "file_mime": "application/json",
			"file_fetch": "/storage/get/import/global/feed.json", "file_markings": []string{}},
		"configuration": nil,
	}
}

// queueBody is the worker-queue message as the workers read it.
type queueBody struct {
	BundleType     string   `json:"bundle_type"`
	ApplicantID    *string  `json:"applicant_id"`
	ActionSequence int      `json:"action_sequence"`
	EntitiesTypes  []string `json:"entities_types"`
	Content        string   `json:"content"`
	Update         *bool    `json:"update"`
	DraftID        *string  `json:"draft_id"`
	WorkID         string   `json:"work_id"`
	NoSplit        *bool    `json:"no_split"`
}

func decodePush(t *testing.T, d amqp.Delivery) (queueBody, map[string]any) {
	t.Helper()
	var body queueBody
	if err := json.Unmarshal(d.Body, &body); err != nil {
		t.Fatalf("push message %s: %v", d.Body, err)
	}
	raw, err := base64.StdEncoding.DecodeString(body.Content)
	if err != nil {
		t.Fatalf("content is not standard base64: %v", err)
	}
	var bundle map[string]any
	if err := json.Unmarshal(raw, &bundle); err != nil {
		t.Fatalf("content is not a JSON bundle: %v", err)
	}
	return body, bundle
}

func TestSendBundleFromHandler(t *testing.T) {
	h := newHarness(t, withType(connector.TypeInternalImportFile))
	results := make(chan connector.SendResult, 1)
	h.start(connector.HandlerFunc(func(ctx context.Context, m *connector.Message) (string, error) {
		if m.ImportFile == nil || m.ImportFile.FileID == "" {
			return "", errors.New("import event not decoded")
		}
		res, err := m.SendBundle(ctx, threeObjectBundle, connector.BundleOptions{})
		results <- res
		return "3 objects sent", err
	}))
	id := workID(1)
	h.topo.PublishJSON(t, importMessage(id))
	if !h.platform.WaitFor(20*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, id) == 1
	}) {
		t.Fatal("no processed report")
	}
	if res := <-results; res.Messages != 3 || len(res.Dropped) != 0 {
		t.Errorf("result = %+v, want 3 messages and nothing dropped", res)
	}
	if call := h.platform.Calls(fp.WorkToProcessed)[0]; call.InError {
		t.Fatalf("work in error: %s", call.Message)
	}
	calls := h.platform.Calls(fp.WorkAddExpectations, fp.WorkToProcessed)
	if len(calls) != 2 || calls[0].Method != fp.WorkAddExpectations || calls[0].N != 3 {
		t.Errorf("calls = %+v, want addExpectations(3) before the processed report", calls)
	}
	msgs := h.topo.TakePush(t)
	if len(msgs) != 3 {
		t.Fatalf("push queue holds %d messages, want 3", len(msgs))
	}
	seen := map[string]bool{}
	for i, d := range msgs {
		if d.DeliveryMode != amqp.Persistent || d.ContentEncoding != "utf-8" || d.ContentType != "" {
			t.Errorf("message %d properties: mode %d, encoding %q, type %q", i, d.DeliveryMode,
				d.ContentEncoding, d.ContentType)
		}
		body, bundle := decodePush(t, d)
		if body.BundleType != "QUEUE_BUNDLE" || body.ActionSequence != i+1 || body.WorkID != id {
			t.Errorf("message %d body = %+v", i, body)
		}
		if body.ApplicantID == nil || *body.ApplicantID != "a4c2e6f8-1b3d-4f5a-9c7e-2d4f6a8b0c1e" {
			t.Errorf("message %d applicant = %v, want the message's applicant", i, body.ApplicantID)
		}
		if body.EntitiesTypes == nil || len(body.EntitiesTypes) != 0 {
			t.Errorf("message %d entities_types = %v, want []", i, body.EntitiesTypes)
		}
		if body.Update == nil || *body.Update || body.DraftID != nil || body.NoSplit == nil {
			t.Errorf("message %d update/draft_id/no_split = %v/%v/%v", i, body.Update,
				body.DraftID, body.NoSplit)
		}
		objects := bundle["objects"].([]any)
		if len(objects) != 1 || bundle["id"] != "bundle--5b0e7c1a-2d3f-4a5b-8c6d-7e8f9a0b1c2d" {
			t.Errorf("message %d bundle has %d objects, id %v", i, len(objects), bundle["id"])
		}
		seen[objects[0].(map[string]any)["type"].(string)] = true
	}
	if !seen["identity"] || !seen["indicator"] || !seen["relationship"] {
		t.Errorf("object types sent = %v", seen)
	}
	if first, _ := decodePush(t, msgs[0]); first.ActionSequence != 1 {
		t.Error("first message is not sequence 1")
	}
	_, firstBundle := decodePush(t, msgs[0])
	if typ := firstBundle["objects"].([]any)[0].(map[string]any)["type"]; typ != "identity" {
		t.Errorf("first object is %v, want the identity every other object depends on", typ)
	}
}

func TestSendBundleReportsDroppedObjects(t *testing.T) {
	h := newHarness(t, withType(connector.TypeExternalImport))
	h.start(newCounter())
	bundle := []byte(`{"type":"bundle","id":"bundle--0b1c2d3e-4f5a-4b6c-9d7e-8f9a0b1c2d3e","objects":[
	{"type":"malware","id":"malware--1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a","name":"Snake","is_family":false},
	{"type":"relationship","id":"relationship--2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b",
	 "relationship_type":"uses","source_ref":"malware--1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"},
	{"type":"x-unknown-thing","id":"x-unknown-thing--3f4a5b6c-7d8e-4f9a-8b1c-2d3e4f5a6b7c"}]}`)
	res, err := h.conn.SendBundle(context.Background(), bundle, connector.BundleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Messages != 1 || len(res.Dropped) != 2 {
		t.Errorf("result = %+v, want 1 message and 2 dropped", res)
	}
	if n := len(h.topo.TakePush(t)); n != 1 {
		t.Errorf("push queue holds %d messages, want 1", n)
	}
}

func TestSendBundleNoSplitSendsWhole(t *testing.T) {
	h := newHarness(t, withType(connector.TypeExternalImport))
	h.start(newCounter())
	work, err := h.conn.AddWork(context.Background(), "run", true)
	if err != nil {
		t.Fatal(err)
	}
	res, err := h.conn.SendBundle(context.Background(), threeObjectBundle,
		connector.BundleOptions{WorkID: work, NoSplit: true, DraftID: "draft-1"})
	if err != nil || res.Messages != 1 {
		t.Fatalf("SendBundle = %+v, %v; want 1 message", res, err)
	}
	if calls := h.platform.Calls(fp.WorkAddExpectations); len(calls) != 1 || calls[0].N != 1 {
		t.Errorf("expectations = %+v, want one of 1", calls)
	}
	msgs := h.topo.TakePush(t)
	if len(msgs) != 1 {
		t.Fatalf("push queue holds %d messages, want 1", len(msgs))
	}
	body, bundle := decodePush(t, msgs[0])
	if len(bundle["objects"].([]any)) != 3 || body.NoSplit == nil || !*body.NoSplit {
		t.Errorf("body = %+v, want the whole bundle with no_split", body)
	}
	if body.DraftID == nil || *body.DraftID != "draft-1" {
		t.Errorf("draft_id = %v, want draft-1", body.DraftID)
	}
}

func TestSendBundleUnroutableFails(t *testing.T) {
	h := newHarness(t, withType(connector.TypeExternalImport),
		withOptions(connector.Options{PublishAttempts: 2, ReconnectDelay: 10 * time.Millisecond}))
	h.platform.Registration.Broker.PushRouting = "no-queue-bound-to-this-key"
	h.start(newCounter())
	_, err := h.conn.SendBundle(context.Background(), threeObjectBundle, connector.BundleOptions{})
	var perr *connector.PublishError
	if !errors.As(err, &perr) {
		t.Fatalf("error = %v, want a PublishError", err)
	}
	if perr.Sent != 0 || perr.Total != 3 || perr.Attempts != 2 {
		t.Errorf("PublishError = %+v", perr)
	}
}

func TestSendBundleThroughAPI(t *testing.T) {
	h := newHarness(t, withType(connector.TypeExternalImport),
		withConfig(func(c *connector.Config) { c.QueueProtocol = "api" }))
	h.start(newCounter())
	res, err := h.conn.SendBundle(context.Background(), threeObjectBundle,
		connector.BundleOptions{WorkID: "work-api"})
	if err != nil || res.Messages != 1 {
		t.Fatalf("SendBundle = %+v, %v", res, err)
	}
	calls := h.platform.Calls(fp.StixBundlePush)
	if len(calls) != 1 || calls[0].Message != string(threeObjectBundle) || calls[0].WorkID != "work-api" {
		t.Errorf("stixBundlePush calls = %+v", calls)
	}
	if n := len(h.platform.Calls(fp.WorkAddExpectations)); n != 0 {
		t.Errorf("expectations added = %d, want 0 in API mode", n)
	}
	if n := len(h.topo.TakePush(t)); n != 0 {
		t.Errorf("push queue holds %d messages, want 0", n)
	}
}

func TestWorkOpenedByConnector(t *testing.T) {
	h := newHarness(t, withType(connector.TypeExternalImport))
	h.start(newCounter())
	ctx := context.Background()
	work, err := h.conn.AddWork(ctx, "Feed run @ 2026-03-02T09:00:00Z", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.conn.ReportExpectation(ctx, work, "2 objects skipped"); err != nil {
		t.Fatal(err)
	}
	h.platform.FailNext(fp.WorkToProcessed, nil)
	h.conn.FinishWork(ctx, work, "run done", false)
	calls := h.platform.Calls(fp.WorkAdd, fp.WorkReportExpectation, fp.WorkToProcessed)
	if len(calls) != 4 {
		t.Fatalf("calls = %+v, want workAdd, reportExpectation and two toProcessed", calls)
	}
	if calls[1].Message != "2 objects skipped" || !calls[1].InError {
		t.Errorf("reportExpectation = %+v", calls[1])
	}
	if calls[2].Err == nil || calls[3].Err != nil || calls[3].Message != "run done" {
		t.Errorf("toProcessed calls = %+v, %+v; want a failure then the retry", calls[2], calls[3])
	}
	if rec, _ := h.platform.WorkRecord(work); rec.Status != connector.WorkComplete {
		t.Errorf("work status = %s, want complete", rec.Status)
	}
}
