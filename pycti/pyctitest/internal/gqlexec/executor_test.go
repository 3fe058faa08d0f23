package gqlexec

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

const testSchema = `
type Query { node(id: ID!): Node  nodes: [Node!]!  search: [Result]  strict: Pet!  broken: String }
interface Node { id: ID! }
type Pet implements Node { id: ID! name: String! tags: [String!] }
type Owner implements Node { id: ID! pets: [Pet] }
union Result = Pet | Owner
`

func newTestExecutor(t *testing.T) *Executor {
	t.Helper()
	schema, err := gqlparser.LoadSchema(&ast.Source{Input: testSchema})
	if err != nil {
		t.Fatal(err)
	}
	pet := map[string]any{"__typename": "Pet", "id": "p1", "name": "Rex", "tags": []string{"a"}}
	owner := map[string]any{"__typename": "Owner", "id": "o1", "pets": []any{pet, nil}}
	e, err := New(Config{Schema: schema, TypeOf: func(v any) string {
		m, _ := v.(map[string]any)
		s, _ := m["__typename"].(string)
		return s
	}, Resolvers: map[string]Resolver{
		"Query.node": func(_ context.Context, f *Field) (any, error) {
			if f.Args["id"] == "p1" {
				return pet, nil
			}
			return owner, nil
		},
		"Query.nodes":  func(context.Context, *Field) (any, error) { return []any{pet, owner}, nil },
		"Query.search": func(context.Context, *Field) (any, error) { return []any{owner, pet}, nil },
		"Query.strict": func(context.Context, *Field) (any, error) {
			return map[string]any{"__typename": "Pet", "id": "p2"}, nil
		},
		"Query.broken": func(context.Context, *Field) (any, error) { return nil, errors.New("boom") },
	}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func run(t *testing.T, e *Executor, query string, vars map[string]any) (string, *Result, *Operation) {
	t.Helper()
	op, errs := e.Prepare(Request{Query: query, Variables: vars})
	if errs != nil {
		t.Fatalf("prepare: %v", errs)
	}
	res := e.Execute(context.Background(), op)
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw), res, op
}

func TestExecuteFragmentsAliasesAndTypename(t *testing.T) {
	e := newTestExecutor(t)
	got, _, _ := run(t, e, `query Q($id: ID!) {
		first: node(id: $id) { __typename id ... on Pet { name } ...OwnerPets }
		search { ... on Pet { name } ... on Owner { id } }
	}
	fragment OwnerPets on Owner { pets { name } }`, map[string]any{"id": "o1"})
	want := `{"data":{"first":{"__typename":"Owner","id":"o1","pets":[{"name":"Rex"},null]},` +
		`"search":[{"id":"o1"},{"name":"Rex"}]}}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestExecuteSkipAndInclude(t *testing.T) {
	e := newTestExecutor(t)
	got, _, _ := run(t, e, `query Q($yes: Boolean!) { node(id: "p1") { id @skip(if: $yes) ... on Pet { name @include(if: $yes) } } }`,
		map[string]any{"yes": true})
	if want := `{"data":{"node":{"name":"Rex"}}}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestExecuteNullPropagation(t *testing.T) {
	e := newTestExecutor(t)
	got, res, _ := run(t, e, `{ strict { id name } broken }`, nil)
	if res.Data != nil {
		t.Errorf("data = %s, want null: strict is non-null and its name is missing", got)
	}
	if len(res.Errors) != 2 {
		t.Fatalf("errors = %v, want 2", res.Errors)
	}
	msgs := res.Errors[0].Message + " | " + res.Errors[1].Message
	if !strings.Contains(msgs, "Cannot return null for non-nullable field Pet.name.") ||
		!strings.Contains(msgs, "boom") {
		t.Errorf("messages = %s", msgs)
	}
	if p := res.Errors[0].Path.String(); p != "strict.name" && p != "broken" {
		t.Errorf("path = %s", p)
	}
}

func TestPrepareErrorCodes(t *testing.T) {
	e := newTestExecutor(t)
	cases := map[string]Request{
		CodeParseFailed:         {Query: `{ node(id: "x") `},
		CodeValidationFailed:    {Query: `{ node(id: "x") { nope } }`},
		CodeBadUserInput:        {Query: `query Q($id: ID!) { node(id: $id) { id } }`},
		CodeOperationResolution: {Query: `query A { nodes { id } } query B { nodes { id } }`},
		CodeBadRequest:          {Query: " "},
	}
	for want, req := range cases {
		_, errs := e.Prepare(req)
		if len(errs) == 0 || Code(errs[0]) != want {
			t.Errorf("%q: errors %v, want code %s", req.Query, errs, want)
		}
	}
}

func TestCheckResponseFindsProblems(t *testing.T) {
	e := newTestExecutor(t)
	_, _, op := run(t, e, `{ nodes { id ... on Pet { name tags } } }`, nil)
	good := map[string]any{"nodes": []any{
		map[string]any{"id": "p1", "name": "Rex", "tags": []any{"a"}},
		map[string]any{"id": "o1"}}}
	if err := CheckResponse(e.Schema(), op, good); err != nil {
		t.Errorf("valid response rejected: %v", err)
	}
	bad := []map[string]any{
		{"nodes": []any{map[string]any{"id": "p1", "name": nil, "tags": []any{"a"}}}},
		{"nodes": []any{map[string]any{"id": 3}}},
		{"nodes": []any{map[string]any{"id": "o1", "extra": true}}},
		{"nodes": nil},
	}
	for _, b := range bad {
		if err := CheckResponse(e.Schema(), op, b); err == nil {
			t.Errorf("response %v accepted, want a conformance error", b)
		}
	}
}
