package pyctitest

import (
	"slices"
	"testing"
)

func filterOn(keys ...string) map[string]any {
	var filters []any
	for _, k := range keys {
		filters = append(filters, map[string]any{"key": []any{k}, "values": []any{"x"},
			"operator": "eq", "mode": "or"})
	}
	return map[string]any{"mode": "and", "filters": []any{}, "filterGroups": []any{
		map[string]any{"mode": "or", "filters": filters, "filterGroups": []any{}}}}
}

func TestFilterUnknownKeyRejected(t *testing.T) {
	schemas := map[string][]Option{"default": nil, "full": {WithSchema(fullSchema(t))}}
	for name, opts := range schemas {
		t.Run(name, func(t *testing.T) {
			s, err := NewServer(opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			r := gql(t, s, s.AdminToken(), "", `query Q($f: FilterGroup) { stixCoreObjects(filters: $f) {
				edges { node { id } } } }`, map[string]any{"f": filterOn("name", "entity-type", "bogus.value")})
			if got := errorCode(r); got != "UNSUPPORTED_ERROR" {
				t.Fatalf("code = %q, want UNSUPPORTED_ERROR: %s", got, r.Raw)
			}
			data, _ := r.Errors[0]["extensions"].(map[string]any)["data"].(map[string]any)
			keys, _ := data["keys"].([]any)
			if !slices.Equal(keys, []any{"entity-type", "bogus.value"}) {
				t.Errorf("data.keys = %v, want [entity-type bogus.value]", keys)
			}
		})
	}
}

func TestFilterKnownKeysAccepted(t *testing.T) {
	s := newFullServer(t)
	keys := []string{"ids", "entity_type", "name", "objectMarking", "objectLabel.internal_id",
		"regardingOf", "fromOrToId", "rel_uses.internal_id", "x_opencti_score", "report_types"}
	r := gql(t, s, s.AdminToken(), "", `query Q($f: FilterGroup) { stixCoreObjects(filters: $f) {
		edges { node { id } } } }`, map[string]any{"f": filterOn(keys...)})
	mustNoErrors(t, r)
}
