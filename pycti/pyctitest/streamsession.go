package pyctitest

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"time"
)

// streamSession writes the frames of one stream connection.
type streamSession struct {
	s      *Server
	w      http.ResponseWriter
	r      *http.Request
	conn   *streamConn
	user   *principal
	params streamParams
	// pos is the id of the last event considered for this consumer.
	pos eventID
	// sent holds the internal ids sent on this connection, so that a
	// dependency goes once per connection, as the platform's cache does.
	sent map[string]bool
}

// run sends the connected frame, the recovery, then the live events and
// heartbeats until the client leaves or the connection is dropped.
func (sc *streamSession) run() {
	var buf bytes.Buffer
	sc.start(&buf)
	if !sc.write(&buf) {
		return
	}
	hb := time.Duration(sc.s.streams.heartbeat.Load())
	ticker := time.NewTicker(hb)
	defer ticker.Stop()
	for {
		sc.flushStore()
		events, wake := sc.s.events.after(sc.pos)
		if len(events) > 0 && !sc.s.streams.silent.Load() {
			sc.frames(&buf, events)
			if !sc.write(&buf) {
				return
			}
			continue
		}
		select {
		case <-sc.r.Context().Done():
			return
		case <-sc.conn.drop:
			sc.abort()
		case <-wake:
		case <-ticker.C:
			if d := time.Duration(sc.s.streams.heartbeat.Load()); d != hb {
				hb = d
				ticker.Reset(hb)
			}
			if sc.s.streams.silent.Load() {
				continue
			}
			sc.heartbeat(&buf)
			if !sc.write(&buf) {
				return
			}
		}
	}
}

// start writes the connected frame and, when asked, the recovery, and sets
// the start position.
func (sc *streamSession) start(buf *bytes.Buffer) {
	s := sc.s
	s.mu.Lock()
	s.flushEvents()
	first, last, size := s.events.bounds()
	head := s.events.position(s.cfg.clock())
	s.mu.Unlock()
	info := map[string]any{"streamSize": size, "connectionId": newConnectionID(),
		"lastEventId": "", "firstEventId": "", "firstEventDate": nil, "lastEventDate": nil}
	if first != nil {
		info["firstEventId"], info["firstEventDate"] = first.id.String(), isoTime(first.id.time())
		info["lastEventId"], info["lastEventDate"] = last.id.String(), isoTime(last.id.time())
	}
	writeFrame(buf, "", "connected", encodeJSON(info))
	p := sc.params
	switch {
	case !p.hasFrom:
		sc.pos = head
	case !p.raw && !p.recover.IsZero() && p.from.time().Before(p.recover):
		sc.recover(buf)
	default:
		sc.pos = p.from
	}
}

// recover sends, as create events with referer init-create, every object
// updated between the start position and the recovery date, oldest first,
// then continues after the recovery date.
func (sc *streamSession) recover(buf *bytes.Buffer) {
	s, p := sc.s, sc.params
	s.mu.RLock()
	defer s.mu.RUnlock()
	type item struct {
		e  *entity
		at time.Time
	}
	var items []item
	for _, e := range s.allEntities() {
		at, err := time.Parse(time.RFC3339Nano, e.str("updated_at"))
		if err != nil || at.Before(p.from.time()) || at.After(p.recover) {
			continue
		}
		if sc.matches(e.entityType, append([]string{e.entityType}, e.parentTypes()...)) &&
			s.visible(sc.user, e) && sc.inferenceAllowed(e) {
			items = append(items, item{e: e, at: at})
		}
	}
	slices.SortStableFunc(items, func(a, b item) int { return a.at.Compare(b.at) })
	for _, it := range items {
		id := eventID{ms: it.at.UnixMilli()}
		sc.sendWithDependencies(buf, id.String(), it.e, "init-create")
	}
	sc.pos = eventID{ms: p.recover.UnixMilli()}
}

// frames writes the frames of events and moves the position past them.
func (sc *streamSession) frames(buf *bytes.Buffer, events []*streamEvent) {
	s := sc.s
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, ev := range events {
		sc.pos = ev.id
		if !sc.wanted(ev) {
			continue
		}
		id := ev.id.String()
		if sc.params.raw || ev.name == "delete" {
			writeFrame(buf, id, ev.name, sc.envelope(ev))
			continue
		}
		e := s.data.get(ev.entityID)
		if e != nil {
			sc.dependencies(buf, id, e)
		}
		writeFrame(buf, id, ev.name, sc.envelope(ev))
		sc.sent[ev.entityID] = true
		if e != nil && !sc.params.noDependencies {
			sc.relationships(buf, id, e)
		}
	}
}

