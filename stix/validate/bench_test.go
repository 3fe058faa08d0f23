package validate_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix/validate"
)

// benchObjects returns the raw objects of a real bundle (MITRE ATT&CK
// mobile, 2148 objects of many types) and their total size.
func benchObjects(b *testing.B) ([][]byte, int64) {
	path := testenv.SharedDir(b, "stix", "corpus", "mitre-attack-stix-data",
		"mobile-attack-17.1.json")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var doc struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		b.Fatal(err)
	}
	objs := make([][]byte, len(doc.Objects))
	var size int64
	for i, o := range doc.Objects {
		objs[i] = o
		size += int64(len(o))
	}
	return objs, size
}

// BenchmarkDecodeObjects is the baseline: encoding/json decoding of the same
// objects into map[string]any with UseNumber.
func BenchmarkDecodeObjects(b *testing.B) {
	objs, size := benchObjects(b)
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, o := range objs {
			dec := json.NewDecoder(bytes.NewReader(o))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkValidateObjects validates the same objects through a Session,
// as an exporter does while writing a bundle.
func BenchmarkValidateObjects(b *testing.B) {
	objs, size := benchObjects(b)
	v := validate.Default()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		s := v.NewSession()
		for _, o := range objs {
			s.Add(o)
		}
		s.Finish()
	}
}

// benchBundle returns the bytes of the bundle file benchObjects splits.
func benchBundle(b *testing.B) []byte {
	path := testenv.SharedDir(b, "stix", "corpus", "mitre-attack-stix-data",
		"mobile-attack-17.1.json")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkDecodeBundle is the baseline of BenchmarkValidateBundle:
// encoding/json decoding of the whole file into any with UseNumber.
func BenchmarkDecodeBundle(b *testing.B) {
	data := benchBundle(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateBundle reads and validates the whole bundle file.
func BenchmarkValidateBundle(b *testing.B) {
	data := benchBundle(b)
	v := validate.Default()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.ValidateBundle(b.Context(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
