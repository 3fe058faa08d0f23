package connector_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	fp "github.com/opencti-go/sdk/connector/internal/fakeplatform"
	"github.com/opencti-go/sdk/internal/testenv"
)

// longHandlerScenario is the compressed timing of a long export: broker
// heartbeat, handler duration and work ping interval, with the expected
// counts.
type longHandlerScenario struct {
	Broker struct {
		HeartbeatSeconds int `json:"heartbeat_seconds"`
	} `json:"broker"`
	Handler struct {
		DurationSeconds int `json:"duration_seconds"`
	} `json:"handler"`
	WorkPingIntervalSeconds int             `json:"work_ping_interval_seconds"`
	Message                 json.RawMessage `json:"message"`
	Expect                  struct {
		HandlerInvocations int `json:"handler_invocations"`
		MinWorkPings       int `json:"min_work_pings"`
		ToReceivedCalls    int `json:"to_received_calls"`
		ToProcessedCalls   int `json:"to_processed_calls"`
	} `json:"expect"`
}

func loadLongHandlerScenario(t *testing.T) longHandlerScenario {
	t.Helper()
	path := filepath.Join(testenv.SharedDir(t, "cases", "018-connector-long-handler-heartbeat"),
		"scenario.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s longHandlerScenario
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	return s
}

// runLongHandler runs the scenario's message through a handler that works
// for the given duration, and checks heartbeats, work pings and reports.
func runLongHandler(t *testing.T, work func(context.Context, time.Duration), d time.Duration) {
	s := loadLongHandlerScenario(t)
	requireLongConsumerTimeout(t, d)
	h := newHarness(t, withOptions(connector.Options{
		Heartbeat:        time.Duration(s.Broker.HeartbeatSeconds) * time.Second,
		WorkPingInterval: time.Duration(s.WorkPingIntervalSeconds) * time.Second,
	}))
	var runs atomic.Int32
	h.start(connector.HandlerFunc(func(ctx context.Context, _ *connector.Message) (string, error) {
		runs.Add(1)
		work(ctx, d)
		return "done", nil
	}))
	// Work ids are unique per test, because the broker is shared.
	var msg map[string]any
	if err := json.Unmarshal(s.Message, &msg); err != nil {
		t.Fatal(err)
	}
	id := msg["internal"].(map[string]any)["work_id"].(string) + "_" + h.id
	msg["internal"].(map[string]any)["work_id"] = id
	h.topo.PublishJSON(t, msg)

	if !h.platform.WaitFor(d+30*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, id) > 0
	}) {
		t.Fatalf("no processed report within %s", d+30*time.Second)
	}
	if !h.topo.WaitListenEmpty(t, 1, 10*time.Second) {
		t.Error("message not acknowledged")
	}
	if n := metricValue(t, h.conn, "broker_connections_total"); n != 1 {
		t.Errorf("broker connections = %v, want 1 (never closed during the job)", n)
	}
	if n := int(runs.Load()); n != s.Expect.HandlerInvocations {
		t.Errorf("handler runs = %d, want %d", n, s.Expect.HandlerInvocations)
	}
	wantPings := s.Expect.MinWorkPings * int(d.Seconds()) / s.Handler.DurationSeconds
	if n := h.platform.Count(fp.WorkPing, id); n < wantPings {
		t.Errorf("work pings = %d, want at least %d", n, wantPings)
	}
	pings := slices.DeleteFunc(h.platform.Calls(fp.WorkPing), func(c fp.Call) bool {
		return c.WorkID != id
	})
	checkPingSpacing(t, pings, time.Duration(s.WorkPingIntervalSeconds)*time.Second)
	if n := h.platform.Count(fp.WorkToReceived, id); n != s.Expect.ToReceivedCalls {
		t.Errorf("received reports = %d, want %d", n, s.Expect.ToReceivedCalls)
	}
	if n := h.platform.Count(fp.WorkToProcessed, id); n != s.Expect.ToProcessedCalls {
		t.Errorf("processed reports = %d, want %d", n, s.Expect.ToProcessedCalls)
	}
}

// checkPingSpacing checks that successive work pings come about one
// interval apart, between half and one and a half intervals. The margin
// allows for a loaded machine and still catches a burst or a gap.
func checkPingSpacing(t *testing.T, pings []fp.Call, interval time.Duration) {
	t.Helper()
	for i := 1; i < len(pings); i++ {
		gap := pings[i].At.Sub(pings[i-1].At)
		if gap < interval/2 || gap > interval*3/2 {
			t.Errorf("work ping %d came %s after the previous one, want about %s", i+1,
				gap.Round(time.Millisecond), interval)
		}
	}
}

