package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/internal/demodata"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

const testConnectorID = "3a9e5c41-7d2b-4f60-9b8e-21c0f4d7a655"

// oncePlatform starts an in-memory platform with the sample data and a
// registered connector, and returns it with a client and the connector's
// environment.
func oncePlatform(t *testing.T) (*pyctitest.Server, *pycti.Client, map[string]string) {
	t.Helper()
	srv, err := pyctitest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if _, err := srv.SeedBundle(demodata.GlassTern); err != nil {
		t.Fatal(err)
	}
	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.RegisterConnector(context.Background(), pycti.Registration{ID: testConnectorID,
		Name: "ExportFileStix", Type: "INTERNAL_EXPORT_FILE", Scope: []string{stixMIME}})
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"OPENCTI_URL": srv.URL, "OPENCTI_TOKEN": srv.AdminToken(),
		"CONNECTOR_ID": testConnectorID, "OPENCTI_JSON_LOGGING": "false",
		"CONNECTOR_LOG_LEVEL": "info", "EXPORT_FILE_STIX_SPOOL_DIR": t.TempDir()}
	return srv, client, env
}

// firstOf returns the internal id of the first entity of a type.
func firstOf(t *testing.T, client *pycti.Client, entityType string) string {
	t.Helper()
	page, err := client.StixCoreObjects().List(context.Background(),
		pycti.ListOptions{Types: []string{entityType}, First: 1})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("no %s: %v", entityType, err)
	}
	return page.Items[0].ID
}

// singleMessage is the message of a single export of the entity id, stored
// under fileName and reported on work workID.
func singleMessage(id, entityType, mode, fileName, workID string) []byte {
	access := map[string]any{"mode": "and", "filters": []any{}, "filterGroups": []any{}}
	body, _ := json.Marshal(map[string]any{
		"internal": map[string]any{"work_id": workID, "applicant_id": pyctitest.AdminID},
		"event": map[string]any{"export_scope": "single", "export_type": mode,
			"format": stixMIME, "file_name": fileName, "entity_id": id,
			"entity_type": entityType, "file_markings": []string{},
			"access_filter": access, "main_filter": idsFilter([]string{id})}})
	return body
}

// reportWork adds a work named name and returns its id with the message of
// a full single export of the first report, stored under fileName.
func reportWork(t *testing.T, client *pycti.Client, name, fileName string) (string, []byte) {
	t.Helper()
	workID, err := client.AddWork(context.Background(), testConnectorID, name)
	if err != nil {
		t.Fatal(err)
	}
	return workID, singleMessage(firstOf(t, client, "Report"), "Report", "full", fileName, workID)
}

// onlyWorkError returns the message of the one error of the work, and fails
// the test unless the work got exactly one report, in error. logs is shown
// on failure.
func onlyWorkError(t *testing.T, srv *pyctitest.Server, workID, logs string) string {
	t.Helper()
	w, _ := srv.Work(workID)
	if w.ProcessedCalls != 1 || len(w.Errors) != 1 {
		t.Fatalf("work has %d reports and errors %v, want one report in error; logs:\n%s",
			w.ProcessedCalls, w.Errors, logs)
	}
	return w.Errors[0].Message
}

// --once processes one message from a file: the bundle is stored on the
// entity and the work completes with the export's report.
func TestOnceExportsAndReports(t *testing.T) {
	srv, client, env := oncePlatform(t)
	workID, err := client.AddWork(context.Background(), testConnectorID, "once test")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "message.json")
	msg := singleMessage(firstOf(t, client, "Report"), "Report", "full", "once-report.json",
		workID)
	if err := os.WriteFile(path, msg, 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer

	code := run(context.Background(), []string{"--once", path, "--config", ""}, envOf(env), nil,
		&stdout, &stderr)

	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr.String())
	}
	data, ok := storedExport(srv, "once-report.json")
	if !ok {
		t.Fatal("no export file stored")
	}
	if !bytes.Contains(data, []byte(`"type": "report"`)) {
		t.Error("the stored bundle lacks the report")
	}
	w, _ := srv.Work(workID)
	if w.Status != pyctitest.WorkComplete || len(w.Errors) != 0 || w.ProcessedCalls != 1 {
		t.Errorf("work = %s with errors %v after %d reports, want complete without errors",
			w.Status, w.Errors, w.ProcessedCalls)
	}
	if len(w.Messages) == 0 || !strings.HasPrefix(w.Messages[len(w.Messages)-1].Message,
		"Export done") {
		t.Errorf("work messages = %v, want Export done last", w.Messages)
	}
	for _, want := range []string{"export request received", "export uploaded"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, stderr.String())
		}
	}
}

