package connector_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	fp "github.com/opencti-go/sdk/connector/internal/fakeplatform"
)

func TestRunDuplicateDeliveryRunsOnce(t *testing.T) {
	h := newHarness(t)
	c := newCounter()
	h.start(c)
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id), exportMessage(id))
	if !h.topo.WaitListenEmpty(t, 1, 20*time.Second) {
		t.Fatal("messages not consumed")
	}
	h.platform.WaitFor(5*time.Second, func() bool { return h.platform.Count(fp.WorkToProcessed, id) > 0 })
	time.Sleep(300 * time.Millisecond)
	if n := len(c.runs); n != 1 {
		t.Errorf("handler runs = %d, want 1", n)
	}
	if n := h.platform.Count(fp.WorkToProcessed, id); n != 1 {
		t.Errorf("processed reports = %d, want 1", n)
	}
	if n := h.platform.Count(fp.WorkToReceived, id); n != 1 {
		t.Errorf("received reports = %d, want 1", n)
	}
}

func TestRunSkipsWorkProcessedElsewhere(t *testing.T) {
	h := newHarness(t)
	c := newCounter()
	id := workID(1)
	h.platform.SetWork(id, fp.WorkRecord{Status: connector.WorkComplete, Processed: time.Now()})
	h.start(c)
	h.topo.PublishJSON(t, exportMessage(id))
	if !h.topo.WaitListenEmpty(t, 1, 20*time.Second) {
		t.Fatal("message not consumed")
	}
	h.platform.WaitFor(5*time.Second, func() bool { return h.platform.Count(fp.Work, id) > 0 })
	time.Sleep(300 * time.Millisecond)
	if n := len(c.runs); n != 0 {
		t.Errorf("handler runs = %d, want 0", n)
	}
	if n := len(h.platform.Calls(fp.WorkToReceived, fp.WorkToProcessed)); n != 0 {
		t.Errorf("work reports = %d, want 0", n)
	}
}

// reportOfFailure runs a handler that returns handlerErr on one message
// and returns the harness and the work's terminal report.
func reportOfFailure(t *testing.T, handlerErr error) (*harness, fp.Call) {
	t.Helper()
	h := newHarness(t)
	h.start(connector.HandlerFunc(func(context.Context, *connector.Message) (string, error) {
		return "", handlerErr
	}))
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	if !h.platform.WaitFor(20*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, id) == 1
	}) {
		t.Fatal("no processed report")
	}
	return h, h.platform.Calls(fp.WorkToProcessed)[0]
}

func TestRunHandlerErrorMarksWorkInError(t *testing.T) {
	h, call := reportOfFailure(t,
		errors.New("read entity 00000000-0000-4000-8000-0000000000ff: not found"))
	if !call.InError {
		t.Error("processed report not in error")
	}
	if !strings.Contains(call.Message, "00000000-0000-4000-8000-0000000000ff") {
		t.Errorf("report %q does not name the entity", call.Message)
	}
	if !h.topo.WaitListenEmpty(t, 1, 10*time.Second) {
		t.Error("failed message not removed")
	}
}

func TestRunRetryableErrorRequeuesWithCap(t *testing.T) {
	h := newHarness(t, withOptions(connector.Options{MaxRetries: 2}))
	var runs atomic.Int32
	h.start(connector.HandlerFunc(func(context.Context, *connector.Message) (string, error) {
		runs.Add(1)
		return "", connector.Retryable(errors.New("platform busy"))
	}))
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	if !h.platform.WaitFor(20*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, id) == 1
	}) {
		t.Fatalf("no final report after retries; runs = %d", runs.Load())
	}
	if n := runs.Load(); n != 3 {
		t.Errorf("handler runs = %d, want 3 (first run and 2 retries)", n)
	}
	if call := h.platform.Calls(fp.WorkToProcessed)[0]; !call.InError {
		t.Error("final report not in error")
	}
	if !h.topo.WaitListenEmpty(t, 1, 10*time.Second) {
		t.Error("message not removed after the last retry")
	}
}

func TestRunHandlerPanicMarksWorkInError(t *testing.T) {
	h := newHarness(t)
	h.start(connector.HandlerFunc(func(context.Context, *connector.Message) (string, error) {
		panic("nil map")
	}))
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	if !h.platform.WaitFor(20*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, id) == 1
	}) {
		t.Fatal("no processed report after a panic")
	}
	if call := h.platform.Calls(fp.WorkToProcessed)[0]; !call.InError ||
		!strings.Contains(call.Message, "nil map") {
		t.Errorf("report = %+v, want in error naming the panic", call)
	}
}

func TestRunMessageWithoutWorkSkipsWorkCalls(t *testing.T) {
	h := newHarness(t)
	c := newCounter()
	h.start(c)
	h.topo.PublishJSON(t, exportMessage(""))
	select {
	case <-c.runs:
	case <-time.After(20 * time.Second):
		t.Fatal("handler not called")
	}
	if !h.topo.WaitListenEmpty(t, 1, 10*time.Second) {
		t.Fatal("message not acknowledged")
	}
	if n := len(h.platform.Calls(fp.WorkToReceived, fp.WorkToProcessed, fp.Work)); n != 0 {
		t.Errorf("work calls = %d, want 0", n)
	}
}

