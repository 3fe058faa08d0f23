package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/examples/internal/exampletest"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// TestImportExternalTwoRuns runs the connector twice in run-and-terminate
// mode against pyctitest and RabbitMQ: the second run asks the feed only
// for what changed since the first.
func TestImportExternalTwoRuns(t *testing.T) {
	var mu sync.Mutex
	var queries []string
	feedSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.Query().Get("since"))
		mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"items": []map[string]string{
			{"ip": "198.51.100.7", "description": "SSH scanner"},
			{"ip": "203.0.113.9", "description": "C2 server"}}})
	}))
	defer feedSrv.Close()

	p := exampletest.NewPlatform(t)
	cfg := p.Config(t, connector.TypeExternalImport, map[string]string{
		"FEED_URL": feedSrv.URL, "CONNECTOR_DURATION_PERIOD": "PT1H",
		"CONNECTOR_RUN_AND_TERMINATE": "true"})
	for range 2 {
		if err := run(t.Context(), cfg, exampletest.Logger(t)); err != nil {
			t.Fatalf("run = %v, want nil", err)
		}
	}

	msgs := p.Pushed(t, cfg.ID, 12)
	types := exampletest.Types(msgs)
	if types["ipv4-addr"] != 4 || types["indicator"] != 4 || types["relationship"] != 4 {
		t.Errorf("pushed types = %v, want 4 of each over two runs", types)
	}
	works := p.Works()
	if len(works) != 2 || msgs[0].WorkID != works[0].ID || msgs[11].WorkID != works[1].ID {
		t.Fatalf("works = %d, want one per run with its messages", len(works))
	}
	if len(works[1].Messages) == 0 ||
		works[1].Messages[len(works[1].Messages)-1].Message != "2 addresses imported (6 objects)" {
		t.Errorf("second work messages = %+v", works[1].Messages)
	}
	mu.Lock()
	defer mu.Unlock()
	if queries[0] != "" {
		t.Errorf("first run asked since %q, want everything", queries[0])
	}
	if since, err := time.Parse(time.RFC3339, queries[1]); err != nil || since.IsZero() {
		t.Errorf("second run asked since %q, want the first run's start", queries[1])
	}
	if state := p.Connectors()[0].State; !strings.Contains(state, `"last_run"`) {
		t.Errorf("stored state %s, want last_run", state)
	}
}

func TestImportExternalFeedDown(t *testing.T) {
	feedSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer feedSrv.Close()
	p := exampletest.NewPlatform(t)
	cfg := p.Config(t, connector.TypeExternalImport, map[string]string{
		"FEED_URL": feedSrv.URL, "CONNECTOR_DURATION_PERIOD": "0"})
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	err := run(ctx, cfg, exampletest.Logger(t))
	if err == nil || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("run = %v, want the feed's HTTP 503", err)
	}
	if w := p.Works(); len(w) != 1 || len(w[0].Errors) != 1 {
		t.Errorf("works = %+v, want one in error", w)
	}
}

// TestImportExternalReachesPlatform lets pyctitest's workers import what
// the run sends: the run's work completes and the addresses are stored.
func TestImportExternalReachesPlatform(t *testing.T) {
	feedSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"items": []map[string]string{
			{"ip": "198.51.100.7", "description": "SSH scanner"}}})
	}))
	defer feedSrv.Close()
	p := exampletest.NewPlatform(t)
	if err := p.StartWorkers(); err != nil {
		t.Fatal(err)
	}
	cfg := p.Config(t, connector.TypeExternalImport, map[string]string{
		"FEED_URL": feedSrv.URL, "CONNECTOR_DURATION_PERIOD": "0"})
	if err := run(t.Context(), cfg, exampletest.Logger(t)); err != nil {
		t.Fatal(err)
	}
	exampletest.WaitFor(t, "the run's work to complete", func() bool {
		w := p.Works()
		return len(w) == 1 && w[0].Status == pyctitest.WorkComplete
	})
	ip := toSTIX(feedItem{IP: "198.51.100.7"})[0]
	if _, err := p.ToStix(ip.ObjectID()); err != nil {
		t.Errorf("address not stored: %v", err)
	}
}
