package stix_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix"
)

// caseFile returns the path of a file of a failure case.
func caseFile(t *testing.T, caseDir, name string) string {
	t.Helper()
	return filepath.Join(testenv.SharedDir(t, "cases", caseDir), name)
}

// decodeAll decodes every object of a bundle file and checks that encoding
// each one gives back the same JSON value.
func decodeAll(t *testing.T, path string) map[string]stix.Object {
	t.Helper()
	byID := map[string]stix.Object{}
	for i, raw := range objectsOf(t, path) {
		o, err := stix.Decode(raw)
		if err != nil {
			t.Fatalf("%s object %d: %v", filepath.Base(path), i, err)
		}
		out, err := stix.Marshal(o)
		if err != nil {
			t.Fatalf("%s object %d: %v", filepath.Base(path), i, err)
		}
		if d := diffJSON("", padVersionTimestamps(jsonValue(t, raw)), jsonValue(t, out)); d != "" {
			t.Errorf("%s %s: %s", filepath.Base(path), o.ObjectID(), d)
		}
		byID[o.ObjectID()] = o
	}
	return byID
}

// encodedValue returns the JSON value of one property of the encoded o.
func encodedValue(t *testing.T, o stix.Object, property string) (string, bool) {
	t.Helper()
	data, err := stix.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	v, ok := m[property]
	return string(v), ok
}

func TestTimestampPrecisionCase(t *testing.T) {
	objects := decodeAll(t, caseFile(t, "001-timestamp-fractional-precision", "input.json"))
	identity := objects["identity--df7d1663-1a28-492f-b76f-ae9a049a3512"].(*stix.Identity)
	indicator := objects["indicator--d3be215a-a836-4166-83f4-1c4a657c53e9"].(*stix.Indicator)
	note := objects["note--147ccb1b-977f-4c89-bac3-d88e5b0955f4"].(*stix.Note)
	checks := []struct {
		o        stix.Object
		property string
		want     string
	}{
		{identity, "created", `"2023-03-01T10:00:00.000Z"`},
		{identity, "modified", `"2023-03-01T10:00:00.000Z"`},
		{indicator, "created", `"2023-03-01T10:00:00.100Z"`},
		{indicator, "modified", `"2023-03-01T10:00:00.123456Z"`},
		{indicator, "valid_from", `"2023-03-01T10:00:00Z"`},
		{indicator, "valid_until", `"2023-04-01T10:00:00.5Z"`},
		{note, "modified", `"2023-03-01T10:00:00.000000001Z"`},
	}
	for _, c := range checks {
		if got, _ := encodedValue(t, c.o, c.property); got != c.want {
			t.Errorf("%s %s: got %s, want %s", c.o.ObjectType(), c.property, got, c.want)
		}
	}
	if !note.Modified.After(note.Created) {
		t.Error("note modified is not after created at nanosecond precision")
	}

	invalid := decodeAll(t, caseFile(t, "001-timestamp-fractional-precision", "invalid-order.json"))
	malware := invalid["malware--253e4623-7aa1-48ba-9e03-972c6d5b3907"].(*stix.Malware)
	if !malware.Modified.Before(malware.Created) {
		t.Error("modified one nanosecond before created is not detected")
	}

	// More than 9 digits: truncated to nanoseconds, order kept.
	over := objectsOf(t, caseFile(t, "001-timestamp-fractional-precision", "over-nanosecond.json"))
	o, err := stix.Decode(over[0])
	if err != nil {
		t.Fatal(err)
	}
	od := o.(*stix.ObservedData)
	if od.LastObserved.Before(od.FirstObserved) {
		t.Error("last_observed before first_observed after truncation")
	}
	if got := od.FirstObserved.String(); got != "2023-11-12T14:16:48.169979860Z" {
		t.Errorf("first_observed written as %s", got)
	}

	// A time built in another zone is written in UTC with Z.
	built := stix.Create[stix.Identity]()
	built.Name = "Example"
	plus2 := time.FixedZone("UTC+2", 2*60*60)
	built.Created = stix.NewTimestamp(time.Date(2023, 3, 1, 12, 0, 0, 0, plus2))
	if got, _ := encodedValue(t, built, "created"); got != `"2023-03-01T10:00:00.000Z"` {
		t.Errorf("created built in UTC+2 written as %s", got)
	}
}

