package stix_test

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/stix"
)

// nested returns an x-deep object whose property v holds n nested arrays,
// so that the whole object is nested n+1 levels deep.
func nested(n int) []byte {
	return []byte(`{"type":"x-deep","id":"x-deep--5c1f3b0e-9d2a-4c8b-a1e6-0f7d8c9b2a31","v":` +
		strings.Repeat("[", n) + strings.Repeat("]", n) + `}`)
}

// Every reader of JSON text rejects nesting past encoding/json's limit of
// 10,000 levels with an error. Without the limit, a few megabytes of
// brackets exhaust the goroutine stack, which ends the process.
func TestDeepNestingIsAnError(t *testing.T) {
	deep := nested(1_000_000)
	bundle := append(append([]byte(`{"type":"bundle","id":"bundle--1","objects":[`),
		deep...), "]}"...)
	readers := map[string]func() error{
		"Decode": func() error { _, err := stix.Decode(deep); return err },
		"Unmarshal": func() error {
			return stix.Unmarshal(deep, &stix.Generic{})
		},
		"RawReferences": func() error { _, err := stix.RawReferences(deep); return err },
		"Canonicalize":  func() error { _, err := stix.Canonicalize(deep); return err },
		"ReadBundle": func() error {
			_, err := stix.ReadBundle(bytes.NewReader(bundle))
			return err
		},
		"BundleReader.Objects": func() error {
			for _, err := range stix.NewBundleReader(bytes.NewReader(bundle)).Objects() {
				if err != nil {
					return err
				}
			}
			return nil
		},
		"BundleWriter.WriteRaw": func() error {
			w, err := stix.NewBundleWriter(io.Discard, stix.WriterOptions{Indent: true})
			if err != nil {
				t.Fatal(err)
			}
			return w.WriteRaw(deep)
		},
	}
	for name, read := range readers {
		err := read()
		if err == nil || !strings.Contains(err.Error(), "nested deeper than 10000 levels") {
			t.Errorf("%s: err = %v, want the nesting limit", name, err)
		}
	}
}

// The limit is encoding/json's: 10,000 levels decode, 10,001 do not.
func TestNestingLimitMatchesEncodingJSON(t *testing.T) {
	for _, levels := range []int{10_000, 10_001} {
		data := nested(levels - 1)
		_, err := stix.Decode(data)
		if got, want := err == nil, json.Valid(data); got != want {
			t.Errorf("%d levels: Decode error %v, encoding/json valid %v", levels, err, want)
		}
	}
}
