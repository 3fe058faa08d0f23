package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/export/exporttest"
	"github.com/opencti-go/sdk/pycti/pyctitest"
	"github.com/opencti-go/sdk/stix/validate"
)

// syncBuffer is a bytes.Buffer safe for the connector's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// brokerPlatform starts an in-memory platform on the real RabbitMQ, with
// its own queue prefix so that concurrent tests do not share queues.
func brokerPlatform(t *testing.T) *pyctitest.Server {
	t.Helper()
	amqpURL := testenv.AMQPURL(t)
	srv, err := pyctitest.NewServer(pyctitest.WithAMQP(amqpURL),
		pyctitest.WithQueuePrefix("e2e"+strings.ReplaceAll(uuid.NewString()[:8], "-", "")))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// demoBrokerPlatform is brokerPlatform seeded with the demo data, with an
// administrator client.
func demoBrokerPlatform(t *testing.T) (*pyctitest.Server, *pycti.Client) {
	t.Helper()
	srv := brokerPlatform(t)
	if _, err := srv.SeedBundle(demoData()); err != nil {
		t.Fatal(err)
	}
	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	return srv, client
}

// connectorEnv is the environment of a connector on srv.
func connectorEnv(srv *pyctitest.Server, id string) map[string]string {
	return map[string]string{"OPENCTI_URL": srv.URL, "OPENCTI_TOKEN": srv.AdminToken(),
		"CONNECTOR_ID": id, "CONNECTOR_LOG_LEVEL": "info", "OPENCTI_JSON_LOGGING": "false"}
}

// startConnector runs the connector in this process until the test ends.
func startConnector(t *testing.T, srv *pyctitest.Server, env map[string]string) *syncBuffer {
	t.Helper()
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--config", ""}, envOf(env), nil, &bytes.Buffer{}, logs)
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != exitOK {
			t.Errorf("connector exit code %d, logs:\n%s", code, logs.String())
		}
	})
	waitFor(t, "registration", func() bool {
		return slices.ContainsFunc(srv.Connectors(), func(c pyctitest.Connector) bool {
			return c.ID == env["CONNECTOR_ID"]
		})
	})
	return logs
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 60 s waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// e2eCorpus is a real bundle seeded into the platform with its oracle.
type e2eCorpus struct {
	oracle   *exporttest.Oracle
	internal map[string]string // platform id -> internal id
	query    map[string]string // query entity type -> STIX type
}

