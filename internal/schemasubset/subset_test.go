package schemasubset

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// fullSDL is a small schema with the shapes the OpenCTI schema has: an
// interface that implements another, a union, nested inputs with defaults,
// enums, a custom scalar and types no operation uses.
const fullSDL = `
scalar DateTime
scalar Unused

enum Order { asc desc }
enum Color { red green }

interface Basic { id: ID! entity_type: String! }
interface Core implements Basic { id: ID! entity_type: String! created: DateTime }
interface Container implements Core & Basic {
  id: ID! entity_type: String! created: DateTime members(first: Int = 10): [Core]
}

type Malware implements Core & Basic { id: ID! entity_type: String! created: DateTime name: String family: Boolean }
type Report implements Container & Core & Basic {
  id: ID! entity_type: String! created: DateTime members(first: Int = 10): [Core] published: DateTime
}
type Label { value: String color: Color }
type Orphan { id: ID! note: String }
type Unrelated { id: ID! }

union Element = Malware | Label

input Filter { key: String! values: [String] mode: Order = asc }
input FilterGroup { mode: Order filters: [Filter!]! groups: [FilterGroup] }
input MalwareInput { name: String! family: Boolean = true created: DateTime }

type Query {
  core(id: ID!): Core
  elements(filters: FilterGroup, order: Order): [Element]
  unused: Unrelated
}
type Mutation {
  malwareAdd(input: MalwareInput!): Malware
}
`

func loadFull(t *testing.T) *ast.Schema {
	t.Helper()
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "full.graphql", Input: fullSDL})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const operations = `
query Core($id: ID!) {
  core(id: $id) {
    id
    ... on Malware { name }
    ... on Container { members { entity_type } }
  }
}
query Elements($filters: FilterGroup) {
  elements(filters: $filters) { ... on Label { value } }
}
mutation AddMalware($input: MalwareInput!) { malwareAdd(input: $input) { id } }
`

func build(t *testing.T, keep ...string) (string, *ast.Schema) {
	t.Helper()
	out, err := Build(loadFull(t), []*ast.Source{{Name: "ops.graphql", Input: operations}},
		Options{Keep: keep})
	if err != nil {
		t.Fatal(err)
	}
	subset, gerr := gqlparser.LoadSchema(&ast.Source{Name: "subset.graphql", Input: out})
	if gerr != nil {
		t.Fatalf("subset does not load: %v\n%s", gerr, out)
	}
	return out, subset
}

func fieldNames(def *ast.Definition) []string {
	var names []string
	for _, f := range def.Fields {
		names = append(names, f.Name)
	}
	return names
}

func TestSubsetValidatesOperations(t *testing.T) {
	_, subset := build(t)
	doc, err := parser.ParseQuery(&ast.Source{Input: operations})
	if err != nil {
		t.Fatal(err)
	}
	if errs := validator.ValidateWithRules(subset, doc, nil); len(errs) > 0 {
		t.Errorf("operations invalid against the subset: %v", errs)
	}
}

func TestSubsetInterfaces(t *testing.T) {
	out, subset := build(t)
	for _, line := range []string{"interface Core {", "interface Container {"} {
		if !strings.Contains(out, line) {
			t.Errorf("subset lacks %q (interfaces list no parent interfaces):\n%s", line, out)
		}
	}
	if got := subset.Types["Malware"].Interfaces; strings.Join(got, ",") != "Core" {
		t.Errorf("Malware implements %v, want [Core]: Basic has no selected field", got)
	}
	if got := subset.Types["Report"].Interfaces; strings.Join(got, ",") != "Container,Core" {
		t.Errorf("Report implements %v, want [Container Core]", got)
	}
	if subset.Types["Basic"] != nil {
		t.Error("interface Basic is kept although no operation selects through it")
	}
}

func TestSubsetInterfaceFieldsReachImplementations(t *testing.T) {
	_, subset := build(t)
	report := fieldNames(subset.Types["Report"])
	for _, want := range []string{"id", "members", "entity_type"} {
		if !strings.Contains(strings.Join(report, " "), want) {
			t.Errorf("Report fields = %v, want %s from its interfaces", report, want)
		}
	}
	if m := subset.Types["Report"].Fields.ForName("members"); m == nil ||
		m.Arguments.ForName("first") == nil || m.Arguments.ForName("first").DefaultValue == nil {
		t.Errorf("Report.members lost its argument or default: %v", m)
	}
	if subset.Types["Report"].Fields.ForName("published") != nil {
		t.Error("Report.published is kept although no operation selects it")
	}
	if subset.Types["Malware"].Fields.ForName("family") != nil {
		t.Error("Malware.family is kept although no operation selects it")
	}
}

