package connector

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// session is one consuming channel. Several sessions can share a
// connection when only the channel was closed (a consumer timeout, a
// missing queue).
type session struct {
	id         int
	conn       *amqp.Connection
	ch         *amqp.Channel
	tag        string
	deliveries <-chan amqp.Delivery
	closed     chan *amqp.Error
	opened     time.Time
}

// stableSession is how long a session must live for the reconnection
// backoff to start again from its first delay.
const stableSession = 30 * time.Second

// drainGrace is how long a handler has to return after its context was
// cancelled at the drain deadline.
const drainGrace = 5 * time.Second

// consumer is the state of the goroutine that owns the consuming channel.
// Only that goroutine touches it, except live and the settlement fields of
// jobs, which are guarded by liveMu because a job settles its own delivery
// as soon as it ends.
type consumer struct {
	c       *Connector
	h       Handler
	runCtx  context.Context
	conn    *amqp.Connection
	sess    *session
	nextID  int
	backoff backoff
	limiter attemptLimiter

	inflight *job
	pending  *pendingDelivery
	jobs     chan *job
	results  chan jobResult

	liveMu sync.Mutex
	live   *session // the session deliveries can still be settled on
}

type pendingDelivery struct {
	d    amqp.Delivery
	sess *session
}

// consume runs the consumer until ctx ends, then drains.
func (c *Connector) consume(ctx context.Context, h Handler) {
	l := &consumer{
		c: c, h: h, runCtx: ctx,
		backoff: backoff{first: c.opts.ReconnectDelay, max: c.opts.MaxReconnectDelay},
		limiter: attemptLimiter{n: c.opts.MaxReconnectsPerMinute, window: time.Minute},
		jobs:    make(chan *job),
		results: make(chan jobResult, 1),
	}
	// One long-lived goroutine runs the jobs, so that its stack, grown by
	// the first messages, is not grown again for each one.
	go l.work()
	defer close(l.jobs)
	defer l.closeAll()
	for {
		if l.sess == nil && !l.connect(ctx) {
			break
		}
		select {
		case <-ctx.Done():
		case d, ok := <-l.sess.deliveries:
			if !ok {
				l.lost()
				continue
			}
			l.onDelivery(d, l.sess)
			continue
		case res := <-l.results:
			l.onResult(res, true)
			continue
		}
		break
	}
	l.drain()
}

// connect opens a consuming session, waiting between attempts with the
// backoff and the attempt limiter. It returns false when ctx ends first.
func (l *consumer) connect(ctx context.Context) bool {
	c := l.c
	for {
		now := time.Now()
		wait := l.limiter.wait(now)
		if l.nextID > 0 {
			wait = max(wait, l.backoff.next())
		}
		if wait > 0 {
			c.log.Info("waiting before broker connection attempt", "delay", wait)
			if !sleep(ctx, wait) {
				return false
			}
		}
		if ctx.Err() != nil {
			return false
		}
		l.limiter.record(time.Now())
		l.nextID++
		if l.nextID > 1 {
			l.reregister(ctx)
		}
		sess, err := l.open()
		if err == nil {
			l.setSession(sess)
			c.health.setBroker(true)
			c.metrics.connections.Inc()
			c.log.Info("consuming listen queue", "queue", c.registration().Broker.Listen,
				"session", sess.id)
			c.markReady()
			return true
		}
		c.log.Warn("broker connection attempt failed", "attempt", l.nextID, "error", err)
	}
}

// reregister requests the current queue names before a reconnection,
// because the platform re-declares the queues when it registers a
// connector. When that fails, the previous names stay in use.
func (l *consumer) reregister(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := l.c.register(ctx); err != nil {
		l.c.log.Warn("registration before reconnecting failed; using the previous queue names",
			"error", err)
	}
}

