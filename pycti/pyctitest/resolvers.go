package pyctitest

import (
	"context"
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// rootFunc implements one root field or one field of an edit object.
type rootFunc func(ctx context.Context, rc *requestContext, f *gqlexec.Field) (any, error)

func errFunctional(msg string) *gqlerror.Error {
	return gqlexec.NewError("FUNCTIONAL_ERROR", msg, map[string]any{"http_status": 400, "genre": "BUSINESS"})
}

func errAuthRequired() *gqlerror.Error {
	return gqlexec.NewError("AUTH_REQUIRED", "You must be logged in to do this.",
		map[string]any{"http_status": 401, "genre": "TECHNICAL"})
}

func errForbidden() *gqlerror.Error {
	return gqlexec.NewError("FORBIDDEN_ACCESS", "You are not allowed to do this.",
		map[string]any{"http_status": 403, "genre": "TECHNICAL"})
}

func errUnsupported(field string) *gqlerror.Error {
	return gqlexec.NewError("UNSUPPORTED_ERROR",
		fmt.Sprintf("pyctitest does not implement %s: add a resolver for it", field),
		map[string]any{"http_status": 500, "genre": "BUSINESS"})
}

// defaultCaps are the capabilities checked when the schema carries no @auth
// directives (the SDK's schema subset drops them). A field needs one of
// them, and an empty list means any authenticated user. The entries copy
// the @auth directives of the OpenCTI 7.260817.0 schema for every root field
// of the SDK's subset, and for the edit fields this server implements.
var defaultCaps = map[string][]string{
	"Query.about": {}, "Query.me": {}, "Query.settings": {},
	"Query.connector": {CapModules}, "Query.connectors": {CapModules},
	"Query.work": {CapModules}, "Query.works": {CapModules},
	"Query.identities":                    {CapKnowledge, "INGESTION_SETINGESTIONS"},
	"Query.label":                         {CapKnowledge, "SETTINGS_SETLABELS"},
	"Query.labels":                        {CapKnowledge, "SETTINGS_SETLABELS"},
	"Query.markingDefinition":             {CapKnowledge, "SETTINGS_SETACCESSES", "SETTINGS_SETMARKINGS"},
	"Query.markingDefinitions":            {CapKnowledge, "SETTINGS_SETACCESSES", "SETTINGS_SETMARKINGS"},
	"Query.stixObjectOrStixRelationship":  {CapKnowledge, "EXPLORE"},
	"Query.stixObjectOrStixRelationships": {CapKnowledge, "EXPLORE"},

	"Mutation.registerConnector": {CapConnectorAPI}, "Mutation.pingConnector": {CapConnectorAPI},
	"Mutation.stixBundlePush": {CapConnectorAPI}, "Mutation.playbookStepExecution": {CapConnectorAPI},
	"Mutation.workAdd":  {CapConnectorAPI, CapModManage, "KNOWLEDGE_KNASKIMPORT", CapKnAskExport},
	"Mutation.workEdit": {CapConnectorAPI, CapModManage},
	"Mutation.labelAdd": {"SETTINGS_SETLABELS"}, "Mutation.labelEdit": {"SETTINGS_SETLABELS"},
	"Mutation.markingDefinitionAdd":         {"SETTINGS_SETMARKINGS"},
	"Mutation.markingDefinitionEdit":        {"SETTINGS_SETMARKINGS"},
	"Mutation.stixCoreRelationshipEdit":     {CapKnUpdate},
	"Mutation.stixSightingRelationshipEdit": {CapKnUpdate},
	"Mutation.stixDomainObjectEdit":         {}, "Mutation.stixCoreObjectEdit": {},
	"Mutation.stixCyberObservableEdit": {}, "Mutation.externalReferenceEdit": {},
	"Mutation.export": {CapConnectorAPI}, "Mutation.create": {CapKnUpdate},

	"edit.exportPush": {CapConnectorAPI}, "edit.fieldPatch": {CapKnUpdate},
	"edit.delete": {CapKnDelete},
	// On these objects the root field's capability covers the edits.
	"StixCoreRelationshipEditMutations.fieldPatch": {}, "StixCoreRelationshipEditMutations.delete": {},
	"StixSightingRelationshipEditMutations.fieldPatch": {}, "StixSightingRelationshipEditMutations.delete": {},
	"LabelEditMutations.fieldPatch": {}, "LabelEditMutations.delete": {},
	"MarkingDefinitionEditMutations.fieldPatch": {}, "MarkingDefinitionEditMutations.delete": {},
}

// rootAuthKey returns the defaultCaps key of a root field. Export pushes
// and creations missing from the table share one entry each.
func rootAuthKey(typeName, name string) string {
	key := typeName + "." + name
	if _, ok := defaultCaps[key]; ok || typeName != "Mutation" {
		return key
	}
	switch {
	case strings.HasSuffix(name, "ExportPush"):
		return "Mutation.export"
	case strings.HasSuffix(name, "Add"):
		return "Mutation.create"
	}
	return key
}

// editAuthKey returns the defaultCaps key of a field of an edit object.
// Most edit objects share one entry per field name.
func editAuthKey(parentType, name string) string {
	key := parentType + "." + name
	if _, ok := defaultCaps[key]; ok {
		return key
	}
	return "edit." + name
}

// defaultAuth returns the capabilities of a field without an @auth
// directive: its defaultCaps entry, or KNOWLEDGE for a root query field
// missing from the table.
func defaultAuth(key string, rootQuery bool) ([]string, bool) {
	caps, declared := defaultCaps[key]
	if !declared && rootQuery {
		return []string{CapKnowledge}, true
	}
	return caps, declared
}

// authorize checks the field's @auth directive, or the default table, for
// the request's user. Root fields always need an authenticated user.
func (s *Server) authorize(rc *requestContext, f *gqlexec.Field, key string, root bool) error {
	caps, declared := authDirective(f.Definition)
	if !declared {
		caps, declared = defaultAuth(key, root && f.ParentType == "Query")
	}
	if !declared && !root {
		return nil
	}
	if rc.user == nil {
		return errAuthRequired()
	}
	if len(caps) == 0 {
		return nil
	}
	for _, c := range caps {
		if rc.user.hasPrefix(c) {
			return nil
		}
	}
	return errForbidden()
}

// hasPrefix reports whether the user holds capability c or one below it
// (KNOWLEDGE_KNUPDATE implies KNOWLEDGE).
func (p *principal) hasPrefix(c string) bool {
	if p.has(c) {
		return true
	}
	for have := range p.caps {
		if strings.HasPrefix(have, c+"_") {
			return true
		}
	}
	return false
}

func authDirective(def *ast.FieldDefinition) ([]string, bool) {
	if def == nil {
		return nil, false
	}
	d := def.Directives.ForName("auth")
	if d == nil {
		return nil, false
	}
	var caps []string
	if arg := d.Arguments.ForName("for"); arg != nil && arg.Value != nil {
		for _, child := range arg.Value.Children {
			caps = append(caps, child.Value.Raw)
		}
	}
	return caps, true
}

// resolvers builds the executor's resolver table: every root field of the
// schema (an error resolver for those not implemented), the edit objects'
// fields and the computed entity fields.
func (s *Server) resolvers(schema *ast.Schema) map[string]gqlexec.Resolver {
	out := map[string]gqlexec.Resolver{}
	roots := map[string]map[string]rootFunc{"Query": s.queryRoots(), "Mutation": s.mutationRoots()}
	for typeName, impl := range roots {
		def := schema.Types[typeName]
		if def == nil {
			continue
		}
		for _, fd := range def.Fields {
			if strings.HasPrefix(fd.Name, "__") {
				continue
			}
			out[typeName+"."+fd.Name] = s.wrapRoot(typeName, fd.Name, impl[fd.Name])
		}
	}
	// Introspection is off on a production platform (its default setting),
	// so clients must not depend on it.
	for _, name := range []string{"__schema", "__type"} {
		out["Query."+name] = func(ctx context.Context, f *gqlexec.Field) (any, error) {
			if !s.cfg.introspection || name != "__type" || requestFrom(ctx).user == nil {
				return nil, gqlexec.NewError("FORBIDDEN_ACCESS", "GraphQL introspection not authorized!",
					map[string]any{"http_status": 403, "genre": "TECHNICAL"})
			}
			return introspectType(schema, schema.Types[strArg(f.Args, "name")]), nil
		}
	}
	out["Work.connector"] = s.workConnector
	for name, fn := range s.editFields() {
		out["*."+name] = s.wrapEdit(name, fn)
	}
	for name, fn := range s.entityFields() {
		out["*."+name] = fn
	}
	return out
}

func (s *Server) wrapRoot(typeName, name string, fn rootFunc) gqlexec.Resolver {
	key := rootAuthKey(typeName, name)
	return func(ctx context.Context, f *gqlexec.Field) (any, error) {
		rc := requestFrom(ctx)
		if err := s.authorize(rc, f, key, true); err != nil {
			return nil, err
		}
		if fn == nil {
			return nil, errUnsupported(key)
		}
		return fn(ctx, rc, f)
	}
}

// editTarget is the value of an xxxEdit(id) root field: the entity (or
// work) the nested mutation fields act on.
type editTarget struct {
	entity *entity
	work   *Work
	workID string
}

func (s *Server) wrapEdit(name string, fn rootFunc) gqlexec.Resolver {
	return func(ctx context.Context, f *gqlexec.Field) (any, error) {
		if _, ok := f.Parent.(*editTarget); !ok {
			v, _ := getField(f.Parent, name)
			return v, nil
		}
		rc := requestFrom(ctx)
		key := editAuthKey(f.ParentType, name)
		if err := s.authorize(rc, f, key, false); err != nil {
			return nil, err
		}
		return fn(ctx, rc, f)
	}
}

// getField reads a field from a parent value without resolver.
func getField(parent any, name string) (any, bool) {
	switch p := parent.(type) {
	case *entity:
		v, ok := p.fields[name]
		return v, ok
	case map[string]any:
		v, ok := p[name]
		return v, ok
	}
	return nil, false
}

// typeOfValue returns the GraphQL object type of a value.
func typeOfValue(v any) string {
	switch v := v.(type) {
	case *entity:
		return graphQLTypeName(v.entityType, v.kind)
	case map[string]any:
		s, _ := v["__typename"].(string)
		return s
	}
	return ""
}

// introspectType returns the __Type value of def: name, kind, fields and
// input fields with their types. It returns nil for an unknown type.
func introspectType(schema *ast.Schema, def *ast.Definition) any {
	if def == nil {
		return nil
	}
	v := map[string]any{"kind": string(def.Kind), "name": def.Name, "description": nil}
	var fields, inputs []any
	for _, f := range def.Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		entry := map[string]any{"name": f.Name, "description": nil, "args": []any{},
			"type": typeRef(schema, f.Type), "isDeprecated": false, "defaultValue": nil}
		if def.Kind == ast.InputObject {
			inputs = append(inputs, entry)
		} else {
			fields = append(fields, entry)
		}
	}
	if def.Kind == ast.InputObject {
		v["inputFields"] = inputs
	} else if def.Kind == ast.Object || def.Kind == ast.Interface {
		v["fields"] = fields
	}
	return v
}

func typeRef(schema *ast.Schema, t *ast.Type) map[string]any {
	switch {
	case t.NonNull:
		inner := *t
		inner.NonNull = false
		return map[string]any{"kind": "NON_NULL", "name": nil, "ofType": typeRef(schema, &inner)}
	case t.Elem != nil:
		return map[string]any{"kind": "LIST", "name": nil, "ofType": typeRef(schema, t.Elem)}
	}
	kind := "SCALAR"
	if d := schema.Types[t.NamedType]; d != nil {
		kind = string(d.Kind)
	}
	return map[string]any{"kind": kind, "name": t.NamedType, "ofType": nil}
}
