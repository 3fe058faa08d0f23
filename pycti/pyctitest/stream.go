package pyctitest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
)

// CapTAXIIAPI lets a user consume live streams (and TAXII collections).
const CapTAXIIAPI = "TAXIIAPI"

// DefaultStreamHeartbeat is the period of heartbeat frames, the platform's
// app:live_stream:heartbeat_period default.
const DefaultStreamHeartbeat = 5 * time.Second

// StreamCollection is a live stream defined in the platform's Data sharing
// page, served at /stream/<ID>.
type StreamCollection struct {
	ID   string
	Name string
	// Types restricts the main events to objects of these entity types or
	// parent types (for example "Indicator", "Stix-Cyber-Observable");
	// empty means every type. Dependencies are sent whatever their type.
	Types []string
	// Public collections need no authentication.
	Public bool
	// Stopped collections return 410 Gone.
	Stopped bool
}

// StreamRequest is one connection to a stream endpoint, as received.
type StreamRequest struct {
	Time        time.Time
	Path        string
	RawQuery    string
	LastEventID string // the Last-Event-ID header
	UserID      string // "" when anonymous
	Status      int
}

// streamState is the server's side of the live streams. It is safe for
// concurrent use.
type streamState struct {
	heartbeat atomic.Int64 // period in nanoseconds
	silent    atomic.Bool

	mu          sync.Mutex
	collections map[string]*StreamCollection
	conns       map[*streamConn]bool
	requests    []StreamRequest
}

func newStreamState() *streamState {
	st := &streamState{collections: map[string]*StreamCollection{}, conns: map[*streamConn]bool{}}
	st.heartbeat.Store(int64(DefaultStreamHeartbeat))
	return st
}

// AddStream defines a live stream collection.
func (s *Server) AddStream(c StreamCollection) error {
	if c.ID == "" {
		return errors.New("pyctitest: stream collection has no ID: set StreamCollection.ID")
	}
	st := s.streams
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.collections[c.ID] != nil {
		return fmt.Errorf("add stream %s: %w", c.ID, ErrDuplicate)
	}
	c.Types = slices.Clone(c.Types)
	st.collections[c.ID] = &c
	return nil
}

// SetStreamHeartbeat sets the period of heartbeat frames on new and open
// connections. The default is DefaultStreamHeartbeat.
func (s *Server) SetStreamHeartbeat(d time.Duration) {
	if d > 0 {
		s.streams.heartbeat.Store(int64(d))
	}
}

// SilenceStreams makes every stream connection, open or new, stop writing
// anything, heartbeats included, while on is true: the connection stays
// open but silent, as a dead peer behind a proxy looks. Writing resumes
// when on is false.
func (s *Server) SilenceStreams(on bool) { s.streams.silent.Store(on) }

// DropStreams breaks every open stream connection in the middle of a frame,
// as a network failure would, and returns how many it broke.
func (s *Server) DropStreams() int {
	st := s.streams
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for c := range st.conns {
		c.dropOnce.Do(func() { close(c.drop) })
		n++
	}
	return n
}

// StreamRequests returns the stream connections received, oldest first.
func (s *Server) StreamRequests() []StreamRequest {
	st := s.streams
	st.mu.Lock()
	defer st.mu.Unlock()
	return slices.Clone(st.requests)
}

// streamConn is one open stream response.
type streamConn struct {
	drop     chan struct{}
	dropOnce sync.Once
}

// streamParams are the request parameters of a stream connection.
type streamParams struct {
	raw            bool
	collection     *StreamCollection
	from           eventID
	hasFrom        bool
	recover        time.Time
	listenDelete   bool
	noDependencies bool
	withInferences bool
}

