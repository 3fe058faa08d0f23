package main

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// askAndWait requests a single simple export of entityID through RabbitMQ
// and returns its work once complete.
func askAndWait(t *testing.T, srv *pyctitest.Server, connectorID, entityID string) pyctitest.Work {
	t.Helper()
	workID, err := srv.AskExport(context.Background(), pyctitest.ExportRequest{
		ConnectorID: connectorID, Scope: pyctitest.ScopeSingle, Mode: pyctitest.ModeSimple,
		EntityID: entityID})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "work "+workID, func() bool {
		w, ok := srv.Work(workID)
		return ok && w.Status == pyctitest.WorkComplete
	})
	w, _ := srv.Work(workID)
	return w
}

// Platform failures around an export over RabbitMQ lose no work report. An
// upload the platform rejects ends the work in error and stores nothing. A
// failed toProcessed call is sent again, and the file is stored once.
func TestConnectorPlatformFailures(t *testing.T) {
	srv, client := demoBrokerPlatform(t)
	id := uuid.NewString()
	startConnector(t, srv, connectorEnv(srv, id))
	entity := firstOf(t, client, "Report")

	srv.SetFaults(pyctitest.Faults{Operations: []string{"ExportPush"}})
	srv.FailNext(pyctitest.FaultGraphQLError, 1)
	w := askAndWait(t, srv, id, entity)
	if w.ProcessedCalls != 1 || len(w.Errors) != 1 {
		t.Fatalf("rejected upload: work has %d reports and errors %v, want one report in "+
			"error", w.ProcessedCalls, w.Errors)
	}
	if !strings.Contains(w.Errors[0].Message, "database error") {
		t.Errorf("rejected upload: work error %q does not name the platform's error",
			w.Errors[0].Message)
	}
	if _, ok := storedExport(srv, w.Name); ok {
		t.Error("rejected upload: a file is stored")
	}

	srv.SetFaults(pyctitest.Faults{Operations: []string{"WorkToProcessed"}})
	srv.FailNext(pyctitest.FaultGraphQLError, 1)
	srv.ResetRequests()
	w = askAndWait(t, srv, id, entity)
	if w.ProcessedCalls != 1 || len(w.Errors) != 0 {
		t.Errorf("failed report: work has %d reports and errors %v, want one report "+
			"without error", w.ProcessedCalls, w.Errors)
	}
	if n := srv.OperationCounts()["WorkToProcessed"]; n != 2 {
		t.Errorf("failed report: %d toProcessed requests, want 2 (the failure and the retry)", n)
	}
	if n := srv.OperationCounts()["ExportPush"]; n != 1 {
		t.Errorf("failed report: %d uploads, want 1", n)
	}
	if _, ok := storedExport(srv, w.Name); !ok {
		t.Error("failed report: no file stored")
	}
}
