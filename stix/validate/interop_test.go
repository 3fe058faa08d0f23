package validate_test

import (
	"context"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/stix/validate"
)

const (
	// producerID has created_by_ref (itself), as the profile requires of
	// the identity that other objects name as their producer.
	producerID = "identity--6bd998ba-59ed-4af4-97f7-a29cd286a5e4"
	producer   = `{"type":"identity","spec_version":"2.1","id":"` + producerID + `",
		"created":"2023-03-01T10:00:00.000Z","modified":"2023-03-01T10:00:00.000Z",
		"created_by_ref":"` + producerID + `","name":"Producer","identity_class":"organization"}`
	// identity (validate_test.go) has no created_by_ref.
	identityID = "identity--df7d1663-1a28-492f-b76f-ae9a049a3512"

	campaignID = "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"
	incidentID = "incident--2e8d5b8a-4f3c-4d64-a2a8-7b1c6e8f9a01"

	// incident and domain are types that the profile does not cover.
	incident = `{"type":"incident","spec_version":"2.1","id":"` + incidentID + `",
		"created":"2023-03-01T10:00:00.000Z","modified":"2023-03-01T10:00:00.000Z",
		"name":"Breach"}`
	domain = `{"type":"domain-name","spec_version":"2.1",
		"id":"domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5","value":"example.com"}`

	tlpWhite = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
	tlpRed   = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
)

// campaignBy returns a campaign with the given extra properties, such as
// `"created_by_ref":"identity--…"`, written as JSON members.
func campaignBy(members string) string {
	if members != "" {
		members = "," + members
	}
	return `{"type":"campaign","spec_version":"2.1","id":"` + campaignID + `",
		"created":"2016-05-12T08:17:27.000Z","modified":"2016-05-12T08:17:27.000Z",
		"name":"Spear Phishing"` + members + `}`
}

