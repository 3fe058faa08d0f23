package pyctitest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opencti-go/sdk/pycti"
)

const worksQuery = `query W($filters: FilterGroup, $first: Int, $after: ID) {
	works(filters: $filters, first: $first, after: $after) {
		edges { cursor node { id name status } }
		pageInfo { globalCount hasNextPage hasPreviousPage startCursor endCursor } } }`

// newWorksServer starts a server with four works, created one hour apart
// through a pycti client, newest first:
//
//	gamma run    c-b  complete, in error
//	alpha retry  c-a  wait
//	beta run     c-b  progress
//	alpha run    c-a  complete
func newWorksServer(t *testing.T) *Server {
	t.Helper()
	var mu sync.Mutex
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	s := newFullServer(t, WithClock(func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		return now
	}))
	ctx := context.Background()
	client, err := pycti.NewClient(s.URL, s.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"c-a", "c-b"} {
		_, err := client.RegisterConnector(ctx, pycti.Registration{ID: id, Name: "connector " + id,
			Type: pycti.ExternalImport})
		if err != nil {
			t.Fatal(err)
		}
	}
	steps := []struct {
		connector, name     string
		received, processed bool
		inError             bool
	}{
		{"c-a", "alpha run", true, true, false},
		{"c-b", "beta run", true, false, false},
		{"c-a", "alpha retry", false, false, false},
		{"c-b", "gamma run", true, true, true},
	}
	for i, st := range steps {
		mu.Lock()
		now = time.Date(2026, 3, 2, 10+i, 0, 0, 0, time.UTC)
		mu.Unlock()
		id, err := client.AddWork(ctx, st.connector, st.name)
		if err != nil {
			t.Fatal(err)
		}
		if st.received {
			if err := client.WorkReceived(ctx, id, "received"); err != nil {
				t.Fatal(err)
			}
		}
		if st.processed {
			if err := client.WorkProcessed(ctx, id, "done", st.inError); err != nil {
				t.Fatal(err)
			}
		}
	}
	return s
}

func workFilter(key string, operator string, values ...any) map[string]any {
	if values == nil {
		values = []any{}
	}
	return map[string]any{"key": []any{key}, "operator": operator, "values": values, "mode": "or"}
}

func workGroup(mode string, filters []any, groups ...any) map[string]any {
	if groups == nil {
		groups = []any{}
	}
	return map[string]any{"mode": mode, "filters": filters, "filterGroups": groups}
}

// workNames returns the names of the listed works, in list order.
func workNames(t *testing.T, r gqlResult) []string {
	t.Helper()
	mustNoErrors(t, r)
	var names []string
	for _, e := range r.Data["works"].(map[string]any)["edges"].([]any) {
		names = append(names, e.(map[string]any)["node"].(map[string]any)["name"].(string))
	}
	return names
}

func TestWorksFilterGroups(t *testing.T) {
	s := newWorksServer(t)
	cases := []struct {
		name    string
		filters map[string]any
		want    []string
	}{
		{"no filters", nil, []string{"gamma run", "alpha retry", "beta run", "alpha run"}},
		{"and of two keys", workGroup("and", []any{
			workFilter("connector_id", "eq", "c-a"), workFilter("status", "eq", "complete")}),
			[]string{"alpha run"}},
		{"or of two keys", workGroup("or", []any{
			workFilter("status", "eq", "wait"), workFilter("connector_id", "eq", "c-b")}),
			[]string{"gamma run", "alpha retry", "beta run"}},
		{"nested or group", workGroup("and", []any{workFilter("connector_id", "eq", "c-b")},
			workGroup("or", []any{workFilter("status", "eq", "progress"),
				workFilter("name", "starts_with", "alpha")})),
			[]string{"beta run"}},
		{"or of nested and groups", workGroup("or", []any{},
			workGroup("and", []any{workFilter("connector_id", "eq", "c-a"), workFilter("status", "eq", "wait")}),
			workGroup("and", []any{workFilter("connector_id", "eq", "c-b"), workFilter("status", "eq", "progress")})),
			[]string{"alpha retry", "beta run"}},
		{"several values", workGroup("and", []any{workFilter("status", "eq", "wait", "progress")}),
			[]string{"alpha retry", "beta run"}},
		{"several keys in one filter", workGroup("and", []any{map[string]any{
			"key": []any{"connector_id", "name"}, "operator": "eq", "values": []any{"gamma run"}, "mode": "or"}}),
			[]string{"gamma run"}},
		{"values mode and", workGroup("and", []any{map[string]any{
			"key": []any{"name"}, "operator": "contains", "values": []any{"run", "gamma"}, "mode": "and"}}),
			[]string{"gamma run"}},
		{"not_eq", workGroup("and", []any{workFilter("status", "not_eq", "complete")}),
			[]string{"alpha retry", "beta run"}},
		{"nil time", workGroup("and", []any{workFilter("received_time", "nil")}),
			[]string{"alpha retry"}},
		{"not_nil time", workGroup("and", []any{workFilter("completed_time", "not_nil")}),
			[]string{"gamma run", "alpha run"}},
		{"within", workGroup("and", []any{workFilter("timestamp", "within",
			"2026-03-02T10:30:00Z", "2026-03-02T12:30:00Z")}),
			[]string{"alpha retry", "beta run"}},
		{"gte time", workGroup("and", []any{workFilter("timestamp", "gte", "2026-03-02T12:00:00.000Z")}),
			[]string{"gamma run", "alpha retry"}},
		{"id", workGroup("and", []any{workFilter("id", "eq",
			"work_c-a_2026-03-02T10:00:00.000Z")}), []string{"alpha run"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vars := map[string]any{}
			if c.filters != nil {
				vars["filters"] = c.filters
			}
			r := gql(t, s, s.AdminToken(), "", worksQuery, vars)
			if got := workNames(t, r); !slices.Equal(got, c.want) {
				t.Errorf("works = %q, want %q", got, c.want)
			}
		})
	}
}

