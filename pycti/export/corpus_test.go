package export_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
	"github.com/opencti-go/sdk/stix/validate"
)

// corpus is a real bundle seeded into an in-memory platform, with the
// oracle of its exports.
type corpus struct {
	name   string
	path   string
	s      *pyctitest.Server
	c      *pycti.Client
	oracle *oracle
	// internal maps platform ids to internal ids.
	internal map[string]string
}

func loadCorpus(t *testing.T, name string, elem ...string) *corpus {
	t.Helper()
	path := testenv.SharedDir(t, elem...)
	s, c := platform(t)
	if _, err := s.SeedFile(path); err != nil {
		t.Fatal(err)
	}
	cp := &corpus{name: name, path: path, s: s, c: c, oracle: newOracle(t, path),
		internal: map[string]string{}}
	ids := slices.Collect(func(yield func(string) bool) {
		for id := range cp.oracle.objs {
			if !yield(id) {
				return
			}
		}
	})
	for obj, err := range c.StixObjectOrStixRelationships().ByIDs(context.Background(), ids,
		pycti.ListOptions{First: pycti.MaxPageSize}) {
		if err != nil {
			t.Fatal(err)
		}
		cp.internal[obj.StandardID] = obj.ID
	}
	return cp
}

// sample returns up to n ids of each STIX type, the same ones every run.
func (cp *corpus) sample(n int) []string {
	byType := map[string][]string{}
	for id := range cp.oracle.objs {
		typ, _, _ := strings.Cut(id, "--")
		if typ != "marking-definition" {
			byType[typ] = append(byType[typ], id)
		}
	}
	var out []string
	for _, ids := range byType {
		sort.Strings(ids)
		out = append(out, ids[:min(n, len(ids))]...)
	}
	sort.Strings(out)
	return out
}

// oasisValidator checks objects with the OASIS JSON schemas in place of
// the built-in ones.
func oasisValidator(t *testing.T) *validate.Validator {
	t.Helper()
	dir := testenv.SharedDir(t, "stix", "oasis-schemas", "schemas")
	v, err := validate.New(validate.WithSchemas(os.DirFS(dir)))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// corpusExport is one export of a corpus and what it must hold.
type corpusExport struct {
	name  string
	req   export.Request
	roots []string // platform ids of the exported entities
	// query marks a list export whose roots the oracle finds by type.
	queryType string
}

// Exports of real data run in every scope and mode: ATT&CK for ICS and the
// platform's own export of a real case. Each bundle holds exactly the
// expected objects and passes the OASIS schemas object by object. A full
// export gives back every seeded object as it was seeded, apart from the
// platform's own data. An export that reaches an object whose source data
// breaks STIX 2.1 fails validation instead.
func TestCorpusExports(t *testing.T) {
	corpora := []struct{ name, dir, file string }{
		{"ics", "stix/corpus/mitre-attack-stix-data", "ics-attack-18.1.json"},
		{"real-use-case", "opencti/native-stix", "real-use-case-bundle.json"},
	}
	oasis := oasisValidator(t)
	for _, cs := range corpora {
		t.Run(cs.name, func(t *testing.T) {
			elem := append(strings.Split(cs.dir, "/"), cs.file)
			cp := loadCorpus(t, cs.name, elem...)
			for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
				x := exporter(t, cp.c, export.Options{Profile: profile})
				for _, ce := range cp.exports() {
					t.Run(string(profile)+"/"+ce.name, func(t *testing.T) {
						cp.check(t, x, profile, oasis, ce)
					})
				}
			}
		})
	}
}

// exports lists the exports run on a corpus: single exports of a sample,
// a selection of the sample, and query exports of two types.
func (cp *corpus) exports() []corpusExport {
	sample := cp.sample(2)
	var out []corpusExport
	for _, mode := range []export.Mode{export.ModeSimple, export.ModeFull} {
		for _, id := range sample {
			out = append(out, corpusExport{name: fmt.Sprintf("single-%s/%s", mode, id),
				roots: []string{id}, req: export.Request{Scope: export.ScopeSingle, Mode: mode,
					EntityType: entityTypeOf(id), EntityID: cp.internal[id], FileName: "single.json"}})
		}
		var selected []string
		for _, id := range sample {
			selected = append(selected, cp.internal[id])
		}
		out = append(out, corpusExport{name: "selection-" + string(mode), roots: sample,
			req: export.Request{Scope: export.ScopeSelection, Mode: mode,
				EntityType: "Stix-Core-Object", SelectedIDs: selected, FileName: "selection.json"}})
		for typ, stixType := range cp.queryTypes() {
			out = append(out, corpusExport{name: "query-" + string(mode) + "/" + typ,
				queryType: stixType, req: export.Request{Scope: export.ScopeQuery, Mode: mode,
					EntityType: typ, FileName: "query.json", ListParams: &export.ListParams{}}})
		}
	}
	return out
}

// queryTypes returns the entity types of the query exports, with the STIX
// type of their objects.
func (cp *corpus) queryTypes() map[string]string {
	if cp.name == "ics" {
		return map[string]string{"Malware": "malware", "Intrusion-Set": "intrusion-set"}
	}
	return map[string]string{"Country": "location", "Threat-Actor-Group": "threat-actor"}
}

// entityTypeOf returns an entity type that classifies the id's kind of
// element: the export reads relationships and sightings with their own
// readers.
func entityTypeOf(id string) string {
	switch {
	case strings.HasPrefix(id, "relationship--"):
		return "stix-core-relationship"
	case strings.HasPrefix(id, "sighting--"):
		return "stix-sighting-relationship"
	}
	return "Stix-Core-Object"
}

