package stream

import (
	"encoding/json"
	"fmt"
	"time"
)

// Event names, the `event:` field of a frame.
const (
	// Create, Update, Delete and Merge carry a [Change].
	Create = "create"
	Update = "update"
	Delete = "delete"
	Merge  = "merge"
	// Connected opens every connection; it has no id.
	Connected = "connected"
	// Heartbeat marks a position: every event up to its id was considered
	// for this consumer, filtered ones included.
	Heartbeat = "heartbeat"
	// ConsumerMetrics follows each heartbeat (platform 6.9.18 and later).
	ConsumerMetrics = "consumer_metrics"
	// NoRecover reports that the requested recovery was skipped (7.260512.0 and later).
	NoRecover = "no-recover"
	// Error reports that the platform's live processing failed; it has no id, and
	// the client reconnects.
	Error = "error"
)

// Event is one frame of the stream, decoded according to its name. Exactly
// one of the pointer fields is set for the known names; none for a name
// this package does not know, whose Data stays raw.
type Event struct {
	// ID is the frame's id; zero, with HasID false, for connected and
	// error frames.
	ID    ID
	HasID bool
	// Name is the `event:` field, for example [Create].
	Name string
	// Data is the `data:` field as received.
	Data json.RawMessage

	Change    *Change
	Connected *ConnectedInfo
	// Heartbeat is the date a heartbeat carries.
	Heartbeat *time.Time
	Metrics   *Metrics
	NoRecover *NoRecoverInfo
	Error     *ErrorInfo
}

// Change is the envelope of create, update, delete and merge events.
// Stored events carry every field; synthetic ones (dependencies and
// recovered objects, sent as create) carry only Version, Message, Origin
// with its Referer, and Data.
type Change struct {
	Version string `json:"version"`
	// Type is the stored event's type, "" on synthetic events. It differs
	// from the frame's name after a visibility translation, so dispatch
	// on [Event.Name].
	Type    string          `json:"type"`
	Scope   string          `json:"scope"`
	Message string          `json:"message"`
	Origin  Origin          `json:"origin"`
	Data    json.RawMessage `json:"data"`
	Context *ChangeContext  `json:"context"`
	// EventID is the platform's id of the change (live streams only); it
	// is not unique.
	EventID string `json:"event_id"`
	// Commit is the justification of a change that required one.
	Commit    json.RawMessage `json:"commit"`
	NoHistory bool            `json:"noHistory"`

	// ObjectID and ObjectType are the STIX id and type of Data.
	ObjectID   string `json:"-"`
	ObjectType string `json:"-"`
}

// Synthetic reports whether the frame was built by the live processing (a
// dependency or a recovered object) rather than read from the event log.
func (c *Change) Synthetic() bool { return c.Type == "" }

// Origin is who caused a change. Synthetic events have only Referer
// ("init-dependencies" or "init-create").
type Origin struct {
	Socket          string   `json:"socket"`
	UserID          string   `json:"user_id"`
	GroupIDs        []string `json:"group_ids"`
	OrganizationIDs []string `json:"organization_ids"`
	ApplicantID     string   `json:"applicant_id"`
	PlaybookID      string   `json:"playbook_id"`
	Referer         string   `json:"referer"`
}

// ChangeContext holds the details of update and merge events.
type ChangeContext struct {
	// Patch turns the previous STIX object into Data (RFC 6902).
	Patch json.RawMessage `json:"patch"`
	// ReversePatch turns Data back into the previous object.
	ReversePatch json.RawMessage `json:"reverse_patch"`
	// Sources are the objects a merge absorbed; the platform sends no
	// delete event for them.
	Sources []json.RawMessage `json:"sources"`
	// Changes lists the changed fields (platform 7.260224.0 and later).
	Changes             json.RawMessage `json:"changes"`
	RelatedRestrictions json.RawMessage `json:"related_restrictions"`
	PirIDs              []string        `json:"pir_ids"`
}

// ConnectedInfo describes the platform's whole event log, not this
// consumer.
type ConnectedInfo struct {
	LastEventID    string `json:"lastEventId"`
	FirstEventID   string `json:"firstEventId"`
	FirstEventDate string `json:"firstEventDate"`
	LastEventDate  string `json:"lastEventDate"`
	StreamSize     int64  `json:"streamSize"`
	ConnectionID   string `json:"connectionId"`
}

// Metrics are the consumption figures of a consumer_metrics frame. The four
// rates are in events per second over the last minute.
type Metrics struct {
	DeliveryRate   float64 `json:"deliveryRate"`   // events sent to this consumer
	ProcessingRate float64 `json:"processingRate"` // events read from the log for it
	ResolutionRate float64 `json:"resolutionRate"` // dependency events sent
	ProductionRate float64 `json:"productionRate"` // events the platform wrote
	// TimeLag is the time between the consumer's position and the head of
	// the log, in seconds.
	TimeLag float64 `json:"timeLag"`
	// EstimatedOutOfDepth is the platform's rough estimate of how soon the
	// consumer would fall behind the log retention, 0 when it has none.
	// NOTE: its unit is not known to this package.
	EstimatedOutOfDepth float64 `json:"estimatedOutOfDepth"`
}

// NoRecoverInfo is the data of a no-recover frame.
type NoRecoverInfo struct {
	Stream     string `json:"stream"`
	Message    string `json:"message"`
	ResumeFrom string `json:"resume_from"`
}

// ErrorInfo is the data of an error frame.
type ErrorInfo struct {
	Stream  string `json:"stream"`
	Message string `json:"message"`
}

// decodeEvent builds an Event from a frame's fields.
func decodeEvent(id, name string, data []byte) (*Event, error) {
	ev := &Event{Name: name, Data: json.RawMessage(data)}
	if id != "" {
		parsed, err := ParseID(id)
		if err != nil {
			return nil, err
		}
		ev.ID, ev.HasID = parsed, true
	}
	var err error
	switch name {
	case Create, Update, Delete, Merge:
		ev.Change, err = decodeChange(data)
	case Connected:
		ev.Connected = &ConnectedInfo{}
		err = json.Unmarshal(data, ev.Connected)
	case Heartbeat:
		ev.Heartbeat, err = decodeHeartbeat(data)
	case ConsumerMetrics:
		ev.Metrics = &Metrics{}
		err = json.Unmarshal(data, ev.Metrics)
	case NoRecover:
		ev.NoRecover = &NoRecoverInfo{}
		err = json.Unmarshal(data, ev.NoRecover)
	case Error:
		ev.Error = &ErrorInfo{}
		err = json.Unmarshal(data, ev.Error)
	}
	if err != nil {
		return nil, fmt.Errorf("decode %s event %s: %w", name, id, err)
	}
	return ev, nil
}

func decodeChange(data []byte) (*Change, error) {
	var c Change
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, err
	}
	var head struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	}
	if len(c.Data) > 0 {
		if err := json.Unmarshal(c.Data, &head); err != nil {
			return nil, fmt.Errorf("data is not a STIX object: %w", err)
		}
	}
	c.ObjectID, c.ObjectType = head.ID, head.Type
	return &c, nil
}

func decodeHeartbeat(data []byte) (*time.Time, error) {
	var text string
	if err := json.Unmarshal(data, &text); err != nil {
		return nil, err
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
