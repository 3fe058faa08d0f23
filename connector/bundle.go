package connector

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opencti-go/sdk/connector/split"
)

// BundleOptions tunes [Connector.SendBundle].
type BundleOptions struct {
	// WorkID ties the bundle to a work: its object count is added to the
	// work's expectations first. Empty for none.
	WorkID string
	// ApplicantID is the user the workers import as. Default: the
	// connector's user from registration.
	ApplicantID string
	// DraftID sends the bundle into a draft. Empty for none (sent as null).
	DraftID string
	// EntitiesTypes restricts what the workers import. Default: all.
	EntitiesTypes []string
	// Update is the workers' force-merge flag. Default false.
	Update bool
	// NoSplit sends the bundle whole, as one message with one expectation
	// (honoured by 7.x workers). Default false: one object per message.
	NoSplit bool
	// CleanupInconsistent removes references to objects missing from the
	// bundle while splitting. Default false.
	CleanupInconsistent bool
}

// SendResult reports what [Connector.SendBundle] sent.
type SendResult struct {
	// Messages is the number of messages confirmed by the broker (or 1 for
	// a push through the API).
	Messages int
	// Dropped lists the objects the splitter left out, each with a reason.
	// They are also logged.
	Dropped []split.Dropped
}

// queueBundle is the body of a worker-queue message.
type queueBundle struct {
	BundleType     string   `json:"bundle_type"`
	ApplicantID    *string  `json:"applicant_id"`
	ActionSequence int      `json:"action_sequence"`
	EntitiesTypes  []string `json:"entities_types"`
	Content        string   `json:"content"`
	Update         bool     `json:"update"`
	DraftID        *string  `json:"draft_id"`
	WorkID         string   `json:"work_id,omitempty"`
	NoSplit        bool     `json:"no_split"`
}

// SendBundle sends a STIX bundle (JSON) to the platform's workers. With
// CONNECTOR_QUEUE_PROTOCOL=amqp (the default) it splits the bundle into
// one-object bundles (unless NoSplit), adds their count to the work's
// expectations, then publishes them to the push exchange with the push
// routing key: persistent, content encoding utf-8, publisher confirms on,
// mandatory. A nacked, returned or failed publish is retried with backoff
// up to PublishAttempts; messages the broker confirmed are never sent
// again. With CONNECTOR_QUEUE_PROTOCOL=api the whole bundle goes through
// stixBundlePush instead. With CONNECTOR_SEND_TO_QUEUE=false nothing is
// sent. The connector must be registered (Run started).
func (c *Connector) SendBundle(ctx context.Context, bundle []byte, opts BundleOptions) (SendResult, error) {
	reg, ok := c.Registration()
	if !ok {
		return SendResult{}, errors.New("send bundle: connector not registered yet")
	}
	if !c.cfg.SendToQueue {
		c.log.Debug("bundle not sent: CONNECTOR_SEND_TO_QUEUE is false", "work_id", opts.WorkID)
		return SendResult{}, nil
	}
	if c.cfg.QueueProtocol == "api" {
		return c.pushBundle(ctx, bundle, opts)
	}
	bodies, dropped, err := c.prepareBundle(bundle, opts, reg)
	res := SendResult{Dropped: dropped}
	if err != nil {
		c.metrics.errors.Inc()
		return res, err
	}
	if opts.WorkID != "" {
		if err := c.addExpectations(ctx, opts.WorkID, len(bodies)); err != nil {
			c.metrics.errors.Inc()
			return res, err
		}
	}
	sent, err := c.pub.publish(ctx, reg.Broker, bodies)
	res.Messages = sent
	c.metrics.bundlesSent.Add(float64(sent))
	if err != nil {
		c.metrics.errors.Inc()
		return res, err
	}
	c.log.Debug("bundle sent", "work_id", opts.WorkID, "messages", sent,
		"dropped", len(dropped))
	return res, nil
}

