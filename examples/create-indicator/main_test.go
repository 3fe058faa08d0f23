package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/demodata"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// driftwood is the standard id of the demo dataset's malware.
const driftwood = "malware--2677fab2-d1c5-5e48-8c70-d1d2b86ce934"

const beacon = "[domain-name:value = 'beacon.glass-tern.example']"

// newPlatform starts an in-memory platform seeded with the demo dataset
// and returns it with a client of its administrator.
func newPlatform(t *testing.T) (*pyctitest.Server, *pycti.Client) {
	t.Helper()
	srv, err := pyctitest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	if _, err := srv.SeedBundle(demodata.GlassTern); err != nil {
		t.Fatal(err)
	}
	client, err := pycti.NewClient(srv.URL, srv.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	return srv, client
}

func TestRunLinksExistingMalware(t *testing.T) {
	_, client := newPlatform(t)
	var out strings.Builder
	in := indicator{pattern: beacon, name: "Glass Tern beacon", malware: "Driftwood"}
	if err := run(t.Context(), &out, client, in); err != nil {
		t.Fatal(err)
	}

	local, err := pycti.StandardID("Indicator", map[string]any{"pattern": beacon})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("output has %d lines, want 4:\n%s", len(lines), out.String())
	}
	if want := "indicator id computed locally: " + local; lines[0] != want {
		t.Errorf("line 1 = %q, want %q", lines[0], want)
	}
	if want := "indicator id from the platform:  " + local; lines[1] != want {
		t.Errorf("line 2 = %q, want %q", lines[1], want)
	}
	if want := `malware "Driftwood": ` + driftwood; lines[2] != want {
		t.Errorf("line 3 = %q, want %q", lines[2], want)
	}

	rel := onlyRelationship(t, client, local)
	if rel.RelationshipType != "indicates" {
		t.Errorf("relationship type = %q, want indicates", rel.RelationshipType)
	}
	if rel.To == nil || rel.To.StandardID != driftwood {
		t.Errorf("relationship target = %+v, want %s", rel.To, driftwood)
	}
	if want := "relationship indicates: " + rel.StandardID; lines[3] != want {
		t.Errorf("line 4 = %q, want %q", lines[3], want)
	}
}

func TestRunTwiceCreatesNothingNew(t *testing.T) {
	_, client := newPlatform(t)
	in := indicator{pattern: beacon, malware: "Driftwood"}
	var first, second strings.Builder
	if err := run(t.Context(), &first, client, in); err != nil {
		t.Fatal(err)
	}
	if err := run(t.Context(), &second, client, in); err != nil {
		t.Fatal(err)
	}
	if first.String() != second.String() {
		t.Errorf("second run printed other ids:\n%s\nfirst run:\n%s", second.String(), first.String())
	}
	local, _ := pycti.StandardID("Indicator", map[string]any{"pattern": beacon})
	onlyRelationship(t, client, local)
}

func TestRunCreatesMissingMalware(t *testing.T) {
	_, client := newPlatform(t)
	var out strings.Builder
	in := indicator{pattern: "[ipv4-addr:value = '198.51.100.23']", malware: "Quillfeather"}
	if err := run(t.Context(), &out, client, in); err != nil {
		t.Fatal(err)
	}
	id, err := pycti.StandardID("Malware", map[string]any{"name": "Quillfeather"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), fmt.Sprintf("malware %q: %s\n", "Quillfeather", id)) {
		t.Errorf("output lacks the new malware's id %s:\n%s", id, out.String())
	}
	if _, err := client.StixDomainObjects().Get(t.Context(), id); err != nil {
		t.Errorf("read the new malware: %v", err)
	}
}

func TestRunInvalidPatternSendsNothing(t *testing.T) {
	srv, client := newPlatform(t)
	in := indicator{pattern: "[domain-name:value = 'beacon.example'", malware: "Driftwood"}
	err := run(t.Context(), &strings.Builder{}, client, in)
	if err == nil || !strings.Contains(err.Error(), "invalid pattern") {
		t.Errorf("err = %v, want an invalid pattern error", err)
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestRunMissingMalware(t *testing.T) {
	_, client := newPlatform(t)
	err := run(t.Context(), &strings.Builder{}, client, indicator{pattern: beacon})
	if err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("err = %v, want a missing argument error", err)
	}
}

// onlyRelationship returns the one relationship from the indicator whose
// standard id is indicatorID, and fails the test when there are others.
func onlyRelationship(t *testing.T, client *pycti.Client, indicatorID string) pycti.Relationship {
	t.Helper()
	ind, err := client.Indicators().Get(t.Context(), indicatorID)
	if err != nil {
		t.Fatalf("read indicator %s: %v", indicatorID, err)
	}
	opts := pycti.ListOptions{FromID: []string{ind.ID}}
	var rels []pycti.Relationship
	for rel, err := range client.StixCoreRelationships().All(t.Context(), opts) {
		if err != nil {
			t.Fatal(err)
		}
		rels = append(rels, rel)
	}
	if len(rels) != 1 {
		t.Fatalf("indicator has %d relationships, want 1: %+v", len(rels), rels)
	}
	return rels[0]
}
