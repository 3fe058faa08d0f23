package stream

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
	"sync"
	"sync/atomic"
	"time"
)

// State keys of the stream position, pycti's names.
const (
	StartFromKey    = "start_from"
	RecoverUntilKey = "recover_until"
	// The older names, read when present.
	legacyStartFromKey    = "connectorLastEventId"
	legacyRecoverUntilKey = "connectorStartTime"
)

var errStateReset = errors.New("connector state reset")

// position is the start point of a session.
type position struct {
	from       ID
	recoverAt  time.Time // zero: no recovery
	recoverOff bool
}

// loadPosition reads the position from the state, or builds and saves the
// first one.
func (c *Client) loadPosition(ctx context.Context) (position, error) {
	var st map[string]any
	if c.opts.State != nil {
		st = c.opts.State.State()
	}
	fromValue := firstValue(st, legacyStartFromKey, StartFromKey)
	fromText, isText := fromValue.(string)
	if fromValue != nil && !isText {
		// Starting over would read the whole stream again, so an operator
		// decides.
		return position{}, fmt.Errorf("stream: saved position %v is not a stream id "+
			"string such as \"1700000000000-0\": reset the connector state", fromValue)
	}
	ok := fromText != ""
	recoverValue := firstValue(st, legacyRecoverUntilKey, RecoverUntilKey)
	if !ok {
		fromText = c.cfg.StartFrom
		if fromText == "" {
			fromText = "0-0"
		}
		recoverValue = c.cfg.RecoverUntil
		if recoverValue == "" {
			recoverValue = time.Now().UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	from, err := ParseID(fromText)
	if err != nil {
		return position{}, fmt.Errorf("stream: saved position: %w: reset the connector state", err)
	}
	pos := position{from: from}
	switch v := recoverValue.(type) {
	case bool:
		pos.recoverOff = !v
	case string:
		at, off, err := parseRecover(v)
		if err != nil {
			return position{}, fmt.Errorf("stream: saved recovery date: %w", err)
		}
		pos.recoverAt, pos.recoverOff = at, off
	}
	if !ok && c.opts.State != nil {
		next := maps.Clone(st)
		if next == nil {
			next = map[string]any{}
		}
		next[StartFromKey], next[RecoverUntilKey] = from.String(), recoverState(pos)
		if err := c.opts.State.SaveState(ctx, next); err != nil {
			c.log.Warn("stream start position not saved; it is saved again later", "error", err)
		}
	}
	c.position.Store(&pos.from)
	return pos, nil
}

func recoverState(pos position) any {
	if pos.recoverOff || pos.recoverAt.IsZero() {
		return false
	}
	return pos.recoverAt.Format("2006-01-02T15:04:05Z")
}

func firstValue(st map[string]any, keys ...string) any {
	for _, k := range keys {
		if v, ok := st[k]; ok && v != nil {
			return v
		}
	}
	return nil
}

// item is one event on its way to the handler. safe is the position up to
// which every frame was received before this one.
type item struct {
	ev   *Event
	safe ID
}

// session reads the stream from pos until ctx ends, the handler fails or
// the state is reset.
type session struct {
	c     *Client
	h     Handler
	pos   position
	queue chan item

	mu         sync.Mutex // guards recoverOff
	recoverOff bool

	handled   ID
	saved     ID
	savedOnce bool
}

func (c *Client) session(ctx context.Context, h Handler, pos position) error {
	s := &session{c: c, h: h, pos: pos, queue: make(chan item, c.opts.QueueSize),
		handled: pos.from, saved: pos.from, savedOnce: c.opts.State != nil,
		recoverOff: pos.recoverOff}
	readCtx, stopReading := context.WithCancel(ctx)
	defer stopReading()
	readErr := make(chan error, 1)
	go func() {
		readErr <- s.read(readCtx)
		close(s.queue)
	}()
	err := s.dispatch(ctx)
	stopReading()
	for range s.queue {
		// Events read ahead are dropped: the saved position is before them.
	}
	if rerr := <-readErr; err == nil && ctx.Err() == nil {
		err = rerr
	}
	saveCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if cerr := s.commit(saveCtx); err == nil && !errors.Is(cerr, errStateReset) {
		err = cerr
	}
	return err
}

// dispatch hands queued events to the handler and saves the position
// every CommitInterval.
func (s *session) dispatch(ctx context.Context) error {
	ticker := time.NewTicker(s.c.opts.CommitInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
			if err := s.commit(ctx); err != nil {
				return err
			}
		case it, ok := <-s.queue:
			if !ok {
				return nil
			}
			if err := s.h.HandleEvent(ctx, it.ev); err != nil {
				return &HandlerError{ID: it.ev.ID, Name: it.ev.Name, Err: err}
			}
			s.c.events.Add(1)
			if s.handled.Compare(it.safe) < 0 {
				s.handled = it.safe
				s.c.position.Store(&it.safe)
			}
		}
	}
}

// commit saves the handled position, unless it is already saved. It
// returns errStateReset when the state lost the position meanwhile.
func (s *session) commit(ctx context.Context) error {
	store := s.c.opts.State
	s.mu.Lock()
	recoverOff := s.recoverOff
	s.mu.Unlock()
	if store == nil || (s.saved == s.handled && recoverOff == s.pos.recoverOff) {
		return nil
	}
	st := store.State()
	if s.savedOnce && firstValue(st, StartFromKey, legacyStartFromKey) == nil {
		return errStateReset
	}
	next := maps.Clone(st)
	if next == nil {
		next = map[string]any{}
	}
	delete(next, legacyStartFromKey)
	delete(next, legacyRecoverUntilKey)
	pos := s.pos
	pos.recoverOff = recoverOff
	next[StartFromKey], next[RecoverUntilKey] = s.handled.String(), recoverState(pos)
	if err := store.SaveState(ctx, next); err != nil {
		s.c.log.Warn("stream position not saved; retrying at the next commit",
			"position", s.handled.String(), "error", err)
		return nil
	}
	s.saved, s.savedOnce, s.pos.recoverOff = s.handled, true, recoverOff
	return nil
}

// received tracks what the reader has seen, across connections: every
// frame with an id up to safe, and the frames of the group cur (ids
// greater than safe) by content.
type received struct {
	safe   ID
	cur    ID
	hasCur bool
	keys   map[[32]byte]bool
}

// accept reports whether a frame is new, and moves the positions.
func (r *received) accept(ev *Event) bool {
	if ev.Name == Heartbeat || ev.Name == ConsumerMetrics {
		if ev.ID.Compare(r.safe) >= 0 && (!r.hasCur || ev.ID.Compare(r.cur) >= 0) {
			r.safe, r.hasCur, r.keys = ev.ID, false, nil
		}
		return true
	}
	if ev.ID.Compare(r.safe) <= 0 {
		return false
	}
	key := sha256.Sum256(append([]byte(ev.Name+"\n"), ev.Data...))
	switch {
	case r.hasCur && ev.ID == r.cur:
		if r.keys[key] {
			return false
		}
		r.keys[key] = true
	case !r.hasCur || ev.ID.Compare(r.cur) > 0:
		if r.hasCur {
			r.safe = r.cur
		}
		r.cur, r.hasCur, r.keys = ev.ID, true, map[[32]byte]bool{key: true}
	}
	return true
}

// read connects, reads frames and queues the new ones, reconnecting after
// failures, until ctx ends. It returns only a *StatusError, or nil.
func (s *session) read(ctx context.Context) error {
	c := s.c
	rec := &received{safe: s.pos.from}
	b := &backoff{first: c.opts.ReconnectDelay, max: c.opts.MaxReconnectDelay}
	for attempt := 1; ctx.Err() == nil; attempt++ {
		delivered, err := s.readConnection(ctx, rec)
		if ctx.Err() != nil {
			return nil
		}
		var serr *StatusError
		if errors.As(err, &serr) {
			return serr
		}
		if errors.Is(err, ErrEventTooLarge) {
			return fmt.Errorf("stream: the event after position %s: %w; every new "+
				"connection would stop at it, so the client stops", rec.safe.String(), err)
		}
		if delivered {
			b.reset()
			attempt = 1
		}
		delay := b.next()
		c.log.Warn("stream connection lost; reconnecting", "attempt", attempt, "delay", delay,
			"position", rec.safe.String(), "error", err)
		if !sleep(ctx, delay) {
			return nil
		}
	}
	return nil
}

// readConnection reads one connection until it fails. delivered reports
// whether it brought at least one frame.
func (s *session) readConnection(ctx context.Context, rec *received) (delivered bool, err error) {
	c := s.c
	connCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	recoverAt := s.pos.recoverAt
	if s.recoverOff {
		recoverAt = time.Time{}
	}
	s.mu.Unlock()
	// The idle timer also bounds the wait for the response headers, which
	// the HTTP client does not.
	var idle atomic.Bool
	timer := time.AfterFunc(c.opts.IdleTimeout, func() {
		idle.Store(true)
		cancel()
	})
	defer timer.Stop()
	resp, err := c.connect(connCtx, rec.safe, recoverAt)
	if err != nil {
		if idle.Load() {
			c.idleTimeouts.Add(1)
			return false, fmt.Errorf("no response for %s: %w", c.opts.IdleTimeout, errSilent)
		}
		return false, err
	}
	defer resp.Body.Close()
	timer.Reset(c.opts.IdleTimeout)
	c.connections.Add(1)
	c.log.Info("stream connected", "url", c.url, "from", rec.safe.String())
	fr := newFrameReader(resp.Body, func() { timer.Reset(c.opts.IdleTimeout) })
	for {
		f, err := fr.next()
		if err != nil {
			if idle.Load() {
				c.idleTimeouts.Add(1)
				return delivered, fmt.Errorf("no frame for %s: %w", c.opts.IdleTimeout,
					errSilent)
			}
			if errors.Is(err, io.EOF) {
				err = errors.New("the platform ended the stream")
			}
			return delivered, err
		}
		delivered = true
		ev, err := decodeEvent(f.id, f.name, f.data)
		if err != nil {
			c.undecodable.Add(1)
			c.log.Error("stream frame skipped: cannot decode it", "event", f.name, "id", f.id,
				"error", err)
			continue
		}
		if ev.HasID && !rec.accept(ev) {
			c.duplicates.Add(1)
			continue
		}
		s.observe(ev, rec)
		timer.Stop()
		select {
		case s.queue <- item{ev: ev, safe: rec.safe}:
		case <-ctx.Done():
			return delivered, ctx.Err()
		}
		timer.Reset(c.opts.IdleTimeout)
		if ev.Name == Error {
			return delivered, fmt.Errorf("the platform reported a stream error: %s",
				ev.Error.Message)
		}
	}
}

var errSilent = errors.New("connection silent")

// observe logs the content of control frames and applies no-recover.
func (s *session) observe(ev *Event, rec *received) {
	log := s.c.log
	switch ev.Name {
	case Connected:
		first, err := ParseID(ev.Connected.FirstEventID)
		if err == nil && ev.Connected.FirstEventID != "" && rec.safe.Compare(first) < 0 &&
			rec.safe != (ID{}) {
			log.Warn("stream position is older than the platform's event log: events "+
				"in between were trimmed; reset the connector state to recover them",
				"position", rec.safe.String(), "first_event_id", ev.Connected.FirstEventID)
		}
	case NoRecover:
		log.Warn("stream recovery skipped by the platform", "message", ev.NoRecover.Message)
		s.mu.Lock()
		s.recoverOff = true
		s.mu.Unlock()
	}
}
