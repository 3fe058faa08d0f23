package connector

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime/debug"
	"sync"
	"time"
)

// LastRunKey is the connector state key where [Connector.Schedule] records
// the start of the last successful run, as an RFC 3339 date with a
// "+00:00" offset (the form of pycti's connectors-sdk).
const LastRunKey = "last_run"

// RunHandler does the work of one scheduled run: fetch, build STIX, send.
// It returns the text of the run's work report; an error marks the work in
// error with the error's text.
type RunHandler interface {
	HandleRun(ctx context.Context, run *ScheduledRun) (string, error)
}

// RunHandlerFunc adapts a function to [RunHandler].
type RunHandlerFunc func(ctx context.Context, run *ScheduledRun) (string, error)

// HandleRun calls f.
func (f RunHandlerFunc) HandleRun(ctx context.Context, run *ScheduledRun) (string, error) {
	return f(ctx, run)
}

// ScheduledRun is one run of a scheduled connector. It belongs to its
// handler call and is not safe for concurrent use.
type ScheduledRun struct {
	// WorkID is the work opened for this run. Bundles sent with
	// [ScheduledRun.SendBundle] are tied to it.
	WorkID string
	// Start is when the run began, in UTC.
	Start time.Time
	// LastRun is the start of the last successful run, read from the
	// state's "last_run" key; zero on the first run.
	LastRun time.Time
	// State is a copy of the connector state at the start of the run,
	// never nil. The handler changes it in place; the scheduler saves it,
	// with "last_run" set to Start, when the handler succeeds.
	State map[string]any

	conn    *Connector
	dropped int
}

// SendBundle sends a bundle tied to the run's work, unless opts names
// another work. See [Connector.SendBundle].
func (r *ScheduledRun) SendBundle(ctx context.Context, bundle []byte, opts BundleOptions) (
	SendResult, error) {
	if opts.WorkID == "" {
		opts.WorkID = r.WorkID
	}
	res, err := r.conn.SendBundle(ctx, bundle, opts)
	r.dropped += len(res.Dropped)
	return res, err
}

// SaveState saves r.State on the platform at once, as a checkpoint within
// a long run. The scheduler saves it again when the run succeeds.
func (r *ScheduledRun) SaveState(ctx context.Context) error {
	return r.conn.SaveState(ctx, r.State)
}

// ScheduleOptions tunes [Connector.Schedule]. The zero value reads the
// period from the configuration.
type ScheduleOptions struct {
	// Period overrides CONNECTOR_DURATION_PERIOD when positive.
	Period time.Duration
	// WorkName returns the friendly name of a run's work. Default
	// "<connector name> run @ <start, RFC 3339>".
	WorkName func(start time.Time) string
	// MultiPartWork opens each run's work with isMultiPartWork, so that
	// the platform completes it only after the run's report even when the
	// workers catch up between two bundles. Only platforms 7.260422.0 and
	// later accept the argument.
	MultiPartWork bool
}

// Schedule runs h periodically, as pycti's scheduler does, until ctx ends.
// It checks the platform and registers (retrying both), then:
//
//   - runs h at once, then again each period after the end of the previous
//     run (a fixed delay, so runs drift by their length);
//   - before each run but the first, reads the size of the connector's
//     queues and skips the run while it is at or above
//     CONNECTOR_QUEUE_THRESHOLD (reported as buffering in the pings);
//   - opens a work per run, hands h a [ScheduledRun], then saves the state
//     (with "last_run") and reports the work with h's text, or marks the
//     work in error when h fails or panics;
//   - pings every PingInterval with the state and the last and next run
//     dates.
//
// Unlike pycti, a failed run is logged and reported on its work, and the
// next run goes ahead: the process is not stopped. When ctx ends during a
// run, h gets [Options.DrainTimeout] to return before its context is
// cancelled.
//
// With CONNECTOR_RUN_AND_TERMINATE or a period of 0, Schedule does one run
// (skipped when the queues are over the threshold), sends the state with a
// final ping and returns the run's error, so a cron-style command exits
// non-zero on failure. No ping loop runs in that mode.
//
// Schedule returns an error before any I/O when the period is missing or
// invalid. Run, RunLoop and Schedule may be called once in all.
func (c *Connector) Schedule(ctx context.Context, h RunHandler, opts ScheduleOptions) error {
	if h == nil {
		return errors.New("connector: nil run handler")
	}
	period, err := c.schedulePeriod(opts)
	if err != nil {
		return err
	}
	s := &scheduler{c: c, h: h, opts: opts, period: period}
	once := c.cfg.RunAndTerminate || period == 0
	c.sched.set(func(info *ConnectorInfo) { info.RunAndTerminate = once })
	if once {
		return c.runRegistered(ctx, false, true, s.runOnce)
	}
	return c.runRegistered(ctx, true, true, s.loop)
}

// schedulePeriod returns the run period: the option, else the parsed
// configuration value.
func (c *Connector) schedulePeriod(opts ScheduleOptions) (time.Duration, error) {
	if opts.Period > 0 {
		return opts.Period, nil
	}
	if c.cfg.DurationPeriod == "" {
		if c.cfg.RunAndTerminate {
			return 0, nil
		}
		return 0, &ConfigError{Env: "CONNECTOR_DURATION_PERIOD",
			YAML: "connector.duration_period", Reason: "missing: set the run period, for " +
				"example PT1H, or CONNECTOR_RUN_AND_TERMINATE=true for a single run"}
	}
	period, err := ParsePeriod(c.cfg.DurationPeriod)
	if err != nil {
		return 0, &ConfigError{Env: "CONNECTOR_DURATION_PERIOD",
			YAML: "connector.duration_period", Reason: err.Error()}
	}
	return period, nil
}

