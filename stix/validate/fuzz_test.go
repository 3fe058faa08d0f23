package validate_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/opencti-go/sdk/stix/validate"
)

func addTestdataSeeds(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(identity))
}

// FuzzValidateObject checks that no input makes the validator panic, and
// that findings are well formed.
func FuzzValidateObject(f *testing.F) {
	addTestdataSeeds(f)
	v, err := validate.New(validate.WithEnforceRefs())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, fd := range v.ValidateObject(raw) {
			if fd.Rule == "" || fd.Message == "" || fd.Severity == 0 {
				t.Fatalf("malformed finding %+v", fd)
			}
		}
	})
}

// FuzzValidateBundle checks that the bundle reader and the session never
// panic.
func FuzzValidateBundle(f *testing.F) {
	addTestdataSeeds(f)
	v, err := validate.New(validate.WithEnforceRefs(), validate.WithStrict())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		_, _ = v.ValidateBundle(context.Background(), bytes.NewReader(raw))
	})
}
