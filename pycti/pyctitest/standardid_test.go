package pyctitest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/stix"
)

// hashID hashes canonical JSON written by hand, independently of the id
// code under test.
func hashID(idType, canonical string) string {
	return idType + "--" + uuid.NewSHA1(stix.Namespace, []byte(canonical)).String()
}

// createNode runs one create mutation whose only argument is input and
// returns the created node.
func createNode(t *testing.T, s *Server, root, inputType string, input map[string]any) map[string]any {
	t.Helper()
	doc := "mutation Create($input: " + inputType + "!) { " + root +
		"(input: $input) { id standard_id } }"
	r := gql(t, s, s.AdminToken(), "", doc, map[string]any{"input": input})
	mustNoErrors(t, r)
	node, _ := r.Data[root].(map[string]any)
	return node
}

// TestCreatedDomainStandardIDs creates one element of each kind through
// the platform's own mutations and checks the standard id it gets.
func TestCreatedDomainStandardIDs(t *testing.T) {
	s := newFullServer(t)
	cases := []struct {
		name, root, inputType string
		input                 map[string]any
		want                  string
	}{
		{"malware", "malwareAdd", "MalwareAddInput", map[string]any{"name": "Quillfeather "},
			"malware--8bdfdafe-f23b-55e8-9729-75341ca079cb"},
		{"organization", "identityAdd", "IdentityAddInput", map[string]any{"type": "Organization",
			"name": "Northwind Analytics"}, "identity--a7661c40-9fa1-517a-b65d-a1793388306d"},
		{"threat actor group", "threatActorGroupAdd", "ThreatActorGroupAddInput",
			map[string]any{"name": "Amber Heron"},
			"threat-actor--ba9229e8-bb42-5809-9a9c-119f496c565b"},
		{"country", "locationAdd", "LocationAddInput", map[string]any{"type": "Country",
			"name": "Freedonia"}, "location--ea3f23b6-1f7e-532e-b111-1bd5e13d65b5"},
		{"report", "reportAdd", "ReportAddInput", map[string]any{"name": "Quarterly lure review",
			"published": "2024-03-05T08:00:00Z"}, "report--87d8a33c-32af-5392-8244-937218b7da5b"},
		{"indicator", "indicatorAdd", "IndicatorAddInput", map[string]any{"name": "ip",
			"pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix"},
			"indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968"},
		{"marking", "markingDefinitionAdd", "MarkingDefinitionAddInput", map[string]any{
			"definition_type": "PAP", "definition": "PAP:GREEN", "x_opencti_order": 1,
			"x_opencti_color": "#0f0"}, "marking-definition--89484dde-e3d2-547f-a6c6-d14824429eb1"},
		{"TLP marking", "markingDefinitionAdd", "MarkingDefinitionAddInput", map[string]any{
			"definition_type": "TLP", "definition": "TLP:RED", "x_opencti_order": 4,
			"x_opencti_color": "#f00"}, "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"},
		{"kill chain phase", "killChainPhaseAdd", "KillChainPhaseAddInput", map[string]any{
			"kill_chain_name": "mitre-attack", "phase_name": "initial-access", "x_opencti_order": 1},
			"kill-chain-phase--669c7069-0cda-5e65-8ce0-002e631ee320"},
		{"external reference", "externalReferenceAdd", "ExternalReferenceAddInput",
			map[string]any{"source_name": "blog", "url": "https://blog.example.org/quillfeather"},
			"external-reference--5e570cb5-361c-5fc9-b765-2f7183d90fdf"},
		{"label", "labelAdd", "LabelAddInput", map[string]any{"value": "Phishing"},
			hashID("label", `{"value":"phishing"}`)},
		{"case incident", "caseIncidentAdd", "CaseIncidentAddInput", map[string]any{
			"name": "Case One", "created": "2024-03-05T08:00:00Z"},
			hashID("case-incident", `{"created":"2024-03-05T08:00:00.000Z","name":"case one"}`)},
		{"grouping", "groupingAdd", "GroupingAddInput", map[string]any{"name": "Lure Set",
			"context": "suspicious-activity"},
			hashID("grouping", `{"context":"suspicious-activity","name":"lure set"}`)},
		{"incident", "incidentAdd", "IncidentAddInput", map[string]any{"name": "Breach"},
			hashID("incident", `{"name":"breach"}`)},
		{"malware analysis", "malwareAnalysisAdd", "MalwareAnalysisAddInput", map[string]any{
			"product": "Sandbox", "result_name": "Trojan.Quill"},
			hashID("malware-analysis", `{"product":"Sandbox","result_name":"Trojan.Quill"}`)},
		{"sector", "sectorAdd", "SectorAddInput", map[string]any{"name": "Energy"},
			hashID("identity", `{"identity_class":"class","name":"energy"}`)},
		{"data source", "dataSourceAdd", "DataSourceAddInput", map[string]any{"name": "Logs"},
			hashID("data-source", `{"name":"logs"}`)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			node := createNode(t, s, c.root, c.inputType, c.input)
			if got := node["standard_id"]; got != c.want {
				t.Errorf("%s standard_id = %v, want %s", c.root, got, c.want)
			}
		})
	}
}

