package pyctitest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

type sseFrame struct {
	id, name string
	data     map[string]any
}

// openSSE connects to path and returns a channel of decoded frames, closed
// when the connection ends.
func openSSE(t *testing.T, s *Server, path, token string, header map[string]string) (
	int, <-chan sseFrame) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	frames := make(chan sseFrame, 1000)
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		close(frames)
		return resp.StatusCode, frames
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream; charset=utf-8" {
		t.Errorf("Content-Type = %q, want text/event-stream; charset=utf-8", ct)
	}
	go func() {
		defer close(frames)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 16<<20)
		var f sseFrame
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				frames <- f
				f = sseFrame{}
			case strings.HasPrefix(line, "id: "):
				f.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				f.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				var v any
				_ = json.Unmarshal([]byte(line[6:]), &v)
				f.data, _ = v.(map[string]any)
			}
		}
	}()
	return resp.StatusCode, frames
}

// next returns the next frame that is not a heartbeat or metrics frame.
func next(t *testing.T, frames <-chan sseFrame) sseFrame {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case f, ok := <-frames:
			if !ok {
				t.Fatal("stream ended")
			}
			if f.name != "heartbeat" && f.name != "consumer_metrics" {
				return f
			}
		case <-timeout:
			t.Fatal("no frame within 10 s")
		}
	}
}

func stixData(f sseFrame) map[string]any {
	d, _ := f.data["data"].(map[string]any)
	return d
}

const streamMalware = `{"type":"bundle","id":"bundle--5b0e7c1a-0000-4000-8000-000000000001","objects":[
{"type":"malware","spec_version":"2.1","id":"malware--0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
 "name":"SnakeLoader","is_family":true,"description":"Loader.",
 "created":"2026-02-11T08:00:00.000Z","modified":"2026-02-11T08:00:00.000Z"}]}`

func TestStreamCreateUpdateDelete(t *testing.T) {
	s := newServer(t)
	s.SetStreamHeartbeat(20 * time.Millisecond)
	_, frames := openSSE(t, s, "/stream/live", s.AdminToken(), map[string]string{"from": "0"})
	connected := next(t, frames)
	if connected.name != "connected" || connected.id != "" || connected.data["connectionId"] == "" {
		t.Fatalf("first frame = %+v, want connected without id", connected)
	}
	if _, err := s.SeedBundle([]byte(streamMalware)); err != nil {
		t.Fatal(err)
	}
	created := next(t, frames)
	if created.name != "create" || created.data["type"] != "create" ||
		stixData(created)["name"] != "SnakeLoader" || created.data["event_id"] != created.id {
		t.Fatalf("create frame = %+v", created)
	}
	internalID := s.mustInternalID(t, "malware--0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f")
	res := gql(t, s, s.AdminToken(), "", `mutation($id: ID!) { stixDomainObjectEdit(id: $id) {
		fieldPatch(input: [{key: "description", value: ["Loader seen in March."]}]) { id } } }`,
		map[string]any{"id": internalID})
	if len(res.Errors) > 0 {
		t.Fatalf("fieldPatch errors: %v", res.Errors)
	}
	updated := next(t, frames)
	ctx, _ := updated.data["context"].(map[string]any)
	patch, _ := json.Marshal(ctx["patch"])
	if updated.name != "update" || !strings.Contains(string(patch), `"path":"/description"`) ||
		stixData(updated)["description"] != "Loader seen in March." {
		t.Fatalf("update frame = %+v, patch %s", updated, patch)
	}
	if !idLess(created.id, updated.id) {
		t.Errorf("update id %s not after create id %s", updated.id, created.id)
	}
	res = gql(t, s, s.AdminToken(), "", `mutation($id: ID!) { stixDomainObjectEdit(id: $id) { delete } }`,
		map[string]any{"id": internalID})
	if len(res.Errors) > 0 {
		t.Fatalf("delete errors: %v", res.Errors)
	}
	deleted := next(t, frames)
	if deleted.name != "delete" || stixData(deleted)["description"] != "Loader seen in March." {
		t.Fatalf("delete frame = %+v, want the object as it was", deleted)
	}
}

