package connector

import (
	"context"
	"time"
)

// Platform is the set of OpenCTI calls the framework makes. Each method
// stands for one GraphQL query or mutation, named in its doc, so that an
// implementation over a GraphQL client is a thin adapter. Work calls and
// registration run as the connector's own user, never with an applicant
// (impersonation) header.
//
// Implementations must be safe for concurrent use: the ping loop, the
// message handler and bundle sending call them from different goroutines.
// An error that wraps [ErrWorkNotFound] means that the work no longer
// exists on the platform.
type Platform interface {
	// About runs the health check `query { about { version } }`.
	About(ctx context.Context) (PlatformInfo, error)

	// RegisterConnector runs `mutation registerConnector(input)` and returns
	// the broker settings and queue names the platform created.
	RegisterConnector(ctx context.Context, in RegisterInput) (Registration, error)

	// PingConnector runs `mutation pingConnector(id, state, connectorInfo)`
	// and returns the state the platform stores afterwards.
	PingConnector(ctx context.Context, in PingInput) (PingResult, error)

	// ConnectorState runs `query connector(id) { connector_state }` and
	// returns the stored state: a JSON text, or "" when none is stored.
	ConnectorState(ctx context.Context, connectorID string) (string, error)

	// WorkAdd runs `mutation workAdd(connectorId, friendlyName,
	// isMultiPartWork)` and returns the new work id.
	WorkAdd(ctx context.Context, in WorkAddInput) (string, error)

	// WorkToReceived runs `workEdit(id) { toReceived(message) }`.
	WorkToReceived(ctx context.Context, workID, message string) error

	// WorkToProcessed runs `workEdit(id) { toProcessed(message, inError) }`.
	WorkToProcessed(ctx context.Context, workID, message string, inError bool) error

	// WorkPing runs `workEdit(id) { ping }`, which keeps a long work alive.
	WorkPing(ctx context.Context, workID string) error

	// WorkAddExpectations runs `workEdit(id) { addExpectations(expectations) }`.
	WorkAddExpectations(ctx context.Context, workID string, expectations int) error

	// WorkReportExpectation runs `workEdit(id) { reportExpectation(error) }`.
	// A nil report counts one processed object without an error.
	WorkReportExpectation(ctx context.Context, workID string, report *WorkErrorReport) error

	// Work runs `query work(id) { status received_time processed_time }`.
	// It returns an error wrapping [ErrWorkNotFound] when the work is gone.
	Work(ctx context.Context, workID string) (WorkStatus, error)

	// StixBundlePush runs `mutation stixBundlePush(connectorId, bundle,
	// work_id)`, the API alternative to publishing on the worker queue.
	StixBundlePush(ctx context.Context, in BundlePushInput) error
}

// PlatformInfo is the response of the health check.
type PlatformInfo struct {
	// Version is the platform release, for example "6.8.10" or "7.260817.0".
	Version string
}

// ConnectorType is the kind of connector, sent at registration as the
// GraphQL enum ConnectorType.
type ConnectorType string

// The connector types of the platform.
const (
	TypeExternalImport     ConnectorType = "EXTERNAL_IMPORT"
	TypeInternalImportFile ConnectorType = "INTERNAL_IMPORT_FILE"
	TypeInternalEnrichment ConnectorType = "INTERNAL_ENRICHMENT"
	TypeInternalAnalysis   ConnectorType = "INTERNAL_ANALYSIS"
	TypeInternalExportFile ConnectorType = "INTERNAL_EXPORT_FILE"
	TypeStream             ConnectorType = "STREAM"
)

// RegisterInput is the GraphQL input RegisterConnectorInput. The adapter
// drops the fields the platform's schema does not list.
type RegisterInput struct {
	ID                   string
	Name                 string
	Type                 ConnectorType
	Scope                []string
	Auto                 bool
	OnlyContextual       bool
	PlaybookCompatible   bool
	AutoUpdate           bool
	EnrichmentResolution string
	// ListenCallbackURI is empty in AMQP listen mode and then sent as null.
	ListenCallbackURI string
	// XTMOneIntent is sent only when not empty (7.x platforms).
	XTMOneIntent string
}

