package pyctitest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/opencti-go/sdk/internal/testenv"
)

// TestSDKOperationsConform runs every operation of pycti/operations against
// a server on the SDK's own schema, with generated variables, and checks
// that each response has no error and conforms to the schema's types.
func TestSDKOperationsConform(t *testing.T) {
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seedFixtureFile(t, s, "platform-025.json")
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(t), "pycti", "operations", "*.graphql"))
	if len(files) == 0 {
		t.Fatal("no operation files found")
	}
	// Registration first, so that connector and work ids exist.
	gen := &varGen{s: s, schema: s.exec.Schema(), connector: "c-ops"}
	r := gql(t, s, s.AdminToken(), "", registerMutation, registerInput("c-ops"))
	mustNoErrors(t, r)
	w := s.newWorkLocked("c-ops")
	gen.work = w
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: string(data)})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, op := range doc.Operations {
			t.Run(op.Name, func(t *testing.T) {
				vars := map[string]any{}
				gen.root = op.SelectionSet[0].(*ast.Field).Name
				for _, v := range op.VariableDefinitions {
					vars[v.Variable] = gen.value(v.Variable, v.Type)
				}
				res := gqlNamed(t, s, s.AdminToken(), "", string(data), op.Name, vars)
				if len(res.Errors) > 0 {
					t.Errorf("%s: %s", op.Name, res.Raw)
				}
			})
		}
	}
}

func (s *Server) newWorkLocked(connectorID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newWork(connectorID, "ops", AdminID, "").ID
}

// varGen makes variable values: known ids by name, and minimal values of
// the declared type otherwise.
type varGen struct {
	s         *Server
	schema    *ast.Schema
	connector string
	work      string
	root      string // first root field of the operation
}

func (g *varGen) value(name string, t *ast.Type) any {
	if t.Elem != nil {
		return []any{g.value(name, t.Elem)}
	}
	switch {
	case name == "id" && strings.HasPrefix(g.root, "work"):
		return g.work
	case name == "id" && strings.Contains(strings.ToLower(g.root), "connector"):
		return g.connector
	case name == "connectorId":
		return g.connector
	case name == "first":
		return 2
	case name == "state":
		return `{"cursor": 1}`
	case name == "after" || name == "filters" || name == "search":
		return nil
	}
	def := g.schema.Types[t.NamedType]
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[len(def.EnumValues)-1].Name
	case ast.InputObject:
		obj := map[string]any{}
		for _, f := range def.Fields {
			if f.Type.NonNull || f.Name == "id" || f.Name == "name" {
				obj[f.Name] = g.value(f.Name, f.Type)
			}
		}
		if _, ok := obj["id"]; ok {
			obj["id"] = g.connector
		}
		return obj
	}
	switch t.NamedType {
	case "Int":
		return 1
	case "Float":
		return 1.5
	case "Boolean":
		return false
	}
	return "pyctitest"
}
