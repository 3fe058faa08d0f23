package stix_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix"
)

// jsonFiles returns the .json files below dir, except index.json.
func jsonFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".json") && d.Name() != "index.json" {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no JSON files below %s", dir)
	}
	return files
}

// objectsOf splits a file holding a bundle, a bare array of objects or a
// single object into the raw JSON of its objects.
func objectsOf(t *testing.T, path string) []json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimSpace(data)
	var list []json.RawMessage
	if data[0] == '[' {
		if err := json.Unmarshal(data, &list); err != nil {
			t.Fatal(err)
		}
		return list
	}
	var top struct {
		Type    string            `json:"type"`
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	if top.Type == "bundle" {
		return top.Objects
	}
	return []json.RawMessage{data}
}

// jsonValue decodes data keeping numbers as their literal text.
func jsonValue(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

// diffJSON returns a description of the first difference between two JSON
// values, or "" when they are equal. Numbers are compared as exact
// decimal values.
func diffJSON(path string, a, b any) string {
	switch av := a.(type) {
	case map[string]any:
		bv, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: object vs %T", path, b)
		}
		for k, x := range av {
			y, ok := bv[k]
			if !ok {
				return fmt.Sprintf("%s.%s: missing in output", path, k)
			}
			if d := diffJSON(path+"."+k, x, y); d != "" {
				return d
			}
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				return fmt.Sprintf("%s.%s: added in output", path, k)
			}
		}
	case []any:
		bv, ok := b.([]any)
		if !ok || len(av) != len(bv) {
			return fmt.Sprintf("%s: array %v vs %v", path, a, b)
		}
		for i := range av {
			if d := diffJSON(fmt.Sprintf("%s[%d]", path, i), av[i], bv[i]); d != "" {
				return d
			}
		}
	case json.Number:
		bv, ok := b.(json.Number)
		if !ok {
			return fmt.Sprintf("%s: number %v vs %v", path, a, b)
		}
		x, okx := new(big.Rat).SetString(string(av))
		y, oky := new(big.Rat).SetString(string(bv))
		if !okx || !oky || x.Cmp(y) != 0 {
			return fmt.Sprintf("%s: number %s vs %s", path, av, bv)
		}
	default:
		if a != b {
			return fmt.Sprintf("%s: %#v vs %#v", path, a, b)
		}
	}
	return ""
}

// padVersionTimestamps applies the one change encoding makes on purpose:
// created and modified are written with at least 3 fraction digits, as
// STIX 2.1 requires, so "…27Z" becomes "…27.000Z" (the same instant).
// Objects of types outside STIX 2.1 are kept exactly as read.
func padVersionTimestamps(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	if typ, _ := obj["type"].(string); stix.CategoryOf(typ) == stix.CategoryUnknown {
		return v
	}
	for _, name := range []string{"created", "modified"} {
		s, ok := obj[name].(string)
		if !ok || !strings.HasSuffix(s, "Z") {
			continue
		}
		digits := 0
		if i := strings.IndexByte(s, '.'); i >= 0 {
			digits = len(s) - i - 2
		}
		switch digits {
		case 0:
			obj[name] = strings.TrimSuffix(s, "Z") + ".000Z"
		case 1:
			obj[name] = strings.TrimSuffix(s, "Z") + "00Z"
		case 2:
			obj[name] = strings.TrimSuffix(s, "Z") + "0Z"
		}
	}
	return obj
}

func TestRoundTripRealFiles(t *testing.T) {
	t.Parallel()
	dirs := [][]string{
		{"stix", "corpus"},
		{"stix", "oasis-examples"},
		{"opencti", "native-stix"},
	}
	total := 0
	for _, dir := range dirs {
		root := testenv.SharedDir(t, dir...)
		for _, path := range jsonFiles(t, root) {
			for i, raw := range objectsOf(t, path) {
				total++
				o, err := stix.Decode(raw)
				if err != nil {
					t.Errorf("%s object %d: %v", path, i, err)
					continue
				}
				out, err := stix.Marshal(o)
				if err != nil {
					t.Errorf("%s object %d: %v", path, i, err)
					continue
				}
				want := padVersionTimestamps(jsonValue(t, raw))
				if d := diffJSON("", want, jsonValue(t, out)); d != "" {
					t.Errorf("%s object %d (%s): %s", path, i, o.ObjectID(), d)
				}
			}
		}
	}
	t.Logf("%d objects round-tripped", total)
}
