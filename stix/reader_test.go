package stix_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix"
)

// readRaw collects copies of the raw objects of a bundle and the errors.
func readRaw(br *stix.BundleReader) (objects [][]byte, errs []error) {
	for raw, err := range br.RawObjects() {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		objects = append(objects, bytes.Clone(raw.Data))
	}
	return objects, errs
}

func TestBundleReaderRealFiles(t *testing.T) {
	for _, dir := range [][]string{{"stix", "corpus"}, {"stix", "oasis-examples"}, {"opencti", "native-stix"}} {
		for _, path := range jsonFiles(t, testenv.SharedDir(t, dir...)) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var top struct {
				Type string `json:"type"`
				ID   string `json:"id"`
			}
			_ = json.Unmarshal(data, &top)
			if top.Type != "" && top.Type != "bundle" {
				continue // a single object, not a bundle
			}
			want := objectsOf(t, path)
			// HalfReader makes reads return half of what was asked, so objects
			// straddle buffer refills.
			br := stix.NewBundleReader(iotest.HalfReader(bytes.NewReader(data)))
			got, errs := readRaw(br)
			if len(errs) > 0 {
				t.Errorf("%s: %v", path, errs)
				continue
			}
			if len(got) != len(want) {
				t.Errorf("%s: read %d objects, want %d", path, len(got), len(want))
				continue
			}
			for i := range got {
				if !bytes.Equal(got[i], want[i]) {
					t.Errorf("%s object %d: raw bytes differ", path, i)
					break
				}
			}
			if br.ID() != top.ID {
				t.Errorf("%s: bundle id %q, want %q", path, br.ID(), top.ID)
			}
			if br.IsArray() != (top.Type == "") {
				t.Errorf("%s: IsArray = %v", path, br.IsArray())
			}
		}
	}
}

func TestBundleReaderIDAfterObjects(t *testing.T) {
	in := `{"objects":[{"type":"x-a","id":"x-a--1"}],"spec_version":"2.0",` +
		`"id":"bundle--9f0b1d52-8c2d-4b57-9b1c-2d8a3e4f5a6b","type":"bundle"}`
	br := stix.NewBundleReader(strings.NewReader(in))
	got, errs := readRaw(br)
	if len(errs) > 0 || len(got) != 1 {
		t.Fatalf("got %d objects, errors %v", len(got), errs)
	}
	if br.ID() != "bundle--9f0b1d52-8c2d-4b57-9b1c-2d8a3e4f5a6b" {
		t.Errorf("ID() = %q", br.ID())
	}
	if string(br.Properties()["spec_version"]) != `"2.0"` {
		t.Errorf("Properties() = %v", br.Properties())
	}
}

func TestBundleReaderBareArray(t *testing.T) {
	in := ` [ {"type":"ipv4-addr","id":"ipv4-addr--1","value":"198.51.100.1"} ,
		{"type":"url","id":"url--2","value":"https://example.com/"} ] `
	br := stix.NewBundleReader(iotest.OneByteReader(strings.NewReader(in)))
	var types []string
	for o, err := range br.Objects() {
		if err != nil {
			t.Fatal(err)
		}
		types = append(types, o.ObjectType())
	}
	if strings.Join(types, ",") != "ipv4-addr,url" {
		t.Errorf("types %v", types)
	}
	if !br.IsArray() || br.ID() != "" {
		t.Errorf("IsArray %v, ID %q", br.IsArray(), br.ID())
	}
}

func TestBundleReaderLargeObject(t *testing.T) {
	long := strings.Repeat("é\\\"x", 300_000) // 1.5 MB string with escapes
	in := `{"type":"bundle","id":"bundle--1","objects":[{"type":"note","id":"note--1","content":"` +
		long + `","object_refs":["x--1"]},{"type":"note","id":"note--2","content":"short"}]}`
	br := stix.NewBundleReader(strings.NewReader(in))
	var contents []int
	for o, err := range br.Objects() {
		if err != nil {
			t.Fatal(err)
		}
		contents = append(contents, len(o.(*stix.Note).Content))
	}
	if len(contents) != 2 || contents[0] != 300_000*4 || contents[1] != 5 {
		t.Errorf("content lengths %v", contents)
	}
}

