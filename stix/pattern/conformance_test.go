package pattern_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix/pattern"
)

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

// TestReferenceCases checks every case of the reference pattern validator's
// test suite: the verdict must be the same for all of them.
func TestReferenceCases(t *testing.T) {
	dir := testenv.SharedDir(t, "stix", "validator-cases", "pattern-validator")
	var doc struct {
		Cases []struct {
			Pattern  string `json:"pattern"`
			Expected string `json:"expected"`
			Category string `json:"category"`
			Why      string `json:"why"`
		} `json:"cases"`
	}
	readJSON(t, filepath.Join(dir, "patterns-v21.json"), &doc)
	agree := 0
	for _, c := range doc.Cases {
		_, err := pattern.Parse(c.Pattern)
		got := "valid"
		if err != nil {
			got = "invalid"
		}
		if got != c.Expected {
			t.Errorf("Parse(%q) = %s (err %v), want %s (%s)", c.Pattern, got, err,
				c.Expected, c.Why)
			continue
		}
		agree++
	}
	t.Logf("reference pattern cases: %d/%d agree", agree, len(doc.Cases))
	if len(doc.Cases) < 80 {
		t.Fatalf("only %d reference cases loaded", len(doc.Cases))
	}
}

func TestSpecExamples(t *testing.T) {
	path := testenv.SharedDir(t, "stix", "validator-cases", "pattern-validator",
		"spec_examples_v21.txt")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range strings.Lines(string(data)) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			continue
		}
		n++
		if _, err := pattern.Parse(line); err != nil {
			t.Errorf("Parse(%q): %v", line, err)
		}
	}
	t.Logf("spec examples: %d parsed", n)
}

// TestCorpusPatterns parses the distinct stix patterns of real-world
// indicators.
func TestCorpusPatterns(t *testing.T) {
	path := testenv.SharedDir(t, "stix", "validator-cases", "pattern-validator",
		"corpus-indicator-patterns.json")
	var doc struct {
		Patterns []struct {
			Pattern     string `json:"pattern"`
			PatternType string `json:"pattern_type"`
		} `json:"patterns"`
	}
	readJSON(t, path, &doc)
	ok := 0
	for _, p := range doc.Patterns {
		if _, err := pattern.Parse(p.Pattern); err != nil {
			t.Errorf("Parse(%q): %v", p.Pattern, err)
			continue
		}
		ok++
	}
	t.Logf("corpus patterns: %d/%d parse", ok, len(doc.Patterns))
	if len(doc.Patterns) != 238 {
		t.Errorf("loaded %d corpus patterns, want 238", len(doc.Patterns))
	}
}

// TestBracketHint checks that a pattern that does not start with '[' after
// optional '(' gets a hint in its error.
func TestBracketHint(t *testing.T) {
	path := testenv.SharedDir(t, "stix", "validator-cases", "pattern-validator",
		"brackets-check.json")
	var doc struct {
		Cases []struct {
			Input   string `json:"input"`
			Bracket bool   `json:"first_non_paren_char_is_bracket"`
		} `json:"cases"`
	}
	readJSON(t, path, &doc)
	for _, c := range doc.Cases {
		_, err := pattern.Parse(c.Input)
		if err == nil {
			if !c.Bracket {
				t.Errorf("Parse(%q) succeeded, want an error", c.Input)
			}
			continue
		}
		hinted := strings.Contains(err.Error(), "a pattern starts with '['")
		if hinted == c.Bracket {
			t.Errorf("Parse(%q) error %q: hint present = %v, want %v", c.Input, err,
				hinted, !c.Bracket)
		}
	}
}

