package connector_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/connector/internal/fakeplatform"
	"github.com/opencti-go/sdk/connector/internal/mqtest"
)

// queuePlatform is the fake platform with a queue size and a record of the
// connectorInfo of each ping.
type queuePlatform struct {
	*fakeplatform.Platform
	bytes atomic.Int64

	mu    sync.Mutex
	infos []connector.ConnectorInfo
}

func (p *queuePlatform) QueueDetails(context.Context, string) (connector.QueueDetails, error) {
	return connector.QueueDetails{Messages: 7, Bytes: p.bytes.Load()}, nil
}

func (p *queuePlatform) PingConnector(ctx context.Context, in connector.PingInput) (
	connector.PingResult, error) {
	if in.Info != nil {
		p.mu.Lock()
		p.infos = append(p.infos, *in.Info)
		p.mu.Unlock()
	}
	return p.Platform.PingConnector(ctx, in)
}

func (p *queuePlatform) lastInfo() connector.ConnectorInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.infos) == 0 {
		return connector.ConnectorInfo{}
	}
	return p.infos[len(p.infos)-1]
}

func newQueuePlatform() *queuePlatform {
	reg := connector.Registration{ConnectorUserID: "88f1d0a2-5b3c-4e7f-a1d9-6c2b0e4f9a17",
		Broker: connector.BrokerConfig{Listen: "listen_q", PushExchange: "push_x",
			PushRouting: "push_r", Push: "push_q"}}
	return &queuePlatform{Platform: fakeplatform.New(reg)}
}

// newScheduled builds an external import connector over platform.
func newScheduled(t *testing.T, platform connector.Platform, configure func(*connector.Config),
	opts connector.Options) *connector.Connector {
	t.Helper()
	cfg := testConfig(mqtest.NewID(), connector.TypeExternalImport)
	cfg.DurationPeriod = "PT1H"
	if configure != nil {
		configure(cfg)
	}
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	opts.StartupDelay = 20 * time.Millisecond
	opts.PingInterval = 50 * time.Millisecond
	conn, err := connector.New(cfg, platform, opts)
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// runSchedule runs Schedule in the background and returns its stop
// function, which cancels it and returns its result.
func runSchedule(t *testing.T, conn *connector.Connector, h connector.RunHandler,
	opts connector.ScheduleOptions) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- conn.Schedule(ctx, h, opts) }()
	var once sync.Once
	var result error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(20 * time.Second):
				t.Error("Schedule did not return within 20 s of cancellation")
			}
		})
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

type runRecord struct {
	start, end time.Time
	workID     string
	state      map[string]any
}

func TestScheduleFixedDelayBetweenRuns(t *testing.T) {
	platform := newQueuePlatform()
	conn := newScheduled(t, platform, nil, connector.Options{})
	runs := make(chan runRecord, 10)
	h := connector.RunHandlerFunc(func(ctx context.Context, run *connector.ScheduledRun) (string, error) {
		rec := runRecord{start: time.Now(), workID: run.WorkID}
		time.Sleep(60 * time.Millisecond)
		rec.end = time.Now()
		runs <- rec
		return "fetched 0 items", nil
	})
	stop := runSchedule(t, conn, h, connector.ScheduleOptions{Period: 150 * time.Millisecond})
	var got []runRecord
	for len(got) < 3 {
		select {
		case r := <-runs:
			got = append(got, r)
		case <-time.After(10 * time.Second):
			t.Fatalf("%d runs in 10 s, want 3", len(got))
		}
	}
	if err := stop(); err != nil {
		t.Fatalf("Schedule returned %v, want nil after cancel", err)
	}
	for i := 1; i < len(got); i++ {
		if gap := got[i].start.Sub(got[i-1].end); gap < 140*time.Millisecond {
			t.Errorf("run %d started %v after the end of run %d, want at least the period", i, gap, i-1)
		}
		if got[i].workID == got[i-1].workID {
			t.Errorf("runs %d and %d share work %s, want one work per run", i-1, i, got[i].workID)
		}
	}
	for _, r := range got {
		if n := platform.Count(fakeplatform.WorkToProcessed, r.workID); n != 1 {
			t.Errorf("work %s got %d terminal reports, want 1", r.workID, n)
		}
	}
}