func TestWorksFilterKeysOfSubsetSchema(t *testing.T) {
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	// The SDK's schema subset selects fewer fields than worksQuery.
	const query = `query W($filters: FilterGroup) { works(filters: $filters) { edges { node { id } } } }`
	for _, key := range []string{"connector_id", "event_source_id", "draft_context", "completed_number"} {
		filters := workGroup("and", []any{workFilter(key, "eq", "x")})
		r := gql(t, s, s.AdminToken(), "", query, map[string]any{"filters": filters})
		if len(r.Errors) > 0 {
			t.Errorf("filter key %s: errors %v, want none", key, r.Errors)
		}
	}
}

func TestWorksFilterRejected(t *testing.T) {
	s := newWorksServer(t)
	cases := []struct {
		name     string
		filter   map[string]any
		wantText string
		wantKeys []any
	}{
		{"key of no schema type", workFilter("bogus_key", "eq", "x"),
			"Incorrect filter keys", []any{"bogus_key"}},
		{"key works lack", workFilter("objectMarking", "eq", "x"),
			"objectMarking", []any{"objectMarking"}},
		{"unevaluated operator", workFilter("status", "only_eq_to", "wait"), "only_eq_to", nil},
		{"within with one date", workFilter("timestamp", "within", "now-1d"), "within", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The bad filter sits after a valid one, in a nested group.
			filters := workGroup("and", []any{workFilter("status", "eq", "wait")},
				workGroup("or", []any{workFilter("name", "eq", "alpha run"), c.filter}))
			r := gql(t, s, s.AdminToken(), "", worksQuery, map[string]any{"filters": filters})
			if got := errorCode(r); got != "UNSUPPORTED_ERROR" {
				t.Fatalf("code = %q, want UNSUPPORTED_ERROR: %s", got, r.Raw)
			}
			if msg, _ := r.Errors[0]["message"].(string); !strings.Contains(msg, c.wantText) {
				t.Errorf("message %q does not contain %q", msg, c.wantText)
			}
			if c.wantKeys == nil {
				return
			}
			data, _ := r.Errors[0]["extensions"].(map[string]any)["data"].(map[string]any)
			if keys, _ := data["keys"].([]any); !slices.Equal(keys, c.wantKeys) {
				t.Errorf("data.keys = %v, want %v", keys, c.wantKeys)
			}
		})
	}
}

func TestWorksPaging(t *testing.T) {
	s := newWorksServer(t)
	all := workNames(t, gql(t, s, s.AdminToken(), "", worksQuery, nil))
	var paged []string
	var after any
	for page, size := range []int{3, 1} {
		r := gql(t, s, s.AdminToken(), "", worksQuery, map[string]any{"first": 3, "after": after})
		names := workNames(t, r)
		if len(names) != size {
			t.Fatalf("page %d has %d works, want %d", page+1, len(names), size)
		}
		info := r.Data["works"].(map[string]any)["pageInfo"].(map[string]any)
		if info["globalCount"] != float64(4) {
			t.Errorf("page %d: globalCount = %v, want 4", page+1, info["globalCount"])
		}
		if info["hasPreviousPage"] != (page > 0) {
			t.Errorf("page %d: hasPreviousPage = %v", page+1, info["hasPreviousPage"])
		}
		if info["hasNextPage"] != (page == 0) {
			t.Errorf("page %d: hasNextPage = %v", page+1, info["hasNextPage"])
		}
		paged = append(paged, names...)
		after = info["endCursor"]
	}
	if !slices.Equal(paged, all) {
		t.Errorf("paged works = %q, want %q", paged, all)
	}
}

