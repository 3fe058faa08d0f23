package pyctitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// changeOp is the kind of a store write that the event stream records.
type changeOp int

const (
	opCreate changeOp = iota
	opUpdate
	opDelete
)

// eventID is a stream event id, "<milliseconds>-<sequence>" like a Redis
// stream id. Ids compare numerically, part by part.
type eventID struct{ ms, seq int64 }

func (a eventID) String() string { return fmt.Sprintf("%d-%d", a.ms, a.seq) }

func (a eventID) less(b eventID) bool {
	return a.ms < b.ms || (a.ms == b.ms && a.seq < b.seq)
}

func (a eventID) time() time.Time { return time.UnixMilli(a.ms).UTC() }

// parseEventID reads "<ms>-<seq>", or "<ms>" alone.
func parseEventID(s string) (eventID, bool) {
	msText, seqText, hasSeq := strings.Cut(s, "-")
	ms, err := strconv.ParseInt(msText, 10, 64)
	if err != nil || ms < 0 {
		return eventID{}, false
	}
	var seq int64
	if hasSeq {
		if seq, err = strconv.ParseInt(seqText, 10, 64); err != nil || seq < 0 {
			return eventID{}, false
		}
	}
	return eventID{ms: ms, seq: seq}, true
}

// streamEvent is one stored event of the log.
type streamEvent struct {
	id         eventID
	name       string // create, update or delete
	entityID   string // internal id
	entityType string
	types      []string // entity type and parent types
	markings   []string // internal ids of the object's markings
	envelope   []byte   // the data JSON, without event_id
}

// pendingChange is a store write not yet turned into an event.
type pendingChange struct {
	id       eventID // given at the write, so ids follow the writes' order
	op       changeOp
	e        *entity
	snapshot map[string]any // STIX before deletion (opDelete)
}

// eventLog is the platform's event log, fed by the store's writes. The
// log itself (events, last, wake) is guarded by mu; pending and lastStix
// are guarded by Server.mu held for writing.
type eventLog struct {
	mu     sync.Mutex
	events []*streamEvent
	last   eventID       // greatest id handed out, events and heartbeats
	wake   chan struct{} // closed when events may be waiting

	pending  []pendingChange
	queued   map[*entity]bool
	lastStix map[string]map[string]any
}

func newEventLog() *eventLog {
	return &eventLog{wake: make(chan struct{}), queued: map[*entity]bool{},
		lastStix: map[string]map[string]any{}}
}

// nextID returns an id strictly greater than every id handed out. The
// caller holds l.mu.
func (l *eventLog) nextID(now time.Time) eventID {
	id := eventID{ms: now.UnixMilli()}
	if !l.last.less(id) {
		id = eventID{ms: l.last.ms, seq: l.last.seq + 1}
	}
	l.last = id
	return id
}

// position returns the id a caught-up consumer is at: the newest event,
// or a synthetic "<now>-0" after it, which later events exceed.
func (l *eventLog) position(now time.Time) eventID {
	l.mu.Lock()
	defer l.mu.Unlock()
	id := eventID{ms: now.UnixMilli()}
	if l.last.less(id) {
		l.last = id
	}
	return l.last
}

// after returns the events with an id greater than from, and the channel
// closed at the next append.
func (l *eventLog) after(from eventID) ([]*streamEvent, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i := sort.Search(len(l.events), func(i int) bool { return from.less(l.events[i].id) })
	return l.events[i:], l.wake
}

func (l *eventLog) signal() {
	l.mu.Lock()
	close(l.wake)
	l.wake = make(chan struct{})
	l.mu.Unlock()
}

// bounds returns the first and last stored events, nil when empty.
func (l *eventLog) bounds() (first, last *streamEvent, size int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) == 0 {
		return nil, nil, 0
	}
	return l.events[0], l.events[len(l.events)-1], len(l.events)
}

// recordChange is the store's onChange hook. The caller holds s.mu for
// writing. Creations and updates are converted to STIX later, once the
// write is complete; a deletion is converted now, while the object is
// still stored.
func (s *Server) recordChange(op changeOp, e *entity) {
	if e.kind == kindRefRel {
		return
	}
	l := s.events
	p := pendingChange{op: op, e: e}
	switch op {
	case opCreate, opUpdate:
		if l.queued[e] {
			return
		}
		l.queued[e] = true
	case opDelete:
		obj, err := s.toStix(s.principalOf(s.users[AdminID]), e)
		if err != nil {
			s.log.Warn("stream: delete event dropped", "id", e.id, "error", err)
			return
		}
		p.snapshot = obj
	}
	l.mu.Lock()
	p.id = l.nextID(s.cfg.clock())
	l.mu.Unlock()
	l.pending = append(l.pending, p)
	if len(l.pending) == 1 {
		// Stream connections waiting for events flush the pending writes.
		l.signal()
	}
}