// open opens a channel (and a connection when none is usable), sets the
// prefetch to 1 and starts consuming the listen queue.
func (l *consumer) open() (*session, error) {
	c := l.c
	reg := c.registration()
	if l.conn == nil || l.conn.IsClosed() {
		name := fmt.Sprintf("opencti-go %s (%s) consumer", c.cfg.ID, c.cfg.Name)
		target, err := c.brokerTarget(reg.Broker.Connection, name)
		if err != nil {
			return nil, err
		}
		conn, err := target.dial()
		if err != nil {
			return nil, fmt.Errorf("connect to %s: %w", target, err)
		}
		l.conn = conn
	}
	ch, err := l.conn.Channel()
	if err != nil {
		l.closeConn()
		return nil, fmt.Errorf("open channel: %w", err)
	}
	if err := ch.Qos(1, 0, false); err != nil {
		return nil, fmt.Errorf("set prefetch: %w", err)
	}
	tag := fmt.Sprintf("opencti-go-%s-%d", c.cfg.ID, l.nextID)
	deliveries, err := ch.Consume(reg.Broker.Listen, tag, false, false, false, false, nil)
	if err != nil {
		_ = ch.Close()
		return nil, fmt.Errorf("consume queue %s: %w", reg.Broker.Listen, err)
	}
	return &session{
		id: l.nextID, conn: l.conn, ch: ch, tag: tag, deliveries: deliveries,
		closed: ch.NotifyClose(make(chan *amqp.Error, 1)), opened: time.Now(),
	}, nil
}

// lost handles the end of the current session's deliveries: a closed
// channel or connection. Messages it held go back to the queue on the
// broker side, so a held delivery that never started is forgotten.
func (l *consumer) lost() {
	c := l.c
	sess := l.sess
	l.setSession(nil)
	c.health.setBroker(false)
	var reason error = errors.New("channel closed")
	select {
	case e, ok := <-sess.closed:
		if ok && e != nil {
			reason = e
		}
	default:
	}
	// A consumer cancelled by the broker (its queue was deleted) leaves the
	// channel open; close it so that it does not linger.
	_ = sess.ch.Close()
	if time.Since(sess.opened) >= stableSession {
		l.backoff.reset()
	}
	if l.pending != nil && l.pending.sess == sess {
		l.pending = nil
	}
	c.log.Warn("broker session lost; reconnecting", "session", sess.id, "error", reason,
		"connection_open", !sess.conn.IsClosed(), "job_running", l.inflight != nil)
}

// onDelivery starts a job for a delivery, or holds it while another runs.
// A delivery for the running work (the broker requeued it after the
// previous channel closed) is adopted: the job will acknowledge it instead.
func (l *consumer) onDelivery(d amqp.Delivery, sess *session) {
	c := l.c
	msg, err := DecodeMessage(d.Body, c.cfg.Type)
	var invalid *MessageError
	workID := ""
	if err != nil {
		errors.As(err, &invalid)
		workID = invalid.WorkID
	} else {
		workID = msg.Internal.WorkID
		msg.Redelivered = d.Redelivered
		msg.conn = c
	}
	if l.inflight != nil {
		l.hold(d, sess, workID)
		return
	}
	if workID != "" && c.works.completed(workID) {
		c.metrics.message(outcomeDuplicate)
		c.log.Info("work already processed; second delivery skipped", "work_id", workID)
		l.settle(d, sess, verdictAck)
		return
	}
	l.startJob(&job{workID: workID, retryKey: retryKey(workID, d.Body), msg: msg,
		invalid: invalid, delivery: d, sess: sess})
}

// hold keeps a delivery that arrived while a job runs: it adopts it for
// the running work, or keeps it to start when the job ends.
func (l *consumer) hold(d amqp.Delivery, sess *session, workID string) {
	if workID != "" && workID == l.inflight.workID && l.adopt(l.inflight, d, sess) {
		l.c.log.Info("redelivered message of the running work adopted", "work_id", workID)
		return
	}
	if l.pending != nil && l.pending.sess == l.sess {
		// Prefetch 1 makes this unreachable; requeue rather than lose it.
		l.settle(d, sess, verdictRequeue)
		return
	}
	l.pending = &pendingDelivery{d: d, sess: sess}
}

// startJob hands j to the job goroutine, which settles the delivery and
// then reports to the consumer goroutine.
func (l *consumer) startJob(j *job) {
	j.ctx, j.cancel = context.WithCancel(context.WithoutCancel(l.runCtx))
	l.inflight = j
	l.c.metrics.setState(stateRunning)
	l.jobs <- j
}

// work runs the jobs one after the other until the jobs channel closes.
// It is never the goroutine that owns the channel, so heartbeats and
// broker events go on however long a handler runs.
func (l *consumer) work() {
	for j := range l.jobs {
		v := l.c.runJob(j, l.h)
		l.settleJob(j, v)
		l.results <- jobResult{j: j, v: v}
	}
}

// adopt makes a running job settle d instead of its first delivery. It
// fails when the job has settled already; d is then a second delivery of
// a finished work.
func (l *consumer) adopt(j *job, d amqp.Delivery, sess *session) bool {
	l.liveMu.Lock()
	defer l.liveMu.Unlock()
	if j.settled {
		return false
	}
	j.delivery, j.sess = d, sess
	return true
}

