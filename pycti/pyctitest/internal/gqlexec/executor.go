package gqlexec

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
)

// Resolver computes the value of one field. It returns a Go value that the
// executor completes against the field's type: nil, a scalar, a slice for a
// list, or any value for an object type. For abstract types, the executor
// calls Config.TypeOf on the value to pick the concrete type.
type Resolver func(ctx context.Context, f *Field) (any, error)

// Field is the input of a resolver: the parent value, the arguments and
// the position in the response.
type Field struct {
	Parent     any                  // value of the enclosing object
	ParentType string               // concrete type of Parent
	Name       string               // field name (not the alias)
	Args       map[string]any       // coerced arguments, defaults applied
	AST        *ast.Field           // the first field node of the merged group
	Definition *ast.FieldDefinition // schema definition of the field
	Path       ast.Path             // response path of the field
	Operation  *Operation           // the operation being executed
}

// Config wires an Executor to a schema and to the caller's resolvers.
type Config struct {
	// Schema is the schema every request is validated and executed against.
	Schema *ast.Schema
	// Resolvers maps "Type.field" to a resolver. A key naming an interface
	// applies to every implementation, and "*.field" to every type; the most
	// specific key wins.
	Resolvers map[string]Resolver
	// TypeOf returns the concrete object type name of a value returned for an
	// interface or union field, or "" when it cannot tell.
	TypeOf func(v any) string
	// Get reads a field without resolver from a parent value. When nil, only
	// map[string]any parents are read.
	Get func(parent any, name string) (any, bool)
}

// Executor validates and executes operations. It is safe for concurrent use
// once built; resolvers must be safe for concurrent use themselves.
type Executor struct {
	cfg   Config
	mu    sync.RWMutex
	cache map[string]*ast.QueryDocument
	rmu   sync.RWMutex
	rsolv map[string]Resolver
}

const maxCachedDocuments = 4096

// New returns an Executor for cfg. Schema must not be nil.
func New(cfg Config) (*Executor, error) {
	if cfg.Schema == nil {
		return nil, errors.New("gqlexec: nil schema: load one with gqlparser.LoadSchema")
	}
	if cfg.Get == nil {
		cfg.Get = func(parent any, name string) (any, bool) {
			m, ok := parent.(map[string]any)
			if !ok {
				return nil, false
			}
			v, ok := m[name]
			return v, ok
		}
	}
	return &Executor{cfg: cfg, cache: map[string]*ast.QueryDocument{}, rsolv: map[string]Resolver{}}, nil
}

// Schema returns the schema of the executor.
func (e *Executor) Schema() *ast.Schema { return e.cfg.Schema }

// Request is one GraphQL request as it arrives over HTTP.
type Request struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName,omitempty"`
	Variables     map[string]any `json:"variables,omitempty"`
}

// Operation is a parsed, validated operation with coerced variables.
type Operation struct {
	Document   *ast.QueryDocument
	Definition *ast.OperationDefinition
	Variables  map[string]any
}

// Name returns the operation name, or the root field names joined by "+"
// for an anonymous operation.
func (o *Operation) Name() string {
	if o.Definition.Name != "" {
		return o.Definition.Name
	}
	var names []string
	for _, sel := range o.Definition.SelectionSet {
		if f, ok := sel.(*ast.Field); ok {
			names = append(names, f.Name)
		}
	}
	return strings.Join(names, "+")
}

// Prepare parses and validates req.Query, selects the operation and coerces
// the variables. The returned errors carry extensions.code as Apollo Server
// sets it.
func (e *Executor) Prepare(req Request) (*Operation, gqlerror.List) {
	if strings.TrimSpace(req.Query) == "" {
		return nil, gqlerror.List{NewError(CodeBadRequest,
			"GraphQL operations must contain a non-empty `query`.", nil)}
	}
	doc, errs := e.document(req.Query)
	if errs != nil {
		return nil, errs
	}
	op, err := selectOperation(doc, req.OperationName)
	if err != nil {
		return nil, gqlerror.List{err}
	}
	vars, verr := validator.VariableValues(e.cfg.Schema, op, req.Variables)
	if verr != nil {
		var ge *gqlerror.Error
		if !errors.As(verr, &ge) {
			ge = &gqlerror.Error{Message: verr.Error()}
		}
		return nil, gqlerror.List{withCode(ge, CodeBadUserInput, "")}
	}
	return &Operation{Document: doc, Definition: op, Variables: vars}, nil
}

