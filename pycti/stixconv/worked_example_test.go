package stixconv

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
)

// workedExample returns the input node and the expected bundle of the
// malware example in the export brief (its first two JSON blocks after
// the example's heading).
func workedExample(t *testing.T) (node, bundle []byte) {
	t.Helper()
	path := filepath.Join(testenv.SharedDir(t, "docs"), "opencti-stix-export.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "### 3.13")
	if !ok {
		t.Fatal("no worked example section in the export brief")
	}
	var blocks []string
	for len(blocks) < 2 {
		_, rest, ok := strings.Cut(section, "```json\n")
		if !ok {
			t.Fatal("the worked example has fewer than two JSON blocks")
		}
		block, after, _ := strings.Cut(rest, "```")
		blocks = append(blocks, block)
		section = after
	}
	return []byte(blocks[0]), []byte(blocks[1])
}

func TestWorkedExampleMalware(t *testing.T) {
	node, bundle := workedExample(t)
	sampleRef := `{"id":"r1","entity_type":"sample","relationship_type":"sample",` +
		`"from":{"id":"3f0c1a52-6d7e-4c1b-9a55-0e2f7b8c9d10"},` +
		`"to":{"id":"d41d8cd9-8f00-4b20-9e80-0998ecf8427e",` +
		`"standard_id":"file--12ed9a96-bb74-527f-8f48-00c9a12b85c9","entity_type":"StixFile"}}`
	res := MapResolver{Refs: map[string][]json.RawMessage{
		"3f0c1a52-6d7e-4c1b-9a55-0e2f7b8c9d10": {json.RawMessage(sampleRef)}}}
	var want struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(bundle, &want); err != nil {
		t.Fatal(err)
	}
	// The fixed dialect differs only by leaving out the malware's samples,
	// a GraphQL list that duplicates sample_refs.
	fixedEntity, err := ParseObject(want.Objects[2])
	if err != nil {
		t.Fatal(err)
	}
	fixedEntity.Delete("samples")
	fixed := append(append([]json.RawMessage(nil), want.Objects[:2]...), fixedEntity.JSON())
	for _, mode := range []struct {
		name   string
		compat Compat
		want   []json.RawMessage
	}{{"pycti", Pycti(), want.Objects}, {"fixed", Compat{}, fixed}} {
		t.Run(mode.name, func(t *testing.T) {
			got, err := Convert(context.Background(), node,
				Options{Compat: mode.compat, Resolver: res})
			if err != nil {
				t.Fatal(err)
			}
			raw := got.RawObjects()
			if len(raw) != len(mode.want) {
				t.Fatalf("%d objects, want %d:\n%s", len(raw), len(mode.want), raw)
			}
			for i := range raw {
				if !sameJSON(t, raw[i], mode.want[i]) {
					t.Errorf("object %d:\n got %s\nwant %s", i, raw[i], compact(t, mode.want[i]))
				}
			}
		})
	}
}

// sameJSON reports whether a and b are the same JSON text once compacted:
// same keys in the same order, same values.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	return bytes.Equal(compact(t, a), compact(t, b))
}

func compact(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
