package connector

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/opencti-go/sdk/pycti"
)

func (p *pyctiPlatform) QueueDetails(ctx context.Context, connectorID string) (QueueDetails, error) {
	d, err := p.client.ConnectorQueueDetails(ctx, connectorID)
	if err != nil {
		return QueueDetails{}, unsupportedIfInvalid(err)
	}
	return QueueDetails{Messages: d.Messages, Bytes: int64(d.Bytes)}, nil
}

func (p *pyctiPlatform) PlaybookStepExecution(ctx context.Context, in PlaybookStepInput) (bool, error) {
	done, err := p.client.PlaybookStepExecution(ctx, pycti.PlaybookStep{
		ExecutionID:    in.ExecutionID,
		EventID:        in.EventID,
		ExecutionStart: in.ExecutionStart,
		DataInstanceID: in.DataInstanceID,
		PlaybookID:     in.PlaybookID,
		PreviousStepID: in.PreviousStepID,
		StepID:         in.StepID,
		PreviousBundle: in.PreviousBundle,
		Bundle:         in.Bundle,
	})
	if err != nil {
		return false, unsupportedIfInvalid(err)
	}
	return done, nil
}

func (p *pyctiPlatform) DownloadFile(ctx context.Context, fileID string) (io.ReadCloser, error) {
	return p.client.Download(ctx, fileID)
}

// unsupportedIfInvalid wraps ErrUnsupported around the error of a document
// the platform's schema rejects.
func unsupportedIfInvalid(err error) error {
	var gerr *pycti.GraphQLError
	if errors.As(err, &gerr) {
		for _, e := range gerr.Errors {
			if e.Code == "GRAPHQL_VALIDATION_FAILED" {
				return fmt.Errorf("%w: %w", ErrUnsupported, err)
			}
		}
	}
	return err
}
