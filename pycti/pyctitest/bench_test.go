package pyctitest

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
)

var (
	benchOnce   sync.Once
	benchServer *Server
	benchErr    error
)

// benchPlatform returns a server holding 100,000 entities: 50,000
// indicators, 25,000 domain names and 25,000 relationships between them.
func benchPlatform(b *testing.B) *Server {
	benchOnce.Do(func() {
		benchServer, benchErr = NewServer(WithSchema(fullSchema(b)))
		if benchErr != nil {
			return
		}
		objs := make([]any, 0, 100000)
		for i := range 50000 {
			objs = append(objs, map[string]any{"type": "indicator", "spec_version": "2.1",
				"id": fmt.Sprintf("indicator--00000000-0000-4000-8000-%012d", i), "name": fmt.Sprintf("ind %d", i),
				"pattern": fmt.Sprintf("[domain-name:value = 'h%d.example']", i), "pattern_type": "stix",
				"valid_from": "2024-01-01T00:00:00.000Z", "created": fmt.Sprintf("2024-01-01T00:00:%02d.000Z", i%60),
				"modified": "2024-01-01T00:00:00.000Z"})
		}
		for i := range 25000 {
			objs = append(objs, map[string]any{"type": "domain-name", "spec_version": "2.1",
				"id": fmt.Sprintf("domain-name--00000000-0000-4000-8000-%012d", i), "value": fmt.Sprintf("h%d.example", i)})
			objs = append(objs, map[string]any{"type": "relationship", "spec_version": "2.1",
				"id": fmt.Sprintf("relationship--00000000-0000-4000-8000-%012d", i), "relationship_type": "based-on",
				"source_ref": fmt.Sprintf("indicator--00000000-0000-4000-8000-%012d", i),
				"target_ref": fmt.Sprintf("domain-name--00000000-0000-4000-8000-%012d", i),
				"created":    "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z"})
		}
		raw, _ := json.Marshal(map[string]any{"type": "bundle", "objects": objs})
		_, benchErr = benchServer.SeedBundle(raw)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchServer
}

func BenchmarkListByIDs100(b *testing.B) {
	s := benchPlatform(b)
	ids := make([]any, 100)
	for i := range ids {
		ids[i] = fmt.Sprintf("indicator--00000000-0000-4000-8000-%012d", i*400)
	}
	vars := map[string]any{"f": map[string]any{"mode": "and", "filterGroups": []any{},
		"filters": []any{map[string]any{"key": "ids", "values": ids}}}}
	q := `query Q($f: FilterGroup) { stixCoreObjects(filters: $f, first: 500) { edges { node { id toStix } } } }`
	b.ResetTimer()
	for b.Loop() {
		r := gql(b, s, s.AdminToken(), "", q, vars)
		if len(r.Errors) > 0 {
			b.Fatal(string(r.Raw))
		}
	}
}

func BenchmarkRelationshipsFromOrToID(b *testing.B) {
	s := benchPlatform(b)
	q := `query Q($id: [String]) { stixCoreRelationships(fromOrToId: $id) { edges { node { id toStix } } } }`
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		r := gql(b, s, s.AdminToken(), "", q, map[string]any{"id": []any{
			fmt.Sprintf("domain-name--00000000-0000-4000-8000-%012d", i%25000)}})
		if len(r.Errors) > 0 {
			b.Fatal(string(r.Raw))
		}
	}
}

// BenchmarkQueryExportPages pages through the 50,000 indicators sorted by
// created_at, 5,000 at a time, as a query export does.
func BenchmarkQueryExportPages(b *testing.B) {
	s := benchPlatform(b)
	q := `query Q($after: ID) { indicators(first: 5000, after: $after, orderBy: created_at, orderMode: desc) {
		edges { node { id } } pageInfo { endCursor hasNextPage } } }`
	b.ResetTimer()
	for b.Loop() {
		var after any
		for {
			r := gql(b, s, s.AdminToken(), "", q, map[string]any{"after": after})
			info := r.Data["indicators"].(map[string]any)["pageInfo"].(map[string]any)
			if info["hasNextPage"] != true {
				break
			}
			after = info["endCursor"]
		}
	}
}
