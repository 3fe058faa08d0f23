package connector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/Khan/genqlient/graphql"

	"github.com/opencti-go/sdk/pycti"
)

// The platform calls of the other connector kinds, sent through the
// client's MakeRequest.
// NOTE: these documents are not in pycti/operations, so the SDK's
// schema.graphql (and so a default pyctitest server) does not list their
// fields; a real platform serves them.
const (
	queueDetailsQuery = `query ConnectorQueueDetails($id: String!) {
  connector(id: $id) { id connector_queue_details { messages_number messages_size } }
}`
	playbookStepMutation = `mutation PlaybookStepExecution($execution_id: ID!, $event_id: ID!,
  $execution_start: DateTime!, $data_instance_id: ID!, $playbook_id: ID!,
  $previous_step_id: ID!, $step_id: ID!, $previous_bundle: String!, $bundle: String!) {
  playbookStepExecution(execution_id: $execution_id, event_id: $event_id,
    execution_start: $execution_start, data_instance_id: $data_instance_id,
    playbook_id: $playbook_id, previous_step_id: $previous_step_id, step_id: $step_id,
    previous_bundle: $previous_bundle, bundle: $bundle)
}`
)

func (p *pyctiPlatform) QueueDetails(ctx context.Context, connectorID string) (QueueDetails, error) {
	var data struct {
		Connector *struct {
			Details struct {
				Number int64   `json:"messages_number"`
				Size   float64 `json:"messages_size"`
			} `json:"connector_queue_details"`
		} `json:"connector"`
	}
	req := &graphql.Request{OpName: "ConnectorQueueDetails", Query: queueDetailsQuery,
		Variables: map[string]any{"id": connectorID}}
	if err := p.client.MakeRequest(ctx, req, &graphql.Response{Data: &data}); err != nil {
		return QueueDetails{}, unsupportedIfInvalid(err)
	}
	if data.Connector == nil {
		return QueueDetails{}, fmt.Errorf("read queue size: connector %s not found", connectorID)
	}
	d := data.Connector.Details
	return QueueDetails{Messages: d.Number, Bytes: int64(d.Size)}, nil
}

func (p *pyctiPlatform) PlaybookStepExecution(ctx context.Context, in PlaybookStepInput) (bool, error) {
	var data struct {
		Done *bool `json:"playbookStepExecution"`
	}
	req := &graphql.Request{OpName: "PlaybookStepExecution", Query: playbookStepMutation,
		Variables: map[string]any{
			"execution_id": in.ExecutionID, "event_id": in.EventID,
			"execution_start":  in.ExecutionStart.UTC().Format(time.RFC3339),
			"data_instance_id": in.DataInstanceID, "playbook_id": in.PlaybookID,
			"previous_step_id": in.PreviousStepID, "step_id": in.StepID,
			"previous_bundle": in.PreviousBundle, "bundle": in.Bundle,
		}}
	if err := p.client.MakeRequest(ctx, req, &graphql.Response{Data: &data}); err != nil {
		return false, unsupportedIfInvalid(err)
	}
	return data.Done != nil && *data.Done, nil
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
