package connector_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// kindsPlatform is a pyctitest server on the real broker, with a queue
// prefix of its own.
type kindsPlatform struct {
	srv     *pyctitest.Server
	client  *pycti.Client
	amqpURL string
	prefix  string
}

func newKindsPlatform(t *testing.T, opts ...pyctitest.Option) *kindsPlatform {
	t.Helper()
	amqpURL := testenv.AMQPURL(t)
	prefix := "kinds" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	srv, err := pyctitest.NewServer(append([]pyctitest.Option{pyctitest.WithAMQP(amqpURL),
		pyctitest.WithQueuePrefix(prefix)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	return &kindsPlatform{srv: srv, client: client, amqpURL: amqpURL, prefix: prefix}
}

// connector builds a connector of the given type over the platform, and
// deletes its queues at the end of the test.
func (p *kindsPlatform) connector(t *testing.T, id string, typ connector.ConnectorType,
	extra map[string]string) *connector.Connector {
	t.Helper()
	env := map[string]string{"OPENCTI_URL": p.srv.URL, "OPENCTI_TOKEN": p.srv.AdminToken(),
		"CONNECTOR_ID": id, "CONNECTOR_TYPE": string(typ), "CONNECTOR_NAME": "Kinds test"}
	for k, v := range extra {
		env[k] = v
	}
	src, err := connector.NewSource(nil, mapEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := connector.ConfigFromSource(src)
	if err != nil {
		t.Fatal(err)
	}
	cfg.PlaybookCompatible = typ == connector.TypeInternalEnrichment
	conn, err := connector.New(cfg, connector.NewPlatform(p.client), connector.Options{
		Logger: testLogger(t), StartupDelay: 20 * time.Millisecond, PingInterval: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.deleteQueues(t, id) })
	return conn
}

func (p *kindsPlatform) deleteQueues(t *testing.T, id string) {
	conn, err := amqp.Dial(p.amqpURL)
	if err != nil {
		return
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return
	}
	for _, q := range []string{p.prefix + "_listen_" + id, p.prefix + "_push_" + id} {
		_, _ = ch.QueueDelete(q, false, false, false)
	}
}

// queueMessage is a worker-queue message, with its bundle decoded.
type queueMessage struct {
	WorkID      string   `json:"work_id"`
	ApplicantID *string  `json:"applicant_id"`
	DraftID     *string  `json:"draft_id"`
	Content     string   `json:"content"`
	Sequence    int      `json:"action_sequence"`
	Types       []string `json:"entities_types"`
	Object      map[string]any
}

// channel opens a channel on a broker connection of its own, closed at
// the end of the test.
func (p *kindsPlatform) channel(t *testing.T) *amqp.Channel {
	t.Helper()
	conn, err := amqp.Dial(p.amqpURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// pushMessages reads n messages from the connector's push queue.
func (p *kindsPlatform) pushMessages(t *testing.T, id string, n int) []queueMessage {
	t.Helper()
	ch := p.channel(t)
	var out []queueMessage
	deadline := time.Now().Add(20 * time.Second)
	for len(out) < n {
		d, ok, err := ch.Get(p.prefix+"_push_"+id, true)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			if time.Now().After(deadline) {
				t.Fatalf("%d messages on the push queue after 20 s, want %d", len(out), n)
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		out = append(out, decodeQueueMessage(t, d.Body))
	}
	if _, ok, _ := ch.Get(p.prefix+"_push_"+id, true); ok {
		t.Errorf("more than %d messages on the push queue", n)
	}
	return out
}

func decodeQueueMessage(t *testing.T, body []byte) queueMessage {
	t.Helper()
	var m queueMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(m.Content)
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(raw, &bundle); err != nil || len(bundle.Objects) != 1 {
		t.Fatalf("content %s: want a bundle of one object", raw)
	}
	m.Object = bundle.Objects[0]
	return m
}

// runConnector runs conn.Run in the background until the end of the test.
func runConnector(t *testing.T, conn *connector.Connector, h connector.Handler) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- conn.Run(ctx, h) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	})
	waitReady(t, conn, done)
}

func waitWork(t *testing.T, srv *pyctitest.Server, workID string) pyctitest.Work {
	t.Helper()
	waitFor(t, "the work's terminal report", func() bool {
		w, ok := srv.Work(workID)
		return ok && w.ProcessedCalls > 0
	})
	w, _ := srv.Work(workID)
	return w
}

const (
	orgID   = "identity--5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a"
	ipv4ID  = "ipv4-addr--4e7b1c2d-3a5f-5b6e-8c9d-0a1b2c3d4e5f"
	extOcti = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"
)

func TestEnrichmentReplyOverBroker(t *testing.T) {
	p := newKindsPlatform(t)
	seed := fmt.Sprintf(`{"type":"bundle","id":"bundle--%s","objects":[{"type":"ipv4-addr",
		"spec_version":"2.1","id":%q,"value":"198.51.100.23",
		"extensions":{%q:{"extension_type":"property-extension","granted_refs":[%q]}}}]}`,
		uuid.NewString(), ipv4ID, extOcti, orgID)
	if _, err := p.srv.SeedBundle([]byte(seed)); err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	conn := p.connector(t, id, connector.TypeInternalEnrichment,
		map[string]string{"CONNECTOR_SCOPE": "IPv4-Addr"})
	var mu sync.Mutex
	var got *connector.EnrichmentEvent
	var sent connector.SendResult
	runConnector(t, conn, connector.HandlerFunc(func(ctx context.Context, msg *connector.Message) (string, error) {
		indicator := json.RawMessage(`{"type":"indicator","spec_version":"2.1",
			"id":"indicator--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d","name":"198.51.100.23",
			"pattern":"[ipv4-addr:value = '198.51.100.23']","pattern_type":"stix",
			"valid_from":"2026-03-02T08:55:00Z"}`)
		orphan := json.RawMessage(`{"type":"relationship","spec_version":"2.1",
			"id":"relationship--1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e","relationship_type":"based-on",
			"source_ref":"indicator--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"}`)
		bundle, err := msg.Enrichment.ReplyBundle(indicator, orphan)
		if err != nil {
			return "", err
		}
		res, err := msg.SendBundle(ctx, bundle, connector.BundleOptions{})
		mu.Lock()
		got, sent = msg.Enrichment, res
		mu.Unlock()
		return "1 indicator", err
	}))
	workID, err := p.srv.AskEnrichment(t.Context(), pyctitest.EnrichmentRequest{
		ConnectorID: id, EntityID: ipv4ID})
	if err != nil {
		t.Fatal(err)
	}
	w := waitWork(t, p.srv, workID)
	if len(w.Errors) > 0 || !hasMessage(w, "1 indicator") {
		t.Fatalf("work = %+v, want the handler's text and no error", w)
	}
	mu.Lock()
	defer mu.Unlock()
	if got.EntityType != "IPv4-Addr" || got.EventType != "INTERNAL_ENRICHMENT" || got.StixEntity == nil {
		t.Errorf("event = %+v, want an IPv4-Addr enrichment with its STIX form", got)
	}
	if refs := got.GrantedRefs(); len(refs) != 1 || refs[0] != orgID {
		t.Errorf("granted refs = %v, want [%s]", refs, orgID)
	}
	if len(sent.Dropped) != 1 || !strings.Contains(sent.Dropped[0].Reason, "target_ref") &&
		!strings.Contains(sent.Dropped[0].Reason, "end") {
		t.Errorf("dropped = %+v, want the relationship without a target", sent.Dropped)
	}
	msgs := p.pushMessages(t, id, 2)
	for _, m := range msgs {
		if m.WorkID != workID {
			t.Errorf("message work = %q, want %q", m.WorkID, workID)
		}
		if !sharedWith(m.Object, orgID) {
			t.Errorf("object %v is not shared with %s", m.Object["id"], orgID)
		}
	}
	if w.Expected != 2 {
		t.Errorf("work expects %d objects, want 2", w.Expected)
	}
	checkDroppedMetric(t, conn, 1)
}

// sharedWith reports whether obj carries org in its granted refs.
func sharedWith(obj map[string]any, org string) bool {
	var refs []any
	exts, _ := obj["extensions"].(map[string]any)
	if ext, ok := exts[extOcti].(map[string]any); ok {
		refs, _ = ext["granted_refs"].([]any)
	} else {
		refs, _ = obj["x_opencti_granted_refs"].([]any)
	}
	for _, r := range refs {
		if r == org {
			return true
		}
	}
	return false
}

func checkDroppedMetric(t *testing.T, conn *connector.Connector, want float64) {
	t.Helper()
	families, err := conn.Metrics().Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "objects_dropped_total" {
			if got := f.GetMetric()[0].GetCounter().GetValue(); got != want {
				t.Errorf("objects_dropped_total = %g, want %g", got, want)
			}
			return
		}
	}
	t.Error("no objects_dropped_total metric")
}

func TestPlaybookReplyBypassesQueue(t *testing.T) {
	p := newKindsPlatform(t)
	id := uuid.NewString()
	conn := p.connector(t, id, connector.TypeInternalEnrichment, nil)
	domain := "domain-name--6a7b8c9d-0e1f-5a2b-9c3d-4e5f6a7b8c9d"
	runConnector(t, conn, connector.HandlerFunc(func(ctx context.Context, msg *connector.Message) (string, error) {
		if !msg.IsPlaybook() || msg.Internal.WorkID != "" {
			return "", errors.New("not a playbook message")
		}
		note := json.RawMessage(`{"type":"note","spec_version":"2.1",
			"id":"note--2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d","content":"Registered in 2019.",
			"object_refs":["` + domain + `"]}`)
		bundle, err := msg.Enrichment.ReplyBundle(note)
		if err != nil {
			return "", err
		}
		_, err = msg.SendBundle(ctx, bundle, connector.BundleOptions{})
		return "", err
	}))
	playbookBundle := `{"type":"bundle","id":"bundle--1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b",
		"spec_version":"2.1","objects":[{"type":"domain-name","spec_version":"2.1",
		"id":"` + domain + `","value":"cdn-update.example.net"}]}`
	exec, err := p.srv.AskPlaybookEnrichment(t.Context(), pyctitest.PlaybookRequest{
		ConnectorID: id, Bundle: []byte(playbookBundle), EntityID: domain})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the playbook reply", func() bool { return len(p.srv.PlaybookReplies()) == 1 })
	r := p.srv.PlaybookReplies()[0]
	if r.ExecutionID != exec || r.DataInstanceID != domain || r.ExecutionStart.IsZero() {
		t.Errorf("reply = %+v, want execution %s for %s with a start", r, exec, domain)
	}
	if !strings.Contains(r.Bundle, "cdn-update.example.net") || !strings.Contains(r.Bundle, "note--") {
		t.Errorf("reply bundle %s, want the received domain and the new note", r.Bundle)
	}
	if !strings.Contains(r.PreviousBundle, "bundle--1f2e3d4c") {
		t.Errorf("previous bundle %s, want the playbook's bundle", r.PreviousBundle)
	}
	time.Sleep(100 * time.Millisecond)
	if msgs := p.peekPush(t, id); msgs != 0 {
		t.Errorf("%d messages on the push queue, want none in playbook mode", msgs)
	}
}

func (p *kindsPlatform) peekPush(t *testing.T, id string) int {
	t.Helper()
	conn, err := amqp.Dial(p.amqpURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	q, err := ch.QueueDeclarePassive(p.prefix+"_push_"+id, true, false, false, false, nil)
	if err != nil {
		return 0
	}
	return q.Messages
}

func TestImportFileOverBroker(t *testing.T) {
	p := newKindsPlatform(t)
	if _, err := p.srv.SeedBundle([]byte(fmt.Sprintf(`{"type":"bundle","id":"bundle--%s","objects":[
		{"type":"report","spec_version":"2.1","id":"report--3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
		 "name":"March IOCs","published":"2026-03-02T00:00:00Z","object_refs":[%q],
		 "created":"2026-03-02T00:00:00Z","modified":"2026-03-02T00:00:00Z"},
		{"type":"ipv4-addr","spec_version":"2.1","id":%q,"value":"198.51.100.23"}]}`,
		uuid.NewString(), ipv4ID, ipv4ID))); err != nil {
		t.Fatal(err)
	}
	content := `{"type":"bundle","id":"bundle--2e8c1f4a-7b3d-4a9e-b5c6-0d1e2f3a4b5c","objects":[
		{"type":"indicator","spec_version":"2.1","id":"indicator--0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
		 "name":"bad ip","pattern":"[ipv4-addr:value = '203.0.113.9']","pattern_type":"stix",
		 "valid_from":"2026-03-02T08:55:00Z"},
		{"type":"x-unknown-thing","id":"x-unknown-thing--1","name":"?"}]}`
	file, err := p.srv.UploadImport(pyctitest.ImportUpload{Name: "IOCs March.json",
		Data: []byte(content), EntityID: "report--3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	conn := p.connector(t, id, connector.TypeInternalImportFile,
		map[string]string{"CONNECTOR_SCOPE": "application/json"})
	var mu sync.Mutex
	var event connector.ImportFileEvent
	var config string
	runConnector(t, conn, connector.HandlerFunc(func(ctx context.Context, msg *connector.Message) (string, error) {
		body, err := msg.OpenFile(ctx)
		if err != nil {
			return "", err
		}
		defer body.Close()
		data, err := io.ReadAll(body)
		if err != nil {
			return "", err
		}
		mu.Lock()
		event, config = *msg.ImportFile, msg.ImportConfiguration()
		mu.Unlock()
		res, err := msg.SendBundle(ctx, data, connector.BundleOptions{})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d generated bundle(s) for worker import", res.Messages), nil
	}))
	workID, err := p.srv.AskImport(t.Context(), pyctitest.ImportRequest{ConnectorID: id,
		FileID: file.ID, Configuration: `{"split":true}`})
	if err != nil {
		t.Fatal(err)
	}
	w := waitWork(t, p.srv, workID)
	if len(w.Errors) > 0 || !hasMessage(w, "1 generated bundle(s)") {
		t.Fatalf("work = %+v, want one bundle sent and no error", w)
	}
	if w.Name != "Manual import of IOCs March.json" {
		t.Errorf("work name = %q, want the platform's", w.Name)
	}
	mu.Lock()
	defer mu.Unlock()
	if event.FileID != file.ID || event.FileName() != "iocs march.json" ||
		event.FileMime != "application/json" || event.EntityID == "" {
		t.Errorf("event = %+v, want the file, its MIME type and its entity", event)
	}
	if config != `{"split":true}` {
		t.Errorf("configuration = %q, want the requester's text", config)
	}
	msgs := p.pushMessages(t, id, 1)
	if msgs[0].WorkID != workID || msgs[0].Object["type"] != "indicator" {
		t.Errorf("push message = %+v, want the indicator for work %s", msgs[0], workID)
	}
	if msgs[0].ApplicantID == nil || *msgs[0].ApplicantID != pyctitest.AdminID {
		t.Errorf("applicant = %v, want the requesting user", msgs[0].ApplicantID)
	}
	checkDroppedMetric(t, conn, 1)
}

func TestImportFileMissingFileFailsWork(t *testing.T) {
	p := newKindsPlatform(t)
	file, err := p.srv.UploadImport(pyctitest.ImportUpload{Name: "secret.json", Data: []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	conn := p.connector(t, id, connector.TypeInternalImportFile, nil)
	runConnector(t, conn, connector.HandlerFunc(func(ctx context.Context, msg *connector.Message) (string, error) {
		msg.ImportFile.FileID += ".gone"
		body, err := msg.OpenFile(ctx)
		if err != nil {
			return "", err
		}
		return "read", body.Close()
	}))
	workID, err := p.srv.AskImport(t.Context(), pyctitest.ImportRequest{ConnectorID: id, FileID: file.ID})
	if err != nil {
		t.Fatal(err)
	}
	w := waitWork(t, p.srv, workID)
	if len(w.Errors) != 1 || !strings.Contains(w.Errors[0].Message, "not found") {
		t.Errorf("work errors = %+v, want the platform's download error", w.Errors)
	}
}

func TestScheduleStateSurvivesRestart(t *testing.T) {
	p := newKindsPlatform(t)
	id := uuid.NewString()
	extra := map[string]string{"CONNECTOR_DURATION_PERIOD": "PT1H",
		"CONNECTOR_RUN_AND_TERMINATE": "true"}
	type seen struct {
		state   map[string]any
		lastRun time.Time
		workID  string
	}
	var runs []seen
	handler := connector.RunHandlerFunc(func(ctx context.Context, run *connector.ScheduledRun) (string, error) {
		runs = append(runs, seen{state: clone(run.State), lastRun: run.LastRun, workID: run.WorkID})
		page := len(runs)
		bundle := fmt.Sprintf(`{"type":"bundle","id":"bundle--%s","objects":[
			{"type":"indicator","spec_version":"2.1","id":"indicator--%s","name":"page %d",
			 "pattern":"[domain-name:value = 'p%d.example.net']","pattern_type":"stix",
			 "valid_from":"2026-03-02T08:55:00Z"},
			{"type":"x-vendor-note","id":"x-vendor-note--1"}]}`, uuid.NewString(), uuid.NewString(),
			page, page)
		res, err := run.SendBundle(ctx, []byte(bundle), connector.BundleOptions{})
		if err != nil {
			return "", err
		}
		run.State["cursor"] = fmt.Sprintf("page-%d", page+1)
		return fmt.Sprintf("%d indicators, %d dropped", res.Messages, len(res.Dropped)), nil
	})

	for instance := 1; instance <= 2; instance++ {
		conn := p.connector(t, id, connector.TypeExternalImport, extra)
		if err := conn.Schedule(t.Context(), handler, connector.ScheduleOptions{}); err != nil {
			t.Fatalf("instance %d: Schedule = %v, want nil", instance, err)
		}
		msgs := p.pushMessages(t, id, 1)
		if msgs[0].WorkID != runs[instance-1].workID {
			t.Errorf("instance %d: bundle work %q, want the run's %q", instance, msgs[0].WorkID,
				runs[instance-1].workID)
		}
		w, _ := p.srv.Work(runs[instance-1].workID)
		if !hasMessage(w, "1 indicators, 1 dropped") || w.Expected != 1 || w.ProcessedCalls != 1 {
			t.Errorf("instance %d: work = %+v, want one report of 1 indicator and 1 dropped",
				instance, w)
		}
		checkDroppedMetric(t, conn, 1)
	}
	if len(runs) != 2 {
		t.Fatalf("%d runs, want one per instance", len(runs))
	}
	if len(runs[0].state) != 0 || !runs[0].lastRun.IsZero() {
		t.Errorf("first instance state = %v, want none", runs[0].state)
	}
	if runs[1].state["cursor"] != "page-2" || runs[1].lastRun.IsZero() {
		t.Errorf("second instance state = %v (last run %v), want the first instance's cursor "+
			"and last run", runs[1].state, runs[1].lastRun)
	}
	if runs[0].workID == runs[1].workID {
		t.Error("both runs share one work, want one work per run")
	}
	conns := p.srv.Connectors()
	if len(conns) != 1 || !strings.Contains(conns[0].State, `"cursor":"page-3"`) {
		t.Fatalf("stored state = %+v, want the second run's cursor", conns)
	}
	if conns[0].Info["run_and_terminate"] != true || conns[0].Info["last_run_datetime"] == nil {
		t.Errorf("connector info = %v, want run_and_terminate and the last run", conns[0].Info)
	}
}

func TestScheduleSkipsRunWhenPlatformQueueFull(t *testing.T) {
	p := newKindsPlatform(t)
	id := uuid.NewString()
	conn := p.connector(t, id, connector.TypeExternalImport, map[string]string{
		"CONNECTOR_DURATION_PERIOD": "0", "CONNECTOR_QUEUE_THRESHOLD": "1"})
	p.srv.SetQueueSize(id, pyctitest.QueueSize{Messages: 40, Bytes: 2_500_000})
	ran := false
	err := conn.Schedule(t.Context(), connector.RunHandlerFunc(
		func(context.Context, *connector.ScheduledRun) (string, error) {
			ran = true
			return "", nil
		}), connector.ScheduleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Error("the run went ahead with 2.5 MB queued over a 1 MB threshold")
	}
	info := p.srv.Connectors()[0].Info
	if info["buffering"] != true || info["queue_messages_size"] != 2.5 {
		t.Errorf("connector info = %v, want buffering with 2.5 MB", info)
	}
	if len(p.srv.Works()) != 0 {
		t.Errorf("%d works, want none for a skipped run", len(p.srv.Works()))
	}
}

func TestImportFileValidationNotBypassed(t *testing.T) {
	p := newKindsPlatform(t)
	file, err := p.srv.UploadImport(pyctitest.ImportUpload{Name: "review.json", Data: []byte(
		`{"type":"bundle","id":"bundle--2e8c1f4a-7b3d-4a9e-b5c6-0d1e2f3a4b5c","objects":[` +
			`{"type":"ipv4-addr","spec_version":"2.1","id":"` + ipv4ID + `","value":"198.51.100.23"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	conn := p.connector(t, id, connector.TypeInternalImportFile, nil)
	runConnector(t, conn, connector.HandlerFunc(func(ctx context.Context, msg *connector.Message) (string, error) {
		body, err := msg.OpenFile(ctx)
		if err != nil {
			return "", err
		}
		defer body.Close()
		data, err := io.ReadAll(body)
		if err != nil {
			return "", err
		}
		_, err = msg.SendBundle(ctx, data, connector.BundleOptions{})
		return "sent", err
	}))
	workID, err := p.srv.AskImport(t.Context(), pyctitest.ImportRequest{ConnectorID: id,
		FileID: file.ID, ForceValidation: true})
	if err != nil {
		t.Fatal(err)
	}
	w := waitWork(t, p.srv, workID)
	if len(w.Errors) != 1 || !strings.Contains(w.Errors[0].Message, "validation before import "+
		"(workbench mode)") {
		t.Errorf("work errors = %+v, want the unsupported validation", w.Errors)
	}
	if n := p.peekPush(t, id); n != 0 {
		t.Errorf("%d messages sent to the workers, want none before validation", n)
	}
	draftWork, err := p.srv.AskImport(t.Context(), pyctitest.ImportRequest{ConnectorID: id,
		FileID: file.ID, ForceValidation: true, DraftID: "draft-1"})
	if err != nil {
		t.Fatal(err)
	}
	if w := waitWork(t, p.srv, draftWork); len(w.Errors) != 0 {
		t.Errorf("import in a draft failed: %+v", w.Errors)
	}
	msgs := p.pushMessages(t, id, 1)
	if msgs[0].DraftID == nil || *msgs[0].DraftID != "draft-1" {
		t.Errorf("draft id = %v, want the message's draft", msgs[0].DraftID)
	}
}

func TestWorkersCompleteScheduledRun(t *testing.T) {
	p := newKindsPlatform(t)
	if err := p.srv.StartWorkers(); err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	conn := p.connector(t, id, connector.TypeExternalImport, map[string]string{
		"CONNECTOR_DURATION_PERIOD": "0"})
	indicator := "indicator--" + uuid.NewString()
	var workID string
	err := conn.Schedule(t.Context(), connector.RunHandlerFunc(
		func(ctx context.Context, run *connector.ScheduledRun) (string, error) {
			workID = run.WorkID
			bundle := fmt.Sprintf(`{"type":"bundle","id":"bundle--%s","objects":[
				{"type":"indicator","spec_version":"2.1","id":%q,"name":"c2",
				 "pattern":"[ipv4-addr:value = '203.0.113.9']","pattern_type":"stix",
				 "valid_from":"2026-03-02T08:55:00Z","created_by_ref":%q},
				{"type":"identity","spec_version":"2.1","id":%q,"name":"Feed",
				 "identity_class":"organization"}]}`, uuid.NewString(), indicator, orgID, orgID)
			_, err := run.SendBundle(ctx, []byte(bundle), connector.BundleOptions{})
			return "2 objects", err
		}), connector.ScheduleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the work to complete", func() bool {
		w, _ := p.srv.Work(workID)
		return w.Status == pyctitest.WorkComplete
	})
	w, _ := p.srv.Work(workID)
	if w.Expected != 2 || w.Processed != 2 || len(w.Errors) != 0 {
		t.Errorf("work = %d/%d processed, errors %v; want 2/2 and none", w.Processed, w.Expected,
			w.Errors)
	}
	stix, err := p.srv.ToStix(indicator)
	if err != nil {
		t.Fatalf("indicator not imported: %v", err)
	}
	if !strings.Contains(string(stix), orgID) {
		t.Errorf("imported indicator %s lost its author %s", stix, orgID)
	}
}
