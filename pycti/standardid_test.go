package pycti

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/stix"
)

// idOf hashes a canonical JSON text written by hand, so that the tests
// check the property selection and normalisation independently of the
// code under test.
func idOf(idType, canonical string) string {
	return idType + "--" + uuid.NewSHA1(stix.Namespace, []byte(canonical)).String()
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestStandardIDVectors(t *testing.T) {
	published := mustDate(t, "2024-03-05T08:00:00Z")
	cases := []struct {
		entityType string
		props      map[string]any
		want       string
	}{
		{"Malware", map[string]any{"name": " Quillfeather", "description": "ignored"},
			"malware--8bdfdafe-f23b-55e8-9729-75341ca079cb"},
		{"Organization", map[string]any{"name": "Northwind Analytics"},
			"identity--a7661c40-9fa1-517a-b65d-a1793388306d"},
		{"Threat-Actor-Group", map[string]any{"name": "Amber Heron"},
			"threat-actor--ba9229e8-bb42-5809-9a9c-119f496c565b"},
		{"Country", map[string]any{"name": "Freedonia"},
			"location--ea3f23b6-1f7e-532e-b111-1bd5e13d65b5"},
		{"Report", map[string]any{"name": "Quarterly Lure Review", "published": published},
			"report--87d8a33c-32af-5392-8244-937218b7da5b"},
		{"Report", map[string]any{"name": "quarterly lure review",
			"published": "2024-03-05T09:00:00+01:00"},
			"report--87d8a33c-32af-5392-8244-937218b7da5b"},
		{"IPv4-Addr", map[string]any{"value": "198.51.100.7"},
			"ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db"},
		{"Domain-Name", map[string]any{"value": "cdn.quill-example.net "},
			"domain-name--71d989c1-9602-5cac-8c75-51bc2a8e6bb8"},
		{"Indicator", map[string]any{"pattern": "[ipv4-addr:value = '198.51.100.7']",
			"pattern_type": "stix"},
			"indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968"},
		{"Marking-Definition", map[string]any{"definition": "pap:green", "definition_type": "pap"},
			"marking-definition--89484dde-e3d2-547f-a6c6-d14824429eb1"},
		{"Kill-Chain-Phase", map[string]any{"kill_chain_name": "mitre-attack",
			"phase_name": "initial-access"},
			"kill-chain-phase--669c7069-0cda-5e65-8ce0-002e631ee320"},
		{"External-Reference", map[string]any{"url": "https://blog.example.org/quillfeather",
			"source_name": "blog"},
			"external-reference--5e570cb5-361c-5fc9-b765-2f7183d90fdf"},
	}
	for _, c := range cases {
		got, err := StandardID(c.entityType, c.props)
		if err != nil {
			t.Errorf("StandardID(%s, %v): %v", c.entityType, c.props, err)
			continue
		}
		if got != c.want {
			t.Errorf("StandardID(%s, %v) = %s, want %s", c.entityType, c.props, got, c.want)
		}
	}
}

func TestRelationshipAndSightingVectors(t *testing.T) {
	const malware = "malware--8bdfdafe-f23b-55e8-9729-75341ca079cb"
	rel, err := RelationshipStandardID("communicates-with", malware,
		"ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "relationship--16307dde-dd94-56db-86f6-20e001d24915"; rel != want {
		t.Errorf("relationship id = %s, want %s", rel, want)
	}
	sighting, err := SightingStandardID(malware, "identity--a7661c40-9fa1-517a-b65d-a1793388306d",
		time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "sighting--e9cf6476-ec82-5294-abe0-ac29384fc81b"; sighting != want {
		t.Errorf("sighting id = %s, want %s", sighting, want)
	}
}

func TestRelationshipStandardIDDates(t *testing.T) {
	start := time.Date(2024, 3, 5, 9, 30, 0, 123456789, time.FixedZone("CET", 3600))
	stop := mustDate(t, "2024-04-01T00:00:00Z")
	got, err := RelationshipStandardID(" uses ", "a--1", "b--2", start, stop)
	if err != nil {
		t.Fatal(err)
	}
	want := idOf("relationship", `{"relationship_type":"uses","source_ref":"a--1",`+
		`"start_time":"2024-03-05T08:30:00.123Z","stop_time":"2024-04-01T00:00:00.000Z",`+
		`"target_ref":"b--2"}`)
	if got != want {
		t.Errorf("relationship with dates = %s, want %s", got, want)
	}
	seen, err := SightingStandardID("a--1", "b--2", start, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want = idOf("sighting", `{"first_seen":"2024-03-05T08:30:00.123Z","sighting_of_ref":"a--1",`+
		`"type":"sighting","where_sighted_refs":["b--2"]}`)
	if seen != want {
		t.Errorf("sighting with first_seen = %s, want %s", seen, want)
	}
}

// TestRelationshipStopTimeAlone checks that stop_time counts without
// start_time, as on the platform (pycti's helper drops it then).
func TestRelationshipStopTimeAlone(t *testing.T) {
	stop := mustDate(t, "2024-04-01T00:00:00Z")
	got, err := RelationshipStandardID("uses", "a--1", "b--2", time.Time{}, stop)
	if err != nil {
		t.Fatal(err)
	}
	want := idOf("relationship", `{"relationship_type":"uses","source_ref":"a--1",`+
		`"stop_time":"2024-04-01T00:00:00.000Z","target_ref":"b--2"}`)
	if got != want {
		t.Errorf("relationship with stop_time only = %s, want %s", got, want)
	}
}

func TestRelationshipStandardIDNeedsBothEnds(t *testing.T) {
	if _, err := RelationshipStandardID("uses", "a--1", "", time.Time{}, time.Time{}); !errors.Is(
		err, stix.ErrNoIDProperties) {
		t.Errorf("relationship without target: err = %v, want ErrNoIDProperties", err)
	}
	if _, err := SightingStandardID("", "b--2", time.Time{}, time.Time{}); !errors.Is(
		err, stix.ErrNoIDProperties) {
		t.Errorf("sighting without sighted object: err = %v, want ErrNoIDProperties", err)
	}
}

func TestStaticTLPMarkingIDs(t *testing.T) {
	cases := map[string]string{
		"TLP:CLEAR":        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
		"tlp:white":        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
		"TLP:GREEN":        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
		"TLP:AMBER":        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
		"tlp:amber+strict": "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
		"TLP:RED":          "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
	}
	for def, want := range cases {
		got, err := StandardID("Marking-Definition", map[string]any{"definition_type": "tlp",
			"definition": def})
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("TLP %s = %s, want %s", def, got, want)
		}
	}
	other, err := StandardID("Marking-Definition", map[string]any{"definition_type": "TLP",
		"definition": "TLP:PURPLE"})
	if err != nil {
		t.Fatal(err)
	}
	if want := idOf("marking-definition",
		`{"definition":"TLP:PURPLE","definition_type":"TLP"}`); other != want {
		t.Errorf("unknown TLP level = %s, want computed %s", other, want)
	}
}

// idCase is an id computation with the canonical JSON it must hash.
type idCase struct {
	name       string
	entityType string
	props      map[string]any
	idType     string
	canonical  string
}

func checkIDCases(t *testing.T, cases []idCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := StandardID(c.entityType, c.props)
			if err != nil {
				t.Fatal(err)
			}
			if want := idOf(c.idType, c.canonical); got != want {
				t.Errorf("StandardID = %s, want %s (from %s)", got, want, c.canonical)
			}
		})
	}
}

