package stream_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/connector/stream"
	"github.com/opencti-go/sdk/internal/testenv"
)

// script serves one list of raw SSE text per connection, in order. A
// connection past the last list gets heartbeats only. abort breaks the
// connection after its text instead of holding it open.
type script struct {
	t     *testing.T
	mu    sync.Mutex
	conns []scriptConn
	seen  []http.Header
}

type scriptConn struct {
	text  string
	abort bool
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	n := len(s.seen)
	s.seen = append(s.seen, r.Header.Clone())
	var c scriptConn
	if n < len(s.conns) {
		c = s.conns[n]
	} else {
		c = scriptConn{text: "id: 9999-0\nevent: heartbeat\ndata: \"2026-03-02T10:15:35.000Z\"\n\n"}
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(c.text))
	_ = http.NewResponseController(w).Flush()
	if c.abort {
		panic(http.ErrAbortHandler)
	}
	<-r.Context().Done()
}

func (s *script) headers() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]http.Header(nil), s.seen...)
}

// memoryState is a StateStore in memory.
type memoryState struct {
	mu    sync.Mutex
	state map[string]any
	saves int
}

func (m *memoryState) State() map[string]any {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.state)
}

func (m *memoryState) SaveState(_ context.Context, st map[string]any) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.state = maps.Clone(st)
	m.saves++
	return nil
}

// collector is a handler that records events and signals each one.
type collector struct {
	mu     sync.Mutex
	events []*stream.Event
	got    chan struct{}
}

func newCollector() *collector { return &collector{got: make(chan struct{}, 10000)} }

func (c *collector) HandleEvent(_ context.Context, ev *stream.Event) error {
	c.mu.Lock()
	c.events = append(c.events, ev)
	c.mu.Unlock()
	c.got <- struct{}{}
	return nil
}

func (c *collector) all() []*stream.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*stream.Event(nil), c.events...)
}

// waitUntil waits for cond, checked after each event and every 50 ms.
func (c *collector) waitUntil(t *testing.T, what string, cond func([]*stream.Event) bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for !cond(c.all()) {
		select {
		case <-c.got:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("timed out after 20 s waiting for %s; got %d events", what, len(c.all()))
		}
	}
}

func named(events []*stream.Event, name string) []*stream.Event {
	var out []*stream.Event
	for _, ev := range events {
		if ev.Name == name {
			out = append(out, ev)
		}
	}
	return out
}

// runClient runs c.Run in the background and returns its stop function.
func runClient(t *testing.T, c *stream.Client, h stream.Handler) func() error {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, h) }()
	var once sync.Once
	var result error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case result = <-done:
			case <-time.After(10 * time.Second):
				t.Error("Run did not return within 10 s of cancellation")
			}
		})
		return result
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

func frameText(id, name, data string) string {
	var b strings.Builder
	if id != "" {
		b.WriteString("id: " + id + "\n")
	}
	b.WriteString("event: " + name + "\ndata: " + data + "\n\n")
	return b.String()
}

func envelope(t *testing.T, typ string, data json.RawMessage, extra map[string]any) string {
	t.Helper()
	env := map[string]any{"version": "4", "type": typ, "scope": "external",
		"message": typ + " test", "origin": map[string]any{"socket": "query", "user_id": "u1"},
		"data": data}
	maps.Copy(env, extra)
	out, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// sampleObjects reads real STIX objects of the platform's stream test
// data.
func sampleObjects(t *testing.T, file string) []json.RawMessage {
	t.Helper()
	dir := testenv.SharedDir(t, "opencti", "native-stix")
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		t.Fatal(err)
	}
	var objs []json.RawMessage
	if err := json.Unmarshal(data, &objs); err != nil {
		t.Fatal(err)
	}
	for i, obj := range objs {
		var compact bytes.Buffer
		if err := json.Compact(&compact, obj); err != nil {
			t.Fatal(err)
		}
		objs[i] = compact.Bytes()
	}
	return objs
}

