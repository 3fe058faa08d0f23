package pyctitest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// Work statuses, as the platform names them. They are untyped constants,
// so they compare with a string and with connector.WorkState alike. The
// platform's fourth state, "timeout", is never set here.
const (
	WorkWait     = "wait"
	WorkProgress = "progress"
	WorkComplete = "complete"
)

// Work is a job of a connector as the platform tracks it.
type Work struct {
	ID            string
	Name          string
	ConnectorID   string
	UserID        string
	EventSourceID string
	Status        string    // WorkWait, WorkProgress or WorkComplete
	Timestamp     time.Time // creation; the other times stay zero until set
	UpdatedAt     time.Time
	ReceivedTime  time.Time
	ProcessedTime time.Time
	CompletedTime time.Time
	Messages      []WorkMessage
	Errors        []WorkMessage
	Expected      int // import_expected_number
	Processed     int // import_processed_number
	FileMarkings  []string
	DraftContext  string
	// ProcessedCalls counts toProcessed calls, so tests can check that a
	// connector reports the end of a work exactly once.
	ProcessedCalls int
}

// WorkMessage is one message or error of a work.
type WorkMessage struct {
	Timestamp time.Time
	Message   string
	Sequence  int
	Source    string
}

// Connector is a registered connector.
type Connector struct {
	ID                 string
	Name               string
	Type               string
	Scope              []string
	Auto               bool
	OnlyContextual     bool
	PlaybookCompatible bool
	State              string // JSON text, or "" when unset
	Info               map[string]any
	UserID             string
	CreatedAt          time.Time
	UpdatedAt          time.Time // last registration or ping
	Pings              int
}

// Works returns copies of the works, oldest first.
func (s *Server) Works() []Work {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Work, 0, len(s.workOrder))
	for _, id := range s.workOrder {
		if w := s.works[id]; w != nil {
			out = append(out, copyWork(w))
		}
	}
	return out
}

// Work returns a copy of the work with the given id.
func (s *Server) Work(id string) (Work, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	w := s.works[id]
	if w == nil {
		return Work{}, false
	}
	return copyWork(w), true
}

func copyWork(w *Work) Work {
	c := *w
	c.Messages = slices.Clone(w.Messages)
	c.Errors = slices.Clone(w.Errors)
	c.FileMarkings = slices.Clone(w.FileMarkings)
	return c
}

// Connectors returns copies of the registered connectors.
func (s *Server) Connectors() []Connector {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Connector, 0, len(s.connectors))
	for _, c := range s.connectors {
		cc := *c
		cc.Scope = slices.Clone(c.Scope)
		out = append(out, cc)
	}
	slices.SortFunc(out, func(a, b Connector) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out
}

// newWork creates a work in status wait. The caller holds s.mu for writing.
func (s *Server) newWork(connectorID, name, userID, sourceID string) *Work {
	now := s.cfg.clock().UTC()
	base := fmt.Sprintf("work_%s_%s", connectorID, isoTime(now))
	id := base
	for i := 2; s.works[id] != nil; i++ {
		id = fmt.Sprintf("%s_%d", base, i)
	}
	w := &Work{ID: id, Name: name, ConnectorID: connectorID, UserID: userID,
		EventSourceID: sourceID, Status: WorkWait, Timestamp: now, UpdatedAt: now}
	s.works[id] = w
	s.workOrder = append(s.workOrder, id)
	return w
}

func (s *Server) addWorkMessage(list []WorkMessage, message, source string) []WorkMessage {
	return append(list, WorkMessage{Timestamp: s.cfg.clock().UTC(), Message: message,
		Sequence: len(list) + 1, Source: source})
}

// completeIfDone marks the work complete once it was processed and every
// expected object was reported.
func (s *Server) completeIfDone(w *Work) {
	if !w.ProcessedTime.IsZero() && w.Processed >= w.Expected && w.Status != WorkComplete {
		w.Status = WorkComplete
		w.CompletedTime = s.cfg.clock().UTC()
	}
}

// workConnector resolves Work.connector: the registered connector with the
// work's connector id, or null when there is none, as the platform returns
// for a connector that was deleted.
func (s *Server) workConnector(_ context.Context, f *gqlexec.Field) (any, error) {
	id, _ := getField(f.Parent, "id")
	workID, _ := id.(string)
	w := s.works[workID]
	if w == nil {
		return nil, nil
	}
	c := s.connectors[w.ConnectorID]
	if c == nil {
		return nil, nil
	}
	return s.connectorValue(c), nil
}

func isoTime(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func workValue(w *Work) map[string]any {
	msgs := func(list []WorkMessage) []any {
		out := make([]any, len(list))
		for i, m := range list {
			out[i] = map[string]any{"timestamp": isoTime(m.Timestamp), "message": m.Message,
				"sequence": m.Sequence, "source": m.Source}
		}
		return out
	}
	v := map[string]any{"__typename": "Work", "id": w.ID, "name": w.Name,
		"timestamp": isoTime(w.Timestamp), "status": w.Status, "event_source_id": w.EventSourceID,
		"messages": msgs(w.Messages), "errors": msgs(w.Errors), "draft_context": w.DraftContext,
		"completed_number": w.Processed,
		"tracking": map[string]any{"import_expected_number": w.Expected,
			"import_processed_number": w.Processed},
	}
	for k, t := range map[string]time.Time{"received_time": w.ReceivedTime,
		"processed_time": w.ProcessedTime, "completed_time": w.CompletedTime} {
		if !t.IsZero() {
			v[k] = isoTime(t)
		}
	}
	return v
}
