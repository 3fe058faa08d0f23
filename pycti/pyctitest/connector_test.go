package pyctitest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opencti-go/sdk/internal/testenv"
)

const registerMutation = `mutation R($input: RegisterConnectorInput) { registerConnector(input: $input) {
	id connector_state connector_user_id
	config { connection { host vhost use_ssl port user pass } listen listen_routing listen_exchange
		push push_routing push_exchange } } }`

func registerInput(id string) map[string]any {
	return map[string]any{"input": map[string]any{"id": id, "name": "Go STIX Export",
		"type": "INTERNAL_EXPORT_FILE", "scope": []any{"application/vnd.oasis.stix+json"},
		"auto": false, "only_contextual": false, "playbook_compatible": false}}
}

func TestWorkLifecycle(t *testing.T) {
	s := newAccessServer(t)
	r := gql(t, s, "tok-connector", "", registerMutation, registerInput("c-1"))
	mustNoErrors(t, r)
	cfg := r.Data["registerConnector"].(map[string]any)["config"].(map[string]any)
	if cfg["listen"] != "listen_c-1" || cfg["push_exchange"] != "amqp.worker.exchange" {
		t.Errorf("config = %v", cfg)
	}
	if uid := r.Data["registerConnector"].(map[string]any)["connector_user_id"]; uid != "u-connector" {
		t.Errorf("connector_user_id = %v, want the caller", uid)
	}
	r = gql(t, s, "tok-connector", "", `mutation P($id: ID!, $state: String) { pingConnector(id: $id, state: $state) { id connector_state } }`,
		map[string]any{"id": "c-1", "state": `{"last_run": 1}`})
	mustNoErrors(t, r)
	if st := r.Data["pingConnector"].(map[string]any)["connector_state"]; st != `{"last_run": 1}` {
		t.Errorf("connector_state = %v", st)
	}
	r = gql(t, s, "tok-connector", "", `mutation { workAdd(connectorId: "c-1", friendlyName: "run") { id } }`, nil)
	mustNoErrors(t, r)
	id := r.Data["workAdd"].(map[string]any)["id"].(string)
	steps := []string{
		`mutation W($id: ID!) { workEdit(id: $id) { toReceived(message: "Connector ready to process the operation") } }`,
		`mutation W($id: ID!) { workEdit(id: $id) { addExpectations(expectations: 2) } }`,
		`mutation W($id: ID!) { workEdit(id: $id) { reportExpectation(error: {error: "bad object", source: "CONNECTOR"}) } }`,
		`mutation W($id: ID!) { workEdit(id: $id) { ping } }`,
		`mutation W($id: ID!) { workEdit(id: $id) { toProcessed(message: "Export done", inError: false) } }`,
	}
	for _, q := range steps {
		mustNoErrors(t, gql(t, s, "tok-connector", "", q, map[string]any{"id": id}))
	}
	w, ok := s.Work(id)
	if !ok {
		t.Fatal("work not found")
	}
	if w.Status != WorkProgress {
		t.Errorf("status = %s, want progress while one expectation is missing", w.Status)
	}
	mustNoErrors(t, gql(t, s, "tok-connector", "", steps[2], map[string]any{"id": id}))
	w, _ = s.Work(id)
	if w.Status != WorkComplete || w.ProcessedCalls != 1 || len(w.Errors) != 2 || len(w.Messages) != 2 {
		t.Errorf("work = %+v", w)
	}
	r = gql(t, s, "tok-connector", "", `query W($id: ID!) { work(id: $id) { id status
		messages { message sequence } errors { message source } tracking { import_expected_number import_processed_number } } }`,
		map[string]any{"id": id})
	mustNoErrors(t, r)
	if st := r.Data["work"].(map[string]any)["status"]; st != "complete" {
		t.Errorf("status = %v", st)
	}
	// Updates of a deleted work are ignored and answered with the id.
	mustNoErrors(t, gql(t, s, "tok-connector", "", `mutation W($id: ID!) { workEdit(id: $id) { delete } }`, map[string]any{"id": id}))
	r = gql(t, s, "tok-connector", "", steps[4], map[string]any{"id": id})
	mustNoErrors(t, r)
	if got := r.Data["workEdit"].(map[string]any)["toProcessed"]; got != id {
		t.Errorf("toProcessed on a deleted work = %v, want the id", got)
	}
}

