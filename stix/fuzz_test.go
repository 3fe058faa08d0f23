package stix_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/opencti-go/sdk/stix"
)

// addCaseSeeds adds the small case inputs of testdata as seeds, when present.
func addCaseSeeds(f *testing.F) {
	paths, _ := filepath.Glob(filepath.Join("testdata", "fuzz-seeds", "*.json"))
	for _, p := range paths {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"type":"indicator","id":"indicator--1","created":"2023-03-01T10:00:00.1Z","pattern":"[a:b = 'c']","labels":[],"x_a":{"b":[1,2.5e3]}}`,
		`{"type":"file","id":"file--1","hashes":{"MD5":"abc"},"extensions":{"archive-ext":{"contains_refs":["file--2"]},"x-y-ext":{}}}`,
		`{"type":"x-custom","id":"x-custom--1","description":"","n":null}`,
		`{"type":"location","id":"location--1","latitude":48.8566,"longitude":-1e-7}`,
		`{"type":"network-traffic","id":"network-traffic--1","src_port":0,"protocols":["tcp"],"extensions":{"http-request-ext":{"request_header":{"A":["b"]}}}}`,
		`{"type":"malware","is_family":false,"confidence":0,"created":"2023-02-30T00:00:00Z"}`,
	} {
		f.Add([]byte(seed))
	}
	addCaseSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := stix.Decode(data)
		if err != nil {
			return
		}
		out, err := stix.Marshal(o)
		if err != nil {
			t.Fatalf("decoded object cannot be encoded: %v", err)
		}
		if !json.Valid(out) {
			t.Fatalf("encoding is not valid JSON: %s", out)
		}
		again, err := stix.Decode(out)
		if err != nil {
			t.Fatalf("encoding cannot be decoded: %v\n%s", err, out)
		}
		out2, err := stix.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", out, out2)
		}
	})
}

func FuzzBundleReader(f *testing.F) {
	for _, seed := range []string{
		`{"type":"bundle","id":"bundle--1","objects":[{"type":"x-a","id":"x-a--1"},{"type":"url","value":"a\"]}"}]}`,
		`[{"type":"x-a"}, 1, "s", [], {"type":"x-b"}]`,
		`{"objects":[],"id":"bundle--1","type":"bundle","spec_version":"2.0"}`,
		`{"type":"bundle","objects":[{"type":"x-a"}`,
		` [ ] `,
	} {
		f.Add([]byte(seed))
	}
	addCaseSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var elements []json.RawMessage
		isArray := json.Unmarshal(data, &elements) == nil
		nonObjects := 0
		for _, e := range elements {
			if bytes.TrimSpace(e)[0] != '{' {
				nonObjects++
			}
		}
		n, errs := 0, 0
		for _, err := range stix.NewBundleReader(bytes.NewReader(data)).RawObjects() {
			n++
			if err != nil {
				errs++
			}
		}
		if isArray && (n != len(elements) || errs != nonObjects) {
			t.Fatalf("valid array of %d elements (%d not objects) read as %d with %d errors",
				len(elements), nonObjects, n, errs)
		}
		for o, err := range stix.NewBundleReader(bytes.NewReader(data)).Objects() {
			if err == nil && o == nil {
				t.Fatal("nil object without error")
			}
		}
	})
}

// FuzzBundleWriterRaw checks WriteRaw against encoding/json: it accepts
// exactly the valid JSON objects (in valid UTF-8) and lays them out as
// json.Compact and json.Indent do.
func FuzzBundleWriterRaw(f *testing.F) {
	for _, seed := range []string{
		`{"type":"x-a","id":"x-a--1","v":[1,{"a":[]},{}],"s":"\u00e9\"\\/"}`,
		` { "a" : [ 1 , 2 ] , "b" : { } } `,
		`{"a":"<&>\u2028"}`,
		`[1]`,
		`{"a":1}x`,
	} {
		f.Add([]byte(seed))
	}
	// At and past the nesting limit, which WriteRaw shares with encoding/json.
	f.Add(nested(9_999))
	f.Add(nested(10_000))
	f.Fuzz(func(t *testing.T, data []byte) {
		trimmed := bytes.TrimSpace(data)
		valid := json.Valid(data) && utf8.Valid(data) && len(trimmed) > 0 && trimmed[0] == '{'
		for _, indent := range []bool{false, true} {
			var out bytes.Buffer
			w, err := stix.NewBundleWriter(&out, stix.WriterOptions{ID: "bundle--1", Indent: indent})
			if err != nil {
				t.Fatal(err)
			}
			err = w.WriteRaw(data)
			if valid != (err == nil) {
				t.Fatalf("valid object %v, WriteRaw error %v", valid, err)
			}
			if !valid {
				continue
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if indent {
				want.WriteString("{\n    \"type\": \"bundle\",\n    \"id\": \"bundle--1\",\n    \"objects\": [\n        ")
				_ = json.Indent(&want, trimmed, "        ", "    ")
				want.WriteString("\n    ]\n}\n")
			} else {
				want.WriteString(`{"type":"bundle","id":"bundle--1","objects":[`)
				_ = json.Compact(&want, data)
				want.WriteString("]}\n")
			}
			if !bytes.Equal(out.Bytes(), want.Bytes()) {
				t.Fatalf("indent %v:\n got %q\nwant %q", indent, out.Bytes(), want.Bytes())
			}
		}
	})
}
