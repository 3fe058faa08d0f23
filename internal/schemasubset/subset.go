// Package schemasubset derives the part of a GraphQL schema that a set of
// operations uses, and prints it as SDL without descriptions or directives.
//
// The SDK keeps such a subset of the OpenCTI schema as schema.graphql: genqlient
// generates the client from it, and pycti/pyctitest validates every request
// against it. Deriving it from the operations keeps it exact: a field is in the
// subset because an operation selects it, or because a kept interface
// declares it.
package schemasubset

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// Options lists what to keep beyond what the operations select.
type Options struct {
	// Keep names extra fields as "Type.field" and extra types as "Type".
	Keep []string
}

// Build validates every operation document against full and returns the
// subset schema as SDL. Each document's name is used in error messages.
func Build(full *ast.Schema, docs []*ast.Source, opts Options) (string, error) {
	b := &builder{
		full:   full,
		types:  map[string]bool{},
		fields: map[string]map[string]bool{},
	}
	for _, src := range docs {
		doc, err := parseAndValidate(full, src)
		if err != nil {
			return "", fmt.Errorf("operation file %s is invalid against the full schema: %w", src.Name, err)
		}
		b.walkDocument(doc)
	}
	for _, k := range opts.Keep {
		typeName, fieldName, hasField := strings.Cut(k, ".")
		def := full.Types[typeName]
		if def == nil {
			return "", fmt.Errorf("keep entry %q: type %s not found in the full schema", k, typeName)
		}
		if hasField {
			if def.Fields.ForName(fieldName) == nil {
				return "", fmt.Errorf("keep entry %q: field %s not found on type %s", k, fieldName, typeName)
			}
			b.useField(def, fieldName)
		} else {
			b.useType(typeName)
		}
	}
	b.closeOver()
	b.fillEmptyTypes()
	b.closeOver()
	return b.print(), nil
}

func parseAndValidate(schema *ast.Schema, src *ast.Source) (*ast.QueryDocument, error) {
	doc, err := parseQuery(src)
	if err != nil {
		return nil, err
	}
	if errs := validator.ValidateWithRules(schema, doc, nil); len(errs) > 0 {
		return nil, errs
	}
	return doc, nil
}

type builder struct {
	full   *ast.Schema
	types  map[string]bool
	fields map[string]map[string]bool // type name -> selected field names
}

func (b *builder) useType(name string) {
	if b.types[name] {
		return
	}
	def := b.full.Types[name]
	if def == nil || def.BuiltIn && def.Kind == ast.Scalar && isBuiltinScalar(name) {
		return
	}
	b.types[name] = true
	switch def.Kind {
	case ast.InputObject:
		// Inputs are kept whole, so variables built from the real schema validate.
		for _, f := range def.Fields {
			b.useType(f.Type.Name())
		}
	case ast.Union:
		for _, member := range def.Types {
			b.useType(member)
		}
	case ast.Interface:
		for _, impl := range b.full.PossibleTypes[name] {
			b.useType(impl.Name)
		}
	}
}

func isBuiltinScalar(name string) bool {
	switch name {
	case "String", "Int", "Float", "Boolean", "ID":
		return true
	}
	return false
}

func (b *builder) useField(parent *ast.Definition, name string) {
	// Introspection types and fields are built into every schema.
	if strings.HasPrefix(name, "__") || strings.HasPrefix(parent.Name, "__") {
		return
	}
	b.useType(parent.Name)
	if b.fields[parent.Name] == nil {
		b.fields[parent.Name] = map[string]bool{}
	}
	b.fields[parent.Name][name] = true
	fd := parent.Fields.ForName(name)
	b.useType(fd.Type.Name())
	for _, arg := range fd.Arguments {
		b.useType(arg.Type.Name())
	}
}

func (b *builder) walkDocument(doc *ast.QueryDocument) {
	for _, op := range doc.Operations {
		b.walkSelections(op.SelectionSet)
	}
	for _, frag := range doc.Fragments {
		b.useType(frag.TypeCondition)
		b.walkSelections(frag.SelectionSet)
	}
}

func (b *builder) walkSelections(set ast.SelectionSet) {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.ObjectDefinition != nil && s.Definition != nil {
				b.useField(s.ObjectDefinition, s.Name)
			}
			b.walkSelections(s.SelectionSet)
		case *ast.InlineFragment:
			if s.TypeCondition != "" {
				b.useType(s.TypeCondition)
			}
			b.walkSelections(s.SelectionSet)
		case *ast.FragmentSpread:
			// The fragment definition itself is walked once by walkDocument.
		}
	}
}

// closeOver adds, until nothing changes, the fields that a kept type must
// declare because a kept interface it implements declares them.
func (b *builder) closeOver() {
	for changed := true; changed; {
		changed = false
		for name := range b.types {
			def := b.full.Types[name]
			if def.Kind != ast.Object && def.Kind != ast.Interface {
				continue
			}
			for _, iface := range def.Interfaces {
				if !b.types[iface] {
					continue
				}
				for field := range b.fields[iface] {
					if !b.fields[name][field] {
						b.useField(def, field)
						changed = true
					}
				}
			}
			// An interface's fields go down to every kept implementation.
			if def.Kind == ast.Interface {
				for _, impl := range b.full.PossibleTypes[name] {
					for field := range b.fields[name] {
						if !b.fields[impl.Name][field] {
							b.useField(impl, field)
							changed = true
						}
					}
				}
			}
		}
	}
}

