package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix/validate"
)

// result is the outcome of one run of the command.
type result struct {
	code           int
	stdout, stderr string
}

func runCmd(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// document is the JSON output; decoding it with DisallowUnknownFields
// checks its shape.
type document struct {
	Files []struct {
		Path     string `json:"path"`
		Findings []struct {
			ObjectID *string `json:"object_id"`
			Index    *int    `json:"index"`
			Pointer  *string `json:"pointer"`
			Rule     string  `json:"rule"`
			Severity string  `json:"severity"`
			Message  string  `json:"message"`
		} `json:"findings"`
		Status    string  `json:"status"`
		Errors    int     `json:"errors"`
		Warnings  int     `json:"warnings"`
		Infos     int     `json:"infos"`
		ReadError *string `json:"read_error"`
	} `json:"files"`
	Status          string `json:"status"`
	Strict          bool   `json:"strict"`
	ValidFiles      int    `json:"valid_files"`
	InvalidFiles    int    `json:"invalid_files"`
	UnreadableFiles int    `json:"unreadable_files"`
	Errors          int    `json:"errors"`
	Warnings        int    `json:"warnings"`
	Infos           int    `json:"infos"`
}

func decodeDocument(t *testing.T, out string) document {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var doc document
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("JSON output does not decode: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("JSON output holds more than one document:\n%s", out)
	}
	return doc
}

func shared(t *testing.T, elem ...string) string {
	t.Helper()
	dir := testenv.SharedDir(t, elem[:len(elem)-1]...)
	return filepath.Join(dir, elem[len(elem)-1])
}

func TestRunValidFile(t *testing.T) {
	path := shared(t, "stix", "oasis-examples", "indicator-for-c2-ip-address.json")
	r := runCmd(t, "", path)
	if r.code != exitValid {
		t.Fatalf("exit %d, want 0\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r.stdout != path+": valid\n" {
		t.Errorf("stdout %q", r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("stderr %q, want nothing", r.stderr)
	}
}

func TestRunInvalidFile(t *testing.T) {
	path := shared(t, "cases", "010-empty-lists-required-props", "invalid.json")
	r := runCmd(t, "", path)
	if r.code != exitInvalid {
		t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if lines[0] != path+":" {
		t.Errorf("first line %q, want the file name", lines[0])
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, path+": invalid (6 errors") {
		t.Errorf("last line %q, want the status with 6 errors", last)
	}
	if !strings.Contains(r.stdout, "  error intrusion-set--de7fa2da-8796-4be7-bb68-1ff60eba2336 "+
		"/aliases [schema]: ") {
		t.Errorf("no line for the empty aliases:\n%s", r.stdout)
	}
}

func TestRunStrictTurnsWarningsIntoErrors(t *testing.T) {
	path := shared(t, "stix", "oasis-examples", "infrastructure.json")
	if r := runCmd(t, "", path); r.code != exitValid ||
		!strings.HasSuffix(r.stdout, ": valid (2 warnings)\n") {
		t.Errorf("default: exit %d\n%s", r.code, r.stdout)
	}
	if r := runCmd(t, "", "-strict", path); r.code != exitInvalid ||
		!strings.HasSuffix(r.stdout, ": invalid (2 errors)\n") {
		t.Errorf("-strict: exit %d\n%s", r.code, r.stdout)
	}
	for _, rule := range []string{"uuid-check", "103", "custom-prefix,103"} {
		if r := runCmd(t, "", "-strict", "-disable", rule, path); r.code != exitValid {
			t.Errorf("-strict -disable %s: exit %d\n%s", rule, r.code, r.stdout)
		}
	}
}

func TestRunEnableOnly(t *testing.T) {
	path := shared(t, "stix", "oasis-examples", "threat-reports", "apt1.json")
	r := runCmd(t, "", "-json", "-enable", "extref-hashes", path)
	doc := decodeDocument(t, r.stdout)
	if doc.Warnings == 0 {
		t.Fatal("no warnings with -enable extref-hashes")
	}
	for _, f := range doc.Files[0].Findings {
		if f.Rule != "extref-hashes" {
			t.Errorf("finding of rule %s with only extref-hashes enabled", f.Rule)
		}
	}
}

func TestRunMissingPath(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	r := runCmd(t, "", missing)
	if r.code != exitFailure {
		t.Fatalf("exit %d, want 2", r.code)
	}
	if !strings.HasPrefix(r.stdout, missing+": unreadable: ") ||
		!strings.Contains(r.stdout, "no such file") {
		t.Errorf("stdout %q", r.stdout)
	}
}

// TestRunUnreadableBeatsInvalid: exit status 2 wins over 1, and the other
// files are still checked.
func TestRunUnreadableBeatsInvalid(t *testing.T) {
	invalid := shared(t, "cases", "010-empty-lists-required-props", "invalid.json")
	valid := shared(t, "cases", "010-empty-lists-required-props", "valid-edge.json")
	missing := filepath.Join(t.TempDir(), "missing.json")
	r := runCmd(t, "", "-json", invalid, missing, valid)
	if r.code != exitFailure {
		t.Fatalf("exit %d, want 2", r.code)
	}
	doc := decodeDocument(t, r.stdout)
	var statuses []string
	for _, f := range doc.Files {
		statuses = append(statuses, f.Status)
	}
	if want := []string{"invalid", "unreadable", "valid"}; !slices.Equal(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	if doc.Status != "unreadable" || doc.UnreadableFiles != 1 || doc.InvalidFiles != 1 ||
		doc.ValidFiles != 1 {
		t.Errorf("totals %+v", doc)
	}
	if doc.Files[1].ReadError == nil || doc.Files[0].ReadError != nil {
		t.Errorf("read_error set on the wrong files")
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{nil, "no input"},
		{[]string{"-no-such-flag", "x.json"}, "no-such-flag"},
		{[]string{"-enable", "no-such-rule", "x.json"}, "no-such-rule"},
		{[]string{"-disable", "no-such-rule", "x.json"}, "stix-validate -list-rules"},
		{[]string{"-disable", "a,,b", "x.json"}, "empty rule name"},
		{[]string{"-schemas", "/no/such/dir", "x.json"}, "/no/such/dir"},
		{[]string{"-", "-"}, "more than once"},
	}
	for _, tc := range tests {
		r := runCmd(t, "", tc.args...)
		if r.code != exitFailure {
			t.Errorf("%v: exit %d, want 2", tc.args, r.code)
		}
		if !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: stderr %q does not name %q", tc.args, r.stderr, tc.want)
		}
		if r.stdout != "" {
			t.Errorf("%v: stdout %q, want nothing", tc.args, r.stdout)
		}
	}
}

func TestRunHelp(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		r := runCmd(t, "", arg)
		if r.code != exitValid || r.stderr != "" {
			t.Errorf("%s: exit %d, stderr %q", arg, r.code, r.stderr)
		}
		for _, name := range []string{"-strict", "-json", "-schemas DIR", "-extra-schemas DIR",
			"-enable RULES", "-disable RULES", "-enforce-refs", "-strict-types",
			"-strict-properties", "-interop", "-list-rules", "Exit status"} {
			if !strings.Contains(r.stdout, name) {
				t.Errorf("%s: help does not mention %s", arg, name)
			}
		}
	}
}

func TestRunListRules(t *testing.T) {
	r := runCmd(t, "", "-list-rules")
	if r.code != exitValid || r.stderr != "" {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	rows := map[string][]string{}
	for line := range strings.Lines(r.stdout) {
		if fields := strings.Fields(line); len(fields) > 0 {
			rows[fields[0]] = fields
		}
	}
	for _, name := range validate.Rules() {
		if len(rows[name]) < 3 {
			t.Errorf("rule %s: row %q, want severity and description", name, rows[name])
		}
	}
	if got := rows["uuid-check"]; len(got) < 3 || got[1] != "103" || got[2] != "warning" {
		t.Errorf("uuid-check row %q, want code 103 and warning", got)
	}
	if got := rows["schema"]; len(got) < 2 || got[1] != "error" {
		t.Errorf("schema row %q, want error", got)
	}
	if !strings.Contains(r.stdout, "all-vocabs or 210 (codes 211 to 245)") {
		t.Errorf("listing does not explain the rule groups:\n%s", r.stdout)
	}
}

func TestRunStdin(t *testing.T) {
	path := shared(t, "cases", "010-empty-lists-required-props", "invalid.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fromFile := decodeDocument(t, runCmd(t, "", "-json", path).stdout)
	r := runCmd(t, string(data), "-", "-json")
	if r.code != exitInvalid {
		t.Fatalf("exit %d, want 1", r.code)
	}
	fromStdin := decodeDocument(t, r.stdout)
	if fromStdin.Files[0].Path != "-" {
		t.Errorf("path %q, want -", fromStdin.Files[0].Path)
	}
	if len(fromStdin.Files[0].Findings) != len(fromFile.Files[0].Findings) {
		t.Errorf("%d findings from stdin, %d from the file", len(fromStdin.Files[0].Findings),
			len(fromFile.Files[0].Findings))
	}
	text := runCmd(t, string(data), "-")
	if !strings.HasPrefix(text.stdout, "standard input:\n") {
		t.Errorf("text output starts %q", text.stdout[:min(40, len(text.stdout))])
	}
}

func TestRunFolder(t *testing.T) {
	dir := testenv.SharedDir(t, "stix", "oasis-examples")
	r := runCmd(t, "", dir, "-json")
	if r.code != exitValid {
		t.Fatalf("exit %d, want 0\n%s", r.code, r.stdout)
	}
	doc := decodeDocument(t, r.stdout)
	var paths []string
	for _, f := range doc.Files {
		paths = append(paths, f.Path)
	}
	if len(paths) != 8 || !slices.IsSorted(paths) {
		t.Errorf("paths %v, want the 8 example files in order", paths)
	}
	if !slices.Contains(paths, filepath.Join(dir, "threat-reports", "apt1.json")) {
		t.Errorf("paths %v miss the sub-folder's files", paths)
	}
	if doc.ValidFiles != 8 || doc.Status != "valid" {
		t.Errorf("totals %+v", doc)
	}
}

func TestRunFolderWithoutJSON(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, "", dir)
	if r.code != exitFailure || !strings.Contains(r.stdout, "no .json file found") {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestRunDanglingLinkInFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(dir, "gone.json"), filepath.Join(dir, "link.json")); err != nil {
		t.Skip(err)
	}
	r := runCmd(t, "", dir)
	if r.code != exitFailure || !strings.Contains(r.stdout, "link.json: unreadable") {
		t.Errorf("exit %d, stdout %q", r.code, r.stdout)
	}
}

// TestRunTruncatedFile: malformed JSON makes a file invalid (exit 1), with
// a json finding; it is not a read error.
func TestRunTruncatedFile(t *testing.T) {
	src := shared(t, "stix", "corpus", "mitre-attack-stix-data", "mobile-attack-17.1.json")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	truncated := filepath.Join(dir, "truncated.json")
	if err := os.WriteFile(truncated, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.json")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{truncated, empty} {
		r := runCmd(t, "", "-json", path)
		if r.code != exitInvalid {
			t.Errorf("%s: exit %d, want 1", path, r.code)
			continue
		}
		file := decodeDocument(t, r.stdout).Files[0]
		last := file.Findings[len(file.Findings)-1]
		if file.Status != "invalid" || file.ReadError != nil || last.Rule != "json" ||
			last.Severity != "error" ||
			!strings.Contains(last.Message, "offset") && !strings.Contains(last.Message, "empty") {
			t.Errorf("%s: status %s, last finding %+v", path, file.Status, last)
		}
	}
}

func TestRunJSONFindingShape(t *testing.T) {
	path := shared(t, "cases", "010-empty-lists-required-props", "invalid.json")
	doc := decodeDocument(t, runCmd(t, "", "-json", "-strict", path).stdout)
	if len(doc.Files) != 1 || !doc.Strict || doc.Status != "invalid" {
		t.Fatalf("document %+v", doc)
	}
	file := doc.Files[0]
	if file.Path != path || file.Status != "invalid" || file.Errors != len(file.Findings) {
		t.Errorf("file %s: status %s, %d errors, %d findings", file.Path, file.Status,
			file.Errors, len(file.Findings))
	}
	for _, f := range file.Findings {
		if f.ObjectID == nil || f.Index == nil || f.Pointer == nil || f.Rule == "" ||
			f.Severity != "error" || f.Message == "" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
	aliases := file.Findings[len(file.Findings)-1]
	if *aliases.ObjectID != "intrusion-set--de7fa2da-8796-4be7-bb68-1ff60eba2336" ||
		*aliases.Pointer != "/aliases" || aliases.Rule != "schema" || *aliases.Index != 5 {
		t.Errorf("last finding %+v, want the empty aliases of object 5", aliases)
	}
}

func TestRunOASISSchemas(t *testing.T) {
	schemas := testenv.SharedDir(t, "stix", "oasis-schemas", "schemas")
	valid := shared(t, "stix", "oasis-examples", "indicator-for-c2-ip-address.json")
	if r := runCmd(t, "", "-schemas", schemas, valid); r.code != exitValid {
		t.Errorf("exit %d with the OASIS schemas\n%s%s", r.code, r.stdout, r.stderr)
	}
	invalid := shared(t, "cases", "010-empty-lists-required-props", "invalid.json")
	if r := runCmd(t, "", "-schemas", schemas, invalid); r.code != exitInvalid {
		t.Errorf("exit %d with the OASIS schemas on an invalid file, want 1", r.code)
	}
}

func TestRunEnforceRefs(t *testing.T) {
	bundle := `{"type":"bundle","id":"bundle--939646b0-7d6e-46d4-a929-97da04e7f53e",
		"objects":[{"type":"relationship","spec_version":"2.1",
		"id":"relationship--2f0efdbb-8a52-4962-ba15-63978b2b7e5b",
		"created":"2023-10-01T00:00:00.000Z","modified":"2023-10-01T00:00:00.000Z",
		"relationship_type":"related-to",
		"source_ref":"identity--df7d1663-1a28-492f-b76f-ae9a049a3512",
		"target_ref":"identity--6bd998ba-59ed-4af4-97f7-a29cd286a5e4"}]}`
	if r := runCmd(t, bundle, "-"); r.code != exitValid {
		t.Errorf("without -enforce-refs: exit %d\n%s", r.code, r.stdout)
	}
	r := runCmd(t, bundle, "-enforce-refs", "-")
	if r.code != exitInvalid || strings.Count(r.stdout, "[unresolved-ref]") != 2 {
		t.Errorf("-enforce-refs: exit %d\n%s", r.code, r.stdout)
	}
}

func TestRunInterop(t *testing.T) {
	// The identity that the campaign names as its producer has no
	// created_by_ref, which only the interoperability profile requires.
	bundle := `{"type":"bundle","id":"bundle--939646b0-7d6e-46d4-a929-97da04e7f53e",
		"objects":[{"type":"identity","spec_version":"2.1",
		"id":"identity--df7d1663-1a28-492f-b76f-ae9a049a3512",
		"created":"2023-03-01T10:00:00.000Z","modified":"2023-03-01T10:00:00.000Z",
		"name":"Example Team","identity_class":"organization"},
		{"type":"campaign","spec_version":"2.1",
		"id":"campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
		"created":"2016-05-12T08:17:27.000Z","modified":"2016-05-12T08:17:27.000Z",
		"created_by_ref":"identity--df7d1663-1a28-492f-b76f-ae9a049a3512",
		"name":"Spear Phishing"}]}`
	if r := runCmd(t, bundle, "-"); r.code != exitValid {
		t.Errorf("without -interop: exit %d\n%s", r.code, r.stdout)
	}
	r := runCmd(t, bundle, "--interop", "-")
	if r.code != exitInvalid {
		t.Errorf("--interop: exit %d, want %d\n%s", r.code, exitInvalid, r.stdout)
	}
	if !strings.Contains(r.stdout, "[interop-producer]") {
		t.Errorf("--interop: output does not name rule interop-producer\n%s", r.stdout)
	}
}

func TestRunFlagsAfterPaths(t *testing.T) {
	path := shared(t, "stix", "oasis-examples", "infrastructure.json")
	if r := runCmd(t, "", path, "-strict"); r.code != exitInvalid {
		t.Errorf("flag after the path: exit %d, want 1", r.code)
	}
	r := runCmd(t, "", "--", "-strict")
	if r.code != exitFailure || !strings.HasPrefix(r.stdout, "-strict: unreadable") {
		t.Errorf("path after --: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := shared(t, "stix", "oasis-examples", "infrastructure.json")
	var out, errOut bytes.Buffer
	if code := run(ctx, []string{path}, strings.NewReader(""), &out, &errOut); code != exitFailure {
		t.Errorf("exit %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), "canceled") {
		t.Errorf("stderr %q", errOut.String())
	}
}

// TestRunBadInputs checks the exit status and the report for inputs that
// are not STIX: each names the path and makes the file invalid, never
// unreadable.
func TestRunBadInputs(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{
		"binary.json":  {0x00, 0xff, 0xfe, 0x89, 0x50, 0x4e, 0x47},
		"bare.json":    []byte(`{}`),
		"scalars.json": []byte(`[1,"a",null]`),
		"huge.json": []byte(`{"type":"identity","id":"identity--` +
			strings.Repeat("a", 2_000_000) + `"}`),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name := range files {
		path := filepath.Join(dir, name)
		r := runCmd(t, "", path)
		if r.code != exitInvalid {
			t.Errorf("%s: exit %d, want 1\n%s", name, r.code, r.stderr)
		}
		if !strings.HasPrefix(r.stdout, path+":\n") {
			t.Errorf("%s: output does not start with the path: %q", name,
				r.stdout[:min(100, len(r.stdout))])
		}
		if len(r.stdout) > 5000 {
			t.Errorf("%s: %d bytes of output, want the huge value shortened", name,
				len(r.stdout))
		}
	}
}

// TestRunTrailingData checks that data after the top-level value makes the
// input invalid, and that the message names that value: a bundle or an
// array of objects.
func TestRunTrailingData(t *testing.T) {
	tests := []struct{ name, stdin, want string }{
		{"two arrays", "[] []", "after the end of the array of objects"},
		{"bundle then object", `{"type":"bundle","id":"bundle--1","objects":[]} {}`,
			"after the end of the bundle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCmd(t, tt.stdin, "-")
			if r.code != exitInvalid {
				t.Errorf("exit %d, want %d\n%s", r.code, exitInvalid, r.stderr)
			}
			if !strings.Contains(r.stdout, "error [json]") {
				t.Errorf("output has no json error:\n%s", r.stdout)
			}
			if !strings.Contains(r.stdout, tt.want) {
				t.Errorf("output does not contain %q:\n%s", tt.want, r.stdout)
			}
		})
	}
}

// TestRunMixedFolder: a folder with JSON, other files and a sub-folder is
// searched for .json files only, and one invalid file makes the run invalid.
func TestRunMixedFolder(t *testing.T) {
	dir := t.TempDir()
	valid := shared(t, "stix", "oasis-examples", "indicator-for-c2-ip-address.json")
	data, err := os.ReadFile(valid)
	if err != nil {
		t.Fatal(err)
	}

	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{
		"notes.txt":         []byte("not json"),
		"image.png":         {0x89, 0x50, 0x4e, 0x47},
		"sub/valid.JSON":    data,
		"truncated.json":    data[:len(data)/2],
		"sub/ignored.json~": data,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	doc := decodeDocument(t, runCmd(t, "", "-json", dir).stdout)
	var paths []string
	for _, f := range doc.Files {
		paths = append(paths, strings.TrimPrefix(f.Path, dir+string(filepath.Separator)))
	}
	want := []string{filepath.Join("sub", "valid.JSON"), "truncated.json"}
	if !slices.Equal(paths, want) {
		t.Errorf("checked %v, want %v", paths, want)
	}
	if doc.Status != "invalid" || doc.ValidFiles != 1 || doc.InvalidFiles != 1 {
		t.Errorf("totals: status %s, %d valid, %d invalid", doc.Status, doc.ValidFiles,
			doc.InvalidFiles)
	}
}

func TestRunUnreadableFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.json")
	if err := os.WriteFile(path, []byte(`{}`), 0o000); err != nil {
		t.Fatal(err)
	}
	if f, err := os.Open(path); err == nil {
		f.Close()
		t.Skip("the file stays readable: the tests run with root rights")
	}
	r := runCmd(t, "", path)
	if r.code != exitFailure {
		t.Errorf("exit %d, want 2", r.code)
	}
	if !strings.HasPrefix(r.stdout, path+": unreadable: ") ||
		!strings.Contains(r.stdout, "permission denied") {
		t.Errorf("stdout %q, want the path and the reason", r.stdout)
	}
}
