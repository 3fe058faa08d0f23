package pycti

import (
	"context"
	"fmt"
	"time"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// Work calls report a connector's progress on a work. They always run as the
// token's own user, without the applicant header, and need the CONNECTORAPI
// capability. The platform ignores updates to a work that no longer exists.

// AddWork creates a work for a connector that triggers itself (not for
// exports, whose works the platform creates) and returns its id. It is not
// retried, because a second call would create a second work.
func (c *Client) AddWork(ctx context.Context, connectorID, friendlyName string) (string, error) {
	resp, err := gen.WorkAdd(ctx, c.AsConnector(), connectorID, friendlyName)
	if err != nil {
		return "", fmt.Errorf("add work for connector %s: %w", connectorID, err)
	}
	return resp.WorkAdd.Id, nil
}

// WorkReceived marks a work as received (status "progress").
func (c *Client) WorkReceived(ctx context.Context, workID, message string) error {
	if _, err := gen.WorkToReceived(ctx, c.AsConnector(), workID, message); err != nil {
		return fmt.Errorf("mark work %s received: %w", workID, err)
	}
	return nil
}

// WorkProcessed marks a work as processed; inError marks it failed, and
// message is then shown to the user as the error. Send exactly one per work.
func (c *Client) WorkProcessed(ctx context.Context, workID, message string, inError bool) error {
	if _, err := gen.WorkToProcessed(ctx, c.AsConnector(), workID, message, inError); err != nil {
		return fmt.Errorf("mark work %s processed: %w", workID, err)
	}
	return nil
}

// PingWork keeps a work alive: a work not updated for 20 minutes shows as
// timed out.
func (c *Client) PingWork(ctx context.Context, workID string) error {
	if _, err := gen.WorkPing(ctx, c.AsConnector(), workID); err != nil {
		return fmt.Errorf("ping work %s: %w", workID, err)
	}
	return nil
}

// WorkError is an error attached to a work by ReportExpectation.
type WorkError struct {
	Message string // error
	Source  string // source, such as "CONNECTOR"
}

// ReportExpectation counts one processed object on a work, attaching werr
// when not nil. It is not retried, because each call increments a counter.
func (c *Client) ReportExpectation(ctx context.Context, workID string, werr *WorkError) error {
	var in *gen.WorkErrorInput
	if werr != nil {
		in = &gen.WorkErrorInput{Error: werr.Message, Source: werr.Source}
	}
	if _, err := gen.WorkReportExpectation(ctx, c.AsConnector(), workID, in); err != nil {
		return fmt.Errorf("report expectation on work %s: %w", workID, err)
	}
	return nil
}

// AddExpectations raises the number of objects a work waits for before it
// completes. It is not retried, because each call adds to a counter.
func (c *Client) AddExpectations(ctx context.Context, workID string, n int) error {
	if _, err := gen.WorkAddExpectations(ctx, c.AsConnector(), workID, n); err != nil {
		return fmt.Errorf("add %d expectations to work %s: %w", n, workID, err)
	}
	return nil
}

// WorkStatus is a work's state as the platform reports it.
type WorkStatus struct {
	ID   string
	Name string
	// ConnectorID is the internal id of the connector that runs the work,
	// or "" when that connector no longer exists.
	ConnectorID string
	// Status is the GraphQL enum State: "wait", "progress", "complete"
	// or "timeout". The connector package names these values as
	// connector.WorkState, so connector.WorkState(Status) converts it.
	Status string
	// Created is the work's creation time (the timestamp field). Received,
	// Processed and Completed are the zero time until the work reaches
	// that step.
	Created                        time.Time
	Received, Processed, Completed time.Time
	// Expected and Processed count the objects of an import.
	ExpectedObjects, ProcessedObjects int
	Errors                            []WorkError
}

func workStatus(w gen.WorkNode) WorkStatus {
	ws := WorkStatus{ID: w.Id, Name: w.Name, ConnectorID: w.Connector.Id,
		Status: string(w.Status), Created: w.Timestamp, Received: w.Received_time,
		Processed: w.Processed_time, Completed: w.Completed_time,
		ExpectedObjects:  w.Tracking.Import_expected_number,
		ProcessedObjects: w.Tracking.Import_processed_number}
	for _, e := range w.Errors {
		ws.Errors = append(ws.Errors, WorkError{Message: e.Message, Source: e.Source})
	}
	return ws
}

// Work reads a work's status. It returns an error matching ErrNotFound when
// the work does not exist.
func (c *Client) Work(ctx context.Context, workID string) (WorkStatus, error) {
	resp, err := gen.Work(ctx, c.AsConnector(), workID)
	if err != nil {
		return WorkStatus{}, fmt.Errorf("read work %s: %w", workID, err)
	}
	if resp.Work.Id == "" {
		return WorkStatus{}, fmt.Errorf("read work %s: %w", workID, ErrNotFound)
	}
	return workStatus(resp.Work), nil
}

// Works lists works, newest first by default: the platform sorts by
// "timestamp" (creation time) when ListOptions.OrderBy is empty and in
// descending order when OrderMode is empty. OrderBy also takes
// "created_at", "status" and "_score". Filter keys are work attributes,
// such as "connector_id", "status" (a State value), "name", "timestamp",
// "received_time" or "completed_time". Get reads one work like Work.
// Requests run as the token's own user, like the other work calls, and need
// the MODULES capability.
//
// For example, the completed works of one connector (failed ones
// included), oldest first:
//
//	opts := ListOptions{
//		Filters:   AllOf(Where("connector_id", id), Where("status", "complete")),
//		OrderBy:   "timestamp",
//		OrderMode: Ascending,
//	}
//	for w, err := range client.Works().All(ctx, opts) { ... }
func (c *Client) Works() Collection[WorkStatus] {
	call := func(ctx context.Context, c *Client, a listArgs, o ListOptions) (*gen.WorksResponse, error) {
		by, mode := ordering[gen.WorksOrdering](o)
		return gen.Works(ctx, c.AsConnector(), a.first, a.after, a.filters, o.Search, by, mode)
	}
	page := func(r *gen.WorksResponse) Page[WorkStatus] {
		return pageOf(r.Works.Edges, r.Works.PageInfo, workStatus)
	}
	return Collection[WorkStatus]{name: "works", c: c, list: lister(call, page),
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.WorkResponse, error) {
			return gen.Work(ctx, c.AsConnector(), id)
		}, func(r *gen.WorkResponse) (WorkStatus, string) { return workStatus(r.Work), r.Work.Id }),
	}
}
