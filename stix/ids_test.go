package stix_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix"
)

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func uuidVersion(t *testing.T, id string) int {
	t.Helper()
	_, u, ok := strings.Cut(id, "--")
	if !ok {
		t.Fatalf("id %q has no -- separator", id)
	}
	parsed, err := uuid.Parse(u)
	if err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	return int(parsed.Version())
}

func TestObservableIDCaseVectors(t *testing.T) {
	path := filepath.Join(testenv.SharedDir(t, "cases", "003-sco-deterministic-ids"), "scos.json")
	var rows []struct {
		Type       string                     `json:"type"`
		Properties map[string]json.RawMessage `json:"properties"`
		ExpectedID string                     `json:"expected_id"`
		WrongIDIf  map[string]string          `json:"wrong_id_if"`
	}
	readJSON(t, path, &rows)
	if len(rows) == 0 {
		t.Fatal("no rows")
	}
	for _, row := range rows {
		props := map[string]any{}
		for k, v := range row.Properties {
			props[k] = v
		}
		got, err := stix.ObservableID(row.Type, props)
		if err != nil {
			t.Errorf("%s %v: %v", row.Type, props, err)
			continue
		}
		if row.Type == stix.TypeProcess {
			if v := uuidVersion(t, got); v != 4 {
				t.Errorf("process id %s has UUID version %d, want 4", got, v)
			}
			continue
		}
		if got != row.ExpectedID {
			t.Errorf("%s %s: got %s, want %s", row.Type, row.Properties, got, row.ExpectedID)
		}
		for mistake, wrong := range row.WrongIDIf {
			if got == wrong {
				t.Errorf("%s: got the id of a known mistake (%s)", row.Type, mistake)
			}
		}
	}
}

func TestObservableIDValidatorVectors(t *testing.T) {
	dir := testenv.SharedDir(t, "stix", "validator-cases", "sco-ids")
	var file struct {
		Vectors []struct {
			Object       json.RawMessage `json:"object"`
			Contributing string          `json:"contributing_json_jcs"`
			ExpectedID   string          `json:"expected_id"`
			Version      int             `json:"expected_uuid_version"`
		} `json:"vectors"`
		NonDeterministic []struct {
			Object          json.RawMessage `json:"object"`
			DeterministicID string          `json:"deterministic_id"`
		} `json:"non_deterministic_examples"`
	}
	readJSON(t, filepath.Join(dir, "sco-deterministic-ids.json"), &file)
	if len(file.Vectors) != 31 {
		t.Fatalf("read %d vectors, want 31", len(file.Vectors))
	}
	for i, v := range file.Vectors {
		o, err := stix.Decode(v.Object)
		if err != nil {
			t.Errorf("vector %d: %v", i, err)
			continue
		}
		got, err := stix.ObservableIDOf(o)
		if err != nil {
			t.Errorf("vector %d: %v", i, err)
			continue
		}
		if v.Version == 4 {
			if uuidVersion(t, got) != 4 {
				t.Errorf("vector %d: got %s, want a UUIDv4 id", i, got)
			}
			continue
		}
		if got != v.ExpectedID {
			t.Errorf("vector %d (%s): got %s, want %s", i, v.Contributing, got, v.ExpectedID)
		}
		canonical, err := stix.Canonicalize([]byte(v.Contributing))
		if err != nil {
			t.Fatal(err)
		}
		if string(canonical) != v.Contributing {
			t.Errorf("vector %d: canonical form %s, want %s", i, canonical, v.Contributing)
		}
	}
	for i, v := range file.NonDeterministic {
		o, err := stix.Decode(v.Object)
		if err != nil {
			t.Fatal(err)
		}
		got, err := stix.ObservableIDOf(o)
		if err != nil {
			t.Fatal(err)
		}
		if got != v.DeterministicID {
			t.Errorf("example %d: got %s, want %s", i, got, v.DeterministicID)
		}
		if got == o.ObjectID() {
			t.Errorf("example %d: recomputed id equals the producer's mismatching id", i)
		}
	}
}

