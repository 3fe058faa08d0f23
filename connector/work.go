package connector

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// receivedMessage is the work message sent when a message is received.
const receivedMessage = "Connector ready to process the operation"

// MaxReportLen is the max length, in bytes, of the text of a work report
// that the framework sends. [TruncateReport] shortens longer texts.
const MaxReportLen = 4000

// TruncateReport shortens text to at most [MaxReportLen] bytes, cut at a
// rune boundary and ended with "…", as the framework does before each work
// report. Programs that report on works themselves call it so that their
// reports read the same.
func TruncateReport(text string) string {
	return truncate(text, MaxReportLen)
}

// workRecord remembers the work ids this process finished (bounded, oldest
// forgotten first) and the requeue count of works that failed with a
// retryable error. It is safe for concurrent use.
type workRecord struct {
	mu      sync.Mutex
	max     int
	order   *list.List
	done    map[string]*list.Element
	retries map[string]int
}

func newWorkRecord(size int) *workRecord {
	return &workRecord{max: size, order: list.New(), done: map[string]*list.Element{},
		retries: map[string]int{}}
}

func (r *workRecord) completed(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.done[id]
	return ok
}

func (r *workRecord) markCompleted(id string) {
	if id == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.retries, id)
	if _, ok := r.done[id]; ok {
		return
	}
	r.done[id] = r.order.PushBack(id)
	for r.order.Len() > r.max {
		oldest := r.order.Front()
		r.order.Remove(oldest)
		delete(r.done, oldest.Value.(string))
	}
}

// retry counts one more requeue of key and returns the new count.
func (r *workRecord) retry(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retries[key]++
	if len(r.retries) > r.max {
		clear(r.retries)
	}
	return r.retries[key]
}

// pendingReport is a terminal report that could not be sent while its
// message was held.
type pendingReport struct {
	workID  string
	message string
	inError bool
}

// reportQueue holds terminal reports to retry. It is safe for concurrent
// use.
type reportQueue struct {
	mu    sync.Mutex
	items []pendingReport
}

func (q *reportQueue) push(p pendingReport) {
	q.mu.Lock()
	q.items = append(q.items, p)
	q.mu.Unlock()
}

func (q *reportQueue) take() []pendingReport {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	return items
}

// retryReports sends the queued terminal reports once each; those that
// fail again stay queued.
func (c *Connector) retryReports(ctx context.Context) {
	for _, p := range c.reports.take() {
		err := c.platform.WorkToProcessed(ctx, p.workID, p.message, p.inError)
		if err != nil && !errors.Is(err, ErrWorkNotFound) {
			c.reports.push(p)
			continue
		}
		c.log.Info("queued work report sent", "work_id", p.workID, "in_error", p.inError)
	}
}

// flushReports makes a last attempt at the queued reports during shutdown
// and logs those that are lost with the process.
func (c *Connector) flushReports() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c.retryReports(ctx)
	for _, p := range c.reports.take() {
		c.log.Error("work report lost at shutdown", "work_id", p.workID, "in_error", p.inError,
			"message", p.message)
	}
}

// reportProcessed sends the work's terminal report. It retries with backoff
// up to ReportAttempts; after that the report is queued for the ping loop
// and the message can still be acknowledged, so a platform outage never
// makes the handler run again.
func (c *Connector) reportProcessed(ctx context.Context, workID, message string, inError bool) {
	message = TruncateReport(message)
	b := &backoff{first: time.Second, max: 30 * time.Second}
	var err error
	for attempt := 1; attempt <= c.opts.ReportAttempts; attempt++ {
		err = c.platform.WorkToProcessed(ctx, workID, message, inError)
		if err == nil || errors.Is(err, ErrWorkNotFound) {
			return
		}
		c.metrics.errors.Inc()
		if attempt == c.opts.ReportAttempts {
			break
		}
		delay := b.next()
		c.log.Warn("work report failed", "work_id", workID, "attempt", attempt,
			"delay", delay, "error", err)
		if !sleep(ctx, delay) {
			break
		}
	}
	c.log.Error("work report failed; queued for retry with each ping", "work_id", workID,
		"error", err)
	c.reports.push(pendingReport{workID: workID, message: message, inError: inError})
}

// reportReceived sends toReceived, with a few quick retries. A failure is
// logged and processing goes on: the terminal report still tells the
// outcome.
func (c *Connector) reportReceived(ctx context.Context, workID string) {
	b := &backoff{first: 500 * time.Millisecond, max: 2 * time.Second}
	for attempt := 1; ; attempt++ {
		err := c.platform.WorkToReceived(ctx, workID, receivedMessage)
		if err == nil {
			return
		}
		if attempt == 3 || errors.Is(err, ErrWorkNotFound) {
			c.metrics.errors.Inc()
			c.log.Warn("work received report failed", "work_id", workID, "error", err)
			return
		}
		if !sleep(ctx, b.next()) {
			return
		}
	}
}

// AddWork opens a work for a self-triggered run (workAdd) and returns its
// id. multiPart asks the platform to complete the work only on its
// terminal report; platforms before 7.260422.0 do not know the argument.
func (c *Connector) AddWork(ctx context.Context, friendlyName string, multiPart bool) (string, error) {
	id, err := c.platform.WorkAdd(ctx, WorkAddInput{ConnectorID: c.cfg.ID,
		FriendlyName: friendlyName, MultiPart: multiPart})
	if err != nil {
		return "", fmt.Errorf("add work %q: %w", friendlyName, err)
	}
	return id, nil
}

// FinishWork sends the terminal report of a work the connector opened with
// [Connector.AddWork], retrying like the framework's own reports. Works of
// listen-queue messages are reported by the framework; do not finish them.
func (c *Connector) FinishWork(ctx context.Context, workID, message string, inError bool) {
	c.reportProcessed(ctx, workID, message, inError)
	c.works.markCompleted(workID)
}

// ReportExpectation attaches an error to a work without ending it
// (reportExpectation with source "CONNECTOR"), for partial problems the
// user should see.
func (c *Connector) ReportExpectation(ctx context.Context, workID, text string) error {
	err := c.platform.WorkReportExpectation(ctx, workID,
		&WorkErrorReport{Error: TruncateReport(text), Source: "CONNECTOR"})
	if err != nil {
		return fmt.Errorf("report expectation on work %s: %w", workID, err)
	}
	return nil
}