// scheduler holds one Schedule call.
type scheduler struct {
	c      *Connector
	h      RunHandler
	opts   ScheduleOptions
	period time.Duration
	queue  queueCheck
}

// loop runs at once, then every period after the end of the previous run.
func (s *scheduler) loop(ctx context.Context) error {
	c := s.c
	c.log.Info("scheduler started", "period", s.period)
	_ = s.run(ctx)
	for {
		next := time.Now().Add(s.period)
		c.sched.set(func(info *ConnectorInfo) { info.NextRun = next })
		if !sleep(ctx, time.Until(next)) {
			return nil
		}
		if s.queue.full(ctx, c) {
			continue
		}
		_ = s.run(ctx)
	}
}

// runOnce is the run-and-terminate mode.
func (s *scheduler) runOnce(ctx context.Context) error {
	c := s.c
	var runErr error
	if !s.queue.full(ctx, c) {
		runErr = s.run(ctx)
	}
	pingCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := c.forcePing(pingCtx); err != nil {
		c.log.Error("final ping failed; the state may not be saved", "error", err)
		if runErr == nil {
			runErr = err
		}
	}
	return runErr
}

// forcePing pings at once and, when the platform echoes another state
// (the ping only consumed a pending reset), pings again, as pycti's
// force_ping does.
func (c *Connector) forcePing(ctx context.Context) error {
	before, _ := c.state.get()
	if err := c.ping(ctx); err != nil {
		return err
	}
	if after, _ := c.state.get(); !sameState(before, after) {
		return c.ping(ctx)
	}
	return nil
}

// run does one run: work, handler, state, report. It returns the run's
// error; a failure is also logged and reported on the work.
func (s *scheduler) run(ctx context.Context) error {
	c := s.c
	start := time.Now().UTC()
	run := &ScheduledRun{Start: start, State: maps.Clone(c.State()), conn: c}
	if run.State == nil {
		run.State = map[string]any{}
	}
	run.LastRun = lastRunOf(run.State)
	workID, err := s.openWork(ctx, start)
	if err != nil {
		c.metrics.errors.Inc()
		c.log.Error("run skipped: no work could be opened", "error", err)
		return err
	}
	run.WorkID = workID
	c.sched.set(func(info *ConnectorInfo) { info.LastRun = start })
	c.log.Info("run started", "work_id", workID, "last_run", run.LastRun)

	text, runErr := s.callHandler(ctx, run)
	reportCtx := context.WithoutCancel(ctx)
	if runErr != nil {
		c.metrics.errors.Inc()
		c.log.Error("run failed", "work_id", workID, "error", runErr)
		c.FinishWork(reportCtx, workID, runErr.Error(), true)
		return runErr
	}
	c.metrics.IncRuns()
	run.State[LastRunKey] = start.Format("2006-01-02T15:04:05+00:00")
	if err := c.SaveState(reportCtx, run.State); err != nil {
		// SaveState kept the state in memory: the next ping sends it.
		c.log.Warn("state not saved at the end of the run; the next ping sends it",
			"work_id", workID, "error", err)
	}
	if text == "" {
		text = "Run completed"
	}
	c.FinishWork(reportCtx, workID, text, false)
	c.log.Info("run done", "work_id", workID, "duration", time.Since(start),
		"objects_dropped", run.dropped)
	return nil
}

// openWork calls workAdd, with a few retries.
func (s *scheduler) openWork(ctx context.Context, start time.Time) (string, error) {
	name := fmt.Sprintf("%s run @ %s", s.c.cfg.Name, start.Format(time.RFC3339))
	if s.opts.WorkName != nil {
		name = s.opts.WorkName(start)
	}
	b := &backoff{first: time.Second, max: 10 * time.Second}
	for attempt := 1; ; attempt++ {
		id, err := s.c.AddWork(ctx, name, s.opts.MultiPartWork)
		if err == nil {
			return id, nil
		}
		if attempt == 3 || !sleep(ctx, b.next()) {
			return "", err
		}
	}
}

// callHandler runs h with a context that outlives ctx by DrainTimeout,
// and turns a panic into a *PanicError, logged with its stack, as for
// listen-queue handlers.
func (s *scheduler) callHandler(ctx context.Context, run *ScheduledRun) (text string, err error) {
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(s.c.opts.DrainTimeout, cancel)
		context.AfterFunc(runCtx, func() { t.Stop() })
	})
	defer stop()
	defer func() {
		if p := recover(); p != nil {
			perr := &PanicError{Value: p, Stack: debug.Stack()}
			s.c.log.Error("run handler panicked", "work_id", run.WorkID, "panic", fmt.Sprint(p),
				"stack", string(perr.Stack))
			err = perr
		}
	}()
	return s.h.HandleRun(runCtx, run)
}

// lastRunOf reads "last_run" as an RFC 3339 date or Unix seconds.
func lastRunOf(state map[string]any) time.Time {
	switch v := state[LastRunKey].(type) {
	case string:
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t.UTC()
		}
	case float64:
		return time.Unix(int64(v), 0).UTC()
	}
	return time.Time{}
}

// runInfo is the connectorInfo sent with each ping. It is safe for
// concurrent use.
type runInfo struct {
	mu   sync.Mutex
	info ConnectorInfo
}

func (r *runInfo) set(fn func(*ConnectorInfo)) {
	r.mu.Lock()
	fn(&r.info)
	r.mu.Unlock()
}

// connectorInfo returns the connectorInfo argument of the next ping.
func (c *Connector) connectorInfo() *ConnectorInfo {
	c.sched.mu.Lock()
	info := c.sched.info
	c.sched.mu.Unlock()
	info.QueueThreshold = c.cfg.QueueThreshold
	return &info
}