// An export whose bundle breaks STIX 2.1 stores nothing: the work ends in
// error with the first findings and --once exits 1. The message comes
// from standard input.
func TestOnceInvalidBundleMarksWorkInError(t *testing.T) {
	srv, client, env := oncePlatform(t)
	bad := `{"type":"bundle","id":"bundle--1","objects":[{"type":"malware","spec_version":"2.1",` +
		`"id":"malware--5c1f3b0e-9d2a-4c8b-a1e6-0f7d8c9b2a31","name":"Broken Link",` +
		`"is_family":true,"created":"2024-01-01T00:00:00.000Z",` +
		`"modified":"2024-01-01T00:00:00.000Z","external_references":[{"source_name":"x",` +
		`"url":"https://a.example/one\n\nhttps://a.example/two"}]}]}`
	if _, err := srv.SeedBundle([]byte(bad)); err != nil {
		t.Fatal(err)
	}
	workID, err := client.AddWork(context.Background(), testConnectorID, "invalid test")
	if err != nil {
		t.Fatal(err)
	}
	obj, err := client.StixCoreObjects().Get(context.Background(),
		"malware--5c1f3b0e-9d2a-4c8b-a1e6-0f7d8c9b2a31")
	if err != nil {
		t.Fatal(err)
	}
	msg := singleMessage(obj.ID, "Malware", "simple", "bad-malware.json", workID)
	var stderr bytes.Buffer

	code := run(context.Background(), []string{"--once", "-", "--config", ""}, envOf(env),
		bytes.NewReader(msg), &bytes.Buffer{}, &stderr)

	if code != exitFailed {
		t.Errorf("exit code %d, want %d", code, exitFailed)
	}
	if _, ok := storedExport(srv, "bad-malware.json"); ok {
		t.Error("the invalid bundle was stored")
	}
	w, _ := srv.Work(workID)
	if len(w.Errors) != 1 || !strings.Contains(w.Errors[0].Message, "not valid STIX 2.1") ||
		!strings.Contains(w.Errors[0].Message, "malware--5c1f3b0e-9d2a-4c8b-a1e6-0f7d8c9b2a31") {
		t.Errorf("work errors = %v, want the first finding on the malware", w.Errors)
	}
}

// An invalid message whose work id is readable marks that work in error,
// as the connector does, so that the work does not wait forever: a body
// cut short, and an event with a field of the wrong type.
func TestOnceInvalidMessageMarksWorkInError(t *testing.T) {
	srv, client, env := oncePlatform(t)
	for name, body := range map[string]string{
		"truncated":  `{"internal":{"work_id":"WORK"},"event":{"export_scope":"sin`,
		"wrong type": `{"internal":{"work_id":"WORK"},"event":{"export_scope":5}}`,
	} {
		workID, err := client.AddWork(context.Background(), testConnectorID, name)
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		body = strings.Replace(body, "WORK", workID, 1)

		code := run(context.Background(), []string{"--once", "-", "--config", ""}, envOf(env),
			strings.NewReader(body), &bytes.Buffer{}, &stderr)

		if code != exitUsage {
			t.Errorf("%s: exit code %d, want %d", name, code, exitUsage)
		}
		w, _ := srv.Work(workID)
		if w.ProcessedCalls != 1 || len(w.Errors) != 1 {
			t.Errorf("%s: work has %d reports and errors %v, want one report in error",
				name, w.ProcessedCalls, w.Errors)
			continue
		}
		if !strings.Contains(w.Errors[0].Message, "invalid message") {
			t.Errorf("%s: work error %q does not say the message is invalid", name,
				w.Errors[0].Message)
		}
		if !strings.Contains(stderr.String(), workID) {
			t.Errorf("%s: the log does not name the work:\n%s", name, stderr.String())
		}
	}
}

