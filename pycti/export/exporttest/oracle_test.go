package exporttest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const miniBundle = `{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "marking-definition", "id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"},
 {"type": "identity", "id": "identity--a"},
 {"type": "malware", "id": "malware--m", "created_by_ref": "identity--a",
  "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]},
 {"type": "tool", "id": "tool--t"},
 {"type": "x-mitre-tactic", "id": "x-mitre-tactic--x"},
 {"type": "relationship", "id": "relationship--1", "source_ref": "malware--m", "target_ref": "tool--t"},
 {"type": "relationship", "id": "relationship--2", "source_ref": "malware--m", "target_ref": "x-mitre-tactic--x"},
 {"type": "indicator", "id": "indicator--bad", "external_references": [{"source_name": "s", "url": "https://a.example/x y"}]}
]}`

func loadMini(t *testing.T) *Oracle {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bundle.json")
	if err := os.WriteFile(path, []byte(miniBundle), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestExpectedSimpleAndFull(t *testing.T) {
	o := loadMini(t)
	marking := "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"

	simple := o.Expected([]string{"malware--m"}, false)
	full := o.Expected([]string{"malware--m"}, true)

	if want := []string{"identity--a", "malware--m", marking}; !slices.Equal(simple, want) {
		t.Errorf("simple = %v, want %v", simple, want)
	}
	want := []string{"identity--a", "malware--m", marking, "relationship--1", "tool--t"}
	if !slices.Equal(full, want) {
		t.Errorf("full = %v, want %v (the relationship to an unstored object left out)", full, want)
	}
}

func TestPlatformIDAndInvalid(t *testing.T) {
	o := loadMini(t)
	if got := PlatformID("x-mitre-data-source--u"); got != "data-source--u" {
		t.Errorf("PlatformID = %s, want data-source--u", got)
	}
	if !o.Invalid([]string{"indicator--bad"}) {
		t.Error("an external reference URL with a space is not reported invalid")
	}
	if o.Invalid([]string{"malware--m"}) {
		t.Error("the malware is reported invalid")
	}
}

func TestLoadObjectWithoutID(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bundle.json")
	bundle := `{"type": "bundle", "id": "bundle--1", "objects": [{"type": "tool", "id": "tool--t"}, {"type": "malware"}]}`
	if err := os.WriteFile(path, []byte(bundle), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil {
		t.Fatal("Load accepted an object without an id")
	}
	if !strings.Contains(err.Error(), "object 1") {
		t.Errorf("error %q does not name object 1", err)
	}
}
