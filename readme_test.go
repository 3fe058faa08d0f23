package sdk_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// readmeGoBlock returns the first ```go block after the heading in README.md.
func readmeGoBlock(t *testing.T, heading string) string {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no heading %q", heading)
	}
	_, block, ok := strings.Cut(section, "```go\n")
	if !ok {
		t.Fatalf("README.md has no go block under %q", heading)
	}
	block, _, ok = strings.Cut(block, "```")
	if !ok {
		t.Fatalf("README.md: the go block under %q is not closed", heading)
	}
	return block
}

// TestReadmeQuickStartRuns builds the README's library quick start as it is
// written, then runs it against pyctitest seeded with two malware and an
// indicator: it must print both malware, with their standard ids, and not
// the indicator.
func TestReadmeQuickStartRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program with the go command; skipped with -short")
	}
	src := readmeGoBlock(t, "## Library quick start")

	// The program is built as a package of this module through an overlay,
	// so it uses this checkout and needs no go.mod of its own.
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mainFile := filepath.Join(dir, "main.go")
	if err := os.WriteFile(mainFile, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	virtual := filepath.Join(root, "internal", "readmequickstart", "main.go")
	overlay, err := json.Marshal(map[string]map[string]string{"Replace": {virtual: mainFile}})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(overlayFile, overlay, 0o600); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "quickstart")
	// go test puts the go command that runs it first on PATH.
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the README quick start: %v", err)
	}
	build := exec.CommandContext(t.Context(), goTool, "build", "-overlay", overlayFile, "-o", bin, "./internal/readmequickstart")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("the README quick start failed to build: %v\n%s", err, out)
	}

	srv, err := pyctitest.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	seeded, err := srv.SeedBundle([]byte(`{"type": "bundle", "id": "bundle--1", "objects": [
		{"type": "malware", "spec_version": "2.1",
		 "id": "malware--5d0e4d1a-9a7e-4c51-8f10-6c2b7d3a4e01",
		 "created": "2024-06-01T09:00:00.000Z", "modified": "2024-06-01T09:00:00.000Z",
		 "name": "Quiet Lantern", "is_family": true},
		{"type": "malware", "spec_version": "2.1",
		 "id": "malware--5d0e4d1a-9a7e-4c51-8f10-6c2b7d3a4e02",
		 "created": "2024-06-01T09:00:00.000Z", "modified": "2024-06-01T09:00:00.000Z",
		 "name": "Paper Crane", "is_family": false},
		{"type": "indicator", "spec_version": "2.1",
		 "id": "indicator--5d0e4d1a-9a7e-4c51-8f10-6c2b7d3a4e03",
		 "created": "2024-06-01T09:00:00.000Z", "modified": "2024-06-01T09:00:00.000Z",
		 "name": "not malware", "pattern_type": "stix",
		 "pattern": "[ipv4-addr:value = '203.0.113.9']", "valid_from": "2024-06-01T09:00:00Z"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if seeded.Created != 3 {
		t.Fatalf("seeded %d objects, want 3", seeded.Created)
	}

	run := exec.CommandContext(t.Context(), bin)
	run.Env = append(os.Environ(), "OPENCTI_URL="+srv.URL, "OPENCTI_TOKEN="+srv.AdminToken())
	var stderr bytes.Buffer
	run.Stderr = &stderr
	out, err := run.Output()
	if err != nil {
		t.Fatalf("the README quick start failed: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	want := map[string]bool{
		"malware--5d0e4d1a-9a7e-4c51-8f10-6c2b7d3a4e01 Quiet Lantern": true,
		"malware--5d0e4d1a-9a7e-4c51-8f10-6c2b7d3a4e02 Paper Crane":   true,
	}
	if len(lines) != len(want) {
		t.Fatalf("the quick start printed %d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for _, line := range lines {
		if !want[line] {
			t.Errorf("unexpected line %q, expected the standard id and name of each malware", line)
		}
	}
}
