package connector_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opencti-go/sdk/connector"
)

// benchMessages publishes n export messages, each with its own work.
func benchMessages(b *testing.B, h *harness, n int) {
	b.Helper()
	bodies := make([][]byte, n)
	for i := range bodies {
		data, err := jsonMarshal(exportMessage(workID(i)))
		if err != nil {
			b.Fatal(err)
		}
		bodies[i] = data
	}
	for start := 0; start < n; start += 1000 {
		h.topo.Publish(b, bodies[start:min(start+1000, n)]...)
	}
}

// rate times the deliveries between the first and the last, so that
// start-up is not counted.
type rate struct {
	n           int
	seen        atomic.Int64
	first, last atomic.Int64
	done        chan struct{}
}

func newRate(n int) *rate { return &rate{n: n, done: make(chan struct{})} }

func (r *rate) tick() {
	now := time.Now().UnixNano()
	r.first.CompareAndSwap(0, now)
	r.last.Store(now)
	if r.seen.Add(1) == int64(r.n) {
		close(r.done)
	}
}

// wait blocks until n deliveries were seen and returns the time between
// the first and the last, scaled to n messages.
func (r *rate) wait(b *testing.B) time.Duration {
	select {
	case <-r.done:
	case <-time.After(10 * time.Minute):
		b.Fatalf("consumed %d of %d messages", r.seen.Load(), r.n)
	}
	elapsed := time.Duration(r.last.Load() - r.first.Load())
	if r.n > 1 {
		elapsed = elapsed * time.Duration(r.n) / time.Duration(r.n-1)
	}
	return elapsed
}

// nopPlatform returns from every call at once without recording it, so that a
// benchmark measures the framework and not the platform.
type nopPlatform struct {
	connector.Platform // only the methods below are called
	reg                connector.Registration
}

func (p nopPlatform) About(context.Context) (connector.PlatformInfo, error) {
	return connector.PlatformInfo{Version: "6.8.10"}, nil
}

func (p nopPlatform) RegisterConnector(context.Context, connector.RegisterInput) (
	connector.Registration, error) {
	return p.reg, nil
}

func (p nopPlatform) PingConnector(context.Context, connector.PingInput) (
	connector.PingResult, error) {
	return connector.PingResult{}, nil
}

func (p nopPlatform) Work(context.Context, string) (connector.WorkStatus, error) {
	return connector.WorkStatus{Status: connector.WorkWait}, nil
}

func (p nopPlatform) WorkToReceived(context.Context, string, string) error { return nil }

func (p nopPlatform) WorkToProcessed(context.Context, string, string, bool) error { return nil }

// BenchmarkConsume compares the framework, with a no-op handler and the
// whole work protocol (status read, received, processed) against a
// platform that returns at once, with a raw amqp091-go consumer that only
// acknowledges. Both use prefetch 1 on queues declared the same way. The
// two alternate in rounds of at most 500 messages, so that load from
// other processes on the machine affects both alike; b.N is the number of
// messages each consumes. It reports both rates and their ratio.
func BenchmarkConsume(b *testing.B) {
	framework, raw := newBenchHarness(b), newBenchHarness(b)
	var frameworkTime, rawTime time.Duration
	const round = 500
	for done := 0; done < b.N; done += round {
		n := min(round, b.N-done)
		benchMessages(b, framework, n)
		benchMessages(b, raw, n)
		if done/round%2 == 0 {
			frameworkTime += consumeFramework(b, framework, n)
			rawTime += consumeRaw(b, raw, n)
		} else {
			rawTime += consumeRaw(b, raw, n)
			frameworkTime += consumeFramework(b, framework, n)
		}
	}
	frameworkRate := float64(b.N) / frameworkTime.Seconds()
	rawRate := float64(b.N) / rawTime.Seconds()
	b.ReportMetric(frameworkRate, "framework-msg/s")
	b.ReportMetric(rawRate, "raw-msg/s")
	b.ReportMetric(frameworkRate/rawRate, "ratio")
}

// consumeFramework runs a connector until it has handled n messages and
// returns the time from the first to the last delivery, scaled to n
// messages.
func consumeFramework(b *testing.B, h *harness, n int) time.Duration {
	b.Helper()
	conn, err := connector.New(testConfig(h.id, connector.TypeInternalExportFile),
		nopPlatform{reg: h.topo.Registration(b, "")}, connector.Options{})
	if err != nil {
		b.Fatal(err)
	}
	r := newRate(n)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- conn.Run(ctx, connector.HandlerFunc(
			func(context.Context, *connector.Message) (string, error) {
				r.tick()
				return "done", nil
			}))
	}()
	elapsed := r.wait(b)
	cancel()
	<-done
	return elapsed
}

// consumeRaw consumes n messages with a plain amqp091-go consumer.
func consumeRaw(b *testing.B, h *harness, n int) time.Duration {
	b.Helper()
	conn, err := amqp.Dial(h.topo.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	if err := ch.Qos(1, 0, false); err != nil {
		b.Fatal(err)
	}
	deliveries, err := ch.Consume(h.topo.Listen, "", false, false, false, false, nil)
	if err != nil {
		b.Fatal(err)
	}
	r := newRate(n)
	go func() {
		for d := range deliveries {
			r.tick()
			_ = d.Ack(false)
		}
	}()
	return r.wait(b)
}