func (e *Executor) document(query string) (*ast.QueryDocument, gqlerror.List) {
	e.mu.RLock()
	doc, ok := e.cache[query]
	e.mu.RUnlock()
	if ok {
		return doc, nil
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		var ge *gqlerror.Error
		if !errors.As(err, &ge) {
			ge = &gqlerror.Error{Message: err.Error()}
		}
		return nil, gqlerror.List{withCode(ge, CodeParseFailed, "Syntax Error: ")}
	}
	if errs := validator.ValidateWithRules(e.cfg.Schema, doc, nil); len(errs) > 0 {
		out := make(gqlerror.List, len(errs))
		for i, ve := range errs {
			out[i] = withCode(ve, CodeValidationFailed, "")
		}
		return nil, out
	}
	e.mu.Lock()
	if len(e.cache) >= maxCachedDocuments {
		clear(e.cache)
	}
	e.cache[query] = doc
	e.mu.Unlock()
	return doc, nil
}

func selectOperation(doc *ast.QueryDocument, name string) (*ast.OperationDefinition, *gqlerror.Error) {
	if name != "" {
		if op := doc.Operations.ForName(name); op != nil {
			return op, nil
		}
		return nil, NewError(CodeOperationResolution,
			fmt.Sprintf("Unknown operation named %q.", name), nil)
	}
	switch len(doc.Operations) {
	case 1:
		return doc.Operations[0], nil
	case 0:
		return nil, NewError(CodeOperationResolution, "No operation found in the document.", nil)
	}
	return nil, NewError(CodeOperationResolution,
		"Must provide operation name if query contains multiple operations.", nil)
}

// Result is the outcome of one execution. Data is nil when a non-null root
// field failed.
type Result struct {
	Data   *Object       `json:"data"`
	Errors gqlerror.List `json:"errors,omitempty"`
}

// Execute runs op. Root mutation fields run one after the other, in
// document order, as the specification requires.
func (e *Executor) Execute(ctx context.Context, op *Operation) *Result {
	var root *ast.Definition
	switch op.Definition.Operation {
	case ast.Mutation:
		root = e.cfg.Schema.Mutation
	case ast.Subscription:
		return &Result{Errors: gqlerror.List{NewError(CodeBadRequest,
			"subscriptions are not supported over HTTP POST", nil)}}
	default:
		root = e.cfg.Schema.Query
	}
	st := &state{e: e, op: op}
	data, err := st.selectionSet(ctx, root, nil, op.Definition.SelectionSet, nil)
	if err != nil {
		data = nil
	}
	return &Result{Data: data, Errors: st.errs}
}

// errNull signals that a non-null position became null and the enclosing
// nullable position must become null too. The error is already reported.
var errNull = errors.New("null propagated to parent")

type state struct {
	e    *Executor
	op   *Operation
	emu  sync.Mutex
	errs gqlerror.List
}

func (s *state) report(err *gqlerror.Error) {
	s.emu.Lock()
	s.errs = append(s.errs, err)
	s.emu.Unlock()
}

func (s *state) resolver(typ *ast.Definition, field string) Resolver {
	key := typ.Name + "." + field
	s.e.rmu.RLock()
	r, ok := s.e.rsolv[key]
	s.e.rmu.RUnlock()
	if ok {
		return r
	}
	r = s.e.cfg.Resolvers[key]
	if r == nil {
		for _, iface := range s.interfacesOf(typ) {
			if r = s.e.cfg.Resolvers[iface+"."+field]; r != nil {
				break
			}
		}
	}
	if r == nil {
		r = s.e.cfg.Resolvers["*."+field]
	}
	s.e.rmu.Lock()
	s.e.rsolv[key] = r
	s.e.rmu.Unlock()
	return r
}

