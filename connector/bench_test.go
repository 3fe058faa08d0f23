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

// rate measures messages per second between the first and the last
// delivery, so that start-up is not counted.
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

func (r *rate) report(b *testing.B) {
	select {
	case <-r.done:
	case <-time.After(10 * time.Minute):
		b.Fatalf("consumed %d of %d messages", r.seen.Load(), r.n)
	}
	elapsed := time.Duration(r.last.Load() - r.first.Load())
	if r.n > 1 && elapsed > 0 {
		b.ReportMetric(float64(r.n-1)/elapsed.Seconds(), "msg/s")
	}
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
// acknowledges. Both use prefetch 1 on queues declared the same way.
func BenchmarkConsume(b *testing.B) {
	b.Run("framework", func(b *testing.B) {
		h := newBenchHarness(b)
		conn, err := connector.New(testConfig(h.id, connector.TypeInternalExportFile),
			nopPlatform{reg: h.topo.Registration(b, "")}, connector.Options{})
		if err != nil {
			b.Fatal(err)
		}
		h.conn = conn
		benchMessages(b, h, b.N)
		r := newRate(b.N)
		b.ResetTimer()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			done <- h.conn.Run(ctx, connector.HandlerFunc(
				func(context.Context, *connector.Message) (string, error) {
					r.tick()
					return "done", nil
				}))
		}()
		r.report(b)
		b.StopTimer()
		cancel()
		<-done
	})
	b.Run("raw", func(b *testing.B) {
		h := newBenchHarness(b)
		benchMessages(b, h, b.N)
		r := newRate(b.N)
		b.ResetTimer()
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
		go func() {
			for d := range deliveries {
				r.tick()
				_ = d.Ack(false)
			}
		}()
		r.report(b)
	})
}