func TestCreateUpsertsOnStandardID(t *testing.T) {
	s := newFullServer(t)
	q := `mutation M($input: MalwareAddInput!) { malwareAdd(input: $input) { id standard_id name is_family } }`
	r1 := gql(t, s, s.AdminToken(), "", q, map[string]any{"input": map[string]any{"name": "Quillfeather", "malware_types": []any{"trojan"}}})
	mustNoErrors(t, r1)
	r2 := gql(t, s, s.AdminToken(), "", q, map[string]any{"input": map[string]any{"name": " quillfeather ", "description": "again"}})
	mustNoErrors(t, r2)
	m1, m2 := r1.Data["malwareAdd"].(map[string]any), r2.Data["malwareAdd"].(map[string]any)
	if m1["standard_id"] != "malware--8bdfdafe-f23b-55e8-9729-75341ca079cb" {
		t.Errorf("standard_id = %v", m1["standard_id"])
	}
	if m1["id"] != m2["id"] {
		t.Errorf("second create made %v, want the upsert of %v", m2["id"], m1["id"])
	}
	r := gql(t, s, s.AdminToken(), "", `mutation { identityAdd(input: {type: Organization, name: "Northwind Analytics"}) { standard_id } }`, nil)
	mustNoErrors(t, r)
	if id := r.Data["identityAdd"].(map[string]any)["standard_id"]; id != "identity--a7661c40-9fa1-517a-b65d-a1793388306d" {
		t.Errorf("identity standard_id = %v", id)
	}
	r = gql(t, s, s.AdminToken(), "", `mutation { stixCyberObservableAdd(type: "IPv4-Addr", IPv4Addr: {value: "198.51.100.7"}) { id standard_id observable_value } }`, nil)
	mustNoErrors(t, r)
	ip := r.Data["stixCyberObservableAdd"].(map[string]any)
	if ip["standard_id"] != "ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db" {
		t.Errorf("ipv4 standard_id = %v", ip["standard_id"])
	}
	r = gql(t, s, s.AdminToken(), "", `mutation R($from: StixRef!, $to: StixRef!) { stixCoreRelationshipAdd(input: {relationship_type: "communicates-with", fromId: $from, toId: $to}) { standard_id } }`,
		map[string]any{"from": m1["id"], "to": ip["id"]})
	mustNoErrors(t, r)
	if id := r.Data["stixCoreRelationshipAdd"].(map[string]any)["standard_id"]; id != "relationship--16307dde-dd94-56db-86f6-20e001d24915" {
		t.Errorf("relationship standard_id = %v", id)
	}
	r = gql(t, s, s.AdminToken(), "", `mutation D($id: ID!) { stixDomainObjectEdit(id: $id) { delete } }`, map[string]any{"id": m1["id"]})
	mustNoErrors(t, r)
	r = gql(t, s, s.AdminToken(), "", `{ stixCoreRelationships { pageInfo { globalCount } } }`, nil)
	if n := r.Data["stixCoreRelationships"].(map[string]any)["pageInfo"].(map[string]any)["globalCount"]; n != 0.0 {
		t.Errorf("relationships after deleting an end = %v, want 0", n)
	}
}

func TestStixBundlePushIngests(t *testing.T) {
	s := newAccessServer(t)
	mustNoErrors(t, gql(t, s, "tok-connector", "", registerMutation, registerInput("c-2")))
	bundle := `{"type":"bundle","id":"bundle--2","objects":[{"type":"malware","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-000000000001","name":"Pushed","is_family":true,"created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z"}]}`
	r := gql(t, s, "tok-connector", "", `mutation B($c: String!, $b: String!) { stixBundlePush(connectorId: $c, bundle: $b) }`,
		map[string]any{"c": "c-2", "b": bundle})
	mustNoErrors(t, r)
	r = gql(t, s, s.AdminToken(), "", `{ malware(id: "malware--00000000-0000-4000-8000-000000000001") { name } }`, nil)
	mustNoErrors(t, r)
	if r.Data["malware"] == nil {
		t.Error("pushed malware not found")
	}
}

func TestObservableToStixShape(t *testing.T) {
	s := newFullServer(t)
	seedFixtureFile(t, s, "platform-027.json")
	got := adminToStix(t, s, "o-file")
	if got["type"] != "file" {
		t.Errorf("type = %v, want file", got["type"])
	}
	hashes, _ := got["hashes"].(map[string]any)
	if len(hashes) != 3 {
		t.Errorf("hashes = %v, want a dictionary of 3", got["hashes"])
	}
	for _, k := range []string{"labels", "created_by_ref", "created", "modified"} {
		if _, ok := got[k]; ok {
			t.Errorf("observable has top-level %s", k)
		}
	}
	obs := got["extensions"].(map[string]any)[extObservable].(map[string]any)
	if obs["score"] != 70.0 || obs["created_by_ref"] != "identity--f8091a2b-3c4d-4ef5-9061-728394a5b6c7" {
		t.Errorf("observable extension = %v", obs)
	}
	if l, _ := obs["labels"].([]any); len(l) != 1 || l[0] != "phishing-attachment" {
		t.Errorf("observable labels = %v", obs["labels"])
	}
	if m, _ := got["object_marking_refs"].([]any); len(m) != 1 {
		t.Errorf("object_marking_refs = %v", got["object_marking_refs"])
	}
}

