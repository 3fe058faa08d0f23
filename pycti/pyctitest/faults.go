package pyctitest

import (
	"maps"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// Faults describes failures injected into GraphQL requests. Rates are
// probabilities between 0 and 1, drawn per request from a generator seeded
// with Seed, so a run is reproducible. The zero value injects nothing.
type Faults struct {
	// Latency delays every request before it is handled.
	Latency time.Duration
	// Rate502 answers HTTP 502 with an HTML body, as a reverse proxy does.
	Rate502 float64
	// RateTimeout holds the request until the client gives up or
	// TimeoutHold passes (default 30 s), then answers HTTP 504.
	RateTimeout float64
	TimeoutHold time.Duration
	// RateGraphQLError answers HTTP 200 with a GraphQL error (code
	// DATABASE_ERROR) and null data, after authentication.
	RateGraphQLError float64
	// RateDrop closes the connection without an answer.
	RateDrop float64
	// Operations limits the faults to these operation names; empty means
	// every request.
	Operations []string
	// Seed seeds the random draws.
	Seed uint64
}

// FaultKind names one kind of injected failure.
type FaultKind int

// Kinds of injected failures, for FailNext.
const (
	Fault502 FaultKind = iota + 1
	FaultTimeout
	FaultGraphQLError
	FaultDrop
)

type faultInjector struct {
	mu    sync.Mutex
	f     Faults
	rng   *rand.Rand
	queue []FaultKind
}

func newFaultInjector() *faultInjector {
	return &faultInjector{rng: rand.New(rand.NewPCG(0, 0))}
}

// SetFaults replaces the injected faults. Faults{} turns injection off.
func (s *Server) SetFaults(f Faults) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.f = f
	s.faults.f.Operations = slices.Clone(f.Operations)
	s.faults.rng = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
}

// FailNext makes the next n requests (within Faults.Operations when set)
// fail with the given kind, before any random draw.
func (s *Server) FailNext(kind FaultKind, n int) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	for range n {
		s.faults.queue = append(s.faults.queue, kind)
	}
}

// pick returns the fault for one request, or 0.
func (fi *faultInjector) pick(operation string, phase FaultKind) (FaultKind, Faults) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	f := fi.f
	if len(f.Operations) > 0 && !slices.Contains(f.Operations, operation) {
		return 0, f
	}
	if len(fi.queue) > 0 && (fi.queue[0] == FaultGraphQLError) == (phase == FaultGraphQLError) {
		k := fi.queue[0]
		fi.queue = fi.queue[1:]
		return k, f
	}
	if phase == FaultGraphQLError {
		if f.RateGraphQLError > 0 && fi.rng.Float64() < f.RateGraphQLError {
			return FaultGraphQLError, f
		}
		return 0, f
	}
	rates := map[FaultKind]float64{Fault502: f.Rate502, FaultTimeout: f.RateTimeout, FaultDrop: f.RateDrop}
	for _, k := range slices.Sorted(maps.Keys(rates)) {
		if rates[k] > 0 && fi.rng.Float64() < rates[k] {
			return k, f
		}
	}
	return 0, f
}

// apply injects latency and the transport faults, and reports whether it
// wrote a response to the request or dropped it. It calls record with the
// HTTP status (0 for a drop) before the client can see the fault.
func (fi *faultInjector) apply(w http.ResponseWriter, r *http.Request, operation string,
	record func(status int)) bool {
	kind, f := fi.pick(operation, 0)
	if f.Latency > 0 && (len(f.Operations) == 0 || slices.Contains(f.Operations, operation)) {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	switch kind {
	case Fault502:
		record(http.StatusBadGateway)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>\n"))
		return true
	case FaultTimeout:
		hold := f.TimeoutHold
		if hold <= 0 {
			hold = 30 * time.Second
		}
		t := time.NewTimer(hold)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
		}
		record(http.StatusGatewayTimeout)
		w.WriteHeader(http.StatusGatewayTimeout)
		return true
	case FaultDrop:
		record(0)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	}
	return false
}

func (fi *faultInjector) graphQLError(operation string) *gqlerror.Error {
	if kind, _ := fi.pick(operation, FaultGraphQLError); kind != FaultGraphQLError {
		return nil
	}
	return gqlexec.NewError("DATABASE_ERROR", "A database error has occurred",
		map[string]any{"http_status": 500, "genre": "TECHNICAL"})
}

// RequestRecord is one entry of the request log.
type RequestRecord struct {
	Time        time.Time // arrival, by the server's clock (WithClock)
	Method      string
	Path        string
	Operation   string         // operation name, or root fields joined by "+"
	Variables   map[string]any // decoded variables (uploads as *Upload)
	UserID      string         // owner of the token, "" when anonymous
	ApplicantID string         // opencti-applicant-id header
	Status      int            // HTTP status written, 0 for a dropped connection
	ErrorCodes  []string       // extensions.code of each GraphQL error
	Fault       bool           // answered by fault injection
	Duration    time.Duration  // wall time spent handling the request
}

type requestLog struct {
	mu      sync.Mutex
	records []RequestRecord
}

func (l *requestLog) add(r *RequestRecord) {
	l.mu.Lock()
	l.records = append(l.records, *r)
	l.mu.Unlock()
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []RequestRecord {
	s.reqlog.mu.Lock()
	defer s.reqlog.mu.Unlock()
	return slices.Clone(s.reqlog.records)
}

// OperationCounts returns how many requests each operation name received.
func (s *Server) OperationCounts() map[string]int {
	s.reqlog.mu.Lock()
	defer s.reqlog.mu.Unlock()
	out := map[string]int{}
	for _, r := range s.reqlog.records {
		out[r.Operation]++
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.reqlog.mu.Lock()
	s.reqlog.records = nil
	s.reqlog.mu.Unlock()
}
