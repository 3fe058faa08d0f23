package connector_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/internal/demodata"
	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// TestPlatformAdapterEndToEnd runs the framework through the pycti adapter
// against the in-memory platform and the real broker: registration, one
// export message published by the platform, the handler, and the work
// reports that complete the work.
func TestPlatformAdapterEndToEnd(t *testing.T) {
	amqpURL := testenv.AMQPURL(t)
	srv, err := pyctitest.NewServer(pyctitest.WithAMQP(amqpURL))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if _, err := srv.SeedBundle(demodata.GlassTern); err != nil {
		t.Fatal(err)
	}

	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	connectorID := fmt.Sprintf("6f1d2c3b-4a5e-4f60-8a7b-%012d", time.Now().UnixNano()%1e12)
	env := map[string]string{
		"OPENCTI_URL":     srv.URL,
		"OPENCTI_TOKEN":   srv.AdminToken(),
		"CONNECTOR_ID":    connectorID,
		"CONNECTOR_TYPE":  "INTERNAL_EXPORT_FILE",
		"CONNECTOR_NAME":  "AdapterTest",
		"CONNECTOR_SCOPE": "application/vnd.oasis.stix+json",
	}
	src, err := connector.NewSource(nil, func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := connector.ConfigFromSource(src)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := connector.New(cfg, connector.NewPlatform(client), connector.Options{})
	if err != nil {
		t.Fatal(err)
	}

	var handled atomic.Int32
	var gotScope atomic.Value
	handler := connector.HandlerFunc(func(ctx context.Context, msg *connector.Message) (string, error) {
		handled.Add(1)
		gotScope.Store(string(msg.Export.ExportScope))
		return "Export done", nil
	})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- conn.Run(ctx, handler) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v, want nil after cancel", err)
		}
	})

	waitReady(t, conn, done)
	reportID := findEntity(t, client, "Report")
	workID, err := srv.AskExport(t.Context(), pyctitest.ExportRequest{
		ConnectorID: connectorID,
		Scope:       pyctitest.ScopeSingle,
		Mode:        pyctitest.ModeSimple,
		EntityID:    reportID,
	})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "work complete", func() bool {
		w, ok := srv.Work(workID)
		return ok && w.Status == pyctitest.WorkComplete
	})

	w, _ := srv.Work(workID)
	if handled.Load() != 1 {
		t.Errorf("handler ran %d times, want 1", handled.Load())
	}
	if got := gotScope.Load(); got != string(connector.ScopeSingle) {
		t.Errorf("export scope = %v, want single", got)
	}
	if w.ProcessedCalls != 1 {
		t.Errorf("toProcessed calls = %d, want 1", w.ProcessedCalls)
	}
	if w.ReceivedTime.IsZero() {
		t.Error("work was never marked received")
	}
	if len(w.Errors) != 0 {
		t.Errorf("work errors = %v, want none", w.Errors)
	}
	if !hasMessage(w, "Export done") {
		t.Errorf("work messages = %v, want one with the handler's result", w.Messages)
	}
	reg, _ := conn.Registration()
	if reg.ConnectorUserID != pyctitest.AdminID {
		t.Errorf("connector user = %q, want the token's user %q", reg.ConnectorUserID, pyctitest.AdminID)
	}
}

// filterRejectingPlatform fails the health check with the platform's error
// for an unknown filter key (UNSUPPORTED_ERROR), which recurs on every
// attempt.
type filterRejectingPlatform struct {
	connector.Platform
	client *pycti.Client
}

func (p filterRejectingPlatform) About(ctx context.Context) (connector.PlatformInfo, error) {
	_, err := p.client.StixCoreObjects().List(ctx,
		pycti.ListOptions{Filters: pycti.AllOf(pycti.Where("no_such_key", "x"))})
	if err == nil {
		return connector.PlatformInfo{}, errors.New("list with an unknown filter key succeeded")
	}
	return connector.PlatformInfo{}, err
}

