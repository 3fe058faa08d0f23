package pyctitest

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// Exchange names the platform declares, before the queue prefix.
const (
	listenExchange = "amqp.connector.exchange"
	pushExchange   = "amqp.worker.exchange"
)

// broker is the platform's side of RabbitMQ. It dials for each operation,
// because registration and export requests are rare and a fresh connection
// survives broker restarts between tests.
type broker struct {
	url    string
	prefix string // queue prefix followed by "_", or ""
	conn   connectionSettings
}

type connectionSettings struct {
	host   string
	port   int
	vhost  string
	useSSL bool
	user   string
	pass   string
}

func newBroker(rawURL, prefix string) (*broker, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("pyctitest: invalid broker URL %q: %w", rawURL, err)
	}
	cs := connectionSettings{host: u.Hostname(), useSSL: u.Scheme == "amqps", vhost: "/",
		user: "guest", pass: "guest", port: 5672}
	if cs.useSSL {
		cs.port = 5671
	}
	if p := u.Port(); p != "" {
		if cs.port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("pyctitest: invalid broker port %q: %w", p, err)
		}
	}
	if v := strings.TrimPrefix(u.Path, "/"); v != "" {
		cs.vhost = v
	}
	if u.User != nil {
		cs.user = u.User.Username()
		cs.pass, _ = u.User.Password()
	}
	b := &broker{url: rawURL, conn: cs}
	if prefix != "" {
		b.prefix = prefix + "_"
	}
	return b, nil
}

func (b *broker) close() error { return nil }

// queueNames returns the names the platform derives from a connector id.
func queueNames(prefix, id string) map[string]string {
	return map[string]string{
		"listen":              prefix + "listen_" + id,
		"listen_routing":      prefix + "listen_routing_" + id,
		"listen_exchange":     prefix + listenExchange,
		"push":                prefix + "push_" + id,
		"push_routing":        prefix + "push_routing_" + id,
		"push_exchange":       prefix + pushExchange,
		"dead_letter_routing": prefix + "listen_routing_too-large-bundle",
	}
}

func (b *broker) withChannel(ctx context.Context, fn func(*amqp.Channel) error) error {
	conn, err := amqp.DialConfig(b.url, amqp.Config{Dial: amqp.DefaultDial(dialTimeout(ctx))})
	if err != nil {
		return fmt.Errorf("dial broker: %w", err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		return fmt.Errorf("open broker channel: %w", err)
	}
	defer ch.Close()
	return fn(ch)
}

// declareConnector declares both exchanges (direct, durable) and the
// connector's listen and push queues (durable, not exclusive, not
// auto-delete, with the name and config arguments), then binds each queue
// with its routing key, as the platform does at registration.
func (b *broker) declareConnector(ctx context.Context, c *Connector) error {
	names := queueNames(b.prefix, c.ID)
	args := amqp.Table{"name": c.Name, "config": amqp.Table{"id": c.ID, "type": c.Type,
		"scope": strings.Join(c.Scope, ",")}}
	return b.withChannel(ctx, func(ch *amqp.Channel) error {
		for _, ex := range []string{names["listen_exchange"], names["push_exchange"]} {
			if err := ch.ExchangeDeclare(ex, amqp.ExchangeDirect, true, false, false, false, nil); err != nil {
				return fmt.Errorf("declare exchange %s: %w", ex, err)
			}
		}
		for _, q := range []struct{ queue, key, exchange string }{
			{names["listen"], names["listen_routing"], names["listen_exchange"]},
			{names["push"], names["push_routing"], names["push_exchange"]},
		} {
			if _, err := ch.QueueDeclare(q.queue, true, false, false, false, args); err != nil {
				return fmt.Errorf("declare queue %s: %w", q.queue, err)
			}
			if err := ch.QueueBind(q.queue, q.key, q.exchange, false, nil); err != nil {
				return fmt.Errorf("bind queue %s: %w", q.queue, err)
			}
		}
		return nil
	})
}

// publish sends body persistent on the listen exchange with the
// connector's listen routing key and waits for the broker's confirm.
func (b *broker) publish(ctx context.Context, connectorID string, body []byte) error {
	names := queueNames(b.prefix, connectorID)
	return b.withChannel(ctx, func(ch *amqp.Channel) error {
		if err := ch.Confirm(false); err != nil {
			return fmt.Errorf("enable publisher confirms: %w", err)
		}
		conf, err := ch.PublishWithDeferredConfirmWithContext(ctx, names["listen_exchange"],
			names["listen_routing"], false, false, amqp.Publishing{
				DeliveryMode: amqp.Persistent, ContentType: "application/json", Body: body})
		if err != nil {
			return fmt.Errorf("publish to %s: %w", names["listen_exchange"], err)
		}
		ok, err := conf.WaitContext(ctx)
		if err != nil {
			return fmt.Errorf("wait for publish confirm: %w", err)
		}
		if !ok {
			return fmt.Errorf("broker refused the message for %s", names["listen"])
		}
		return nil
	})
}

func (b *broker) connectionValue() map[string]any {
	return map[string]any{"host": b.conn.host, "vhost": b.conn.vhost, "use_ssl": b.conn.useSSL,
		"port": b.conn.port, "user": b.conn.user, "pass": b.conn.pass}
}

// dialTimeout bounds the broker dial by the context deadline, or by 10 s.
func dialTimeout(ctx context.Context) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return max(time.Until(dl), time.Millisecond)
	}
	return 10 * time.Second
}
