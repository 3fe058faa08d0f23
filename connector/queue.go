package connector

import (
	"context"
	"errors"
	"sync"
)

// ErrUnsupported is wrapped by the errors of optional platform calls that
// the platform does not offer, for example a query its schema lacks.
var ErrUnsupported = errors.New("not supported by the platform")

// QueueDetails is the GraphQL type ConnectorQueueDetails: the messages
// waiting in the connector's push and listen queues, as the platform reads
// them from the RabbitMQ management API (both 0 when that API fails).
type QueueDetails struct {
	// Messages is messages_number.
	Messages int64
	// Bytes is messages_size, in bytes.
	Bytes int64
}

// QueueReader is implemented by a [Platform] that can read the size of a
// connector's queues. [Connector.Schedule] uses it to skip runs while the
// workers are behind; with a Platform that does not implement it, every
// run goes ahead.
type QueueReader interface {
	// QueueDetails runs `query connector(id) { connector_queue_details {
	// messages_number messages_size } }`. An error wrapping
	// [ErrUnsupported] turns the check off for the life of the process.
	QueueDetails(ctx context.Context, connectorID string) (QueueDetails, error)
}

// queueCheck applies CONNECTOR_QUEUE_THRESHOLD before scheduled runs.
type queueCheck struct {
	mu  sync.Mutex
	off bool
}

// full reads the queue size, records it for the pings, and reports whether
// the run must be skipped. A failed read is logged and the run goes ahead:
// the platform itself reports 0 when it cannot read the size.
func (q *queueCheck) full(ctx context.Context, c *Connector) bool {
	reader, ok := c.platform.(QueueReader)
	q.mu.Lock()
	off := q.off
	q.mu.Unlock()
	if !ok || off {
		return false
	}
	details, err := reader.QueueDetails(ctx, c.cfg.ID)
	if errors.Is(err, ErrUnsupported) {
		q.mu.Lock()
		q.off = true
		q.mu.Unlock()
		c.log.Warn("queue size not available from this platform; "+
			"CONNECTOR_QUEUE_THRESHOLD is not applied", "error", err)
		return false
	}
	if err != nil {
		c.log.Warn("queue size check failed; running anyway", "error", err)
		return false
	}
	megabytes := float64(details.Bytes) / 1e6
	buffering := megabytes >= c.cfg.QueueThreshold
	c.sched.set(func(info *ConnectorInfo) {
		info.QueueMessagesSize = megabytes
		info.Buffering = buffering
	})
	if buffering {
		c.log.Info("run skipped: the connector's queues are over the threshold",
			"queue_megabytes", megabytes, "threshold_megabytes", c.cfg.QueueThreshold,
			"messages", details.Messages)
	}
	return buffering
}