// TestBrokerRegistrationAndAskExport declares the connector's queues on
// RabbitMQ and checks the export messages of every scope.
func TestBrokerRegistrationAndAskExport(t *testing.T) {
	amqpURL := testenv.AMQPURL(t)
	prefix := "pyctitest" + time.Now().Format("150405.000000")
	s := newFullServer(t, WithAMQP(amqpURL), WithQueuePrefix(prefix))
	seedFixtureFile(t, s, "platform-022.json")
	mustDo(t, s.AddGroup(Group{ID: "g-c", Capabilities: []string{CapBypass}}))
	mustDo(t, s.AddUser(User{ID: "u-c", Token: "tok-c", Groups: []string{"g-c"}}))
	r := gql(t, s, "tok-c", "", registerMutation, registerInput("c-amqp"))
	mustNoErrors(t, r)
	cfg := r.Data["registerConnector"].(map[string]any)["config"].(map[string]any)
	if cfg["listen"] != prefix+"_listen_c-amqp" || cfg["listen_exchange"] != prefix+"_amqp.connector.exchange" {
		t.Fatalf("config = %v", cfg)
	}
	conn, err := amqp.Dial(amqpURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, q := range []string{"listen", "push"} {
			_, _ = ch.QueueDelete(cfg[q].(string), false, false, false)
		}
		_ = ch.ExchangeDelete(cfg["listen_exchange"].(string), false, false)
		_ = ch.ExchangeDelete(cfg["push_exchange"].(string), false, false)
	})
	for _, q := range []string{"listen", "push"} {
		if _, err := ch.QueueDeclarePassive(cfg[q].(string), true, false, false, false, nil); err != nil {
			t.Fatalf("queue %s not declared: %v", cfg[q], err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cases := []ExportRequest{
		{Scope: ScopeSingle, Mode: ModeFull, EntityID: "e-report", ContentMaxMarkings: []string{"mk-tlp-amber"}, FileMarkings: []string{"mk-tlp-amber"}},
		{Scope: ScopeSelection, Mode: ModeSimple, EntityType: "Stix-Core-Object", SelectedIDs: []string{"e-indicator", "e-malware"}},
		{Scope: ScopeQuery, Mode: ModeSimple, EntityType: "Report", ListParams: &ListParams{Search: "wrap", OrderBy: "created", OrderMode: "desc"}},
	}
	for _, c := range cases {
		c.ConnectorID = "c-amqp"
		workID, err := s.AskExport(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		d, ok, err := ch.Get(cfg["listen"].(string), true)
		if err != nil || !ok {
			t.Fatalf("%s: no message on the listen queue: %v", c.Scope, err)
		}
		if d.DeliveryMode != amqp.Persistent {
			t.Errorf("%s: delivery mode %d, want persistent", c.Scope, d.DeliveryMode)
		}
		var msg struct {
			Internal map[string]any `json:"internal"`
			Event    map[string]any `json:"event"`
		}
		if err := json.Unmarshal(d.Body, &msg); err != nil {
			t.Fatal(err)
		}
		if msg.Internal["work_id"] != workID || msg.Event["export_scope"] != c.Scope {
			t.Errorf("%s: message = %s", c.Scope, d.Body)
		}
		w, ok := s.Work(workID)
		if !ok || w.Status != WorkWait || w.Name != msg.Event["file_name"] {
			t.Errorf("%s: work = %+v", c.Scope, w)
		}
		_, hasEventType := msg.Event["event_type"]
		if hasEventType == (c.Scope == ScopeQuery) {
			t.Errorf("%s: event_type present = %v", c.Scope, hasEventType)
		}
		if c.Scope == ScopeSingle {
			access := msg.Event["access_filter"].(map[string]any)["filters"].([]any)
			if len(access) != 1 {
				t.Fatalf("access_filter = %v, want one objectMarking filter", msg.Event["access_filter"])
			}
			values := access[0].(map[string]any)["values"].([]any)
			if len(values) != 1 || values[0] != "mk-tlp-red" {
				t.Errorf("access_filter excludes %v, want [mk-tlp-red]", values)
			}
			if name := msg.Event["file_name"].(string); !strings.HasSuffix(name, "_TLP:AMBER_(Go STIX Export)_Report-Example campaign wrap-up_full.json") {
				t.Errorf("file_name = %s", name)
			}
		}
	}
}
