package fakeplatform

import (
	"context"
	"fmt"
	"time"

	"github.com/opencti-go/sdk/connector"
)

var _ connector.Platform = (*Platform)(nil)

// About returns the configured version.
func (p *Platform) About(ctx context.Context) (connector.PlatformInfo, error) {
	err := p.record(ctx, Call{Method: About}, nil)
	return connector.PlatformInfo{Version: p.Version}, err
}

// RegisterConnector runs OnRegister and returns the configured answer with
// the stored state.
func (p *Platform) RegisterConnector(ctx context.Context, in connector.RegisterInput) (
	connector.Registration, error) {
	var reg connector.Registration
	err := p.record(ctx, Call{Method: RegisterConnector, Message: in.Name}, func() {
		reg = p.Registration
		reg.ConnectorState = p.state
	})
	if err == nil && p.OnRegister != nil {
		p.OnRegister()
	}
	return reg, err
}

// PingConnector stores the state, unless a reset is pending, and returns
// the stored state.
func (p *Platform) PingConnector(ctx context.Context, in connector.PingInput) (
	connector.PingResult, error) {
	var res connector.PingResult
	err := p.record(ctx, Call{Method: PingConnector, State: in.State}, func() {
		if p.reset {
			p.reset = false
		} else if in.State == "null" {
			p.state = ""
		} else {
			p.state = in.State
		}
		res.ConnectorState = p.state
	})
	return res, err
}

// ConnectorState returns the stored state.
func (p *Platform) ConnectorState(ctx context.Context, _ string) (string, error) {
	var state string
	err := p.record(ctx, Call{Method: ConnectorState}, func() { state = p.state })
	return state, err
}

// WorkAdd creates a work and returns its id.
func (p *Platform) WorkAdd(ctx context.Context, in connector.WorkAddInput) (string, error) {
	id := fmt.Sprintf("work_%s_%s", in.ConnectorID, time.Now().UTC().Format(time.RFC3339Nano))
	err := p.record(ctx, Call{Method: WorkAdd, WorkID: id, Message: in.FriendlyName},
		func() { p.work(id) })
	if err != nil {
		return "", err
	}
	return id, nil
}

// WorkToReceived sets the work in progress.
func (p *Platform) WorkToReceived(ctx context.Context, workID, message string) error {
	return p.record(ctx, Call{Method: WorkToReceived, WorkID: workID, Message: message},
		func() {
			w := p.work(workID)
			w.Status, w.Received = connector.WorkProgress, time.Now()
		})
}

// WorkToProcessed completes the work.
func (p *Platform) WorkToProcessed(ctx context.Context, workID, message string, inError bool) error {
	return p.record(ctx, Call{Method: WorkToProcessed, WorkID: workID, Message: message,
		InError: inError}, func() {
		w := p.work(workID)
		w.Status, w.Processed = connector.WorkComplete, time.Now()
	})
}

// WorkPing records a ping.
func (p *Platform) WorkPing(ctx context.Context, workID string) error {
	return p.record(ctx, Call{Method: WorkPing, WorkID: workID}, nil)
}

// WorkAddExpectations adds to the work's expectations.
func (p *Platform) WorkAddExpectations(ctx context.Context, workID string, n int) error {
	return p.record(ctx, Call{Method: WorkAddExpectations, WorkID: workID, N: n},
		func() { p.work(workID).Expectations += n })
}

// WorkReportExpectation records a report.
func (p *Platform) WorkReportExpectation(ctx context.Context, workID string,
	report *connector.WorkErrorReport) error {
	c := Call{Method: WorkReportExpectation, WorkID: workID}
	if report != nil {
		c.Message, c.InError = report.Error, true
	}
	return p.record(ctx, c, nil)
}

// Work returns the work's status; an unknown work counts as waiting.
func (p *Platform) Work(ctx context.Context, workID string) (connector.WorkStatus, error) {
	var st connector.WorkStatus
	err := p.record(ctx, Call{Method: Work, WorkID: workID}, func() {
		w := p.work(workID)
		st = connector.WorkStatus{Status: w.Status, ReceivedTime: w.Received,
			ProcessedTime: w.Processed}
	})
	return st, err
}

// StixBundlePush records the pushed bundle in Message.
func (p *Platform) StixBundlePush(ctx context.Context, in connector.BundlePushInput) error {
	return p.record(ctx, Call{Method: StixBundlePush, WorkID: in.WorkID, Message: in.Bundle}, nil)
}
