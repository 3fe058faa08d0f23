package export_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// starFixture builds a malware with k relationships to k tools and one
// sighting, every object marked TLP:GREEN and by one author.
func starFixture(k int) []byte {
	ts := "2024-04-01T00:00:00.000Z"
	green := []string{"mk-green"}
	uuid := func(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }
	entities := map[string]any{
		"author": map[string]any{"entity_type": "Organization", "name": "Example Analysts",
			"standard_id": "identity--" + uuid(1), "identity_class": "organization",
			"created": ts, "modified": ts},
		"place": map[string]any{"entity_type": "Organization", "name": "Example Victim",
			"standard_id": "identity--" + uuid(2), "identity_class": "organization",
			"created": ts, "modified": ts},
		"malware": map[string]any{"entity_type": "Malware", "name": "Example Star",
			"standard_id": "malware--" + uuid(3), "is_family": true, "created": ts,
			"modified": ts, "createdBy": "author", "objectMarking": green},
	}
	relationships := map[string]any{
		"sighting": map[string]any{"entity_type": "stix-sighting-relationship",
			"standard_id": "sighting--" + uuid(4), "from": "malware", "to": "place",
			"attribute_count": 1, "created": ts, "modified": ts, "createdBy": "author",
			"objectMarking": green},
	}
	for i := range k {
		tool := fmt.Sprintf("tool-%d", i)
		entities[tool] = map[string]any{"entity_type": "Tool", "name": "Example tool " + tool,
			"standard_id": "tool--" + uuid(100000+i), "created": ts, "modified": ts,
			"createdBy": "author", "objectMarking": green}
		relationships["uses-"+tool] = map[string]any{"entity_type": "stix-core-relationship",
			"relationship_type": "uses", "standard_id": "relationship--" + uuid(200000+i),
			"from": "malware", "to": tool, "created": ts, "modified": ts,
			"createdBy": "author", "objectMarking": green}
	}
	return fixtureJSON("mk-green", entities, relationships)
}

// pyctiRoundTrips is pycti's cost, in GraphQL requests, of a full export
// of one entity with k relationships, s sightings, m markings and an
// author: 4 + m + P(k) + P(s) + 5(k + s). P(x) is the number of pages of
// 100 needed to list x items, at least one.
func pyctiRoundTrips(k, s, m int) int {
	pages := func(x int) int { return max(1, (x+99)/100) }
	return 4 + m + pages(k) + pages(s) + 5*(k+s)
}

// starPlatform seeds the star fixture with k relationships and returns
// the platform and an exporter of the given profile.
func starPlatform(tb testing.TB, k int, profile export.Profile) (*pyctitest.Server,
	*export.Exporter) {
	s, c := platform(tb)
	if _, err := s.SeedFixture(starFixture(k)); err != nil {
		tb.Fatal(err)
	}
	return s, exporter(tb, c, export.Options{Profile: profile})
}

// starExport runs a full single export of the star fixture's malware,
// upload included, and returns the objects exported and the GraphQL
// requests it made.
func starExport(tb testing.TB, s *pyctitest.Server, x *export.Exporter) (int, int) {
	req := export.Request{Scope: export.ScopeSingle, Mode: export.ModeFull, EntityType: "Malware",
		EntityID: "malware", FileName: "star.json", AccessFilter: &pycti.FilterGroup{Mode: "and"}}
	s.ResetRequests()
	res, err := x.Export(context.Background(), req)
	if err != nil {
		tb.Fatal(err)
	}
	return res.Objects, graphQLRequests(s)
}

func graphQLRequests(s *pyctitest.Server) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Path == "/graphql" {
			n++
		}
	}
	return n
}

// A full export of an entity with 200 relationships, a sighting, a marking
// and an author takes at most 10 GraphQL requests, upload included, where
// pycti needs 1,008.
func TestFullExportRequestBound(t *testing.T) {
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		t.Run(string(profile), func(t *testing.T) {
			s, x := starPlatform(t, 200, profile)
			objects, requests := starExport(t, s, x)
			// The malware, its 200 relationships and 200 tools, the sighting
			// and its place, the author and the marking.
			if objects != 405 {
				t.Errorf("%d objects, want 405", objects)
			}
			if requests > 10 {
				t.Errorf("%d GraphQL requests, want at most 10 (pycti: %d)", requests,
					pyctiRoundTrips(200, 1, 1))
			}
			t.Logf("%d GraphQL requests for k=200 (pycti: %d)", requests, pyctiRoundTrips(200, 1, 1))
		})
	}
}

// BenchmarkFullExportRequests reports the GraphQL requests of a full
// single export against the number k of relationships, beside pycti's, and
// the time of one export (upload included) from an in-memory platform.
func BenchmarkFullExportRequests(b *testing.B) {
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		for _, k := range []int{10, 200, 2000} {
			b.Run(fmt.Sprintf("%s/k=%d", profile, k), func(b *testing.B) {
				s, x := starPlatform(b, k, profile)
				var requests int
				for b.Loop() {
					_, requests = starExport(b, s, x)
				}
				b.ReportMetric(float64(requests), "requests/export")
				b.ReportMetric(float64(pyctiRoundTrips(k, 1, 1)), "pycti-requests/export")
			})
		}
	}
}
