package stream_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/connector/stream"
)

func loadConfig(t *testing.T, env map[string]string) (stream.Config, error) {
	t.Helper()
	base := map[string]string{"OPENCTI_URL": "http://127.0.0.1:4000",
		"OPENCTI_TOKEN": "2b7e9f61-0c4d-4a8e-b3f5-7d1e6a9c0b24",
		"CONNECTOR_ID":  "6f1d2c3b-4a5e-4b6c-8d7e-9f0a1b2c3d4e", "CONNECTOR_TYPE": "STREAM",
		"CONNECTOR_NAME": "Stream", "OPENCTI_CUSTOM_HEADERS": "X-Tenant:blue"}
	for k, v := range env {
		base[k] = v
	}
	src, err := connector.NewSource(nil, func(k string) (string, bool) { v, ok := base[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := connector.ConfigFromSource(src)
	if err != nil {
		t.Fatal(err)
	}
	return stream.LoadConfig(cfg)
}

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StreamID != "" || !cfg.ListenDelete || !cfg.NoDependencies || cfg.WithInferences {
		t.Errorf("config = %+v, want pycti's defaults: raw stream, deletes, no dependencies", cfg)
	}
	if cfg.StartFrom != "0-0" || cfg.RecoverUntil != "" || cfg.HTTPClient == nil {
		t.Errorf("start %q, recover %q, client %v; want 0-0, empty and a client",
			cfg.StartFrom, cfg.RecoverUntil, cfg.HTTPClient)
	}
	if cfg.Header.Get("X-Tenant") != "blue" {
		t.Errorf("headers = %v, want OPENCTI_CUSTOM_HEADERS", cfg.Header)
	}
}

func TestLoadConfigReadsLiveStreamKeys(t *testing.T) {
	cfg, err := loadConfig(t, map[string]string{"CONNECTOR_LIVE_STREAM_ID": "live",
		"CONNECTOR_LIVE_STREAM_LISTEN_DELETE": "false", "CONNECTOR_LIVE_STREAM_NO_DEPENDENCIES": "no",
		"CONNECTOR_LIVE_STREAM_WITH_INFERENCES":  "true",
		"CONNECTOR_LIVE_STREAM_START_TIMESTAMP":  "1772446535000",
		"CONNECTOR_LIVE_STREAM_RECOVER_ISO_DATE": "2026-03-02T09:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.StreamID != "live" || cfg.ListenDelete || cfg.NoDependencies || !cfg.WithInferences {
		t.Errorf("config = %+v, want every key read", cfg)
	}
	if cfg.StartFrom != "1772446535000-0" || cfg.RecoverUntil != "2026-03-02T09:00:00Z" {
		t.Errorf("start %q, recover %q", cfg.StartFrom, cfg.RecoverUntil)
	}
}

func TestLoadConfigRejectsBadValues(t *testing.T) {
	_, err := loadConfig(t, map[string]string{"CONNECTOR_LIVE_STREAM_START_TIMESTAMP": "yesterday",
		"CONNECTOR_LIVE_STREAM_RECOVER_ISO_DATE": "soon", "CONNECTOR_LIVE_STREAM_LISTEN_DELETE": "maybe"})
	for _, key := range []string{"CONNECTOR_LIVE_STREAM_START_TIMESTAMP",
		"CONNECTOR_LIVE_STREAM_RECOVER_ISO_DATE", "CONNECTOR_LIVE_STREAM_LISTEN_DELETE"} {
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("LoadConfig error %v does not name %s", err, key)
		}
	}
	var ce *connector.ConfigError
	if !errors.As(err, &ce) {
		t.Errorf("error %v is not a ConfigError", err)
	}
}

// logRecorder keeps the messages of warnings.
type logRecorder struct {
	mu       sync.Mutex
	messages []string
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logRecorder) WithGroup(string) slog.Handler            { return l }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		l.mu.Lock()
		l.messages = append(l.messages, r.Message)
		l.mu.Unlock()
	}
	return nil
}

func (l *logRecorder) has(text string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, m := range l.messages {
		if strings.Contains(m, text) {
			return true
		}
	}
	return false
}

func TestClientWarnsAboutTrimmedEvents(t *testing.T) {
	sc := &script{t: t, conns: []scriptConn{{text: frameText("", "connected",
		`{"lastEventId":"9000-0","firstEventId":"5000-0","streamSize":10,"connectionId":"c1"}`) +
		frameText("9000-0", "heartbeat", `"1970-01-01T00:00:09.000Z"`)}}}
	srv := httptest.NewServer(sc)
	t.Cleanup(srv.Close)
	logs := &logRecorder{}
	state := &memoryState{state: map[string]any{stream.StartFromKey: "1000-0",
		stream.RecoverUntilKey: false}}
	client, err := stream.NewClient(stream.Config{URL: srv.URL, Token: "t0ken"},
		stream.Options{Logger: slog.New(logs), State: state, CommitInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector()
	runClient(t, client, col)
	col.waitUntil(t, "the heartbeat", func(evs []*stream.Event) bool {
		return len(named(evs, stream.Heartbeat)) == 1
	})
	if !logs.has("older than the platform's event log") {
		t.Errorf("warnings = %v, want one about trimmed events", logs.messages)
	}
	if got := sc.headers()[0].Get("Last-Event-ID"); got != "1000-0" {
		t.Errorf("Last-Event-ID = %q, want the saved position 1000-0", got)
	}
}