func TestSubsetUnions(t *testing.T) {
	out, subset := build(t)
	if !strings.Contains(out, "union Element = Label | Malware") {
		t.Errorf("union not kept with sorted members:\n%s", out)
	}
	if f := subset.Types["Label"].Fields.ForName("value"); f == nil {
		t.Error("Label.value selected by a fragment is missing")
	}
	if subset.Types["Label"].Fields.ForName("color") != nil {
		t.Error("Label.color is kept although no operation selects it")
	}
}

func TestSubsetEmptyMemberGetsLeafField(t *testing.T) {
	full := loadFull(t)
	ops := `query E { elements { ... on Label { value } } }`
	out, err := Build(full, []*ast.Source{{Name: "e.graphql", Input: ops}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	subset, gerr := gqlparser.LoadSchema(&ast.Source{Input: out})
	if gerr != nil {
		t.Fatalf("subset does not load: %v\n%s", gerr, out)
	}
	if got := fieldNames(subset.Types["Malware"]); len(got) != 1 || got[0] != "id" {
		t.Errorf("unselected union member Malware has fields %v, want [id]", got)
	}
}

func TestSubsetInputsKeptWhole(t *testing.T) {
	out, subset := build(t)
	group := subset.Types["FilterGroup"]
	if got := strings.Join(fieldNames(group), ","); got != "mode,filters,groups" {
		t.Errorf("FilterGroup fields = %s", got)
	}
	if f := group.Fields.ForName("filters"); f.Type.String() != "[Filter!]!" {
		t.Errorf("FilterGroup.filters type = %s", f.Type)
	}
	if !strings.Contains(out, "mode: Order = asc") || !strings.Contains(out, "family: Boolean = true") {
		t.Errorf("input defaults lost:\n%s", out)
	}
	if subset.Types["Order"] == nil || subset.Types["DateTime"] == nil {
		t.Error("types used only by inputs are missing")
	}
	for _, unused := range []string{"Unused", "Unrelated", "Orphan", "Color"} {
		if subset.Types[unused] != nil {
			t.Errorf("unused type %s is kept", unused)
		}
	}
	if strings.Contains(out, "scalar String") || strings.Contains(out, "scalar ID") {
		t.Errorf("built-in scalars are printed:\n%s", out)
	}
}

func TestSubsetKeepList(t *testing.T) {
	_, subset := build(t, "Orphan", "Label.color", "Malware.family")
	if subset.Types["Orphan"] == nil {
		t.Fatal("kept type Orphan is missing")
	}
	if got := fieldNames(subset.Types["Orphan"]); len(got) != 1 || got[0] != "id" {
		t.Errorf("kept type Orphan has fields %v, want [id]", got)
	}
	if subset.Types["Label"].Fields.ForName("color") == nil || subset.Types["Color"] == nil {
		t.Error("kept field Label.color or its enum is missing")
	}
	if subset.Types["Malware"].Fields.ForName("family") == nil {
		t.Error("kept field Malware.family is missing")
	}
}

func TestSubsetRejectsBadInput(t *testing.T) {
	full := loadFull(t)
	ops := []*ast.Source{{Name: "ops.graphql", Input: operations}}
	for _, keep := range []string{"Missing", "Label.missing"} {
		if _, err := Build(full, ops, Options{Keep: []string{keep}}); err == nil ||
			!strings.Contains(err.Error(), keep) {
			t.Errorf("keep %q: err = %v, want an error naming it", keep, err)
		}
	}
	bad := []*ast.Source{{Name: "bad.graphql", Input: `query B { core(id: "x") { nope } }`}}
	if _, err := Build(full, bad, Options{}); err == nil || !strings.Contains(err.Error(), "bad.graphql") {
		t.Errorf("invalid operation: err = %v, want an error naming the file", err)
	}
}

func TestSubsetIsDeterministic(t *testing.T) {
	first, _ := build(t, "Orphan")
	for range 5 {
		if again, _ := build(t, "Orphan"); again != first {
			t.Fatalf("two builds differ:\n%s\n---\n%s", first, again)
		}
	}
}

func TestParseKeepList(t *testing.T) {
	got := ParseKeepList("# comment\n\nLabel.color\n  Orphan  \n#Other\n")
	if strings.Join(got, ",") != "Label.color,Orphan" {
		t.Errorf("ParseKeepList = %q", got)
	}
}
