package pyctitest

import (
	"strings"
	"testing"
	"time"
)

func listWithFilter(t *testing.T, s *Server, key, operator string, values ...any) gqlResult {
	t.Helper()
	filters := map[string]any{"mode": "and", "filterGroups": []any{}, "filters": []any{
		map[string]any{"key": []any{key}, "values": values, "operator": operator, "mode": "or"}}}
	return gql(t, s, s.AdminToken(), "", `query Q($f: FilterGroup) { stixCyberObservables(filters: $f) {
		edges { node { id } } } }`, map[string]any{"f": filters})
}

func edgeCount(r gqlResult) int {
	return len(r.Data["stixCyberObservables"].(map[string]any)["edges"].([]any))
}

func TestFilterWithinDates(t *testing.T) {
	now := time.Date(2024, 5, 4, 12, 0, 0, 0, time.UTC)
	s := newFullServer(t, WithClock(func() time.Time { return now }))
	seedFixtureFile(t, s, "platform-025.json")
	for _, c := range []struct {
		from, to string
		want     int
	}{
		{"2024-05-02T00:00:00Z", "2024-05-03T00:00:00Z", 2},
		{"2024-05-02", "2024-05-03", 2},
		{"now-2d/d", "now", 3},
		{"now-1w", "now+1d", 5},
	} {
		r := listWithFilter(t, s, "created_at", "within", c.from, c.to)
		mustNoErrors(t, r)
		if got := edgeCount(r); got != c.want {
			t.Errorf("within [%s, %s]: %d observables, want %d", c.from, c.to, got, c.want)
		}
	}
}

func TestFilterWithinInvalidValues(t *testing.T) {
	s := newFullServer(t)
	for _, values := range [][]any{{"now-1d"}, {"now-1d", ""}, {"yesterday", "now"}, {"now-1x", "now"}} {
		r := listWithFilter(t, s, "created_at", "within", values...)
		if got := errorCode(r); got != "UNSUPPORTED_ERROR" {
			t.Errorf("within %v: code = %q, want UNSUPPORTED_ERROR: %s", values, got, r.Raw)
		}
	}
}

func TestFilterUnevaluatedOperatorRejected(t *testing.T) {
	s := newFullServer(t)
	seedFixtureFile(t, s, "platform-025.json")
	r := listWithFilter(t, s, "objectMarking", "only_eq_to", "x")
	if got := errorCode(r); got != "UNSUPPORTED_ERROR" {
		t.Fatalf("code = %q, want UNSUPPORTED_ERROR: %s", got, r.Raw)
	}
	if msg, _ := r.Errors[0]["message"].(string); !strings.Contains(msg, "only_eq_to") {
		t.Errorf("message %q does not name the operator", msg)
	}
}

func TestCompareDatesAsInstants(t *testing.T) {
	for _, c := range []struct {
		have, op, want string
		match          bool
	}{
		{"2024-05-02T00:00:00.000Z", "lt", "2024-05-02T00:00:00Z", false},
		{"2024-05-02T00:00:00.000Z", "gte", "2024-05-02T00:00:00Z", true},
		{"2024-05-02T00:00:00.000Z", "eq", "2024-05-02T02:00:00+02:00", true},
		{"2024-05-02T10:00:00+02:00", "lt", "2024-05-02T09:00:00Z", true},
		{"2024-05-02T10:00:00.5Z", "gt", "2024-05-02T10:00:00.45Z", true},
		{"10", "gt", "9", true},
		{"b", "gt", "a", true},
		{"Malware", "eq", "malware", true},
	} {
		if got := compareOp(c.have, c.op, c.want); got != c.match {
			t.Errorf("%s %s %s = %v, want %v", c.have, c.op, c.want, got, c.match)
		}
	}
}
