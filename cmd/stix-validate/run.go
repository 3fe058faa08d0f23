package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/opencti-go/sdk/stix/validate"
)

// run is the whole command: it parses args, validates every input and
// returns the exit status. It reads stdin only for the path "-".
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseArgs(args)
	if errors.Is(err, flag.ErrHelp) {
		printUsage(stdout)
		return exitValid
	}
	if err != nil {
		fmt.Fprintf(stderr, "stix-validate: %v\nRun stix-validate -help for usage.\n", err)
		return exitFailure
	}
	if o.listRules {
		listRules(stdout)
		return exitValid
	}
	v, err := o.validator()
	if err != nil {
		fmt.Fprintf(stderr, "stix-validate: %v\n", err)
		if errors.Is(err, validate.ErrUnknownRule) {
			fmt.Fprintln(stderr, "Run stix-validate -list-rules for the rule names, codes and groups.")
		}
		return exitFailure
	}

	prog := newProgress(stderr)
	out := &console{w: bufio.NewWriter(stdout), prog: prog}
	var rep reporter = &textReporter{out: out}
	if o.jsonOutput {
		rep = &jsonReporter{out: out, strict: o.strict}
	}
	c := &checker{v: v, stdin: stdin, rep: rep, prog: prog}
	inputs := expand(o.paths)
	for i, in := range inputs {
		if ctx.Err() != nil {
			break
		}
		c.check(ctx, in, i+1, len(inputs))
	}
	rep.finish(c.total)
	return exitStatus(ctx, c.total, out.flush(), stderr)
}

// listRules prints every rule with its reference validator code, the
// severity of its findings and what it checks, then the rule groups.
func listRules(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tCODE\tSEVERITY\tCHECKS")
	for _, r := range validate.RuleInfos() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, r.Code, r.Severity, r.Description)
	}
	tw.Flush()
	fmt.Fprint(w, `
-enable and -disable take rule names, codes, and these groups of warning
rules: format-checks or 1 (codes 1xx), approved-values or 2 (codes 2xx),
all-vocabs or 210 (codes 211 to 245), all-external-sources or 270 (codes
271 to 277). -strict reports warnings as errors.
`)
}

// exitStatus reports why the command stops early, if it does, and returns
// its exit status.
func exitStatus(ctx context.Context, total totals, writeErr error, stderr io.Writer) int {
	switch {
	case writeErr != nil:
		fmt.Fprintf(stderr, "stix-validate: write results: %v\n", writeErr)
		return exitFailure
	case ctx.Err() != nil:
		fmt.Fprintf(stderr, "stix-validate: stopped: %v\n", context.Cause(ctx))
		return exitFailure
	case total.unreadable > 0:
		return exitFailure
	case total.invalid > 0:
		return exitInvalid
	}
	return exitValid
}

// input is one file to validate, or the error met while looking for files.
type input struct {
	path  string
	stdin bool
	err   error
}

// expand turns the paths of the command line into files: folders are
// searched recursively for *.json files, in lexical order.
func expand(paths []string) []input {
	var out []input
	for _, p := range paths {
		if p == "-" {
			out = append(out, input{path: "-", stdin: true})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			out = append(out, input{path: p, err: err})
			continue
		}
		if !info.IsDir() {
			out = append(out, input{path: p})
			continue
		}
		found := 0
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			switch {
			case err != nil:
				out = append(out, input{path: path, err: err})
			case !d.IsDir() && strings.EqualFold(filepath.Ext(path), ".json"):
				out = append(out, input{path: path})
				found++
			}
			return nil
		})
		if err == nil && found == 0 {
			err = errors.New("no .json file found in folder " + p)
		}
		if err != nil {
			out = append(out, input{path: p, err: err})
		}
	}
	return out
}

// fileResult counts the findings of one file.
type fileResult struct {
	errors, warnings, infos int
	readErr                 error
}

func (r fileResult) status() string {
	switch {
	case r.readErr != nil:
		return "unreadable"
	case r.errors > 0:
		return "invalid"
	}
	return "valid"
}

// totals counts files by status and findings by severity.
type totals struct {
	valid, invalid, unreadable int
	errors, warnings, infos    int
}

func (t *totals) add(r fileResult) {
	switch r.status() {
	case "unreadable":
		t.unreadable++
	case "invalid":
		t.invalid++
	default:
		t.valid++
	}
	t.errors += r.errors
	t.warnings += r.warnings
	t.infos += r.infos
}

func (t totals) status() string {
	switch {
	case t.unreadable > 0:
		return "unreadable"
	case t.invalid > 0:
		return "invalid"
	}
	return "valid"
}

// checker validates inputs one after the other.
type checker struct {
	v     *validate.Validator
	stdin io.Reader
	rep   reporter
	prog  *progress
	total totals
}

// check validates one input, reporting its findings as they come.
func (c *checker) check(ctx context.Context, in input, n, of int) {
	c.rep.beginFile(in.path)
	res := c.validate(ctx, in, n, of)
	c.prog.clear()
	c.rep.endFile(in.path, res)
	c.total.add(res)
}

func (c *checker) validate(ctx context.Context, in input, n, of int) fileResult {
	var res fileResult
	if in.err != nil {
		res.readErr = in.err
		return res
	}
	r := c.stdin
	var size int64 = -1
	if !in.stdin {
		f, err := os.Open(in.path)
		if err != nil {
			res.readErr = err
			return res
		}
		defer f.Close()
		if info, err := f.Stat(); err == nil {
			size = info.Size()
		}
		r = f
	}
	r = c.prog.track(r, in.path, n, of, size)
	for f, err := range c.v.BundleFindings(ctx, r) {
		if err != nil {
			res.readErr = err
			break
		}
		switch f.Severity {
		case validate.SeverityError:
			res.errors++
		case validate.SeverityWarning:
			res.warnings++
		default:
			res.infos++
		}
		c.rep.finding(f)
	}
	return res
}