// Registration is the response of registerConnector.
type Registration struct {
	// ID is the connector id used in ping and work calls.
	ID string
	// ConnectorState is the stored state as JSON text, or "" when none.
	ConnectorState string
	// ConnectorUserID is the id of the token's user: the default applicant.
	ConnectorUserID string
	// Broker holds the RabbitMQ settings and queue names.
	Broker BrokerConfig
}

// BrokerConfig is the GraphQL type ConnectorConfig: how to reach RabbitMQ and
// which exchanges and queues the platform declared for this connector.
type BrokerConfig struct {
	Connection BrokerConnection
	// Listen is the queue the connector consumes.
	Listen string
	// ListenRouting is the routing key of the listen queue.
	ListenRouting string
	// ListenExchange is the exchange the platform publishes messages to.
	ListenExchange string
	// Push is the worker queue that receives the connector's bundles.
	Push string
	// PushRouting is the routing key of the push queue.
	PushRouting string
	// PushExchange is the exchange bundles are published to.
	PushExchange string
}

// BrokerConnection is the GraphQL type RabbitMQConnection: the platform's own
// view of the broker. The MQ_* settings of [Config] override it.
type BrokerConnection struct {
	Host   string
	Port   int
	VHost  string
	UseSSL bool
	User   string
	Pass   Secret
}

// PingInput holds the arguments of pingConnector.
type PingInput struct {
	ID string
	// State is the connector state as JSON text; "null" when there is none.
	State string
	// Info is sent as connectorInfo. Nil leaves the argument out, for
	// platforms older than about 6.2 that do not know it.
	Info *ConnectorInfo
}

// ConnectorInfo is the GraphQL input ConnectorInfoInput.
type ConnectorInfo struct {
	RunAndTerminate bool
	Buffering       bool
	// QueueThreshold is in megabytes.
	QueueThreshold float64
	// QueueMessagesSize is in megabytes.
	QueueMessagesSize float64
	// NextRun and LastRun are sent as null when zero.
	NextRun time.Time
	LastRun time.Time
}

// PingResult is the response of pingConnector.
type PingResult struct {
	// ConnectorState is the state the platform stores after the ping, as
	// JSON text, or "" when none (for example right after a reset).
	ConnectorState string
}

// WorkAddInput holds the arguments of workAdd.
type WorkAddInput struct {
	ConnectorID  string
	FriendlyName string
	// MultiPart makes the platform wait for toProcessed before it completes
	// the work. Only 7.260422.0 and later accept the argument.
	MultiPart bool
}

// WorkErrorReport is the GraphQL input WorkErrorInput.
type WorkErrorReport struct {
	Error  string
	Source string
}

// WorkState is the GraphQL enum State of a work. pycti.WorkStatus.Status
// and pyctitest.Work.Status are plain strings with the same values, so
// WorkState(s) converts them, and the untyped pyctitest constants compare
// with a WorkState directly.
type WorkState string

// The work states.
const (
	WorkWait     WorkState = "wait"
	WorkProgress WorkState = "progress"
	WorkComplete WorkState = "complete"
	WorkTimeout  WorkState = "timeout"
)

// WorkStatus is what the framework reads of a work before it runs a message
// again.
type WorkStatus struct {
	Status WorkState
	// ReceivedTime is zero until toReceived was sent.
	ReceivedTime time.Time
	// ProcessedTime is zero until toProcessed was sent.
	ProcessedTime time.Time
}

// Processed reports whether a terminal report (toProcessed) was already sent
// for the work.
func (s WorkStatus) Processed() bool {
	return !s.ProcessedTime.IsZero() || s.Status == WorkComplete
}

// BundlePushInput holds the arguments of stixBundlePush.
type BundlePushInput struct {
	ConnectorID string
	// Bundle is the whole bundle as JSON text.
	Bundle string
	// WorkID may be empty: the platform then creates a work.
	WorkID string
}