// prepareBundle splits the bundle and builds the message bodies.
func (c *Connector) prepareBundle(bundle []byte, opts BundleOptions, reg Registration) (
	[][]byte, []split.Dropped, error) {
	var parts [][]byte
	var dropped []split.Dropped
	if opts.NoSplit {
		if !json.Valid(bundle) {
			return nil, nil, errors.New("send bundle: bundle is not valid JSON")
		}
		parts = [][]byte{bundle}
	} else {
		res, err := split.Bundle(bundle, split.Options{CleanupInconsistent: opts.CleanupInconsistent})
		if err != nil {
			return nil, nil, fmt.Errorf("send bundle: %w", err)
		}
		parts, dropped = res.Bundles, res.Dropped
		c.metrics.dropped.Add(float64(len(dropped)))
		for _, d := range dropped {
			c.log.Warn("object left out of the bundle", "work_id", opts.WorkID, "id", d.ID,
				"type", d.Type, "reason", d.Reason)
		}
	}
	if len(parts) == 0 {
		return nil, dropped, fmt.Errorf("send bundle: %w", ErrNothingToSend)
	}
	applicant := opts.ApplicantID
	if applicant == "" {
		applicant = reg.ConnectorUserID
	}
	bodies := make([][]byte, len(parts))
	for i, part := range parts {
		msg := queueBundle{
			BundleType: "QUEUE_BUNDLE", ApplicantID: optional(applicant),
			ActionSequence: i + 1, EntitiesTypes: opts.EntitiesTypes,
			Content: base64.StdEncoding.EncodeToString(part), Update: opts.Update,
			DraftID: optional(opts.DraftID), WorkID: opts.WorkID, NoSplit: opts.NoSplit,
		}
		if msg.EntitiesTypes == nil {
			msg.EntitiesTypes = []string{}
		}
		body, err := json.Marshal(msg)
		if err != nil {
			return nil, dropped, fmt.Errorf("send bundle: encode message: %w", err)
		}
		bodies[i] = body
	}
	return bodies, dropped, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (c *Connector) addExpectations(ctx context.Context, workID string, n int) error {
	b := &backoff{first: time.Second, max: 10 * time.Second}
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		if err = c.platform.WorkAddExpectations(ctx, workID, n); err == nil {
			return nil
		}
		if !sleep(ctx, b.next()) {
			break
		}
	}
	return fmt.Errorf("send bundle: add %d expectations to work %s: %w", n, workID, err)
}

func (c *Connector) pushBundle(ctx context.Context, bundle []byte, opts BundleOptions) (SendResult, error) {
	err := c.platform.StixBundlePush(ctx, BundlePushInput{ConnectorID: c.cfg.ID,
		Bundle: string(bundle), WorkID: opts.WorkID})
	if err != nil {
		c.metrics.errors.Inc()
		return SendResult{}, fmt.Errorf("push bundle through the API: %w", err)
	}
	c.metrics.bundlesSent.Inc()
	return SendResult{Messages: 1}, nil
}

// SendBundle sends a bundle tied to this message: the work id, applicant
// and draft default to the message's own. See [Connector.SendBundle].
//
// For an enrichment message it first adds the organisations the entity is
// shared with ([EnrichmentEvent.GrantedRefs]) to every object, so that the
// new objects are visible to the same users. For a playbook message the
// bundle then goes back to the playbook (playbookStepExecution, unsplit,
// no work) instead of the workers; the platform must implement
// [PlaybookPlatform].
//
// For an import-file message whose import asks for validation (see
// [ImportFileEvent.ValidationApplies]) outside a draft, it returns an
// error wrapping [ErrUnsupported] and sends nothing.
func (m *Message) SendBundle(ctx context.Context, bundle []byte, opts BundleOptions) (SendResult, error) {
	if m.conn == nil {
		return SendResult{}, errors.New("send bundle: message not delivered by a running connector")
	}
	if err := m.checkValidation(); err != nil {
		return SendResult{}, err
	}
	if m.Enrichment != nil {
		out, res, done, err := m.enrichmentReply(ctx, bundle)
		if done || err != nil {
			return res, err
		}
		bundle = out
	}
	if opts.WorkID == "" {
		opts.WorkID = m.Internal.WorkID
	}
	if opts.ApplicantID == "" {
		opts.ApplicantID = m.Internal.ApplicantID
	}
	if opts.DraftID == "" {
		opts.DraftID = m.Internal.DraftID
	}
	return m.conn.SendBundle(ctx, bundle, opts)
}

// ReportExpectation attaches a warning to the message's work without
// ending it. It does nothing for a message without a work.
func (m *Message) ReportExpectation(ctx context.Context, text string) error {
	if m.conn == nil {
		return errors.New("report expectation: message not delivered by a running connector")
	}
	if m.Internal.WorkID == "" {
		return nil
	}
	return m.conn.ReportExpectation(ctx, m.Internal.WorkID, text)
}

// publisher owns the connection used to publish bundles, separate from the
// consuming one so that a slow publish never delays acknowledgements. It
// is safe for concurrent use; publishes are serialised.
type publisher struct {
	c       *Connector
	mu      sync.Mutex
	conn    *amqp.Connection
	ch      *amqp.Channel
	returns chan amqp.Return
}

// publishWindow is how many messages wait for confirmation at once.
const publishWindow = 64

