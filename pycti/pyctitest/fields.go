package pyctitest

import (
	"context"
	"slices"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// entityFunc computes a field of an entity for the request's user.
type entityFunc func(rc *requestContext, e *entity, f *gqlexec.Field) (any, error)

// onEntity adapts fn to a resolver that applies to entities only; other
// parents are read by name.
func onEntity(name string, fn entityFunc) gqlexec.Resolver {
	return func(ctx context.Context, f *gqlexec.Field) (any, error) {
		e, ok := f.Parent.(*entity)
		if !ok {
			v, _ := getField(f.Parent, name)
			return v, nil
		}
		return fn(requestFrom(ctx), e, f)
	}
}

// defaultField returns a resolver that reads the named field and falls back
// to def when the entity has no value for it.
func defaultField(name string, def any) entityFunc {
	return func(_ *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
		if v, ok := e.fields[name]; ok && v != nil {
			return v, nil
		}
		return def, nil
	}
}

// entityFields returns the computed fields shared by every entity type.
func (s *Server) entityFields() map[string]gqlexec.Resolver {
	fields := map[string]entityFunc{
		"toStix": func(rc *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return s.toStixString(rc.user, e)
		},
		"createdBy": func(rc *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return s.visibleEntity(rc.user, e.createdBy), nil
		},
		"objectMarking": func(rc *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return s.visibleList(rc.user, e.markings), nil
		},
		"objectLabel": func(rc *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return s.visibleList(rc.user, e.labels), nil
		},
		"killChainPhases": func(rc *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return s.visibleList(rc.user, e.kcps), nil
		},
		"externalReferences": func(rc *requestContext, e *entity, f *gqlexec.Field) (any, error) {
			return s.page(s.visibleList(rc.user, e.extRefs), f.Args, nil)
		},
		"objects": func(rc *requestContext, e *entity, f *gqlexec.Field) (any, error) {
			return s.containerObjects(rc.user, e, f)
		},
		"from": func(rc *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return s.visibleEntity(rc.user, e.from), nil
		},
		"to": func(rc *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return s.visibleEntity(rc.user, e.to), nil
		},
		"fromType": func(_ *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return s.endType(e.from, e, "source"), nil
		},
		"toType": func(_ *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return s.endType(e.to, e, "target"), nil
		},
		"relationship_type": func(_ *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			if v, ok := e.fields["relationship_type"]; ok {
				return v, nil
			}
			if e.kind == kindSighting {
				return typeSighting, nil
			}
			return e.entityType, nil
		},
		// The platform stores these with a default at creation, so they are
		// never null in its answers even when a seeded object lacks them.
		"revoked":            defaultField("revoked", false),
		"attribute_count":    defaultField("attribute_count", 1),
		"x_opencti_negative": defaultField("x_opencti_negative", false),
		"fromId":             func(_ *requestContext, e *entity, _ *gqlexec.Field) (any, error) { return e.from, nil },
		"toId":               func(_ *requestContext, e *entity, _ *gqlexec.Field) (any, error) { return e.to, nil },
		"importFiles": func(rc *requestContext, e *entity, f *gqlexec.Field) (any, error) {
			var vals []any
			for _, file := range e.files {
				if s.canSeeFile(rc.user, file) {
					vals = append(vals, s.fileValue(rc.user, file))
				}
			}
			return pageValues(vals), nil
		},
		"representative": func(_ *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return map[string]any{"main": e.representative(), "secondary": e.str("description")}, nil
		},
		"creators": func(_ *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			var out []any
			for _, id := range stringList(e.fields["creator_id"]) {
				name := id
				if u := s.users[id]; u != nil {
					name = u.Name
				}
				out = append(out, map[string]any{"__typename": "Creator", "id": id, "name": name,
					"entity_type": "User"})
			}
			return out, nil
		},
		"numberOfConnectedElement": func(_ *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			return len(s.data.byEnd[e.id]), nil
		},
		"observables": func(rc *requestContext, e *entity, f *gqlexec.Field) (any, error) {
			return s.page(s.related(rc.user, e, "based-on", true), f.Args, nil)
		},
		"indicators": func(rc *requestContext, e *entity, f *gqlexec.Field) (any, error) {
			return s.page(s.related(rc.user, e, "based-on", false), f.Args, nil)
		},
	}
	out := map[string]gqlexec.Resolver{}
	for name, fn := range fields {
		out[name] = onEntity(name, fn)
	}
	for name, def := range map[string]any{"is_inferred": false, "spec_version": "2.1",
		"x_opencti_stix_ids": []any{}} {
		out[name] = onEntity(name, func(_ *requestContext, e *entity, _ *gqlexec.Field) (any, error) {
			if v, ok := e.fields[name]; ok {
				return v, nil
			}
			return def, nil
		})
	}
	return out
}

// visibleEntity returns the entity with the given id when the user may see
// it, or nil.
func (s *Server) visibleEntity(p *principal, id string) any {
	e := s.data.get(id)
	if e == nil || !s.visible(p, e) {
		return nil
	}
	return e
}

// visibleList returns the visible entities among ids, in order.
func (s *Server) visibleList(p *principal, ids []string) []*entity {
	out := make([]*entity, 0, len(ids))
	for _, id := range ids {
		if e := s.data.get(id); e != nil && s.visible(p, e) {
			out = append(out, e)
		}
	}
	return out
}

func (s *Server) containerObjects(p *principal, e *entity, f *gqlexec.Field) (any, error) {
	members := s.visibleList(p, e.objects)
	if types := stringList(f.Args["types"]); len(types) > 0 {
		members = slices.DeleteFunc(members, func(m *entity) bool { return !slices.ContainsFunc(types, m.isA) })
	}
	if all, _ := f.Args["all"].(bool); all {
		return pageAll(members), nil
	}
	return s.page(members, f.Args, nil)
}

// pageAll returns every entity of list as one page.
func pageAll(list []*entity) map[string]any {
	edges := make([]any, len(list))
	for i, e := range list {
		edges[i] = map[string]any{"cursor": encodeCursor(i + 1), "node": e}
	}
	info := map[string]any{"globalCount": len(list), "hasNextPage": false, "hasPreviousPage": false,
		"startCursor": "", "endCursor": ""}
	if len(list) > 0 {
		info["startCursor"], info["endCursor"] = encodeCursor(1), encodeCursor(len(list))
	}
	return map[string]any{"edges": edges, "pageInfo": info}
}

// pageValues wraps non-entity values in a single-page connection.
func pageValues(vals []any) map[string]any {
	edges := make([]any, len(vals))
	for i, v := range vals {
		edges[i] = map[string]any{"cursor": encodeCursor(i + 1), "node": v}
	}
	info := map[string]any{"globalCount": len(vals), "hasNextPage": false, "hasPreviousPage": false,
		"startCursor": "", "endCursor": ""}
	return map[string]any{"edges": edges, "pageInfo": info}
}

// related returns the visible far ends of e's relationships of one type;
// outgoing selects the targets of relationships from e, otherwise the
// sources of relationships to e.
func (s *Server) related(p *principal, e *entity, relType string, outgoing bool) []*entity {
	var out []*entity
	for _, r := range s.data.byEnd[e.id] {
		if r.entityType != relType || !s.visible(p, r) {
			continue
		}
		if outgoing && r.from == e.id {
			if x := s.data.get(r.to); x != nil && s.visible(p, x) {
				out = append(out, x)
			}
		}
		if !outgoing && r.to == e.id {
			if x := s.data.get(r.from); x != nil && s.visible(p, x) {
				out = append(out, x)
			}
		}
	}
	return out
}

// endType returns the entity type of a relationship end, from the store or
// from the extension data of an end seeded without its object.
func (s *Server) endType(id string, rel *entity, name string) any {
	if x := s.data.get(id); x != nil {
		return x.entityType
	}
	if rel.kind == kindSighting {
		name = map[string]string{"source": "sighting_of", "target": "where_sighted"}[name]
	}
	if d, ok := rel.extEnds[name].(map[string]any); ok && d["type"] != "" {
		return d["type"]
	}
	return nil
}