// interfacesOf lists the interfaces of typ, most specific first: those the
// type declares, in declaration order reversed, then those the schema
// records as implemented.
func (s *state) interfacesOf(typ *ast.Definition) []string {
	out := make([]string, 0, len(typ.Interfaces))
	for i := len(typ.Interfaces) - 1; i >= 0; i-- {
		out = append(out, typ.Interfaces[i])
	}
	for _, d := range s.e.cfg.Schema.GetImplements(typ) {
		out = append(out, d.Name)
	}
	return out
}

func (s *state) selectionSet(ctx context.Context, typ *ast.Definition, parent any,
	set ast.SelectionSet, path ast.Path) (*Object, error) {
	obj := &Object{}
	failed := false
	for _, g := range s.collect(typ, set, nil) {
		// Sibling fields still run after a failure, so that their errors
		// are reported too, as in a parallel execution.
		v, err := s.field(ctx, typ, parent, g, path)
		if err != nil {
			failed = true
			continue
		}
		obj.Set(g.key, v)
	}
	if failed {
		return nil, errNull
	}
	return obj, nil
}

type fieldGroup struct {
	key    string
	parent string // name of the type that declares the field
	fields []*ast.Field
}

func (s *state) collect(typ *ast.Definition, set ast.SelectionSet, groups []*fieldGroup) []*fieldGroup {
	for _, sel := range set {
		if !s.included(sel) {
			continue
		}
		switch sel := sel.(type) {
		case *ast.Field:
			key := sel.Alias
			if key == "" {
				key = sel.Name
			}
			groups = addToGroup(groups, key, sel)
		case *ast.InlineFragment:
			if sel.TypeCondition == "" || s.applies(typ, sel.TypeCondition) {
				groups = s.collect(typ, sel.SelectionSet, groups)
			}
		case *ast.FragmentSpread:
			def := s.op.Document.Fragments.ForName(sel.Name)
			if def != nil && s.applies(typ, def.TypeCondition) {
				groups = s.collect(typ, def.SelectionSet, groups)
			}
		}
	}
	return groups
}

func addToGroup(groups []*fieldGroup, key string, f *ast.Field) []*fieldGroup {
	for _, g := range groups {
		if g.key == key {
			g.fields = append(g.fields, f)
			return groups
		}
	}
	return append(groups, &fieldGroup{key: key, fields: []*ast.Field{f}})
}

func (s *state) included(sel ast.Selection) bool {
	var dirs ast.DirectiveList
	switch sel := sel.(type) {
	case *ast.Field:
		dirs = sel.Directives
	case *ast.InlineFragment:
		dirs = sel.Directives
	case *ast.FragmentSpread:
		dirs = sel.Directives
	}
	if d := dirs.ForName("skip"); d != nil && d.ArgumentMap(s.op.Variables)["if"] == true {
		return false
	}
	if d := dirs.ForName("include"); d != nil && d.ArgumentMap(s.op.Variables)["if"] != true {
		return false
	}
	return true
}

// applies reports whether a fragment with the type condition cond applies
// to an object of type typ.
func (s *state) applies(typ *ast.Definition, cond string) bool {
	if cond == typ.Name {
		return true
	}
	for _, d := range s.e.cfg.Schema.GetPossibleTypes(s.e.cfg.Schema.Types[cond]) {
		if d.Name == typ.Name {
			return true
		}
	}
	return false
}

func (s *state) field(ctx context.Context, typ *ast.Definition, parent any, g *fieldGroup,
	path ast.Path) (any, error) {
	f0 := g.fields[0]
	g.parent = typ.Name
	path = append(path[:len(path):len(path)], ast.PathName(g.key))
	if f0.Name == "__typename" {
		return typ.Name, nil
	}
	def := typ.Fields.ForName(f0.Name)
	if def == nil {
		s.report(fieldError(fmt.Errorf("field %s.%s is not in the schema", typ.Name, f0.Name), path, f0))
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		s.report(fieldError(err, path, f0))
		return nullFor(def.Type)
	}
	var val any
	if r := s.resolver(typ, f0.Name); r != nil {
		var err error
		val, err = r(ctx, &Field{Parent: parent, ParentType: typ.Name, Name: f0.Name,
			Args: f0.ArgumentMap(s.op.Variables), AST: f0, Definition: def, Path: path, Operation: s.op})
		if err != nil {
			s.report(fieldError(err, path, f0))
			return nullFor(def.Type)
		}
	} else if parent != nil {
		val, _ = s.e.cfg.Get(parent, f0.Name)
	}
	return s.complete(ctx, def.Type, g, val, path)
}