func TestScheduleSavesStateAfterEachRun(t *testing.T) {
	platform := newQueuePlatform()
	conn := newScheduled(t, platform, nil, connector.Options{})
	runs := make(chan runRecord, 10)
	n := 0
	h := connector.RunHandlerFunc(func(ctx context.Context, run *connector.ScheduledRun) (string, error) {
		runs <- runRecord{state: clone(run.State), start: run.LastRun}
		n++
		run.State["cursor"] = float64(n)
		return "", nil
	})
	runSchedule(t, conn, h, connector.ScheduleOptions{Period: 50 * time.Millisecond})
	first, second := <-runs, <-runs
	if len(first.state) != 0 || !first.start.IsZero() {
		t.Errorf("first run state = %v, last run %v; want empty and zero", first.state, first.start)
	}
	if second.state["cursor"] != 1.0 {
		t.Errorf("second run cursor = %v, want 1 saved by the first run", second.state["cursor"])
	}
	if second.start.IsZero() {
		t.Error("second run has no LastRun, want the first run's start")
	}
	if !strings.Contains(platform.StoredState(), `"last_run"`) {
		t.Errorf("stored state %s has no last_run", platform.StoredState())
	}
}

func clone(m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestScheduleSkipsRunsOverThreshold(t *testing.T) {
	platform := newQueuePlatform()
	platform.bytes.Store(600_000_000) // 600 MB, over the default 500
	conn := newScheduled(t, platform, nil, connector.Options{})
	var runs atomic.Int32
	h := connector.RunHandlerFunc(func(ctx context.Context, run *connector.ScheduledRun) (string, error) {
		runs.Add(1)
		return "", nil
	})
	runSchedule(t, conn, h, connector.ScheduleOptions{Period: 30 * time.Millisecond})
	if !platform.WaitFor(5*time.Second, func() bool { return platform.lastInfo().Buffering }) {
		t.Fatal("no ping reported buffering within 5 s")
	}
	time.Sleep(200 * time.Millisecond)
	if got := runs.Load(); got != 1 {
		t.Errorf("%d runs while the queue was full, want 1 (the first run skips the check)", got)
	}
	info := platform.lastInfo()
	if info.QueueMessagesSize != 600 || info.QueueThreshold != 500 {
		t.Errorf("ping info size %g MB, threshold %g MB; want 600 and 500",
			info.QueueMessagesSize, info.QueueThreshold)
	}
	platform.bytes.Store(1000)
	if !platform.WaitFor(5*time.Second, func() bool { return runs.Load() >= 2 }) {
		t.Fatal("no run within 5 s after the queue emptied")
	}
	if !platform.WaitFor(5*time.Second, func() bool { return !platform.lastInfo().Buffering }) {
		t.Error("pings still report buffering after the queue emptied")
	}
	if info := platform.lastInfo(); info.LastRun.IsZero() || info.NextRun.IsZero() {
		t.Errorf("ping info last run %v, next run %v; want both set", info.LastRun, info.NextRun)
	}
}

func TestScheduleFailedRunIsReported(t *testing.T) {
	platform := newQueuePlatform()
	conn := newScheduled(t, platform, nil, connector.Options{})
	works := make(chan string, 10)
	var n atomic.Int32
	h := connector.RunHandlerFunc(func(ctx context.Context, run *connector.ScheduledRun) (string, error) {
		works <- run.WorkID
		run.State["cursor"] = "lost"
		switch n.Add(1) {
		case 1:
			return "", errors.New("feed answered 500")
		case 2:
			panic("nil map in parser")
		}
		return "", nil
	})
	runSchedule(t, conn, h, connector.ScheduleOptions{Period: 20 * time.Millisecond})
	failed, panicked, ok := <-works, <-works, <-works
	for _, c := range []struct{ work, text string }{{failed, "feed answered 500"},
		{panicked, "handler panic: nil map in parser"}} {
		calls := platform.Calls(fakeplatform.WorkToProcessed)
		var found bool
		for _, call := range calls {
			if call.WorkID == c.work {
				found = true
				if !call.InError || call.Message != c.text {
					t.Errorf("work %s report = (%q, in error %v), want (%q, true)",
						c.work, call.Message, call.InError, c.text)
				}
			}
		}
		if !found {
			t.Errorf("work %s was never reported", c.work)
		}
	}
	if !platform.WaitFor(5*time.Second, func() bool { return platform.Count(fakeplatform.WorkToProcessed, ok) == 1 }) {
		t.Error("the run after two failures was not reported")
	}
}

func TestScheduleRunAndTerminate(t *testing.T) {
	platform := newQueuePlatform()
	conn := newScheduled(t, platform, func(c *connector.Config) { c.RunAndTerminate = true },
		connector.Options{})
	var runs atomic.Int32
	h := connector.RunHandlerFunc(func(ctx context.Context, run *connector.ScheduledRun) (string, error) {
		runs.Add(1)
		run.State["cursor"] = "page-2"
		return "1 page", nil
	})
	err := conn.Schedule(t.Context(), h, connector.ScheduleOptions{})
	if err != nil {
		t.Fatalf("Schedule = %v, want nil", err)
	}
	if runs.Load() != 1 {
		t.Errorf("%d runs, want 1", runs.Load())
	}
	if !strings.Contains(platform.StoredState(), `"cursor":"page-2"`) {
		t.Errorf("stored state %s, want the run's cursor", platform.StoredState())
	}
	if !platform.lastInfo().RunAndTerminate {
		t.Error("final ping did not report run_and_terminate")
	}

	failing := newScheduled(t, newQueuePlatform(), func(c *connector.Config) {
		c.DurationPeriod = "0"
	}, connector.Options{})
	err = failing.Schedule(t.Context(), connector.RunHandlerFunc(
		func(context.Context, *connector.ScheduledRun) (string, error) {
			return "", errors.New("feed down")
		}), connector.ScheduleOptions{})
	if err == nil || !strings.Contains(err.Error(), "feed down") {
		t.Errorf("Schedule with a failing single run = %v, want the run's error", err)
	}
}

// newStatePlatform returns a queuePlatform that stores the state text.
func newStatePlatform(state string) *queuePlatform {
	reg := newQueuePlatform().Registration
	reg.ConnectorState = state
	return &queuePlatform{Platform: fakeplatform.New(reg)}
}

func TestScheduleWarnsOfStateNotObject(t *testing.T) {
	for _, stored := range []string{`[1,2]`, `"page-3"`, `42`, `{broken`} {
		platform := newStatePlatform(stored)
		var logs bytes.Buffer
		conn := newScheduled(t, platform, func(c *connector.Config) { c.RunAndTerminate = true },
			connector.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		var seen map[string]any
		err := conn.Schedule(t.Context(), connector.RunHandlerFunc(
			func(_ context.Context, run *connector.ScheduledRun) (string, error) {
				seen = maps.Clone(run.State)
				return "", nil
			}), connector.ScheduleOptions{})
		if err != nil {
			t.Fatalf("state %s: Schedule = %v, want nil", stored, err)
		}
		if len(seen) != 0 {
			t.Errorf("state %s: run got %v, want an empty state", stored, seen)
		}
		if !strings.Contains(logs.String(), "stored connector state is not a JSON object") {
			t.Errorf("state %s: no warning in the log:\n%s", stored, logs.String())
		}
	}
	for _, stored := range []string{``, `null`, `{}`, `{"cursor":"a"}`} {
		platform := newStatePlatform(stored)
		var logs bytes.Buffer
		conn := newScheduled(t, platform, func(c *connector.Config) { c.RunAndTerminate = true },
			connector.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
		err := conn.Schedule(t.Context(), connector.RunHandlerFunc(
			func(context.Context, *connector.ScheduledRun) (string, error) { return "", nil }),
			connector.ScheduleOptions{})
		if err != nil {
			t.Fatalf("state %s: Schedule = %v, want nil", stored, err)
		}
		if strings.Contains(logs.String(), "not a JSON object") {
			t.Errorf("state %q: unexpected warning:\n%s", stored, logs.String())
		}
	}
}

func TestScheduleRejectsInvalidPeriod(t *testing.T) {
	cases := map[string]string{
		"-PT1H":  "negative period",
		"PT0.5S": "shorter than one second",
		"":       "missing: set the run period",
	}
	for period, want := range cases {
		platform := newQueuePlatform()
		cfg := testConfig(mqtest.NewID(), connector.TypeExternalImport)
		cfg.DurationPeriod = period
		// New validates the period; an empty one is only an error for
		// Schedule.
		conn, err := connector.New(cfg, platform, connector.Options{})
		if err == nil {
			err = conn.Schedule(t.Context(), connector.RunHandlerFunc(
				func(context.Context, *connector.ScheduledRun) (string, error) { return "", nil }),
				connector.ScheduleOptions{})
		}
		if err == nil || !strings.Contains(err.Error(), want) ||
			!strings.Contains(err.Error(), "CONNECTOR_DURATION_PERIOD") {
			t.Errorf("period %q: error = %v, want one naming CONNECTOR_DURATION_PERIOD "+
				"with %q", period, err, want)
		}
		if calls := platform.Calls(); len(calls) != 0 {
			t.Errorf("period %q: %d platform calls before the error, want none", period, len(calls))
		}
	}
}

func TestConfigRejectsInvalidPeriod(t *testing.T) {
	src, err := connector.NewSource(nil, mapEnv(map[string]string{
		"OPENCTI_URL": "http://127.0.0.1:4000", "OPENCTI_TOKEN": "2b7e9f61-0c4d-4a8e-b3f5-7d1e6a9c0b24",
		"CONNECTOR_ID": mqtest.NewID(), "CONNECTOR_TYPE": "EXTERNAL_IMPORT",
		"CONNECTOR_NAME": "Feed", "CONNECTOR_DURATION_PERIOD": "-PT1H",
	}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = connector.ConfigFromSource(src)
	var ce *connector.ConfigError
	if !errors.As(err, &ce) || ce.Env != "CONNECTOR_DURATION_PERIOD" {
		t.Fatalf("ConfigFromSource = %v, want a ConfigError for CONNECTOR_DURATION_PERIOD", err)
	}
	if !strings.Contains(err.Error(), "negative period") {
		t.Errorf("error %q does not explain the negative period", err)
	}
}

func TestScheduleDrainsRunningHandler(t *testing.T) {
	platform := newQueuePlatform()
	conn := newScheduled(t, platform, nil, connector.Options{DrainTimeout: 2 * time.Second})
	started := make(chan string, 1)
	h := connector.RunHandlerFunc(func(ctx context.Context, run *connector.ScheduledRun) (string, error) {
		started <- run.WorkID
		select {
		case <-time.After(300 * time.Millisecond):
			return "finished during shutdown", nil
		case <-ctx.Done():
			return "", ctx.Err()
		}
	})
	stop := runSchedule(t, conn, h, connector.ScheduleOptions{})
	work := <-started
	if err := stop(); err != nil {
		t.Fatalf("Schedule = %v, want nil", err)
	}
	calls := platform.Calls(fakeplatform.WorkToProcessed)
	if len(calls) != 1 || calls[0].WorkID != work || calls[0].InError {
		t.Fatalf("reports = %+v, want one success for %s", calls, work)
	}
	if calls[0].Message != "finished during shutdown" {
		t.Errorf("report = %q, want the handler's text", calls[0].Message)
	}
}
