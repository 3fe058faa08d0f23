package gqlexec

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// CheckResponse reports every place where data, the decoded "data" member
// of a response to op, differs from what the schema and the selection set
// allow: a missing or extra key, null in a non-null position, a value of the
// wrong JSON type, or an enum value the enum does not declare. Objects of
// an abstract type must match the fields collected for one of the possible
// concrete types. Data is typically the result of json.Unmarshal into any.
func CheckResponse(schema *ast.Schema, op *Operation, data any) error {
	c := &checker{schema: schema, op: op}
	root := schema.Query
	if op.Definition.Operation == ast.Mutation {
		root = schema.Mutation
	}
	c.object(root, op.Definition.SelectionSet, data, "data")
	if len(c.problems) == 0 {
		return nil
	}
	return fmt.Errorf("response does not conform to the schema:\n  %s",
		strings.Join(c.problems, "\n  "))
}

type checker struct {
	schema   *ast.Schema
	op       *Operation
	problems []string
}

func (c *checker) fail(path, format string, args ...any) {
	c.problems = append(c.problems, path+": "+fmt.Sprintf(format, args...))
}

func (c *checker) object(typ *ast.Definition, set ast.SelectionSet, v any, path string) {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(path, "expected an object of type %s, got %T", typ.Name, v)
		return
	}
	st := &state{e: &Executor{cfg: Config{Schema: c.schema}}, op: c.op}
	groups := st.collect(typ, set, nil)
	for _, g := range groups {
		val, present := m[g.key]
		if !present {
			c.fail(path, "missing key %q", g.key)
			continue
		}
		sub := path + "." + g.key
		if g.fields[0].Name == "__typename" {
			if val != typ.Name {
				c.fail(sub, "__typename is %v, expected %s", val, typ.Name)
			}
			continue
		}
		def := typ.Fields.ForName(g.fields[0].Name)
		if def == nil {
			c.fail(sub, "field %s is not declared on %s", g.fields[0].Name, typ.Name)
			continue
		}
		var set ast.SelectionSet
		for _, f := range g.fields {
			set = append(set, f.SelectionSet...)
		}
		c.value(def.Type, set, val, sub)
	}
	for k := range m {
		if !slices.ContainsFunc(groups, func(g *fieldGroup) bool { return g.key == k }) {
			c.fail(path, "unexpected key %q on %s", k, typ.Name)
		}
	}
}

func (c *checker) value(t *ast.Type, set ast.SelectionSet, v any, path string) {
	if v == nil {
		if t.NonNull {
			c.fail(path, "null in non-null position %s", t.String())
		}
		return
	}
	if t.Elem != nil {
		list, ok := v.([]any)
		if !ok {
			c.fail(path, "expected a list %s, got %T", t.String(), v)
			return
		}
		for i, item := range list {
			c.value(t.Elem, set, item, fmt.Sprintf("%s[%d]", path, i))
		}
		return
	}
	def := c.schema.Types[t.NamedType]
	switch def.Kind {
	case ast.Scalar:
		c.scalar(def.Name, v, path)
	case ast.Enum:
		s, ok := v.(string)
		if !ok || def.EnumValues.ForName(s) == nil {
			c.fail(path, "%v is not a value of enum %s", v, def.Name)
		}
	case ast.Object:
		c.object(def, set, v, path)
	case ast.Interface, ast.Union:
		c.abstract(def, set, v, path)
	}
}

// abstract accepts v when it conforms to at least one possible type; when
// v carries __typename, only that type is tried.
func (c *checker) abstract(def *ast.Definition, set ast.SelectionSet, v any, path string) {
	m, _ := v.(map[string]any)
	candidates := c.schema.GetPossibleTypes(def)
	if name, ok := m["__typename"].(string); ok {
		candidates = nil
		if d := c.schema.Types[name]; d != nil {
			candidates = []*ast.Definition{d}
		}
	}
	var first []string
	for _, cand := range candidates {
		sub := &checker{schema: c.schema, op: c.op}
		sub.object(cand, set, v, path)
		if len(sub.problems) == 0 {
			return
		}
		if first == nil {
			first = sub.problems
		}
	}
	c.fail(path, "matches no possible type of %s", def.Name)
	c.problems = append(c.problems, first...)
}

func (c *checker) scalar(name string, v any, path string) {
	switch name {
	case "Int":
		f, ok := numberOf(v)
		if !ok || f != math.Trunc(f) {
			c.fail(path, "%v is not an Int", v)
		}
	case "Float":
		if _, ok := numberOf(v); !ok {
			c.fail(path, "%v is not a Float", v)
		}
	case "String", "ID", "DateTime", "StixId", "StixRef":
		if _, ok := v.(string); !ok {
			c.fail(path, "%v (%T) is not a %s", v, v, name)
		}
	case "Boolean":
		if _, ok := v.(bool); !ok {
			c.fail(path, "%v is not a Boolean", v)
		}
	}
}

func numberOf(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return toFloat(v)
}
