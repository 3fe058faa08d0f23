package validate_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix/validate"
)

// corpusObjects returns every object of the JSON files under dir: bundle
// members, list elements and single objects, with a label for messages.
func corpusObjects(t *testing.T, dir string) map[string]map[string]any {
	out := map[string]map[string]any{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") ||
			filepath.Base(path) == "index.json" {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			return nil // not JSON: licences and notes
		}
		rel, _ := filepath.Rel(dir, path)
		var objs []any
		switch d := doc.(type) {
		case []any:
			objs = d
		case map[string]any:
			if list, ok := d["objects"].([]any); ok && d["type"] == "bundle" {
				objs = list
			} else if _, ok := d["type"]; ok {
				objs = []any{d}
			}
		}
		for i, o := range objs {
			if m, ok := o.(map[string]any); ok {
				id, _ := m["id"].(string)
				out[rel+"#"+strconvItoa(i)+" "+id] = m
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func strconvItoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// oasisDefect explains, for one object, why the OASIS schemas and ours
// disagree, naming the known OASIS defect. It returns "" when none applies.
func oasisDefect(obj map[string]any, ours, theirs []validate.Finding) string {
	if len(ours) > 0 && len(theirs) == 0 {
		for _, f := range ours {
			if !strings.HasSuffix(f.Pointer, "_ref") && !strings.Contains(f.Pointer, "_refs/") {
				return ""
			}
			var serr *validate.SchemaError
			if !errors.As(f.Err, &serr) || !strings.HasSuffix(serr.Keyword, "pattern") {
				return ""
			}
		}
		return "OASIS schemas check only the identifier shape of most reference " +
			"properties, not the type the specification requires"
	}
	if obj["type"] == "marking-definition" {
		def, _ := obj["definition"].(map[string]any)
		if _, tlp := def["tlp"]; tlp && len(ours) == 0 {
			return "the OASIS TLP branch is exact, so a TLP 2.0 name such as TLP:CLEAR on " +
				"a predefined TLP id is rejected; we report it under rule tlp-v2"
		}
	}
	return ""
}

// TestSchemaAgreement checks every object of the corpus and of the OASIS
// examples against its own type's schema, with our schemas and with the
// OASIS schemas loaded through WithSchemas, and compares the verdicts.
func TestSchemaAgreement(t *testing.T) {
	oasisDir := testenv.SharedDir(t, "stix", "oasis-schemas", "schemas")
	oasis, err := validate.New(validate.WithSchemas(os.DirFS(oasisDir)))
	if err != nil {
		t.Fatalf("load OASIS schemas: %v", err)
	}
	ours, err := validate.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []string{"corpus", "oasis-examples"} {
		objs := corpusObjects(t, testenv.SharedDir(t, "stix", set))
		keys := make([]string, 0, len(objs))
		for k := range objs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		agree, explained := 0, 0
		for _, k := range keys {
			obj := objs[k]
			a, b := ours.ValidateSchema(obj), oasis.ValidateSchema(obj)
			if (len(a) == 0) == (len(b) == 0) {
				agree++
				continue
			}
			if why := oasisDefect(obj, a, b); why != "" {
				explained++
				t.Logf("%s %s: %s", set, k, why)
				continue
			}
			t.Errorf("%s %s: ours %d findings %v, OASIS %d findings %v", set, k, len(a),
				first(a), len(b), first(b))
		}
		t.Logf("%s: %d objects, schema verdicts agree on %d, %d explained by OASIS defects",
			set, len(keys), agree, explained)
	}
}

func first(fs []validate.Finding) string {
	if len(fs) == 0 {
		return ""
	}
	return fs[0].String()
}
