package connector_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opencti-go/sdk/connector"
	fp "github.com/opencti-go/sdk/connector/internal/fakeplatform"
	"github.com/opencti-go/sdk/internal/testenv"
)

// workCase is one sub-scenario of the work lifecycle cases: messages, the
// behaviour of the mocked platform, and the expected ordered calls.
type workCase struct {
	Name     string            `json:"name"`
	Messages []json.RawMessage `json:"messages"`
	Mock     struct {
		EntityExists bool   `json:"entity_exists"`
		GraphQLError string `json:"graphql_error_on_read"`
		ToProcessed  string `json:"to_processed"`
	} `json:"mock"`
	ExpectedCalls []string `json:"expected_calls"`
}

// event is one entry of the merged call log.
type event struct {
	at   time.Time
	text string
}

var (
	receivedRe  = regexp.MustCompile(`^work\.to_received\(([^)]+)\)$`)
	readRe      = regexp.MustCompile(`^read entity(?: \(impersonating ([^)]+)\))?$`)
	processedRe = regexp.MustCompile(
		`^work\.to_processed\(([^,)]+)(?:, in_error=(true|false))?(, message mentions the entity id)?\)(?: -> (\d+|ok))?$`)
)

// expectedEvents turns the case's call descriptions into log entries.
// Entries this framework cannot observe (the duplicate's log line) are
// checked apart.
func expectedEvents(t *testing.T, calls []string, entityID string) []string {
	t.Helper()
	var out []string
	for _, c := range calls {
		switch {
		case receivedRe.MatchString(c):
			out = append(out, "received "+receivedRe.FindStringSubmatch(c)[1])
		case readRe.MatchString(c):
			m := readRe.FindStringSubmatch(c)
			out = append(out, strings.TrimSpace("read "+m[1]))
		case c == "exportPush upload":
			out = append(out, "upload")
		case processedRe.MatchString(c):
			m := processedRe.FindStringSubmatch(c)
			text := "processed " + m[1]
			if m[2] == "true" {
				text += " in_error"
			}
			if m[3] != "" {
				text += " mentions " + entityID
			}
			if m[4] != "" && m[4] != "ok" {
				text += " -> failed"
			}
			out = append(out, text)
		case strings.HasPrefix(c, "(second delivery)"):
		default:
			t.Fatalf("unknown expected call %q", c)
		}
	}
	return out
}

func TestWorkLifecycleCases(t *testing.T) {
	path := filepath.Join(testenv.SharedDir(t, "cases", "020-connector-work-status"), "cases.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []workCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	for _, wc := range cases {
		t.Run(wc.Name, func(t *testing.T) { runWorkCase(t, wc) })
	}
}

// lockedLog is a log destination safe for the connector's goroutines.
type lockedLog struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func runWorkCase(t *testing.T, wc workCase) {
	var logs lockedLog
	h := newHarness(t, withOptions(connector.Options{
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}))
	if strings.Contains(wc.Mock.ToProcessed, "fails with HTTP 503 twice") {
		h.platform.FailNext(fp.WorkToProcessed, nil, nil)
	}
	var mu sync.Mutex
	var log []event
	note := func(text string) {
		mu.Lock()
		log = append(log, event{time.Now(), text})
		mu.Unlock()
	}
	runs := 0
	h.start(connector.HandlerFunc(func(_ context.Context, m *connector.Message) (string, error) {
		mu.Lock()
		runs++
		mu.Unlock()
		// The handler stands for the export: a read on the applicant's
		// behalf, then the upload.
		note(strings.TrimSpace("read " + m.Internal.ApplicantID))
		if !wc.Mock.EntityExists {
			return "", fmt.Errorf("read entity %s: %s", m.Export.EntityID, wc.Mock.GraphQLError)
		}
		note("upload")
		return "Export done", nil
	}))
	var entityID, workID string
	for _, raw := range wc.Messages {
		var msg struct {
			Internal struct {
				WorkID string `json:"work_id"`
			} `json:"internal"`
			Event struct {
				EntityID string `json:"entity_id"`
			} `json:"event"`
		}
		if err := json.Unmarshal(raw, &msg); err != nil {
			t.Fatal(err)
		}
		entityID, workID = msg.Event.EntityID, msg.Internal.WorkID
		h.topo.Publish(t, raw)
	}
	if !h.platform.WaitFor(30*time.Second, func() bool {
		return h.platform.Count(fp.WorkToProcessed, workID) == 1
	}) {
		t.Fatalf("no successful processed report; calls %+v", h.platform.Calls())
	}
	if !h.topo.WaitListenEmpty(t, 1, 20*time.Second) {
		t.Fatal("messages left on the queue")
	}
	time.Sleep(200 * time.Millisecond) // let a wrongly repeated job show itself
	mu.Lock()
	defer mu.Unlock()
	for _, c := range h.platform.Calls(fp.WorkToReceived, fp.WorkToProcessed) {
		text := "received " + c.WorkID
		if c.Method == fp.WorkToProcessed {
			text = "processed " + c.WorkID
			if c.InError {
				text += " in_error"
				if strings.Contains(c.Message, entityID) {
					text += " mentions " + entityID
				}
			}
			if c.Err != nil {
				text += " -> failed"
			}
		}
		log = append(log, event{c.At, text})
	}
	sort.SliceStable(log, func(i, k int) bool { return log[i].at.Before(log[k].at) })
	got := make([]string, len(log))
	for i, e := range log {
		got[i] = e.text
	}
	want := expectedEvents(t, wc.ExpectedCalls, entityID)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if runs != 1 {
		t.Errorf("handler runs = %d, want 1", runs)
	}
	if slices.ContainsFunc(wc.ExpectedCalls, func(c string) bool {
		return strings.HasPrefix(c, "(second delivery)")
	}) {
		checkDuplicateLogged(t, logs.String(), workID)
	}
}

// checkDuplicateLogged checks that the log has one line for the skipped
// second delivery of the work.
func checkDuplicateLogged(t *testing.T, logs, workID string) {
	t.Helper()
	n := 0
	for line := range strings.Lines(logs) {
		if strings.Contains(line, "second delivery skipped") &&
			strings.Contains(line, "work_id="+workID) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d log lines for the skipped second delivery of %s, want 1; logs:\n%s", n,
			workID, logs)
	}
}
