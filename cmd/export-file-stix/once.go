package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/opencti-go/sdk/connector"
)

// receivedText is the work message sent when an export starts, pycti's.
const receivedText = "Connector ready to process the operation"

// runOnce processes one export message read from path ("-" for stdin)
// without RabbitMQ, reporting on its work as the framework does: received,
// then processed, in error when the export fails.
func (a *app) runOnce(ctx context.Context, path string, stdin io.Reader) int {
	body, err := readMessage(path, stdin)
	if err != nil {
		a.log.Error("read export message failed", slog.String("error", err.Error()))
		return exitUsage
	}
	msg, err := connector.DecodeMessage(body, connector.TypeInternalExportFile)
	if err != nil {
		a.log.Error("invalid export message", slog.String("error", err.Error()))
		return exitUsage
	}
	platform := connector.NewPlatform(a.client)
	workID := msg.Internal.WorkID
	if workID != "" {
		if err := platform.WorkToReceived(ctx, workID, receivedText); err != nil {
			a.log.Error("work report failed", slog.String("work_id", workID),
				slog.String("error", err.Error()))
			return exitFailed
		}
	}
	text, herr := (&handler{x: a.x}).Handle(ctx, msg)
	if herr != nil {
		text = herr.Error()
		a.log.Error("export failed", slog.String("work_id", workID), slog.String("error", text))
	}
	if workID != "" {
		if err := platform.WorkToProcessed(ctx, workID, text, herr != nil); err != nil {
			a.log.Error("work report failed", slog.String("work_id", workID),
				slog.String("error", err.Error()))
			return exitFailed
		}
	}
	if herr != nil {
		return exitFailed
	}
	a.log.Info("export message processed", slog.String("work_id", workID),
		slog.String("result", text))
	return exitOK
}

func readMessage(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(stdin)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}
