package stream_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/connector/stream"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

const identityID = "identity--7c6a1f0e-2b4d-5e8f-9a3c-1d2e3f4a5b6c"

func newPlatform(t *testing.T) *pyctitest.Server {
	t.Helper()
	srv, err := pyctitest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	srv.SetStreamHeartbeat(50 * time.Millisecond)
	return srv
}

// seedMalware stores one malware authored by a shared identity and returns
// its STIX id.
func seedMalware(t *testing.T, srv *pyctitest.Server, name string) string {
	t.Helper()
	id := "malware--" + uuid.NewString()
	bundle := fmt.Sprintf(`{"type":"bundle","id":"bundle--%s","objects":[
		{"type":"identity","spec_version":"2.1","id":%q,"name":"Feed author","identity_class":"organization",
		 "created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z"},
		{"type":"malware","spec_version":"2.1","id":%q,"name":%q,"is_family":true,
		 "created_by_ref":%q,"created":"2026-03-02T10:00:00.000Z","modified":"2026-03-02T10:00:00.000Z"}]}`,
		uuid.NewString(), identityID, id, name, identityID)
	if _, err := srv.SeedBundle([]byte(bundle)); err != nil {
		t.Fatal(err)
	}
	return id
}

// storedCreates counts the stored (not synthetic) create events per
// object id.
func storedCreates(events []*stream.Event) map[string]int {
	out := map[string]int{}
	for _, ev := range named(events, stream.Create) {
		if !ev.Change.Synthetic() {
			out[ev.Change.ObjectID]++
		}
	}
	return out
}

