package validate_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix/validate"
)

// generatedBundle runs the large-bundle generator script of the failure
// cases for n indicators and returns the path and size of the bundle it
// writes: n indicators, n/2 ipv4-addr SCOs with a related-to relationship
// each, an identity, TLP:GREEN and a report referring to all of them.
func generatedBundle(tb testing.TB, n int) (string, int64) {
	tb.Helper()
	script := filepath.Join(testenv.SharedDir(tb, "cases", "013-large-bundle"), "gen_bundle.py")
	python, err := exec.LookPath("python3")
	if err != nil {
		tb.Skip("python3 not found: the bundle generator is a Python script")
	}
	path := filepath.Join(tb.TempDir(), "bundle.json")
	out, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer out.Close()
	var stderr bytes.Buffer
	cmd := exec.Command(python, script, strconv.Itoa(n))
	cmd.Stdout, cmd.Stderr = out, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("%s %d: %v: %s", script, n, err, stderr.Bytes())
	}
	info, err := out.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	return path, info.Size()
}

// BenchmarkValidateLargeBundleScaling validates generated bundles of about
// 10,000 and 100,000 objects (n = 5,000 and 50,000 indicators) with
// reference resolution on, counting the findings as they come. Comparing
// ns/object of the two sizes shows whether the cost grows linearly;
// max-rss-MiB against file-MiB shows the memory. Every run must find no
// error.
func BenchmarkValidateLargeBundleScaling(b *testing.B) {
	v, err := validate.New(validate.WithEnforceRefs())
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{5_000, 50_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			path, size := generatedBundle(b, n)
			objects := 2*n + 3
			b.SetBytes(size)
			var warnings int
			for b.Loop() {
				warnings = validateCounting(b, v, path)
			}
			var ru syscall.Rusage
			if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*objects), "ns/object")
			b.ReportMetric(float64(ru.Maxrss)/1024, "max-rss-MiB") // Linux reports KiB
			b.ReportMetric(float64(size)/(1<<20), "file-MiB")
			b.ReportMetric(float64(warnings), "warnings")
		})
	}
}

// validateCounting validates the bundle at path, fails on any error
// finding, and returns the number of warnings.
func validateCounting(tb testing.TB, v *validate.Validator, path string) int {
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	warnings := 0
	for finding, err := range v.BundleFindings(tb.Context(), f) {
		if err != nil {
			tb.Fatal(err)
		}
		switch finding.Severity {
		case validate.SeverityError:
			tb.Fatalf("error finding: %s", finding)
		case validate.SeverityWarning:
			warnings++
		}
	}
	return warnings
}

// TestGeneratedBundleValid: a generated bundle of about 10,000 objects has
// no error with reference resolution on, and one warning per SCO (random
// UUIDv4 ids) and per indicator (no description).
func TestGeneratedBundleValid(t *testing.T) {
	const n = 5_000
	path, _ := generatedBundle(t, n)
	v, err := validate.New(validate.WithEnforceRefs())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := validateCounting(t, v, path), n+n/2; got != want {
		t.Errorf("%d warnings, want %d", got, want)
	}
}
