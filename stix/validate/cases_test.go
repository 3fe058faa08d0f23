package validate_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/stix/validate"
)

// validateFile runs the default validator on a testdata file.
func validateFile(t *testing.T, name string) []validate.Finding {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	findings, err := validate.Default().ValidateBundle(context.Background(), f)
	if err != nil {
		t.Fatalf("ValidateBundle(%s): %v", name, err)
	}
	return findings
}

func errorsByObject(findings []validate.Finding) map[string][]validate.Finding {
	out := map[string][]validate.Finding{}
	for _, f := range findings {
		if f.Severity == validate.SeverityError {
			out[f.ObjectID] = append(out[f.ObjectID], f)
		}
	}
	return out
}

// names reports whether a finding names prop in its pointer or message.
func names(f validate.Finding, prop string) bool {
	return strings.Contains(f.Pointer, prop) || strings.Contains(f.Message, prop)
}

func requireNoErrors(t *testing.T, findings []validate.Finding) {
	t.Helper()
	for _, f := range findings {
		if f.Severity == validate.SeverityError {
			t.Errorf("unexpected error: %s", f)
		}
	}
}

// TestEmptyListsAndRequiredProperties: empty lists, missing required lists
// and half-empty external references are errors, one per object.
func TestEmptyListsAndRequiredProperties(t *testing.T) {
	byObject := errorsByObject(validateFile(t, "case010-invalid.json"))
	want := map[string]string{
		"indicator--de3cc9b2-f913-47d4-a186-09d7d6a03049":      "labels",
		"report--610ef378-4ea4-4eaa-a062-975c8731c65e":         "object_refs",
		"report--6e0d20a8-760d-40ab-b54b-c1e8dc9c9a22":         "object_refs",
		"attack-pattern--f38b7860-056d-42fb-8abc-f95ce16a2221": "external_references/0",
		"relationship--2f0efdbb-8a52-4962-ba15-63978b2b7e5b":   "target_ref",
		"intrusion-set--de7fa2da-8796-4be7-bb68-1ff60eba2336":  "aliases",
	}
	for id, prop := range want {
		errs := byObject[id]
		if len(errs) != 1 {
			t.Errorf("%s: %d errors, want 1: %v", id, len(errs), errs)
			continue
		}
		if !names(errs[0], prop) {
			t.Errorf("%s: error %q does not name %s", id, errs[0], prop)
		}
	}
	if len(byObject) != len(want) {
		t.Errorf("errors on %d objects, want %d", len(byObject), len(want))
	}
}

// TestMinimalExternalReferences: source_name plus any one of url,
// external_id or description is enough.
func TestMinimalExternalReferences(t *testing.T) {
	requireNoErrors(t, validateFile(t, "case010-valid-edge.json"))
}

// TestMarkingForms: TLP, statement and extension-based markings are valid;
// a TLP 2.0 level is one warning naming definition.tlp; a granular
// marking with only lang is valid.
func TestMarkingForms(t *testing.T) {
	findings := validateFile(t, "case011-input.json")
	requireNoErrors(t, findings)
	tlp := 0
	for _, f := range findings {
		if f.Rule == validate.RuleTLPv2 {
			tlp++
			if f.ObjectID != "marking-definition--1e535b1b-2ade-4a48-91f2-8b34bfcce564" ||
				f.Pointer != "/definition/tlp" || f.Severity != validate.SeverityWarning {
				t.Errorf("TLP 2.0 finding = %s", f)
			}
		}
		if f.ObjectID == "indicator--15355f38-0980-4b98-aa00-303ec4234e0c" {
			t.Errorf("finding on the indicator with a lang-only granular marking: %s", f)
		}
	}
	if tlp != 1 {
		t.Errorf("%d TLP 2.0 findings, want 1", tlp)
	}
}

// TestInvalidMarkings: a marking without a definition, a selector that
// matches nothing and a granular marking without marking_ref or lang.
func TestInvalidMarkings(t *testing.T) {
	byObject := errorsByObject(validateFile(t, "case011-invalid.json"))
	marking := byObject["marking-definition--e5e4ac23-9c2b-45ed-9387-2da2a3a233f8"]
	if len(marking) != 1 || !names(marking[0], "definition_type") {
		t.Errorf("marking without definition: %v", marking)
	}
	ind := byObject["indicator--e85b08f1-9ac6-4634-956a-94945ca09de7"]
	if len(ind) != 2 {
		t.Fatalf("indicator: %d errors, want 2: %v", len(ind), ind)
	}
	var selector, form bool
	for _, f := range ind {
		selector = selector || f.Rule == validate.RuleMarkingSelector &&
			strings.Contains(f.Message, "nonexistent_prop")
		form = form || f.Pointer == "/granular_markings/1" && names(f, "marking_ref") &&
			names(f, "lang")
	}
	if !selector {
		t.Errorf("no error for selector nonexistent_prop: %v", ind)
	}
	if !form {
		t.Errorf("no error for the granular marking without marking_ref or lang: %v", ind)
	}
}

