// Command schemasubset writes schema.graphql: the part of the OpenCTI GraphQL
// schema that the SDK's operation files use, without descriptions or
// directives.
//
// Run it from the module root after changing an operation file:
//
//	go run ./internal/cmd/schemasubset -full ../shared/opencti/schema.graphql
//
// then run go generate ./... to regenerate the client.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/opencti-go/sdk/internal/schemasubset"
)

func main() {
	full := flag.String("full", "../shared/opencti/schema.graphql", "path of the platform's full schema (SDL)")
	ops := flag.String("operations", "pycti/operations/*.graphql", "glob of the operation files")
	keep := flag.String("keep", "internal/schemasubset/keep.txt", "file listing extra Type or Type.field entries to keep, one per line")
	out := flag.String("o", "schema.graphql", "output file")
	version := flag.String("version", "7.260817.0", "OpenCTI version of the full schema, written in the header")
	flag.Parse()
	if err := run(*full, *ops, *keep, *out, *version); err != nil {
		fmt.Fprintln(os.Stderr, "schemasubset:", err)
		os.Exit(1)
	}
}

func run(fullPath, opsGlob, keepPath, outPath, version string) error {
	sdl, err := os.ReadFile(fullPath)
	if err != nil {
		return err
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: fullPath, Input: string(sdl)})
	if gerr != nil {
		return fmt.Errorf("load %s: %w", fullPath, gerr)
	}
	files, err := filepath.Glob(opsGlob)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no operation files match %q", opsGlob)
	}
	sort.Strings(files)
	var docs []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		docs = append(docs, &ast.Source{Name: f, Input: string(b)})
	}
	var opts schemasubset.Options
	if b, err := os.ReadFile(keepPath); err == nil {
		opts.Keep = schemasubset.ParseKeepList(string(b))
	} else if !os.IsNotExist(err) {
		return err
	}
	body, err := schemasubset.Build(schema, docs, opts)
	if err != nil {
		return err
	}
	return os.WriteFile(outPath, []byte(schemasubset.Header(version)+body), 0o644)
}