// Standard ids of OpenCTI objects, computed from the canonical JSON of their
// contributing properties.
func TestDeterministicIDOpenCTIVectors(t *testing.T) {
	malware := "malware--8bdfdafe-f23b-55e8-9729-75341ca079cb"
	identity := "identity--a7661c40-9fa1-517a-b65d-a1793388306d"
	ipv4 := "ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db"
	tests := []struct {
		objectType string
		canonical  string
		want       string
	}{
		{"malware", `{"name":"quillfeather"}`, malware},
		{"identity", `{"identity_class":"organization","name":"northwind analytics"}`, identity},
		{"threat-actor", `{"name":"amber heron","opencti_type":"Threat-Actor-Group"}`,
			"threat-actor--ba9229e8-bb42-5809-9a9c-119f496c565b"},
		{"location", `{"name":"freedonia","x_opencti_location_type":"Country"}`,
			"location--ea3f23b6-1f7e-532e-b111-1bd5e13d65b5"},
		{"report", `{"name":"quarterly lure review","published":"2024-03-05T08:00:00.000Z"}`,
			"report--87d8a33c-32af-5392-8244-937218b7da5b"},
		{"ipv4-addr", `{"value":"198.51.100.7"}`, ipv4},
		{"domain-name", `{"value":"cdn.quill-example.net"}`,
			"domain-name--71d989c1-9602-5cac-8c75-51bc2a8e6bb8"},
		{"indicator", `{"pattern":"[ipv4-addr:value = '198.51.100.7']"}`,
			"indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968"},
		{"marking-definition", `{"definition":"PAP:GREEN","definition_type":"PAP"}`,
			"marking-definition--89484dde-e3d2-547f-a6c6-d14824429eb1"},
		{"kill-chain-phase", `{"kill_chain_name":"mitre-attack","phase_name":"initial-access"}`,
			"kill-chain-phase--669c7069-0cda-5e65-8ce0-002e631ee320"},
		{"external-reference", `{"url":"https://blog.example.org/quillfeather"}`,
			"external-reference--5e570cb5-361c-5fc9-b765-2f7183d90fdf"},
		{"relationship", `{"relationship_type":"communicates-with","source_ref":"` + malware +
			`","target_ref":"` + ipv4 + `"}`,
			"relationship--16307dde-dd94-56db-86f6-20e001d24915"},
		{"sighting", `{"sighting_of_ref":"` + malware + `","type":"sighting","where_sighted_refs":["` +
			identity + `"]}`, "sighting--e9cf6476-ec82-5294-abe0-ac29384fc81b"},
	}
	for _, tt := range tests {
		var props map[string]any
		if err := json.Unmarshal([]byte(tt.canonical), &props); err != nil {
			t.Fatal(err)
		}
		got, err := stix.DeterministicID(tt.objectType, props)
		if err != nil {
			t.Errorf("%s: %v", tt.canonical, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s %s: got %s, want %s", tt.objectType, tt.canonical, got, tt.want)
		}
	}
}

func TestDeterministicIDEmptyProperties(t *testing.T) {
	if _, err := stix.DeterministicID("malware", nil); err != stix.ErrNoIDProperties {
		t.Errorf("got %v, want ErrNoIDProperties", err)
	}
}

func TestObservableIDRejectsOtherTypes(t *testing.T) {
	_, err := stix.ObservableID("x-acme-widget", map[string]any{"value": "a"})
	if err == nil || !strings.Contains(err.Error(), "x-acme-widget") {
		t.Errorf("got %v, want an error naming x-acme-widget", err)
	}
}

func TestObservableIDWithoutContributingProperties(t *testing.T) {
	got, err := stix.ObservableID(stix.TypeDomainName, map[string]any{"resolves_to_refs": []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	if uuidVersion(t, got) != 4 {
		t.Errorf("got %s, want a UUIDv4 id", got)
	}
}

func TestObservableIDHashPreference(t *testing.T) {
	sha1 := "c79a326f8411e9488bdc3779753e1e3489aaedea"
	withSHA1, err := stix.ObservableID("file", map[string]any{
		"hashes": stix.Hashes{"SHA-256": strings.Repeat("a", 64), "SHA-1": sha1},
	})
	if err != nil {
		t.Fatal(err)
	}
	onlySHA1, err := stix.DeterministicID("file", map[string]any{"hashes": map[string]any{"SHA-1": sha1}})
	if err != nil {
		t.Fatal(err)
	}
	if withSHA1 != onlySHA1 {
		t.Errorf("SHA-1 not preferred over SHA-256: %s vs %s", withSHA1, onlySHA1)
	}
}

func TestCanonicalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"html characters kept", `{"v":"a<b>&c"}`, `{"v":"a<b>&c"}`},
		{"line separators kept", `{"v":"\u2028\u2029"}`, "{\"v\":\"\u2028\u2029\"}"},
		{"control characters escaped", `{"v":"\u0001\n\u001f"}`, `{"v":"\u0001\n\u001f"}`},
		{"unneeded escapes removed", `{"v":"\u00e9\/"}`, `{"v":"é/"}`},
		{"keys sorted by UTF-16", "{\"\U0001F600\":1,\"\uFB33\":2,\"a\":3}",
			"{\"a\":3,\"\U0001F600\":1,\"\uFB33\":2}"},
		{"numbers in ECMAScript form", `[1.0,1e21,1e-7,0.000001,-0,123456789012345678901,1.5E+3]`,
			`[1,1e+21,1e-7,0.000001,0,123456789012345680000,1500]`},
		{"white space removed", "{ \"b\" : [ true , null ] , \"a\" : { } }", `{"a":{},"b":[true,null]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := stix.Canonicalize([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			var v any
			if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
				t.Fatal(err)
			}
			fromValue, err := stix.CanonicalJSON(v)
			if err != nil {
				t.Fatal(err)
			}
			if string(fromValue) != tt.want {
				t.Errorf("CanonicalJSON: got %s, want %s", fromValue, tt.want)
			}
		})
	}
}
