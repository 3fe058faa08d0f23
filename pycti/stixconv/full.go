package stixconv

import "strings"

// Todo returns the objects that full mode reads after converting an entity
// and its relationships and sightings (relationships, converted in simple
// mode in API order), in the order pycti reads them: the container
// members, the ends of a relationship or sighting that passed their check,
// the values of the entity's *_ref and *_refs properties in key order,
// then the far end of each relationship. Marking definitions (which no
// reader returns), ref relationships and ids already listed are left out,
// which changes no output.
func Todo(entity *Result, relationships []*Result) []Ref {
	t := todoList{seen: map[string]bool{}}
	for _, m := range entity.members {
		t.add(m)
	}
	for _, e := range entity.ends {
		t.add(e)
	}
	if e := entity.Entity(); e != nil {
		for _, k := range e.Keys() {
			if strings.HasSuffix(k, "_ref") || strings.HasSuffix(k, "_refs") {
				t.addValues(e.Get(k))
			}
		}
	}
	for _, r := range relationships {
		if r == nil {
			continue
		}
		far := r.to
		if far.ID == entity.InternalID {
			far = r.from
		}
		t.add(far)
	}
	return t.refs
}

type todoList struct {
	refs []Ref
	seen map[string]bool
}

func (t *todoList) add(r Ref) {
	if r.ID == "" || t.seen[r.ID] {
		return
	}
	t.seen[r.ID] = true
	if r.standardID != "" {
		if t.seen[r.standardID] {
			return
		}
		t.seen[r.standardID] = true
	}
	t.refs = append(t.refs, r)
}

// addValues adds the standard ids of a *_ref or *_refs value.
func (t *todoList) addValues(v any) {
	switch x := v.(type) {
	case string:
		id := unprefixedID(x)
		if strings.HasPrefix(id, "marking-definition--") {
			return
		}
		kind := KindObject
		switch {
		case strings.HasPrefix(id, "relationship--"):
			kind = KindCoreRelationship
		case strings.HasPrefix(id, "sighting--"):
			kind = KindSighting
		}
		t.add(Ref{ID: id, Kind: kind})
	case []any:
		for _, e := range x {
			t.addValues(e)
		}
	}
}

// Expand assembles the full-mode objects of one entity: its simple-mode
// objects, then the new objects of each relationship and sighting (in the
// order given), then those of each to-do object (todo holds the
// conversions of the Todo list in its order, nil where the read found
// nothing). The first object with a given id wins. Finally the object_refs
// of containers keep only ids present in the result: on report, note,
// opinion, observed-data and grouping with Compat.UncheckedRefs (which
// leaves an emptied list as []), on every container otherwise (which
// removes an emptied list). Trimmed containers are copies; the inputs are
// not modified.
func Expand(entity *Result, relationships, todo []*Result, compat Compat) []*Object {
	var out []*Object
	seen := map[string]bool{}
	add := func(r *Result) {
		if r == nil {
			return
		}
		for _, o := range r.Objects {
			if !seen[o.ID()] {
				seen[o.ID()] = true
				out = append(out, o)
			}
		}
	}
	add(entity)
	for _, r := range relationships {
		add(r)
	}
	for _, r := range todo {
		add(r)
	}
	for i, o := range out {
		if trimmed, ok := trimRefs(o, seen, compat); ok {
			out[i] = trimmed
		}
	}
	return out
}

// trimRefs returns a copy of a container whose object_refs keep only ids
// in present, and whether o is such a container.
func trimRefs(o *Object, present map[string]bool, compat Compat) (*Object, bool) {
	_, container := containerExclusions[o.Type()]
	if compat.UncheckedRefs {
		container = trimmedContainers[o.Type()]
	}
	refs, ok := o.Get("object_refs").([]any)
	if !container || !ok {
		return nil, false
	}
	kept := []any{}
	for _, r := range refs {
		if s, ok := r.(string); ok && present[s] {
			kept = append(kept, r)
		}
	}
	c := o.Clone()
	if len(kept) == 0 && !compat.UncheckedRefs {
		c.Delete("object_refs")
	} else {
		c.Set("object_refs", kept)
	}
	return c, true
}