// TestStandardIDRules checks each type's contributing properties against
// canonical JSON written by hand.
func TestStandardIDRules(t *testing.T) {
	created := mustDate(t, "2024-03-05T08:00:00.5Z")
	cases := []idCase{
		{"mitre id lower-cased", "Attack-Pattern", map[string]any{"x_mitre_id": "T1566",
			"name": "Phishing"}, "attack-pattern", `{"x_mitre_id":"t1566"}`},
		{"name without mitre id", "Course-Of-Action", map[string]any{"name": " Patch ",
			"x_mitre_id": ""}, "course-of-action", `{"name":"patch"}`},
		{"identity class of sector", "Sector", map[string]any{"name": "Energy",
			"identity_class": "organization"}, "identity", `{"identity_class":"class","name":"energy"}`},
		{"identity class of security platform", "securityplatform", map[string]any{"name": "EDR"},
			"identity", `{"identity_class":"securityplatform","name":"edr"}`},
		{"administrative area without location type", "Administrative-Area",
			map[string]any{"name": "Bavaria"}, "location", `{"name":"bavaria"}`},
		{"position by coordinates", "Position", map[string]any{"latitude": 48.8566,
			"longitude": json.Number("2.3522"), "name": "Paris"}, "location",
			`{"latitude":48.8566,"longitude":2.3522}`},
		{"position with tiny longitude", "Position", map[string]any{"latitude": 1e-7,
			"longitude": "0.5"}, "location", `{"latitude":1e-7,"longitude":0.5}`},
		{"position by name", "Position", map[string]any{"name": "Paris"}, "location",
			`{"name":"paris"}`},
		{"individual threat actor", "Threat-Actor-Individual", map[string]any{"name": "J. Doe",
			"opencti_type": "Threat-Actor-Group"}, "threat-actor",
			`{"name":"j. doe","opencti_type":"Threat-Actor-Individual"}`},
		{"incident with created", "Incident", map[string]any{"name": "Breach", "created": created},
			"incident", `{"created":"2024-03-05T08:00:00.500Z","name":"breach"}`},
		{"case incident prefix", "Case-Incident", map[string]any{"name": "Case 1"},
			"case-incident", `{"name":"case 1"}`},
		{"feedback includes created", "Feedback", map[string]any{"name": "Review",
			"created": created}, "feedback", `{"created":"2024-03-05T08:00:00.500Z","name":"review"}`},
		{"task created without name", "Task", map[string]any{"created": created}, "task",
			`{"created":"2024-03-05T08:00:00.500Z"}`},
		{"grouping without created", "Grouping", map[string]any{"name": "Set",
			"context": "suspicious-activity"}, "grouping",
			`{"context":"suspicious-activity","name":"set"}`},
		{"note with abstract", "Note", map[string]any{"content": "Body", "created": created,
			"attribute_abstract": "Short"}, "note",
			`{"attribute_abstract":"Short","content":"Body","created":"2024-03-05T08:00:00.500Z"}`},
		{"opinion", "Opinion", map[string]any{"opinion": "agree", "created": created}, "opinion",
			`{"created":"2024-03-05T08:00:00.500Z","opinion":"agree"}`},
		{"observed data sorts members", "Observed-Data", map[string]any{"objects": []any{
			"url--2", "domain-name--1"}}, "observed-data", `{"objects":["domain-name--1","url--2"]}`},
		{"malware analysis keeps case", "Malware-Analysis", map[string]any{"product": "Sandbox",
			"result_name": "Trojan.X", "submitted": "2024-03-05"}, "malware-analysis",
			`{"product":"Sandbox","result_name":"Trojan.X","submitted":"2024-03-05T00:00:00.000Z"}`},
		{"security coverage", "Security-Coverage", map[string]any{"objectCovered": "report--1"},
			"security-coverage", `{"objectCovered":"report--1"}`},
		{"label lower-cased", "Label", map[string]any{"value": " Phishing "}, "label",
			`{"value":"phishing"}`},
		{"data source prefix", "Data-Source", map[string]any{"name": "Logs"}, "data-source",
			`{"name":"logs"}`},
		{"vocabulary", "Vocabulary", map[string]any{"name": "Spear", "category": "x_ov"},
			"vocabulary", `{"category":"x_ov","name":"spear"}`},
		{"external reference by source", "External-Reference", map[string]any{
			"source_name": "mitre-attack", "external_id": "T1566"}, "external-reference",
			`{"external_id":"T1566","source_name":"mitre-attack"}`},
		{"pattern not escaped", "Indicator", map[string]any{"pattern": "[x:y > 5 & z < '\u2028']"},
			"indicator", "{\"pattern\":\"[x:y > 5 & z < '\u2028']\"}"},
	}
	checkIDCases(t, cases)
}

