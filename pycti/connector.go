package pycti

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// ConnectorType is the kind of a connector, as the platform's ConnectorType
// enum names it.
type ConnectorType string

// Connector types.
const (
	ExternalImport     ConnectorType = "EXTERNAL_IMPORT"
	InternalImportFile ConnectorType = "INTERNAL_IMPORT_FILE"
	InternalEnrichment ConnectorType = "INTERNAL_ENRICHMENT"
	InternalAnalysis   ConnectorType = "INTERNAL_ANALYSIS"
	InternalExportFile ConnectorType = "INTERNAL_EXPORT_FILE"
	Stream             ConnectorType = "STREAM"
)

// Registration describes a connector to register. Fields map to
// RegisterConnectorInput; RegisterConnector sends only the fields the
// platform accepts (see its doc).
type Registration struct {
	ID    string        // id: the connector's stable id (a UUID), required
	Name  string        // name: display name, required
	Type  ConnectorType // type: required
	Scope []string      // scope: MIME types (export, import) or entity types
	// Auto (auto) triggers enrichment or import on creation.
	Auto bool
	// OnlyContextual (only_contextual) limits an import to its context.
	OnlyContextual bool
	// PlaybookCompatible (playbook_compatible, 5.12 and later).
	PlaybookCompatible bool
	// ListenCallbackURI (listen_callback_uri, 6.5.7 and later) is sent only
	// when not empty (HTTP listen mode).
	ListenCallbackURI string
	// AutoUpdate (auto_update, 6.8.9 and later) triggers enrichment on
	// update.
	AutoUpdate bool
	// EnrichmentResolution (enrichment_resolution, 6.8.9 and later), such as
	// "none" or "stix_bundle"; sent only when not empty.
	EnrichmentResolution string
	// XTMOneIntent (xtm_one_intent, 7.x) is sent only when not empty.
	XTMOneIntent string
	// Version and Slug (version, slug) are sent only when not empty and
	// when the platform's schema lists them, which 7.260817.0 does not.
	Version, Slug string
}

// RegisteredConnector is the platform's answer to a registration.
type RegisteredConnector struct {
	ID string // id
	// State is connector_state: a JSON document in a string, or "".
	State string
	// UserID is connector_user_id: the token's user, the default applicant.
	UserID string
	Config ConnectorConfig // config
}

// ConnectorConfig holds the broker settings and the queue names the
// platform created for a connector. Use the names as given: they may carry
// a prefix, and the queues must not be declared by the connector.
type ConnectorConfig struct {
	Connection     BrokerConnection // connection
	Listen         string           // listen: the queue to consume
	ListenRouting  string           // listen_routing
	ListenExchange string           // listen_exchange
	Push           string           // push: the workers' queue
	PushRouting    string           // push_routing: routing key for bundles
	PushExchange   string           // push_exchange: exchange for bundles
}

// BrokerConnection is the platform's own RabbitMQ connection (host, vhost,
// use_ssl, port, user, pass). It logs without the password.
type BrokerConnection struct {
	Host   string
	Vhost  string
	UseSSL bool
	Port   int
	User   string
	Pass   string
}

// LogValue returns the connection without its password.
func (b BrokerConnection) LogValue() slog.Value {
	return slog.GroupValue(slog.String("host", b.Host), slog.String("vhost", b.Vhost),
		slog.Bool("use_ssl", b.UseSSL), slog.Int("port", b.Port), slog.String("user", b.User))
}

