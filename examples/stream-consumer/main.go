// Command stream-consumer is a stream connector: it reads an OpenCTI live
// stream and appends one JSON line per change (create, update, delete,
// merge) to a file, a simple audit trail of what the platform shares. Its
// position in the stream is kept in the connector state on the platform,
// so a restart goes on where it stopped.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/connector/stream"
)

func main() {
	cfg, err := connector.LoadConfig("config.yml")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	log := connector.NewLogger(os.Stderr, cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, log); err != nil {
		log.Error("connector stopped", "error", err)
		os.Exit(1)
	}
}

// run reads the stream named by CONNECTOR_LIVE_STREAM_ID until ctx ends,
// appending to OUTPUT_PATH (output.path), or to stdout when it is unset.
func run(ctx context.Context, cfg *connector.Config, log *slog.Logger) error {
	out := io.Writer(os.Stdout)
	if path := cfg.Source().String("OUTPUT_PATH", "output.path", ""); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		out = f
	}
	client, err := connector.NewClient(cfg)
	if err != nil {
		return err
	}
	conn, err := connector.New(cfg, connector.NewPlatform(client), connector.Options{Logger: log})
	if err != nil {
		return err
	}
	// The CONNECTOR_LIVE_STREAM_* keys, and the platform's URL and token.
	streamCfg, err := stream.LoadConfig(cfg)
	if err != nil {
		return err
	}
	// The connector keeps the stream position in its state.
	reader, err := stream.NewClient(streamCfg, stream.Options{Logger: log, State: conn})
	if err != nil {
		return err
	}
	audit := &auditTrail{enc: json.NewEncoder(out)}
	// RunLoop registers and pings the connector while the stream is read.
	return conn.RunLoop(ctx, func(ctx context.Context) error {
		return reader.Run(ctx, audit)
	})
}

// auditTrail writes one line per change.
type auditTrail struct {
	enc *json.Encoder
}

type auditLine struct {
	Time    time.Time `json:"time"`
	EventID string    `json:"event_id"`
	Change  string    `json:"change"`
	Object  string    `json:"object"`
	Type    string    `json:"type"`
	Message string    `json:"message"`
}

// HandleEvent gets every frame in order; heartbeats and the like only
// move the position, which the client saves by itself.
func (a *auditTrail) HandleEvent(_ context.Context, ev *stream.Event) error {
	switch ev.Name {
	case stream.Create, stream.Update, stream.Delete, stream.Merge:
	default:
		return nil
	}
	if ev.Change.Synthetic() {
		// Objects the platform sends before the event that needs them.
		return nil
	}
	return a.enc.Encode(auditLine{Time: ev.ID.Time(), EventID: ev.ID.String(), Change: ev.Name,
		Object: ev.Change.ObjectID, Type: ev.Change.ObjectType, Message: ev.Change.Message})
}
