package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// runOnceMessage runs --once on a message body and fails the test unless
// the export succeeds.
func runOnceMessage(t *testing.T, env map[string]string, body []byte) {
	t.Helper()
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"--once", "-", "--config", ""}, envOf(env),
		bytes.NewReader(body), &bytes.Buffer{}, &stderr)
	if code != exitOK {
		t.Fatalf("exit code %d, stderr:\n%s", code, stderr.String())
	}
}

// A selection export skips the ids it cannot find and counts and names
// them in the work's report, so the user sees what the file lacks.
func TestOnceSelectionReportsMissingIDs(t *testing.T) {
	srv, client, env := oncePlatform(t)
	workID, err := client.AddWork(context.Background(), testConnectorID, "selection test")
	if err != nil {
		t.Fatal(err)
	}
	unknown := "does-not-exist-0001"
	selected := []string{firstOf(t, client, "Malware"), unknown}
	body, _ := json.Marshal(map[string]any{
		"internal": map[string]any{"work_id": workID, "applicant_id": pyctitest.AdminID},
		"event": map[string]any{"export_scope": "selection", "export_type": "simple",
			"format": stixMIME, "file_name": "selection.json", "entity_type": "Stix-Core-Object",
			"selected_ids": selected, "file_markings": []string{},
			"access_filter": map[string]any{"mode": "and", "filters": []any{},
				"filterGroups": []any{}}}})

	runOnceMessage(t, env, body)

	data, ok := storedExport(srv, "selection.json")
	if !ok || !bytes.Contains(data, []byte(`"type": "malware"`)) {
		t.Fatalf("stored %v, want a file with the malware", ok)
	}
	w, _ := srv.Work(workID)
	if len(w.Messages) == 0 {
		t.Fatal("work has no message")
	}
	last := w.Messages[len(w.Messages)-1].Message
	if !strings.Contains(last, "1 selected ids not found: "+unknown) {
		t.Errorf("work message %q does not count and name the unknown id", last)
	}
}

// Every read of an export runs as the message's applicant; the upload and
// the work reports run as the connector.
func TestOnceReadsAsApplicant(t *testing.T) {
	srv, client, env := oncePlatform(t)
	g := pyctitest.Group{ID: "g-analysts", Name: "Analysts", AllMarkings: true,
		Capabilities: []string{pyctitest.CapKnowledge}}
	if err := srv.AddGroup(g); err != nil {
		t.Fatal(err)
	}
	u := pyctitest.User{ID: "u-analyst", Name: "analyst", Token: "t-analyst",
		Groups: []string{g.ID}}
	if err := srv.AddUser(u); err != nil {
		t.Fatal(err)
	}
	workID, err := client.AddWork(context.Background(), testConnectorID, "applicant test")
	if err != nil {
		t.Fatal(err)
	}
	body := singleMessage(firstOf(t, client, "Report"), "Report", "full", "applicant.json",
		workID)
	body = bytes.Replace(body, []byte(`"applicant_id":"`+pyctitest.AdminID+`"`),
		[]byte(`"applicant_id":"u-analyst"`), 1)
	srv.ResetRequests()

	runOnceMessage(t, env, body)

	if _, ok := storedExport(srv, "applicant.json"); !ok {
		t.Fatal("no export file stored")
	}
	reads := 0
	for _, r := range srv.Requests() {
		asConnector := strings.HasSuffix(r.Operation, "ExportPush") ||
			strings.Contains(r.Operation, "Work")
		switch {
		case asConnector && r.ApplicantID != "":
			t.Errorf("%s ran for applicant %q, want the connector", r.Operation, r.ApplicantID)
		case !asConnector && r.ApplicantID != "u-analyst":
			t.Errorf("%s ran for applicant %q, want u-analyst", r.Operation, r.ApplicantID)
		case !asConnector:
			reads++
		}
	}
	if reads == 0 {
		t.Error("no read recorded")
	}
}