func newInterop(t *testing.T, opts ...validate.Option) *validate.Validator {
	t.Helper()
	v, err := validate.New(append([]validate.Option{validate.WithInterop()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// interopFindings keeps the findings of the interoperability rules.
func interopFindings(fs []validate.Finding) []validate.Finding {
	var out []validate.Finding
	for _, f := range fs {
		if strings.HasPrefix(f.Rule, "interop-") {
			out = append(out, f)
		}
	}
	return out
}

func validateBundle(t *testing.T, v *validate.Validator, in string) []validate.Finding {
	t.Helper()
	fs, err := v.ValidateBundle(context.Background(), strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestInteropOffReportsNothing(t *testing.T) {
	v, err := validate.New()
	if err != nil {
		t.Fatal(err)
	}
	in := bundleOf(identity, campaignBy(`"created_by_ref":"`+identityID+`",
		"object_marking_refs":["`+tlpRed+`","`+tlpRed+`"]`))
	if fs := validateBundle(t, v, in); len(fs) != 0 {
		t.Errorf("findings without WithInterop: %v", fs)
	}
}

func TestInteropRequiredCreatedByRef(t *testing.T) {
	fs := newInterop(t).ValidateObject([]byte(campaignBy("")))
	if len(fs) != 1 {
		t.Fatalf("findings %v, want one", fs)
	}
	f := fs[0]
	if f.Rule != validate.RuleInteropRequired {
		t.Errorf("rule %s, want %s", f.Rule, validate.RuleInteropRequired)
	}
	if f.Severity != validate.SeverityError {
		t.Errorf("severity %s, want error", f.Severity)
	}
	if f.ObjectID != campaignID {
		t.Errorf("object id %q, want %s", f.ObjectID, campaignID)
	}
	if f.Pointer != "" {
		t.Errorf("pointer %q, want the whole object", f.Pointer)
	}
	if !strings.Contains(f.Message, "missing created_by_ref, which") {
		t.Errorf("message %q does not name created_by_ref and the type", f.Message)
	}
}

func TestInteropRequiredTypeProperties(t *testing.T) {
	indicator := `{"type":"indicator","spec_version":"2.1",
		"id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
		"created":"2023-03-01T10:00:00.000Z","modified":"2023-03-01T10:00:00.000Z",
		"created_by_ref":"` + producerID + `","name":"Bad domain","description":"C2",
		"pattern":"[domain-name:value = 'example.com']","pattern_type":"stix",
		"valid_from":"2023-03-01T10:00:00Z"}`
	fs := interopFindings(newInterop(t).ValidateObject([]byte(indicator)))
	if len(fs) != 1 {
		t.Fatalf("findings %v, want one", fs)
	}
	if fs[0].Rule != validate.RuleInteropRequired {
		t.Errorf("rule %s, want %s", fs[0].Rule, validate.RuleInteropRequired)
	}
	if !strings.Contains(fs[0].Message, "missing indicator_types, which") {
		t.Errorf("message %q does not name indicator_types alone", fs[0].Message)
	}
}

func TestInteropRequiredSkipsUncoveredTypes(t *testing.T) {
	v := newInterop(t)
	for _, obj := range []string{identity, incident, domain} {
		if fs := interopFindings(v.ValidateObject([]byte(obj))); len(fs) != 0 {
			t.Errorf("findings %v for an object the profile does not cover", fs)
		}
	}
}

func TestInteropTLPMarkings(t *testing.T) {
	v := newInterop(t)
	for _, tc := range []struct {
		name, refs string
		want       []string // pointers of the expected findings
	}{
		{"same TLP twice", `"` + tlpRed + `","` + tlpRed + `"`, []string{"/object_marking_refs/1"}},
		{"two TLP levels", `"` + tlpWhite + `","` + tlpRed + `"`, []string{"/object_marking_refs/1"}},
		{"three TLP", `"` + tlpWhite + `","` + tlpRed + `","` + tlpWhite + `"`,
			[]string{"/object_marking_refs/1", "/object_marking_refs/2"}},
		{"TLP and statement",
			`"` + tlpRed + `","marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ef"`, nil},
		{"one TLP", `"` + tlpWhite + `"`, nil},
	} {
		obj := campaignBy(`"created_by_ref":"` + producerID + `","object_marking_refs":[` +
			tc.refs + `]`)
		fs := interopFindings(v.ValidateObject([]byte(obj)))
		if len(fs) != len(tc.want) {
			t.Errorf("%s: findings %v, want %d", tc.name, fs, len(tc.want))
			continue
		}
		for i, f := range fs {
			if f.Rule != validate.RuleInteropTLP {
				t.Errorf("%s: rule %s, want %s", tc.name, f.Rule, validate.RuleInteropTLP)
			}
			if f.Pointer != tc.want[i] {
				t.Errorf("%s: pointer %q, want %q", tc.name, f.Pointer, tc.want[i])
			}
			if f.ObjectID != campaignID {
				t.Errorf("%s: object id %q, want %s", tc.name, f.ObjectID, campaignID)
			}
		}
	}
}

func TestInteropProducerResolves(t *testing.T) {
	v := newInterop(t)
	campaign := campaignBy(`"created_by_ref":"` + producerID + `"`)
	for name, in := range map[string]string{
		"producer first": bundleOf(producer, campaign),
		"producer last":  bundleOf(campaign, producer),
	} {
		if fs := validateBundle(t, v, in); len(fs) != 0 {
			t.Errorf("%s: findings %v, want none", name, fs)
		}
	}
}

func TestInteropProducerFindings(t *testing.T) {
	v := newInterop(t)
	for _, tc := range []struct {
		name    string
		objects []string
		pointer string
		message string
	}{
		{"producer not in bundle", []string{campaignBy(`"created_by_ref":"` + producerID + `"`)},
			"/created_by_ref", "is not an identity in the bundle"},
		{"producer without created_by_ref",
			[]string{identity, campaignBy(`"created_by_ref":"` + identityID + `"`)},
			"/created_by_ref", "names an identity without created_by_ref"},
		{"producer version without created_by_ref",
			[]string{producer, strings.Replace(identity, identityID, producerID, 1),
				campaignBy(`"created_by_ref":"` + producerID + `"`)},
			"/created_by_ref", "names an identity without created_by_ref"},
	} {
		campaignIndex := len(tc.objects) - 1
		fs := interopFindings(validateBundle(t, v, bundleOf(tc.objects...)))
		if len(fs) != 1 {
			t.Errorf("%s: findings %v, want one", tc.name, fs)
			continue
		}
		f := fs[0]
		if f.Rule != validate.RuleInteropProducer {
			t.Errorf("%s: rule %s, want %s", tc.name, f.Rule, validate.RuleInteropProducer)
		}
		if f.ObjectID != campaignID {
			t.Errorf("%s: object id %q, want %s", tc.name, f.ObjectID, campaignID)
		}
		if f.Index != campaignIndex {
			t.Errorf("%s: index %d, want %d", tc.name, f.Index, campaignIndex)
		}
		if f.Pointer != tc.pointer {
			t.Errorf("%s: pointer %q, want %q", tc.name, f.Pointer, tc.pointer)
		}
		if !strings.Contains(f.Message, tc.message) {
			t.Errorf("%s: message %q, want it to contain %q", tc.name, f.Message, tc.message)
		}
	}
}

func TestInteropProducerMissingRef(t *testing.T) {
	fs := interopFindings(validateBundle(t, newInterop(t),
		bundleOf(producer, incident, domain, campaignBy(""))))
	if len(fs) != 2 {
		t.Fatalf("findings %v, want one for the incident and one for the campaign", fs)
	}
	byRule := map[string]validate.Finding{}
	for _, f := range fs {
		byRule[f.Rule] = f
	}
	producerFinding := byRule[validate.RuleInteropProducer]
	if producerFinding.ObjectID != incidentID {
		t.Errorf("producer finding %v, want it on the incident", producerFinding)
	}
	if producerFinding.Pointer != "" {
		t.Errorf("producer finding pointer %q, want the whole object", producerFinding.Pointer)
	}
	// The campaign's missing created_by_ref is reported once, by the
	// per-object rule.
	if f := byRule[validate.RuleInteropRequired]; f.ObjectID != campaignID {
		t.Errorf("required finding %v, want the campaign", f)
	}
}

func TestInteropProducerOnlyInBundles(t *testing.T) {
	v := newInterop(t)
	campaign := campaignBy(`"created_by_ref":"` + producerID + `"`)
	for name, in := range map[string]string{
		"single object": campaign,
		"array":         "[" + campaign + "," + identity + "]",
	} {
		if fs := validateBundle(t, v, in); len(fs) != 0 {
			t.Errorf("%s: findings %v, want none", name, fs)
		}
	}
}

func TestInteropSessionIsBundle(t *testing.T) {
	s := newInterop(t).NewSession()
	if fs := s.Add([]byte(campaignBy(`"created_by_ref":"` + identityID + `"`))); len(fs) != 0 {
		t.Errorf("Add: %v, want none", fs)
	}
	s.Add([]byte(identity))
	fs := s.Finish()
	if len(fs) != 1 {
		t.Fatalf("Finish = %v, want one finding", fs)
	}
	if fs[0].Rule != validate.RuleInteropProducer {
		t.Errorf("rule %s, want %s", fs[0].Rule, validate.RuleInteropProducer)
	}
	if fs[0].Index != 0 {
		t.Errorf("index %d, want 0", fs[0].Index)
	}
}

func TestInteropRulesCanBeDisabled(t *testing.T) {
	v := newInterop(t, validate.WithDisable(validate.RuleInteropRequired,
		validate.RuleInteropTLP, validate.RuleInteropProducer))
	in := bundleOf(identity, campaignBy(`"created_by_ref":"`+identityID+`",
		"object_marking_refs":["`+tlpRed+`","`+tlpRed+`"]`), campaignBy(""))
	if fs := interopFindings(validateBundle(t, v, in)); len(fs) != 0 {
		t.Errorf("findings of disabled rules: %v", fs)
	}
}
