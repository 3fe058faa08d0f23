package connector_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	fp "github.com/opencti-go/sdk/connector/internal/fakeplatform"
	"github.com/opencti-go/sdk/pycti"
)

func TestRunProcessesExportEndToEnd(t *testing.T) {
	h := newHarness(t)
	got := make(chan *connector.Message, 1)
	h.start(connector.HandlerFunc(func(_ context.Context, m *connector.Message) (string, error) {
		got <- m
		return "Export done", nil
	}))
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))

	var msg *connector.Message
	select {
	case msg = <-got:
	case <-time.After(20 * time.Second):
		t.Fatal("handler not called within 20 s")
	}
	if msg.Export == nil {
		t.Fatal("Export event not decoded")
	}
	if msg.Export.ExportScope != connector.ScopeSingle || msg.Export.EntityType != "Malware" {
		t.Errorf("export event = %+v", msg.Export)
	}
	if !json.Valid(msg.Export.MainFilter) || len(msg.Export.MainFilter) == 0 {
		t.Errorf("main_filter not kept as raw JSON: %s", msg.Export.MainFilter)
	}
	if msg.Internal.ApplicantID != "c0ffee00-1111-4222-8333-444455556666" {
		t.Errorf("applicant = %q", msg.Internal.ApplicantID)
	}
	if !h.platform.WaitFor(10*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, id) == 1
	}) {
		t.Fatalf("no processed report; calls: %+v", h.platform.Calls())
	}
	if !h.topo.WaitListenEmpty(t, 1, 10*time.Second) {
		t.Error("message not acknowledged")
	}
	calls := h.platform.Calls(fp.WorkToReceived, fp.WorkToProcessed)
	if len(calls) != 2 || calls[0].Method != fp.WorkToReceived || calls[1].InError {
		t.Errorf("work calls = %+v, want received then processed without error", calls)
	}
	if calls[1].Message != "Export done" {
		t.Errorf("processed message = %q", calls[1].Message)
	}
	if err := h.stop(30 * time.Second); err != nil {
		t.Errorf("Run returned %v, want nil", err)
	}
	if n := h.platform.Count(fp.PingConnector, ""); n < 1 {
		t.Errorf("pings = %d, want at least 1", n)
	}
}

// A connector stopped while it waits for the platform returns without
// logging a failed health check, which would read as a retry that never
// comes.
func TestRunStoppedAtStartLogsNoRetry(t *testing.T) {
	cfg := testConfig(validID, connector.TypeInternalExportFile)
	client, err := pycti.NewClient("http://127.0.0.1:1", cfg.Token.Reveal())
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	conn, err := connector.New(cfg, connector.NewPlatform(client), connector.Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	if err := conn.Run(ctx, &counter{}); err != nil {
		t.Errorf("Run returned %v, want nil", err)
	}

	if strings.Contains(logs.String(), "retrying") {
		t.Errorf("log announces a retry after the stop:\n%s", logs.String())
	}
}