// RegisterConnector registers (or updates) a connector. It needs the
// CONNECTORAPI capability and always runs as the token's own user.
//
// A field the platform does not know would fail the whole mutation, so the
// input holds only the fields the platform's RegisterConnectorInput lists,
// read once by introspection; when introspection is refused, the fields are
// chosen from about.version (playbook_compatible from 5.12.0,
// listen_callback_uri from 6.5.7, auto_update and enrichment_resolution
// from 6.8.9, xtm_one_intent from 7.0.0). Booleans are always sent when
// accepted, as pycti does; empty strings are left out.
func (c *Client) RegisterConnector(ctx context.Context, r Registration) (RegisteredConnector, error) {
	if r.ID == "" || r.Name == "" || r.Type == "" {
		return RegisteredConnector{}, errors.New("register connector: id, name and type are required")
	}
	conn := c.AsConnector()
	f, err := conn.platformFeatures(ctx)
	if err != nil {
		return RegisteredConnector{}, fmt.Errorf("register connector %s: %w", r.ID, err)
	}
	input, err := json.Marshal(registrationInput(r, f.registerFields))
	if err != nil {
		return RegisteredConnector{}, fmt.Errorf("register connector %s: %w", r.ID, err)
	}
	resp, err := gen.RegisterConnector(ctx, conn, input)
	if err != nil {
		return RegisteredConnector{}, fmt.Errorf("register connector %s: %w", r.ID, err)
	}
	rc := resp.RegisterConnector
	cfg := rc.Config
	return RegisteredConnector{
		ID: rc.Id, State: rc.Connector_state, UserID: rc.Connector_user_id,
		Config: ConnectorConfig{
			Connection: BrokerConnection{Host: cfg.Connection.Host, Vhost: cfg.Connection.Vhost,
				UseSSL: cfg.Connection.Use_ssl, Port: cfg.Connection.Port,
				User: cfg.Connection.User, Pass: cfg.Connection.Pass},
			Listen: cfg.Listen, ListenRouting: cfg.Listen_routing, ListenExchange: cfg.Listen_exchange,
			Push: cfg.Push, PushRouting: cfg.Push_routing, PushExchange: cfg.Push_exchange,
		},
	}, nil
}

// registrationInput builds the input object from the accepted fields.
func registrationInput(r Registration, accepted map[string]bool) map[string]any {
	scope := r.Scope
	if scope == nil {
		scope = []string{}
	}
	all := map[string]any{
		"id": r.ID, "name": r.Name, "type": string(r.Type), "scope": scope,
		"auto": r.Auto, "only_contextual": r.OnlyContextual,
		"playbook_compatible": r.PlaybookCompatible, "auto_update": r.AutoUpdate,
	}
	for k, v := range map[string]string{"listen_callback_uri": r.ListenCallbackURI,
		"enrichment_resolution": r.EnrichmentResolution, "xtm_one_intent": r.XTMOneIntent,
		"version": r.Version, "slug": r.Slug} {
		if v != "" {
			all[k] = v
		}
	}
	input := make(map[string]any, len(all))
	for k, v := range all {
		if accepted[k] {
			input[k] = v
		}
	}
	return input
}

// ConnectorInfo is the run information a ping reports (ConnectorInfoInput).
// A listening connector sends the zero value with QueueThreshold 500, as
// pycti does.
type ConnectorInfo struct {
	RunAndTerminate   bool       // run_and_terminate
	Buffering         bool       // buffering: a run was skipped, queue full
	QueueThreshold    float64    // queue_threshold, in megabytes
	QueueMessagesSize float64    // queue_messages_size, in megabytes
	NextRun           *time.Time // next_run_datetime
	LastRun           *time.Time // last_run_datetime
}

// ConnectorPing is the platform's answer to a ping.
type ConnectorPing struct {
	ID string // id
	// State is connector_state as stored on the platform, which differs from
	// the state sent when an operator reset it.
	State string
}

// PingConnector records the connector's heartbeat; a connector whose last
// heartbeat is older than 5 minutes receives no work. state is the
// connector's state as a JSON document ("" sends "null", as pycti does).
// info is sent only when the platform knows the connectorInfo argument
// (about 6.2 and later, detected as for RegisterConnector); nil sends the
// listening default. The ping runs as the token's own user.
func (c *Client) PingConnector(ctx context.Context, id, state string,
	info *ConnectorInfo) (ConnectorPing, error) {
	conn := c.AsConnector()
	f, err := conn.platformFeatures(ctx)
	if err != nil {
		return ConnectorPing{}, fmt.Errorf("ping connector %s: %w", id, err)
	}
	if state == "" {
		state = "null"
	}
	if !f.connectorInfo {
		resp, err := gen.PingConnectorLegacy(ctx, conn, id, state)
		if err != nil {
			return ConnectorPing{}, fmt.Errorf("ping connector %s: %w", id, err)
		}
		return ConnectorPing{ID: resp.PingConnector.Id, State: resp.PingConnector.Connector_state}, nil
	}
	in := gen.ConnectorInfoInput{Queue_threshold: 500}
	if info != nil {
		in = gen.ConnectorInfoInput{Run_and_terminate: info.RunAndTerminate,
			Buffering: info.Buffering, Queue_threshold: info.QueueThreshold,
			Queue_messages_size: info.QueueMessagesSize, Next_run_datetime: info.NextRun,
			Last_run_datetime: info.LastRun}
	}
	resp, err := gen.PingConnector(ctx, conn, id, state, in)
	if err != nil {
		return ConnectorPing{}, fmt.Errorf("ping connector %s: %w", id, err)
	}
	return ConnectorPing{ID: resp.PingConnector.Id, State: resp.PingConnector.Connector_state}, nil
}