func TestObservableStandardIDRules(t *testing.T) {
	cases := []idCase{
		{"file picks md5 of a hash list", "StixFile", map[string]any{"name": "a.exe",
			"hashes": []any{map[string]any{"algorithm": "sha-256", "hash": "bb"},
				map[string]any{"algorithm": "md5", "hash": "aa"}}}, "file", `{"hashes":{"MD5":"aa"}}`},
		{"file picks tlsh after ssdeep", "StixFile", map[string]any{"hashes": map[string]string{
			"TLSH": "t1", "SSDEEP": "3:a"}}, "file", `{"hashes":{"SSDEEP":"3:a"}}`},
		{"file name keeps case", "StixFile", map[string]any{"name": "Setup.EXE",
			"hashes": map[string]any{}}, "file", `{"name":"Setup.EXE"}`},
		{"artifact url", "Artifact", map[string]any{"url": "https://example.org/a"}, "artifact",
			`{"url":"https://example.org/a"}`},
		{"certificate subject", "X509-Certificate", map[string]any{"subject": "CN=x"},
			"x509-certificate", `{"subject":"CN=x"}`},
		{"certificate serial first", "X509-Certificate", map[string]any{"subject": "CN=x",
			"serial_number": "01"}, "x509-certificate", `{"serial_number":"01"}`},
		{"process", "Process", map[string]any{"pid": 1234, "command_line": "cmd.exe"},
			"process", `{"command_line":"cmd.exe","pid":1234}`},
		{"registry key", "Windows-Registry-Key", map[string]any{"attribute_key": `HKLM\Run`},
			"windows-registry-key", `{"attribute_key":"HKLM\\Run"}`},
		{"email message", "Email-Message", map[string]any{"from_ref": "email-addr--1",
			"subject": "Hi", "body": "x"}, "email-message",
			`{"body":"x","from_ref":"email-addr--1","subject":"Hi"}`},
		{"network traffic", "Network-Traffic", map[string]any{"src_ref": "ipv4-addr--1",
			"dst_port": 443, "protocols": []string{"tcp"}}, "network-traffic",
			`{"dst_port":443,"protocols":["tcp"],"src_ref":"ipv4-addr--1"}`},
		{"software lower-cased", "Software", map[string]any{"name": "Word", "vendor": "Contoso"},
			"software", `{"name":"word","vendor":"Contoso"}`},
		{"value keeps case", "Url", map[string]any{"value": "https://Example.org/A "}, "url",
			`{"value":"https://Example.org/A"}`},
		{"new value types", "IMEI", map[string]any{"value": "490154203237518"}, "imei",
			`{"value":"490154203237518"}`},
		{"bank account", "Bank-Account", map[string]any{"iban": "DE00"}, "bank-account",
			`{"iban":"DE00"}`},
		{"persona", "Persona", map[string]any{"persona_name": "x", "persona_type": "y"},
			"persona", `{"persona_name":"x","persona_type":"y"}`},
		{"raw JSON values", "Autonomous-System", map[string]any{"number": json.RawMessage("64500")},
			"autonomous-system", `{"number":64500}`},
	}
	checkIDCases(t, cases)
}

