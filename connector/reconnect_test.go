package connector_test

import (
	"context"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	fp "github.com/opencti-go/sdk/connector/internal/fakeplatform"
	"github.com/opencti-go/sdk/connector/internal/mqtest"
	"github.com/opencti-go/sdk/internal/testenv"
)

// metricValue returns the value of a metric of the connector's registry,
// or -1 when it is absent.
func metricValue(t *testing.T, c *connector.Connector, name string) float64 {
	t.Helper()
	families, err := c.Metrics().Registry().Gather()
	if err != nil {
		t.Fatalf("gather metrics: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		m := f.GetMetric()[0]
		if m.GetCounter() != nil {
			return m.GetCounter().GetValue()
		}
		return m.GetGauge().GetValue()
	}
	return -1
}

// blocker is a handler that waits for release and counts its runs.
type blocker struct {
	started chan string
	release chan struct{}
	runs    atomic.Int32
}

func newBlocker() *blocker {
	return &blocker{started: make(chan string, 10), release: make(chan struct{})}
}

func (b *blocker) Handle(ctx context.Context, msg *connector.Message) (string, error) {
	b.runs.Add(1)
	b.started <- msg.Internal.WorkID
	select {
	case <-b.release:
		return "Export done", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (b *blocker) waitStarted(t *testing.T) string {
	t.Helper()
	select {
	case id := <-b.started:
		return id
	case <-time.After(20 * time.Second):
		t.Fatal("handler not started within 20 s")
		return ""
	}
}

func TestRunConnectionClosedMidJobLosesNothing(t *testing.T) {
	h := newHarness(t)
	b := newBlocker()
	h.start(b)
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	b.waitStarted(t)
	if n := mqtest.CloseConnections(t, h.id+" (Go connector test) consumer"); n != 1 {
		t.Fatalf("closed %d connections, want 1", n)
	}
	// The broker requeues the unacked message; the new session receives it
	// and adopts it for the running work instead of running it again.
	if !h.platform.WaitFor(30*time.Second, func() bool {
		return metricValue(t, h.conn, "broker_connections_total") >= 2
	}) {
		t.Fatal("no reconnection within 30 s")
	}
	if !h.topo.WaitListenEmpty(t, 1, 30*time.Second) {
		t.Fatal("requeued message not taken back by the new session")
	}
	close(b.release)
	if !h.platform.WaitFor(20*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, id) == 1
	}) {
		t.Fatal("no processed report after the reconnection")
	}
	checkProcessedAfterReconnect(t, h)
	if n := b.runs.Load(); n != 2 {
		t.Errorf("handler runs = %d, want 2 (one per work)", n)
	}
	if n := h.platform.Count(fp.WorkToProcessed, id); n != 1 {
		t.Errorf("processed reports for the first work = %d, want 1", n)
	}
}

// checkProcessedAfterReconnect publishes a message for a new work and
// checks that it is processed and that no message is left unacknowledged.
func checkProcessedAfterReconnect(t *testing.T, h *harness) {
	t.Helper()
	second := workID(2)
	h.topo.PublishJSON(t, exportMessage(second))
	if !h.platform.WaitFor(30*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, second) == 1
	}) {
		t.Fatal("message published after the reconnection not processed")
	}
	if !h.topo.WaitListenEmpty(t, 1, 10*time.Second) {
		t.Error("messages left unacknowledged")
	}
}

// The broker connection drops after the handler returned and before the
// acknowledgement reached the broker. The message comes back after the
// reconnection and is recognised, so the work runs and is reported once.
func TestRunConnectionLostBeforeAck(t *testing.T) {
	u, _ := url.Parse(testenv.AMQPURL(t))
	proxy := mqtest.NewProxy(t, u.Host)
	h := newHarness(t, withBrokerAddr(proxy.Addr))
	c := newCounter()
	first := workID(1)
	h.start(connector.HandlerFunc(func(ctx context.Context, msg *connector.Message) (string, error) {
		if msg.Internal.WorkID == first {
			proxy.Down()
		}
		return c.Handle(ctx, msg)
	}))

	h.topo.PublishJSON(t, exportMessage(first))
	if !h.platform.WaitFor(20*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, first) == 1
	}) {
		t.Fatal("no processed report for the first work")
	}

	proxy.Up(t)
	checkProcessedAfterReconnect(t, h)
	if n := len(c.runs); n != 2 {
		t.Errorf("handler runs = %d, want 2 (one per work)", n)
	}
	if n := h.platform.Count(fp.WorkToProcessed, first); n != 1 {
		t.Errorf("processed reports for the first work = %d, want 1", n)
	}
	if n := h.platform.Count(fp.WorkToReceived, first); n != 1 {
		t.Errorf("received reports for the first work = %d, want 1", n)
	}
}

func TestRunReconnectsWhenIdle(t *testing.T) {
	h := newHarness(t)
	h.start(newCounter())
	if n := mqtest.CloseConnections(t, h.id+" (Go connector test) consumer"); n != 1 {
		t.Fatalf("closed %d connections, want 1", n)
	}
	if !h.platform.WaitFor(30*time.Second, func() bool {
		return metricValue(t, h.conn, "broker_connections_total") == 2
	}) {
		t.Fatal("no reconnection within 30 s")
	}
	if !h.topo.WaitListenEmpty(t, 1, 10*time.Second) {
		t.Error("want exactly one consumer after the reconnection")
	}
}