// fillEmptyTypes gives every kept object or interface type that no
// operation selects a field of (a union member that no fragment names, for
// example) one leaf field, because SDL does not allow a type without fields.
// The field is id when the type has one, else its first leaf field without
// required arguments.
func (b *builder) fillEmptyTypes() {
	for name := range b.types {
		def := b.full.Types[name]
		if def.Kind != ast.Object && def.Kind != ast.Interface || len(b.fields[name]) > 0 {
			continue
		}
		if f := b.leafField(def); f != "" {
			b.useField(def, f)
		}
	}
}

func (b *builder) leafField(def *ast.Definition) string {
	if def.Fields.ForName("id") != nil {
		return "id"
	}
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") || hasRequiredArgument(f) {
			continue
		}
		if t := b.full.Types[f.Type.Name()]; t != nil && (t.Kind == ast.Scalar || t.Kind == ast.Enum) {
			return f.Name
		}
	}
	return ""
}

func hasRequiredArgument(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

func (b *builder) print() string {
	var defs []*ast.Definition
	for name := range b.types {
		defs = append(defs, b.full.Types[name])
	}
	slices.SortFunc(defs, func(x, y *ast.Definition) int {
		if c := cmp.Compare(kindOrder(x.Kind), kindOrder(y.Kind)); c != 0 {
			return c
		}
		return cmp.Compare(x.Name, y.Name)
	})
	var sb strings.Builder
	for _, def := range defs {
		b.printDefinition(&sb, def)
	}
	return sb.String()
}

func kindOrder(k ast.DefinitionKind) int {
	return slices.Index([]ast.DefinitionKind{
		ast.Scalar, ast.Enum, ast.InputObject, ast.Interface, ast.Union, ast.Object,
	}, k)
}

func (b *builder) printDefinition(sb *strings.Builder, def *ast.Definition) {
	switch def.Kind {
	case ast.Scalar:
		fmt.Fprintf(sb, "scalar %s\n\n", def.Name)
	case ast.Enum:
		fmt.Fprintf(sb, "enum %s {\n", def.Name)
		for _, v := range def.EnumValues {
			fmt.Fprintf(sb, "  %s\n", v.Name)
		}
		sb.WriteString("}\n\n")
	case ast.Union:
		members := slices.Clone(def.Types)
		slices.Sort(members)
		fmt.Fprintf(sb, "union %s = %s\n\n", def.Name, strings.Join(members, " | "))
	case ast.InputObject:
		fmt.Fprintf(sb, "input %s {\n", def.Name)
		for _, f := range def.Fields {
			fmt.Fprintf(sb, "  %s: %s%s\n", f.Name, f.Type.String(), defaultSuffix(f.DefaultValue))
		}
		sb.WriteString("}\n\n")
	case ast.Object, ast.Interface:
		keyword := "type"
		if def.Kind == ast.Interface {
			keyword = "interface"
		}
		fmt.Fprintf(sb, "%s %s%s {\n", keyword, def.Name, b.implementsClause(def))
		for _, f := range def.Fields {
			if !b.fields[def.Name][f.Name] {
				continue
			}
			fmt.Fprintf(sb, "  %s%s: %s\n", f.Name, arguments(f.Arguments), f.Type.String())
		}
		sb.WriteString("}\n\n")
	}
}

// implementsClause lists the kept interfaces of an object type. Interfaces
// get none: genqlient v0.8.1 rejects an interface that implements another
// (OpenCTI's Case and ThreatActor do).
func (b *builder) implementsClause(def *ast.Definition) string {
	if def.Kind == ast.Interface {
		return ""
	}
	var kept []string
	for _, iface := range def.Interfaces {
		if b.types[iface] {
			kept = append(kept, iface)
		}
	}
	if len(kept) == 0 {
		return ""
	}
	return " implements " + strings.Join(kept, " & ")
}

func arguments(args ast.ArgumentDefinitionList) string {
	if len(args) == 0 {
		return ""
	}
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = a.Name + ": " + a.Type.String() + defaultSuffix(a.DefaultValue)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func defaultSuffix(v *ast.Value) string {
	if v == nil {
		return ""
	}
	return " = " + v.String()
}

// Header returns the comment block written at the top of schema.graphql.
func Header(version string) string {
	return "# Subset of the OpenCTI " + version + " GraphQL schema used by this SDK.\n" +
		"# Code generated by internal/cmd/schemasubset from the platform's schema and\n" +
		"# pycti/operations/*.graphql. DO NOT EDIT.\n" +
		"# Type, field and argument names and types are the platform's; descriptions\n" +
		"# and directives are left out, and interfaces list no parent interfaces\n" +
		"# because genqlient v0.8.1 rejects them.\n\n"
}