// publish sends bodies in order and returns how many the broker confirmed.
func (p *publisher) publish(ctx context.Context, broker BrokerConfig, bodies [][]byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	confirmed := make([]bool, len(bodies))
	next := 0
	b := &backoff{first: p.c.opts.ReconnectDelay, max: 30 * time.Second}
	var lastErr error
	for attempt := 1; attempt <= p.c.opts.PublishAttempts; attempt++ {
		if attempt > 1 {
			delay := b.next()
			p.c.log.Warn("bundle publish failed; retrying", "attempt", attempt-1,
				"delay", delay, "confirmed", count(confirmed), "total", len(bodies),
				"error", lastErr)
			if !sleep(ctx, delay) {
				return count(confirmed), ctx.Err()
			}
		}
		if lastErr = p.ensure(broker); lastErr != nil {
			continue
		}
		next, lastErr = p.sendPending(ctx, broker, bodies, confirmed, next)
		if lastErr == nil {
			return len(bodies), nil
		}
		if ctx.Err() != nil {
			return count(confirmed), ctx.Err()
		}
	}
	return count(confirmed), &PublishError{Sent: count(confirmed), Total: len(bodies),
		Attempts: p.c.opts.PublishAttempts, Err: lastErr}
}

func count(flags []bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}

// sendPending publishes every unconfirmed body from index from on, in
// windows, and marks those the broker confirms without returning them. It
// returns the first index still unconfirmed.
func (p *publisher) sendPending(ctx context.Context, broker BrokerConfig, bodies [][]byte,
	confirmed []bool, from int) (int, error) {
	for from < len(bodies) && confirmed[from] {
		from++
	}
	for start := from; start < len(bodies); start += publishWindow {
		end := min(start+publishWindow, len(bodies))
		if err := p.sendWindow(ctx, broker, bodies, confirmed, start, end); err != nil {
			for from < len(bodies) && confirmed[from] {
				from++
			}
			return from, err
		}
	}
	return len(bodies), nil
}

func (p *publisher) sendWindow(ctx context.Context, broker BrokerConfig, bodies [][]byte,
	confirmed []bool, start, end int) error {
	type inFlight struct {
		i  int
		dc *amqp.DeferredConfirmation
	}
	var waiting []inFlight
	var firstErr error
	for i := start; i < end; i++ {
		if confirmed[i] {
			continue
		}
		dc, err := p.ch.PublishWithDeferredConfirmWithContext(ctx, broker.PushExchange,
			broker.PushRouting, true, false, amqp.Publishing{
				DeliveryMode: amqp.Persistent, ContentEncoding: "utf-8",
				MessageId: strconv.Itoa(i), Body: bodies[i],
			})
		if err != nil {
			firstErr = fmt.Errorf("publish to exchange %s: %w", broker.PushExchange, err)
			p.reset()
			break
		}
		waiting = append(waiting, inFlight{i: i, dc: dc})
	}
	for _, w := range waiting {
		ok, err := w.dc.WaitContext(ctx)
		switch {
		case err != nil:
			firstErr = cmpErr(firstErr, fmt.Errorf("wait for confirmation: %w", err))
		case !ok:
			firstErr = cmpErr(firstErr, errors.New("broker rejected the message (basic.nack)"))
		default:
			confirmed[w.i] = true
		}
	}
	for drained := false; !drained; {
		select {
		case r := <-p.returns:
			if i, err := strconv.Atoi(r.MessageId); err == nil && i < len(confirmed) {
				confirmed[i] = false
			}
			firstErr = cmpErr(firstErr, fmt.Errorf("message returned as unroutable: %d %s "+
				"(exchange %s, routing key %s)", r.ReplyCode, r.ReplyText, r.Exchange, r.RoutingKey))
		default:
			drained = true
		}
	}
	return firstErr
}

func cmpErr(first, next error) error {
	if first != nil {
		return first
	}
	return next
}

// ensure opens the publishing connection and confirm channel when needed.
func (p *publisher) ensure(broker BrokerConfig) error {
	if p.ch != nil && !p.ch.IsClosed() {
		return nil
	}
	p.reset()
	name := fmt.Sprintf("opencti-go %s (%s) publisher", p.c.cfg.ID, p.c.cfg.Name)
	target, err := p.c.brokerTarget(broker.Connection, name)
	if err != nil {
		return err
	}
	conn, err := target.dial()
	if err != nil {
		return fmt.Errorf("connect to %s: %w", target, err)
	}
	ch, err := conn.Channel()
	if err == nil {
		err = ch.Confirm(false)
	}
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("open confirm channel: %w", err)
	}
	p.conn, p.ch = conn, ch
	p.returns = ch.NotifyReturn(make(chan amqp.Return, publishWindow))
	return nil
}

// reset closes the connection; the caller holds mu.
func (p *publisher) reset() {
	if p.conn != nil {
		_ = p.conn.Close()
	}
	p.conn, p.ch = nil, nil
}

func (p *publisher) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.reset()
}
