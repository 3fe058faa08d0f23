package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/connector"
	"github.com/opencti-go/sdk/examples/internal/exampletest"
)

// TestStreamConsumerResumes runs the connector against pyctitest's live
// stream, stops it, writes more data and runs it again: the audit file
// gets every change exactly once.
func TestStreamConsumerResumes(t *testing.T) {
	p := exampletest.NewStreamPlatform(t)
	output := filepath.Join(t.TempDir(), "audit.jsonl")
	cfg := p.Config(t, connector.TypeStream, map[string]string{
		"CONNECTOR_LIVE_STREAM_ID": "live", "CONNECTOR_LIVE_STREAM_RECOVER_ISO_DATE": "false",
		"OUTPUT_PATH": output})
	first := seedMalware(t, p, "SnakeLoader")
	for _, want := range [][]string{{first}, {seedMalware(t, p, "Ember")}} {
		stop := exampletest.Start(t, func(ctx context.Context) error {
			return run(ctx, cfg, exampletest.Logger(t))
		})
		exampletest.WaitFor(t, "the audit lines", func() bool {
			lines := readAudit(t, output)
			return lines[want[0]] > 0
		})
		// A heartbeat after the last change lets the saved position pass
		// it; without one, the change would come again after the restart.
		// The platform sends one every 100 ms here.
		time.Sleep(300 * time.Millisecond)
		if err := stop(); err != nil {
			t.Fatal(err)
		}
	}
	lines := readAudit(t, output)
	if len(lines) != 2 {
		t.Errorf("audit objects = %v, want the two malware", lines)
	}
	for id, n := range lines {
		if n != 1 {
			t.Errorf("%s written %d times, want once", id, n)
		}
	}
}

func seedMalware(t *testing.T, p *exampletest.Platform, name string) string {
	t.Helper()
	id := "malware--" + uuid.NewString()
	bundle := fmt.Sprintf(`{"type":"bundle","id":"bundle--%s","objects":[{"type":"malware",
		"spec_version":"2.1","id":%q,"name":%q,"is_family":true,
		"created":"2026-03-02T10:00:00.000Z","modified":"2026-03-02T10:00:00.000Z"}]}`,
		uuid.NewString(), id, name)
	if _, err := p.SeedBundle([]byte(bundle)); err != nil {
		t.Fatal(err)
	}
	return id
}

// readAudit counts the create lines per object.
func readAudit(t *testing.T, path string) map[string]int {
	t.Helper()
	out := map[string]int{}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var line auditLine
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		if line.Change == "create" {
			out[line.Object]++
		}
	}
	return out
}
