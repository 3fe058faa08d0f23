// Package fakeplatform is an in-memory [connector.Platform] for tests. It
// records every call in order, keeps works and the connector state, and
// fails calls on request.
package fakeplatform

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/opencti-go/sdk/connector"
)

// Method names, as recorded in [Call.Method].
const (
	About                 = "About"
	RegisterConnector     = "RegisterConnector"
	PingConnector         = "PingConnector"
	ConnectorState        = "ConnectorState"
	WorkAdd               = "WorkAdd"
	WorkToReceived        = "WorkToReceived"
	WorkToProcessed       = "WorkToProcessed"
	WorkPing              = "WorkPing"
	WorkAddExpectations   = "WorkAddExpectations"
	WorkReportExpectation = "WorkReportExpectation"
	Work                  = "Work"
	StixBundlePush        = "StixBundlePush"
)

// ErrUnavailable is what injected failures wrap by default: the platform
// answering HTTP 503.
var ErrUnavailable = errors.New("platform unavailable (HTTP 503)")

// Call is one recorded call. Err is what the call returned.
type Call struct {
	Method  string
	WorkID  string
	Message string
	InError bool
	N       int
	State   string
	Err     error
	At      time.Time
}

// WorkRecord is the fake's view of a work.
type WorkRecord struct {
	Status       connector.WorkState
	Received     time.Time
	Processed    time.Time
	Expectations int
}

// Platform is the fake. Set Registration before use; OnRegister, when set,
// runs before each registration answer (to re-declare queues as the real
// platform does). Platform is safe for concurrent use.
type Platform struct {
	Registration connector.Registration
	Version      string
	OnRegister   func()

	mu       sync.Mutex
	calls    []Call
	failures map[string][]error
	works    map[string]*WorkRecord
	state    string
	reset    bool
	changed  chan struct{}
}

// New returns a fake that answers registration with reg.
func New(reg connector.Registration) *Platform {
	return &Platform{Registration: reg, Version: "6.8.10", works: map[string]*WorkRecord{},
		failures: map[string][]error{}, changed: make(chan struct{}), state: reg.ConnectorState}
}

// FailNext makes the next len(errs) calls of method fail with errs, in
// order. A nil entry fails with [ErrUnavailable].
func (p *Platform) FailNext(method string, errs ...error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, err := range errs {
		if err == nil {
			err = ErrUnavailable
		}
		p.failures[method] = append(p.failures[method], err)
	}
}

// FailAlways makes every call of method fail until [Platform.Recover].
func (p *Platform) FailAlways(method string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failures[method] = []error{errAlways}
}

// Recover removes the injected failures of method.
func (p *Platform) Recover(method string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.failures, method)
}

var errAlways = fmt.Errorf("always: %w", ErrUnavailable)

// SetWork sets the record of a work, for example a work another process
// already completed.
func (p *Platform) SetWork(id string, w WorkRecord) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.works[id] = &w
}

// ResetState simulates an operator resetting the state from the UI.
func (p *Platform) ResetState() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.state, p.reset = "", true
}

// StoredState returns the state stored on the fake platform.
func (p *Platform) StoredState() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}

// WorkRecord returns the record of a work.
func (p *Platform) WorkRecord(id string) (WorkRecord, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	w, ok := p.works[id]
	if !ok {
		return WorkRecord{}, false
	}
	return *w, true
}

// Calls returns the recorded calls, all of them or those of the named
// methods.
func (p *Platform) Calls(methods ...string) []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Call
	for _, c := range p.calls {
		if len(methods) == 0 || contains(methods, c.Method) {
			out = append(out, c)
		}
	}
	return out
}

// Count returns how many calls of method succeeded, for workID when it is
// not empty.
func (p *Platform) Count(method, workID string) int {
	n := 0
	for _, c := range p.Calls(method) {
		if c.Err == nil && (workID == "" || c.WorkID == workID) {
			n++
		}
	}
	return n
}

// WaitFor polls cond until it holds or timeout passes, and reports whether
// it held.
func (p *Platform) WaitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		p.mu.Lock()
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}

// record notes a call, applies an injected failure, and wakes waiters. It
// returns the injected error; the caller holds no lock.
func (p *Platform) record(ctx context.Context, c Call, apply func()) error {
	p.mu.Lock()
	defer func() {
		close(p.changed)
		p.changed = make(chan struct{})
		p.mu.Unlock()
	}()
	c.At = time.Now()
	if err := ctx.Err(); err != nil {
		c.Err = err
	} else if queue := p.failures[c.Method]; len(queue) > 0 {
		c.Err = queue[0]
		if queue[0] != errAlways {
			p.failures[c.Method] = queue[1:]
		}
	} else if apply != nil {
		apply()
	}
	p.calls = append(p.calls, c)
	return c.Err
}

func (p *Platform) work(id string) *WorkRecord {
	w, ok := p.works[id]
	if !ok {
		w = &WorkRecord{Status: connector.WorkWait}
		p.works[id] = w
	}
	return w
}
