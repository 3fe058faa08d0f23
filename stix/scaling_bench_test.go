package stix_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/opencti-go/sdk/stix"
)

// scalingSizes are the two values of n (indicators) of the large-bundle
// scaling benchmarks: bundles of about 10,000 and 100,000 objects.
var scalingSizes = []int{5_000, 50_000}

// maxRSSMiB returns the peak resident set size of this process so far.
func maxRSSMiB(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return float64(ru.Maxrss) / 1024 // Linux reports kibibytes
}

// BenchmarkLargeBundleScaling decodes every object of a generated bundle
// with the streaming reader and writes it back with the bundle writer, at
// n = 5,000 and n = 50,000. Comparing ns/object of the two sizes shows
// whether the cost grows linearly; peak-heap/file and max-rss-MiB show
// the memory against the file size. Each run checks that no object is
// lost and that the report still refers to every other object.
func BenchmarkLargeBundleScaling(b *testing.B) {
	for _, n := range scalingSizes {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			path, size := generatedBundle(b, n)
			objects := 2*n + 3
			b.SetBytes(size)
			var peak uint64
			for b.Loop() {
				peak = max(peak, readWriteBundle(b, path, objects))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*objects), "ns/object")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(peak)/float64(size), "peak-heap/file")
			b.ReportMetric(maxRSSMiB(b), "max-rss-MiB")
			b.ReportMetric(float64(size)/(1<<20), "file-MiB")
		})
	}
}

// generatedBundle writes the generated bundle of n indicators to a
// temporary file and returns its path and size.
func generatedBundle(tb testing.TB, n int) (string, int64) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "bundle.json")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	if err := writeLargeBundle(f, n); err != nil {
		tb.Fatal(err)
	}
	info, err := f.Stat()
	if err != nil {
		tb.Fatal(err)
	}
	return path, info.Size()
}

// readWriteBundle decodes the bundle at path and encodes it to io.Discard,
// checks the object count and the report's references, and returns the
// peak heap seen meanwhile.
func readWriteBundle(tb testing.TB, path string, objects int) uint64 {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	runtime.GC() // start from the live heap only
	h := startHeapSampler()
	r := stix.NewBundleReader(f)
	w, err := stix.NewBundleWriter(io.Discard, stix.WriterOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	count, refs := 0, 0
	for o, err := range r.Objects() {
		if err != nil {
			tb.Fatal(err)
		}
		if report, ok := o.(*stix.Report); ok {
			refs = len(report.ObjectRefs)
		}
		if err := w.Write(o); err != nil {
			tb.Fatal(err)
		}
		count++
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	peak := h.Stop()
	if count != objects || refs != objects-1 {
		tb.Fatalf("read %d objects and %d report refs, want %d and %d", count, refs, objects,
			objects-1)
	}
	return peak
}

// TestGeneratedBundleRoundTrip: decoding and encoding a generated bundle of
// about 10,000 objects keeps every object and the report's references.
func TestGeneratedBundleRoundTrip(t *testing.T) {
	const n = 5_000
	path, _ := generatedBundle(t, n)
	readWriteBundle(t, path, 2*n+3)
}