func TestBundleReaderEmptyBundles(t *testing.T) {
	for _, tc := range []struct {
		in         string
		hasObjects bool
	}{
		{`{"type":"bundle","id":"bundle--1"}`, false},
		{`{"type":"bundle","id":"bundle--1","objects":[]}`, true},
		{`{"objects":[],"type":"bundle"}`, true},
		{`[]`, false},
	} {
		br := stix.NewBundleReader(strings.NewReader(tc.in))
		got, errs := readRaw(br)
		if len(got) != 0 || len(errs) != 0 {
			t.Errorf("%s: got %d objects, errors %v", tc.in, len(got), errs)
		}
		if br.HasObjects() != tc.hasObjects {
			t.Errorf("%s: HasObjects() = %v, want %v", tc.in, br.HasObjects(), tc.hasObjects)
		}
	}
}

func TestBundleReaderErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		objects int
		errText string
	}{
		{"truncated", `{"type":"bundle","id":"b","objects":[{"type":"x-a","id":"x-a--1"},{"type":`, 1,
			"unexpected end of input"},
		{"not a bundle", `{"type":"indicator","id":"indicator--1"}`, 0, "its type is \"indicator\""},
		{"scalar", `42`, 0, "neither a STIX bundle"},
		{"no type", `{"id":"bundle--1","objects":[]}`, 0, "no type property"},
		{"objects not array", `{"type":"bundle","objects":{}}`, 0, "not an array"},
		{"missing comma", `[{"type":"x-a"} {"type":"x-b"}]`, 1, "expected ',' or ']'"},
		{"trailing data", `[{"type":"x-a"}] x`, 1, "after the end of the array of objects"},
		{"trailing NUL", "[{\"type\":\"x-a\"}]\x00", 1, "after the end of the array of objects"},
		{"two arrays", `[] []`, 0, "after the end of the array of objects"},
		{"data after bundle", `{"type":"bundle","objects":[{"type":"x-a"}]} {}`, 1,
			"after the end of the bundle"},
		{"data after bundle id", `{"type":"bundle","objects":[],"id":"bundle--1"} []`, 0,
			"after the end of the bundle"},
		{"two objects arrays", `{"type":"bundle","objects":[],"objects":[]}`, 0, "two objects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			br := stix.NewBundleReader(strings.NewReader(tt.in))
			got, errs := readRaw(br)
			if len(got) != tt.objects {
				t.Errorf("read %d objects, want %d", len(got), tt.objects)
			}
			if len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.errText) {
				t.Fatalf("errors %v, want one containing %q", errs, tt.errText)
			}
			var se *stix.SyntaxError
			if !errors.As(errs[0], &se) {
				t.Errorf("error %T is not a *SyntaxError", errs[0])
			}
			if br.Err() == nil {
				t.Error("Err() is nil after a failed iteration")
			}
		})
	}
}

func TestBundleReaderNonObjectElement(t *testing.T) {
	in := `[{"type":"x-a","id":"x-a--1"}, 42, {"type":"x-b","id":"x-b--2"}]`
	br := stix.NewBundleReader(strings.NewReader(in))
	var ids []string
	var errs []error
	for o, err := range br.Objects() {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, o.ObjectID())
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "element 1") {
		t.Errorf("errors %v, want one naming element 1", errs)
	}
	if strings.Join(ids, ",") != "x-a--1,x-b--2" {
		t.Errorf("ids %v", ids)
	}
}