func TestStandardIDMissingProperties(t *testing.T) {
	cases := []struct {
		entityType string
		props      map[string]any
	}{
		{"Malware", nil},
		{"Malware", map[string]any{"name": "   "}},
		{"Incident", map[string]any{"created": "2024-03-05T08:00:00Z"}},
		{"Note", map[string]any{"attribute_abstract": "Short"}},
		{"Process", map[string]any{"pid": 4}},
		{"External-Reference", map[string]any{"source_name": "mitre-attack"}},
		{"Marking-Definition", map[string]any{"definition": "PAP:RED"}},
		{"Country", map[string]any{"description": "no name"}},
	}
	for _, c := range cases {
		_, err := StandardID(c.entityType, c.props)
		if !errors.Is(err, stix.ErrNoIDProperties) {
			t.Errorf("StandardID(%s, %v): err = %v, want ErrNoIDProperties", c.entityType,
				c.props, err)
		}
	}
}

func TestStandardIDRejectsBadInput(t *testing.T) {
	if _, err := StandardID("Widget", map[string]any{"name": "x"}); !errors.Is(err,
		errors.ErrUnsupported) {
		t.Errorf("unknown type: err = %v, want ErrUnsupported", err)
	}
	bad := map[string]map[string]any{
		"Report":   {"name": "r", "published": "yesterday"},
		"Malware":  {"name": 42},
		"Position": {"latitude": "north", "longitude": 1},
	}
	for typ, props := range bad {
		if _, err := StandardID(typ, props); err == nil {
			t.Errorf("StandardID(%s, %v) returned no error", typ, props)
		}
	}
}

func TestJavaScriptStringRules(t *testing.T) {
	checkIDCases(t, []idCase{
		{"dotted capital I and BOM", "Malware", map[string]any{"name": "\ufeffİSTANBUL\u00a0"},
			"malware", `{"name":"i̇stanbul"}`},
		{"final sigma", "Malware", map[string]any{"name": "ΟΔΟΣ"}, "malware", `{"name":"οδος"}`},
		{"next line kept", "Malware", map[string]any{"name": "x\u0085"}, "malware",
			"{\"name\":\"x\u0085\"}"},
		{"sharp s upper-cased", "Marking-Definition", map[string]any{
			"definition_type": "Statement", "definition": "straße"}, "marking-definition",
			`{"definition":"STRASSE","definition_type":"STATEMENT"}`},
	})
}

func TestISOStringYears(t *testing.T) {
	cases := map[time.Time]string{
		time.Date(2024, 3, 5, 8, 0, 0, 999_999_999, time.UTC): "2024-03-05T08:00:00.999Z",
		time.Date(12345, 1, 2, 3, 4, 5, 0, time.UTC):          "+012345-01-02T03:04:05.000Z",
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC):             "-000001-01-01T00:00:00.000Z",
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC):              "0000-01-01T00:00:00.000Z",
	}
	for in, want := range cases {
		if got := isoString(in); got != want {
			t.Errorf("isoString(%v) = %s, want %s", in, got, want)
		}
	}
}