// TestTimestampPrecision: timestamps compare as instants at nanosecond
// precision, and more than nine fraction digits are accepted.
func TestTimestampPrecision(t *testing.T) {
	requireNoErrors(t, validateFile(t, "case001-input.json"))
	requireNoErrors(t, validateFile(t, "case001-over-nanosecond.json"))
	byObject := errorsByObject(validateFile(t, "case001-invalid-order.json"))
	errs := byObject["malware--253e4623-7aa1-48ba-9e03-972c6d5b3907"]
	if len(errs) != 1 || errs[0].Rule != validate.RuleTimestampOrder || errs[0].Pointer != "/modified" {
		t.Errorf("modified 1 ns before created: %v", errs)
	}
}

// TestCustomPropertiesAndExtensions: declared top-level extension
// properties, extension-definition extensions and predefined SCO
// extensions are valid; bad custom property names are errors.
func TestCustomPropertiesAndExtensions(t *testing.T) {
	findings := validateFile(t, "case006-input.json")
	requireNoErrors(t, findings)
	for _, f := range findings {
		if strings.Contains(f.Message, "acme_score") {
			t.Errorf("finding on the declared toplevel property: %s", f)
		}
		if strings.HasPrefix(f.ObjectID, "extension-definition--") && f.Rule == "extensions-use" {
			t.Errorf("extension-definition reported as custom: %s", f)
		}
	}
	byObject := errorsByObject(validateFile(t, "case006-invalid-custom-names.json"))
	errs := byObject["tool--be0de8d8-914b-4e09-80ef-85e7ddd9d2f9"]
	if len(errs) != 2 {
		t.Fatalf("tool: %d errors, want 2: %v", len(errs), errs)
	}
	for i, name := range []string{"Bad-Name", "ab"} {
		found := false
		for _, f := range errs {
			found = found || f.Pointer == "/"+name && names(f, name)
		}
		if !found {
			t.Errorf("no error %d naming %s: %v", i, name, errs)
		}
	}
}

// TestCustomObjectTypes: custom types and references to them are valid;
// bad type names, malformed UUIDs and id prefixes are errors naming the
// property.
func TestCustomObjectTypes(t *testing.T) {
	requireNoErrors(t, validateFile(t, "case007-input.json"))
	byObject := errorsByObject(validateFile(t, "case007-invalid.json"))
	want := map[string]string{
		"X_Acme_Thing--253e4623-7aa1-48ba-9e03-972c6d5b3908": "/type",
		"relationship--8ff8408a-f3a6-4fdb-be30-67b84c0903e8": "/target_ref",
		"malware--41282fa1-0850-4777-a868-b9778c807ddb":      "/id",
	}
	for id, ptr := range want {
		found := false
		for _, f := range byObject[id] {
			found = found || f.Pointer == ptr
		}
		if !found {
			t.Errorf("%s: no error at %s: %v", id, ptr, byObject[id])
		}
	}
}

// TestSpecVersionPerObject: an SDO without spec_version is STIX 2.0 and
// gets one informational finding, never an error for its missing 2.1
// properties. The 2.1 objects of the same bundle get no error. A
// bundle-level spec_version does not make 2.1 properties unexpected.
func TestSpecVersionPerObject(t *testing.T) {
	findings := validateFile(t, "case005-bundle-21-with-20-objects.json")
	requireNoErrors(t, findings)
	legacy := "indicator--ec6cc5ef-9285-4bf1-84c9-5f96fcbdaecc"
	var infos []validate.Finding
	for _, f := range findings {
		if f.Severity == validate.SeverityInfo {
			infos = append(infos, f)
		}
		if f.ObjectID == legacy && f.Severity != validate.SeverityInfo {
			t.Errorf("STIX 2.0 indicator: %s", f)
		}
	}
	if len(infos) != 1 || infos[0].ObjectID != legacy ||
		infos[0].Rule != validate.RuleSpecVersion {
		t.Errorf("info findings %v, want one spec-version finding on %s", infos, legacy)
	}

	findings = validateFile(t, "case005-bundle-20-style.json")
	requireNoErrors(t, findings)
	for _, f := range findings {
		if f.ObjectID == "" && !names(f, "spec_version") {
			t.Errorf("bundle finding does not name spec_version: %s", f)
		}
		for _, prop := range []string{"indicator_types", "pattern_type", "pattern_version"} {
			if names(f, prop) {
				t.Errorf("indicator property %s reported: %s", prop, f)
			}
		}
	}
}

// TestZeroAndFalseValues: false and 0 are valid values, and a malware
// without is_family is an error naming it.
func TestZeroAndFalseValues(t *testing.T) {
	requireNoErrors(t, validateFile(t, "case009-input.json"))
	byObject := errorsByObject(validateFile(t, "case009-missing-is-family.json"))
	errs := byObject["malware--41282fa1-0850-4777-a868-b9778c807ddc"]
	if len(errs) != 1 || !names(errs[0], "is_family") {
		t.Errorf("malware without is_family: %v, want one error naming is_family", errs)
	}
	if len(byObject) != 1 {
		t.Errorf("errors on %d objects, want 1", len(byObject))
	}
}
