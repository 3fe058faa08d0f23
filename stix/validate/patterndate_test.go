package validate_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/stix/validate"
)

// indicatorWithPattern returns a valid indicator whose STIX pattern is src.
func indicatorWithPattern(t *testing.T, src string) []byte {
	t.Helper()
	quoted, err := json.Marshal(src)
	if err != nil {
		t.Fatal(err)
	}
	return []byte(`{"type":"indicator","spec_version":"2.1",
		"id":"indicator--d3be215a-a836-4166-83f4-1c4a657c53e9",
		"created":"2023-03-01T10:00:00.000Z","modified":"2023-03-01T10:00:00.000Z",
		"name":"n","description":"d","pattern":` + string(quoted) + `,"pattern_type":"stix",
		"valid_from":"2023-03-01T10:00:00Z"}`)
}

func TestPatternCalendarDates(t *testing.T) {
	tests := []struct {
		pattern string
		want    string // part of the one expected message, or "" for no finding
	}{
		{"[file:created = t'2024-02-29T12:00:00Z']", ""},
		{"[file:created = t'2016-12-31T23:59:60Z']", ""},
		{"[file:created = t'2024-02-30T12:00:00Z']",
			"t'2024-02-30T12:00:00Z' at pattern offset 16 is not a calendar date: February 2024 has 29 days"},
		{"[file:created = t'2023-02-29T12:00:00Z']", "February 2023 has 28 days"},
		{"[file:created IN (t'2024-01-31T00:00:00Z', t'2024-04-31T00:00:00Z')]",
			"t'2024-04-31T00:00:00Z' at pattern offset 43 is not a calendar date: April 2024 has 30 days"},
		{"[file:name = 'a'] START t'2024-06-31T00:00:00Z' STOP t'2024-07-02T00:00:00Z'",
			"t'2024-06-31T00:00:00Z' at pattern offset 24 is not a calendar date: June 2024 has 30 days"},
		{"[file:name = 'a'] START t'2024-06-01T00:00:00Z' STOP t'2024-09-31T00:00:00Z'",
			"September 2024 has 30 days"},
	}
	for _, tt := range tests {
		fs := validate.Object(indicatorWithPattern(t, tt.pattern))
		if tt.want == "" {
			if len(fs) != 0 {
				t.Errorf("%s: findings %v, want none", tt.pattern, fs)
			}
			continue
		}
		if len(fs) != 1 {
			t.Errorf("%s: findings %v, want one", tt.pattern, fs)
			continue
		}
		f := fs[0]
		if f.Rule != validate.RulePattern || f.Severity != validate.SeverityError ||
			f.Pointer != "/pattern" {
			t.Errorf("%s: finding %v, want a pattern error at /pattern", tt.pattern, f)
		}
		if !strings.Contains(f.Message, tt.want) {
			t.Errorf("%s: message %q does not contain %q", tt.pattern, f.Message, tt.want)
		}
	}
}