func liveClient(t *testing.T, srv *pyctitest.Server, state stream.StateStore,
	opts stream.Options) *stream.Client {
	t.Helper()
	opts.State = state
	if opts.ReconnectDelay == 0 {
		opts.ReconnectDelay = 10 * time.Millisecond
	}
	client, err := stream.NewClient(stream.Config{URL: srv.URL, Token: connector.Secret(srv.AdminToken()),
		StreamID: "live", ListenDelete: true, NoDependencies: true, StartFrom: "0-0",
		RecoverUntil: "false"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func TestStreamDropMidFlowLosesNothing(t *testing.T) {
	srv := newPlatform(t)
	client := liveClient(t, srv, &memoryState{}, stream.Options{CommitInterval: 20 * time.Millisecond})
	col := newCollector()
	runClient(t, client, col)

	var want []string
	drops := 0
	for i := range 120 {
		want = append(want, seedMalware(t, srv, fmt.Sprintf("Loader %d", i)))
		if i%15 == 7 {
			drops += srv.DropStreams()
		}
		if i%10 == 0 {
			time.Sleep(5 * time.Millisecond)
		}
	}
	col.waitUntil(t, "every malware", func(evs []*stream.Event) bool {
		return len(storedCreates(evs)) >= len(want)+1
	})
	got := storedCreates(col.all())
	for _, id := range append(want, identityID) {
		if got[id] != 1 {
			t.Errorf("object %s handed over %d times, want 1", id, got[id])
		}
	}
	if drops == 0 || client.Stats().Connections < 2 {
		t.Errorf("%d drops and %d connections, want the test to break the stream",
			drops, client.Stats().Connections)
	}
	checkOrder(t, col.all())
	st := client.Stats()
	t.Logf("%d drops, %d connections, %d frames skipped as received before", drops,
		st.Connections, st.Duplicates)
}

// checkOrder checks that the handler saw ids in ascending order.
func checkOrder(t *testing.T, evs []*stream.Event) {
	t.Helper()
	var last stream.ID
	for _, ev := range evs {
		if !ev.HasID || ev.Name == stream.Heartbeat || ev.Name == stream.ConsumerMetrics {
			continue
		}
		if ev.ID.Compare(last) < 0 {
			t.Errorf("event %s %v after %v: out of order", ev.Name, ev.ID, last)
		}
		last = ev.ID
	}
}

func TestStreamSilentConnectionReconnects(t *testing.T) {
	srv := newPlatform(t)
	client := liveClient(t, srv, &memoryState{}, stream.Options{IdleTimeout: 300 * time.Millisecond})
	col := newCollector()
	runClient(t, client, col)
	first := seedMalware(t, srv, "Before silence")
	col.waitUntil(t, "the first malware", func(evs []*stream.Event) bool {
		return storedCreates(evs)[first] == 1
	})

	srv.SilenceStreams(true)
	during := seedMalware(t, srv, "During silence")
	deadline := time.Now().Add(10 * time.Second)
	for client.Stats().IdleTimeouts == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the client did not notice the silent connection within 10 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.SilenceStreams(false)
	after := seedMalware(t, srv, "After silence")
	col.waitUntil(t, "the malware written during and after the silence", func(evs []*stream.Event) bool {
		got := storedCreates(evs)
		return got[during] >= 1 && got[after] >= 1
	})
	got := storedCreates(col.all())
	for _, id := range []string{first, during, after} {
		if got[id] != 1 {
			t.Errorf("object %s handed over %d times, want 1", id, got[id])
		}
	}
}

func TestStreamRecoveryThenLiveEvents(t *testing.T) {
	srv := newPlatform(t)
	old := []string{seedMalware(t, srv, "Old 1"), seedMalware(t, srv, "Old 2")}
	// The recovery date has whole seconds: wait past the second of the
	// writes, so that they are recovered rather than read from the log.
	time.Sleep(1100 * time.Millisecond)
	client, err := stream.NewClient(stream.Config{URL: srv.URL,
		Token: connector.Secret(srv.AdminToken()), StreamID: "live", NoDependencies: true,
		StartFrom: "0-0"}, stream.Options{State: &memoryState{}})
	if err != nil {
		t.Fatal(err)
	}
	col := newCollector()
	runClient(t, client, col)
	col.waitUntil(t, "the recovered objects", func(evs []*stream.Event) bool {
		return len(named(evs, stream.Create)) >= 3
	})
	fresh := seedMalware(t, srv, "Fresh")
	col.waitUntil(t, "the live malware", func(evs []*stream.Event) bool {
		return storedCreates(evs)[fresh] == 1
	})
	recovered := map[string]string{}
	for _, ev := range named(col.all(), stream.Create) {
		if ev.Change.Synthetic() {
			recovered[ev.Change.ObjectID] = ev.Change.Origin.Referer
		}
	}
	for _, id := range append(old, identityID) {
		if recovered[id] == "" {
			t.Errorf("object %s was not recovered; recovered %v", id, recovered)
		}
	}
	if recovered[old[0]] != "init-create" {
		t.Errorf("recovered referer = %q, want init-create", recovered[old[0]])
	}
	if n := storedCreates(col.all())[old[0]]; n != 0 {
		t.Errorf("old object also came %d times from the log, want only the recovery", n)
	}
}

func TestStreamStartsOverAfterStateReset(t *testing.T) {
	srv := newPlatform(t)
	id := seedMalware(t, srv, "Before reset")
	state := &memoryState{}
	client := liveClient(t, srv, state, stream.Options{CommitInterval: 20 * time.Millisecond})
	col := newCollector()
	runClient(t, client, col)
	col.waitUntil(t, "the malware and a saved position", func(evs []*stream.Event) bool {
		return storedCreates(evs)[id] == 1 && state.State()[stream.StartFromKey] != "0-0"
	})
	// What an operator's reset does to the connector state.
	_ = state.SaveState(t.Context(), nil)
	col.waitUntil(t, "the malware read again from the start", func(evs []*stream.Event) bool {
		return storedCreates(evs)[id] == 2
	})
}

func TestStreamResumesAfterRestart(t *testing.T) {
	srv := newPlatform(t)
	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{
		"OPENCTI_URL": srv.URL, "OPENCTI_TOKEN": srv.AdminToken(),
		"CONNECTOR_ID": uuid.NewString(), "CONNECTOR_TYPE": "STREAM", "CONNECTOR_NAME": "Stream test",
		"CONNECTOR_LIVE_STREAM_ID": "live", "CONNECTOR_LIVE_STREAM_RECOVER_ISO_DATE": "false",
	}
	src, err := connector.NewSource(nil, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := connector.ConfigFromSource(src)
	if err != nil {
		t.Fatal(err)
	}
	first := []string{seedMalware(t, srv, "A"), seedMalware(t, srv, "B")}
	run := func(wantIDs []string) []*stream.Event {
		conn, err := connector.New(cfg, connector.NewPlatform(client),
			connector.Options{StartupDelay: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		streamCfg, err := stream.LoadConfig(cfg)
		if err != nil {
			t.Fatal(err)
		}
		reader, err := stream.NewClient(streamCfg, stream.Options{State: conn})
		if err != nil {
			t.Fatal(err)
		}
		col := newCollector()
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			done <- conn.RunLoop(ctx, func(ctx context.Context) error { return reader.Run(ctx, col) })
		}()
		col.waitUntil(t, "the objects and a heartbeat after them", func(evs []*stream.Event) bool {
			got := storedCreates(evs)
			for _, id := range wantIDs {
				if got[id] == 0 {
					return false
				}
			}
			return len(evs) > 0 && evs[len(evs)-1].Name == stream.ConsumerMetrics
		})
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("RunLoop = %v, want nil", err)
		}
		return col.all()
	}
	run(append(first, identityID))
	second := []string{seedMalware(t, srv, "C"), seedMalware(t, srv, "D")}
	evs := run(second)
	got := storedCreates(evs)
	for _, id := range first {
		if got[id] != 0 {
			t.Errorf("object %s of the first run came again after the restart", id)
		}
	}
	for _, id := range second {
		if got[id] != 1 {
			t.Errorf("object %s handed over %d times after the restart, want 1", id, got[id])
		}
	}
	conns := srv.Connectors()
	if len(conns) != 1 || conns[0].State == "" {
		t.Fatalf("connectors = %+v, want one with the stream position in its state", conns)
	}
}
