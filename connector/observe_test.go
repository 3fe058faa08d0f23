package connector_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	fp "github.com/opencti-go/sdk/connector/internal/fakeplatform"
)

func TestLogHandlerWritesPyctiKeys(t *testing.T) {
	var buf bytes.Buffer
	cfg := testConfig(validID, connector.TypeInternalExportFile)
	cfg.JSONLogging, cfg.LogLevel = true, slog.LevelInfo
	logger := connector.NewLogger(&buf, cfg)
	logger.Debug("hidden")
	logger.Info("Message ack", "tag", 1, "delay", 1466403245*time.Nanosecond)
	var line map[string]any
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("log output %q: %v", buf.String(), err)
	}
	ts, _ := line["timestamp"].(string)
	if _, err := time.Parse("2006-01-02T15:04:05.000000Z", ts); err != nil {
		t.Errorf("timestamp %q: %v", ts, err)
	}
	if line["level"] != "INFO" || line["message"] != "Message ack" || line["name"] != cfg.Name {
		t.Errorf("line = %v", line)
	}
	if line["delay"] != "1.466s" {
		t.Errorf("delay = %#v, want the string \"1.466s\"", line["delay"])
	}
	buf.Reset()
	cfg.JSONLogging = false
	connector.NewLogger(&buf, cfg).Warn("text line")
	if !strings.Contains(buf.String(), "level=WARN") {
		t.Errorf("text output %q", buf.String())
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// A metrics port in use stops Run before anything else, with an error that
// names the key to change.
func TestMetricsPortInUseNamesKey(t *testing.T) {
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cfg := testConfig("5b0f8a2e-3c1d-4e7f-9a6b-8c2d1e0f3a4b", connector.TypeInternalExportFile)
	cfg.ExposeMetrics, cfg.MetricsPort = true, ln.Addr().(*net.TCPAddr).Port
	conn, err := connector.New(cfg, fp.New(connector.Registration{}),
		connector.Options{Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	err = conn.Run(ctx, newCounter())

	if err == nil || !strings.Contains(err.Error(), "set CONNECTOR_METRICS_PORT") {
		t.Errorf("Run error = %v, want it to name CONNECTOR_METRICS_PORT", err)
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestMetricsAndHealthEndpoint(t *testing.T) {
	addr := freePort(t)
	h := newHarness(t, withOptions(connector.Options{MetricsAddr: addr}),
		withConfig(func(c *connector.Config) {
			c.ExposeMetrics, c.MetricsNamespace = true, "octi"
		}))
	h.start(newCounter())
	if !h.platform.WaitFor(10*time.Second, func() bool {
		return h.platform.Count(fp.PingConnector, "") > 0
	}) {
		t.Fatal("no ping")
	}
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	h.platform.WaitFor(10*time.Second, func() bool { return h.platform.Count(fp.WorkToProcessed, id) == 1 })
	code, body := get(t, "http://"+addr+"/healthz")
	if code != http.StatusOK || !strings.Contains(body, `"status":"ok"`) {
		t.Errorf("healthz = %d %s", code, body)
	}
	code, body = get(t, "http://"+addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("metrics status %d", code)
	}
	for _, want := range []string{"octi_ping_api_total 1", "octi_bundles_sent_total 0",
		"octi_errors_total 0", `octi_state{state="idle"} 1`, `octi_messages_total{outcome="processed"} 1`,
		"octi_records_sent_total", "octi_runs_total", "octi_client_errors_total",
		"octi_ping_api_errors_total"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if err := h.stop(10 * time.Second); err != nil {
		t.Fatal(err)
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("endpoint still served after Run returned")
	}
}

func TestHealthUnavailableBeforeRegistration(t *testing.T) {
	h := newHarness(t)
	rec := &responseRecorder{header: http.Header{}}
	req, _ := http.NewRequest(http.MethodGet, "/healthz", nil)
	h.conn.HTTPHandler().ServeHTTP(rec, req)
	if rec.code != http.StatusServiceUnavailable {
		t.Errorf("healthz = %d, want 503 before registration", rec.code)
	}
}

type responseRecorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *responseRecorder) Header() http.Header         { return r.header }
func (r *responseRecorder) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *responseRecorder) WriteHeader(code int)        { r.code = code }

func TestStatePingAndRemoteReset(t *testing.T) {
	h := newHarness(t, withType(connector.TypeExternalImport),
		withOptions(connector.Options{PingInterval: 100 * time.Millisecond}))
	h.platform.ResetState()
	h.start(newCounter())
	ctx := context.Background()
	if err := h.conn.SaveState(ctx, map[string]any{"last_run": "2026-03-02T09:00:00+00:00"}); err != nil {
		t.Fatal(err)
	}
	if got := h.platform.StoredState(); !strings.Contains(got, "2026-03-02T09:00:00") {
		t.Fatalf("stored state = %q", got)
	}
	h.platform.ResetState()
	if !h.platform.WaitFor(5*time.Second, func() bool { return h.conn.State() == nil }) {
		t.Errorf("local state = %v after a remote reset, want nil", h.conn.State())
	}
	if err := h.conn.SetState(map[string]any{"cursor": "page-41"}); err != nil {
		t.Fatal(err)
	}
	if !h.platform.WaitFor(5*time.Second, func() bool {
		return strings.Contains(h.platform.StoredState(), "page-41")
	}) {
		t.Errorf("state not sent by the periodic ping: %q", h.platform.StoredState())
	}
	if err := h.conn.RefreshState(ctx); err != nil || h.conn.State()["cursor"] != "page-41" {
		t.Errorf("RefreshState: %v, state %v", err, h.conn.State())
	}
}