func TestRunRecoversDeletedQueue(t *testing.T) {
	h := newHarness(t)
	c := newCounter()
	h.start(c)
	registrations := h.platform.Count(fp.RegisterConnector, "")
	h.topo.DeleteListenQueue(t)
	// The platform re-declares the queue when the connector registers again.
	if !h.platform.WaitFor(30*time.Second, func() bool {
		return h.platform.Count(fp.RegisterConnector, "") > registrations &&
			metricValue(t, h.conn, "broker_connections_total") >= 2
	}) {
		t.Fatal("connector did not register again and reconnect")
	}
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	if !h.platform.WaitFor(30*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, id) == 1
	}) {
		t.Fatal("message not processed after the queue came back")
	}
}

func TestRunCapsReconnectAttempts(t *testing.T) {
	h := newHarness(t, withOptions(connector.Options{
		ReconnectDelay: 10 * time.Millisecond, MaxReconnectDelay: 20 * time.Millisecond}))
	h.platform.OnRegister = nil // the queue stays missing
	h.start(newCounter())
	before := h.platform.Count(fp.RegisterConnector, "")
	h.topo.DeleteListenQueue(t)
	time.Sleep(15 * time.Second)
	// Each attempt after the first connection registers again, so the
	// registrations count the attempts.
	attempts := h.platform.Count(fp.RegisterConnector, "") - before
	if attempts > 10 {
		t.Errorf("%d connection attempts in 15 s, want at most 10 per minute", attempts)
	}
	if attempts < 2 {
		t.Errorf("%d connection attempts in 15 s, want retries", attempts)
	}
	h.topo.Redeclare(t)
}

func TestRunBrokerOutageRecovers(t *testing.T) {
	t.Parallel()
	amqpURL := testenv.AMQPURL(t)
	u, _ := url.Parse(amqpURL)
	proxy := mqtest.NewProxy(t, u.Host)
	h := newHarness(t, withBrokerAddr(proxy.Addr), withType(connector.TypeExternalImport),
		withOptions(connector.Options{PingInterval: time.Second}))
	h.start(newCounter())

	proxy.Down()
	outage := time.Now()
	pingsBefore := h.platform.Count(fp.PingConnector, "")
	regBefore := h.platform.Count(fp.RegisterConnector, "")
	work, err := h.conn.AddWork(context.Background(), "outage run", false)
	if err != nil {
		t.Fatal(err)
	}
	sent := make(chan error, 1)
	go func() {
		_, err := h.conn.SendBundle(context.Background(), threeObjectBundle,
			connector.BundleOptions{WorkID: work})
		sent <- err
	}()
	time.Sleep(30 * time.Second)
	if n := h.platform.Count(fp.PingConnector, "") - pingsBefore; n < 20 {
		t.Errorf("%d pings during the 30 s outage, want about 30", n)
	}
	if n := h.platform.Count(fp.RegisterConnector, "") - regBefore; n > 10 {
		t.Errorf("%d connection attempts during the outage, want at most 10 per minute", n)
	}
	proxy.Up(t)
	select {
	case err := <-sent:
		if err != nil {
			t.Fatalf("SendBundle after the outage: %v", err)
		}
	case <-time.After(90 * time.Second):
		t.Fatal("SendBundle did not finish within 90 s of recovery")
	}
	if got := len(h.topo.TakePush(t)); got != 3 {
		t.Errorf("push queue holds %d messages, want 3 (each object once)", got)
	}
	id := workID(1)
	h.topo.PublishJSON(t, exportMessage(id))
	if !h.platform.WaitFor(60*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, id) == 1
	}) {
		t.Fatalf("message not consumed within 60 s of recovery (outage began %s ago)",
			time.Since(outage).Round(time.Second))
	}
	if !h.topo.WaitListenEmpty(t, 1, 10*time.Second) {
		t.Error("want exactly one consumer on the listen queue after the recovery")
	}
}

var threeObjectBundle = []byte(`{"type":"bundle","id":"bundle--5b0e7c1a-2d3f-4a5b-8c6d-7e8f9a0b1c2d",
"objects":[
{"type":"identity","spec_version":"2.1","id":"identity--7c6a1f0e-2b4d-5e8f-9a3c-1d2e3f4a5b6c",
 "name":"ACME","identity_class":"organization","created":"2026-03-02T08:00:00Z","modified":"2026-03-02T08:00:00Z"},
{"type":"indicator","spec_version":"2.1","id":"indicator--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
 "created_by_ref":"identity--7c6a1f0e-2b4d-5e8f-9a3c-1d2e3f4a5b6c",
 "pattern":"[ipv4-addr:value = '198.51.100.23']","pattern_type":"stix",
 "valid_from":"2026-03-02T08:55:00Z","created":"2026-03-02T08:00:00Z","modified":"2026-03-02T08:00:00Z"},
{"type":"relationship","spec_version":"2.1","id":"relationship--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
 "relationship_type":"related-to","source_ref":"indicator--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
 "target_ref":"identity--7c6a1f0e-2b4d-5e8f-9a3c-1d2e3f4a5b6c",
 "created":"2026-03-02T08:00:00Z","modified":"2026-03-02T08:00:00Z"}]}`)