// serveStream serves GET /stream, /stream/live and /stream/<collection> as
// server-sent events, and POST /stream/connection/<id>.
func (s *Server) serveStream(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/stream/connection/") && r.Method == http.MethodPost {
		writeJSON(w, http.StatusOK, map[string]string{"message": "ok"})
		return
	}
	rec := StreamRequest{Time: s.cfg.clock(), Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		LastEventID: r.Header.Get("Last-Event-ID")}
	user, params, status, reason := s.openStream(r)
	if user != nil {
		rec.UserID = user.user.ID
	}
	rec.Status = status
	s.streams.mu.Lock()
	s.streams.requests = append(s.streams.requests, rec)
	s.streams.mu.Unlock()
	if status != http.StatusOK {
		// The platform puts the explanation in the reason phrase and sends
		// no body; net/http cannot set a reason phrase, so it goes in a
		// header.
		w.Header().Set("X-Reason", reason)
		w.WriteHeader(status)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache, no-transform")
	h.Set("Connection", "keep-alive")
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	conn := &streamConn{drop: make(chan struct{})}
	s.streams.mu.Lock()
	s.streams.conns[conn] = true
	s.streams.mu.Unlock()
	defer func() {
		s.streams.mu.Lock()
		delete(s.streams.conns, conn)
		s.streams.mu.Unlock()
	}()
	sc := &streamSession{s: s, w: w, r: r, conn: conn, user: user, params: params,
		sent: map[string]bool{}}
	sc.run()
}

// openStream authenticates the request and reads its parameters. It
// returns the HTTP status of the response and, for an error, its reason.
func (s *Server) openStream(r *http.Request) (*principal, streamParams, int, string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rc, err := s.authenticate(r)
	if err != nil {
		return nil, streamParams{}, http.StatusUnauthorized, err.Error()
	}
	p := streamParams{raw: r.URL.Path == "/stream"}
	name := strings.TrimPrefix(r.URL.Path, "/stream/")
	if !p.raw && name != "live" {
		s.streams.mu.Lock()
		p.collection = s.streams.collections[name]
		s.streams.mu.Unlock()
		switch {
		case p.collection == nil:
			return nil, p, http.StatusUnauthorized, "Stream " + name + " not found"
		case p.collection.Stopped:
			return nil, p, http.StatusGone, "Stream " + name + " is no longer live"
		case p.collection.Public:
			if rc.user == nil {
				rc.user = s.principalOf(&User{ID: "public"})
			}
		}
	}
	user := rc.user
	switch {
	case user == nil:
		return nil, p, http.StatusUnauthorized, "You are not authenticated"
	case p.collection != nil && !user.has(CapTAXIIAPI) && !p.collection.Public:
		return user, p, http.StatusUnauthorized, "You need the TAXIIAPI capability"
	case p.collection == nil && !user.has(CapBypass):
		return user, p, http.StatusUnauthorized, "Raw and live streams need the BYPASS capability"
	}
	p.readParams(r)
	return user, p, http.StatusOK, ""
}

// readParams reads the start position, recovery date and flags. A query
// parameter wins over the headers.
func (p *streamParams) readParams(r *http.Request) {
	get := func(names ...string) string {
		if v := r.URL.Query().Get(names[0]); v != "" {
			return v
		}
		for _, n := range names {
			if v := r.Header.Get(n); v != "" {
				return v
			}
		}
		return ""
	}
	if from := get("from", "last-event-id"); from != "" {
		p.from, p.hasFrom = parsePosition(from)
	}
	if !p.raw {
		if rv := get("recover", "recover-date"); rv != "" {
			if id, ok := parsePosition(rv); ok {
				p.recover = id.time()
			}
		}
	}
	p.listenDelete = get("listen-delete") != "false"
	p.noDependencies = get("no-dependencies", "no-relationships") == "true"
	p.withInferences = get("with-inferences") == "true"
}

// parsePosition reads "0", an event id "<ms>-<seq>" or an ISO 8601 date.
// A plain number of milliseconds does not parse, as on the platform.
func parsePosition(v string) (eventID, bool) {
	if v == "0" {
		return eventID{}, true
	}
	if strings.Contains(v, "-") && !strings.Contains(v, "T") {
		if id, ok := parseEventID(v); ok {
			return id, true
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return eventID{ms: t.UnixMilli()}, true
	}
	return eventID{}, false
}

// writeFrame writes one SSE frame; id is omitted when empty.
func writeFrame(buf *bytes.Buffer, id, name string, data []byte) {
	if id != "" {
		buf.WriteString("id: " + id + "\n")
	}
	buf.WriteString("event: " + name + "\ndata: ")
	buf.Write(data)
	buf.WriteString("\n\n")
}

func newConnectionID() string { return uuid.NewString() }