func TestRunMalformedMessagesRemoved(t *testing.T) {
	h := newHarness(t)
	c := newCounter()
	h.start(c)
	const total = 1000
	bodies := make([][]byte, 0, total+1)
	withWork := 0
	for i := range total {
		id := fmt.Sprintf("work_bad_%d", i)
		switch i % 5 {
		case 0: // not JSON at all
			bodies = append(bodies, []byte("\x00\xffnot json"))
		case 1: // truncated JSON whose work id is still readable
			bodies = append(bodies, []byte(`{"internal":{"work_id":"`+id+`","applicant_id":nu`))
			withWork++
		case 2: // no event
			bodies = append(bodies, []byte(`{"internal":{"work_id":"`+id+`"}}`))
			withWork++
		case 3: // invalid export scope
			msg := exportMessage(id)
			msg["event"].(map[string]any)["export_scope"] = "list"
			bodies = append(bodies, mustJSON(t, msg))
			withWork++
		case 4: // JSON that is not an object
			bodies = append(bodies, []byte(`["internal","event"]`))
		}
	}
	good := workID(1)
	bodies = append(bodies, mustJSON(t, exportMessage(good)))
	h.topo.Publish(t, bodies...)

	select {
	case got := <-c.runs:
		if got != good {
			t.Errorf("handler ran for %q", got)
		}
	case <-time.After(120 * time.Second):
		t.Fatal("valid message after the malformed ones not processed within 120 s")
	}
	if !h.topo.WaitListenEmpty(t, 1, 30*time.Second) {
		t.Fatal("malformed messages left on the queue")
	}
	h.platform.WaitFor(10*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, good) == 1
	})
	inError := 0
	for _, call := range h.platform.Calls(fp.WorkToProcessed) {
		if call.WorkID != good && call.InError && strings.HasPrefix(call.WorkID, "work_bad_") {
			inError++
		}
	}
	if inError != withWork {
		t.Errorf("works marked in error = %d, want %d", inError, withWork)
	}
	if n := len(c.runs); n != 0 {
		t.Errorf("handler ran %d more times", n)
	}
}

func TestRunInvalidKindEventsFailWork(t *testing.T) {
	for _, tc := range []struct {
		typ  connector.ConnectorType
		body string
	}{
		{connector.TypeInternalEnrichment,
			`{"internal":{"work_id":"work_entity"},"event":{"entity_id":"x","stix_entity":42}}`},
		{connector.TypeInternalEnrichment,
			`{"internal":{"work_id":"work_objects"},"event":{"entity_id":"x","stix_objects":"7"}}`},
		{connector.TypeInternalImportFile,
			`{"internal":{"work_id":"work_file"},"event":{"file_id":"../../graphql"}}`},
	} {
		h := newHarness(t, withType(tc.typ))
		c := newCounter()
		h.start(c)
		workID := scanWork(tc.body)
		h.topo.Publish(t, []byte(tc.body))

		if !h.platform.WaitFor(10*time.Second, func() bool {
			return h.platform.Count(fp.WorkToProcessed, workID) == 1
		}) {
			t.Fatalf("%s: work not reported", workID)
		}
		if !h.topo.WaitListenEmpty(t, 1, 10*time.Second) {
			t.Errorf("%s: message left on the queue", workID)
		}
		calls := h.platform.Calls(fp.WorkToProcessed)
		if len(calls) != 1 || !calls[0].InError {
			t.Errorf("%s: reports = %+v, want one in error", workID, calls)
		}
		if n := len(c.runs); n != 0 {
			t.Errorf("%s: handler ran %d times, want 0", workID, n)
		}
	}
}

// scanWork returns the work id of a test body.
func scanWork(body string) string {
	_, rest, _ := strings.Cut(body, `"work_id":"`)
	id, _, _ := strings.Cut(rest, `"`)
	return id
}

// A work report that fails on every attempt while its message is held is
// queued, and the message is acknowledged. The report is sent again with
// the next connector ping, or at the latest when the connector stops.
func TestRunFailedReportSentLater(t *testing.T) {
	for name, ping := range map[string]time.Duration{"ping": 100 * time.Millisecond,
		"shutdown": time.Hour} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, withOptions(connector.Options{ReportAttempts: 1,
				PingInterval: ping}))
			c := newCounter()
			h.start(c)
			h.platform.FailNext(fp.WorkToProcessed, nil)
			id := workID(1)
			h.topo.PublishJSON(t, exportMessage(id))
			if !h.platform.WaitFor(20*time.Second, func() bool {
				return len(h.platform.Calls(fp.WorkToProcessed)) == 1
			}) {
				t.Fatal("no processed report attempted")
			}

			if name == "ping" && !h.platform.WaitFor(10*time.Second, func() bool {
				return h.platform.Count(fp.WorkToProcessed, id) == 1
			}) {
				t.Error("queued report not sent with the pings")
			}
			if err := h.stop(20 * time.Second); err != nil {
				t.Fatalf("Run returned %v, want nil", err)
			}

			if n := h.platform.Count(fp.WorkToProcessed, id); n != 1 {
				t.Errorf("successful processed reports = %d, want 1", n)
			}
			if n := len(c.runs); n != 1 {
				t.Errorf("handler runs = %d, want 1", n)
			}
			if m, _ := h.topo.ListenDepth(t); m != 0 {
				t.Errorf("listen queue holds %d messages, want 0", m)
			}
		})
	}
}
