package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/opencti-go/sdk/stix/validate"
)

// Exit statuses.
const (
	exitValid   = 0
	exitInvalid = 1
	exitFailure = 2 // usage error, unreadable path, failed write
)

const usageText = `Usage: stix-validate [flags] path...

Checks STIX 2.1 JSON (bundles, arrays of objects and single objects)
against the JSON schema of each object's type and the rules of the
specification. Each path is a file, a folder (searched recursively for
*.json files) or - for standard input. Flags may come before or after the
paths; -- ends the flags.

Exit status: 0 if every file is valid, 1 if any file is invalid (malformed
JSON included), 2 for a usage error or a path that cannot be read.

Flags:
`

// options holds the parsed command line.
type options struct {
	strict           bool
	jsonOutput       bool
	enforceRefs      bool
	interop          bool
	strictTypes      bool
	strictProperties bool
	listRules        bool
	schemas          string
	extraSchemas     string
	enable           ruleList
	disable          ruleList
	paths            []string
}

// ruleList is a flag taking comma-separated rule names, which may be given
// several times.
type ruleList []string

func (l *ruleList) String() string { return strings.Join(*l, ",") }

func (l *ruleList) Set(s string) error {
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			return fmt.Errorf("empty rule name in %q: separate names with commas, "+
				"such as custom-prefix,103", s)
		}
		*l = append(*l, name)
	}
	return nil
}

func newFlagSet(o *options) *flag.FlagSet {
	set := flag.NewFlagSet("stix-validate", flag.ContinueOnError)
	set.SetOutput(io.Discard)
	set.BoolVar(&o.strict, "strict", false,
		"report warnings (broken SHOULD rules) as errors, so that they make a file invalid")
	set.BoolVar(&o.jsonOutput, "json", false,
		"write one JSON document with the findings of every file to standard output,\n"+
			"instead of text")
	set.StringVar(&o.schemas, "schemas", "",
		"replace the built-in schemas with the *.json schemas in `DIR`, one per STIX\n"+
			"type, such as the schemas/ folder of oasis-open/cti-stix2-json-schemas")
	set.StringVar(&o.extraSchemas, "extra-schemas", "",
		"also check each object against `DIR`/<type>.json and against\n"+
			"DIR/<extension-definition id>.json for each of its extensions, when they exist")
	set.Var(&o.enable, "enable",
		"comma-separated `RULES` (names or reference check codes) to run; without\n"+
			"-disable, only these SHOULD rules run. May be repeated")
	set.Var(&o.disable, "disable",
		"comma-separated `RULES` (names or reference check codes) to turn off.\n"+
			"May be repeated")
	set.BoolVar(&o.enforceRefs, "enforce-refs", false,
		"report references of relationships, sightings and containers to ids that\n"+
			"are not in the same bundle")
	set.BoolVar(&o.interop, "interop", false,
		"apply the profile of the STIX 2.1 interoperability test documents, which is\n"+
			"not part of STIX 2.1: SDOs and SROs need created_by_ref and some properties\n"+
			"of their type and list at most one TLP marking, and in a bundle their\n"+
			"created_by_ref names an identity of the bundle that has created_by_ref itself")
	set.BoolVar(&o.strictTypes, "strict-types", false,
		"report objects of custom types as errors")
	set.BoolVar(&o.strictProperties, "strict-properties", false,
		"report properties that STIX 2.1 does not define as errors")
	set.BoolVar(&o.listRules, "list-rules", false,
		"print every rule for -enable and -disable, with its code, severity and\nwhat it checks, and exit")
	return set
}

// printUsage writes the help text.
func printUsage(w io.Writer) {
	set := newFlagSet(&options{})
	set.SetOutput(w)
	fmt.Fprint(w, usageText)
	set.PrintDefaults()
}

// parseArgs reads the command line. Flags may follow paths, as in
// "stix-validate bundle.json -json"; everything after "--" is a path. It
// returns flag.ErrHelp for -h and -help.
func parseArgs(args []string) (*options, error) {
	o := &options{}
	set := newFlagSet(o)
	rest := args
	for len(rest) > 0 {
		before := rest
		if err := set.Parse(rest); err != nil {
			return nil, err
		}
		rest = set.Args()
		if consumed := len(before) - len(rest); consumed > 0 && before[consumed-1] == "--" {
			o.paths = append(o.paths, rest...)
			break
		}
		if len(rest) > 0 {
			o.paths = append(o.paths, rest[0])
			rest = rest[1:]
		}
	}
	if len(o.paths) == 0 && !o.listRules {
		return nil, errors.New("no input: give files, folders, or - for standard input")
	}
	stdin := 0
	for _, p := range o.paths {
		if p == "-" {
			stdin++
		}
	}
	if stdin > 1 {
		return nil, errors.New("- (standard input) is given more than once")
	}
	return o, nil
}

// validator builds the Validator the options describe.
func (o *options) validator() (*validate.Validator, error) {
	var opts []validate.Option
	if o.strict {
		opts = append(opts, validate.WithStrict())
	}
	if o.enforceRefs {
		opts = append(opts, validate.WithEnforceRefs())
	}
	if o.interop {
		opts = append(opts, validate.WithInterop())
	}
	if o.strictTypes {
		opts = append(opts, validate.WithStrictTypes())
	}
	if o.strictProperties {
		opts = append(opts, validate.WithStrictProperties())
	}
	if len(o.enable) > 0 {
		opts = append(opts, validate.WithEnable(o.enable...))
	}
	if len(o.disable) > 0 {
		opts = append(opts, validate.WithDisable(o.disable...))
	}
	for _, dir := range []struct {
		flag, path string
		option     func(fsys fs.FS) validate.Option
	}{
		{"-schemas", o.schemas, validate.WithSchemas},
		{"-extra-schemas", o.extraSchemas, validate.WithExtraSchemas},
	} {
		if dir.path == "" {
			continue
		}
		info, err := os.Stat(dir.path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir.flag, err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("%s %s: not a directory", dir.flag, dir.path)
		}
		opts = append(opts, dir.option(os.DirFS(dir.path)))
	}
	return validate.New(opts...)
}