func seedCorpus(t *testing.T, srv *pyctitest.Server, client *pycti.Client,
	query map[string]string, elem ...string) *e2eCorpus {
	t.Helper()
	path := testenv.SharedDir(t, elem...)
	if _, err := srv.SeedFile(path); err != nil {
		t.Fatal(err)
	}
	o, err := exporttest.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	internal, err := o.InternalIDs(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	return &e2eCorpus{oracle: o, internal: internal, query: query}
}

// e2eExport is one export asked of the platform and what it must hold.
type e2eExport struct {
	name   string
	workID string
	want   []string
	full   bool
	corpus *e2eCorpus
}

// askAll requests exports of a corpus in every scope and mode: single
// exports of a sample, a selection of it, and query exports of its query
// types.
func (ec *e2eCorpus) askAll(t *testing.T, srv *pyctitest.Server, connectorID string) []e2eExport {
	t.Helper()
	sample := ec.oracle.Sample(1)
	var out []e2eExport
	ask := func(name string, roots []string, r pyctitest.ExportRequest) {
		r.ConnectorID = connectorID
		workID, err := srv.AskExport(context.Background(), r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		full := r.Mode == pyctitest.ModeFull
		out = append(out, e2eExport{name: name, workID: workID, full: full, corpus: ec,
			want: ec.oracle.Expected(roots, full)})
	}
	for _, mode := range []string{pyctitest.ModeSimple, pyctitest.ModeFull} {
		var selected []string
		for _, id := range sample {
			ask("single-"+mode+"/"+id, []string{id}, pyctitest.ExportRequest{
				Scope: pyctitest.ScopeSingle, Mode: mode, EntityID: ec.internal[id]})
			selected = append(selected, ec.internal[id])
		}
		ask("selection-"+mode, sample, pyctitest.ExportRequest{Scope: pyctitest.ScopeSelection,
			Mode: mode, EntityType: "Stix-Core-Object", SelectedIDs: selected})
		for typ, stixType := range ec.query {
			ask("query-"+mode+"/"+typ, ec.oracle.OfType(typ, stixType), pyctitest.ExportRequest{
				Scope: pyctitest.ScopeQuery, Mode: mode, EntityType: typ})
		}
	}
	return out
}

// Exports are requested through RabbitMQ in every scope and mode and both
// profiles, on ATT&CK for ICS and the platform's real use case bundle.
// Each work completes once, and each stored bundle contains exactly the
// expected objects and passes the validator and the OASIS schemas. Exports
// that reach invalid source data end in error with nothing stored.
func TestConnectorExportsOverRabbitMQ(t *testing.T) {
	srv := brokerPlatform(t)
	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	corpora := []*e2eCorpus{
		seedCorpus(t, srv, client, map[string]string{"Malware": "malware"},
			"stix", "corpus", "mitre-attack-stix-data", "ics-attack-18.1.json"),
		seedCorpus(t, srv, client, map[string]string{"Country": "location"},
			"opencti", "native-stix", "real-use-case-bundle.json"),
	}
	oasisDir := testenv.SharedDir(t, "stix", "oasis-schemas", "schemas")
	oasis, err := validate.New(validate.WithSchemas(os.DirFS(oasisDir)))
	if err != nil {
		t.Fatal(err)
	}
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		t.Run(string(profile), func(t *testing.T) {
			id := uuid.NewString()
			env := connectorEnv(srv, id)
			env["EXPORT_FILE_STIX_PROFILE"] = string(profile)
			startConnector(t, srv, env)
			var exports []e2eExport
			for _, ec := range corpora {
				exports = append(exports, ec.askAll(t, srv, id)...)
			}
			for _, e := range exports {
				waitFor(t, "work of "+e.name, func() bool {
					w, ok := srv.Work(e.workID)
					return ok && w.Status == pyctitest.WorkComplete
				})
			}
			for _, e := range exports {
				t.Run(e.name, func(t *testing.T) { checkStored(t, srv, oasis, profile, e) })
			}
		})
	}
}

func checkStored(t *testing.T, srv *pyctitest.Server, oasis *validate.Validator,
	profile export.Profile, e e2eExport) {
	w, _ := srv.Work(e.workID)
	if w.ProcessedCalls != 1 {
		t.Errorf("work reported %d times, want once", w.ProcessedCalls)
	}
	// The platform puts entity names in file names; line breaks in them go
	// out percent-encoded.
	data, stored := storedExport(srv, strings.ReplaceAll(w.Name, "\n", "%0A"))
	if e.corpus.oracle.Invalid(e.want) {
		if len(w.Errors) == 0 || stored {
			t.Errorf("work errors %v, stored %v; want an error and no file", w.Errors, stored)
		}
		return
	}
	if len(w.Errors) > 0 || !stored {
		t.Fatalf("work errors %v, stored %v; want a stored file", w.Errors, stored)
	}
	findings, err := validate.Bundle(context.Background(), bytes.NewReader(data))
	if err != nil || validate.HasErrors(findings) {
		t.Errorf("stored bundle: findings %v, err %v", findings, err)
	}
	b := decodeObjects(t, data)
	want := e.want
	if profile == export.ProfilePycti {
		want = exporttest.PyctiIDs(want)
	}
	var got []string
	for _, obj := range b {
		got = append(got, obj.id)
		for _, f := range oasis.ValidateObject(obj.raw) {
			if f.Severity == validate.SeverityError {
				t.Errorf("OASIS schemas: %s", f)
			}
		}
		if profile == export.ProfileNative && e.full {
			for _, diff := range e.corpus.oracle.RoundTripDiff(obj.value) {
				t.Error(diff)
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("bundle holds %d objects, want %d\nextra: %v\nmissing: %v", len(got),
			len(want), exporttest.Minus(got, want), exporttest.Minus(want, got))
	}
}

// e2eObject is one object of a stored bundle.
type e2eObject struct {
	id    string
	raw   []byte
	value map[string]any
}

func decodeObjects(t *testing.T, data []byte) []e2eObject {
	t.Helper()
	var b struct {
		Objects []jsonObject `json:"objects"`
	}
	if err := jsonUnmarshal(data, &b); err != nil {
		t.Fatalf("stored bundle is not JSON: %v", err)
	}
	out := make([]e2eObject, len(b.Objects))
	for i, o := range b.Objects {
		out[i] = e2eObject{id: fmt.Sprint(o.value["id"]), raw: o.raw, value: o.value}
	}
	return out
}

// Two connector processes on one queue share 200 export requests: each
// is handled once, by one of them, and both take part.
func TestTwoProcessesShareOneQueue(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs two processes")
	}
	srv, client := demoBrokerPlatform(t)
	bin := buildBinary(t)
	id := uuid.NewString()
	env := connectorEnv(srv, id)
	logs := []*syncBuffer{startProcess(t, bin, env), startProcess(t, bin, env)}
	waitFor(t, "registration", func() bool {
		return slices.ContainsFunc(srv.Connectors(), func(c pyctitest.Connector) bool {
			return c.ID == id && c.Pings >= 2
		})
	})
	page, err := client.StixCoreObjects().List(context.Background(), pycti.ListOptions{First: 20})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()

	var works []string
	for i := range 200 {
		workID, err := srv.AskExport(context.Background(), pyctitest.ExportRequest{
			ConnectorID: id, Scope: pyctitest.ScopeSingle, Mode: pyctitest.ModeSimple,
			EntityID: page.Items[i%len(page.Items)].ID})
		if err != nil {
			t.Fatal(err)
		}
		works = append(works, workID)
	}
	waitFor(t, "200 works", func() bool {
		return !slices.ContainsFunc(works, func(id string) bool {
			w, _ := srv.Work(id)
			return w.Status != pyctitest.WorkComplete
		})
	})

	for _, workID := range works {
		if w, _ := srv.Work(workID); w.ProcessedCalls != 1 || len(w.Errors) > 0 {
			t.Errorf("work %s: %d reports, errors %v; want one report, no error", workID,
				w.ProcessedCalls, w.Errors)
		}
	}
	if n := srv.OperationCounts()["ExportPush"]; n != 200 {
		t.Errorf("%d uploads, want 200", n)
	}
	total := 0
	for i, l := range logs {
		n := strings.Count(l.String(), "export uploaded")
		if n == 0 {
			t.Errorf("process %d handled no request", i+1)
		}
		t.Logf("process %d handled %d requests", i+1, n)
		total += n
	}
	if total != 200 {
		t.Errorf("the processes handled %d requests, want 200", total)
	}
}

// buildBinary builds export-file-stix into a temporary folder.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "export-file-stix")
	build := execCommand("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startProcess runs the binary as a connector until the test ends, then
// stops it with SIGTERM.
func startProcess(t *testing.T, bin string, env map[string]string) *syncBuffer {
	t.Helper()
	logs := &syncBuffer{}
	cmd := execCommand(bin, "--config", "")
	cmd.Env = append(os.Environ(), envList(env)...)
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(sigterm)
		if err := cmd.Wait(); err != nil {
			t.Errorf("process exit: %v\n%s", err, logs.String())
		}
	})
	return logs
}

func envList(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}