func (cp *corpus) check(t *testing.T, x *export.Exporter, profile export.Profile,
	oasis *validate.Validator, ce corpusExport) {
	roots := ce.roots
	if ce.queryType != "" {
		roots = cp.queryRoots(t, ce.req.EntityType, ce.queryType)
	}
	want := cp.oracle.expected(roots, ce.req.Mode == export.ModeFull)
	var buf bytes.Buffer
	_, err := x.Write(context.Background(), &buf, ce.req)
	if bad := slices.ContainsFunc(want, func(id string) bool { return cp.oracle.bad[id] }); bad {
		var ve *export.ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("err = %v, want a *ValidationError for the invalid source object", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	b := decodeBundle(t, buf.Bytes())
	got := b.ids()
	if profile == export.ProfilePycti {
		want = pyctiIDs(want)
	}
	if !sameSet(got, want) {
		t.Errorf("bundle holds %d objects, want %d\nextra: %v\nmissing: %v", len(got),
			len(want), minus(got, want), minus(want, got))
	}
	for i, obj := range b.Objects {
		raw, _ := jsonOf(obj)
		for _, f := range oasis.ValidateObject(raw) {
			if f.Severity == validate.SeverityError {
				t.Errorf("object %d: OASIS schemas: %s", i, f)
			}
		}
		if profile == export.ProfileNative && ce.req.Mode == export.ModeFull {
			cp.checkRoundTrip(t, obj)
		}
	}
}

// queryRoots returns the stored objects a query export of entityType
// lists.
func (cp *corpus) queryRoots(t *testing.T, entityType, stixType string) []string {
	var out []string
	for id, obj := range cp.oracle.objs {
		if obj["type"] != stixType {
			continue
		}
		ext, _ := obj["extensions"].(map[string]any)
		octi, _ := ext["extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"].(map[string]any)
		if typ, ok := octi["type"].(string); ok && typ != entityType {
			continue
		}
		out = append(out, id)
	}
	if len(out) == 0 {
		t.Fatalf("no %s in the corpus", entityType)
	}
	return out
}

// pyctiIDs returns the ids the pycti dialect writes for platform ids: data
// sources and components carry the x-mitre- prefix, cases and tasks the
// x-opencti- prefix.
func pyctiIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		typ, _, _ := strings.Cut(id, "--")
		for bundleType, own := range platformTypes {
			if own == typ {
				id = strings.Replace(id, own, bundleType, 1)
				break
			}
		}
		out[i] = id
	}
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// checkRoundTrip compares an exported object with the seeded one, the
// platform's own data set aside. That is the OpenCTI extension, the created
// and modified the platform sets when the source has none, the ATT&CK
// fields it keeps in its MITRE extension, and the ids of prefixed types.
// The export's documented repairs are set aside too: a reserved severity
// moves into the OpenCTI extension, and a country or region location gets
// its name as country or region. The platform also drops empty values. It
// stores external references as entities keyed by URL, so a reference
// whose URL an earlier object's reference shares comes back with that
// one's source name and description: references are compared by URL.
func (cp *corpus) checkRoundTrip(t *testing.T, got map[string]any) {
	t.Helper()
	id, _ := got["id"].(string)
	orig, ok := cp.oracle.objs[id]
	if !ok || orig["type"] == "marking-definition" {
		return
	}
	norm := normalizeNative(got)
	want := map[string]any{}
	for k, v := range orig {
		if k == "extensions" || k == "severity" || emptyValue(v) {
			continue
		}
		want[k] = v
	}
	if refs, ok := want["external_references"]; ok {
		want["external_references"] = referenceKeys(refs)
		norm["external_references"] = referenceKeys(norm["external_references"])
	}
	want["id"] = platformID(orig["id"].(string))
	if typ, ok := platformTypes[orig["type"].(string)]; ok {
		want["type"] = typ
	}
	for _, k := range []string{"created", "modified", "country", "region"} {
		if _, ok := want[k]; !ok {
			delete(norm, k)
		}
	}
	for k, v := range want {
		if strings.HasSuffix(k, "_ref") {
			want[k] = platformID(v.(string))
		}
	}
	if !reflect.DeepEqual(norm, want) {
		for k := range union(norm, want) {
			if !reflect.DeepEqual(norm[k], want[k]) {
				t.Errorf("%s: %s = %v, seeded %v", id, k, norm[k], want[k])
			}
		}
	}
}

// normalizeNative removes the platform's extensions from an exported
// object, writing the ATT&CK fields of the MITRE extension back as
// top-level x_mitre_* properties.
func normalizeNative(obj map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		if k != "extensions" {
			out[k] = v
		}
	}
	exts, _ := obj["extensions"].(map[string]any)
	mitre, _ := exts["extension-definition--322b8f77-262a-4cb8-a915-1e441e00329b"].(map[string]any)
	for k, v := range mitre {
		if k != "extension_type" {
			out["x_mitre_"+k] = v
		}
	}
	return out
}

func union(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func emptyValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// referenceKeys returns the identity of each external reference: its URL,
// else its source name and external id.
func referenceKeys(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, r := range list {
		m, _ := r.(map[string]any)
		key, _ := m["url"].(string)
		if key == "" {
			key = fmt.Sprint(m["source_name"], "/", m["external_id"])
		}
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}