func TestTimestampOffsetIsDecodeError(t *testing.T) {
	for _, value := range []string{
		"2023-03-01T12:00:00+02:00", "2023-03-01T10:00:00", "2023-03-01T10:00:00.000z",
		"2023-02-30T10:00:00Z", "2023-03-01 10:00:00Z",
	} {
		data := []byte(`{"type":"identity","id":"identity--1","name":"x","modified":"` + value + `"}`)
		_, err := stix.Decode(data)
		if err == nil {
			t.Errorf("%s: decoded without error", value)
			continue
		}
		var pe *stix.PropertyError
		if !errors.As(err, &pe) || pe.Property != "modified" {
			t.Errorf("%s: error %v does not name the property", value, err)
		}
		if !strings.Contains(err.Error(), value) || !errors.Is(err, stix.ErrTimestamp) {
			t.Errorf("%s: error %v does not name the value", value, err)
		}
	}
}

func TestObservableIDBundleKeepsIDs(t *testing.T) {
	path := caseFile(t, "003-sco-deterministic-ids", "bundle-mixed.json")
	objects := decodeAll(t, path)
	for id, o := range objects {
		if o.ObjectID() != id {
			t.Errorf("id %s changed to %s", id, o.ObjectID())
		}
	}
	mismatch := objects["domain-name--113db8ee-2063-57ed-be41-0d27ef56cf99"]
	got, err := stix.ObservableIDOf(mismatch)
	if err != nil {
		t.Fatal(err)
	}
	if got == mismatch.ObjectID() {
		t.Error("recomputed id equals the mismatching id")
	}
}

func TestSpecVersionDetectionCase(t *testing.T) {
	objects := decodeAll(t, caseFile(t, "005-spec-version-detection", "bundle-21-with-20-objects.json"))
	want := map[string]string{
		"indicator--c8087c7d-d1c7-4213-9e12-45e90269f2b3": "2.1",
		"indicator--ec6cc5ef-9285-4bf1-84c9-5f96fcbdaecc": "2.0",
		"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4": "2.1",
	}
	if len(objects) != len(want) {
		t.Fatalf("decoded %d objects, want %d", len(objects), len(want))
	}
	for id, version := range want {
		o := objects[id]
		var declared string
		switch x := o.(type) {
		case *stix.Indicator:
			declared = x.SpecVersion
		case *stix.IPv4Addr:
			declared = x.SpecVersion
		}
		if got := stix.EffectiveSpecVersion(o.ObjectType(), declared); got != version {
			t.Errorf("%s: version %s, want %s", id, got, version)
		}
	}

	data, err := os.ReadFile(caseFile(t, "005-spec-version-detection", "bundle-20-style.json"))
	if err != nil {
		t.Fatal(err)
	}
	r := stix.NewBundleReader(bytes.NewReader(data))
	var out bytes.Buffer
	w, err := stix.NewBundleWriter(&out, stix.WriterOptions{ID: r.ID()})
	if err != nil {
		t.Fatal(err)
	}
	for o, err := range r.Objects() {
		if err != nil {
			t.Fatal(err)
		}
		ind := o.(*stix.Indicator)
		if len(ind.IndicatorTypes) != 1 || ind.PatternType != "stix" || ind.PatternVersion != "2.1" {
			t.Errorf("indicator lost 2.1 properties: %+v", ind)
		}
		if len(ind.Custom) != 0 {
			t.Errorf("2.1 properties taken as custom: %v", ind.Custom)
		}
		if err := w.Write(o); err != nil {
			t.Fatal(err)
		}
	}
	if string(r.Properties()["spec_version"]) != `"2.1"` {
		t.Errorf("bundle spec_version not reported: %v", r.Properties())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &top); err != nil {
		t.Fatal(err)
	}
	if _, ok := top["spec_version"]; ok {
		t.Error("2.1 bundle written with a spec_version")
	}
}

