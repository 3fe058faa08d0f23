package connector_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	fp "github.com/opencti-go/sdk/connector/internal/fakeplatform"
	"github.com/opencti-go/sdk/internal/testenv"
)

// stopDuringJob publishes one export message, stops the connector once
// handler has started on it, and checks that the work was reported once
// without error and that the queue is left empty.
func stopDuringJob(t *testing.T, opts connector.Options, handler connector.HandlerFunc) {
	t.Helper()
	h := newHarness(t, withOptions(opts))
	started := make(chan struct{}, 1)
	h.start(connector.HandlerFunc(func(ctx context.Context, m *connector.Message) (string, error) {
		started <- struct{}{}
		return handler(ctx, m)
	}))
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	<-started
	if err := h.stop(20 * time.Second); err != nil {
		t.Fatalf("Run returned %v, want nil", err)
	}
	if n := h.platform.Count(fp.WorkToProcessed, id); n != 1 {
		t.Fatalf("processed reports = %d, want 1", n)
	}
	if call := h.platform.Calls(fp.WorkToProcessed)[0]; call.InError {
		t.Errorf("report in error: %q", call.Message)
	}
	if m, c := h.topo.ListenDepth(t); m != 0 || c != 0 {
		t.Errorf("listen queue: %d messages, %d consumers; want 0 and 0", m, c)
	}
}

func TestRunDrainWaitsForRunningHandler(t *testing.T) {
	stopDuringJob(t, connector.Options{},
		func(ctx context.Context, _ *connector.Message) (string, error) {
			time.Sleep(time.Second)
			return "Export done", ctx.Err()
		})
}

func TestRunDrainDeadlineRequeues(t *testing.T) {
	h := newHarness(t, withOptions(connector.Options{DrainTimeout: 500 * time.Millisecond}))
	b := newBlocker()
	h.start(b)
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	b.waitStarted(t)
	if err := h.stop(20 * time.Second); err != nil {
		t.Fatalf("Run returned %v, want nil", err)
	}
	if n := len(h.platform.Calls(fp.WorkToProcessed)); n != 0 {
		t.Errorf("processed reports = %d, want 0 for an interrupted job", n)
	}
	if m := requeuedDepth(t, h); m != 1 {
		t.Errorf("listen queue holds %d messages, want the interrupted one back", m)
	}
}

// A handler that succeeds as the drain deadline cancels it has done its
// work: the work is reported and the message removed, not run again.
func TestRunDrainDeadlineKeepsSuccess(t *testing.T) {
	stopDuringJob(t, connector.Options{DrainTimeout: 200 * time.Millisecond},
		func(ctx context.Context, _ *connector.Message) (string, error) {
			<-ctx.Done() // the upload ends as the deadline passes
			return "Export done", nil
		})
}

func TestRunDrainAbandonsStuckHandler(t *testing.T) {
	h := newHarness(t, withOptions(connector.Options{DrainTimeout: 200 * time.Millisecond}))
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	h.start(connector.HandlerFunc(func(context.Context, *connector.Message) (string, error) {
		started <- struct{}{}
		<-release // ignores its context
		return "Export done", nil
	}))
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	<-started
	if err := h.stop(20 * time.Second); err != nil {
		t.Fatalf("Run returned %v, want nil", err)
	}
	close(release)
	time.Sleep(300 * time.Millisecond)
	if n := len(h.platform.Calls(fp.WorkToProcessed)); n != 0 {
		t.Errorf("processed reports = %d, want 0 for an abandoned job", n)
	}
	if m, _ := h.topo.ListenDepth(t); m != 1 {
		t.Errorf("listen queue holds %d messages, want the abandoned one back", m)
	}
}

// The SIGTERM tests run the connector in a child process built from this
// test binary; TestMain turns the binary into that child when
// connectorChildEnv is set.
const connectorChildEnv = "OPENCTI_SDK_CONNECTOR_CHILD"

type childSpec struct {
	Registration connector.Registration
	// BrokerPass travels apart because a Secret encodes as "[REDACTED]".
	BrokerPass   string
	ConnectorID  string
	HandlerDelay time.Duration
	DrainTimeout time.Duration
}

