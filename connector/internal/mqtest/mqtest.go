// Package mqtest declares, on a real RabbitMQ broker, the exchanges, queues
// and bindings the OpenCTI platform declares for a connector, publishes
// messages the way the platform does, and cleans up after the test. Each
// topology uses a prefix derived from its connector id, so tests never
// share broker objects.
package mqtest

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opencti-go/sdk/connector"
)

// Topology is the broker side of one connector, named as the platform
// names it with queue prefix P: P_amqp.connector.exchange,
// P_amqp.worker.exchange, P_listen_<id>, P_push_<id> and their routing
// keys.
type Topology struct {
	URL         string
	ConnectorID string
	Type        connector.ConnectorType
	Prefix      string

	ListenExchange string
	ListenRouting  string
	Listen         string
	PushExchange   string
	PushRouting    string
	Push           string
}

// NewID returns a fresh connector id.
func NewID() string { return uuid.NewString() }

// Declare creates the topology for connectorID on the broker at amqpURL and
// deletes it when the test ends.
func Declare(tb testing.TB, amqpURL, connectorID string, typ connector.ConnectorType) *Topology {
	tb.Helper()
	p := "t" + strings.ReplaceAll(connectorID, "-", "")[:12] + "_"
	tp := &Topology{
		URL: amqpURL, ConnectorID: connectorID, Type: typ, Prefix: p,
		ListenExchange: p + "amqp.connector.exchange",
		ListenRouting:  p + "listen_routing_" + connectorID,
		Listen:         p + "listen_" + connectorID,
		PushExchange:   p + "amqp.worker.exchange",
		PushRouting:    p + "push_routing_" + connectorID,
		Push:           p + "push_" + connectorID,
	}
	tp.Redeclare(tb)
	tb.Cleanup(func() { tp.delete(tb) })
	return tp
}

// Redeclare asserts the exchanges, queues and bindings again, as the
// platform does at each registration: direct durable exchanges, durable
// queues carrying the name and config arguments.
func (tp *Topology) Redeclare(tb testing.TB) {
	tb.Helper()
	tp.withChannel(tb, func(ch *amqp.Channel) error {
		for _, ex := range []string{tp.ListenExchange, tp.PushExchange} {
			if err := ch.ExchangeDeclare(ex, "direct", true, false, false, false, nil); err != nil {
				return err
			}
		}
		queues := [][3]string{{tp.Listen, tp.ListenExchange, tp.ListenRouting},
			{tp.Push, tp.PushExchange, tp.PushRouting}}
		for _, q := range queues {
			args := amqp.Table{"name": q[0], "config": amqp.Table{
				"id": tp.ConnectorID, "type": string(tp.Type), "scope": "application/json"}}
			if _, err := ch.QueueDeclare(q[0], true, false, false, false, args); err != nil {
				return err
			}
			if err := ch.QueueBind(q[0], q[2], q[1], false, nil); err != nil {
				return err
			}
		}
		return nil
	})
}

