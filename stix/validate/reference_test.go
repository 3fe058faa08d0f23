package validate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/stix/validate"
)

type referenceCase struct {
	ID          string         `json:"id"`
	File        string         `json:"file"`
	SourceTest  string         `json:"source_test"`
	Expected    string         `json:"expected"`
	Options     map[string]any `json:"options"`
	Exercises   []string       `json:"exercises"`
	SchemaOnly  struct {
		Rejects bool `json:"rejects"`
	} `json:"schema_only"`
}

func loadReferenceCases(t *testing.T) (string, []referenceCase) {
	dir := testenv.SharedDir(t, "stix", "validator-cases", "stix-validator")
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []referenceCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return dir, doc.Cases
}

func caseOptions(dir string, c referenceCase) ([]validate.Option, error) {
	var opts []validate.Option
	for k, v := range c.Options {
		switch k {
		case "strict":
			if v == true {
				opts = append(opts, validate.WithStrict())
			}
		case "strict_types":
			opts = append(opts, validate.WithStrictTypes())
		case "strict_properties":
			opts = append(opts, validate.WithStrictProperties())
		case "enforce_refs":
			opts = append(opts, validate.WithEnforceRefs())
		case "disabled", "enabled":
			var names []string
			for _, n := range v.([]any) {
				names = append(names, fmt.Sprint(n))
			}
			if k == "disabled" {
				opts = append(opts, validate.WithDisable(names...))
			} else {
				opts = append(opts, validate.WithEnable(names...))
			}
		case "schema_dir":
			opts = append(opts, validate.WithExtraSchemas(os.DirFS(filepath.Join(dir,
				"custom-schemas"))))
		case "version", "interop", "silent", "verbose":
		default:
			return nil, fmt.Errorf("unknown option %s", k)
		}
	}
	if c.Options["silent"] == true && c.Options["verbose"] == true {
		return nil, fmt.Errorf("silent and verbose both set")
	}
	return opts, nil
}

// verdict runs one reference case and returns valid, invalid or error.
func verdict(t *testing.T, dir string, c referenceCase) (string, []validate.Finding) {
	opts, err := caseOptions(dir, c)
	if err != nil {
		return "error", nil
	}
	v, err := validate.New(opts...)
	if err != nil {
		return "error", nil
	}
	f, err := os.Open(filepath.Join(dir, c.File))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	findings, err := v.ValidateBundle(context.Background(), f)
	if err != nil {
		return "error", findings
	}
	if validate.HasErrors(findings) {
		return "invalid", findings
	}
	return "valid", findings
}

func TestReferenceValidatorCases(t *testing.T) {
	dir, cases := loadReferenceCases(t)
	total, agree := 0, 0
	var lines []string
	for _, c := range cases {
		if c.Options["version"] == "2.0" {
			continue // STIX 2.0 rules; this package checks STIX 2.1.
		}
		total++
		got, findings := verdict(t, dir, c)
		want := c.Expected
		ok := got == want || want == "error" && got == "invalid"
		if ok {
			agree++
			continue
		}
		var fs []string
		for _, f := range findings {
			if f.Severity == validate.SeverityError {
				fs = append(fs, f.Rule+" "+f.Pointer+": "+f.Message)
			}
		}
		lines = append(lines, fmt.Sprintf("%s want %s got %s %v %v %s\n    %s", c.ID, want, got,
			c.Options, c.Exercises, c.SourceTest, strings.Join(fs, "\n    ")))
	}
	sort.Strings(lines)
	for _, l := range lines {
		t.Log(l)
	}
	t.Logf("reference validator cases: %d/%d agree (%.1f%%)", agree, total,
		100*float64(agree)/float64(total))
}
