package pycti

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
)

func TestRelationshipEndsReads(t *testing.T) {
	node := `{"id":"r1","standard_id":"relationship--5e6f7081-92a3-44b5-86d7-e8f90a1b2c3d",` +
		`"entity_type":"uses","relationship_type":"uses","fromId":"a",` +
		`"toId":"b","toStix":"{\"id\":\"relationship--5e6f7081-92a3-44b5-86d7-e8f90a1b2c3d\"}"}`
	sighting := `{"id":"s1","standard_id":"sighting--6f708192-a3b4-45c6-97e8-f90a1b2c3d4e",` +
		`"entity_type":"stix-sighting-relationship","fromId":"a",` +
		`"toId":"c","toStix":""}`
	page := func(n string) string {
		return `{"edges":[{"node":` + n + `}],"pageInfo":{"endCursor":"x","hasNextPage":false,"globalCount":1}}`
	}
	f := newFakePlatform(t, router(t, map[string]func(received) reply{
		"ExportCoreRelationships": func(received) reply {
			return ok(`{"stixCoreRelationships":` + page(node) + `}`)
		},
		"ExportSightingRelationships": func(received) reply {
			return ok(`{"stixSightingRelationships":` + page(sighting) + `}`)
		},
	}))
	c := f.client(t)
	ctx := context.Background()

	opts := ListOptions{FromOrToID: []string{"a", "z"}, Filters: AllOf(Where("objectMarking", "m"))}
	rels := collect(t, c.CoreRelationshipEnds().All(ctx, opts))
	sightings := collect(t, c.SightingRelationshipEnds().All(ctx, opts))
	if len(rels) != 1 || rels[0].FromID != "a" || rels[0].ToID != "b" ||
		string(rels[0].Stix) == "" {
		t.Errorf("relationships = %+v, want r1 with its ends and STIX", rels)
	}
	if len(sightings) != 1 || sightings[0].ToID != "c" || sightings[0].Stix != nil {
		t.Errorf("sightings = %+v, want s1 with its ends and no STIX", sightings)
	}

	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2", len(reqs))
	}
	if ids, _ := reqs[0].Variables["fromOrToId"].([]any); len(ids) != 2 {
		t.Errorf("core relationships fromOrToId = %v, want both ids", reqs[0].Variables["fromOrToId"])
	}

	raw, _ := json.Marshal(reqs[1].Variables["filters"])
	var g FilterGroup
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.FilterGroups) != 2 || g.FilterGroups[0].Filters[0].Key[0] != "fromOrToId" ||
		len(g.FilterGroups[0].Filters[0].Values) != 2 {
		t.Errorf("sighting filters = %s, want a fromOrToId group and the given filter", raw)
	}
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func TestOrderingFields(t *testing.T) {
	if !slices.Contains(OrderingFields("stixCoreObjects"), "published") {
		t.Error("stixCoreObjects cannot be sorted by published")
	}
	if slices.Contains(OrderingFields("stixCoreObjects"), "report_types") {
		t.Error("stixCoreObjects lists report_types, which its enum lacks")
	}
	if !slices.Contains(OrderingFields("stixSightingRelationships"), "attribute_count") {
		t.Error("sightings cannot be sorted by attribute_count")
	}
	if OrderingFields("reports") != nil {
		t.Error("unknown list returned fields")
	}
}

func TestExistingIDsBatchedSplitsIDs(t *testing.T) {
	f := newFakePlatform(t, router(t, map[string]func(received) reply{
		"PyctiExistingIDs": func(r received) reply {
			return ok(`{"stixObjectOrStixRelationships":{"edges":[{"node":{"id":"a",` +
				`"standard_id":"malware--8bdfdafe-f23b-55e8-9729-75341ca079cb"}}],` +
				`"pageInfo":{"endCursor":"x","hasNextPage":false,"globalCount":1}}}`)
		},
	}))
	c := f.client(t)

	found, err := c.ExistingIDsBatched(context.Background(), []string{"a", "b", "c"}, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !found["a"] || !found["malware--8bdfdafe-f23b-55e8-9729-75341ca079cb"] || found["b"] {
		t.Errorf("found = %v, want a under both ids and nothing else", found)
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want 2 batches", len(reqs))
	}
	if first := reqs[0].Variables["first"]; first != float64(2) {
		t.Errorf("first = %v, want the batch size 2", first)
	}
}