func (tp *Topology) delete(tb testing.TB) {
	tb.Helper()
	tp.withChannel(tb, func(ch *amqp.Channel) error {
		for _, q := range []string{tp.Listen, tp.Push} {
			if _, err := ch.QueueDelete(q, false, false, false); err != nil {
				return err
			}
		}
		for _, ex := range []string{tp.ListenExchange, tp.PushExchange} {
			if err := ch.ExchangeDelete(ex, false, false); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteListenQueue deletes the listen queue, as an operator or a broker
// reset would.
func (tp *Topology) DeleteListenQueue(tb testing.TB) {
	tb.Helper()
	tp.withChannel(tb, func(ch *amqp.Channel) error {
		_, err := ch.QueueDelete(tp.Listen, false, false, false)
		return err
	})
}

func (tp *Topology) withChannel(tb testing.TB, fn func(*amqp.Channel) error) {
	tb.Helper()
	conn, err := amqp.Dial(tp.URL)
	if err != nil {
		tb.Fatalf("connect to %s: %v", tp.URL, err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		tb.Fatalf("open channel: %v", err)
	}
	if err := fn(ch); err != nil {
		tb.Fatalf("broker operation for connector %s: %v", tp.ConnectorID, err)
	}
}

// Registration returns the answer the platform would give at registration:
// the broker address of the test URL (or of addr, "host:port", when not
// empty), and the topology's names.
func (tp *Topology) Registration(tb testing.TB, addr string) connector.Registration {
	tb.Helper()
	u, err := url.Parse(tp.URL)
	if err != nil {
		tb.Fatalf("parse %s: %v", tp.URL, err)
	}
	if addr == "" {
		addr = u.Host
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		host, portText = addr, "5672"
	}
	port, _ := strconv.Atoi(portText)
	pass, _ := u.User.Password()
	vhost := strings.TrimPrefix(u.Path, "/")
	if vhost == "" {
		vhost = "/"
	}
	return connector.Registration{
		ID: tp.ConnectorID, ConnectorUserID: "88f1d0a2-5b3c-4e7f-a1d9-6c2b0e4f9a17",
		Broker: connector.BrokerConfig{
			Connection: connector.BrokerConnection{Host: host, Port: port, VHost: vhost,
				User: u.User.Username(), Pass: connector.Secret(pass)},
			Listen: tp.Listen, ListenRouting: tp.ListenRouting, ListenExchange: tp.ListenExchange,
			Push: tp.Push, PushRouting: tp.PushRouting, PushExchange: tp.PushExchange,
		},
	}
}

// Publish sends bodies to the listen exchange with the listen routing key,
// persistent, on a confirm channel, as the platform does, and waits for
// the broker's confirmations.
func (tp *Topology) Publish(tb testing.TB, bodies ...[]byte) {
	tb.Helper()
	tp.withChannel(tb, func(ch *amqp.Channel) error {
		if err := ch.Confirm(false); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var pending []*amqp.DeferredConfirmation
		for _, body := range bodies {
			dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, tp.ListenExchange,
				tp.ListenRouting, false, false, amqp.Publishing{
					DeliveryMode: amqp.Persistent, ContentType: "application/json", Body: body})
			if err != nil {
				return err
			}
			pending = append(pending, dc)
		}
		for _, dc := range pending {
			if ok, err := dc.WaitContext(ctx); err != nil || !ok {
				tb.Fatalf("publish to %s not confirmed: %v", tp.ListenExchange, err)
			}
		}
		return nil
	})
}

// PublishJSON encodes each value and publishes it.
func (tp *Topology) PublishJSON(tb testing.TB, values ...any) {
	tb.Helper()
	bodies := make([][]byte, len(values))
	for i, v := range values {
		data, err := json.Marshal(v)
		if err != nil {
			tb.Fatalf("encode message: %v", err)
		}
		bodies[i] = data
	}
	tp.Publish(tb, bodies...)
}

// ListenDepth returns the ready messages and consumers of the listen
// queue.
func (tp *Topology) ListenDepth(tb testing.TB) (messages, consumers int) {
	tb.Helper()
	return tp.depth(tb, tp.Listen)
}

func (tp *Topology) depth(tb testing.TB, queue string) (messages, consumers int) {
	tb.Helper()
	tp.withChannel(tb, func(ch *amqp.Channel) error {
		q, err := ch.QueueDeclarePassive(queue, true, false, false, false, nil)
		messages, consumers = q.Messages, q.Consumers
		return err
	})
	return messages, consumers
}

// TakePush removes and returns every message on the push queue.
func (tp *Topology) TakePush(tb testing.TB) []amqp.Delivery {
	tb.Helper()
	var out []amqp.Delivery
	tp.withChannel(tb, func(ch *amqp.Channel) error {
		for {
			d, ok, err := ch.Get(tp.Push, true)
			if err != nil || !ok {
				return err
			}
			out = append(out, d)
		}
	})
	return out
}

// WaitListenEmpty polls until the listen queue has no ready message and
// the given number of consumers, and reports whether that happened within
// timeout.
func (tp *Topology) WaitListenEmpty(tb testing.TB, consumers int, timeout time.Duration) bool {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		m, c := tp.ListenDepth(tb)
		if m == 0 && c == consumers {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
