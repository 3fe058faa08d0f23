package connector

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/opencti-go/sdk/pycti"
)

// NewPlatform returns the Platform that sends each call through client, as
// the token's own user: every call goes through client.AsConnector(), so no
// applicant header is ever sent on registration, ping or work reports.
//
// WorkAdd does not send isMultiPartWork (the platform's default, false,
// applies), because pycti's client creates single-part works only.
// The returned Platform is safe for concurrent use, like the client.
func NewPlatform(client *pycti.Client) Platform {
	return &pyctiPlatform{client: client.AsConnector()}
}

type pyctiPlatform struct {
	client *pycti.Client
}

func (p *pyctiPlatform) About(ctx context.Context) (PlatformInfo, error) {
	v, err := p.client.Version(ctx)
	if err != nil {
		return PlatformInfo{}, err
	}
	return PlatformInfo{Version: v.Raw}, nil
}

func (p *pyctiPlatform) RegisterConnector(ctx context.Context, in RegisterInput) (Registration, error) {
	reg, err := p.client.RegisterConnector(ctx, pycti.Registration{
		ID:                   in.ID,
		Name:                 in.Name,
		Type:                 pycti.ConnectorType(in.Type),
		Scope:                in.Scope,
		Auto:                 in.Auto,
		OnlyContextual:       in.OnlyContextual,
		PlaybookCompatible:   in.PlaybookCompatible,
		ListenCallbackURI:    in.ListenCallbackURI,
		AutoUpdate:           in.AutoUpdate,
		EnrichmentResolution: in.EnrichmentResolution,
		XTMOneIntent:         in.XTMOneIntent,
	})
	if err != nil {
		return Registration{}, err
	}
	conn := reg.Config.Connection
	return Registration{
		ID:              reg.ID,
		ConnectorState:  reg.State,
		ConnectorUserID: reg.UserID,
		Broker: BrokerConfig{
			Connection: BrokerConnection{
				Host:   conn.Host,
				Port:   conn.Port,
				VHost:  conn.Vhost,
				UseSSL: conn.UseSSL,
				User:   conn.User,
				Pass:   Secret(conn.Pass),
			},
			Listen:         reg.Config.Listen,
			ListenRouting:  reg.Config.ListenRouting,
			ListenExchange: reg.Config.ListenExchange,
			Push:           reg.Config.Push,
			PushRouting:    reg.Config.PushRouting,
			PushExchange:   reg.Config.PushExchange,
		},
	}, nil
}

func (p *pyctiPlatform) PingConnector(ctx context.Context, in PingInput) (PingResult, error) {
	var info *pycti.ConnectorInfo
	if in.Info != nil {
		info = &pycti.ConnectorInfo{
			RunAndTerminate:   in.Info.RunAndTerminate,
			Buffering:         in.Info.Buffering,
			QueueThreshold:    in.Info.QueueThreshold,
			QueueMessagesSize: in.Info.QueueMessagesSize,
			NextRun:           timeOrNil(in.Info.NextRun),
			LastRun:           timeOrNil(in.Info.LastRun),
		}
	}
	res, err := p.client.PingConnector(ctx, in.ID, in.State, info)
	if err != nil {
		return PingResult{}, err
	}
	return PingResult{ConnectorState: res.State}, nil
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (p *pyctiPlatform) ConnectorState(ctx context.Context, connectorID string) (string, error) {
	return p.client.ConnectorState(ctx, connectorID)
}

func (p *pyctiPlatform) WorkAdd(ctx context.Context, in WorkAddInput) (string, error) {
	return p.client.AddWork(ctx, in.ConnectorID, in.FriendlyName)
}

func (p *pyctiPlatform) WorkToReceived(ctx context.Context, workID, message string) error {
	return p.client.WorkReceived(ctx, workID, message)
}

func (p *pyctiPlatform) WorkToProcessed(ctx context.Context, workID, message string, inError bool) error {
	return p.client.WorkProcessed(ctx, workID, message, inError)
}

func (p *pyctiPlatform) WorkPing(ctx context.Context, workID string) error {
	return p.client.PingWork(ctx, workID)
}

func (p *pyctiPlatform) WorkAddExpectations(ctx context.Context, workID string, expectations int) error {
	return p.client.AddExpectations(ctx, workID, expectations)
}

func (p *pyctiPlatform) WorkReportExpectation(ctx context.Context, workID string, report *WorkErrorReport) error {
	var werr *pycti.WorkError
	if report != nil {
		werr = &pycti.WorkError{Message: report.Error, Source: report.Source}
	}
	return p.client.ReportExpectation(ctx, workID, werr)
}

func (p *pyctiPlatform) Work(ctx context.Context, workID string) (WorkStatus, error) {
	w, err := p.client.Work(ctx, workID)
	if errors.Is(err, pycti.ErrNotFound) {
		return WorkStatus{}, fmt.Errorf("work %s: %w: %w", workID, ErrWorkNotFound, err)
	}
	if err != nil {
		return WorkStatus{}, err
	}
	return WorkStatus{
		Status:        WorkState(w.Status),
		ReceivedTime:  w.Received,
		ProcessedTime: w.Processed,
	}, nil
}

func (p *pyctiPlatform) StixBundlePush(ctx context.Context, in BundlePushInput) error {
	return p.client.PushBundle(ctx, in.ConnectorID, in.Bundle, in.WorkID)
}
