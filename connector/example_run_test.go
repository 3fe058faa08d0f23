package connector_test

import (
	"context"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/opencti-go/sdk/connector"
)

// ExampleConnector_Run wires a connector command: configuration from
// config.yml and the environment, a logger, a platform client, then Run
// until SIGINT or SIGTERM. It needs a platform and its RabbitMQ, so the
// example is compiled but not run. The connectors in the examples folder
// run in their tests.
func ExampleConnector_Run() {
	cfg, err := connector.LoadConfig("config.yml")
	if err != nil {
		log.Fatal(err) // names each invalid variable and YAML key
	}
	logger := connector.NewLogger(os.Stderr, cfg)
	client, err := connector.NewClient(cfg)
	if err != nil {
		log.Fatal(err)
	}
	conn, err := connector.New(cfg, connector.NewPlatform(client),
		connector.Options{Logger: logger})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	handler := connector.HandlerFunc(func(ctx context.Context, msg *connector.Message) (
		string, error) {
		return "nothing to do", nil // the text of the work's report
	})
	// Run returns nil after a drain on shutdown.
	if err := conn.Run(ctx, handler); err != nil {
		logger.Error("connector stopped", "error", err)
		os.Exit(1)
	}
}
