package connector

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Handler processes one listen-queue message and returns the text of the
// work's terminal report ("Export done", for example). An error marks the
// work in error with the error's text, unless it is [Retryable]. The
// context is cancelled when a shutdown's drain deadline passes; a handler
// should then return promptly.
type Handler interface {
	Handle(ctx context.Context, msg *Message) (string, error)
}

// HandlerFunc adapts a function to [Handler].
type HandlerFunc func(ctx context.Context, msg *Message) (string, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, msg *Message) (string, error) {
	return f(ctx, msg)
}

// verdict is the settlement of a delivery when its job ends.
type verdict int

const (
	verdictAck     verdict = iota // processed or recognised: remove
	verdictRequeue                // give it back to the queue
	verdictReject                 // invalid: remove without processing
)

func (v verdict) String() string {
	return [...]string{"ack", "requeue", "reject"}[v]
}

// job is one message being processed. delivery, sess and settled are
// guarded by the consumer's liveMu; the other fields are set before the job
// starts.
type job struct {
	workID   string
	retryKey string
	msg      *Message
	invalid  *MessageError

	delivery amqp.Delivery
	sess     *session
	settled  bool

	ctx         context.Context
	cancel      context.CancelFunc
	interrupted atomic.Bool
	abandoned   atomic.Bool
}

type jobResult struct {
	j *job
	v verdict
}

func retryKey(workID string, body []byte) string {
	if workID != "" {
		return workID
	}
	sum := sha256.Sum256(body)
	return "body:" + hex.EncodeToString(sum[:8])
}

// runJob processes one message and returns what to do with its delivery.
// It runs on its own goroutine, never on the one that owns the channel.
func (c *Connector) runJob(j *job, h Handler) verdict {
	if j.invalid != nil {
		return c.rejectInvalid(j)
	}
	if j.workID != "" {
		if c.alreadyProcessed(j.ctx, j.workID) {
			c.metrics.message(outcomeDuplicate)
			c.log.Info("work already processed; second delivery skipped", "work_id", j.workID)
			return verdictAck
		}
		c.reportReceived(j.ctx, j.workID)
	}
	stopPing := c.startWorkPing(j)
	start := time.Now()
	out, err := c.callHandler(j, h)
	stopPing()
	// A handler that returned no error has done its work, even when the
	// drain deadline cancelled it as it ended. Running it again would
	// repeat that work, so only a failed or abandoned job is requeued.
	if j.interrupted.Load() && (err != nil || j.abandoned.Load()) {
		c.metrics.message(outcomeRequeued)
		c.log.Warn("handler interrupted by shutdown; message requeued", "work_id", j.workID,
			"error", err)
		return verdictRequeue
	}
	var retryable *RetryableError
	switch {
	case err == nil:
		c.reportDone(j, out, false)
		c.metrics.message(outcomeProcessed)
		c.log.Info("message processed", "work_id", j.workID, "duration", time.Since(start))
		return verdictAck
	case errors.As(err, &retryable) && c.opts.MaxRetries > 0 &&
		c.works.retry(j.retryKey) <= c.opts.MaxRetries:
		c.metrics.message(outcomeRequeued)
		c.log.Warn("message failed with a retryable error; requeued", "work_id", j.workID,
			"delay", c.opts.RetryDelay, "error", err)
		sleep(j.ctx, c.opts.RetryDelay)
		return verdictRequeue
	default:
		c.metrics.errors.Inc()
		c.metrics.message(outcomeFailed)
		c.log.Error("message processing failed; work marked in error", "work_id", j.workID,
			"error", err)
		c.reportDone(j, err.Error(), true)
		return verdictAck
	}
}

// reportDone sends the terminal report unless the job was given up by a
// shutdown, and records the work as completed.
func (c *Connector) reportDone(j *job, message string, inError bool) {
	if j.workID == "" || j.abandoned.Load() {
		return
	}
	c.reportProcessed(context.WithoutCancel(j.ctx), j.workID, message, inError)
	c.works.markCompleted(j.workID)
}

// rejectInvalid marks the work of an invalid message in error, when its id
// is readable, and removes the message.
func (c *Connector) rejectInvalid(j *job) verdict {
	c.metrics.errors.Inc()
	c.metrics.message(outcomeInvalid)
	if ok, suppressed := c.invalidLog.allow(time.Now()); ok {
		c.log.Warn("invalid message removed from the queue", "work_id", j.workID,
			"reason", j.invalid.Reason, "suppressed_since_last", suppressed)
	}
	if j.workID != "" && !c.works.completed(j.workID) {
		c.reportProcessed(j.ctx, j.workID, j.invalid.Error(), true)
		c.works.markCompleted(j.workID)
	}
	return verdictReject
}

// alreadyProcessed reports whether the work was finished before: by this
// process (a bounded in-memory record) or, per the platform, by anyone. A
// failed status read counts as not processed: running twice is preferred
// to losing a message.
func (c *Connector) alreadyProcessed(ctx context.Context, workID string) bool {
	if c.works.completed(workID) {
		return true
	}
	st, err := c.platform.Work(ctx, workID)
	if err != nil {
		if !errors.Is(err, ErrWorkNotFound) {
			c.log.Debug("work status read failed; processing anyway", "work_id", workID,
				"error", err)
		}
		return false
	}
	if st.Processed() {
		c.works.markCompleted(workID)
		return true
	}
	return false
}

// callHandler runs the handler and turns a panic into a permanent error.
func (c *Connector) callHandler(j *job, h Handler) (string, error) {
	out, err := CallHandler(j.ctx, h, j.msg)
	if perr, ok := errors.AsType[*PanicError](err); ok {
		c.log.Error("handler panicked", "work_id", j.workID, "panic", fmt.Sprint(perr.Value),
			"stack", string(perr.Stack))
	}
	return out, err
}

// PanicError is a panic of a handler, recovered by [CallHandler].
type PanicError struct {
	// Value is the value passed to panic.
	Value any
	// Stack is the goroutine's stack trace at the panic, from
	// runtime/debug.Stack.
	Stack []byte
}

// Error returns "handler panic: <value>".
func (e *PanicError) Error() string {
	return fmt.Sprintf("handler panic: %v", e.Value)
}

// CallHandler calls h.Handle and returns a *PanicError when it panics, so
// that the work can still be reported. The framework runs every
// listen-queue message through it. A panic on another goroutine that the
// handler started is not recovered and still ends the program.
func CallHandler(ctx context.Context, h Handler, msg *Message) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return h.Handle(ctx, msg)
}

// startWorkPing pings the job's work every WorkPingInterval until the
// returned function is called. The timer starts no goroutine until it
// fires, which keeps short jobs cheap.
func (c *Connector) startWorkPing(j *job) (stop func()) {
	if j.workID == "" {
		return func() {}
	}
	var mu sync.Mutex
	stopped := false
	var timer *time.Timer
	mu.Lock() // the callback reads timer
	defer mu.Unlock()
	timer = time.AfterFunc(c.opts.WorkPingInterval, func() {
		if err := c.platform.WorkPing(j.ctx, j.workID); err != nil {
			c.log.Warn("work ping failed", "work_id", j.workID, "error", err)
		} else {
			c.log.Debug("work pinged", "work_id", j.workID)
		}
		mu.Lock()
		defer mu.Unlock()
		if !stopped {
			timer.Reset(c.opts.WorkPingInterval)
		}
	})
	return func() {
		mu.Lock()
		stopped = true
		timer.Stop()
		mu.Unlock()
	}
}
