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

// BenchmarkConsume compares the framework, with a no-op handler and the
// full work protocol against the in-memory platform, with a raw amqp091-go
// consumer that only acknowledges. Both use prefetch 1 on the same kind of
// queue.
func BenchmarkConsume(b *testing.B) {
	b.Run("framework", func(b *testing.B) {
		h := newBenchHarness(b)
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