func TestClientDecodesEveryEventType(t *testing.T) {
	malware := sampleObjects(t, "stream-event-stix2-malwares.json")
	rel := sampleObjects(t, "stream-event-stix2-relationships.json")[0]
	patch := map[string]any{"context": map[string]any{
		"patch":         []any{map[string]any{"op": "replace", "path": "/description", "value": "x"}},
		"reverse_patch": []any{map[string]any{"op": "replace", "path": "/description", "value": "y"}},
		"changes": []any{map[string]any{"field": "Malware--description",
			"changes_added": []any{map[string]any{"raw": "x"}}}}},
		"event_id": "1772446530118-0"}
	merge := map[string]any{"context": map[string]any{"patch": []any{}, "reverse_patch": []any{},
		"sources": []any{malware[1]}}}
	text := frameText("", "connected", `{"lastEventId":"1772446530120-0","firstEventId":"1769854530001-0",`+
		`"firstEventDate":"2026-01-31T10:15:30.001Z","lastEventDate":"2026-03-02T10:15:30.120Z",`+
		`"streamSize":1834455,"connectionId":"5d6e7f8a-9b0c-4d1e-8f2a-3b4c5d6e7f8a"}`) +
		": a comment line\n" +
		frameText("1772446530000-0", "create", `{"version":"4","message":"dep","origin":{"referer":"init-dependencies"},"data":`+string(malware[0])+`}`) +
		frameText("1772446530000-0", "create", envelope(t, "create", rel, nil)) +
		frameText("1772446530120-0", "update", envelope(t, "update", malware[0], patch)) +
		frameText("1772446530121-0", "delete", envelope(t, "delete", malware[2], nil)) +
		frameText("1772446530122-0", "merge", envelope(t, "merge", malware[0], merge)) +
		frameText("1772446535000-0", "heartbeat", `"2026-03-02T10:15:35.000Z"`) +
		frameText("1772446535000-0", "consumer_metrics", `{"deliveryRate":1.5,"processingRate":12.25,`+
			`"resolutionRate":0,"productionRate":14.1,"timeLag":3.2,"estimatedOutOfDepth":0}`) +
		frameText("1772446540000-0", "no-recover", `{"stream":"s1","message":"origin filters","resume_from":"1772442000000-0"}`) +
		frameText("1772446540001-0", "future_frame", `{"anything":true}`) +
		frameText("", "error", `{"stream":"s1","message":"database unavailable"}`)
	sc := &script{t: t, conns: []scriptConn{{text: text}}}
	srv := httptest.NewServer(sc)
	t.Cleanup(srv.Close)
	client, err := stream.NewClient(stream.Config{URL: srv.URL, Token: "t0ken", StreamID: "s1",
		StartFrom: "1772446529000-0", RecoverUntil: "false"},
		stream.Options{ReconnectDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector()
	stop := runClient(t, client, col)
	col.waitUntil(t, "the error frame and a reconnection", func(evs []*stream.Event) bool {
		return len(named(evs, stream.Error)) == 1 && len(sc.headers()) >= 2
	})
	if err := stop(); err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
	evs := col.all()
	wantNames := []string{"connected", "create", "create", "update", "delete", "merge", "heartbeat",
		"consumer_metrics", "no-recover", "future_frame", "error"}
	var names []string
	for _, ev := range evs[:min(len(evs), len(wantNames))] {
		names = append(names, ev.Name)
	}
	if strings.Join(names, ",") != strings.Join(wantNames, ",") {
		t.Fatalf("event order = %v, want %v", names, wantNames)
	}
	checkConnected(t, evs[0])
	checkChanges(t, evs[1:6], rel)
	if evs[6].Heartbeat == nil || !evs[6].Heartbeat.Equal(time.Date(2026, 3, 2, 10, 15, 35, 0, time.UTC)) {
		t.Errorf("heartbeat date = %v, want 2026-03-02T10:15:35Z", evs[6].Heartbeat)
	}
	if m := evs[7].Metrics; m == nil || m.ProcessingRate != 12.25 || m.TimeLag != 3.2 {
		t.Errorf("consumer metrics = %+v, want processing 12.25 and lag 3.2", m)
	}
	if nr := evs[8].NoRecover; nr == nil || nr.ResumeFrom != "1772442000000-0" {
		t.Errorf("no-recover = %+v, want resume_from 1772442000000-0", nr)
	}
	if evs[9].Change != nil || string(evs[9].Data) != `{"anything":true}` {
		t.Errorf("unknown frame = %+v, want raw data only", evs[9])
	}
	if e := evs[10].Error; e == nil || e.Message != "database unavailable" || evs[10].HasID {
		t.Errorf("error frame = %+v, want the message and no id", evs[10])
	}
	second := sc.headers()[1]
	// The last id, 1772446540001-0, may still have frames to come: the
	// client resumes from the one before.
	if got := second.Get("Last-Event-ID"); got != "1772446540000-0" {
		t.Errorf("reconnection Last-Event-ID = %q, want 1772446540000-0", got)
	}
}

func checkConnected(t *testing.T, ev *stream.Event) {
	t.Helper()
	c := ev.Connected
	if c == nil || c.FirstEventID != "1769854530001-0" || c.StreamSize != 1834455 || ev.HasID {
		t.Errorf("connected = %+v (has id %v), want the log description and no id", c, ev.HasID)
	}
}

func checkChanges(t *testing.T, evs []*stream.Event, rel json.RawMessage) {
	t.Helper()
	dep, created, updated, deleted, merged := evs[0].Change, evs[1].Change, evs[2].Change,
		evs[3].Change, evs[4].Change
	if !dep.Synthetic() || dep.Origin.Referer != "init-dependencies" || dep.ObjectType != "malware" {
		t.Errorf("dependency = %+v, want a synthetic malware from init-dependencies", dep)
	}
	if evs[0].ID != evs[1].ID {
		t.Errorf("dependency id %v differs from its event's %v", evs[0].ID, evs[1].ID)
	}
	var relHead struct{ ID string }
	_ = json.Unmarshal(rel, &relHead)
	if created.Synthetic() || created.ObjectID != relHead.ID || created.ObjectType != "relationship" {
		t.Errorf("create = %s %s (synthetic %v), want relationship %s", created.ObjectType,
			created.ObjectID, created.Synthetic(), relHead.ID)
	}
	if updated.Context == nil || !strings.Contains(string(updated.Context.Patch), "/description") ||
		!strings.Contains(string(updated.Context.Changes), "Malware--description") ||
		updated.EventID != "1772446530118-0" {
		t.Errorf("update context = %+v, event id %q; want patch, changes and event_id",
			updated.Context, updated.EventID)
	}
	if deleted.Type != "delete" || deleted.ObjectType != "malware" {
		t.Errorf("delete = %+v, want a stored malware deletion", deleted)
	}
	if merged.Context == nil || len(merged.Context.Sources) != 1 {
		t.Errorf("merge context = %+v, want one source", merged.Context)
	}
	if created.Origin.UserID != "u1" || created.Origin.Socket != "query" {
		t.Errorf("origin = %+v, want user u1 over query", created.Origin)
	}
}

func TestClientSkipsFramesReceivedBeforeDrop(t *testing.T) {
	dep := `{"version":"4","message":"dep","origin":{"referer":"init-dependencies"},"data":{"id":"identity--1","type":"identity"}}`
	main := `{"version":"4","type":"create","message":"m","origin":{},"data":{"id":"report--1","type":"report"}}`
	first := frameText("100-0", "create", `{"version":"4","type":"create","message":"a","origin":{},"data":{"id":"malware--a","type":"malware"}}`) +
		frameText("200-0", "create", dep) + "id: 200-0\nevent: create\ndata: {\"version\""
	second := frameText("200-0", "create", dep) + frameText("200-0", "create", main) +
		frameText("300-0", "heartbeat", `"1970-01-01T00:00:00.300Z"`)
	sc := &script{t: t, conns: []scriptConn{{text: first, abort: true}, {text: second}}}
	srv := httptest.NewServer(sc)
	t.Cleanup(srv.Close)
	state := &memoryState{}
	client, err := stream.NewClient(stream.Config{URL: srv.URL, Token: "t0ken", StreamID: "live",
		RecoverUntil: "false"}, stream.Options{State: state, ReconnectDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector()
	stop := runClient(t, client, col)
	col.waitUntil(t, "the heartbeat after the reconnection", func(evs []*stream.Event) bool {
		return len(named(evs, stream.Heartbeat)) > 0
	})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var objects []string
	for _, ev := range named(col.all(), stream.Create) {
		objects = append(objects, ev.Change.ObjectID)
	}
	if got := strings.Join(objects, ","); got != "malware--a,identity--1,report--1" {
		t.Errorf("handled objects = %s, want malware--a,identity--1,report--1 once each", got)
	}
	if got := sc.headers()[1].Get("Last-Event-ID"); got != "100-0" {
		t.Errorf("reconnection Last-Event-ID = %q, want 100-0, the last complete id", got)
	}
	if got := client.Stats().Duplicates; got != 1 {
		t.Errorf("duplicates skipped = %d, want 1 (the dependency sent again)", got)
	}
	if got := state.State()[stream.StartFromKey]; got != "300-0" {
		t.Errorf("saved start_from = %v, want the heartbeat's 300-0", got)
	}
}

func TestClientStopsOnRefusedStream(t *testing.T) {
	for status, want := range map[int]string{http.StatusUnauthorized: "BYPASS",
		http.StatusGone: "the stream is stopped"} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-Reason", "no access")
			w.WriteHeader(status)
		}))
		client, err := stream.NewClient(stream.Config{URL: srv.URL, Token: "t0ken", StreamID: "x"},
			stream.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		err = client.Run(ctx, newCollector())
		cancel()
		srv.Close()
		var serr *stream.StatusError
		if !errors.As(err, &serr) || serr.Status != status {
			t.Fatalf("status %d: Run = %v, want a StatusError", status, err)
		}
		if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "no access") {
			t.Errorf("status %d: error %q, want the reason and %q", status, err, want)
		}
	}
}