func TestWorksPagingFiltered(t *testing.T) {
	s := newWorksServer(t)
	filters := workGroup("and", []any{workFilter("connector_id", "eq", "c-b")})
	r := gql(t, s, s.AdminToken(), "", worksQuery, map[string]any{"filters": filters, "first": 1})
	if got := workNames(t, r); !slices.Equal(got, []string{"gamma run"}) {
		t.Errorf("first page = %q, want [gamma run]", got)
	}
	info := r.Data["works"].(map[string]any)["pageInfo"].(map[string]any)
	if info["globalCount"] != float64(2) {
		t.Errorf("first page globalCount = %v, want 2", info["globalCount"])
	}
	if info["hasNextPage"] != true {
		t.Errorf("first page hasNextPage = %v, want true", info["hasNextPage"])
	}
	r = gql(t, s, s.AdminToken(), "", worksQuery, map[string]any{"filters": filters, "first": 1,
		"after": info["endCursor"]})
	if got := workNames(t, r); !slices.Equal(got, []string{"beta run"}) {
		t.Errorf("second page = %q, want [beta run]", got)
	}
	if info := r.Data["works"].(map[string]any)["pageInfo"].(map[string]any); info["hasNextPage"] != false {
		t.Errorf("second page hasNextPage = %v, want false", info["hasNextPage"])
	}
}

func TestWorksInvalidCursor(t *testing.T) {
	s := newWorksServer(t)
	r := gql(t, s, s.AdminToken(), "", worksQuery, map[string]any{"after": "not-a-cursor"})
	if len(r.Errors) == 0 {
		t.Fatalf("no error for an invalid cursor: %s", r.Raw)
	}
	if msg, _ := r.Errors[0]["message"].(string); !strings.Contains(msg, "not-a-cursor") {
		t.Errorf("message %q does not name the cursor", msg)
	}
}

func TestWorksOrderBy(t *testing.T) {
	s := newWorksServer(t)
	const query = `query W($orderBy: WorksOrdering, $orderMode: OrderingMode) {
		works(orderBy: $orderBy, orderMode: $orderMode) { edges { node { name } } } }`
	cases := []struct {
		orderBy, orderMode string
		want               []string
	}{
		{"timestamp", "asc", []string{"alpha run", "beta run", "alpha retry", "gamma run"}},
		// The platform sorts by timestamp and descending when either is unset.
		{"timestamp", "", []string{"gamma run", "alpha retry", "beta run", "alpha run"}},
		{"", "asc", []string{"alpha run", "beta run", "alpha retry", "gamma run"}},
		{"status", "", []string{"alpha retry", "beta run", "gamma run", "alpha run"}},
		{"created_at", "desc", []string{"gamma run", "alpha retry", "beta run", "alpha run"}},
		// Works of equal status stay newest first.
		{"status", "asc", []string{"gamma run", "alpha run", "beta run", "alpha retry"}},
		{"status", "desc", []string{"alpha retry", "beta run", "gamma run", "alpha run"}},
	}
	for _, c := range cases {
		vars := map[string]any{}
		if c.orderBy != "" {
			vars["orderBy"] = c.orderBy
		}
		if c.orderMode != "" {
			vars["orderMode"] = c.orderMode
		}
		r := gql(t, s, s.AdminToken(), "", query, vars)
		if got := workNames(t, r); !slices.Equal(got, c.want) {
			t.Errorf("orderBy %s %s: works = %q, want %q", c.orderBy, c.orderMode, got, c.want)
		}
	}
}

func TestWorkConnectorResolved(t *testing.T) {
	s := newWorksServer(t)
	const query = `{ works(orderBy: timestamp, orderMode: asc) { edges { node { name connector { id name } } } } }`
	r := gql(t, s, s.AdminToken(), "", query, nil)
	mustNoErrors(t, r)
	want := map[string]string{"alpha run": "c-a", "beta run": "c-b", "alpha retry": "c-a",
		"gamma run": "c-b"}
	for _, e := range r.Data["works"].(map[string]any)["edges"].([]any) {
		node := e.(map[string]any)["node"].(map[string]any)
		name := node["name"].(string)
		connector, _ := node["connector"].(map[string]any)
		if connector == nil {
			t.Errorf("work %s: connector is null, want %s", name, want[name])
			continue
		}
		if connector["id"] != want[name] {
			t.Errorf("work %s: connector id = %v, want %s", name, connector["id"], want[name])
		}
		if connector["name"] != "connector "+want[name] {
			t.Errorf("work %s: connector name = %v, want connector %s", name, connector["name"], want[name])
		}
	}
}