func idLess(a, b string) bool {
	x, _ := parseEventID(a)
	y, _ := parseEventID(b)
	return x.less(y)
}

func (s *Server) mustInternalID(t *testing.T, stixID string) string {
	t.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	e := s.data.get(stixID)
	if e == nil {
		t.Fatalf("%s not stored", stixID)
	}
	return e.id
}

func TestStreamHeartbeatAdvancesPosition(t *testing.T) {
	s := newServer(t)
	s.SetStreamHeartbeat(20 * time.Millisecond)
	_, frames := openSSE(t, s, "/stream/live", s.AdminToken(), nil)
	var beats []sseFrame
	for f := range frames {
		if f.name == "heartbeat" {
			beats = append(beats, f)
			if len(beats) == 3 {
				break
			}
		}
	}
	if len(beats) < 3 || beats[0].id == "" || idLess(beats[2].id, beats[0].id) {
		t.Fatalf("heartbeats = %+v, want ids that do not go back", beats)
	}
}

func TestStreamAccessRules(t *testing.T) {
	s := newServer(t)
	if err := s.AddGroup(Group{ID: "readers", Capabilities: []string{CapKnowledge, CapTAXIIAPI}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(User{ID: "reader", Token: "reader-token", Groups: []string{"readers"}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []StreamCollection{{ID: "iocs", Types: []string{"Indicator"}},
		{ID: "old", Stopped: true}, {ID: "open", Public: true}} {
		if err := s.AddStream(c); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		path, token string
		want        int
	}{
		{"/stream", "reader-token", http.StatusUnauthorized},
		{"/stream/live", "reader-token", http.StatusUnauthorized},
		{"/stream", s.AdminToken(), http.StatusOK},
		{"/stream/iocs", "reader-token", http.StatusOK},
		{"/stream/iocs", "", http.StatusUnauthorized},
		{"/stream/unknown", s.AdminToken(), http.StatusUnauthorized},
		{"/stream/old", s.AdminToken(), http.StatusGone},
		{"/stream/open", "", http.StatusOK},
	}
	for _, c := range cases {
		if got, _ := openSSE(t, s, c.path, c.token, nil); got != c.want {
			t.Errorf("GET %s with token %q = %d, want %d", c.path, c.token, got, c.want)
		}
	}
	reqs := s.StreamRequests()
	if len(reqs) != len(cases) || reqs[0].Status != http.StatusUnauthorized {
		t.Errorf("stream requests = %+v, want %d recorded", reqs, len(cases))
	}
}

func TestStreamCollectionFiltersTypes(t *testing.T) {
	s := newServer(t)
	if err := s.AddStream(StreamCollection{ID: "iocs", Types: []string{"Indicator"}}); err != nil {
		t.Fatal(err)
	}
	_, frames := openSSE(t, s, "/stream/iocs", s.AdminToken(), map[string]string{"from": "0-0"})
	next(t, frames)
	bundle := fmt.Sprintf(`{"type":"bundle","id":"bundle--5b0e7c1a-0000-4000-8000-000000000002","objects":[%s,
	{"type":"indicator","spec_version":"2.1","id":"indicator--9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
	 "name":"bad ip","pattern":"[ipv4-addr:value = '198.51.100.23']","pattern_type":"stix",
	 "valid_from":"2026-03-02T08:55:00Z","created":"2026-03-02T08:55:00Z","modified":"2026-03-02T08:55:00Z"}]}`,
		strings.TrimSuffix(strings.SplitN(streamMalware, "[", 2)[1], "]}"))
	if _, err := s.SeedBundle([]byte(bundle)); err != nil {
		t.Fatal(err)
	}
	f := next(t, frames)
	if stixData(f)["type"] != "indicator" {
		t.Errorf("first event = %v, want the indicator; the malware is filtered out", stixData(f)["type"])
	}
}

// newServer starts a server validating against the SDK's schema.
func newServer(t *testing.T) *Server {
	t.Helper()
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