// ConnectorState returns the state the platform stores for a connector
// (connector_state, a JSON document in a string, or ""). It returns an error
// matching ErrNotFound when the connector does not exist.
func (c *Client) ConnectorState(ctx context.Context, id string) (string, error) {
	resp, err := gen.ConnectorState(ctx, c.AsConnector(), id)
	if err != nil {
		return "", fmt.Errorf("read connector %s state: %w", id, err)
	}
	if resp.Connector.Id == "" {
		return "", fmt.Errorf("read connector %s state: %w", id, ErrNotFound)
	}
	return resp.Connector.Connector_state, nil
}

// PushBundle sends a whole STIX bundle (JSON text) through the
// stixBundlePush mutation: the platform queues it for its workers under
// workID, or under a new work when workID is "". It needs CONNECTORAPI,
// runs as the token's own user, and is not retried, because a second
// delivery would import the bundle twice.
func (c *Client) PushBundle(ctx context.Context, connectorID, bundle, workID string) error {
	_, err := gen.StixBundlePush(ctx, c.AsConnector(), connectorID, bundle, workID)
	if err != nil {
		return fmt.Errorf("push bundle for connector %s: %w", connectorID, err)
	}
	return nil
}

// QueueDetails is how much waits in a connector's queues.
type QueueDetails struct {
	Messages int64   // messages_number
	Bytes    float64 // messages_size, in bytes
}

// ConnectorQueueDetails reads how many messages, and how many bytes, wait
// in a connector's queues; a scheduler skips a run while they exceed its
// threshold. It runs as the token's own user.
func (c *Client) ConnectorQueueDetails(ctx context.Context, id string) (QueueDetails, error) {
	resp, err := gen.ConnectorQueueDetails(ctx, c.AsConnector(), id)
	if err != nil {
		return QueueDetails{}, fmt.Errorf("read connector %s queue details: %w", id, err)
	}
	if resp.Connector.Id == "" {
		return QueueDetails{}, fmt.Errorf("read connector %s queue details: %w", id, ErrNotFound)
	}
	d := resp.Connector.Connector_queue_details
	return QueueDetails{Messages: int64(d.Messages_number), Bytes: d.Messages_size}, nil
}

// PlaybookStep identifies the playbook step a connector answers, as the
// message's internal.playbook member gives it, with the bundles.
type PlaybookStep struct {
	ExecutionID    string    // execution_id
	EventID        string    // event_id
	ExecutionStart time.Time // execution_start
	DataInstanceID string    // data_instance_id
	PlaybookID     string    // playbook_id
	PreviousStepID string    // previous_step_id
	StepID         string    // step_id
	PreviousBundle string    // previous_bundle: the bundle the step received
	Bundle         string    // bundle: the bundle the connector produced
}

// PlaybookStepExecution hands the bundle a connector produced for a
// playbook step back to the playbook, which runs its next step with it.
// It returns the platform's answer (false when the playbook no longer
// runs). It runs as the token's own user and is not retried, because a
// second call would run the next step twice.
func (c *Client) PlaybookStepExecution(ctx context.Context, s PlaybookStep) (bool, error) {
	resp, err := gen.PlaybookStepExecution(ctx, c.AsConnector(), s.ExecutionID, s.EventID,
		s.ExecutionStart, s.DataInstanceID, s.PlaybookID, s.PreviousStepID, s.StepID,
		s.PreviousBundle, s.Bundle)
	if err != nil {
		return false, fmt.Errorf("answer playbook %s step %s: %w", s.PlaybookID, s.StepID, err)
	}
	return resp.PlaybookStepExecution, nil
}
