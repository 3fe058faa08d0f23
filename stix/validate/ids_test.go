package validate_test

import (
	"context"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix"
	"github.com/opencti-go/sdk/stix/validate"
)

// idFindings returns the findings of the rules about id values.
func idFindings(findings []validate.Finding) []validate.Finding {
	var out []validate.Finding
	for _, f := range findings {
		switch f.Rule {
		case "uuid-check", validate.RuleDeterministicID, validate.RuleUUIDVersion:
			out = append(out, f)
		}
	}
	return out
}

// withID returns obj as JSON with its id set to id and spec_version 2.1.
func withID(t *testing.T, obj map[string]any, id string) []byte {
	t.Helper()
	o := maps.Clone(obj)
	o["id"] = id
	o["spec_version"] = "2.1"
	data, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// otherV5 returns an id of objectType whose UUID is version 5 but computed
// from content no SCO has.
func otherV5(objectType string) string {
	return objectType + "--" + uuid.NewSHA1(stix.Namespace, []byte("no such content")).String()
}

type idVector struct {
	Object          map[string]any `json:"object"`
	ExpectedID      string         `json:"expected_id"`
	ExpectedVersion int            `json:"expected_uuid_version"`
}

func loadIDVectors(t *testing.T) (vectors []idVector, mismatched []struct {
	Object          map[string]any `json:"object"`
	DeterministicID string         `json:"deterministic_id"`
}) {
	dir := testenv.SharedDir(t, "stix", "validator-cases", "sco-ids")
	data, err := os.ReadFile(filepath.Join(dir, "sco-deterministic-ids.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Vectors    []idVector `json:"vectors"`
		Mismatched []struct {
			Object          map[string]any `json:"object"`
			DeterministicID string         `json:"deterministic_id"`
		} `json:"non_deterministic_examples"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Vectors) == 0 || len(doc.Mismatched) == 0 {
		t.Fatal("no SCO id vectors")
	}
	return doc.Vectors, doc.Mismatched
}

// TestDeterministicIDVectors checks every SCO id vector three ways: its own
// id gives no finding, a version 5 id of other content gives one
// deterministic-id warning naming the id, and a version 4 id gives one
// uuid-check warning naming it.
func TestDeterministicIDVectors(t *testing.T) {
	vectors, _ := loadIDVectors(t)
	v := validate.Default()
	for _, vec := range vectors {
		typ := vec.Object["type"].(string)
		if vec.ExpectedVersion != 5 {
			continue
		}
		if fs := idFindings(v.ValidateObject(withID(t, vec.Object, vec.ExpectedID))); len(fs) != 0 {
			t.Errorf("%s: findings for its deterministic id: %v", vec.ExpectedID, fs)
		}
		fs := idFindings(v.ValidateObject(withID(t, vec.Object, otherV5(typ))))
		if len(fs) != 1 || fs[0].Rule != validate.RuleDeterministicID ||
			fs[0].Severity != validate.SeverityWarning || fs[0].Pointer != "/id" ||
			!strings.HasSuffix(fs[0].Message, "expected "+vec.ExpectedID) {
			t.Errorf("%s with another version 5 id: %v", vec.ExpectedID, fs)
		}
		fs = idFindings(v.ValidateObject(withID(t, vec.Object, stix.NewID(typ))))
		if len(fs) != 1 || fs[0].Rule != "uuid-check" ||
			fs[0].Severity != validate.SeverityWarning ||
			!strings.HasSuffix(fs[0].Message, vec.ExpectedID) {
			t.Errorf("%s with a version 4 id: %v", vec.ExpectedID, fs)
		}
	}
}

// TestVersion4IDVectors: objects without ID-contributing properties (and
// processes) need a version 4 id; any other version is an error.
func TestVersion4IDVectors(t *testing.T) {
	vectors, _ := loadIDVectors(t)
	v := validate.Default()
	n := 0
	for _, vec := range vectors {
		if vec.ExpectedVersion != 4 {
			continue
		}
		n++
		typ := vec.Object["type"].(string)
		if fs := idFindings(v.ValidateObject(withID(t, vec.Object, stix.NewID(typ)))); len(fs) != 0 {
			t.Errorf("%s with a version 4 id: %v", typ, fs)
		}
		fs := idFindings(v.ValidateObject(withID(t, vec.Object, otherV5(typ))))
		if len(fs) != 1 || fs[0].Rule != validate.RuleUUIDVersion ||
			fs[0].Severity != validate.SeverityError {
			t.Errorf("%s with a version 5 id: %v", typ, fs)
		}
	}
	if n == 0 {
		t.Error("no version 4 vectors")
	}
}

// TestNonDeterministicExamples: ids that are version 5 UUIDs but not those
// of their content, which a version check alone accepts.
func TestNonDeterministicExamples(t *testing.T) {
	_, examples := loadIDVectors(t)
	for _, ex := range examples {
		raw, err := json.Marshal(ex.Object)
		if err != nil {
			t.Fatal(err)
		}
		fs := idFindings(validate.Object(raw))
		if len(fs) != 1 || fs[0].Rule != validate.RuleDeterministicID ||
			!strings.Contains(fs[0].Message, ex.DeterministicID) {
			t.Errorf("%s: %v, want a deterministic-id warning naming %s", ex.Object["id"], fs,
				ex.DeterministicID)
		}
	}
}

// TestMixedSCOBundle: a bundle with a deterministic id, a version 4 id and
// a version 5 id of other content is valid, with one warning for each of
// the last two naming the id they should have.
func TestMixedSCOBundle(t *testing.T) {
	dir := testenv.SharedDir(t, "cases", "003-sco-deterministic-ids")
	f, err := os.Open(filepath.Join(dir, "bundle-mixed.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fs, err := validate.Bundle(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	requireNoErrors(t, fs)
	want := map[string]string{
		"ipv4-addr--2f0efdbb-8a52-4962-ba15-63978b2b7e5a":   "uuid-check",
		"domain-name--113db8ee-2063-57ed-be41-0d27ef56cf99": validate.RuleDeterministicID,
	}
	values := map[string][2]string{
		"ipv4-addr--2f0efdbb-8a52-4962-ba15-63978b2b7e5a":   {"ipv4-addr", "198.51.100.4"},
		"domain-name--113db8ee-2063-57ed-be41-0d27ef56cf99": {"domain-name", "not-matching.example"},
	}
	got := idFindings(fs)
	if len(got) != len(want) {
		t.Fatalf("id findings %v, want %d", got, len(want))
	}
	for _, f := range got {
		if want[f.ObjectID] != f.Rule {
			t.Errorf("finding %v, want rule %q", f, want[f.ObjectID])
			continue
		}
		tv := values[f.ObjectID]
		expected, err := stix.ObservableID(tv[0], map[string]any{"value": tv[1]})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(f.Message, expected) {
			t.Errorf("finding %v does not name %s", f, expected)
		}
	}
}

// TestSCORows: the SCOs listed with their deterministic ids, given those
// ids, get no id finding; the process gets a version 4 id.
func TestSCORows(t *testing.T) {
	dir := testenv.SharedDir(t, "cases", "003-sco-deterministic-ids")
	data, err := os.ReadFile(filepath.Join(dir, "scos.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Type       string         `json:"type"`
		Properties map[string]any `json:"properties"`
		ExpectedID string         `json:"expected_id"`
	}
	if err := json.Unmarshal(data, &rows); err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		obj := maps.Clone(row.Properties)
		obj["type"] = row.Type
		id := row.ExpectedID
		if !strings.HasPrefix(id, row.Type+"--") {
			id = stix.NewID(row.Type)
		}
		if fs := validate.Object(withID(t, obj, id)); len(fs) != 0 {
			t.Errorf("%s %v: %v", row.Type, row.Properties, fs)
		}
	}
}
