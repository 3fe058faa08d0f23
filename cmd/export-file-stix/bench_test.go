package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// largeBundle builds a bundle of n indicators, each indicating one of
// n/100 malware, all by one author and marked TLP:GREEN. A query export of
// the indicators in full mode contains n indicators, n relationships, the
// malware, the author and the marking.
func largeBundle(n int) []byte {
	var buf bytes.Buffer
	id := func(typ string, i int) string {
		return fmt.Sprintf("%s--00000000-0000-4000-8000-%012d", typ, i)
	}
	author := id("identity", 1)
	green := "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
	ts := "2024-04-01T00:00:00.000Z"
	common := fmt.Sprintf(`"spec_version":"2.1","created":%q,"modified":%q,`+
		`"created_by_ref":%q,"object_marking_refs":[%q]`, ts, ts, author, green)
	buf.WriteString(`{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000000",` +
		`"objects":[`)
	fmt.Fprintf(&buf, `{"type":"marking-definition","spec_version":"2.1","id":%q,`+
		`"created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:GREEN",`+
		`"definition":{"tlp":"green"}}`, green)
	fmt.Fprintf(&buf, `,{"type":"identity","spec_version":"2.1","id":%q,"name":"Bulk Analysts",`+
		`"identity_class":"organization","created":%q,"modified":%q}`, author, ts, ts)
	malware := max(1, n/100)
	for i := range malware {
		fmt.Fprintf(&buf, `,{"type":"malware","id":%q,"name":"Family %d","is_family":true,%s}`,
			id("malware", i), i, common)
	}
	for i := range n {
		fmt.Fprintf(&buf, `,{"type":"indicator","id":%q,"name":"Host %d",`+
			`"pattern":"[domain-name:value = 'host%d.example.net']","pattern_type":"stix",`+
			`"valid_from":%q,%s}`, id("indicator", i), i, i, ts, common)
		fmt.Fprintf(&buf, `,{"type":"relationship","id":%q,"relationship_type":"indicates",`+
			`"source_ref":%q,"target_ref":%q,%s}`, id("relationship", i), id("indicator", i),
			id("malware", i%malware), common)
	}
	buf.WriteString("]}")
	return buf.Bytes()
}

// BenchmarkQueryExportPeakRSS runs the binary with --once on a query
// export, in full mode, of the indicators of largeBundle, against an
// in-memory platform in this process that delays every request by 2 ms.
// It reports the peak resident set size of the export-file-stix process,
// read from VmHWM in /proc/<pid>/status while it runs, so the platform's
// own memory does not count. (The child's ru_maxrss would count it: Go
// starts children with vfork, whose high-water mark includes the parent's
// pages until exec.) EXPORT_BENCH_ENTITIES sets the number of indicators
// (default 100000).
func BenchmarkQueryExportPeakRSS(b *testing.B) {
	n := 100000
	if v := os.Getenv("EXPORT_BENCH_ENTITIES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("EXPORT_BENCH_ENTITIES=%q: %v", v, err)
		}
	}
	srv, err := pyctitest.NewServer()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	seedStart := time.Now()
	if _, err := srv.SeedBundle(largeBundle(n)); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d indicators in %v", n, time.Since(seedStart))
	srv.SetFaults(pyctitest.Faults{Latency: 2 * time.Millisecond})
	bin := buildBinary(b)
	msgPath := filepath.Join(b.TempDir(), "query.json")
	if err := os.WriteFile(msgPath, queryMessage(), 0o600); err != nil {
		b.Fatal(err)
	}
	env := envList(map[string]string{"OPENCTI_URL": srv.URL, "OPENCTI_TOKEN": srv.AdminToken(),
		"CONNECTOR_ID": testConnectorID, "CONNECTOR_LOG_LEVEL": "info"})
	var peak int64
	var objects, requests int
	for b.Loop() {
		srv.ResetRequests()
		cmd := execCommand(bin, "--once", msgPath, "--config", "")
		cmd.Env = append(os.Environ(), env...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		hwm := watchHighWater(cmd.Process.Pid)
		if err := cmd.Wait(); err != nil {
			b.Fatalf("export-file-stix --once: %v\n%s", err, out.String())
		}
		peak = max(peak, hwm())
		objects = uploadedObjects(out.String())
		requests = len(srv.Requests())
	}
	b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
	b.ReportMetric(float64(n), "entities")
	b.ReportMetric(float64(objects), "objects")
	b.ReportMetric(float64(requests), "requests")
}

// uploadedObjects returns the object count of the "export uploaded" log
// line. The in-memory platform keeps at most 50 MiB of an uploaded file, so
// the bundle of a large export is counted from the connector's log.
func uploadedObjects(logs string) int {
	for line := range strings.Lines(logs) {
		if !strings.Contains(line, `"export uploaded"`) {
			continue
		}
		var entry struct {
			Objects int `json:"objects"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil {
			return entry.Objects
		}
	}
	return 0
}

// watchHighWater polls the VmHWM of process pid every 10 ms until it
// exits, and returns a function giving the highest value read, in KiB.
// VmHWM is the process's own peak, so the last read before exit includes
// every earlier peak. A peak in the final 10 ms could be missed.
func watchHighWater(pid int) func() int64 {
	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		path := fmt.Sprintf("/proc/%d/status", pid)
		for {
			data, err := os.ReadFile(path)
			if err != nil {
				return
			}
			for line := range strings.Lines(string(data)) {
				if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					kib, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
					peak.Store(max(peak.Load(), kib))
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	return func() int64 {
		<-done
		return peak.Load()
	}
}

// queryMessage is a query export, full mode, of every indicator, stored as
// a global list export without a work.
func queryMessage() []byte {
	access := map[string]any{"mode": "and", "filters": []any{}, "filterGroups": []any{}}
	body, _ := json.Marshal(map[string]any{
		"internal": map[string]any{"work_id": nil, "applicant_id": pyctitest.AdminID},
		"event": map[string]any{"export_scope": "query", "export_type": "full",
			"format": stixMIME, "file_name": "bench_Indicator_full.json",
			"entity_type": "Indicator", "file_markings": []string{}, "access_filter": access,
			"main_filter": access, "list_params": map[string]any{"search": nil,
				"orderBy": "created_at", "orderMode": "asc", "filters": nil}}})
	return body
}
