package connector_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/pycti"
)

// waitReady waits until conn is ready. It fails the test when Run, whose
// result done receives, returns first, and puts that result back in done
// for the test's cleanup.
func waitReady(t *testing.T, conn *connector.Connector, done chan error) {
	t.Helper()
	select {
	case <-conn.Ready():
	case err := <-done:
		done <- err
		t.Fatalf("Run returned %v before the connector was ready", err)
	case <-time.After(30 * time.Second):
		t.Fatal("connector not ready within 30 s")
	}
}

// consumers returns how many consumers the broker counts on queue.
func (p *kindsPlatform) consumers(t *testing.T, queue string) int {
	t.Helper()
	q, err := p.channel(t).QueueDeclarePassive(queue, true, false, false, false, nil)
	if err != nil {
		t.Fatalf("queue %s: %v", queue, err)
	}
	return q.Consumers
}

// Ready is closed only once the broker counts the connector's consumer on
// its listen queue.
func TestReadyWhenConsuming(t *testing.T) {
	p := newKindsPlatform(t)
	id := uuid.NewString()
	conn := p.connector(t, id, connector.TypeInternalExportFile,
		map[string]string{"CONNECTOR_SCOPE": "application/vnd.oasis.stix+json"})
	select {
	case <-conn.Ready():
		t.Fatal("Ready closed before Run was called")
	default:
	}

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- conn.Run(ctx, newCounter()) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v, want nil", err)
		}
	})
	waitReady(t, conn, done)

	reg, ok := conn.Registration()
	if !ok {
		t.Fatal("Ready closed before the registration was stored")
	}
	if n := p.consumers(t, reg.Broker.Listen); n != 1 {
		t.Errorf("consumers on %s = %d, want 1 once Ready is closed", reg.Broker.Listen, n)
	}
}

// offlineConnector builds a connector of type typ on a pyctitest server
// without a broker. Its client sends token, or the server's admin token
// when token is empty.
func offlineConnector(t *testing.T, typ connector.ConnectorType, token string) *connector.Connector {
	t.Helper()
	srv := newPyctitest(t)
	if token == "" {
		token = srv.AdminToken()
	}
	cfg := testConfig(uuid.NewString(), typ)
	cfg.URL, cfg.Token = srv.URL, connector.Secret(token)
	client, err := connector.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := connector.New(cfg, connector.NewPlatform(client), connector.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return conn
}

// A Run that fails at start-up never closes Ready, so a caller must wait
// for Run's result as well.
func TestReadyStaysOpenWhenRunFails(t *testing.T) {
	conn := offlineConnector(t, connector.TypeInternalExportFile, "d9bd4e2a-0000-4000-8000-000000000000")

	err := conn.Run(t.Context(), newCounter())

	if !errors.Is(err, pycti.ErrUnauthorized) {
		t.Fatalf("Run = %v, want the rejected token", err)
	}
	select {
	case <-conn.Ready():
		t.Error("Ready closed although Run failed before registration")
	default:
	}
}

// Under RunLoop, Ready is closed when the loop starts.
func TestReadyBeforeLoopStarts(t *testing.T) {
	conn := offlineConnector(t, connector.TypeStream, "")

	readyInLoop := false
	err := conn.RunLoop(t.Context(), func(context.Context) error {
		select {
		case <-conn.Ready():
			readyInLoop = true
		default:
		}
		return nil
	})

	if err != nil {
		t.Fatalf("RunLoop = %v, want nil", err)
	}
	if !readyInLoop {
		t.Error("Ready not closed when the loop started")
	}
}