// TestInspectorCases compares the qualifiers, observation operators and
// comparisons found in the tree with the reference inspector's output.
func TestInspectorCases(t *testing.T) {
	path := testenv.SharedDir(t, "stix", "validator-cases", "pattern-validator",
		"inspector-v21.json")
	var doc struct {
		Cases []struct {
			Pattern  string          `json:"pattern"`
			Aspect   string          `json:"aspect"`
			Expected json.RawMessage `json:"expected"`
		} `json:"cases"`
	}
	readJSON(t, path, &doc)
	for _, c := range doc.Cases {
		p, err := pattern.Parse(c.Pattern)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.Pattern, err)
			continue
		}
		switch c.Aspect {
		case "qualifiers":
			var want []string
			mustUnmarshal(t, c.Expected, &want)
			got := collect(p, func(n pattern.Node) (string, bool) {
				q, ok := n.(*pattern.QualifiedObservation)
				if !ok {
					return "", false
				}
				return q.Qualifier.String(), true
			})
			compareSets(t, c.Pattern, got, want)
		case "obs_ops":
			var want []string
			mustUnmarshal(t, c.Expected, &want)
			got := collect(p, func(n pattern.Node) (string, bool) {
				b, ok := n.(*pattern.ObservationBinary)
				if !ok {
					return "", false
				}
				return b.Op.String(), true
			})
			compareSets(t, c.Pattern, got, want)
		case "comparisons":
			checkComparisons(t, p, c.Expected)
		default:
			t.Errorf("unknown aspect %q", c.Aspect)
		}
	}
}

func mustUnmarshal(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func collect(p *pattern.Pattern, f func(pattern.Node) (string, bool)) []string {
	var out []string
	pattern.Inspect(p.Expr, func(n pattern.Node) bool {
		if s, ok := f(n); ok {
			out = append(out, s)
		}
		return true
	})
	return out
}

// compareSets compares as sets, because the reference inspector reports
// distinct values in no defined order.
func compareSets(t *testing.T, src string, got, want []string) {
	t.Helper()
	slices.Sort(got)
	got = slices.Compact(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%q: got %q, want %q", src, got, want)
	}
}

func checkComparisons(t *testing.T, p *pattern.Pattern, raw json.RawMessage) {
	t.Helper()
	var want map[string][]struct {
		Path  []any  `json:"path"`
		Op    string `json:"op"`
		Value string `json:"value"`
	}
	mustUnmarshal(t, raw, &want)
	got := map[string][]string{}
	for c := range p.Comparisons() {
		got[c.Path.ObjectType] = append(got[c.Path.ObjectType], describe(c))
	}
	for typ, list := range want {
		var wantDesc []string
		for _, w := range list {
			var parts []string
			for _, s := range w.Path {
				switch s := s.(type) {
				case string:
					parts = append(parts, s)
				case float64:
					parts = append(parts, "#"+json.Number(jsonNum(s)).String())
				}
			}
			wantDesc = append(wantDesc, strings.Join(parts, "/")+" "+w.Op+" "+w.Value)
		}
		if !slices.Equal(got[typ], wantDesc) {
			t.Errorf("%q type %s: got %q, want %q", p.Source, typ, got[typ], wantDesc)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%q: got object types %v, want %d", p.Source, got, len(want))
	}
}

func jsonNum(f float64) string {
	b, _ := json.Marshal(f)
	return string(b)
}

func describe(c *pattern.Comparison) string {
	var parts []string
	for _, s := range c.Path.Steps {
		switch s.Kind {
		case pattern.KeyStep:
			parts = append(parts, s.Key)
		case pattern.IndexStep:
			parts = append(parts, "#"+jsonNum(float64(s.Index)))
		case pattern.AnyIndexStep:
			parts = append(parts, "*")
		}
	}
	op := c.Op.String()
	if c.Negated {
		op = "NOT " + op
	}
	value := ""
	if c.Value != nil {
		value = c.Value.Raw
	}
	return strings.Join(parts, "/") + " " + op + " " + value
}

func TestErrorIsTyped(t *testing.T) {
	_, err := pattern.Parse("[file:size = ]")
	var perr *pattern.Error
	if !errors.As(err, &perr) {
		t.Fatalf("error %v is not a *pattern.Error", err)
	}
	if perr.Offset != 13 {
		t.Errorf("offset = %d, want 13", perr.Offset)
	}
}
