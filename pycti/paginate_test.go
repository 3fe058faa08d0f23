package pycti

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
)

// transcriptStep is one scripted exchange of a pagination transcript.
type transcriptStep struct {
	ExpectVariables map[string]any `json:"expect_variables"`
	Respond         struct {
		Status   int               `json:"status"`
		Headers  map[string]string `json:"headers"`
		Body     json.RawMessage   `json:"body"`
		BodyText string            `json:"body_text"`
	} `json:"respond"`
}

func loadTranscripts(t *testing.T) map[string][]transcriptStep {
	t.Helper()
	path := filepath.Join(testenv.SharedDir(t, "cases", "014-graphql-pagination"), "transcripts.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		t.Fatal(err)
	}
	out := map[string][]transcriptStep{}
	for name, v := range all {
		if name == "_comment" {
			continue
		}
		var steps []transcriptStep
		if err := json.Unmarshal(v, &steps); err != nil {
			t.Fatalf("transcript %s: %v", name, err)
		}
		out[name] = steps
	}
	return out
}

// playTranscript serves the steps in order, checking the variables each
// request carries, and returns the fake and the ids iterated.
func playTranscript(t *testing.T, steps []transcriptStep) (*fakePlatform, []string, error) {
	t.Helper()
	next := 0
	f := newFakePlatform(t, func(r received) reply {
		if next >= len(steps) {
			t.Errorf("request %d beyond the %d scripted steps", next+1, len(steps))
			return reply{Status: 500, Body: `{"errors":[{"message":"unscripted"}]}`}
		}
		step := steps[next]
		next++
		if r.OpName != "Indicators" {
			t.Errorf("request %d: operation %s, want Indicators", next, r.OpName)
		}
		want := step.ExpectVariables["after"]
		if got := r.Variables["after"]; got != want {
			t.Errorf("request %d: after = %v, want %v", next, got, want)
		}
		if first, _ := r.Variables["first"].(float64); first <= 0 {
			t.Errorf("request %d: first = %v, want a positive page size", next, r.Variables["first"])
		}
		body := string(step.Respond.Body)
		if step.Respond.BodyText != "" {
			body = step.Respond.BodyText
		}
		return reply{Status: step.Respond.Status, Header: step.Respond.Headers, Body: body}
	})
	var ids []string
	var iterErr error
	for ind, err := range f.client(t).Indicators().All(context.Background(), ListOptions{}) {
		if err != nil {
			iterErr = err
			break
		}
		ids = append(ids, ind.ID)
	}
	return f, ids, iterErr
}

func TestPaginationTranscripts(t *testing.T) {
	transcripts := loadTranscripts(t)
	cases := []struct {
		name      string
		wantIDs   []string
		wantCalls int
		wantErr   bool
	}{
		{"normal", []string{"i-1", "i-2", "i-3", "i-4", "i-5"}, 3, false},
		{"stuck-cursor", []string{"i-1", "i-2", "i-3", "i-4"}, 2, true},
		{"empty-page-with-next", []string{"i-1", "i-2"}, 2, true},
		{"transient-error", []string{"i-1", "i-2", "i-3", "i-4", "i-5"}, 4, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			steps, ok := transcripts[tc.name]
			if !ok {
				t.Fatalf("transcript %s missing", tc.name)
			}
			f, ids, err := playTranscript(t, steps)
			if !slices.Equal(ids, tc.wantIDs) {
				t.Errorf("ids = %v, want %v", ids, tc.wantIDs)
			}
			if n := len(f.requests()); n != tc.wantCalls {
				t.Errorf("requests = %d, want %d", n, tc.wantCalls)
			}
			if tc.wantErr != (err != nil) {
				t.Fatalf("error = %v, want error: %v", err, tc.wantErr)
			}
			if err != nil && !errors.Is(err, ErrPagination) {
				t.Errorf("error %v does not match ErrPagination", err)
			}
		})
	}
}

func TestPaginationStuckCursorNamesCursor(t *testing.T) {
	_, _, err := playTranscript(t, loadTranscripts(t)["stuck-cursor"])
	pe, ok := errors.AsType[*PaginationError](err)
	if !ok {
		t.Fatalf("error %v is not a *PaginationError", err)
	}
	if pe.Cursor != "cur-2" || pe.Page != 2 {
		t.Errorf("cursor %q page %d, want cur-2 page 2", pe.Cursor, pe.Page)
	}
	if !strings.Contains(err.Error(), `"cur-2"`) {
		t.Errorf("error %q does not mention the repeated cursor", err)
	}
}

func TestPaginationStopsWhenCallerBreaks(t *testing.T) {
	f := newFakePlatform(t, func(received) reply {
		return ok(`{"indicators":{"edges":[{"node":{"id":"a"}},{"node":{"id":"b"}}],` +
			`"pageInfo":{"endCursor":"c1","hasNextPage":true,"globalCount":9}}}`)
	})
	for range f.client(t).Indicators().All(context.Background(), ListOptions{}) {
		break
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("requests = %d, want 1 after an early break", n)
	}
}

func TestPageSizeOutOfRange(t *testing.T) {
	f := newFakePlatform(t, func(received) reply { return ok(`{}`) })
	_, err := f.client(t).Reports().List(context.Background(), ListOptions{First: MaxPageSize + 1})
	if err == nil {
		t.Fatal("List accepted a page size above MaxPageSize")
	}
	if len(f.requests()) != 0 {
		t.Error("List sent a request with an invalid page size")
	}
}

func TestByIDsBatchesAndCombinesFilters(t *testing.T) {
	f := newFakePlatform(t, func(r received) reply {
		return ok(`{"markingDefinitions":{"edges":[{"node":{"id":"m","definition":"TLP:RED",` +
			`"toStix":"{\"type\":\"marking-definition\"}"}}],` +
			`"pageInfo":{"endCursor":"x","hasNextPage":false,"globalCount":1}}}`)
	})
	ids := []string{"a", "b", "c", "d", "e"}
	access := AllOf(Where("objectMarking", "m9").WithOperator(OpNotEq))
	var got []Marking
	col := f.client(t).MarkingDefinitions()
	for m, err := range col.ByIDs(context.Background(), ids, ListOptions{First: 2, Filters: access}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	reqs := f.requests()
	if len(reqs) != 3 {
		t.Fatalf("requests = %d, want 3 batches of at most 2 ids", len(reqs))
	}
	if len(got) != 3 || string(got[0].Stix) != `{"type":"marking-definition"}` {
		t.Errorf("markings = %+v", got)
	}
	filters, _ := json.Marshal(reqs[2].Variables["filters"])
	want := `{"filterGroups":[{"filterGroups":[],"filters":[{"key":["ids"],"mode":"or",` +
		`"operator":"eq","values":["e"]}],"mode":"and"},{"filterGroups":[],"filters":[{"key":` +
		`["objectMarking"],"mode":"or","operator":"not_eq","values":["m9"]}],"mode":"and"}],` +
		`"filters":[],"mode":"and"}`
	if string(filters) != want {
		t.Errorf("last batch filters =\n%s\nwant\n%s", filters, want)
	}
}