func TestMain(m *testing.M) {
	if spec := os.Getenv(connectorChildEnv); spec != "" {
		os.Exit(runChild(spec))
	}
	os.Exit(m.Run())
}

// runChild runs a connector until SIGTERM, printing "started <work id>"
// when its handler starts and, after Run returns, one JSON line per
// platform call.
func runChild(specJSON string) int {
	var spec childSpec
	if err := json.Unmarshal([]byte(specJSON), &spec); err != nil {
		fmt.Fprintln(os.Stderr, "child spec:", err)
		return 2
	}
	spec.Registration.Broker.Connection.Pass = connector.Secret(spec.BrokerPass)
	platform := fp.New(spec.Registration)
	conn, err := connector.New(testConfig(spec.ConnectorID, connector.TypeInternalExportFile),
		platform, connector.Options{DrainTimeout: spec.DrainTimeout})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	err = conn.Run(ctx, connector.HandlerFunc(
		func(ctx context.Context, m *connector.Message) (string, error) {
			fmt.Println("started", m.Internal.WorkID)
			select {
			case <-time.After(spec.HandlerDelay):
				return "Export done", nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child Run:", err)
		return 1
	}
	for _, call := range platform.Calls(fp.WorkToReceived, fp.WorkToProcessed) {
		line, _ := json.Marshal(call)
		fmt.Println(string(line))
	}
	return 0
}

func runSIGTERM(t *testing.T, handlerDelay, drain time.Duration) ([]fp.Call, *harness) {
	t.Helper()
	h := newHarness(t)
	reg := h.topo.Registration(t, "")
	spec, _ := json.Marshal(childSpec{Registration: reg,
		BrokerPass: reg.Broker.Connection.Pass.Reveal(), ConnectorID: h.id,
		HandlerDelay: handlerDelay, DrainTimeout: drain})
	cmd, stdout, stderr := testenv.StartChild(t, connectorChildEnv+"="+string(spec))
	if !h.topo.WaitListenEmpty(t, 1, 20*time.Second) {
		t.Fatal("child did not start consuming")
	}
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "started "+id {
		t.Fatalf("child output %q, want the handler start", lines.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var calls []fp.Call
	for lines.Scan() {
		var call fp.Call
		if err := json.Unmarshal(lines.Bytes(), &call); err != nil {
			t.Fatalf("child output line %q: %v", lines.Text(), err)
		}
		calls = append(calls, call)
	}
	err := cmd.Wait()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		t.Fatalf("child exited with %d, want 0; stderr: %s", exitErr.ExitCode(), stderr.String())
	} else if err != nil {
		t.Fatal(err)
	}
	return calls, h
}

func TestSIGTERMDrainFinishesJob(t *testing.T) {
	t.Parallel()
	calls, h := runSIGTERM(t, 2*time.Second, 20*time.Second)
	if len(calls) != 2 || calls[1].Method != fp.WorkToProcessed || calls[1].InError {
		t.Fatalf("child calls = %+v, want received then processed", calls)
	}
	if m, c := h.topo.ListenDepth(t); m != 0 || c != 0 {
		t.Errorf("listen queue: %d messages, %d consumers; want 0 and 0", m, c)
	}
}

func TestSIGTERMDrainDeadlineRequeues(t *testing.T) {
	t.Parallel()
	calls, h := runSIGTERM(t, time.Minute, time.Second)
	for _, call := range calls {
		if call.Method == fp.WorkToProcessed {
			t.Errorf("processed report %+v for an interrupted job", call)
		}
	}
	if m := requeuedDepth(t, h); m != 1 {
		t.Errorf("listen queue holds %d messages, want the interrupted one back", m)
	}
}

// requeuedDepth returns the listen queue's message count once it is 1, or
// after 10 s. The broker requeues an interrupted message when it handles
// the consumer's nack or closed connection, which can come after Run or
// the child process has returned.
func requeuedDepth(t *testing.T, h *harness) int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m, _ := h.topo.ListenDepth(t)
		if m == 1 || time.Now().After(deadline) {
			return m
		}
		time.Sleep(100 * time.Millisecond)
	}
}
