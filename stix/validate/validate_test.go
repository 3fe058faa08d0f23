package validate_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/opencti-go/sdk/stix/pattern"
	"github.com/opencti-go/sdk/stix/validate"
)

const identity = `{"type":"identity","spec_version":"2.1",
	"id":"identity--df7d1663-1a28-492f-b76f-ae9a049a3512",
	"created":"2023-03-01T10:00:00.000Z","modified":"2023-03-01T10:00:00.000Z",
	"name":"Example Team","identity_class":"organization"}`

func rules(findings []validate.Finding) []string {
	var out []string
	for _, f := range findings {
		out = append(out, f.Rule)
	}
	return out
}

func TestValidObjectHasNoFindings(t *testing.T) {
	if fs := validate.Object([]byte(identity)); len(fs) != 0 {
		t.Errorf("findings for a valid identity: %v", fs)
	}
}

func TestInvalidJSON(t *testing.T) {
	for _, raw := range []string{`{"type":`, `[1]`, `{"a":1} {}`, ``} {
		fs := validate.Object([]byte(raw))
		if len(fs) != 1 || fs[0].Rule != validate.RuleJSON || fs[0].Severity != validate.SeverityError {
			t.Errorf("Object(%q) = %v, want one json error", raw, fs)
		}
	}
}

func TestSchemaErrorUnwraps(t *testing.T) {
	raw := strings.Replace(identity, `"modified":"2023-03-01T10:00:00.000Z"`,
		`"modified":"2023-02-30T10:00:00.000Z"`, 1)
	err := validate.Err(validate.Object([]byte(raw)))
	if err == nil {
		t.Fatal("no error for February 30")
	}
	var serr *validate.SchemaError
	if !errors.As(err, &serr) {
		t.Fatalf("error %v does not unwrap to *SchemaError", err)
	}
	if serr.Pointer != "/modified" || !strings.HasSuffix(serr.Keyword, "format") {
		t.Errorf("schema error pointer %q keyword %q", serr.Pointer, serr.Keyword)
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		t.Errorf("error %v does not reach *jsonschema.ValidationError", err)
	}
	var verrs *validate.Error
	if !errors.As(err, &verrs) || len(verrs.Findings) == 0 {
		t.Errorf("error %v is not a *validate.Error with findings", err)
	}
}

func TestPatternErrorUnwraps(t *testing.T) {
	raw := `{"type":"indicator","spec_version":"2.1",
		"id":"indicator--d3be215a-a836-4166-83f4-1c4a657c53e9",
		"created":"2023-03-01T10:00:00.000Z","modified":"2023-03-01T10:00:00.000Z",
		"name":"n","description":"d","pattern":"[file:size = ]","pattern_type":"stix",
		"valid_from":"2023-03-01T10:00:00Z"}`
	fs := validate.Object([]byte(raw))
	if len(fs) != 1 || fs[0].Rule != validate.RulePattern || fs[0].Pointer != "/pattern" {
		t.Fatalf("findings = %v, want one pattern error", fs)
	}
	var perr *pattern.Error
	if !errors.As(validate.Err(fs), &perr) || perr.Offset != 13 {
		t.Errorf("error does not reach *pattern.Error at offset 13: %v", perr)
	}
	other := strings.Replace(raw, `"pattern_type":"stix"`, `"pattern_type":"yara"`, 1)
	if fs := validate.Object([]byte(other)); len(fs) != 0 {
		t.Errorf("a yara pattern was parsed as STIX: %v", fs)
	}
}

func TestStrictTurnsWarningsIntoErrors(t *testing.T) {
	raw := strings.Replace(identity, `"organization"`, `"Organisation"`, 1)
	fs := validate.Object([]byte(raw))
	if validate.HasErrors(fs) || len(fs) == 0 {
		t.Fatalf("default mode: %v, want warnings only", fs)
	}
	strict, err := validate.New(validate.WithStrict())
	if err != nil {
		t.Fatal(err)
	}
	fs = strict.ValidateObject([]byte(raw))
	if !validate.HasErrors(fs) {
		t.Errorf("strict mode: %v, want errors", fs)
	}
}

