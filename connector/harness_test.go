package connector_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/connector/internal/fakeplatform"
	"github.com/opencti-go/sdk/connector/internal/mqtest"
	"github.com/opencti-go/sdk/internal/testenv"
)

// harness runs one connector against the real broker and a fake platform.
type harness struct {
	t        testing.TB
	id       string
	topo     *mqtest.Topology
	platform *fakeplatform.Platform
	conn     *connector.Connector
	cancel   context.CancelFunc
	done     chan error
}

type harnessOption func(*harnessSettings)

type harnessSettings struct {
	typ       connector.ConnectorType
	opts      connector.Options
	brokerVia string // "host:port" the registration names instead of the broker
	configure func(*connector.Config)
}

func withOptions(o connector.Options) harnessOption {
	return func(s *harnessSettings) { s.opts = o }
}

func withType(typ connector.ConnectorType) harnessOption {
	return func(s *harnessSettings) { s.typ = typ }
}

func withBrokerAddr(addr string) harnessOption {
	return func(s *harnessSettings) { s.brokerVia = addr }
}

func withConfig(fn func(*connector.Config)) harnessOption {
	return func(s *harnessSettings) { s.configure = fn }
}

// newHarness declares a topology and builds a connector, without running
// it.
func newHarness(t testing.TB, options ...harnessOption) *harness {
	t.Helper()
	s := harnessSettings{typ: connector.TypeInternalExportFile}
	for _, o := range options {
		o(&s)
	}
	amqpURL := testenv.AMQPURL(t)
	id := mqtest.NewID()
	topo := mqtest.Declare(t, amqpURL, id, s.typ)
	platform := fakeplatform.New(topo.Registration(t, s.brokerVia))
	platform.OnRegister = func() { topo.Redeclare(t) }
	cfg := testConfig(id, s.typ)
	if s.configure != nil {
		s.configure(cfg)
	}
	if s.opts.Logger == nil {
		s.opts.Logger = testLogger(t)
	}
	if s.opts.StartupDelay == 0 {
		s.opts.StartupDelay = 50 * time.Millisecond
	}
	if s.opts.ReconnectDelay == 0 {
		s.opts.ReconnectDelay = 200 * time.Millisecond
	}
	if s.opts.DrainTimeout == 0 {
		s.opts.DrainTimeout = 3 * time.Second
	}
	if s.opts.RetryDelay == 0 {
		s.opts.RetryDelay = 50 * time.Millisecond
	}
	conn, err := connector.New(cfg, platform, s.opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &harness{t: t, id: id, topo: topo, platform: platform, conn: conn}
}

func testConfig(id string, typ connector.ConnectorType) *connector.Config {
	src, err := connector.NewSource(nil, mapEnv(map[string]string{
		"OPENCTI_URL":     "http://127.0.0.1:4000",
		"OPENCTI_TOKEN":   "2b7e9f61-0c4d-4a8e-b3f5-7d1e6a9c0b24",
		"CONNECTOR_ID":    id,
		"CONNECTOR_TYPE":  string(typ),
		"CONNECTOR_NAME":  "Go connector test",
		"CONNECTOR_SCOPE": "application/vnd.oasis.stix+json",
	}))
	if err != nil {
		panic(err)
	}
	cfg, err := connector.ConfigFromSource(src)
	if err != nil {
		panic(err)
	}
	return cfg
}

func mapEnv(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

// testLogger writes to the test log when OPENCTI_SDK_TEST_LOG=1, else
// nowhere.
func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("OPENCTI_SDK_TEST_LOG") != "1" {
		return nil
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p[:len(p)-1]))
	return len(p), nil
}

// start runs the connector until stop or the end of the test.
func (h *harness) start(handler connector.Handler) {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.done = make(chan error, 1)
	go func() { h.done <- h.conn.Run(ctx, handler) }()
	h.t.Cleanup(func() { h.stop(30 * time.Second) })
	select {
	case <-h.conn.Ready():
	case err := <-h.done:
		h.cancel = nil
		h.t.Fatalf("Run returned %v before consuming", err)
	case <-time.After(20 * time.Second):
		h.t.Fatal("connector did not start consuming within 20 s")
	}
}

// stop cancels Run and returns its result.
func (h *harness) stop(timeout time.Duration) error {
	if h.cancel == nil {
		return nil
	}
	h.cancel()
	select {
	case err := <-h.done:
		h.cancel = nil
		return err
	case <-time.After(timeout):
		h.t.Errorf("Run did not return within %s of cancellation", timeout)
		return nil
	}
}

// exportMessage builds a single export request for workID.
func exportMessage(workID string) map[string]any {
	internal := map[string]any{"applicant_id": "c0ffee00-1111-4222-8333-444455556666"}
	if workID != "" {
		internal["work_id"] = workID
	}
	return map[string]any{
		"internal": internal,
		"event": map[string]any{
			"event_type":    "INTERNAL_EXPORT_FILE",
			"export_scope":  "single",
			"export_type":   "full",
			"format":        "application/vnd.oasis.stix+json",
			"file_name":     "2026-03-02T10:15:30.118Z_TLP:ALL_(Go)_Malware-Snake_full.json",
			"entity_id":     "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b",
			"entity_name":   "SnakeLoader",
			"entity_type":   "Malware",
			"file_markings": []string{},
			"main_filter": map[string]any{"mode": "and", "filterGroups": []any{},
				"filters": []any{map[string]any{"key": "ids", "values": []string{"x"}}}},
			"access_filter": map[string]any{"mode": "and", "filters": []any{},
				"filterGroups": []any{}},
		},
	}
}

func workID(n int) string {
	return fmt.Sprintf("work_test_%d_%d", n, time.Now().UnixNano())
}

// counter is a handler that counts its runs per work.
type counter struct {
	runs chan string
}

func newCounter() *counter { return &counter{runs: make(chan string, 10000)} }

func (c *counter) Handle(_ context.Context, msg *connector.Message) (string, error) {
	c.runs <- msg.Internal.WorkID
	return "Export done", nil
}

// newBenchHarness is newHarness for benchmarks, with the same defaults.
func newBenchHarness(b *testing.B) *harness { return newHarness(b) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