func nullFor(t *ast.Type) (any, error) {
	if t.NonNull {
		return nil, errNull
	}
	return nil, nil
}

func (s *state) complete(ctx context.Context, t *ast.Type, g *fieldGroup, val any,
	path ast.Path) (any, error) {
	v, err := s.completeNullable(ctx, t, g, val, path)
	if !t.NonNull {
		if err != nil {
			return nil, nil
		}
		return v, nil
	}
	if err != nil {
		return nil, errNull
	}
	if v == nil {
		s.report(fieldError(specError("Cannot return null for non-nullable field %s.%s.",
			g.parent, g.fields[0].Name), path, g.fields[0]))
		return nil, errNull
	}
	return v, nil
}

func (s *state) completeNullable(ctx context.Context, t *ast.Type, g *fieldGroup, val any,
	path ast.Path) (any, error) {
	if isNil(val) {
		return nil, nil
	}
	if t.Elem != nil {
		return s.completeList(ctx, t, g, val, path)
	}
	def := s.e.cfg.Schema.Types[t.NamedType]
	if def == nil {
		return nil, fmt.Errorf("type %s is not in the schema", t.NamedType)
	}
	switch def.Kind {
	case ast.Scalar:
		out, err := serializeScalar(def.Name, val)
		if err != nil {
			s.report(fieldError(err, path, g.fields[0]))
			return nil, errNull
		}
		return out, nil
	case ast.Enum:
		str := fmt.Sprint(val)
		if def.EnumValues.ForName(str) == nil {
			s.report(fieldError(specError("Enum %q cannot represent value: %q", def.Name, str),
				path, g.fields[0]))
			return nil, errNull
		}
		return str, nil
	case ast.Object:
		return s.subSelection(ctx, def, g, val, path)
	case ast.Interface, ast.Union:
		return s.completeAbstract(ctx, def, g, val, path)
	}
	return nil, fmt.Errorf("type %s of kind %s cannot be an output", def.Name, def.Kind)
}

func (s *state) completeList(ctx context.Context, t *ast.Type, g *fieldGroup, val any,
	path ast.Path) (any, error) {
	rv := reflect.ValueOf(val)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		s.report(fieldError(fmt.Errorf("expected a list for field %s, got %T",
			g.fields[0].Name, val), path, g.fields[0]))
		return nil, errNull
	}
	out := make([]any, rv.Len())
	for i := range out {
		v, err := s.complete(ctx, t.Elem, g, rv.Index(i).Interface(),
			append(path[:len(path):len(path)], ast.PathIndex(i)))
		if err != nil {
			return nil, errNull
		}
		out[i] = v
	}
	return out, nil
}

func (s *state) completeAbstract(ctx context.Context, def *ast.Definition, g *fieldGroup,
	val any, path ast.Path) (any, error) {
	name := ""
	if s.e.cfg.TypeOf != nil {
		name = s.e.cfg.TypeOf(val)
	}
	concrete := s.e.cfg.Schema.Types[name]
	if concrete == nil || !s.applies(concrete, def.Name) {
		s.report(fieldError(specError(
			"Abstract type %q must resolve to an Object type at runtime for field %q, got %q.",
			def.Name, g.fields[0].Name, name), path, g.fields[0]))
		return nil, errNull
	}
	return s.subSelection(ctx, concrete, g, val, path)
}

func (s *state) subSelection(ctx context.Context, def *ast.Definition, g *fieldGroup, val any,
	path ast.Path) (any, error) {
	var set ast.SelectionSet
	for _, f := range g.fields {
		set = append(set, f.SelectionSet...)
	}
	obj, err := s.selectionSet(ctx, def, val, set, path)
	if err != nil {
		return nil, err
	}
	return obj, nil
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func:
		return rv.IsNil()
	}
	return false
}

// specError returns an error with a message worded as graphql-js words it,
// so that clients see the messages a real server sends.
func specError(format string, args ...any) *gqlerror.Error {
	return &gqlerror.Error{Message: fmt.Sprintf(format, args...),
		Extensions: map[string]any{"code": CodeInternal}}
}
