// Package exampletest runs the example connectors against pyctitest and
// the local RabbitMQ in their tests.
package exampletest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// Platform is a pyctitest server on the local broker, with a queue prefix
// of its own so that tests never share queues.
type Platform struct {
	*pyctitest.Server
	amqpURL string
	prefix  string
}

// NewPlatform starts a platform for the test. It skips the test when
// RabbitMQ is not running, unless OPENCTI_SDK_REQUIRE_RABBITMQ=1.
func NewPlatform(t *testing.T) *Platform {
	t.Helper()
	amqpURL := testenv.AMQPURL(t)
	prefix := "ex" + strings.ReplaceAll(uuid.NewString()[:8], "-", "")
	srv, err := pyctitest.NewServer(pyctitest.WithAMQP(amqpURL), pyctitest.WithQueuePrefix(prefix))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return &Platform{Server: srv, amqpURL: amqpURL, prefix: prefix}
}

// Config returns the configuration of a new connector of type typ on the
// platform, with the extra environment variables, and deletes its queues
// when the test ends.
func (p *Platform) Config(t *testing.T, typ connector.ConnectorType,
	extra map[string]string) *connector.Config {
	t.Helper()
	id := uuid.NewString()
	env := map[string]string{"OPENCTI_URL": p.URL, "OPENCTI_TOKEN": p.AdminToken(),
		"CONNECTOR_ID": id, "CONNECTOR_TYPE": string(typ), "CONNECTOR_NAME": "Example"}
	for k, v := range extra {
		env[k] = v
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
	t.Cleanup(func() { p.deleteQueues(id) })
	return cfg
}

// NewStreamPlatform starts a platform without broker, for connectors
// that only read the live stream.
func NewStreamPlatform(t *testing.T) *Platform {
	t.Helper()
	srv, err := pyctitest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.SetStreamHeartbeat(100 * time.Millisecond)
	return &Platform{Server: srv}
}

func (p *Platform) deleteQueues(id string) {
	if p.amqpURL == "" {
		return
	}
	conn, err := amqp.Dial(p.amqpURL)
	if err != nil {
		return
	}
	defer conn.Close()
	if ch, err := conn.Channel(); err == nil {
		for _, q := range []string{"_listen_", "_push_"} {
			_, _ = ch.QueueDelete(p.prefix+q+id, false, false, false)
		}
	}
}

// Pushed is one message a connector published to the workers.
type Pushed struct {
	WorkID string
	// Object is the one object of the message's bundle.
	Object map[string]any
}

// Pushed reads n messages from the push queue of connector id, failing
// the test when fewer arrive within 20 s.
func (p *Platform) Pushed(t *testing.T, id string, n int) []Pushed {
	t.Helper()
	conn, err := amqp.Dial(p.amqpURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	var out []Pushed
	deadline := time.Now().Add(20 * time.Second)
	for len(out) < n {
		d, ok, err := ch.Get(p.prefix+"_push_"+id, true)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			if time.Now().After(deadline) {
				t.Fatalf("%d messages on the push queue after 20 s, want %d", len(out), n)
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		out = append(out, decode(t, d.Body))
	}
	return out
}

func decode(t *testing.T, body []byte) Pushed {
	t.Helper()
	var msg struct {
		WorkID  string `json:"work_id"`
		Content string `json:"content"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(msg.Content)
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(raw, &bundle); err != nil || len(bundle.Objects) != 1 {
		t.Fatalf("message content %s: want a bundle of one object", raw)
	}
	return Pushed{WorkID: msg.WorkID, Object: bundle.Objects[0]}
}

// Types returns the STIX types of the pushed objects.
func Types(msgs []Pushed) map[string]int {
	out := map[string]int{}
	for _, m := range msgs {
		out[m.Object["type"].(string)]++
	}
	return out
}

// Start runs fn in the background until the end of the test, and
// returns a function that stops it and returns its error.
func Start(t *testing.T, fn func(ctx context.Context) error) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- fn(ctx) }()
	stopped := false
	var result error
	stop := func() error {
		if !stopped {
			stopped = true
			cancel()
			result = <-done
		}
		return result
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("connector stopped with %v, want nil", err)
		}
	})
	return stop
}

// WaitFor polls cond every 20 ms for up to 20 s.
func WaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 20 s waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Logger writes the connector's logs to the test log when
// OPENCTI_SDK_TEST_LOG=1, and discards them otherwise.
func Logger(t *testing.T) *slog.Logger {
	if os.Getenv("OPENCTI_SDK_TEST_LOG") != "1" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}
