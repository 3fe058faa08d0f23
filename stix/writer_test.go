package stix_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix"
)

const testBundleID = "bundle--3b2c9a51-6f0e-4c8e-9d1a-7e5b4c3a2f10"

// encodeReference encodes v the way the bundle writer must match: an
// encoding/json Encoder without HTML escaping, indented by four spaces
// when indent is set.
func encodeReference(t *testing.T, v any, indent bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "    ")
	}
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawBundle has the layout of a bundle whose objects are kept as raw JSON.
type rawBundle struct {
	Type    string            `json:"type"`
	ID      string            `json:"id"`
	Objects []json.RawMessage `json:"objects,omitempty"`
}

func TestBundleWriterMatchesEncoder(t *testing.T) {
	t.Parallel()
	for _, path := range jsonFiles(t, testenv.SharedDir(t, "stix", "corpus")) {
		raws := objectsOf(t, path)
		objects := make([]stix.Object, len(raws))
		for i, raw := range raws {
			o, err := stix.Decode(raw)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			objects[i] = o
		}
		for _, indent := range []bool{false, true} {
			var typed, raw bytes.Buffer
			tw, err := stix.NewBundleWriter(&typed, stix.WriterOptions{ID: testBundleID, Indent: indent})
			if err != nil {
				t.Fatal(err)
			}
			rw, err := stix.NewBundleWriter(&raw, stix.WriterOptions{ID: testBundleID, Indent: indent})
			if err != nil {
				t.Fatal(err)
			}
			for i := range objects {
				if err := tw.Write(objects[i]); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				if err := rw.WriteRaw(raws[i]); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			}
			if err := tw.Close(); err != nil {
				t.Fatal(err)
			}
			if err := rw.Close(); err != nil {
				t.Fatal(err)
			}
			want := encodeReference(t, stix.Bundle{Type: "bundle", ID: testBundleID, Objects: objects}, indent)
			if !bytes.Equal(typed.Bytes(), want) {
				t.Errorf("%s (indent %v): typed bundle differs from the encoding/json layout", path, indent)
			}
			wantRaw := encodeReference(t, rawBundle{"bundle", testBundleID, raws}, indent)
			if !bytes.Equal(raw.Bytes(), wantRaw) {
				t.Errorf("%s (indent %v): raw bundle differs from the encoding/json layout", path, indent)
			}
			if tw.Count() != len(objects) || tw.BytesWritten() != int64(typed.Len()) {
				t.Errorf("%s: Count %d, BytesWritten %d; want %d, %d",
					path, tw.Count(), tw.BytesWritten(), len(objects), typed.Len())
			}
		}
	}
}

func TestBundleWriterNoHTMLEscaping(t *testing.T) {
	ind := stix.Create[stix.Indicator]()
	ind.Pattern = "[file:size > 5 AND file:name = 'a&b<c>']"
	ind.PatternType = "stix"
	var buf bytes.Buffer
	w, err := stix.NewBundleWriter(&buf, stix.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ind); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteRaw([]byte(`{"type":"x-a","id":"x-a--1","note":"<&>"}`)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "a&b<c>") || !strings.Contains(out, `"<&>"`) {
		t.Errorf("HTML characters were escaped: %s", out)
	}
	if !strings.HasPrefix(w.ID(), "bundle--") || uuidVersion(t, w.ID()) != 4 {
		t.Errorf("generated bundle id %q is not a UUIDv4 bundle id", w.ID())
	}
}

func TestBundleWriterEmptyBundle(t *testing.T) {
	for _, indent := range []bool{false, true} {
		var buf bytes.Buffer
		w, err := stix.NewBundleWriter(&buf, stix.WriterOptions{ID: testBundleID, Indent: indent})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		want := encodeReference(t, rawBundle{Type: "bundle", ID: testBundleID}, indent)
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("got %q, want %q", buf.Bytes(), want)
		}
		if strings.Contains(buf.String(), "objects") {
			t.Errorf("empty bundle has an objects property: %s", buf.String())
		}
	}
}

