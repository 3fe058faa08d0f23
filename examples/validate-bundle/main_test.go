package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/demodata"
	"github.com/opencti-go/sdk/stix/validate"
)

const sampleOutput = `warning malware--6a2c9f51-7e04-4d8b-b3c1-0e5f9a8d2b67 /threat_score [extensions-use]: custom property "threat_score" should be defined by an extension-definition
warning indicator--d4e8a0b2-3c61-4f7a-9b25-81c6e0f3a9d4 [indicator-properties]: an indicator should have a name and a description
error indicator--d4e8a0b2-3c61-4f7a-9b25-81c6e0f3a9d4 /modified [timestamp-order]: modified 2024-05-01T17:00:00.000Z must be at or after created 2024-05-02T09:20:00.000Z
bundle--0f3c6b8e-5d3c-4f2a-9a59-2a9d6c1f7b41: 5 objects (identity 1, indicator 1, malware 1, relationship 2), 1 error, 2 warnings
`

func TestRunSampleBundle(t *testing.T) {
	var out strings.Builder
	sum, err := run(t.Context(), &out, filepath.Join("testdata", "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != sampleOutput {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), sampleOutput)
	}
	if sum.errors != 1 {
		t.Errorf("errors = %d, want 1", sum.errors)
	}
	if sum.warnings != 2 {
		t.Errorf("warnings = %d, want 2", sum.warnings)
	}
}

func TestRunStrictWithRefs(t *testing.T) {
	var out strings.Builder
	sum, err := run(t.Context(), &out, filepath.Join("testdata", "sample.json"),
		validate.WithStrict(), validate.WithEnforceRefs())
	if err != nil {
		t.Fatal(err)
	}
	if sum.errors != 4 || sum.warnings != 0 {
		t.Errorf("errors, warnings = %d, %d, want 4, 0", sum.errors, sum.warnings)
	}
	const unresolved = "/target_ref [unresolved-ref]: reference " +
		"attack-pattern--5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9 is not in the bundle"
	if !strings.Contains(out.String(), unresolved) {
		t.Errorf("output lacks the unresolved reference:\n%s", out.String())
	}
}

// The demo dataset seeds the in-memory platform of the other examples, so
// it must break no MUST rule.
func TestRunDemoDatasetHasNoErrors(t *testing.T) {
	path := writeFile(t, demodata.GlassTern)
	var out strings.Builder
	sum, err := run(t.Context(), &out, path, validate.WithEnforceRefs())
	if err != nil {
		t.Fatal(err)
	}
	if sum.errors != 0 {
		t.Errorf("errors = %d, want 0:\n%s", sum.errors, out.String())
	}
	if sum.objects != 36 {
		t.Errorf("objects = %d, want 36", sum.objects)
	}
	if sum.types["relationship"] != 16 {
		t.Errorf("relationships = %d, want 16", sum.types["relationship"])
	}
}

func TestRunNonObjectElement(t *testing.T) {
	path := writeFile(t, []byte(`{"type":"bundle",
		"id":"bundle--5c1e0b6a-7d2f-4e3a-9b8c-1d2e3f4a5b6c","objects":["oops"]}`))
	var out strings.Builder
	sum, err := run(t.Context(), &out, path)
	if err != nil {
		t.Fatal(err)
	}
	if sum.errors != 1 {
		t.Errorf("errors = %d, want 1", sum.errors)
	}
	if !strings.HasPrefix(out.String(), "error object 0: ") {
		t.Errorf("output = %q, want it to start with the element error", out.String())
	}
}

func TestRunTruncatedBundle(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	path := writeFile(t, data[:len(data)/2])
	var out strings.Builder
	if _, err := run(t.Context(), &out, path); err == nil {
		t.Fatalf("truncated bundle read without error; output:\n%s", out.String())
	}
}

func TestRunMissingFile(t *testing.T) {
	_, err := run(t.Context(), &strings.Builder{}, filepath.Join(t.TempDir(), "absent.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := run(ctx, &strings.Builder{}, filepath.Join("testdata", "sample.json"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func writeFile(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bundle.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
