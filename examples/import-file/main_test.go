package main

import (
	"context"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/examples/internal/exampletest"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// TestImportFileSendsObservables uploads a file to pyctitest, asks the
// connector to import it, and reads what it sent to the workers.
func TestImportFileSendsObservables(t *testing.T) {
	p := exampletest.NewPlatform(t)
	cfg := p.Config(t, connector.TypeInternalImportFile, map[string]string{
		"CONNECTOR_SCOPE": "text/plain"})
	exampletest.Start(t, func(ctx context.Context) error {
		return run(ctx, cfg, exampletest.Logger(t))
	})
	file, err := p.UploadImport(pyctitest.ImportUpload{Name: "iocs.txt", Data: []byte(
		"# March campaign\n198.51.100.7\r\ncdn-update.Example.net\nnot an ioc\n\n  # indented\n203.0.113.9\n")})
	if err != nil {
		t.Fatal(err)
	}
	exampletest.WaitFor(t, "registration", func() bool { return len(p.Connectors()) == 1 })
	workID, err := p.AskImport(t.Context(), pyctitest.ImportRequest{ConnectorID: cfg.ID,
		FileID: file.ID})
	if err != nil {
		t.Fatal(err)
	}
	msgs := p.Pushed(t, cfg.ID, 3)
	types := exampletest.Types(msgs)
	if types["ipv4-addr"] != 2 || types["domain-name"] != 1 {
		t.Errorf("pushed types = %v, want 2 addresses and 1 domain", types)
	}
	for _, m := range msgs {
		if m.WorkID != workID {
			t.Errorf("message of work %q, want %q", m.WorkID, workID)
		}
		if m.Object["type"] == "domain-name" && m.Object["value"] != "cdn-update.example.net" {
			t.Errorf("domain = %v, want it in lower case", m.Object["value"])
		}
	}
	exampletest.WaitFor(t, "the work report", func() bool {
		w, _ := p.Work(workID)
		return w.ProcessedCalls == 1
	})
	w, _ := p.Work(workID)
	last := w.Messages[len(w.Messages)-1].Message
	if !strings.HasPrefix(last, "3 generated bundle(s)") || !strings.Contains(last, "1 line(s) skipped") {
		t.Errorf("work message = %q, want 3 bundles and 1 skipped line", last)
	}
}

func TestImportFileWithoutIOCFails(t *testing.T) {
	p := exampletest.NewPlatform(t)
	cfg := p.Config(t, connector.TypeInternalImportFile, nil)
	exampletest.Start(t, func(ctx context.Context) error {
		return run(ctx, cfg, exampletest.Logger(t))
	})
	file, err := p.UploadImport(pyctitest.ImportUpload{Name: "notes.txt", Data: []byte("hello\n")})
	if err != nil {
		t.Fatal(err)
	}
	exampletest.WaitFor(t, "registration", func() bool { return len(p.Connectors()) == 1 })
	workID, err := p.AskImport(t.Context(), pyctitest.ImportRequest{ConnectorID: cfg.ID, FileID: file.ID})
	if err != nil {
		t.Fatal(err)
	}
	exampletest.WaitFor(t, "the work report", func() bool {
		w, _ := p.Work(workID)
		return w.ProcessedCalls == 1
	})
	w, _ := p.Work(workID)
	if len(w.Errors) != 1 || !strings.Contains(w.Errors[0].Message, "notes.txt contains no IPv4 address") {
		t.Errorf("work errors = %+v, want the connector's explanation", w.Errors)
	}
}