// settleJob settles the delivery of a finished job from the job's own
// goroutine, so the broker sends the next message without waiting for the
// consumer goroutine. An abandoned job settles nothing.
func (l *consumer) settleJob(j *job, v verdict) {
	l.liveMu.Lock()
	defer l.liveMu.Unlock()
	if j.abandoned.Load() {
		return
	}
	j.settled = true
	l.settleLocked(j.delivery, j.sess, v)
}

func (l *consumer) setSession(sess *session) {
	l.sess = sess
	l.liveMu.Lock()
	l.live = sess
	l.liveMu.Unlock()
}

// onResult settles the delivery of a finished job and, when startNext is
// true, starts the held delivery.
func (l *consumer) onResult(res jobResult, startNext bool) {
	j := res.j
	j.cancel()
	if j != l.inflight {
		return
	}
	l.inflight = nil
	l.c.metrics.setState(stateIdle)
	if p := l.pending; p != nil && startNext {
		l.pending = nil
		if p.sess == l.sess {
			l.onDelivery(p.d, p.sess)
		}
	}
}

// settle acknowledges, requeues or rejects a delivery on its channel. When
// that channel is gone the broker has already requeued the message; a
// finished work is then recognised on its next delivery.
func (l *consumer) settle(d amqp.Delivery, sess *session, v verdict) {
	l.liveMu.Lock()
	defer l.liveMu.Unlock()
	l.settleLocked(d, sess, v)
}

// settleLocked is settle with liveMu held.
func (l *consumer) settleLocked(d amqp.Delivery, sess *session, v verdict) {
	if sess == nil || sess != l.live {
		l.c.log.Debug("delivery's channel closed before settlement; the broker requeued it",
			"verdict", v.String())
		return
	}
	var err error
	switch v {
	case verdictAck:
		err = d.Ack(false)
	case verdictRequeue:
		err = d.Nack(false, true)
	case verdictReject:
		err = d.Nack(false, false)
	}
	if err != nil {
		l.c.log.Warn("delivery settlement failed", "verdict", v.String(), "error", err)
	}
}

// drain stops consuming, requeues a held delivery and waits up to
// DrainTimeout for the running job. Past the deadline the job's context is
// cancelled. A job that still does not return is abandoned, and its
// message goes back to the queue when the channel closes.
func (l *consumer) drain() {
	c := l.c
	var deliveries <-chan amqp.Delivery
	if l.sess != nil {
		if err := l.sess.ch.Cancel(l.sess.tag, false); err != nil {
			c.log.Debug("consumer cancel failed", "error", err)
		}
		deliveries = l.sess.deliveries
	}
	if p := l.pending; p != nil {
		l.pending = nil
		l.settle(p.d, p.sess, verdictRequeue)
	}
	if l.inflight == nil {
		return
	}
	c.log.Info("shutting down: waiting for the running handler", "work_id", l.inflight.workID,
		"timeout", c.opts.DrainTimeout)
	deadline := time.NewTimer(c.opts.DrainTimeout)
	defer deadline.Stop()
	var grace <-chan time.Time
	for l.inflight != nil {
		select {
		case res := <-l.results:
			l.onResult(res, false)
		case d, ok := <-deliveries:
			if !ok {
				deliveries = nil
				continue
			}
			l.settle(d, l.sess, verdictRequeue)
		case <-deadline.C:
			c.log.Warn("drain deadline passed: cancelling the handler",
				"work_id", l.inflight.workID)
			l.inflight.interrupted.Store(true)
			l.inflight.cancel()
			grace = time.After(drainGrace)
		case <-grace:
			c.log.Warn("handler did not stop; its message goes back to the queue",
				"work_id", l.inflight.workID)
			l.liveMu.Lock()
			l.inflight.abandoned.Store(true)
			l.liveMu.Unlock()
			l.inflight = nil
		}
	}
}

func (l *consumer) closeConn() {
	if l.conn != nil {
		_ = l.conn.Close()
		l.conn = nil
	}
}

// closeAll closes the channel (the broker requeues what is still unacked)
// and the connection.
func (l *consumer) closeAll() {
	if l.sess != nil {
		_ = l.sess.ch.Close()
		l.setSession(nil)
	}
	l.closeConn()
	l.c.health.setBroker(false)
}
