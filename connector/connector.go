package connector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opencti-go/sdk/pycti"
)

// Default timings. Each can be changed through [Options].
const (
	DefaultHeartbeat        = 10 * time.Second
	DefaultPingInterval     = 40 * time.Second
	DefaultWorkPingInterval = 5 * time.Minute
	DefaultDrainTimeout     = 25 * time.Second
	DefaultReconnectDelay   = time.Second
	DefaultMaxReconnect     = 60 * time.Second
	DefaultStartupDelay     = 5 * time.Second
	DefaultRetryDelay       = 5 * time.Second
)

// Options tunes the framework. The zero value gives the defaults named on
// each field.
type Options struct {
	// Logger receives the framework's logs; nil discards them.
	Logger *slog.Logger
	// Heartbeat is the AMQP heartbeat interval. Default 10 s, as pycti.
	Heartbeat time.Duration
	// PingInterval is the period of pingConnector. Default 40 s. The
	// platform counts a connector inactive 5 minutes after its last ping.
	PingInterval time.Duration
	// WorkPingInterval is the period of the work ping while a handler runs.
	// Default 5 minutes; the platform shows a work as timed out after 20.
	WorkPingInterval time.Duration
	// DrainTimeout is how long a shutdown waits for the running handler
	// before its context is cancelled. The message of a handler that then
	// fails is requeued. Default 25 s.
	DrainTimeout time.Duration
	// ReconnectDelay and MaxReconnectDelay bound the broker reconnection
	// backoff (doubling, with jitter). Defaults 1 s and 60 s.
	ReconnectDelay    time.Duration
	MaxReconnectDelay time.Duration
	// MaxReconnectsPerMinute caps broker connection attempts (channel
	// reopenings included) in any 60 s window. Default 10.
	MaxReconnectsPerMinute int
	// StartupDelay and MaxStartupDelay bound the backoff of the start-up
	// health check and registration. Defaults 5 s and 60 s.
	StartupDelay    time.Duration
	MaxStartupDelay time.Duration
	// MaxRetries caps how often one work is requeued after a [Retryable]
	// handler error, per process. Default 3; negative means never requeue.
	MaxRetries int
	// RetryDelay is how long a message waits before it is requeued after a
	// retryable error. Default 5 s.
	RetryDelay time.Duration
	// ReportAttempts caps the attempts of one toProcessed call made while
	// the message is still held. Default 5. After that the report is queued
	// and retried with each connector ping while the process lives.
	ReportAttempts int
	// PublishAttempts caps the attempts to publish one bundle. Default 10
	// (about 3 minutes of backoff).
	PublishAttempts int
	// CompletedWorks is how many finished work ids are remembered to
	// recognise a second delivery without asking the platform. Default 10000.
	CompletedWorks int
	// MetricsAddr overrides the metrics listen address, ":<MetricsPort>"
	// by default.
	MetricsAddr string
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Heartbeat, DefaultHeartbeat)
	def(&o.PingInterval, DefaultPingInterval)
	def(&o.WorkPingInterval, DefaultWorkPingInterval)
	def(&o.DrainTimeout, DefaultDrainTimeout)
	def(&o.ReconnectDelay, DefaultReconnectDelay)
	def(&o.MaxReconnectDelay, DefaultMaxReconnect)
	def(&o.StartupDelay, DefaultStartupDelay)
	def(&o.MaxStartupDelay, DefaultMaxReconnect)
	def(&o.RetryDelay, DefaultRetryDelay)
	if o.MaxReconnectsPerMinute <= 0 {
		o.MaxReconnectsPerMinute = 10
	}
	if o.MaxRetries == 0 {
		o.MaxRetries = 3
	}
	if o.ReportAttempts <= 0 {
		o.ReportAttempts = 5
	}
	if o.PublishAttempts <= 0 {
		o.PublishAttempts = 10
	}
	if o.CompletedWorks <= 0 {
		o.CompletedWorks = 10000
	}
	o.Logger = discardLogger(o.Logger)
	return o
}

// Connector runs one connector: registration, ping, consumption of the
// listen queue, work reporting and bundle sending. Build it with [New] and
// call [Connector.Run] once. Its methods are safe for concurrent use.
type Connector struct {
	cfg      Config
	platform Platform
	opts     Options
	log      *slog.Logger
	metrics  *Metrics

	running atomic.Bool

	mu  sync.Mutex // guards reg and registered
	reg Registration
	// registered is closed once the first registration succeeded.
	registered chan struct{}
	// ready is the channel that Ready returns.
	ready     chan struct{}
	readyOnce sync.Once

	state   stateStore
	works   *workRecord
	reports *reportQueue
	pub     *publisher
	health  health
	sched   runInfo

	invalidLog logLimiter
}