// wanted applies the delete flag, marking visibility and the collection's
// types to a stored event.
func (sc *streamSession) wanted(ev *streamEvent) bool {
	if ev.name == "delete" && !sc.params.listenDelete {
		return false
	}
	for _, m := range ev.markings {
		if !sc.user.canSee(sc.s.data.get(m)) {
			return false
		}
	}
	return sc.params.raw || sc.matches(ev.entityType, ev.types)
}

func (sc *streamSession) matches(_ string, types []string) bool {
	c := sc.params.collection
	if c == nil || len(c.Types) == 0 {
		return true
	}
	for _, want := range c.Types {
		if slices.ContainsFunc(types, func(t string) bool { return strings.EqualFold(t, want) }) {
			return true
		}
	}
	return false
}

func (sc *streamSession) inferenceAllowed(e *entity) bool {
	inferred, _ := e.fields["is_inferred"].(bool)
	return !inferred || sc.params.withInferences
}

// envelope returns the stored data, with event_id added on live streams.
func (sc *streamSession) envelope(ev *streamEvent) []byte {
	if sc.params.raw {
		return ev.envelope
	}
	out := bytes.TrimSuffix(slices.Clone(ev.envelope), []byte("}"))
	return append(out, []byte(`,"event_id":"`+ev.id.String()+`"}`)...)
}

// dependencies sends, before e, the objects e references that this
// connection has not sent yet, each after its own dependencies.
func (sc *streamSession) dependencies(buf *bytes.Buffer, id string, e *entity) {
	refs := append([]string{e.createdBy}, e.markings...)
	refs = append(refs, e.objects...)
	refs = append(refs, e.from, e.to)
	for _, ref := range refs {
		dep := sc.s.data.get(ref)
		if ref == "" || dep == nil || sc.sent[dep.id] || !sc.s.visible(sc.user, dep) {
			continue
		}
		sc.sendWithDependencies(buf, id, dep, "init-dependencies")
	}
}

// sendWithDependencies sends e as a synthetic create event after its
// dependencies.
func (sc *streamSession) sendWithDependencies(buf *bytes.Buffer, id string, e *entity,
	referer string) {
	if sc.sent[e.id] {
		return
	}
	sc.sent[e.id] = true
	sc.dependencies(buf, id, e)
	obj, err := sc.s.toStix(sc.user, e)
	if err != nil {
		sc.s.log.Warn("stream: object left out", "id", e.id, "error", err)
		return
	}
	env := map[string]any{"version": "4", "message": "creates a " + e.entityType,
		"origin": map[string]any{"referer": referer}, "data": obj}
	writeFrame(buf, id, "create", encodeJSON(env))
}

// relationships sends the relationships and sightings of e whose ends the
// user can see, as the platform's relationship resolution does.
func (sc *streamSession) relationships(buf *bytes.Buffer, id string, e *entity) {
	for _, rel := range sc.s.data.byEnd[e.id] {
		if !sc.sent[rel.id] && sc.s.visible(sc.user, rel) && sc.inferenceAllowed(rel) {
			sc.sendWithDependencies(buf, id, rel, "init-dependencies")
		}
	}
}

// heartbeat writes a heartbeat and a consumer_metrics frame at the current
// position, which moves to the head of the log when the consumer is caught
// up.
func (sc *streamSession) heartbeat(buf *bytes.Buffer) {
	// Holding s.mu keeps writers from taking ids between the flush and the
	// new position, so the position never passes an event not yet sent.
	s := sc.s
	s.mu.Lock()
	s.flushEvents()
	if events, _ := s.events.after(sc.pos); len(events) == 0 {
		if head := s.events.position(s.cfg.clock()); sc.pos.less(head) {
			sc.pos = head
		}
	}
	s.mu.Unlock()
	id := sc.pos.String()
	writeFrame(buf, id, "heartbeat", encodeJSON(isoTime(sc.pos.time())))
	writeFrame(buf, id, "consumer_metrics", encodeJSON(map[string]any{
		"deliveryRate": 0, "processingRate": 0, "resolutionRate": 0, "productionRate": 0,
		"timeLag": 0, "estimatedOutOfDepth": 0}))
}

// flushStore turns pending store writes into events.
func (sc *streamSession) flushStore() {
	s := sc.s
	s.mu.Lock()
	s.flushEvents()
	s.mu.Unlock()
}

// write sends buf to the client and empties it. It returns false when the
// client is gone.
func (sc *streamSession) write(buf *bytes.Buffer) bool {
	if buf.Len() == 0 {
		return true
	}
	_, err := sc.w.Write(buf.Bytes())
	buf.Reset()
	if err == nil {
		err = http.NewResponseController(sc.w).Flush()
	}
	return err == nil
}

// abort writes half a frame and breaks the connection without ending the
// response, as a network failure would.
func (sc *streamSession) abort() {
	_, _ = sc.w.Write([]byte("id: " + sc.pos.String() + "\nevent: upd"))
	_ = http.NewResponseController(sc.w).Flush()
	panic(http.ErrAbortHandler)
}
