package connector

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Connector states of the "state" metric.
const (
	stateIdle    = "idle"
	stateRunning = "running"
	stateStopped = "stopped"
)

// Metrics holds the connector's Prometheus metrics, registered in their own
// registry. The names are pycti's (6.7 and later), prefixed with the
// configured namespace and subsystem. The framework increments
// bundles_sent_total, ping_api_total, ping_api_errors_total and
// errors_total, and sets state; records_sent_total, runs_total and
// client_errors_total are for the connector's code. messages_total (by
// outcome), broker_connections_total and objects_dropped_total are
// additions of this package.
// Metrics is safe for concurrent use.
type Metrics struct {
	registry *prometheus.Registry

	bundlesSent   prometheus.Counter
	recordsSent   prometheus.Counter
	runs          prometheus.Counter
	pingAPI       prometheus.Counter
	pingAPIErrors prometheus.Counter
	errors        prometheus.Counter
	clientErrors  prometheus.Counter
	state         *prometheus.GaugeVec
	messages      *prometheus.CounterVec
	connections   prometheus.Counter
	dropped       prometheus.Counter

	// The children of state and messages, resolved once because they are
	// updated for every message.
	stateGauges [3]prometheus.Gauge
	outcomes    map[string]prometheus.Counter
}

// Outcomes of listen-queue messages, the labels of messages_total.
const (
	outcomeProcessed = "processed"
	outcomeFailed    = "failed"
	outcomeInvalid   = "invalid"
	outcomeDuplicate = "duplicate"
	outcomeRequeued  = "requeued"
)

var stateNames = [3]string{stateIdle, stateRunning, stateStopped}

func newMetrics(namespace, subsystem string) *Metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: subsystem, Name: name, Help: help})
	}
	m := &Metrics{
		registry:      prometheus.NewRegistry(),
		bundlesSent:   counter("bundles_sent_total", "Bundles published to the worker queue or pushed."),
		recordsSent:   counter("records_sent_total", "Records sent, counted by the connector."),
		runs:          counter("runs_total", "Scheduled runs, counted by the connector."),
		pingAPI:       counter("ping_api_total", "Successful connector pings."),
		pingAPIErrors: counter("ping_api_errors_total", "Failed connector pings."),
		errors: counter("errors_total",
			"Failed messages, work reports and bundle sends."),
		clientErrors: counter("client_errors_total", "Client errors, counted by the connector."),
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "state",
			Help: "Connector state: 1 for the current one of idle, running, stopped."},
			[]string{"state"}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: subsystem, Name: "messages_total",
			Help: "Listen-queue messages by outcome: processed, failed, invalid, " +
				"duplicate, requeued."}, []string{"outcome"}),
		connections: counter("broker_connections_total",
			"Broker connections and channels opened for consuming."),
		dropped: counter("objects_dropped_total",
			"Objects the bundle splitter left out (unknown type, relationship without an end)."),
	}
	m.registry.MustRegister(m.bundlesSent, m.recordsSent, m.runs, m.pingAPI,
		m.pingAPIErrors, m.errors, m.clientErrors, m.state, m.messages, m.connections, m.dropped)
	for i, name := range stateNames {
		m.stateGauges[i] = m.state.WithLabelValues(name)
	}
	m.outcomes = map[string]prometheus.Counter{}
	for _, o := range []string{outcomeProcessed, outcomeFailed, outcomeInvalid,
		outcomeDuplicate, outcomeRequeued} {
		m.outcomes[o] = m.messages.WithLabelValues(o)
	}
	m.setState(stateIdle)
	return m
}

// Registry returns the registry the endpoint serves, so a connector can add
// its own collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// AddRecordsSent adds n to records_sent_total.
func (m *Metrics) AddRecordsSent(n int) { m.recordsSent.Add(float64(n)) }

// IncRuns increments runs_total.
func (m *Metrics) IncRuns() { m.runs.Inc() }

// IncClientErrors increments client_errors_total.
func (m *Metrics) IncClientErrors() { m.clientErrors.Inc() }

func (m *Metrics) setState(state string) {
	for i, name := range stateNames {
		v := 0.0
		if name == state {
			v = 1
		}
		m.stateGauges[i].Set(v)
	}
}

// message counts one listen-queue message with its outcome.
func (m *Metrics) message(outcome string) { m.outcomes[outcome].Inc() }

// health is what /healthz reports. It is safe for concurrent use.
type health struct {
	mu             sync.Mutex
	brokerUp       bool
	lastPingOK     time.Time
	lastPingFailed time.Time
}

func (h *health) setBroker(up bool) {
	h.mu.Lock()
	h.brokerUp = up
	h.mu.Unlock()
}

func (h *health) pinged(ok bool, at time.Time) {
	h.mu.Lock()
	if ok {
		h.lastPingOK = at
	} else {
		h.lastPingFailed = at
	}
	h.mu.Unlock()
}

// healthReport is the /healthz body.
type healthReport struct {
	Status       string     `json:"status"`
	Registered   bool       `json:"registered"`
	BrokerUp     bool       `json:"broker_connected"`
	LastPingOK   *time.Time `json:"last_ping_ok,omitempty"`
	LastPingFail *time.Time `json:"last_ping_failed,omitempty"`
}

// inactiveAfter is how long the platform keeps a connector active after its
// last successful ping.
const inactiveAfter = 5 * time.Minute

func (c *Connector) healthReport(now time.Time) healthReport {
	_, registered := c.Registration()
	c.health.mu.Lock()
	defer c.health.mu.Unlock()
	r := healthReport{Registered: registered, BrokerUp: c.health.brokerUp}
	if !c.health.lastPingOK.IsZero() {
		t := c.health.lastPingOK
		r.LastPingOK = &t
	}
	if !c.health.lastPingFailed.IsZero() {
		t := c.health.lastPingFailed
		r.LastPingFail = &t
	}
	pingFresh := r.LastPingOK != nil && now.Sub(*r.LastPingOK) < inactiveAfter
	if registered && r.BrokerUp && pingFresh {
		r.Status = "ok"
	} else {
		r.Status = "unavailable"
	}
	return r
}

// HTTPHandler serves /metrics (Prometheus text format) and /healthz. The
// health check returns 200 with {"status":"ok"} while the connector is
// registered, connected to the broker and its last successful ping is less
// than 5 minutes old (the platform's activity window), and 503 otherwise.
func (c *Connector) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(c.metrics.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		r := c.healthReport(time.Now())
		w.Header().Set("Content-Type", "application/json")
		if r.Status != "ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(r)
	})
	return mux
}
