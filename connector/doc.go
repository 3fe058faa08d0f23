// Package connector runs OpenCTI connectors over RabbitMQ: the Go
// counterpart of pycti's connector helper. It registers the connector with
// the platform, pings it and consumes the listen queue. It hands each
// message to a [Handler] and reports every work exactly once. It reconnects
// after broker or platform loss, drains on shutdown and sends STIX bundles
// to the platform's workers. It does not know what an export or an import is; the
// handler does.
//
// The platform is reached through the [Platform] interface, whose methods
// stand for the GraphQL calls pycti makes (registerConnector,
// pingConnector, workAdd, workEdit, stixBundlePush, and the about, work and
// connector queries). A command builds a [Config] with [LoadConfig] (or
// [ConfigFromSource] in tests) and a logger with [NewLogger]. It builds the
// Platform with [NewPlatform] over the pycti client that [NewClient]
// returns for the Config. Then it calls [New] and [Connector.Run] with a
// context that ends on SIGTERM.
//
// # Lifecycle
//
// [Connector.Run] first runs the health check (about { version }) and then
// registerConnector, each retried with a backoff from 5 s doubling to 60 s,
// and logged at each failure. Registration returns the broker settings,
// the queue names and the stored connector state. The MQ_* settings of the
// configuration override the broker settings; queue and exchange names are
// never overridden, and the framework never declares a queue or an
// exchange: the platform owns them, and a declaration with other arguments
// would fail with PRECONDITION_FAILED.
//
// Run then starts the ping loop (at once, then every 40 s, with the
// connector state; a failed ping is logged and counted, never fatal),
// connects to RabbitMQ (TLS with the optional CA, client certificate and
// key; the vhost passed through amqp.Config, never in the URL; a 10 s
// heartbeat) and consumes the listen queue with prefetch 1 and manual
// acknowledgement. [Connector.Ready] is closed once the first consumer is
// in place. Messages are processed one at a time.
//
// Each body is decoded into a [Message]: the `internal` envelope, the raw
// `event`, and for export, enrichment and import-file connectors the typed
// [ExportEvent], [EnrichmentEvent] or [ImportFileEvent], checked for the
// fields those kinds need. Filters stay opaque JSON.
//
// # Acknowledgement and work guarantees
//
// Delivery is at least once: a message is acknowledged only after its work
// is reported, so a crash at any point leaves the message on the queue.
// For a message with a work id the framework sends toReceived, pings the
// work every 5 minutes while the handler runs (the platform shows a work
// as timed out after 20 minutes without an update), then sends exactly one
// toProcessed: with the handler's text, or with the error text and
// inError true. A message without a work id gets no work call at all.
//
// The terminal report is retried with backoff (5 attempts by default)
// while the message is held. If the platform stays unreachable, the report
// is queued and retried with each connector ping for as long as the
// process lives, and the message is acknowledged: a reporting failure
// never makes the handler run again. A report still queued at shutdown is
// logged at error level with its text, and is lost with the process.
//
// A second delivery of a work already done produces no second output. The
// framework recognises it in two ways before calling the handler:
//
//   - a bounded in-memory record of the works this process finished (the
//     last 10,000 by default);
//   - the platform's own record: query work(id), whose processed_time is
//     set by toProcessed. This covers other processes and restarts.
//
// A recognised duplicate is acknowledged and logged, with no work call. A
// delivery of the work that is running right now (the broker requeued it
// after the channel closed, for example at its consumer timeout) is
// adopted: the running job acknowledges the new delivery when it ends.
//
// The limits: a work whose status cannot be read (the platform is down, or
// the token lacks the capability for the work query) is processed, because
// losing a message is worse than repeating one. A work that another
// process is still running when its message comes back to this one is run
// again here. A message without a work id cannot be recognised at all.
//
// A body that is not JSON, or whose envelope or event lacks what the
// framework needs, is logged (at most 10 lines a minute, the rest counted)
// and rejected without requeue, so it is never redelivered. Its work, when
// the id is readable (even from a truncated body), is marked in error.
//
// A handler error is permanent by default: the work is marked in error
// and the message acknowledged, as pycti does. An error wrapped with
// [Retryable] requeues the message after [Options.RetryDelay], at most
// [Options.MaxRetries] times per work in this process; after that the
// work is marked in error. A panic in the handler is recovered and
// reported as a permanent error. Programs that run a handler without the
// framework get the same recovery from [CallHandler], and cut their work
// reports to [MaxReportLen] bytes with [TruncateReport].
//
// # Reconnection
//
// amqp091-go has no recovery of its own here; one loop in this package
// does it. When the consuming channel or connection closes, the loop
// waits with a backoff (1 s doubling to 60 s, each delay drawn between
// half and all of its value), limited to 10 attempts in any 60 s window.
// It registers again before each attempt, because the platform re-declares
// the connector's queues at registration; if that fails it keeps the
// previous queue names. If only the channel closed, the connection is
// reused. Prefetch and consumption are set up again on each new channel.
// The unacknowledged message of a closed channel goes back to the queue
// on the broker side, where the duplicate rules above apply when it comes
// back. The ping loop runs independently of the broker.
//
// Bundle publishing uses its own connection, with publisher confirms and
// mandatory publishing. A nacked, returned or failed message is published
// again with backoff, at most [Options.PublishAttempts] times; a message
// the broker confirmed is never sent again. A message published just
// before a connection loss, whose confirmation never arrived, is sent
// again and may then reach the workers twice, which they tolerate because
// imports are upserts.
//
// # Shutdown
//
// When the context given to Run ends, the consumer is cancelled, a
// message held but not started is requeued, and the running handler gets
// [Options.DrainTimeout] (25 s by default) to finish and be reported and
// acknowledged normally. Past that deadline its context is cancelled. A
// handler that then returns an error has its message requeued without a
// report, and one that returns no error is reported and acknowledged as
// usual. A handler that still does not return within 5 s is abandoned,
// and its message goes back to the queue when the channel closes. Run then closes the connections, makes a last
// attempt at queued reports, and returns nil, so a command exits 0.
// deleteConnector is never called: it would delete the connector's
// queues and works.
//
// # Other connector kinds
//
// Export, enrichment and import-file connectors consume the listen queue
// with [Connector.Run]. For enrichment messages, [Message.SendBundle]
// shares every sent object with the organisations of the enriched entity,
// and for playbook messages it hands the bundle back to the playbook
// (playbookStepExecution) instead of the workers;
// [EnrichmentEvent.ReplyBundle] builds a reply that keeps the received
// objects. Import handlers stream their file with [Message.OpenFile].
//
// External import connectors call [Connector.Schedule], which registers,
// pings with the run dates, and runs a [RunHandler] every
// CONNECTOR_DURATION_PERIOD (parsed by [ParsePeriod]) with a work per run
// and the state kept on the platform, or once with
// CONNECTOR_RUN_AND_TERMINATE. Connectors that drive themselves, such as
// stream connectors (package connector/stream), call [Connector.RunLoop].
//
// # Configuration
//
// [LoadConfig] reads config.yml and the environment with pycti's names
// and precedence (an existing environment variable wins, even empty; then
// the YAML section.key; an empty value means the default). Booleans
// accept pycti's spellings (true, True, yes, false, False, no) and YAML
// booleans, and also strconv.ParseBool's with a warning. Each error names
// the environment variable and the YAML key. [Config] documents every key
// with its default. The token and the broker passwords are of type
// [Secret], which prints as [REDACTED] in logs, fmt verbs and JSON. Only
// LoadConfig and [LoadSource] read the environment, and only when a
// command calls them. Connector-specific keys are read from
// [Config.Source].
//
// CONNECTOR_SEND_TO_QUEUE=false stops bundle publishing only; unlike
// pycti it does not silence the work reports. HTTP listen mode
// (CONNECTOR_LISTEN_PROTOCOL=API) is not supported and is rejected.
//
// # Logging and metrics
//
// The framework logs through the *slog.Logger in [Options]; nil discards.
// [NewLogHandler] and [NewLogger] build pycti-like text or JSON output
// from OPENCTI_JSON_LOGGING and CONNECTOR_LOG_LEVEL for the command.
//
// With CONNECTOR_EXPOSE_METRICS, Run serves /metrics (Prometheus text
// format) and /healthz on CONNECTOR_METRICS_PORT (default 9095) on every
// interface. The metric names are pycti's: bundles_sent_total,
// records_sent_total, runs_total, ping_api_total, ping_api_errors_total,
// errors_total, client_errors_total and state (idle, running, stopped),
// plus messages_total by outcome, broker_connections_total and
// objects_dropped_total. See [Metrics] and [Connector.HTTPHandler].
//
// # Concurrency
//
// One goroutine owns the consuming channel and never runs a handler. The
// handlers run on a second goroutine, one message after the other, which
// also settles (acknowledges or requeues) each delivery. AMQP heartbeats
// and broker events are therefore served however long or CPU-bound a
// handler is. The ping loop, the work ping
// timer and bundle publishing run apart as well. [Connector] and
// [Metrics] are safe for concurrent use; a [Message] belongs to its
// handler call.
package connector
