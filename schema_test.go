package sdk_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/opencti-go/sdk"
	"github.com/opencti-go/sdk/internal/schemasubset"
	"github.com/opencti-go/sdk/internal/testenv"
)

func loadFullSchema(t *testing.T) *ast.Schema {
	t.Helper()
	path := testenv.SharedDir(t, "opencti", "schema.graphql")
	sdl, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: path, Input: string(sdl)})
	if gerr != nil {
		t.Fatalf("load platform schema: %v", gerr)
	}
	return schema
}

func operationSources(t *testing.T) []*ast.Source {
	t.Helper()
	files, err := filepath.Glob("pycti/operations/*.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no operation files found under pycti/operations")
	}
	var docs []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, &ast.Source{Name: f, Input: string(b)})
	}
	return docs
}

func TestOperationsValidAgainstPlatformSchema(t *testing.T) {
	full := loadFullSchema(t)
	for _, src := range operationSources(t) {
		doc, errs := gqlparser.LoadQueryWithRules(full, src.Input, nil)
		if len(errs) > 0 {
			t.Errorf("%s: invalid against the platform schema: %v", src.Name, errs)
			continue
		}
		if len(doc.Operations) == 0 {
			t.Errorf("%s: holds no operation", src.Name)
		}
	}
}

func TestOperationsValidAgainstEmbeddedSchema(t *testing.T) {
	schema, gerr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: sdk.SchemaGraphQL})
	if gerr != nil {
		t.Fatalf("load schema.graphql: %v", gerr)
	}
	for _, src := range operationSources(t) {
		doc, err := parser.ParseQuery(src)
		if err != nil {
			t.Errorf("%s: %v", src.Name, err)
			continue
		}
		if errs := validator.ValidateWithRules(schema, doc, nil); len(errs) > 0 {
			t.Errorf("%s: invalid against schema.graphql: %v", src.Name, errs)
		}
	}
}

func TestSchemaSubsetUpToDate(t *testing.T) {
	full := loadFullSchema(t)
	var opts schemasubset.Options
	keep, err := os.ReadFile("internal/schemasubset/keep.txt")
	if err == nil {
		opts.Keep = schemasubset.ParseKeepList(string(keep))
	} else if !os.IsNotExist(err) {
		t.Fatal(err)
	}
	body, err := schemasubset.Build(full, operationSources(t), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := schemasubset.Header("7.260817.0") + body
	if sdk.SchemaGraphQL != want {
		t.Error("schema.graphql differs from the subset derived from the operation files; " +
			"regenerate it with: go run ./internal/cmd/schemasubset")
	}
}