func TestDisableAndEnable(t *testing.T) {
	raw := strings.Replace(identity, `"organization"`, `"Organisation"`, 1)
	v, err := validate.New(validate.WithDisable("identity-class", "111"))
	if err != nil {
		t.Fatal(err)
	}
	if fs := v.ValidateObject([]byte(raw)); len(fs) != 0 {
		t.Errorf("disabled rules still reported: %v", fs)
	}
	v, err = validate.New(validate.WithEnable("open-vocab-format"))
	if err != nil {
		t.Fatal(err)
	}
	got := rules(v.ValidateObject([]byte(raw)))
	if len(got) != 1 || got[0] != "open-vocab-format" {
		t.Errorf("enable only open-vocab-format: rules %v", got)
	}
	if _, err := validate.New(validate.WithEnable("no-such-rule")); !errors.Is(err,
		validate.ErrUnknownRule) || !strings.Contains(err.Error(), "no-such-rule") {
		t.Errorf("unknown rule: err = %v", err)
	}
}

func TestSessionDuplicates(t *testing.T) {
	s := validate.Default().NewSession()
	if fs := s.Add([]byte(identity)); len(fs) != 0 {
		t.Fatalf("first copy: %v", fs)
	}
	reordered := `{"name":"Example Team","type":"identity","spec_version":"2.1",
		"id":"identity--df7d1663-1a28-492f-b76f-ae9a049a3512",
		"created":"2023-03-01T10:00:00.000Z","modified":"2023-03-01T10:00:00.000Z",
		"identity_class":"organization"}`
	fs := s.Add([]byte(reordered))
	if got := rules(fs); len(got) != 1 || got[0] != "duplicate-ids" || validate.HasErrors(fs) {
		t.Errorf("identical copy with other key order: %v", fs)
	}
	changed := strings.Replace(identity, "Example Team", "Other Team", 1)
	fs = s.Add([]byte(changed))
	if got := rules(fs); len(got) != 1 || got[0] != validate.RuleConflictingID {
		t.Errorf("same version, other content: %v", fs)
	}
	newer := strings.Replace(changed, `"modified":"2023-03-01T10:00:00.000Z"`,
		`"modified":"2023-03-01T10:00:00.001Z"`, 1)
	if fs := s.Add([]byte(newer)); len(fs) != 0 {
		t.Errorf("a later version: %v", fs)
	}
	if fs := s.Finish(); len(fs) != 0 {
		t.Errorf("Finish: %v", fs)
	}
}

func TestSessionEnforceRefs(t *testing.T) {
	v, err := validate.New(validate.WithEnforceRefs())
	if err != nil {
		t.Fatal(err)
	}
	rel := `{"type":"relationship","spec_version":"2.1",
		"id":"relationship--2f0efdbb-8a52-4962-ba15-63978b2b7e5b",
		"created":"2023-10-01T00:00:00.000Z","modified":"2023-10-01T00:00:00.000Z",
		"relationship_type":"related-to",
		"source_ref":"identity--df7d1663-1a28-492f-b76f-ae9a049a3512",
		"target_ref":"identity--6bd998ba-59ed-4af4-97f7-a29cd286a5e4"}`
	s := v.NewSession()
	s.Add([]byte(rel))
	s.Add([]byte(identity))
	fs := s.Finish()
	if len(fs) != 1 || fs[0].Rule != validate.RuleUnresolvedRef || fs[0].Pointer != "/target_ref" ||
		fs[0].Index != 0 {
		t.Errorf("Finish = %v, want one unresolved target_ref on object 0", fs)
	}
}

