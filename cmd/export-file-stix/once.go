package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/pycti/export"
)

// receivedText is the work message sent when an export starts, pycti's.
const receivedText = "Connector ready to process the operation"

// reportTimeout bounds the terminal work report, which is sent even after
// a stop signal so that the work does not stay in progress.
const reportTimeout = 30 * time.Second

// runOnce processes one export message read from path ("-" for stdin)
// without RabbitMQ, reporting on its work as the framework does: received,
// then processed, in error when the export fails or panics.
func (a *app) runOnce(ctx context.Context, path string, stdin io.Reader) int {
	body, err := readMessage(path, stdin)
	if err != nil {
		a.log.Error("read export message failed", slog.String("error", err.Error()))
		return exitUsage
	}
	platform := connector.NewPlatform(a.client)
	msg, err := connector.DecodeMessage(body, connector.TypeInternalExportFile)
	if err != nil {
		return a.rejectInvalid(ctx, platform, err)
	}
	workID := msg.Internal.WorkID
	if workID != "" {
		if err := platform.WorkToReceived(ctx, workID, receivedText); err != nil {
			a.log.Error("work report failed", slog.String("work_id", workID),
				slog.String("error", err.Error()))
			return exitFailed
		}
	}
	// CallHandler recovers a panic of the export as the connector does, so
	// that the work is still reported.
	text, herr := connector.CallHandler(ctx, a.handler, msg)
	if herr != nil {
		text = herr.Error()
		if ctx.Err() != nil {
			text = "export interrupted by a stop signal before it finished; request it " +
				"again: " + text
		}
		a.logExportError(workID, text, herr)
	}
	if workID != "" {
		rctx, cancel := reportContext(ctx)
		defer cancel()
		err := platform.WorkToProcessed(rctx, workID, connector.TruncateReport(text), herr != nil)
		if err != nil {
			a.log.Error("work report failed", slog.String("work_id", workID),
				slog.String("error", err.Error()))
			return exitFailed
		}
	}
	switch {
	case errors.Is(herr, export.ErrInvalidRequest):
		return exitUsage
	case herr != nil:
		return exitFailed
	}
	a.log.Info("export message processed", slog.String("work_id", workID),
		slog.String("result", text))
	return exitOK
}

// logExportError logs the failed export of work workID, with the stack
// when the export panicked.
func (a *app) logExportError(workID, text string, err error) {
	perr, ok := errors.AsType[*connector.PanicError](err)
	if !ok {
		a.log.Error("export failed", slog.String("work_id", workID), slog.String("error", text))
		return
	}
	a.log.Error("export panicked", slog.String("work_id", workID), slog.String("error", text),
		slog.String("stack", string(perr.Stack)))
}

// rejectInvalid marks the work of an invalid message in error, as the
// connector does, when the message names its work: otherwise the work would
// wait forever.
func (a *app) rejectInvalid(ctx context.Context, platform connector.Platform, err error) int {
	var invalid *connector.MessageError
	workID := ""
	if errors.As(err, &invalid) {
		workID = invalid.WorkID
	}
	a.log.Error("invalid export message", slog.String("work_id", workID),
		slog.String("error", err.Error()))
	if workID == "" {
		return exitUsage
	}
	rctx, cancel := reportContext(ctx)
	defer cancel()
	rerr := platform.WorkToProcessed(rctx, workID, connector.TruncateReport(err.Error()), true)
	if rerr != nil {
		a.log.Error("work report failed", slog.String("work_id", workID),
			slog.String("error", rerr.Error()))
	}
	return exitUsage
}

// reportContext returns the context of a terminal work report. It keeps the
// values of ctx but not its cancellation, and ends after reportTimeout.
func reportContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), reportTimeout)
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
