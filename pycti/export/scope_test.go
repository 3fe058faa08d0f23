package export_test

import (
	"testing"

	"github.com/opencti-go/sdk/internal/demodata"
	"github.com/opencti-go/sdk/pycti"
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

// A selection export keeps to the selected ids even when the main filter
// does not name them: a broad main filter cannot widen the selection.
func TestSelectionMainFilterCannotWiden(t *testing.T) {
	s, c := platform(t)
	if _, err := s.SeedBundle(demodata.GlassTern); err != nil {
		t.Fatal(err)
	}
	const malware = "malware--2677fab2-d1c5-5e48-8c70-d1d2b86ce934"
	x := exporter(t, c, export.Options{})
	req := export.Request{Scope: export.ScopeSelection, Mode: export.ModeSimple,
		EntityType: "Stix-Domain-Object", FileName: "selection.json",
		SelectedIDs: []string{malware},
		MainFilter:  pycti.AllOf(pycti.Where("entity_type", "Malware", "Tool"))}

	b, _ := write(t, x, req)

	if got := b.ofType("tool"); len(got) != 0 {
		t.Errorf("bundle holds tools %v that were not selected", got)
	}
	if b.object(malware) == nil {
		t.Errorf("bundle ids %v lack the selected malware", b.ids())
	}
}
