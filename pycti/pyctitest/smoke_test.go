package pyctitest

import (
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
)

func TestSmokeSeedAndList(t *testing.T) {
	s := newFullServer(t)
	res, err := s.SeedFile(testenv.SharedDir(t, "stix", "corpus", "oasis-cti-documentation", "sighting-of-an-indicator.json"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", res)
	r := gql(t, s, s.AdminToken(), "", `query Q($first: Int) { stixCoreObjects(first: $first) { edges { node { id standard_id entity_type toStix ... on Indicator { pattern createdBy { name } } } } pageInfo { globalCount hasNextPage endCursor } } }`, map[string]any{"first": 2})
	mustNoErrors(t, r)
	t.Logf("%s", r.Raw)
	r = gql(t, s, s.AdminToken(), "", `{ stixSightingRelationships { edges { node { id toStix from { ... on Indicator { name } } } } } }`, nil)
	mustNoErrors(t, r)
	t.Logf("%s", r.Raw)
}
