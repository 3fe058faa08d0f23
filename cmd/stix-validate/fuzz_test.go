package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// FuzzRunStdin feeds arbitrary bytes to the command as standard input with
// JSON output. Reading from memory never fails, so the exit status must be
// 0 or 1, the output one well-formed document, and stderr empty. Reading
// the same bytes a few at a time must give the same output.
func FuzzRunStdin(f *testing.F) {
	seeds, _ := filepath.Glob("../../stix/validate/testdata/*.json")
	for _, name := range seeds {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"type":"bundle","id":5,"objects":[{"type":"x"},1]}`))
	f.Add([]byte("\xEF\xBB\xBF[]"))
	f.Add([]byte(`{"type":"bundle","objects":[`))
	f.Fuzz(func(t *testing.T, stdin []byte) {
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"-json", "-enforce-refs", "-"},
			bytes.NewReader(stdin), &out, &errOut)
		if code != exitValid && code != exitInvalid {
			t.Fatalf("exit %d for input from memory\nstderr: %s", code, errOut.String())
		}
		if errOut.Len() != 0 {
			t.Fatalf("stderr %q", errOut.String())
		}
		doc := decodeDocument(t, out.String())
		file := doc.Files[0]
		if (code == exitInvalid) != (file.Status == "invalid") || file.Errors == 0 && code != 0 {
			t.Fatalf("exit %d for status %s with %d errors", code, file.Status, file.Errors)
		}
		var chunked bytes.Buffer
		chunkedCode := run(context.Background(), []string{"-json", "-enforce-refs", "-"},
			iotest.HalfReader(bytes.NewReader(stdin)), &chunked, io.Discard)
		if chunkedCode != code || chunked.String() != out.String() {
			t.Fatalf("reading in small parts changes the result: exit %d, want %d\n%s\nwant\n%s",
				chunkedCode, code, chunked.String(), out.String())
		}
		for _, fd := range file.Findings {
			if fd.Rule == "" || fd.Message == "" || !strings.Contains("error warning info",
				fd.Severity) {
				t.Fatalf("malformed finding %+v", fd)
			}
		}
	})
}
