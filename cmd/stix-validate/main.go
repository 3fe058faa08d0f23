// Command stix-validate checks STIX 2.1 JSON files against the schemas and
// the semantic rules of package stix/validate.
//
// Usage:
//
//	stix-validate [flags] path...
//
// Each path is a file, a folder (searched recursively for *.json files) or
// "-" for standard input. A file may hold a bundle, a JSON array of objects
// or a single object. Bundles and arrays are streamed, so memory is bounded
// by the largest object, not by the file. Run stix-validate -help for the
// flags.
//
// The exit status is 0 when every file is valid, and 1 when at least one
// file is invalid: an error finding, a warning with -strict, or malformed
// JSON. It is 2 for a usage error or a path that cannot be read, even when
// other files are invalid.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