func TestClientRetriesServerErrors(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n < 3 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, frameText("5-0", "heartbeat", `"1970-01-01T00:00:00.005Z"`))
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	client, err := stream.NewClient(stream.Config{URL: srv.URL, Token: "t0ken", RecoverUntil: "no"},
		stream.Options{ReconnectDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector()
	runClient(t, client, col)
	col.waitUntil(t, "a heartbeat after two 502 answers", func(evs []*stream.Event) bool {
		return len(evs) > 0
	})
	if client.Stats().Connections != 1 {
		t.Errorf("connections = %d, want 1 after two refused attempts", client.Stats().Connections)
	}
}

func TestNewClientRejectsBadConfig(t *testing.T) {
	cases := map[string]stream.Config{
		"invalid platform URL": {URL: "localhost:4000", Token: "t"},
		"missing token":        {URL: "http://127.0.0.1:4000"},
		"start position":       {URL: "http://127.0.0.1:4000", Token: "t", StartFrom: "yesterday"},
		"recovery date":        {URL: "http://127.0.0.1:4000", Token: "t", RecoverUntil: "soon"},
	}
	for want, cfg := range cases {
		_, err := stream.NewClient(cfg, stream.Options{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NewClient(%+v) = %v, want an error about %s", cfg, err, want)
		}
	}
}

func TestParseIDComparesNumerically(t *testing.T) {
	a, err := stream.ParseID("999-5")
	if err != nil {
		t.Fatal(err)
	}
	b, err := stream.ParseID("1000-0")
	if err != nil {
		t.Fatal(err)
	}
	if a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Errorf("Compare(999-5, 1000-0) = %d, want -1", a.Compare(b))
	}
	if c, _ := stream.ParseID("1772446535000"); c.String() != "1772446535000-0" {
		t.Errorf("ParseID of plain milliseconds = %v, want 1772446535000-0", c)
	}
	if _, err := stream.ParseID("1772446535000-x"); err == nil {
		t.Error("ParseID accepted a bad sequence")
	}
}

// cancelOnSave is a memoryState that ends a Run once it saves.
type cancelOnSave struct {
	memoryState
	cancel context.CancelFunc
}

func (c *cancelOnSave) SaveState(ctx context.Context, st map[string]any) error {
	defer c.cancel()
	return c.memoryState.SaveState(ctx, st)
}

func TestClientRejectsSavedPositionNotString(t *testing.T) {
	srv := newPlatform(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	state := &cancelOnSave{cancel: cancel}
	state.state = map[string]any{stream.StartFromKey: float64(1772446535000)}
	client, err := stream.NewClient(stream.Config{URL: srv.URL, Token: connector.Secret(srv.AdminToken()),
		StreamID: "live", RecoverUntil: "false"}, stream.Options{State: state})
	if err != nil {
		t.Fatal(err)
	}

	err = client.Run(ctx, newCollector())

	if err == nil || !strings.Contains(err.Error(), "reset the connector state") {
		t.Errorf("Run = %v, want an error asking for a state reset", err)
	}
	if got := state.State()[stream.StartFromKey]; got != float64(1772446535000) {
		t.Errorf("saved position = %v, want it left as it was", got)
	}
}

// A platform that accepts the request but never sends the response
// headers must not stall the client: the idle timeout covers that wait.
func TestClientReconnectsWithoutResponseHeaders(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, frameText("300-0", "heartbeat", `"1970-01-01T00:00:00.300Z"`))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	client, err := stream.NewClient(stream.Config{URL: srv.URL, Token: "t0ken", StreamID: "live",
		RecoverUntil: "false"}, stream.Options{IdleTimeout: 200 * time.Millisecond,
		ReconnectDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector()
	stop := runClient(t, client, col)

	col.waitUntil(t, "the heartbeat of the second connection", func(evs []*stream.Event) bool {
		return len(named(evs, stream.Heartbeat)) > 0
	})

	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := client.Stats().IdleTimeouts; got < 1 {
		t.Errorf("idle timeouts = %d, want at least 1 for the silent first request", got)
	}
}

func TestClientCountsUndecodableFrames(t *testing.T) {
	text := frameText("100-0", "create", `{"version":"4","type":"create",`) +
		"id: 150-x\nevent: create\ndata: {}\n\n" +
		frameText("200-0", "heartbeat", `"1970-01-01T00:00:00.200Z"`)
	srv := httptest.NewServer(&script{t: t, conns: []scriptConn{{text: text}}})
	t.Cleanup(srv.Close)
	client, err := stream.NewClient(stream.Config{URL: srv.URL, Token: "t0ken", StreamID: "live",
		RecoverUntil: "false"}, stream.Options{})
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector()
	stop := runClient(t, client, col)

	col.waitUntil(t, "the heartbeat after the bad frames", func(evs []*stream.Event) bool {
		return len(named(evs, stream.Heartbeat)) > 0
	})

	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if got := client.Stats().Undecodable; got != 2 {
		t.Errorf("undecodable frames = %d, want 2 (bad data, bad id)", got)
	}
}

// An event longer than the 64 MiB limit stops Run with an error naming the
// position before it, instead of reconnecting to the same event forever.
func TestClientStopsOnOversizedEvent(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "text/event-stream")
		_, _ = io.WriteString(w, frameText("300-0", "heartbeat", `"1970-01-01T00:00:00.300Z"`))
		_, _ = io.WriteString(w, "id: 400-0\nevent: create\ndata: ")
		chunk := strings.Repeat("x", 1<<20)
		for range 65 {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, "\n\n")
	}))
	t.Cleanup(srv.Close)
	client, err := stream.NewClient(stream.Config{URL: srv.URL, Token: "t0ken", StreamID: "live",
		RecoverUntil: "false"}, stream.Options{ReconnectDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()

	err = client.Run(ctx, newCollector())

	if ctx.Err() != nil {
		t.Fatalf("Run kept reconnecting until the deadline (%d connections)", calls.Load())
	}
	if !errors.Is(err, stream.ErrEventTooLarge) {
		t.Errorf("Run = %v, want ErrEventTooLarge", err)
	}
	if err == nil || !strings.Contains(err.Error(), "300-0") {
		t.Errorf("Run = %v, want the position 300-0 before the event", err)
	}
	if n := calls.Load(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}
