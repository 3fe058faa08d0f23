package stixconv_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/demodata"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
	"github.com/opencti-go/sdk/pycti/stixconv"
	"github.com/opencti-go/sdk/stix/validate"
)

// dialect names the two outputs of the pycti profile: the fixed dialect
// (stixconv.Compat{}) and pycti's own (stixconv.Pycti()).
type dialect string

const (
	fixedDialect dialect = "fixed"
	pyctiDialect dialect = "pycti"
)

// allowance is a validator finding that the pycti profile gives by design.
// Each one names the property of the dialect it comes from, as the pycti
// section of docs/stix-dialects.md explains it.
type allowance struct {
	// pyctiOnly limits the allowance to pycti's dialect: the fixed dialect
	// must never give the finding.
	pyctiOnly bool
	severity  validate.Severity
	// rule and pointer are regular expressions that must match the whole
	// Finding.Rule and Finding.Pointer.
	rule    string
	pointer string
	// types lists the STIX types of the objects concerned; nil means any.
	types []string
	// property is the dialect property the finding comes from.
	property string

	re *regexp.Regexp
}

// pyctiAllowances are every finding the pycti profile may give. A finding
// that none of them matches fails the test, and so does an allowance that
// matches no finding.
var pyctiAllowances = []allowance{
	{severity: validate.SeverityWarning, rule: "extensions-use", pointer: `/x_(opencti|mitre)_\w+`,
		property: "OpenCTI data in top-level x_opencti_ properties and ATT&CK fields in " +
			"x_mitre_ properties, with no extension definition"},
	{severity: validate.SeverityWarning, rule: "extensions-use", pointer: `/type`,
		property: "OpenCTI's own object types, without an extension definition"},
	{severity: validate.SeverityWarning, rule: "extensions-use",
		pointer: `/(content|first_seen|incident_type|source|likelihood|note_types|` +
			`security_platform_type|key_usage|external_references)`,
		property: "platform fields without the x_ prefix"},
	{pyctiOnly: true, severity: validate.SeverityWarning, rule: "extensions-use",
		pointer: `/(samples|threat_actor_group|body_multipart_refs|values_refs)`,
		property: "pycti's leaked GraphQL lists and ref lists " +
			"(Compat.NonSTIXProperties, Compat.RefLists)"},
	{severity: validate.SeverityWarning, rule: "uuid-check", pointer: `/id`,
		property: "ids are the platform's standard ids"},
	{severity: validate.SeverityWarning, rule: validate.RuleDeterministicID, pointer: `/id`,
		types: []string{"file"}, property: "ids are the platform's standard ids"},
	{severity: validate.SeverityWarning, rule: "relationship-types", pointer: `/target_ref`,
		types:    []string{"relationship"},
		property: "OpenCTI's relationship types: an indicator is based on an observable"},
	{severity: validate.SeverityWarning, rule: "extref-hashes", pointer: `/external_references/\d+`,
		property: "external references as the platform stores them"},
	{severity: validate.SeverityWarning, rule: "marking-definition-type", pointer: `/definition_type`,
		types: []string{"marking-definition"}, property: "PAP markings"},
	{severity: validate.SeverityWarning, rule: "indicator-properties", pointer: ``,
		types: []string{"indicator"}, property: "empty values are left out"},
	{severity: validate.SeverityWarning,
		rule:     "(region|countries|open-vocab-format|infrastructure-types|attack-motivation)",
		pointer:  `/(region|country|infrastructure_types|primary_motivation|implementation_languages)`,
		property: "open vocabulary values as the platform stores them"},
	{severity: validate.SeverityError, rule: validate.RuleSchema, pointer: ``,
		types: []string{"location"}, property: "locations without region, country or coordinates"},
	{pyctiOnly: true, severity: validate.SeverityError, rule: validate.RuleSchema,
		pointer: `/severity`, property: "pycti's severity (Compat.Severity)"},
	{pyctiOnly: true, severity: validate.SeverityError, rule: validate.RuleSchema,
		pointer: `/(extensions|environment_variables)`,
		types:   []string{"file", "network-traffic", "process", "user-account"},
		property: "pycti's values stored as strings or lists " +
			"(Compat.StringExtensions, Compat.EnvironmentVariablesList)"},
	{pyctiOnly: true, severity: validate.SeverityError, rule: validate.RuleSchema, pointer: ``,
		types:    []string{"relationship"},
		property: "pycti's relationships without an end (Compat.IncompleteObjects)"},
	{pyctiOnly: true, severity: validate.SeverityError, rule: validate.RuleSchema,
		pointer: `/objectCovered`, types: []string{"security-coverage"},
		property: "pycti's objectCovered (Compat.CamelCaseObjectCovered)"},
	{pyctiOnly: true, severity: validate.SeverityError, rule: validate.RuleSchema, pointer: ``,
		types: []string{"ssh-key"}, property: "pycti's ssh-key created (Compat.ObservableCreated)"},
	{pyctiOnly: true, severity: validate.SeverityWarning, rule: "duplicate-ids", pointer: `/id`,
		types:    []string{"marking-definition"},
		property: "pycti's repeated file markings (Compat.DuplicateMarkings)"},
	{pyctiOnly: true, severity: validate.SeverityInfo, rule: validate.RuleSpecVersion,
		pointer: `/spec_version`, types: []string{"identity"},
		property: "pycti's sighting author without spec_version (Compat.MissingSpecVersion)"},
	{pyctiOnly: true, severity: validate.SeverityWarning, rule: "hash-algo", pointer: `/hashes/\w+`,
		property: "pycti's hash algorithm names (Compat.RawHashAlgorithms)"},
	{pyctiOnly: true, severity: validate.SeverityWarning, rule: validate.RuleTLPv2,
		pointer: `/definition/tlp`, types: []string{"marking-definition"},
		property: "pycti's TLP 2.0 levels (Compat.LegacyTLP)"},
}

