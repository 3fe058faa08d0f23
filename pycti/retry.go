package pycti

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy says how often and how long the client retries a request that
// failed with a network error or with HTTP 429, 502, 503 or 504. GraphQL
// errors (including validation errors) are never retried. Mutations are
// retried only when sending them twice is harmless (see the package doc).
type RetryPolicy struct {
	// MaxAttempts is the total number of attempts, the first included. 1
	// turns retries off; 0 means the default (4).
	MaxAttempts int
	// InitialDelay is the upper bound of the first wait; each later bound is
	// twice the previous one, capped at MaxDelay. The wait is drawn at
	// random between half the bound and the bound. 0 means 500 ms.
	InitialDelay time.Duration
	// MaxDelay caps every wait, including a longer Retry-After from a 429 or
	// 503. 0 means 30 s.
	MaxDelay time.Duration
}

// DefaultRetryPolicy is used unless WithRetry replaces it.
var DefaultRetryPolicy = RetryPolicy{MaxAttempts: 4, InitialDelay: 500 * time.Millisecond,
	MaxDelay: 30 * time.Second}

func (p RetryPolicy) validate() error {
	if p.MaxAttempts < 0 || p.InitialDelay < 0 || p.MaxDelay < 0 {
		return fmt.Errorf("negative value in retry policy %+v", p)
	}
	return nil
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = DefaultRetryPolicy.MaxAttempts
	}
	if p.InitialDelay == 0 {
		p.InitialDelay = DefaultRetryPolicy.InitialDelay
	}
	if p.MaxDelay == 0 {
		p.MaxDelay = DefaultRetryPolicy.MaxDelay
	}
	return p
}

// delay returns the wait before attempt number next (2 for the first
// retry), honouring a Retry-After value when the server sent one.
func (p RetryPolicy) delay(next int, retryAfter time.Duration) time.Duration {
	bound := p.InitialDelay
	for i := 2; i < next && bound < p.MaxDelay; i++ {
		bound *= 2
	}
	bound = min(bound, p.MaxDelay)
	d := bound/2 + rand.N(bound/2+1)
	if retryAfter > d {
		d = min(retryAfter, p.MaxDelay)
	}
	return d
}

// retryableStatus reports whether an HTTP status is worth a retry.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryableError reports whether err, returned by an attempt, is worth a
// retry: a network failure or a retryable HTTP status, but never a
// cancelled or expired context.
func retryableError(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if httpErr, ok := errors.AsType[*HTTPError](err); ok {
		return retryableStatus(httpErr.StatusCode)
	}
	if _, ok := errors.AsType[*GraphQLError](err); ok {
		return false
	}
	var netErr net.Error
	var opErr *net.OpError
	return errors.As(err, &netErr) || errors.As(err, &opErr) || errors.Is(err, errTransport)
}

// errTransport marks a failure to exchange the request and the response,
// such as a reset connection or a truncated body.
var errTransport = errors.New("transport failure")

// parseRetryAfter reads a Retry-After header given in seconds.
func parseRetryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(h.Get("Retry-After"))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// idempotentMutations names the mutations that the client may send again
// after a failure whose outcome is unknown, because a second delivery
// changes nothing or only repeats a log line:
//   - registration and pings upsert the same connector and heartbeat;
//   - toReceived, toProcessed and the work ping set a state again (a second
//     toProcessed adds a duplicate message to the work, which the platform
//     tolerates);
//   - exportPush stores the same file under the same name;
//   - field patches set the same values, and creations upsert by standard
//     id.
//
// workAdd (a second work), addExpectations and reportExpectation (counters)
// and stixBundlePush (a second import) are left out.
var idempotentMutations = map[string]bool{
	"RegisterConnector": true, "PingConnector": true, "PingConnectorLegacy": true,
	"WorkToReceived": true, "WorkToProcessed": true, "WorkPing": true,
	"ExportPush": true, "StixDomainObjectsExportPush": true,
	"StixCoreObjectsExportPush": true, "StixCyberObservablesExportPush": true,
	"UpdateStixDomainObject": true, "UpdateStixCyberObservable": true,
	"UpdateStixCoreRelationship": true, "UpdateStixSightingRelationship": true,
	"UpdateLabel": true, "UpdateExternalReference": true, "UpdateMarkingDefinition": true,
	"CreateMalware": true, "CreateIndicator": true, "CreateReport": true,
	"CreateIdentity": true, "CreateIntrusionSet": true, "CreateAttackPattern": true,
	"CreateVulnerability": true, "CreateThreatActorGroup": true, "CreateCampaign": true,
	"CreateTool": true, "CreateLocation": true, "CreateNote": true,
	"CreateObservable": true, "CreateRelationship": true, "CreateSighting": true,
	"CreateLabel": true, "CreateExternalReference": true, "CreateMarkingDefinition": true,
}
