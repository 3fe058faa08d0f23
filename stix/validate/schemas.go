package validate

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// builtinSchemas holds one JSON Schema per STIX 2.1 type, written for this
// package from the STIX 2.1 specification, plus common.json with the shared
// definitions, core.json and cyber-observable-core.json for custom object
// types, and bundle.json for the bundle envelope.
//
//go:embed schemas/*.json
var builtinSchemas embed.FS

// localBase is the URL under which schema files without an $id are
// registered.
const localBase = "file:///stix-schemas/"

// schemaSet is a compiled set of schemas, one per object type. It is
// read-only after compileSchemas returns, so it is safe for concurrent use.
type schemaSet struct {
	byType map[string]*jsonschema.Schema
	// broken maps the names of user schemas that failed to load or compile
	// to the error. Only extra schema sets keep going past such a file.
	broken map[string]error
}

// compileSchemas registers every .json file of fsys under its $id (or under
// localBase plus its path when it has none) and compiles one schema per file
// name. The file name without .json is the STIX type the schema is for.
// core.json and cyber-observable-core.json are the fallbacks for types with
// no schema of their own.
func compileSchemas(fsys fs.FS, needCore bool) (*schemaSet, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	c.UseLoader(jsonschema.SchemeURLLoader{})
	registerFormats(c)
	urls := map[string]string{}
	files := map[string]string{}
	broken := map[string]error{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		name := strings.TrimSuffix(path.Base(p), ".json")
		if prev, dup := files[name]; dup {
			return fmt.Errorf("schemas %s and %s are both named %s.json: "+
				"pass a folder with one schema per type", prev, p, name)
		}
		url, err := addSchemaFile(c, fsys, p)
		if err != nil && !needCore {
			broken[name] = err
			return nil
		}
		if err != nil {
			return err
		}
		urls[name], files[name] = url, p
		return nil
	})
	if err != nil {
		return nil, err
	}
	set := &schemaSet{byType: make(map[string]*jsonschema.Schema, len(urls)), broken: broken}
	for name, url := range urls {
		sch, err := c.Compile(url)
		if err != nil && !needCore {
			broken[name] = fmt.Errorf("compile schema %s: %w", files[name], err)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", files[name], err)
		}
		set.byType[name] = sch
	}
	for _, name := range []string{"core", "cyber-observable-core"} {
		if needCore && set.byType[name] == nil {
			return nil, fmt.Errorf("schema set has no %s.json: it is needed for custom types",
				name)
		}
	}
	return set, nil
}

func addSchemaFile(c *jsonschema.Compiler, fsys fs.FS, p string) (string, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		return "", fmt.Errorf("read schema %s: %w", p, err)
	}
	url := localBase + p
	if m, ok := doc.(map[string]any); ok {
		if id, ok := m["$id"].(string); ok && id != "" {
			url = id
		}
	}
	if err := c.AddResource(url, doc); err != nil {
		return "", fmt.Errorf("add schema %s: %w", p, err)
	}
	return url, nil
}

// forObject picks the schema of the object's type. For a type without one
// it picks core.json when the object has created or modified (a custom SDO
// or SRO), and cyber-observable-core.json otherwise (a custom SCO).
func (s *schemaSet) forObject(typ string, obj map[string]any) *jsonschema.Schema {
	if sch := s.byType[typ]; sch != nil && typ != "core" && typ != "cyber-observable-core" &&
		typ != "common" {
		return sch
	}
	_, created := obj["created"]
	_, modified := obj["modified"]
	if created || modified {
		return s.byType["core"]
	}
	return s.byType["cyber-observable-core"]
}

// schemaFindings turns a validation error tree into findings, one per
// failed keyword. anyOf, oneOf and not count as one keyword each, with the
// reasons of their branches in the message. sch is the schema that
// instance was validated against. Messages quote values from instance.
func schemaFindings(err error, sch *jsonschema.Schema, instance any, add func(Finding)) {
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		add(Finding{Rule: RuleSchema, Severity: SeverityError, Message: err.Error(), Err: err})
		return
	}
	// parent is the instance location of the error that holds e among its
	// causes.
	var walk func(e *jsonschema.ValidationError, parent []string)
	walk = func(e *jsonschema.ValidationError, parent []string) {
		switch e.ErrorKind.(type) {
		case *kind.Schema, *kind.Group, *kind.Reference, *kind.AllOf:
			for _, c := range e.Causes {
				walk(c, e.InstanceLocation)
			}
			return
		}
		ptr := pointer(e.InstanceLocation...)
		if pn, ok := e.ErrorKind.(*kind.PropertyNames); ok {
			// jsonschema v6.0.3 stores the validator's location slice in a
			// propertyNames error without copying it, and a later sibling
			// property can overwrite it. The enclosing error holds a copy.
			ptr = pointer(parent...) + pointer(pn.Property)
		}
		if f, ok := e.ErrorKind.(*kind.Format); ok {
			if perr, ok := f.Err.(*propertyNamesError); ok {
				for i, name := range perr.names {
					add(Finding{Pointer: ptr + pointer(name), Rule: RuleSchema,
						Severity: SeverityError, Message: "invalid property name " +
							strconv.Quote(name) + ": " + perr.reasons[i],
						Err: &SchemaError{Pointer: ptr + pointer(name), Keyword: "format",
							SchemaURL: e.SchemaURL, Err: e}})
				}
				return
			}
		}
		serr := &SchemaError{Pointer: ptr, Keyword: strings.Join(e.ErrorKind.KeywordPath(), "/"),
			SchemaURL: e.SchemaURL, Err: e}
		add(Finding{Pointer: ptr, Rule: RuleSchema, Severity: SeverityError,
			Message: schemaMessage(e, sch, instance), Err: serr})
	}
	walk(verr, verr.InstanceLocation)
}