func findEntity(t *testing.T, client *pycti.Client, entityType string) string {
	t.Helper()
	page, err := client.StixCoreObjects().List(t.Context(), pycti.ListOptions{Types: []string{entityType}, First: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) == 0 {
		t.Fatalf("no %s in the seeded platform", entityType)
	}
	return page.Items[0].ID
}

func hasMessage(w pyctitest.Work, text string) bool {
	for _, m := range w.Messages {
		if strings.Contains(m.Message, text) {
			return true
		}
	}
	return false
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 30 s waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Run stops at start-up, naming the setting to fix, when the platform
// rejects the token, OPENCTI_URL has no GraphQL API or the platform rejects
// the request itself: waiting cannot help.
func TestRunStopsOnUnfixableStartError(t *testing.T) {
	srv, err := pyctitest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	rejectFilter := func(client *pycti.Client) connector.Platform {
		return filterRejectingPlatform{Platform: connector.NewPlatform(client), client: client}
	}
	cases := []struct {
		name, url, token, setting string
		sentinel                  error
		// platform builds the Platform over the client. Nil means connector.NewPlatform.
		platform func(*pycti.Client) connector.Platform
	}{
		{"rejected token", srv.URL, "d9bd4e2a-0000-4000-8000-000000000000", "OPENCTI_TOKEN",
			pycti.ErrUnauthorized, nil},
		{"no api at url", srv.URL + "/opencti", srv.AdminToken(), "OPENCTI_URL", pycti.ErrNotFound, nil},
		{"unknown filter key", srv.URL, srv.AdminToken(), "CONNECTOR_*",
			pycti.ErrInvalidRequest, rejectFilter},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client, err := pycti.NewClient(tc.url, tc.token)
			if err != nil {
				t.Fatal(err)
			}
			platform := connector.NewPlatform(client)
			if tc.platform != nil {
				platform = tc.platform(client)
			}
			cfg := testConfig(validID, connector.TypeInternalExportFile)
			cfg.URL = tc.url
			conn, err := connector.New(cfg, platform, connector.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			err = conn.Run(ctx, connector.HandlerFunc(func(context.Context, *connector.Message) (string, error) {
				return "", nil
			}))
			if ctx.Err() != nil {
				t.Fatal("Run kept retrying until the deadline")
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("err = %v, want %v", err, tc.sentinel)
			}
			if err == nil || !strings.Contains(err.Error(), tc.setting) {
				t.Errorf("err = %v, want it to name %s", err, tc.setting)
			}
		})
	}
}

// The three forms of a work's state hold the same strings: pyctitest's
// Work.Status, pycti's WorkStatus.Status and the connector's WorkState
// read through the adapter.
func TestPlatformAdapterWorkStates(t *testing.T) {
	srv := newPyctitest(t)
	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	platform := connector.NewPlatform(client)
	ctx := t.Context()
	connectorID := uuid.NewString()
	_, err = platform.RegisterConnector(ctx, connector.RegisterInput{ID: connectorID,
		Name: "WorkStateTest", Type: connector.TypeInternalImportFile, Scope: []string{"text/plain"}})
	if err != nil {
		t.Fatal(err)
	}
	workID, err := platform.WorkAdd(ctx, connector.WorkAddInput{ConnectorID: connectorID,
		FriendlyName: "work state test"})
	if err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name    string
		advance func() error
		want    connector.WorkState
	}{
		{"added", func() error { return nil }, connector.WorkWait},
		{"received", func() error { return platform.WorkToReceived(ctx, workID, "started") },
			connector.WorkProgress},
		{"processed", func() error { return platform.WorkToProcessed(ctx, workID, "done", false) },
			connector.WorkComplete},
	}
	for _, step := range steps {
		if err := step.advance(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		fake, ok := srv.Work(workID)
		if !ok {
			t.Fatalf("%s: pyctitest has no work %s", step.name, workID)
		}
		if got := connector.WorkState(fake.Status); got != step.want {
			t.Errorf("%s: pyctitest status = %q, want %q", step.name, got, step.want)
		}
		read, err := client.Work(ctx, workID)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got := connector.WorkState(read.Status); got != step.want {
			t.Errorf("%s: pycti status = %q, want %q", step.name, got, step.want)
		}
		status, err := platform.Work(ctx, workID)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if status.Status != step.want {
			t.Errorf("%s: adapter status = %q, want %q", step.name, status.Status, step.want)
		}
	}
}

// newPyctitest starts a pyctitest server without a broker, closed at the
// end of the test.
func newPyctitest(t *testing.T) *pyctitest.Server {
	t.Helper()
	srv, err := pyctitest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}