// New checks cfg and returns a Connector that calls platform. It does no
// I/O.
func New(cfg *Config, platform Platform, opts Options) (*Connector, error) {
	if cfg == nil || platform == nil {
		return nil, errors.New("connector: config and platform are required")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	c := &Connector{
		cfg:        *cfg,
		platform:   platform,
		opts:       o,
		log:        o.Logger,
		registered: make(chan struct{}),
		ready:      make(chan struct{}),
		works:      newWorkRecord(o.CompletedWorks),
	}
	c.metrics = newMetrics(cfg.MetricsNamespace, cfg.MetricsSubsystem)
	c.reports = &reportQueue{}
	c.pub = &publisher{c: c}
	return c, nil
}

// Config returns a copy of the configuration.
func (c *Connector) Config() Config { return c.cfg }

// Metrics returns the connector's Prometheus metrics.
func (c *Connector) Metrics() *Metrics { return c.metrics }

// Registration returns the last registration response, and false before
// the first registration succeeded.
func (c *Connector) Registration() (Registration, bool) {
	select {
	case <-c.registered:
	default:
		return Registration{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reg, true
}

// Ready returns a channel that is closed once the connector is ready for
// work. Under [Connector.Run] that is when it is registered and the broker
// has confirmed its consumer on the listen queue. Under [Connector.RunLoop]
// and [Connector.Schedule] it is when it is registered, just before the
// loop starts. The channel stays closed after a broker loss and through
// the reconnection, so read broker_connected of the [Connector.HTTPHandler]
// health check for the live connection. When Run returns before that point
// (ctx ended, or a start-up error), the channel is never closed, so wait
// for it together with Run:
//
//	done := make(chan error, 1)
//	go func() { done <- conn.Run(ctx, handler) }()
//	select {
//	case <-conn.Ready():
//	case err := <-done:
//		return err
//	}
func (c *Connector) Ready() <-chan struct{} { return c.ready }

func (c *Connector) markReady() { c.readyOnce.Do(func() { close(c.ready) }) }

// Run starts the connector and blocks until ctx is done. It checks the
// platform and registers (retrying both with a capped backoff), starts the
// ping loop and the metrics endpoint, then consumes the listen queue and
// hands each message to h. When ctx is done it drains (see the package
// documentation) and returns nil. It returns an error only for a problem
// that retrying cannot fix, such as a metrics port already in use, a token
// the platform rejects or an OPENCTI_URL without a GraphQL API. Run may be
// called once.
func (c *Connector) Run(ctx context.Context, h Handler) error {
	if h == nil {
		return errors.New("connector: nil handler")
	}
	return c.runRegistered(ctx, true, false, func(ctx context.Context) error {
		c.consume(ctx, h)
		return nil
	})
}

// start runs the health check and the registration, each retried with a
// capped backoff. It returns false when ctx ends first, and an error when
// the platform's response shows that retrying cannot help (see
// fatalStartError).
func (c *Connector) start(ctx context.Context) (bool, error) {
	b := &backoff{first: c.opts.StartupDelay, max: c.opts.MaxStartupDelay}
	for attempt := 1; ; attempt++ {
		info, err := c.platform.About(ctx)
		if err == nil {
			c.log.Info("platform reachable", "version", info.Version)
			break
		}
		if ctx.Err() != nil {
			return false, nil
		}
		if fatal := c.fatalStartError("health check", err); fatal != nil {
			return false, fatal
		}
		delay := b.next()
		c.log.Error("platform health check failed, retrying", "url", c.cfg.URL,
			"attempt", attempt, "delay", delay, "error", err)
		if !sleep(ctx, delay) {
			return false, nil
		}
	}
	b.reset()
	for attempt := 1; ; attempt++ {
		err := c.register(ctx)
		if err == nil {
			return true, nil
		}
		if ctx.Err() != nil {
			return false, nil
		}
		if fatal := c.fatalStartError("registration", err); fatal != nil {
			return false, fatal
		}
		delay := b.next()
		c.log.Error("connector registration failed, retrying", "attempt", attempt,
			"delay", delay, "error", err)
		if !sleep(ctx, delay) {
			return false, nil
		}
	}
}

// fatalStartError returns an error naming the setting to fix when err,
// returned by the health check or the registration, cannot go away by
// waiting: the token is rejected, the user may not register connectors,
// the URL has no GraphQL API, or the platform rejects the request itself
// (its schema lacks a field, or it rejects a value). It returns nil for
// errors worth a retry, such as a refused connection, an HTTP 502 while
// the platform starts, or a DATABASE_ERROR or LOCK_ERROR.
func (c *Connector) fatalStartError(step string, err error) error {
	var hint string
	switch {
	case errors.Is(err, pycti.ErrUnauthorized):
		hint = "the platform rejected OPENCTI_TOKEN: set it to the API token of the " +
			"connector's user, shown in that user's profile"
	case errors.Is(err, pycti.ErrForbidden):
		hint = "the user of OPENCTI_TOKEN may not register connectors: give it a role " +
			"with the connector capability (CONNECTORAPI)"
	case errors.Is(err, pycti.ErrNotFound) && step == "health check":
		hint = fmt.Sprintf("no OpenCTI GraphQL API answers at %s/graphql: set OPENCTI_URL "+
			"to the platform's base URL, such as http://opencti:8080", c.cfg.URL)
	case errors.Is(err, pycti.ErrInvalidRequest):
		hint = "the platform rejected the request itself, so a retry cannot succeed: " +
			"check the CONNECTOR_* settings and that the platform's version is one " +
			"this connector supports"
	default:
		return nil
	}
	return fmt.Errorf("connector %s failed: %s: %w", step, hint, err)
}

// register sends registerConnector and stores the response.
func (c *Connector) register(ctx context.Context) error {
	reg, err := c.platform.RegisterConnector(ctx, c.registerInput())
	if err != nil {
		return fmt.Errorf("register connector %s: %w", c.cfg.ID, err)
	}
	if reg.Broker.Listen == "" || reg.Broker.PushExchange == "" {
		return fmt.Errorf("register connector %s: response has no queue names", c.cfg.ID)
	}
	if reg.ID == "" {
		reg.ID = c.cfg.ID
	}
	c.mu.Lock()
	first := c.reg.ID == ""
	c.reg = reg
	c.mu.Unlock()
	if first {
		c.state.set(reg.ConnectorState)
		if text := reg.ConnectorState; !stateIsObject(text) {
			// pycti ignores such a state too. Say so, because the next save
			// replaces it.
			c.log.Warn("stored connector state is not a JSON object; it is ignored and "+
				"replaced by the next save", "id", reg.ID, "state", truncate(text, 200))
		}
		close(c.registered)
		c.log.Info("connector registered", "id", reg.ID, "queue", reg.Broker.Listen)
	} else {
		c.log.Debug("connector registered again", "id", reg.ID, "queue", reg.Broker.Listen)
	}
	return nil
}

func (c *Connector) registerInput() RegisterInput {
	return RegisterInput{
		ID:                   c.cfg.ID,
		Name:                 c.cfg.Name,
		Type:                 c.cfg.Type,
		Scope:                c.cfg.Scope,
		Auto:                 c.cfg.Auto,
		OnlyContextual:       c.cfg.OnlyContextual,
		PlaybookCompatible:   c.cfg.PlaybookCompatible,
		AutoUpdate:           c.cfg.AutoUpdate,
		EnrichmentResolution: c.cfg.EnrichmentResolution,
	}
}

func (c *Connector) registration() Registration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reg
}

// serveMetrics starts the /metrics and /healthz endpoint when
// CONNECTOR_EXPOSE_METRICS is set, and returns its stop function.
func (c *Connector) serveMetrics() (func(), error) {
	if !c.cfg.ExposeMetrics {
		return func() {}, nil
	}
	addr := c.opts.MetricsAddr
	if addr == "" {
		addr = ":" + strconv.Itoa(c.cfg.MetricsPort)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		err = fmt.Errorf("listen for metrics on %s: %w", addr, err)
		if c.opts.MetricsAddr == "" {
			err = fmt.Errorf("%w: set CONNECTOR_METRICS_PORT (connector.metrics_port) to a "+
				"free port, or turn CONNECTOR_EXPOSE_METRICS off", err)
		}
		return nil, err
	}
	srv := &http.Server{Handler: c.HTTPHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.log.Error("metrics endpoint stopped", "error", err)
		}
	}()
	c.log.Info("metrics endpoint listening", "address", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
