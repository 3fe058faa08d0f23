package export_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/export/exporttest"
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
	oracle *exporttest.Oracle
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
	o, err := exporttest.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	internal, err := o.InternalIDs(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return &corpus{name: name, path: path, s: s, c: c, oracle: o, internal: internal}
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
	sample := cp.oracle.Sample(2)
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
		roots = cp.oracle.OfType(ce.req.EntityType, ce.queryType)
		if len(roots) == 0 {
			t.Fatalf("no %s in the corpus", ce.req.EntityType)
		}
	}
	want := cp.oracle.Expected(roots, ce.req.Mode == export.ModeFull)
	var buf bytes.Buffer
	_, err := x.Write(context.Background(), &buf, ce.req)
	if cp.oracle.Invalid(want) {
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
		want = exporttest.PyctiIDs(want)
	}
	if !sameSet(got, want) {
		t.Errorf("bundle holds %d objects, want %d\nextra: %v\nmissing: %v", len(got),
			len(want), exporttest.Minus(got, want), exporttest.Minus(want, got))
	}
	for i, obj := range b.Objects {
		raw, _ := jsonOf(obj)
		for _, f := range oasis.ValidateObject(raw) {
			if f.Severity == validate.SeverityError {
				t.Errorf("object %d: OASIS schemas: %s", i, f)
			}
		}
		if profile == export.ProfileNative && ce.req.Mode == export.ModeFull {
			for _, diff := range cp.oracle.RoundTripDiff(obj) {
				t.Error(diff)
			}
		}
	}
}
