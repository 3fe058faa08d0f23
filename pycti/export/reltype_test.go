package export_test

import (
	"testing"

	"github.com/opencti-go/sdk/internal/demodata"
	"github.com/opencti-go/sdk/pycti/export"
)

// A query export of a relationship type lists relationships of that type
// only; stix-core-relationship lists them all.
func TestQueryExportRelationshipType(t *testing.T) {
	s, c := platform(t)
	if _, err := s.SeedBundle(demodata.GlassTern); err != nil {
		t.Fatal(err)
	}
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		t.Run(string(profile), func(t *testing.T) {
			checkRelationshipTypeExport(t, exporter(t, c, export.Options{Profile: profile}))
		})
	}
}

func checkRelationshipTypeExport(t *testing.T, x *export.Exporter) {
	types := func(entityType string) map[string]int {
		req := export.Request{Scope: export.ScopeQuery, Mode: export.ModeSimple,
			EntityType: entityType, FileName: entityType + ".json"}
		b, _ := write(t, x, req)
		out := map[string]int{}
		for _, o := range b.Objects {
			if o["type"] == "relationship" {
				rt, _ := o["relationship_type"].(string)
				out[rt]++
			}
		}
		return out
	}

	uses := types("uses")
	all := types("stix-core-relationship")

	if len(uses) != 1 || uses["uses"] == 0 {
		t.Errorf("export of uses: relationship types %v, want uses only", uses)
	}
	if len(all) < 2 {
		t.Errorf("export of stix-core-relationship: relationship types %v, want several", all)
	}
	if uses["uses"] != all["uses"] {
		t.Errorf("export of uses has %d uses relationships, the full list %d",
			uses["uses"], all["uses"])
	}
}