func TestCustomPropertiesCase(t *testing.T) {
	objects := decodeAll(t, caseFile(t, "006-custom-properties-extensions", "input.json"))
	ind := objects["indicator--ec707d11-e567-422e-a02f-2b3cc10fe742"].(*stix.Indicator)
	if string(ind.Custom["acme_score"]) != "42" {
		t.Errorf("acme_score = %s", ind.Custom["acme_score"])
	}
	mal := objects["malware--4f5feb05-63ae-48ad-8b28-47bc4acf4040"].(*stix.Malware)
	if string(mal.Custom["x_acme_origin"]) != `"lab-analysis"` {
		t.Errorf("x_acme_origin = %s", mal.Custom["x_acme_origin"])
	}
	rank := mal.Extensions["extension-definition--c8087c7d-d1c7-4213-9e12-45e90269f2b4"].(*stix.GenericExtension)
	if rank.ExtensionType != "property-extension" || string(rank.Properties["rank"]) != "3" {
		t.Errorf("property-extension content %+v", rank)
	}
	file := objects["file--15355f38-0980-4b98-aa00-303ec4234e0b"].(*stix.File)
	pe, ok := file.Extensions[stix.ExtWindowsPE].(*stix.WindowsPEBinaryExt)
	if !ok || pe.PEType != "exe" || pe.NumberOfSections == nil || *pe.NumberOfSections != 4 {
		t.Errorf("windows-pebinary-ext decoded as %+v", file.Extensions[stix.ExtWindowsPE])
	}
	if _, ok := file.Extensions["x-acme-sandbox-ext"].(*stix.GenericExtension); !ok {
		t.Error("x-acme-sandbox-ext not kept")
	}
	for _, o := range objects {
		if nt, ok := o.(*stix.NetworkTraffic); ok {
			if _, ok := nt.Extensions[stix.ExtHTTPRequest].(*stix.HTTPRequestExt); !ok {
				t.Errorf("http-request-ext decoded as %T", nt.Extensions[stix.ExtHTTPRequest])
			}
		}
	}
	// Objects with badly named custom properties still decode; the names are
	// the validator's business.
	decodeAll(t, caseFile(t, "006-custom-properties-extensions", "invalid-custom-names.json"))
}

func TestCustomObjectTypesCase(t *testing.T) {
	objects := decodeAll(t, caseFile(t, "007-custom-object-types", "input.json"))
	if len(objects) != 6 {
		t.Fatalf("decoded %d objects, want 6", len(objects))
	}
	for _, id := range []string{
		"x-acme-widget--dd5238f8-d234-48ac-9c9b-f66d96dc3841",
		"x-opencti-case-incident--147ccb1b-977f-4c89-bac3-d88e5b0955f5",
		"x-mitre-data-component--267b1b7e-bbd1-46d8-b447-233dd8c3712e",
	} {
		if _, ok := objects[id].(*stix.Generic); !ok {
			t.Errorf("%s decoded as %T, want *stix.Generic", id, objects[id])
		}
	}
	// Lenient decoding keeps malformed types and ids for the validator.
	invalid := objectsOf(t, caseFile(t, "007-custom-object-types", "invalid.json"))
	decoded := decodeAll(t, caseFile(t, "007-custom-object-types", "invalid.json"))
	if len(decoded) != len(invalid) {
		t.Errorf("decoded %d of %d invalid objects", len(decoded), len(invalid))
	}
}

