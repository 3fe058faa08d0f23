// Command validate-bundle checks a STIX 2.1 bundle file object by object
// and prints every finding, then a summary line.
//
// Usage:
//
//	validate-bundle [-strict] [-refs] FILE
//
// It reads the bundle with stix.BundleReader, one object at a time, and
// validates each object in a validate.Session, so memory stays bounded by
// the largest object whatever the size of the file. The exit status is 1
// when an object breaks a MUST rule of the specification (with -strict,
// any rule), 2 when the file cannot be read, and 0 otherwise.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"github.com/opencti-go/sdk/stix"
	"github.com/opencti-go/sdk/stix/validate"
)

func main() {
	strict := flag.Bool("strict", false, "report broken SHOULD rules as errors")
	refs := flag.Bool("refs", false,
		"report references to ids that are not in the bundle")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: validate-bundle [-strict] [-refs] FILE")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var opts []validate.Option
	if *strict {
		opts = append(opts, validate.WithStrict())
	}
	if *refs {
		opts = append(opts, validate.WithEnforceRefs())
	}
	sum, err := run(ctx, os.Stdout, flag.Arg(0), opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "validate-bundle:", err)
		os.Exit(2)
	}
	if sum.errors > 0 {
		os.Exit(1)
	}
}

// summary counts what run read and found.
type summary struct {
	bundleID string
	objects  int
	types    map[string]int // objects per STIX type
	errors   int            // findings of SeverityError
	warnings int            // findings of SeverityWarning
}

// run validates the bundle in the file at path and writes each finding to w
// as it is found, then one summary line. The error is non-nil only when the
// file cannot be read as a bundle. Findings are not errors.
func run(ctx context.Context, w io.Writer, path string, opts ...validate.Option) (summary, error) {
	sum := summary{types: map[string]int{}}
	v, err := validate.New(opts...)
	if err != nil {
		return sum, err
	}
	f, err := os.Open(path)
	if err != nil {
		return sum, err
	}
	defer f.Close()

	reader := stix.NewBundleReader(f)
	session := v.NewSession()
	for raw, err := range reader.RawObjects() {
		if err != nil && raw.Data == nil {
			// A read error or broken JSON ends the iteration. Such an error
			// comes without an element, and reader.Err returns it below.
			break
		}
		if err != nil {
			// An array element that is not a JSON object is reported, and
			// reading goes on.
			fmt.Fprintf(w, "error object %d: %v\n", raw.Index, err)
			sum.errors++
			continue
		}
		if ctx.Err() != nil {
			return sum, ctx.Err()
		}
		sum.objects++
		if objectType, _, err := raw.TypeAndID(); err == nil {
			sum.types[objectType]++
		}
		sum.print(w, session.Add(raw.Data))
	}
	if err := reader.Err(); err != nil {
		return sum, fmt.Errorf("read %s: %w", path, err)
	}
	sum.print(w, session.Finish())
	sum.bundleID = reader.ID()
	fmt.Fprintln(w, sum)
	return sum, nil
}

// print writes findings to w, one per line, and counts them.
func (sum *summary) print(w io.Writer, findings []validate.Finding) {
	for _, f := range findings {
		fmt.Fprintln(w, f)
		switch f.Severity {
		case validate.SeverityError:
			sum.errors++
		case validate.SeverityWarning:
			sum.warnings++
		}
	}
}

// String formats the summary as one line, such as
// "bundle--…: 3 objects (indicator 2, malware 1), 1 error, 0 warnings".
func (sum summary) String() string {
	name := sum.bundleID
	if name == "" {
		name = "objects"
	}
	types := make([]string, 0, len(sum.types))
	for _, t := range slices.Sorted(maps.Keys(sum.types)) {
		types = append(types, fmt.Sprintf("%s %d", t, sum.types[t]))
	}
	return fmt.Sprintf("%s: %s (%s), %s, %s", name, plural(sum.objects, "object"),
		strings.Join(types, ", "), plural(sum.errors, "error"), plural(sum.warnings, "warning"))
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
