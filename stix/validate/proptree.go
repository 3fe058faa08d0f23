package validate

import (
	"encoding/json"
	"strings"
	"sync"
)

// propNode lists the properties the specification defines at one level of
// an object. A nil props map means "not a structured object" (a dictionary
// or a plain value), whose keys are not property names.
type propNode struct {
	props map[string]*propNode
}

func (n *propNode) known(name string) (*propNode, bool) {
	if n == nil || n.props == nil {
		return nil, true
	}
	child, ok := n.props[name]
	return child, ok
}

var (
	treesOnce sync.Once
	trees     map[string]*propNode
)

// propertyTree returns the properties of a spec type, read from the
// built-in schemas, or nil for other types.
func propertyTree(typ string) *propNode {
	treesOnce.Do(buildTrees)
	return trees[typ]
}

// buildTrees reads the embedded schemas, so the list of defined properties
// has one source.
func buildTrees() {
	docs := map[string]map[string]any{}
	entries, _ := builtinSchemas.ReadDir("schemas")
	for _, e := range entries {
		data, err := builtinSchemas.ReadFile("schemas/" + e.Name())
		if err != nil {
			continue
		}
		var doc map[string]any
		if json.Unmarshal(data, &doc) == nil {
			docs[strings.TrimSuffix(e.Name(), ".json")] = doc
		}
	}
	b := treeBuilder{defs: map[string]any{}}
	if common, ok := docs["common"]["$defs"].(map[string]any); ok {
		b.defs = common
	}
	trees = map[string]*propNode{}
	for name, doc := range docs {
		if isSpecType(name) {
			trees[name] = b.node(doc, 0)
		}
	}
}

type treeBuilder struct {
	defs map[string]any
}

// resolve follows a $ref into common.json's $defs.
func (b treeBuilder) resolve(ref string) map[string]any {
	i := strings.LastIndex(ref, "/")
	def, _ := b.defs[ref[i+1:]].(map[string]any)
	return def
}

// collect merges the properties declared by a schema, its $ref and its
// allOf members.
func (b treeBuilder) collect(s map[string]any, into map[string]any, depth int) bool {
	if s == nil || depth > 20 {
		return false
	}
	structured := false
	if props, ok := s["properties"].(map[string]any); ok {
		structured = true
		for k, v := range props {
			if prev, ok := into[k].(map[string]any); ok {
				if cur, ok := v.(map[string]any); ok {
					into[k] = map[string]any{"allOf": []any{prev, cur}}
					continue
				}
			}
			into[k] = v
		}
	}
	if ref, ok := s["$ref"].(string); ok {
		structured = b.collect(b.resolve(ref), into, depth+1) || structured
	}
	if all, ok := s["allOf"].([]any); ok {
		for _, m := range all {
			mm, _ := m.(map[string]any)
			structured = b.collect(mm, into, depth+1) || structured
		}
	}
	return structured
}

// node builds the tree of a schema; arrays take the tree of their items.
// Hashes and other dictionaries have no tree, because their keys are not
// property names.
func (b treeBuilder) node(s map[string]any, depth int) *propNode {
	if depth > 20 || s == nil {
		return nil
	}
	if items, ok := s["items"].(map[string]any); ok {
		return b.node(items, depth+1)
	}
	if ref, ok := s["$ref"].(string); ok {
		switch ref[strings.LastIndex(ref, "/")+1:] {
		case "hashes", "dictionary", "string_list":
			return nil
		}
		if def := b.resolve(ref); def != nil {
			if items, ok := def["items"].(map[string]any); ok {
				return b.node(items, depth+1)
			}
		}
	}
	props := map[string]any{}
	if !b.collect(s, props, depth) {
		return nil
	}
	return b.fields(props, depth)
}

func (b treeBuilder) fields(props map[string]any, depth int) *propNode {
	n := &propNode{props: map[string]*propNode{}}
	for k, v := range props {
		vm, _ := v.(map[string]any)
		n.props[k] = b.node(vm, depth+1)
	}
	return n
}