func TestBundleReader(t *testing.T) {
	bundle := `{"objects":[` + identity + `,` + identity + `],"type":"bundle",
		"id":"bundle--939646b0-7d6e-46d4-a929-97da04e7f53e","x_extra":1}`
	fs, err := validate.Bundle(context.Background(), strings.NewReader(bundle))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(rules(fs), " ")
	if got != "duplicate-ids extensions-use" {
		t.Errorf("rules = %q, want duplicate-ids extensions-use", got)
	}
	if fs[0].Index != 1 || fs[1].Index != -1 {
		t.Errorf("indexes = %d %d, want 1 -1", fs[0].Index, fs[1].Index)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := validate.Bundle(ctx, strings.NewReader(bundle)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	single, err := validate.Bundle(context.Background(), strings.NewReader(identity))
	if err != nil || len(single) != 0 {
		t.Errorf("single object: %v, %v", single, err)
	}
}

func TestWithSchemasNeedsFallbacks(t *testing.T) {
	fsys := fstest.MapFS{"indicator.json": {Data: []byte(`{"type":"object"}`)}}
	if _, err := validate.New(validate.WithSchemas(fsys)); err == nil ||
		!strings.Contains(err.Error(), "core.json") {
		t.Errorf("schema set without core.json: err = %v", err)
	}
}

func TestSTIX20ObjectIsInfo(t *testing.T) {
	raw := strings.Replace(identity, `"spec_version":"2.1",`, "", 1)
	fs := validate.Object([]byte(raw))
	if len(fs) != 1 || fs[0].Severity != validate.SeverityInfo || fs[0].Rule != validate.RuleSpecVersion {
		t.Errorf("findings = %v, want one spec-version info", fs)
	}
}

func ExampleValidator_ValidateObject() {
	v, err := validate.New()
	if err != nil {
		panic(err)
	}
	findings := v.ValidateObject([]byte(`{"type":"malware","spec_version":"2.1",
		"id":"malware--253e4623-7aa1-48ba-9e03-972c6d5b3907",
		"created":"2023-03-01T10:00:00.000000001Z","modified":"2023-03-01T10:00:00.000Z",
		"name":"Example Loader","is_family":true}`))
	for _, f := range findings {
		fmt.Println(f)
	}
	fmt.Println(validate.HasErrors(findings))
	// Output:
	// error malware--253e4623-7aa1-48ba-9e03-972c6d5b3907 /modified [timestamp-order]: modified 2023-03-01T10:00:00.000Z must be at or after created 2023-03-01T10:00:00.000000001Z
	// true
}

func ExampleSession() {
	s := validate.Default().NewSession()
	for _, raw := range []string{identity, identity} {
		for _, f := range s.Add([]byte(raw)) {
			fmt.Println(f)
		}
	}
	fmt.Println(len(s.Finish()))
	// Output:
	// warning identity--df7d1663-1a28-492f-b76f-ae9a049a3512 /id [duplicate-ids]: object 0 is the same version of this object: remove the copy
	// 0
}

func TestConcurrentUse(t *testing.T) {
	v := validate.Default()
	raw := strings.Replace(identity, `"organization"`, `"Organisation"`, 1)
	done := make(chan []validate.Finding)
	for range 8 {
		go func() {
			var last []validate.Finding
			for range 50 {
				last = v.ValidateObject([]byte(raw))
			}
			done <- last
		}()
	}
	for range 8 {
		if fs := <-done; len(fs) != 2 {
			t.Errorf("concurrent validation: %v", fs)
		}
	}
}

func TestTLP2Marking(t *testing.T) {
	const tmpl = `{"type":"marking-definition","spec_version":"2.1",
		"id":"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
		"created":"2022-10-01T00:00:00.000Z","name":"TLP:CLEAR",
		"extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":
		{"extension_type":"property-extension","tlp_2_0":"LEVEL"}}}`
	if fs := validate.Object([]byte(strings.Replace(tmpl, "LEVEL", "clear", 1))); len(fs) != 0 {
		t.Errorf("TLP:CLEAR marking: %v", fs)
	}
	fs := validate.Object([]byte(strings.Replace(tmpl, "LEVEL", "red", 1)))
	if got := rules(fs); len(got) != 1 || got[0] != validate.RuleTLP {
		t.Errorf("TLP:CLEAR id with level red: %v", fs)
	}
}

func TestBundleObjectsNotArray(t *testing.T) {
	for _, objects := range []string{`{"a":[1,{"b":2.50}],"c":{}}`, `"x"`, `null`} {
		bundle := `{"type":"bundle","id":"bundle--939646b0-7d6e-46d4-a929-97da04e7f53e",` +
			`"objects":` + objects + `}`
		fs, err := validate.Bundle(context.Background(), strings.NewReader(bundle))
		if err != nil {
			t.Fatalf("objects %s: %v", objects, err)
		}
		if len(fs) != 1 || fs[0].Pointer != "/objects" || fs[0].Rule != validate.RuleSchema {
			t.Errorf("objects %s: findings %v, want one schema error at /objects", objects, fs)
		}
	}
}

// TestPropertyNamePointerIsStable: the pointer of a bad property name does
// not depend on the order in which the schema library visits properties.
func TestPropertyNamePointerIsStable(t *testing.T) {
	raw := []byte(`{"type":2,"extensions":{"702":"21"},"spec_version":[],"created":{}}`)
	for range 30 {
		found := false
		for _, f := range validate.Object(raw) {
			if strings.HasPrefix(f.Message, "invalid property name") {
				found = true
				if f.Pointer != "/extensions/702" {
					t.Fatalf("pointer %q, want /extensions/702", f.Pointer)
				}
			}
		}
		if !found {
			t.Fatal("no finding for the extension name 702")
		}
	}
}

// TestFindingOrderIsStable: an object's findings come in the same order on
// every run.
func TestFindingOrderIsStable(t *testing.T) {
	raw := []byte(`{"type":"indicator","id":"x","spec_version":"2.0.1","created":[],
		"modified":1,"Bad-Name":1,"Worse Name":2,"a":3,"B":4,"pattern":"[",
		"valid_from":false,"labels":[],"x_acme_a":5,"x_acme_b":6,"x_acme_c":7}`)
	first := fmt.Sprint(validate.Object(raw))
	for range 30 {
		if got := fmt.Sprint(validate.Object(raw)); got != first {
			t.Fatalf("findings\n%s\nthen\n%s", first, got)
		}
	}
}

// TestSessionRefsBothDirections: references resolve to objects before and
// after the referring one, and only to the exact id.
func TestSessionRefsBothDirections(t *testing.T) {
	v, err := validate.New(validate.WithEnforceRefs())
	if err != nil {
		t.Fatal(err)
	}
	// The same UUID as identity, under another type.
	malware := strings.NewReplacer(`"type":"identity"`, `"type":"malware"`,
		"identity--df7d1663", "malware--df7d1663", `"identity_class":"organization"`,
		`"is_family":false`).Replace(identity)
	report := `{"type":"report","spec_version":"2.1",
		"id":"report--6e0d20a8-760d-40ab-b54b-c1e8dc9c9a22",
		"created":"2023-10-01T00:00:00.000Z","modified":"2023-10-01T00:00:00.000Z",
		"name":"r","published":"2023-10-01T00:00:00Z",
		"object_refs":["identity--df7d1663-1a28-492f-b76f-ae9a049a3512",
		"malware--df7d1663-1a28-492f-b76f-ae9a049a3512",
		"tool--df7d1663-1a28-492f-b76f-ae9a049a3512"]}`
	s := v.NewSession()
	s.Add([]byte(identity))
	s.Add([]byte(report))
	s.Add([]byte(malware))
	fs := s.Finish()
	if len(fs) != 1 || fs[0].Pointer != "/object_refs/2" || fs[0].Rule != validate.RuleUnresolvedRef {
		t.Errorf("Finish = %v, want one unresolved ref at /object_refs/2", fs)
	}
}

// Vocabulary values spelled with signs, such as "c++" and "c#", are in
// their vocabulary and get no format warning; a custom value in the same
// style does.
func TestVocabularyValuesPassFormatCheck(t *testing.T) {
	malware := `{"type": "malware", "spec_version": "2.1",
		"id": "malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
		"created": "2024-01-02T03:04:05.000Z", "modified": "2024-01-02T03:04:05.000Z",
		"name": "Inkcap", "is_family": true, "implementation_languages": [%s]}`
	if fs := validate.Object(fmt.Appendf(nil, malware, `"c++", "c#", "go"`)); len(fs) != 0 {
		t.Errorf("vocabulary values: %v, want no findings", fs)
	}
	got := rules(validate.Object(fmt.Appendf(nil, malware, `"Objective C"`)))
	if !slices.Equal(got, []string{"implementation-languages", "open-vocab-format"}) {
		t.Errorf("custom value: rules %v, want implementation-languages and open-vocab-format", got)
	}
}

// TestLeapSecondTimestamps: 23:59:60 is a valid RFC 3339 time and orders
// between 23:59:59 and the next day's 00:00:00. Second 60 of any other
// minute does not exist.
func TestLeapSecondTimestamps(t *testing.T) {
	object := func(created, modified string) []byte {
		return []byte(`{"type":"identity","spec_version":"2.1",
			"id":"identity--df7d1663-1a28-492f-b76f-ae9a049a3512",
			"created":"` + created + `","modified":"` + modified + `","name":"Example Team"}`)
	}
	tests := []struct {
		created, modified string
		wantRule          string // "" for no finding
		wantPointer       string
	}{
		{"2016-12-31T23:59:60.500Z", "2017-01-01T00:00:00.200Z", "", ""},
		{"2016-12-31T23:59:59.900Z", "2016-12-31T23:59:60.100Z", "", ""},
		{"2016-12-31T23:59:60.500Z", "2016-12-31T23:59:59.900Z",
			validate.RuleTimestampOrder, "/modified"},
		{"2016-06-30T12:00:60.000Z", "2016-12-31T23:59:59.900Z", validate.RuleSchema, "/created"},
	}
	for _, tc := range tests {
		fs := validate.Object(object(tc.created, tc.modified))
		if tc.wantRule == "" {
			if len(fs) != 0 {
				t.Errorf("created %s, modified %s: %v", tc.created, tc.modified, fs)
			}
			continue
		}
		if len(fs) != 1 || fs[0].Rule != tc.wantRule || fs[0].Pointer != tc.wantPointer {
			t.Errorf("created %s, modified %s: %v, want one %s finding at %s",
				tc.created, tc.modified, fs, tc.wantRule, tc.wantPointer)
		}
	}
}

// TestDuplicateKeys: an object that repeats a key is an error naming the
// key, whether the bundle is streamed or read whole.
func TestDuplicateKeys(t *testing.T) {
	object := strings.Replace(identity, `"name":"Example Team"`,
		`"name":"Example Team","name":"Other Team"`, 1)
	inputs := map[string]string{
		"bundle": `{"type":"bundle","id":"bundle--6e0d20a8-760d-40ab-b54b-c1e8dc9c9a22",` +
			`"objects":[` + object + `]}`,
		"array":  `[` + object + `]`,
		"object": object,
	}
	for name, input := range inputs {
		findings, err := validate.Default().ValidateBundle(context.Background(),
			strings.NewReader(input))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var dups []validate.Finding
		for _, f := range findings {
			if f.Rule == validate.RuleJSON {
				dups = append(dups, f)
			}
		}
		if len(dups) != 1 {
			t.Errorf("%s: %d json findings, want 1: %v", name, len(dups), findings)
			continue
		}
		if dups[0].Severity != validate.SeverityError ||
			!strings.Contains(dups[0].Message, `duplicate key "name"`) {
			t.Errorf("%s: finding %s does not report the duplicate key name", name, dups[0])
		}
	}
	if fs := validate.Object([]byte(object)); len(fs) != 1 || fs[0].Pointer != "/name" {
		t.Errorf("ValidateObject: %v, want one finding at /name", fs)
	}
}

// TestRuleGroupsCoverTheirCodes: all-vocabs turns on every vocabulary
// rule from 211 to 245, not only the codes that start with 21.
func TestRuleGroupsCoverTheirCodes(t *testing.T) {
	tool := `{"type":"tool","spec_version":"2.1",
		"id":"tool--be0de8d8-914b-4e09-80ef-85e7ddd9d2f9",
		"created":"2023-03-01T10:00:00.000Z","modified":"2023-03-01T10:00:00.000Z",
		"name":"Example tool","tool_types":["example-kind"]}`
	for _, group := range []string{"all-vocabs", "210", "approved-values", "2"} {
		v, err := validate.New(validate.WithEnable(group))
		if err != nil {
			t.Fatal(err)
		}
		if got := rules(v.ValidateObject([]byte(tool))); !slices.Contains(got, "tool-types") {
			t.Errorf("enable %s: rules %v, want tool-types (code 222)", group, got)
		}
	}
	v, err := validate.New(validate.WithDisable("all-vocabs"))
	if err != nil {
		t.Fatal(err)
	}
	if got := rules(v.ValidateObject([]byte(tool))); slices.Contains(got, "tool-types") {
		t.Errorf("disable all-vocabs: rules %v still hold tool-types", got)
	}
}

func TestRuleInfosDescribeEveryRule(t *testing.T) {
	infos := validate.RuleInfos()
	if len(infos) != len(validate.Rules()) {
		t.Fatalf("%d rule infos for %d rules", len(infos), len(validate.Rules()))
	}
	for i, info := range infos {
		if info.Name != validate.Rules()[i] {
			t.Errorf("info %d is %s, want %s", i, info.Name, validate.Rules()[i])
		}
		if info.Description == "" {
			t.Errorf("%s has no description", info.Name)
		}
	}
	byName := map[string]validate.RuleInfo{}
	for _, info := range infos {
		byName[info.Name] = info
	}
	if r := byName["uuid-check"]; r.Code != "103" || r.Severity != validate.SeverityWarning {
		t.Errorf("uuid-check = %+v, want code 103 and warning", r)
	}
	if r := byName[validate.RuleSchema]; r.Code != "" || r.Severity != validate.SeverityError {
		t.Errorf("schema = %+v, want no code and error", r)
	}
	if r := byName[validate.RuleSpecVersion]; r.Severity != validate.SeverityInfo {
		t.Errorf("spec-version = %+v, want info", r)
	}
}

// TestRangeFindingNamesNumber: a number out of range is written exactly in
// the message, even when a float64 cannot hold it.
func TestRangeFindingNamesNumber(t *testing.T) {
	for number, want := range map[string]string{
		"1e400":                "number 1e+400 is above the maximum 100",
		"18446744073709551616": "number 18446744073709551616 is above the maximum 100",
		"-1":                   "number -1 is below the minimum 0",
	} {
		raw := strings.Replace(identity, `"name"`, `"confidence":`+number+`,"name"`, 1)
		fs := validate.Object([]byte(raw))
		if len(fs) != 1 || fs[0].Pointer != "/confidence" || fs[0].Message != want {
			t.Errorf("confidence %s: %v, want one finding %q", number, fs, want)
		}
	}
}