func TestZeroAndFalseValuesCase(t *testing.T) {
	path := caseFile(t, "009-zero-and-false-values", "input.json")
	objects := decodeAll(t, path)
	var all bytes.Buffer
	for _, o := range objects {
		data, err := stix.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		all.Write(data)
	}
	for _, want := range []string{
		`"is_family":false`, `"confidence":0`, `"revoked":false`, `"count":0`,
		`"is_self_signed":false`, `"is_active":false`, `"size":0`, `"src_port":0`, `"summary":false`,
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("encoded objects lack %s", want)
		}
	}

	built := stix.Create[stix.Malware]()
	built.Name = "Example one-off implant"
	built.IsFamily = new(false)
	if got, ok := encodedValue(t, built, "is_family"); !ok || got != "false" {
		t.Errorf("built malware is_family = %q (present %v)", got, ok)
	}

	// Absent stays absent: decoding does not invent is_family.
	missing := objectsOf(t, caseFile(t, "009-zero-and-false-values", "missing-is-family.json"))
	o, err := stix.Decode(missing[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := encodedValue(t, o, "is_family"); ok {
		t.Error("is_family invented for a malware without it")
	}
}

func TestEmptyListsCase(t *testing.T) {
	objects := decodeAll(t, caseFile(t, "010-empty-lists-required-props", "invalid.json"))
	stripped := objects["report--6e0d20a8-760d-40ab-b54b-c1e8dc9c9a22"]
	if _, ok := encodedValue(t, stripped, "object_refs"); ok {
		t.Error("object_refs invented for a report without it")
	}
	rel := objects["relationship--2f0efdbb-8a52-4962-ba15-63978b2b7e5b"]
	if _, ok := encodedValue(t, rel, "target_ref"); ok {
		t.Error("target_ref invented for a relationship without it")
	}
	edge := decodeAll(t, caseFile(t, "010-empty-lists-required-props", "valid-edge.json"))
	ap := edge["attack-pattern--97eba89e-3907-4b4f-aeeb-7d25aec0bd17"].(*stix.AttackPattern)
	if len(ap.ExternalReferences) != 3 || ap.ExternalReferences[1].ExternalID != "EX-0001" {
		t.Errorf("external references %+v", ap.ExternalReferences)
	}

	built := stix.Create[stix.IntrusionSet]()
	built.Name = "Example Set"
	built.Aliases = []string{}
	built.ExternalReferences = []stix.ExternalReference{}
	built.Labels = []string{}
	built.Extensions = stix.Extensions{}
	data, err := stix.Marshal(built)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(data, []byte("[]")) || bytes.Contains(data, []byte("{}")) {
		t.Errorf("empty lists or maps written: %s", data)
	}
}

func TestMarkingDefinitionsCase(t *testing.T) {
	objects := decodeAll(t, caseFile(t, "011-marking-definitions", "input.json"))
	marking := func(uuid string) *stix.MarkingDefinition {
		return objects["marking-definition--"+uuid].(*stix.MarkingDefinition)
	}
	ext := marking("4f5feb05-63ae-48ad-8b28-47bc4acf4041")
	level := ext.Extensions["extension-definition--ec707d11-e567-422e-a02f-2b3cc10fe743"]
	content, ok := level.(*stix.GenericExtension)
	if !ok || content.ExtensionType != "property-extension" ||
		string(content.Properties["level"]) != `"internal"` ||
		string(content.Properties["caveats"]) != `["no-foreign-sharing"]` {
		t.Errorf("extension-based marking content = %+v", level)
	}
	strict := marking("1e535b1b-2ade-4a48-91f2-8b34bfcce564")
	if strict.Definition == nil || strict.Definition.TLP != "amber+strict" {
		t.Errorf("TLP 2.0 level definition = %+v", strict.Definition)
	}
	ind := objects["indicator--15355f38-0980-4b98-aa00-303ec4234e0c"].(*stix.Indicator)
	if len(ind.GranularMarkings) != 2 {
		t.Fatalf("granular markings = %+v", ind.GranularMarkings)
	}
	lang := ind.GranularMarkings[1]
	if lang.Lang != "fr" || lang.MarkingRef != "" || len(lang.Selectors) != 1 {
		t.Errorf("lang-only granular marking = %+v", lang)
	}
	if got, _ := encodedValue(t, ind, "object_marking_refs"); !strings.Contains(got,
		"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed") {
		t.Errorf("object_marking_refs lost the marking not in the bundle: %s", got)
	}

	// The invalid markings still decode: the validator reports them.
	path := caseFile(t, "011-marking-definitions", "invalid.json")
	if decoded, all := decodeAll(t, path), objectsOf(t, path); len(decoded) != len(all) {
		t.Errorf("decoded %d of %d invalid objects", len(decoded), len(all))
	}
}