// findingTally matches findings against the allowances and counts them per
// dialect, severity and rule.
type findingTally struct {
	allowances []allowance
	used       []int
	perRule    map[string]int
}

func newFindingTally() *findingTally {
	ft := &findingTally{allowances: slices.Clone(pyctiAllowances),
		used: make([]int, len(pyctiAllowances)), perRule: map[string]int{}}
	for i := range ft.allowances {
		a := &ft.allowances[i]
		a.re = regexp.MustCompile(`^(?:` + a.rule + `)\x00(?:` + a.pointer + `)$`)
	}
	return ft
}

// check counts each finding and reports those no allowance of the dialect
// matches.
func (ft *findingTally) check(t *testing.T, d dialect, source string, findings []validate.Finding) {
	t.Helper()
	for _, f := range findings {
		ft.perRule[fmt.Sprintf("%s %s %s", d, f.Severity, f.Rule)]++
		i := ft.match(d, f)
		if i < 0 {
			t.Errorf("%s dialect, %s: finding not explained: %s", d, source, f)
			continue
		}
		ft.used[i]++
	}
}

func (ft *findingTally) match(d dialect, f validate.Finding) int {
	objectType, _, _ := strings.Cut(f.ObjectID, "--")
	for i, a := range ft.allowances {
		if a.pyctiOnly && d != pyctiDialect {
			continue
		}
		if a.severity != f.Severity || !a.re.MatchString(f.Rule+"\x00"+f.Pointer) {
			continue
		}
		if a.types == nil || slices.Contains(a.types, objectType) {
			return i
		}
	}
	return -1
}

// goldenObjects returns the objects of a golden conversion file: JSON
// objects one after the other, after a "dropped:" line when the entity was
// left out.
func goldenObjects(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var kept bytes.Buffer
	lines := bufio.NewScanner(bytes.NewReader(data))
	for lines.Scan() {
		if !bytes.HasPrefix(lines.Bytes(), []byte("dropped: ")) {
			kept.Write(lines.Bytes())
			kept.WriteByte('\n')
		}
	}
	var out [][]byte
	dec := json.NewDecoder(&kept)
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, raw)
	}
	return out
}

// checkGoldens validates the objects of every golden conversion, one
// session per file. References are not enforced: a golden holds one
// conversion, whose references name objects of other conversions.
func checkGoldens(t *testing.T, tally *findingTally) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, path := range files {
		name := filepath.Base(path)
		d := fixedDialect
		if strings.HasSuffix(name, ".pycti.json") {
			d = pyctiDialect
		}
		s := validate.Default().NewSession()
		var findings []validate.Finding
		for _, raw := range goldenObjects(t, path) {
			findings = append(findings, s.Add(raw)...)
		}
		findings = append(findings, s.Finish()...)
		tally.check(t, d, name, findings)
	}
}