// flushEvents turns the pending writes into events, in the order of their
// ids. The caller holds s.mu for writing.
func (s *Server) flushEvents() {
	l := s.events
	if len(l.pending) == 0 {
		return
	}
	admin := s.principalOf(s.users[AdminID])
	var out []*streamEvent
	for _, p := range l.pending {
		if ev := s.eventOf(admin, p); ev != nil {
			out = append(out, ev)
		}
	}
	l.pending, l.queued = nil, map[*entity]bool{}
	if len(out) == 0 {
		return
	}
	l.mu.Lock()
	l.events = append(l.events, out...)
	close(l.wake)
	l.wake = make(chan struct{})
	l.mu.Unlock()
}

// eventOf builds the event of one pending write, or nil when there is
// nothing to send (an object deleted since, an update that changed
// nothing).
func (s *Server) eventOf(admin *principal, p pendingChange) *streamEvent {
	e, l := p.e, s.events
	ev := &streamEvent{id: p.id, entityID: e.id, entityType: e.entityType, markings: slices.Clone(e.markings),
		types: append([]string{e.entityType}, e.parentTypes()...)}
	env := map[string]any{"version": "4", "scope": "external",
		"origin": map[string]any{"socket": "query", "user_id": AdminID}}
	switch {
	case p.op == opDelete:
		ev.name, env["data"] = "delete", p.snapshot
		env["message"] = fmt.Sprintf("deletes a %s `%s`", e.entityType, e.representative())
		delete(l.lastStix, e.id)
	case s.data.byKey[e.id] != e:
		return nil
	default:
		obj, err := s.toStix(admin, e)
		if err != nil {
			s.log.Warn("stream: event dropped", "id", e.id, "error", err)
			return nil
		}
		prev, known := l.lastStix[e.id]
		l.lastStix[e.id] = obj
		env["data"] = obj
		if !known {
			ev.name = "create"
			env["message"] = fmt.Sprintf("creates a %s `%s`", e.entityType, e.representative())
			break
		}
		patch, reverse := diffObjects(prev, obj)
		if len(patch) == 0 {
			return nil
		}
		ev.name = "update"
		env["message"] = fmt.Sprintf("Update %d elements", len(patch))
		env["context"] = map[string]any{"patch": patch, "reverse_patch": reverse}
	}
	env["type"] = ev.name
	ev.envelope = encodeJSON(env)
	return ev
}

// diffObjects returns the JSON Patch operations, on top-level keys, that
// turn prev into next, and those that turn next back into prev. The
// modified date alone is not a change.
func diffObjects(prev, next map[string]any) (patch, reverse []any) {
	keys := map[string]bool{}
	for k := range prev {
		keys[k] = true
	}
	for k := range next {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	changed := false
	for _, k := range sorted {
		a, inPrev := prev[k]
		b, inNext := next[k]
		if inPrev && inNext && reflect.DeepEqual(a, b) {
			continue
		}
		path := "/" + strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
		patch = append(patch, patchOp(path, a, inPrev, b, inNext))
		reverse = append(reverse, patchOp(path, b, inNext, a, inPrev))
		changed = changed || (k != "modified" && k != "extensions")
		if k == "extensions" {
			changed = changed || extensionsChanged(a, b)
		}
	}
	if !changed {
		return nil, nil
	}
	return patch, reverse
}

func patchOp(path string, from any, hadFrom bool, to any, hasTo bool) map[string]any {
	switch {
	case !hasTo:
		return map[string]any{"op": "remove", "path": path}
	case !hadFrom:
		return map[string]any{"op": "add", "path": path, "value": to}
	}
	return map[string]any{"op": "replace", "path": path, "value": to}
}

// extensionsChanged compares two extensions members, leaving out the
// OpenCTI extension's updated_at.
func extensionsChanged(a, b any) bool {
	strip := func(v any) any {
		m, _ := v.(map[string]any)
		out := map[string]any{}
		for k, x := range m {
			if ext, ok := x.(map[string]any); ok && k == extOpenCTI {
				c := map[string]any{}
				for ek, ev := range ext {
					if ek != "updated_at" {
						c[ek] = ev
					}
				}
				x = c
			}
			out[k] = x
		}
		return out
	}
	return !reflect.DeepEqual(strip(a), strip(b))
}

func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
