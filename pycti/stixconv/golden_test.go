package stixconv

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of the conversion tests")

// pngBytes is a PNG signature followed by junk: enough for content sniffing.
var pngBytes = []byte("\x89PNG\r\n\x1a\n-not-a-real-image")

// testResolver serves the nested refs, hidden ids and files of the golden
// cases.
var testResolver = MapResolver{
	Refs:   nestedRefs,
	Hidden: map[string]bool{"hidden-member": true, "hidden-author": true, "malware-hidden": true},
	Files: map[string][]byte{
		"import/Language/language-1/glossary.txt":   []byte("quill: feather\n"),
		"import/Report/report-1/brief.pdf":          []byte("%PDF-1.7 brief"),
		"import/Artifact/artifact-1/payload.zip":    []byte("PK\x03\x04payload"),
		"import/External-Reference/ref-rel/ioc.csv": []byte("ip\n198.51.100.7\n"),
		"embedded/chart.png":                        pngBytes,
	},
}

// end returns a relationship end node.
func end(id, entityType, stixType, parents string) string {
	return fmt.Sprintf(`{"id":%q,"entity_type":%q,"parent_types":[%s],"standard_id":%q}`,
		id, entityType, parents, sid(stixType, id))
}

// relationshipNode returns a core relationship node as RawCoreRelationships
// reads it.
func relationshipNode(id, relType, from, to string, author string) json.RawMessage {
	return json.RawMessage(`{"id":"` + id + `","entity_type":"` + relType + `",` +
		`"parent_types":["basic-relationship","stix-relationship","stix-core-relationship"],` +
		`"spec_version":"2.1","created_at":"2024-02-01T09:00:00.000Z",` +
		`"updated_at":"2024-02-01T09:00:00.000Z","standard_id":"` + sid("relationship", id) +
		`","relationship_type":"` + relType + `","description":"Seen together.",` +
		`"start_time":"1970-01-01T00:00:00.000Z","stop_time":"5138-11-16T09:46:40.000Z",` +
		`"revoked":false,"confidence":70,"lang":"en","created":"2024-02-01T09:00:00.000Z",` +
		`"modified":"2024-02-01T09:00:00.000Z","status":null,"createdBy":` + author + `,` +
		`"objectMarking":[` + testMarkings["amber"] + `],"objectOrganization":[],` +
		`"objectLabel":[],"externalReferences":{"edges":[{"node":{"id":"ref-rel",` +
		`"standard_id":"` + sid("external-reference", id) + `","entity_type":` +
		`"External-Reference","source_name":"Feed","description":"","url":"https://feed.` +
		`example.org/` + id + `","hash":null,"external_id":"F-1","created":"2024-01-01T00:00:` +
		`00.000Z","modified":"2024-01-01T00:00:00.000Z","importFiles":{"edges":[{"node":` +
		fileNode("import/External-Reference/ref-rel/ioc.csv", "ioc.csv", "text/csv", "",
			"amber") + `}]}}}]},"from":` + from + `,"to":` + to + `,"coverage_information":[]}`)
}

// sightingAuthor is a sighting's author: pycti's sighting reader selects
// no spec_version.
var sightingAuthor = strings.Replace(testAuthor, `"spec_version":"2.1",`, "", 1)

func sightingNode() json.RawMessage {
	return json.RawMessage(`{"id":"sighting-1","entity_type":"stix-sighting-relationship",` +
		`"parent_types":["basic-relationship","stix-relationship"],"spec_version":"2.1",` +
		`"created_at":"2024-02-01T09:00:00.000Z","updated_at":"2024-02-01T09:00:00.000Z",` +
		`"standard_id":"` + sid("sighting", "1") + `","description":"Seen at the gateway.",` +
		`"first_seen":"2024-03-01T00:00:00.000Z","last_seen":"2024-03-02T00:00:00.000Z",` +
		`"attribute_count":4,"x_opencti_negative":false,"created":"2024-03-02T00:00:00.000Z",` +
		`"modified":"2024-03-02T00:00:00.000Z","confidence":60,"status":null,"createdBy":` +
		sightingAuthor + `,"objectMarking":[` + testMarkings["amber"] + `],` +
		`"objectOrganization":[],"objectLabel":[],"externalReferences":{"edges":[]},` +
		`"from":` + end("indicator-1", "Indicator", "indicator", `"Stix-Domain-Object"`) +
		`,"to":` + end("org-seen", "Organization", "identity", `"Stix-Domain-Object","Identity"`) +
		`}`)
}

// goldenCase is one conversion input with its golden file stem.
type goldenCase struct {
	name string
	node json.RawMessage
}

func goldenCases() []goldenCase {
	var cases []goldenCase
	for _, group := range [][]spec{domainSpecs, identitySpecs, locationSpecs, observableSpecs} {
		for _, s := range group {
			cases = append(cases, goldenCase{s.name, s.node()})
		}
	}
	hidden := spec{name: "NarrativeHiddenAuthor", entityType: "Narrative",
		parents: sdo, stixType: "narrative", blocks: sdoBlocks, markings: amber,
		author: strings.Replace(testAuthor, `"id":"author-1"`, `"id":"hidden-author"`, 1),
		fields: `"name":"Hidden author","description":"","aliases":[],"narrative_types":[]`}
	is := end("intrusionset-1", "Intrusion-Set", "intrusion-set", `"Stix-Domain-Object"`)
	mal := end("malware-1", "Malware", "malware", `"Stix-Domain-Object"`)
	return append(cases,
		goldenCase{hidden.name, hidden.node()},
		goldenCase{"RelationshipUses", relationshipNode("rel-uses", "uses", is, mal, testAuthor)},
		goldenCase{"RelationshipHiddenEnd", relationshipNode("rel-hidden", "indicates",
			end("indicator-1", "Indicator", "indicator", `"Stix-Domain-Object"`),
			end("malware-hidden", "Malware", "malware", `"Stix-Domain-Object"`), "null")},
		goldenCase{"RelationshipToCase", relationshipNode("rel-case", "related-to", mal,
			end("caseincident-1", "Case-Incident", "case-incident",
				`"Stix-Domain-Object","Container"`), "null")},
		goldenCase{"Sighting", sightingNode()},
	)
}

var goldenModes = []struct {
	name   string
	compat Compat
}{{"pycti", Pycti()}, {"fixed", Compat{}}}

// render returns the golden text of a conversion: the objects, 2-space
// indented in their key order, or why the entity was dropped.
func render(t *testing.T, r *Result) []byte {
	t.Helper()
	var buf bytes.Buffer
	if r.Dropped != "" {
		fmt.Fprintf(&buf, "dropped: %s\n", r.Dropped)
	}
	for _, o := range r.Objects {
		if err := json.Indent(&buf, o.JSON(), "", "  "); err != nil {
			t.Fatal(err)
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func TestGoldenConversions(t *testing.T) {
	for _, c := range goldenCases() {
		for _, m := range goldenModes {
			t.Run(c.name+"/"+m.name, func(t *testing.T) {
				res, err := Convert(context.Background(), c.node,
					Options{Compat: m.compat, Resolver: testResolver})
				if err != nil {
					t.Fatal(err)
				}
				checkGolden(t, filepath.Join("testdata", "golden", c.name+"."+m.name+".json"),
					render(t, res))
			})
		}
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the conversion:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}