const observableAdd = `mutation AddObservable($type: String!, $ip: IPv4AddrAddInput,
  $file: StixFileAddInput, $cert: X509CertificateAddInput) {
  stixCyberObservableAdd(type: $type, IPv4Addr: $ip, StixFile: $file, X509Certificate: $cert) {
    id standard_id
  }
}`

// TestCreatedObservableAndRelationshipIDs checks the ids of observables
// (with the platform's hash preference and fallbacks), relationships,
// sightings and observed data created through mutations.
func TestCreatedObservableAndRelationshipIDs(t *testing.T) {
	s := newFullServer(t)
	addObservable := func(vars map[string]any) map[string]any {
		t.Helper()
		r := gql(t, s, s.AdminToken(), "", observableAdd, vars)
		mustNoErrors(t, r)
		node, _ := r.Data["stixCyberObservableAdd"].(map[string]any)
		return node
	}
	checkID := func(what string, node map[string]any, want string) {
		t.Helper()
		if node["standard_id"] != want {
			t.Errorf("%s standard_id = %v, want %s", what, node["standard_id"], want)
		}
	}
	ip := addObservable(map[string]any{"type": "IPv4-Addr",
		"ip": map[string]any{"value": "198.51.100.7"}})
	checkID("ipv4-addr", ip, "ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db")
	file := addObservable(map[string]any{"type": "StixFile", "file": map[string]any{
		"name": "Setup.exe", "hashes": []any{
			map[string]any{"algorithm": "SHA-256", "hash": "e3b0c44298fc1c149afbf4c8996fb924"},
			map[string]any{"algorithm": "sha-1", "hash": "da39a3ee5e6b4b0d3255bfef95601890"}}}})
	checkID("file by hash", file,
		hashID("file", `{"hashes":{"SHA-1":"da39a3ee5e6b4b0d3255bfef95601890"}}`))
	named := addObservable(map[string]any{"type": "StixFile",
		"file": map[string]any{"name": "Readme.TXT"}})
	checkID("file by name", named, hashID("file", `{"name":"Readme.TXT"}`))
	cert := addObservable(map[string]any{"type": "X509-Certificate",
		"cert": map[string]any{"subject": "CN=quill.example.net"}})
	checkID("certificate", cert, hashID("x509-certificate", `{"subject":"CN=quill.example.net"}`))

	malware := createNode(t, s, "malwareAdd", "MalwareAddInput",
		map[string]any{"name": "Quillfeather"})
	org := createNode(t, s, "identityAdd", "IdentityAddInput",
		map[string]any{"type": "Organization", "name": "Northwind Analytics"})
	rel := createNode(t, s, "stixCoreRelationshipAdd", "StixCoreRelationshipAddInput",
		map[string]any{"relationship_type": "communicates-with", "fromId": malware["id"],
			"toId": ip["id"]})
	checkID("relationship", rel, "relationship--16307dde-dd94-56db-86f6-20e001d24915")
	sighting := createNode(t, s, "stixSightingRelationshipAdd", "StixSightingRelationshipAddInput",
		map[string]any{"fromId": malware["id"], "toId": org["id"], "attribute_count": 1})
	checkID("sighting", sighting, "sighting--e9cf6476-ec82-5294-abe0-ac29384fc81b")
	observed := createNode(t, s, "observedDataAdd", "ObservedDataAddInput", map[string]any{
		"first_observed": "2024-03-05T08:00:00Z", "last_observed": "2024-03-05T09:00:00Z",
		"number_observed": 1, "objects": []any{malware["id"], ip["id"]}})
	checkID("observed data", observed, hashID("observed-data",
		`{"objects":["ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db",`+
			`"malware--8bdfdafe-f23b-55e8-9729-75341ca079cb"]}`))
}

