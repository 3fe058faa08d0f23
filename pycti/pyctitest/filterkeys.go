package pyctitest

import (
	"slices"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// specialFilterKeys are filter keys that name no schema attribute but that
// the platform (and this server) evaluates: ids, relationship ends, refs
// under their input names, and the keys computed from relationships.
var specialFilterKeys = []string{
	"ids", "id", "internal_id", "entity_type", "parent_types", "objectMarking",
	"objectLabel", "createdBy", "externalReferences", "killChainPhases",
	"objects", "fromId", "toId", "fromOrToId", "connections", "fromTypes",
	"toTypes", "creator_id", "regardingOf", "sightedBy", "relationship_type",
}

// filterKeyPrefixes start keys that the platform accepts whatever follows:
// relationship keys in their database form ("rel_uses.internal_id") and
// inference rule keys.
//
// NOTE: whether the platform also accepts a bare relationship type
// ("uses") as a key was not checked. This server rejects it, so use the
// "rel_uses" form.
var filterKeyPrefixes = []string{"rel_", "i_rule_"}

// filterKeySet returns the filter keys the platform accepts: every field of
// an object, interface or input type of the schema, plus the special keys
// and the keys of the works list.
func filterKeySet(schema *ast.Schema) map[string]bool {
	keys := map[string]bool{}
	for _, def := range schema.Types {
		if def.BuiltIn || strings.HasPrefix(def.Name, "__") {
			continue
		}
		switch def.Kind {
		case ast.Object, ast.Interface, ast.InputObject:
			for _, f := range def.Fields {
				keys[f.Name] = true
			}
		}
	}
	for _, k := range specialFilterKeys {
		keys[k] = true
	}
	// The platform accepts the attributes of works as keys. The SDK's schema
	// subset has no field for some of them, such as connector_id.
	for k := range workFilterKeys {
		keys[k] = true
	}
	return keys
}

// checkFilterKeys rejects a group that uses a key the platform does not know,
// with the error the platform sends (UNSUPPORTED_ERROR, the unknown keys in
// data.keys). As on the platform, only the part of a key before the first
// dot counts, so "objectMarking.internal_id" is accepted.
func (s *Server) checkFilterKeys(g *filterGroup) error {
	var unknown []string
	g.walkKeys(func(key string) {
		base, _, _ := strings.Cut(key, ".")
		if s.filterKeys[base] || slices.ContainsFunc(filterKeyPrefixes,
			func(p string) bool { return strings.HasPrefix(base, p) }) {
			return
		}
		if !slices.Contains(unknown, key) {
			unknown = append(unknown, key)
		}
	})
	if len(unknown) == 0 {
		return nil
	}
	return errUnknownFilterKeys(unknown)
}

func (g *filterGroup) walkKeys(visit func(string)) {
	if g == nil {
		return
	}
	for _, f := range g.filters {
		for _, k := range f.keys {
			visit(k)
		}
	}
	for _, sub := range g.groups {
		sub.walkKeys(visit)
	}
}

// errUnknownFilterKeys is the error the platform returns for a filter key
// that no schema definition has (OpenCTI 6.x and 7.x, checkFilterKeys).
func errUnknownFilterKeys(keys []string) *gqlerror.Error {
	return gqlexec.NewError("UNSUPPORTED_ERROR",
		"Incorrect filter keys not existing in any schema definition",
		map[string]any{"http_status": 500, "genre": "BUSINESS", "keys": keys})
}