func TestLongHandlerKeepsConnection(t *testing.T) {
	t.Parallel()
	s := loadLongHandlerScenario(t)
	runLongHandler(t, func(ctx context.Context, d time.Duration) {
		select {
		case <-time.After(d):
		case <-ctx.Done():
		}
	}, time.Duration(s.Handler.DurationSeconds)*time.Second)
}

// A CPU-bound handler must not starve the heartbeats either. It runs for a
// third of the scenario, to spare the shared machine.
func TestLongBusyHandlerKeepsConnection(t *testing.T) {
	t.Parallel()
	s := loadLongHandlerScenario(t)
	runLongHandler(t, func(_ context.Context, d time.Duration) {
		x := 0
		for end := time.Now().Add(d); time.Now().Before(end); {
			for i := range 1_000_000 {
				x += i
			}
		}
		_ = x
	}, time.Duration(s.Handler.DurationSeconds/3)*time.Second)
}

// defaultConsumerTimeout is RabbitMQ's default delivery acknowledgement
// timeout in milliseconds (30 minutes).
const defaultConsumerTimeout = 1800000

// consumerTimeout returns the broker-wide delivery acknowledgement timeout
// in milliseconds. It skips the test when rabbitmqctl cannot run.
func consumerTimeout(t *testing.T) int {
	t.Helper()
	out, err := exec.Command("rabbitmqctl", "-q", "eval",
		"application:get_env(rabbit, consumer_timeout).").Output()
	if err != nil {
		t.Skipf("rabbitmqctl eval unavailable: %v", err)
	}
	if v := strings.Trim(strings.TrimSpace(string(out)), "{}"); strings.HasPrefix(v, "ok,") {
		if n, err := strconv.Atoi(strings.TrimPrefix(v, "ok,")); err == nil {
			return n
		}
	}
	return defaultConsumerTimeout
}

// requireLongConsumerTimeout fails the test when the broker's delivery
// acknowledgement timeout is shorter than twice the job duration d. TestRunSurvivesConsumerTimeout
// lowers it for a moment, so a test run killed at that moment leaves the
// broker closing every channel whose job runs longer.
func requireLongConsumerTimeout(t *testing.T, d time.Duration) {
	t.Helper()
	if ms := consumerTimeout(t); time.Duration(ms)*time.Millisecond < 2*d {
		t.Fatalf("the broker's consumer_timeout is %d ms, shorter than twice this test's %s job, "+
			"probably left by a killed test run: restore it with rabbitmqctl eval "+
			"'application:set_env(rabbit, consumer_timeout, %d).'", ms, d, defaultConsumerTimeout)
	}
}

// setConsumerTimeout changes the broker-wide delivery acknowledgement
// timeout, which channels read when they open, and returns the previous
// value in milliseconds.
func setConsumerTimeout(t *testing.T, ms int) int {
	t.Helper()
	prev := consumerTimeout(t)
	expr := "application:set_env(rabbit, consumer_timeout, " + strconv.Itoa(ms) + ")."
	if out, err := exec.Command("rabbitmqctl", "-q", "eval", expr).CombinedOutput(); err != nil {
		t.Fatalf("set consumer_timeout: %v: %s", err, out)
	}
	return prev
}

// The broker closes a channel (406 PRECONDITION_FAILED) whose delivery
// stays unacknowledged past consumer_timeout. The job goes on, the new
// channel gets the message back and adopts it: one run, one report.
func TestRunSurvivesConsumerTimeout(t *testing.T) {
	h := newHarness(t)
	prev := setConsumerTimeout(t, 3000)
	restored := false
	restore := func() {
		if !restored {
			setConsumerTimeout(t, prev)
			restored = true
		}
	}
	t.Cleanup(restore)
	b := newBlocker()
	h.start(b)
	restore() // only the connector's first channel gets the short timeout
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	b.waitStarted(t)
	if !h.platform.WaitFor(90*time.Second, func() bool {
		return metricValue(t, h.conn, "broker_connections_total") >= 2
	}) {
		t.Fatal("the broker did not close the channel within 90 s")
	}
	if !h.topo.WaitListenEmpty(t, 1, 30*time.Second) {
		t.Fatal("message not taken back by the new channel")
	}
	close(b.release)
	if !h.platform.WaitFor(20*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, id) == 1
	}) {
		t.Fatal("no processed report")
	}
	if !h.topo.WaitListenEmpty(t, 1, 10*time.Second) {
		t.Error("message not acknowledged on the new channel")
	}
	if n := b.runs.Load(); n != 1 {
		t.Errorf("handler runs = %d, want 1", n)
	}
}