func TestBundleWriterRejects(t *testing.T) {
	if _, err := stix.NewBundleWriter(&bytes.Buffer{}, stix.WriterOptions{ID: "report--1"}); err == nil {
		t.Error("a non-bundle id was accepted")
	}
	w, err := stix.NewBundleWriter(&bytes.Buffer{}, stix.WriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`[1]`, `{"type":`, ``} {
		if err := w.WriteRaw([]byte(bad)); err == nil {
			t.Errorf("WriteRaw(%q) succeeded", bad)
		}
	}
	if w.Count() != 0 {
		t.Errorf("Count %d after rejected writes", w.Count())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(stix.Create[stix.Note]()); !errors.Is(err, stix.ErrWriterClosed) {
		t.Errorf("Write after Close: got %v, want ErrWriterClosed", err)
	}
}

type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestBundleWriterReportsWriteErrors(t *testing.T) {
	boom := errors.New("disk full")
	w, err := stix.NewBundleWriter(failingWriter{boom}, stix.WriterOptions{})
	if err != nil {
		t.Fatal(err) // buffered: nothing reached the writer yet
	}
	big := []byte(`{"type":"x-a","id":"x-a--1","v":"` + strings.Repeat("a", 100_000) + `"}`)
	if err := w.WriteRaw(big); !errors.Is(err, boom) {
		t.Errorf("WriteRaw: got %v, want the write error", err)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("Close: got %v, want the write error", err)
	}
}

func TestBundleRoundTripThroughWriterAndReader(t *testing.T) {
	path := testenv.SharedDir(t, "stix", "corpus", "mitre-attack-stix-data", "ics-attack-18.1.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := stix.NewBundleWriter(&buf, stix.WriterOptions{Indent: true})
	if err != nil {
		t.Fatal(err)
	}
	r := stix.NewBundleReader(bytes.NewReader(data))
	for raw, err := range r.RawObjects() {
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteRaw(raw.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := stix.ReadBundle(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if b.ID != w.ID() || len(b.Objects) != w.Count() {
		t.Errorf("read back id %s with %d objects, want %s with %d", b.ID, len(b.Objects), w.ID(), w.Count())
	}
}

func TestBundleWriterKeepsBundleProperties(t *testing.T) {
	path := testenv.SharedDir(t, "stix", "corpus", "opencti-client-python")
	data, err := os.ReadFile(path + "/mono-bundle-entity.json")
	if err != nil {
		t.Fatal(err)
	}
	r := stix.NewBundleReader(bytes.NewReader(data))
	var objects []stix.Object
	for o, err := range r.Objects() {
		if err != nil {
			t.Fatal(err)
		}
		objects = append(objects, o)
	}
	props := r.Properties()
	if _, ok := props["x_opencti_seq"]; !ok {
		t.Fatalf("bundle properties %v lack x_opencti_seq", props)
	}
	props["x_example_list"] = json.RawMessage(`[ {"a": 1}, 2 ]`)
	for _, count := range []int{len(objects), 0} {
		for _, indent := range []bool{false, true} {
			var out bytes.Buffer
			w, err := stix.NewBundleWriter(&out, stix.WriterOptions{
				ID: r.ID(), Indent: indent, Properties: props})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range objects[:count] {
				if err := w.Write(o); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			want := encodeReference(t, stix.Bundle{Type: "bundle", ID: r.ID(),
				Objects: objects[:count], Custom: props}, indent)
			if !bytes.Equal(out.Bytes(), want) {
				t.Errorf("%d objects, indent %v: got\n%s\nwant\n%s", count, indent, out.Bytes(), want)
			}
		}
	}
}

func TestBundleWriterRejectsBundleProperties(t *testing.T) {
	for name, value := range map[string]string{
		"objects": `[]`, "id": `"bundle--x"`, "type": `"bundle"`, "x_bad": `{"a":`, "x_empty": ``,
	} {
		_, err := stix.NewBundleWriter(&bytes.Buffer{}, stix.WriterOptions{
			Properties: map[string]json.RawMessage{name: json.RawMessage(value)}})
		if err == nil || !strings.Contains(err.Error(), `"`+name+`"`) {
			t.Errorf("property %s = %s: error %v does not name it", name, value, err)
		}
	}
}