func TestCreateWithoutIDPropertiesFails(t *testing.T) {
	s := newFullServer(t)
	doc := `mutation Create($input: ExternalReferenceAddInput!) {
  externalReferenceAdd(input: $input) { id }
}`
	r := gql(t, s, s.AdminToken(), "", doc, map[string]any{"input": map[string]any{
		"source_name": "mitre-attack"}})
	if len(r.Errors) == 0 {
		t.Fatalf("external reference with only a source name was created: %s", r.Raw)
	}
}

const patchMutation = `mutation P($id: ID!, $input: [EditInput]!) {
  stixDomainObjectEdit(id: $id) { fieldPatch(input: $input) { id standard_id } }
}`

// TestPatchRecomputesStandardID checks that renaming an element gives it
// the standard id of its new name and keeps the old one resolvable, and
// that other updates leave the id alone.
func TestPatchRecomputesStandardID(t *testing.T) {
	s := newFullServer(t)
	created := createNode(t, s, "malwareAdd", "MalwareAddInput", map[string]any{"name": "Inkblot"})
	oldID, _ := created["standard_id"].(string)
	patch := func(id, key, value string) map[string]any {
		t.Helper()
		r := gql(t, s, s.AdminToken(), "", patchMutation, map[string]any{"id": id,
			"input": []any{map[string]any{"key": key, "value": []any{value}}}})
		mustNoErrors(t, r)
		edit, _ := r.Data["stixDomainObjectEdit"].(map[string]any)
		node, _ := edit["fieldPatch"].(map[string]any)
		return node
	}

	renamed := patch(created["id"].(string), "name", "Inkwell")
	if want := hashID("malware", `{"name":"inkwell"}`); renamed["standard_id"] != want {
		t.Errorf("renamed standard_id = %v, want %s", renamed["standard_id"], want)
	}
	s.mu.RLock()
	byOld := s.data.get(oldID)
	s.mu.RUnlock()
	if byOld == nil || byOld.id != created["id"] {
		t.Errorf("old standard id %s no longer resolves to the element", oldID)
	}

	described := patch(created["id"].(string), "description", "ink")
	if described["standard_id"] != renamed["standard_id"] {
		t.Errorf("description update changed the id to %v", described["standard_id"])
	}

	// A seeded element keeps its STIX id until a contributing field changes.
	if _, err := s.SeedBundle([]byte(`{"type":"bundle","id":"bundle--p","objects":[` +
		`{"type":"malware","spec_version":"2.1","id":"malware--0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b",` +
		`"name":"Seeded","is_family":true}]}`)); err != nil {
		t.Fatal(err)
	}
	seeded := patch("malware--0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b", "description", "kept")
	if seeded["standard_id"] != "malware--0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b" {
		t.Errorf("seeded element's id changed to %v", seeded["standard_id"])
	}
}
