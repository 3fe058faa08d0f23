package pyctitest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"
)

// workerPool imports what connectors publish to their push queues, as the
// platform's workers do. It is safe for concurrent use.
type workerPool struct {
	mu        sync.Mutex
	conn      *amqp.Connection
	consuming map[string]bool
	wg        sync.WaitGroup
}

// StartWorkers makes the server import the bundles that connectors
// publish to their push queues, as the platform's workers do. Each
// message's objects are stored, which feeds the event stream, and count
// as one processed expectation of its work; the work completes once its
// terminal report came too. An object that cannot be stored is reported
// as an error on the work. Draft ids are ignored: the objects go to the
// knowledge base. Workers consume the queues of the connectors registered
// now and later, until Close. Tests that read the push queues themselves
// must not start workers.
func (s *Server) StartWorkers() error {
	if s.broker == nil {
		return ErrNoBroker
	}
	s.pool.mu.Lock()
	if s.pool.conn != nil {
		s.pool.mu.Unlock()
		return nil
	}
	conn, err := amqp.Dial(s.broker.url)
	if err != nil {
		s.pool.mu.Unlock()
		return fmt.Errorf("pyctitest: start workers: %w", err)
	}
	s.pool.conn = conn
	s.pool.mu.Unlock()
	// Registrations take s.mu then s.pool.mu: never hold them the other
	// way round. A connector registered from here on is watched by
	// registerConnector itself.
	s.mu.RLock()
	ids := make([]string, 0, len(s.connectors))
	for id := range s.connectors {
		ids = append(ids, id)
	}
	s.mu.RUnlock()
	for _, id := range ids {
		if err := s.watchPush(id); err != nil {
			return err
		}
	}
	return nil
}

// watchPush starts a worker on a newly registered connector's push queue
// when workers run.
func (s *Server) watchPush(connectorID string) error {
	s.pool.mu.Lock()
	defer s.pool.mu.Unlock()
	if s.pool.conn == nil {
		return nil
	}
	return s.consumePushLocked(connectorID)
}

// consumePushLocked starts the consumer of one push queue. The caller
// holds s.pool.mu.
func (s *Server) consumePushLocked(connectorID string) error {
	p := s.pool
	if p.consuming[connectorID] {
		return nil
	}
	queue := queueNames(s.broker.prefix, connectorID)["push"]
	ch, err := p.conn.Channel()
	if err != nil {
		return fmt.Errorf("pyctitest: worker channel: %w", err)
	}
	if err := ch.Qos(1, 0, false); err != nil {
		return fmt.Errorf("pyctitest: worker prefetch: %w", err)
	}
	deliveries, err := ch.Consume(queue, "", false, false, false, false, nil)
	if err != nil {
		return fmt.Errorf("pyctitest: consume %s: %w", queue, err)
	}
	p.consuming[connectorID] = true
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for d := range deliveries {
			s.importPushed(d.Body)
			_ = d.Ack(false)
		}
	}()
	return nil
}

// pushedMessage is the part of a worker-queue message the workers read.
type pushedMessage struct {
	WorkID  string `json:"work_id"`
	Content string `json:"content"`
}

// importPushed stores one message's objects and reports them on its work.
func (s *Server) importPushed(body []byte) {
	var msg pushedMessage
	var bundle struct {
		Objects []map[string]any `json:"objects"`
	}
	err := json.Unmarshal(body, &msg)
	if err == nil {
		var data []byte
		if data, err = base64.StdEncoding.DecodeString(msg.Content); err == nil {
			err = unmarshalNumbers(data, &bundle)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		sd := &seeder{s: s, res: SeedResult{Skipped: map[string]int{}}}
		_, err = sd.run(bundle.Objects)
	}
	w := s.works[msg.WorkID]
	if w == nil {
		if err != nil {
			s.log.Warn("worker: message not imported", "error", err)
		}
		return
	}
	w.Processed++
	if err != nil {
		w.Errors = s.addWorkMessage(w.Errors, err.Error(), "worker")
	}
	w.UpdatedAt = s.cfg.clock().UTC()
	s.completeIfDone(w)
}

// close stops the workers and waits for them.
func (p *workerPool) close() {
	p.mu.Lock()
	conn := p.conn
	p.conn = nil
	p.mu.Unlock()
	if conn != nil {
		_ = conn.Close()
	}
	p.wg.Wait()
}