// cancelOnLog is a log destination that cancels a context when a line
// contains match, so a test can stop --once at a known step.
type cancelOnLog struct {
	syncBuffer
	match  string
	cancel context.CancelFunc
}

func (l *cancelOnLog) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(l.match)) {
		l.cancel()
	}
	return l.syncBuffer.Write(p)
}

// A stop signal during --once still ends the work, with a report in error
// that names the interruption, and stores no file.
func TestOnceStopSignalReportsWork(t *testing.T) {
	srv, client, env := oncePlatform(t)
	workID, msg := reportWork(t, client, "stop test", "stopped.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &cancelOnLog{match: "export request received", cancel: cancel}

	code := run(ctx, []string{"--once", "-", "--config", ""}, envOf(env), bytes.NewReader(msg),
		&bytes.Buffer{}, logs)

	if code != exitFailed {
		t.Errorf("exit code %d, want %d", code, exitFailed)
	}
	if _, ok := storedExport(srv, "stopped.json"); ok {
		t.Error("the interrupted export stored a file")
	}
	if msg := onlyWorkError(t, srv, workID, logs.String()); !strings.Contains(msg, "interrupted") {
		t.Errorf("work error %q does not mention the interruption", msg)
	}
}

// onceApp sets up --once against the platform of env with h in place of
// the export handler, so a test can make the export panic or fail.
func onceApp(t *testing.T, env map[string]string, h connector.Handler,
	stderr *bytes.Buffer) *app {
	t.Helper()
	a, err := setup("", envOf(env), stderr)
	if err != nil {
		t.Fatal(err)
	}
	a.handler = h
	return a
}

// A panic in the export ends the work in error with a report that names
// the panic, logs the stack, and makes --once exit 1.
func TestOncePanicReportsWork(t *testing.T) {
	srv, client, env := oncePlatform(t)
	workID, msg := reportWork(t, client, "panic test", "panic.json")
	var stderr bytes.Buffer
	a := onceApp(t, env, connector.HandlerFunc(
		func(context.Context, *connector.Message) (string, error) {
			panic("index out of range in the page reader")
		}), &stderr)

	code := a.runOnce(context.Background(), "-", bytes.NewReader(msg))

	if code != exitFailed {
		t.Errorf("exit code %d, want %d", code, exitFailed)
	}
	report := onlyWorkError(t, srv, workID, stderr.String())
	if !strings.Contains(report, "index out of range in the page reader") {
		t.Errorf("work error %q does not name the panic", report)
	}
	if !strings.Contains(stderr.String(), "TestOncePanicReportsWork") {
		t.Errorf("the log lacks the panic's stack:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), workID) {
		t.Errorf("the log does not name the work:\n%s", stderr.String())
	}
}

// --once cuts a long error to the length the connector framework reports.
func TestOnceLongErrorTruncated(t *testing.T) {
	srv, client, env := oncePlatform(t)
	workID, msg := reportWork(t, client, "long error test", "long.json")
	long := strings.Repeat("finding; ", 1000)
	a := onceApp(t, env, connector.HandlerFunc(
		func(context.Context, *connector.Message) (string, error) {
			return "", errors.New(long)
		}), &bytes.Buffer{})

	code := a.runOnce(context.Background(), "-", bytes.NewReader(msg))

	if code != exitFailed {
		t.Errorf("exit code %d, want %d", code, exitFailed)
	}
	if got := onlyWorkError(t, srv, workID, ""); got != connector.TruncateReport(long) {
		t.Errorf("work error has %d bytes, want the %d of connector.TruncateReport",
			len(got), len(connector.TruncateReport(long)))
	}
}

// At start-up, --once removes the spool file that a killed export left in
// the spool folder and logs its path. The export then spools to that
// folder and leaves nothing behind.
func TestOnceRemovesLeftoverSpool(t *testing.T) {
	srv, client, env := oncePlatform(t)
	dir := env["EXPORT_FILE_STIX_SPOOL_DIR"]
	leftover := filepath.Join(dir, "opencti-export-1234567.json")
	content := export.SpoolHeader + `{"type": "bundle", "objects": [`
	if err := os.WriteFile(leftover, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now().Add(-time.Hour)
	if err := os.Chtimes(leftover, killedAt, killedAt); err != nil {
		t.Fatal(err)
	}
	workID, msg := reportWork(t, client, "leftover test", "after-leftover.json")
	var stderr bytes.Buffer

	code := run(context.Background(), []string{"--once", "-", "--config", ""}, envOf(env),
		bytes.NewReader(msg), &bytes.Buffer{}, &stderr)

	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr.String())
	}
	if _, err := os.Stat(leftover); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover spool file still there: %v", err)
	}
	if !strings.Contains(stderr.String(), "leftover export spool file removed") ||
		!strings.Contains(stderr.String(), leftover) {
		t.Errorf("the log does not name the removed file:\n%s", stderr.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("spool folder holds %d files after the export, want none", len(entries))
	}
	if w, _ := srv.Work(workID); len(w.Errors) != 0 {
		t.Errorf("work errors %v, want none", w.Errors)
	}
}

// A file that another program wrote in the spool folder under a spool file
// name is kept, even when it is old and unlocked.
func TestOnceKeepsForeignSpoolNames(t *testing.T) {
	srv, client, env := oncePlatform(t)
	foreign := filepath.Join(env["EXPORT_FILE_STIX_SPOOL_DIR"], "opencti-export-123.json")
	if err := os.WriteFile(foreign, []byte(`{"type": "bundle"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	writtenAt := time.Now().Add(-time.Hour)
	if err := os.Chtimes(foreign, writtenAt, writtenAt); err != nil {
		t.Fatal(err)
	}
	workID, msg := reportWork(t, client, "foreign file test", "foreign.json")
	var stderr bytes.Buffer

	code := run(context.Background(), []string{"--once", "-", "--config", ""}, envOf(env),
		bytes.NewReader(msg), &bytes.Buffer{}, &stderr)

	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr.String())
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("the other program's file is gone: %v", err)
	}
	if w, _ := srv.Work(workID); len(w.Errors) != 0 {
		t.Errorf("work errors %v, want none", w.Errors)
	}
}

// A spool folder where no spool file can be created stops the start-up
// with an error that names the folder and the setting, and the work is not
// touched. The folder here has a path too long for the spool file names,
// which fails for root too.
func TestOnceUnwritableSpoolFolderExitsTwo(t *testing.T) {
	srv, client, env := oncePlatform(t)
	dir := t.TempDir()
	for len(dir) < 3800 {
		dir = filepath.Join(dir, strings.Repeat("d", 200))
	}
	dir = filepath.Join(dir, strings.Repeat("e", 4075-len(dir)))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Skipf("cannot create a folder with a %d-byte path here: %v", len(dir), err)
	}
	env["EXPORT_FILE_STIX_SPOOL_DIR"] = dir
	workID, msg := reportWork(t, client, "unwritable spool test", "unwritable.json")
	var stderr bytes.Buffer

	code := run(context.Background(), []string{"--once", "-", "--config", ""}, envOf(env),
		bytes.NewReader(msg), &bytes.Buffer{}, &stderr)

	if code != exitUsage {
		t.Errorf("exit code %d, want %d; stderr:\n%s", code, exitUsage, stderr.String())
	}
	if !strings.Contains(stderr.String(), "EXPORT_FILE_STIX_SPOOL_DIR") {
		t.Errorf("stderr does not name EXPORT_FILE_STIX_SPOOL_DIR:\n%s", stderr.String())
	}
	if !strings.Contains(stderr.String(), dir) {
		t.Errorf("stderr does not name the folder:\n%s", stderr.String())
	}
	if w, _ := srv.Work(workID); w.ProcessedCalls != 0 {
		t.Errorf("work got %d reports, want none before the start-up succeeds", w.ProcessedCalls)
	}
}