func TestBundleReaderDecodeErrorContinues(t *testing.T) {
	in := `[{"type":"indicator","id":"indicator--1","created":"2023-03-01T12:00:00+02:00"},
		{"type":"x-a","id":"x-a--2"}]`
	var ids []string
	var errs []error
	for o, err := range stix.NewBundleReader(strings.NewReader(in)).Objects() {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, o.ObjectID())
	}
	if len(errs) != 1 || len(ids) != 1 {
		t.Fatalf("errors %v, ids %v", errs, ids)
	}
	var de *stix.DecodeError
	if !errors.As(errs[0], &de) || de.ID != "indicator--1" {
		t.Errorf("error %v is not a DecodeError for indicator--1", errs[0])
	}
}

func TestBundleReaderSecondIteration(t *testing.T) {
	br := stix.NewBundleReader(strings.NewReader(`[]`))
	readRaw(br)
	_, errs := readRaw(br)
	if len(errs) != 1 {
		t.Errorf("second iteration gave errors %v, want one", errs)
	}
}

func TestBundleReaderReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	r := io.MultiReader(strings.NewReader(`[{"type":"x-a"},`), iotest.ErrReader(boom))
	_, errs := readRaw(stix.NewBundleReader(r))
	if len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Errorf("errors %v, want the read error", errs)
	}
}

func TestRawObjectTypeAndID(t *testing.T) {
	raw := stix.RawObject{Data: []byte(`{"spec_version":"2.1","id":"url--1","type":"url","value":"x"}`)}
	typ, id, err := raw.TypeAndID()
	if err != nil || typ != "url" || id != "url--1" {
		t.Errorf("got %q %q %v", typ, id, err)
	}
	_, _, err = stix.RawObject{Data: []byte(`{"id":"url--1"}`)}.TypeAndID()
	if !errors.Is(err, stix.ErrMissingType) {
		t.Errorf("got %v, want ErrMissingType", err)
	}
}

func bytesReader(data []byte) io.Reader { return bytes.NewReader(data) }

// A large object keeps its values after the reader has moved on: its
// strings share memory with the object's own copy of the input, never with
// the read buffer.
func TestBundleReaderLargeObjectSurvivesLaterReads(t *testing.T) {
	refs := make([]string, 60_000)
	for i := range refs {
		refs[i] = fmt.Sprintf("indicator--%08d-0000-4000-8000-000000000000", i)
	}
	report, err := json.Marshal(map[string]any{"type": "report", "id": "report--1", "name": "big",
		"object_refs": refs})
	if err != nil {
		t.Fatal(err)
	}
	var in bytes.Buffer
	in.WriteString(`{"type":"bundle","id":"bundle--1","objects":[`)
	in.Write(report)
	for i := range 2000 {
		fmt.Fprintf(&in, `,{"type":"x-filler","id":"x-filler--%d","v":"%s"}`, i, strings.Repeat("z", 900))
	}
	in.WriteString("]}")
	var kept *stix.Report
	var small []stix.Object
	n := 0
	for o, err := range stix.NewBundleReader(iotest.HalfReader(&in)).Objects() {
		if err != nil {
			t.Fatal(err)
		}
		if r, ok := o.(*stix.Report); ok {
			kept = r
		} else {
			small = append(small, o)
		}
		n++
	}
	for i, o := range small {
		if want := fmt.Sprintf("x-filler--%d", i); o.ObjectID() != want {
			t.Fatalf("small object %d has id %q after later reads, want %q", i, o.ObjectID(), want)
		}
	}
	if n != 2001 || kept == nil {
		t.Fatalf("read %d objects, report found %v", n, kept != nil)
	}
	for i, ref := range kept.ObjectRefs {
		if ref != refs[i] {
			t.Fatalf("object_refs[%d] = %q after later reads, want %q", i, ref, refs[i])
		}
	}
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func TestBundleReaderNoProgress(t *testing.T) {
	_, errs := readRaw(stix.NewBundleReader(emptyReader{}))
	if len(errs) != 1 || !errors.Is(errs[0], io.ErrNoProgress) {
		t.Errorf("errors %v, want io.ErrNoProgress", errs)
	}
}
