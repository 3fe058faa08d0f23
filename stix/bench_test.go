package stix_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix"
)

// corpusObjects returns the raw JSON of every object of the shared corpus.
func corpusObjects(b *testing.B) ([][]byte, int64) {
	b.Helper()
	var objects [][]byte
	var total int64
	for _, path := range jsonFiles(&testing.T{}, testenv.SharedDir(b, "stix", "corpus")) {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		for raw, err := range stix.NewBundleReader(bytesReader(data)).RawObjects() {
			if err != nil {
				b.Fatal(err)
			}
			objects = append(objects, append([]byte(nil), raw.Data...))
			total += int64(len(raw.Data))
		}
	}
	return objects, total
}

// decodeAllRaw decodes every raw object.
func decodeAllRaw(b *testing.B, raws [][]byte) []stix.Object {
	b.Helper()
	objects := make([]stix.Object, len(raws))
	for i, raw := range raws {
		o, err := stix.Decode(raw)
		if err != nil {
			b.Fatal(err)
		}
		objects[i] = o
	}
	return objects
}

// BenchmarkDecodeCorpus compares decoding every corpus object into this
// package's types with decoding the same bytes into map[string]any with
// encoding/json.
func BenchmarkDecodeCorpus(b *testing.B) {
	objects, total := corpusObjects(b)
	b.Run("stix.Decode", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			for _, raw := range objects {
				if _, err := stix.Decode(raw); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("encoding_json_map", func(b *testing.B) {
		b.SetBytes(total)
		b.ReportAllocs()
		for b.Loop() {
			for _, raw := range objects {
				var m map[string]any
				if err := json.Unmarshal(raw, &m); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkDecodeCorpusRatio decodes the corpus both ways in alternation
// and reports how many times longer encoding/json into map[string]any takes.
// Alternating keeps the ratio meaningful on a machine shared with other
// work, where separate runs see different loads.
func BenchmarkDecodeCorpusRatio(b *testing.B) {
	objects, total := corpusObjects(b)
	var stixTime, mapTime time.Duration
	b.SetBytes(2 * total)
	for b.Loop() {
		start := time.Now()
		for _, raw := range objects {
			if _, err := stix.Decode(raw); err != nil {
				b.Fatal(err)
			}
		}
		mid := time.Now()
		for _, raw := range objects {
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				b.Fatal(err)
			}
		}
		stixTime += mid.Sub(start)
		mapTime += time.Since(mid)
	}
	b.ReportMetric(float64(mapTime)/float64(stixTime), "map/stix")
	b.ReportMetric(float64(total)*float64(b.N)/stixTime.Seconds()/1e6, "stix-MB/s")
	b.ReportMetric(float64(total)*float64(b.N)/mapTime.Seconds()/1e6, "map-MB/s")
}

// BenchmarkEncodeCorpus measures encoding every corpus object.
func BenchmarkEncodeCorpus(b *testing.B) {
	raws, total := corpusObjects(b)
	objects := decodeAllRaw(b, raws)
	b.SetBytes(total)
	b.ReportAllocs()
	var buf []byte
	for b.Loop() {
		for _, o := range objects {
			var err error
			if buf, err = stix.AppendObject(buf[:0], o); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// writeLargeBundle writes a valid STIX 2.1 bundle of about 820*n bytes:
// n indicators, n/2 ipv4-addr SCOs with a related-to relationship each, one
// report referencing every other object, one identity and the TLP:GREEN
// marking. Its content is deterministic.
func writeLargeBundle(w io.Writer, n int) error {
	rnd := rand.New(rand.NewPCG(20240601, 1))
	uid := func(prefix string) string {
		hi, lo := rnd.Uint64(), rnd.Uint64()
		hi = hi&^0xF000 | 0x4000     // version 4
		lo = lo&^(0xC<<60) | 0x8<<60 // RFC 4122 variant
		return fmt.Sprintf("%s--%08x-%04x-%04x-%04x-%012x", prefix,
			hi>>32, hi>>16&0xFFFF, hi&0xFFFF, lo>>48, lo&0xFFFFFFFFFFFF)
	}
	const ts = "2024-06-01T00:00:00.000Z"
	bw := bufio.NewWriterSize(w, 1<<16)
	fmt.Fprintf(bw, "{\"type\": \"bundle\", \"id\": \"%s\", \"objects\": [\n", uid("bundle"))
	var refs []string
	first := true
	emit := func(o map[string]any) {
		if !first {
			bw.WriteString(",\n")
		}
		first = false
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(o)
		if o["type"] != "report" {
			refs = append(refs, o["id"].(string))
		}
	}
	emit(map[string]any{"type": "marking-definition", "spec_version": "2.1", "id": stix.TLPGreenID,
		"created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:GREEN",
		"definition": map[string]any{"tlp": "green"}})
	author := uid("identity")
	emit(map[string]any{"type": "identity", "spec_version": "2.1", "id": author, "created": ts,
		"modified": ts, "name": "Example Bulk Producer", "identity_class": "organization"})
	for i := range n {
		value := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		ind := uid("indicator")
		emit(map[string]any{"type": "indicator", "spec_version": "2.1", "id": ind, "created": ts,
			"modified": ts, "created_by_ref": author, "name": fmt.Sprintf("Bulk indicator %d", i),
			"pattern": "[ipv4-addr:value = '" + value + "']", "pattern_type": "stix",
			"valid_from": "2024-06-01T00:00:00Z", "object_marking_refs": []string{stix.TLPGreenID}})
		if i%2 == 0 {
			sco := uid("ipv4-addr")
			emit(map[string]any{"type": "ipv4-addr", "spec_version": "2.1", "id": sco, "value": value})
			emit(map[string]any{"type": "relationship", "spec_version": "2.1", "id": uid("relationship"),
				"created": ts, "modified": ts, "relationship_type": "related-to",
				"source_ref": ind, "target_ref": sco})
		}
	}
	emit(map[string]any{"type": "report", "spec_version": "2.1", "id": uid("report"), "created": ts,
		"modified": ts, "name": "Bulk report", "published": "2024-06-01T00:00:00Z",
		"created_by_ref": author, "object_refs": refs})
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

// largeBundle writes a generated bundle of about 100 MB in a temporary
// folder removed when b ends.
func largeBundle(b *testing.B) string {
	path, _ := generatedBundle(b, largeBundleN)
	return path
}

// largeBundleN gives a generated bundle of about 100 MB.
const largeBundleN = 122_000

// heapSampler records the peak of the heap's object bytes, sampled every
// millisecond, while it runs.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		defer close(h.done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > h.peak.Load() {
				h.peak.Store(v)
			}
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) Stop() uint64 {
	close(h.stop)
	<-h.done
	return h.peak.Load()
}

// BenchmarkReadLargeBundle streams a generated bundle of about 100 MB and
// reports the peak heap seen while reading it.
func BenchmarkReadLargeBundle(b *testing.B) {
	path := largeBundle(b)
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for _, mode := range []string{"raw", "decoded"} {
		b.Run(mode, func(b *testing.B) {
			b.SetBytes(info.Size())
			var peak uint64
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC() // start from the live heap only
				h := startHeapSampler()
				count := 0
				br := stix.NewBundleReader(f)
				if mode == "raw" {
					for _, err := range br.RawObjects() {
						if err != nil {
							b.Fatal(err)
						}
						count++
					}
				} else {
					for _, err := range br.Objects() {
						if err != nil {
							b.Fatal(err)
						}
						count++
					}
				}
				peak = max(peak, h.Stop())
				f.Close()
				if count != largeBundleN*2+3 {
					b.Fatalf("read %d objects", count)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(info.Size())/1e6, "bundle-MB")
		})
	}
}

// BenchmarkBundleWriter writes every corpus object to io.Discard, as JSON
// text (WriteRaw, the export connector's path) and as decoded objects
// (Write), compact and indented.
func BenchmarkBundleWriter(b *testing.B) {
	raws, total := corpusObjects(b)
	objects := decodeAllRaw(b, raws)
	for _, indent := range []bool{false, true} {
		for _, raw := range []bool{true, false} {
			name := map[bool]string{true: "WriteRaw", false: "Write"}[raw]
			name += map[bool]string{true: "/indent", false: "/compact"}[indent]
			b.Run(name, func(b *testing.B) {
				b.SetBytes(total)
				b.ReportAllocs()
				for b.Loop() {
					w, err := stix.NewBundleWriter(io.Discard, stix.WriterOptions{Indent: indent})
					if err != nil {
						b.Fatal(err)
					}
					for i := range raws {
						if raw {
							err = w.WriteRaw(raws[i])
						} else {
							err = w.Write(objects[i])
						}
						if err != nil {
							b.Fatal(err)
						}
					}
					if err := w.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