// demoExports lists the exports of the sample dataset: every entity alone
// in both modes, its relationships and sighting as a selection in both
// modes, and all its entities in a full query export.
func demoExports(t *testing.T, c *pycti.Client) []export.Request {
	t.Helper()
	ctx := context.Background()
	modes := []export.Mode{export.ModeSimple, export.ModeFull}
	var reqs []export.Request
	for o, err := range c.StixCoreObjects().All(ctx, pycti.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, mode := range modes {
			reqs = append(reqs, export.Request{Scope: export.ScopeSingle, Mode: mode,
				EntityType: o.EntityType, EntityID: o.ID,
				FileName: o.EntityType + "-" + o.ID + "-" + string(mode) + ".json"})
		}
	}
	var relationships []string
	for _, list := range []pycti.Collection[pycti.Relationship]{c.StixCoreRelationships(),
		c.StixSightingRelationships()} {
		for r, err := range list.All(ctx, pycti.ListOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			relationships = append(relationships, r.ID)
		}
	}
	if len(reqs) != 34 || len(relationships) != 17 {
		t.Fatalf("%d single exports and %d relationships, want the 17 entities, 16 "+
			"relationships and the sighting of the sample dataset", len(reqs), len(relationships))
	}
	for _, mode := range modes {
		reqs = append(reqs, export.Request{Scope: export.ScopeSelection, Mode: mode,
			EntityType: "Stix-Core-Object", SelectedIDs: relationships,
			FileName: "relationships-" + string(mode) + ".json"})
	}
	return append(reqs, export.Request{Scope: export.ScopeQuery, Mode: export.ModeFull,
		EntityType: "Stix-Core-Object", FileName: "sample-dataset.json"})
}

// checkDemoExports exports the sample dataset from an in-memory platform
// in the pycti profile and validates each bundle. Full bundles must
// contain every object they refer to; simple bundles refer to objects
// they leave out, as STIX allows.
func checkDemoExports(t *testing.T, tally *findingTally) {
	s, err := pyctitest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.SeedBundle(demodata.GlassTern); err != nil {
		t.Fatal(err)
	}
	c, err := pycti.NewClient(s.URL, s.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	closed, err := validate.New(validate.WithEnforceRefs())
	if err != nil {
		t.Fatal(err)
	}
	reqs := demoExports(t, c)
	for _, d := range []struct {
		name   dialect
		compat stixconv.Compat
	}{{fixedDialect, stixconv.Compat{}}, {pyctiDialect, stixconv.Pycti()}} {
		x, err := export.New(c, export.Options{Profile: export.ProfilePycti, Compat: d.compat})
		if err != nil {
			t.Fatal(err)
		}
		for _, req := range reqs {
			var buf bytes.Buffer
			res, err := x.Write(context.Background(), &buf, req)
			if err != nil {
				t.Errorf("%s dialect, export %s: %v", d.name, req.FileName, err)
				continue
			}
			if res.Objects == 0 {
				t.Errorf("%s dialect, export %s: empty bundle", d.name, req.FileName)
			}
			v := validate.Default()
			if req.Mode == export.ModeFull {
				v = closed
			}
			findings, err := v.ValidateBundle(context.Background(), &buf)
			if err != nil {
				t.Fatal(err)
			}
			tally.check(t, d.name, req.FileName, findings)
		}
	}
}

// Every bundle of the pycti profile passes the validator but for the
// findings its dialect gives by design. Each of those is listed in
// pyctiAllowances with the property it comes from. The bundles are the
// golden conversions of every entity type in both dialects, and exports of
// the sample dataset.
func TestPyctiDialectFindingsExplained(t *testing.T) {
	tally := newFindingTally()
	checkGoldens(t, tally)
	checkDemoExports(t, tally)

	for i, a := range tally.allowances {
		if tally.used[i] == 0 {
			t.Errorf("allowance for %s %s at %q (%s) matches no finding: remove it",
				a.severity, a.rule, a.pointer, a.property)
		}
	}
	keys := make([]string, 0, len(tally.perRule))
	for k := range tally.perRule {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t.Logf("%6d %s", tally.perRule[k], k)
	}
}
