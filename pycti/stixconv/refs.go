package stixconv

import (
	"context"
	"slices"
	"strings"
)

// Kind is the reader an object of the full-mode to-do list needs.
type Kind int

// Readers of to-do objects.
const (
	// KindObject is a domain object or observable: pycti.Client.RawObjects.
	KindObject Kind = iota
	// KindCoreRelationship is a core relationship:
	// pycti.Client.RawCoreRelationships.
	KindCoreRelationship
	// KindSighting is a sighting: pycti.Client.RawSightingRelationships.
	KindSighting
)

// Ref is an object that full mode reads and converts in simple mode.
type Ref struct {
	// ID is the internal id (container members, relationship ends) or the
	// platform's standard id (values of *_ref and *_refs properties).
	ID string
	// EntityType is the OpenCTI type, "" when only the id is known.
	EntityType string
	// Kind is the reader to read it with.
	Kind Kind

	// standardID is the standard id of a member or end, so that the same
	// object met again through a *_ref value is not listed twice.
	standardID string
}

// kindOf returns the reader of an element with the given types; false
// for ref relationships, which have no reader.
func kindOf(entityType string, parents []any) (Kind, bool) {
	switch {
	case slices.Contains(parents, any("stix-ref-relationship")):
		return 0, false
	case slices.Contains(parents, any("stix-core-relationship")):
		return KindCoreRelationship, true
	case entityType == "stix-sighting-relationship":
		return KindSighting, true
	}
	return KindObject, true
}

// refOf returns the Ref of a member or end node.
func refOf(n *Object) (Ref, bool) {
	parents, _ := n.Get("parent_types").([]any)
	kind, ok := kindOf(n.String("entity_type"), parents)
	if !ok || n.String("id") == "" {
		return Ref{}, false
	}
	return Ref{ID: n.String("id"), EntityType: n.String("entity_type"), Kind: kind,
		standardID: n.String("standard_id")}, true
}

// refsOf returns the Refs of the nodes listed under key, ref relationships
// left out.
func refsOf(o *Object, key string) []Ref {
	list, _ := o.Get(key).([]any)
	var refs []Ref
	for _, m := range list {
		if mo, ok := m.(*Object); ok {
			if r, ok := refOf(mo); ok {
				refs = append(refs, r)
			}
		}
	}
	return refs
}

// endRef returns the Ref of a relationship end, or the zero Ref.
func endRef(o *Object, key string) Ref {
	if n, ok := o.Get(key).(*Object); ok {
		if r, ok := refOf(n); ok {
			return r
		}
	}
	return Ref{}
}

// nestedRefs reads and parses the entity's nested ref relationships.
func (c *converter) nestedRefs(ctx context.Context, o *Object) ([]*Object, error) {
	id := o.String("id")
	if id == "" {
		return nil, nil
	}
	raw, err := c.resolver.NestedRefs(ctx, id)
	if err != nil {
		return nil, c.wrap(err)
	}
	refs := make([]*Object, 0, len(raw))
	for _, r := range raw {
		ro, err := ParseObject(r)
		if err != nil {
			return nil, c.wrap(err)
		}
		normalize(ro)
		refs = append(refs, ro)
	}
	return refs, nil
}

// checkVisibility queries the resolver, in one call, which of the objects the
// entity refers to the requester may see: relationship ends always (pycti
// checks them too), the author, members, organizations and nested ref
// targets unless their Compat switch turns the check off.
func (c *converter) checkVisibility(ctx context.Context, o *Object, nested []*Object) error {
	var ids []string
	add := func(n any) {
		if no, ok := n.(*Object); ok && no.String("id") != "" {
			ids = append(ids, no.String("id"))
		}
	}
	from := o.Get("from")
	to := o.Get("to")
	add(from)
	add(to)
	if !c.compat.UncheckedAuthor && !c.opts.NoCustom {
		a := o.Get("createdBy")
		add(a)
	}
	if !c.compat.UncheckedRefs {
		for _, key := range []string{"objects", "objectOrganization"} {
			list, _ := o.Get(key).([]any)
			for _, n := range list {
				add(n)
			}
		}
		for _, r := range nested {
			t := r.Get("to")
			add(t)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	vis, err := c.resolver.Visible(ctx, slices.Compact(ids))
	if err != nil {
		return c.wrap(err)
	}
	c.visible = vis
	return nil
}

// endID returns the ref to write for a relationship end, or "" when the
// end is missing, not visible or has no standard id.
func (c *converter) endID(o *Object, key string) string {
	end, ok := o.Get(key).(*Object)
	if !ok || !c.visible[end.String("id")] || end.String("standard_id") == "" {
		return ""
	}
	return c.refID(end.String("standard_id"))
}

// relationshipEnds writes the refs of a relationship or sighting and
// reports whether the object is exported.
func (c *converter) relationshipEnds(o *Object) bool {
	sighting := o.Type() == "stix-sighting-relationship"
	if !sighting && !o.Has("from") && !o.Has("to") &&
		(!c.relationship || c.compat.IncompleteObjects) {
		return true
	}
	from, to := c.endID(o, "from"), c.endID(o, "to")
	o.Delete("from", "to")
	if (from == "" || to == "") && !c.compat.IncompleteObjects {
		c.res.Dropped = "an end is not visible to the requester or has no standard id"
		return false
	}
	if from != "" {
		c.res.ends = append(c.res.ends, c.res.from)
	}
	if to != "" {
		c.res.ends = append(c.res.ends, c.res.to)
	}
	if sighting {
		o.Set("type", "sighting")
		o.Rename("attribute_count", "count")
		setIf(o, "sighting_of_ref", from)
		if to != "" {
			o.Set("where_sighted_refs", []any{to})
		}
		return true
	}
	o.Set("type", "relationship")
	setIf(o, "source_ref", from)
	setIf(o, "target_ref", to)
	return true
}

func setIf(o *Object, key, value string) {
	if value != "" {
		o.Set(key, value)
	}
}

// addNestedRefs writes the *_ref and *_refs properties of the nested ref
// relationships, in API order.
func (c *converter) addNestedRefs(o *Object, nested []*Object) {
	for _, r := range nested {
		to, ok := r.Get("to").(*Object)
		if !ok || to.String("standard_id") == "" {
			continue
		}
		if !c.compat.UncheckedRefs && !c.visible[to.String("id")] {
			continue
		}
		relType := r.String("relationship_type")
		if !c.compat.RefLists && c.embedRef(o, relType, to) {
			continue
		}
		key, plural := c.refKey(o.Type(), relType)
		id := c.refID(to.String("standard_id"))
		if !plural {
			o.Set(key, id)
			continue
		}
		list, _ := o.Get(key).([]any)
		o.Set(key, append(list, id))
	}
}

// refKey returns the property a nested ref relationship type is written
// to, and whether it is a list.
func (c *converter) refKey(objectType, relType string) (string, bool) {
	stem := strings.ReplaceAll(strings.ReplaceAll(relType, "obs_", ""), "-", "_")
	lower := strings.ToLower(relType)
	plural := pluralRefTypes[lower]
	if objectType == "malware-analysis" && (lower == "operating-system" || lower == "sample") {
		plural = false
	}
	if lower == "x_opencti_linked-to" && !c.compat.SingularLinkedTo {
		plural = true
	}
	if plural {
		return stem + "_refs", true
	}
	return stem + "_ref", false
}

// embedRef writes the MIME parts of an email and the values of a registry
// key inside the object, as STIX defines them, and reports whether it did.
// A MIME part without a body cannot be embedded (STIX requires body or
// body_raw_ref) and goes to x_opencti_body_multipart_refs.
func (c *converter) embedRef(o *Object, relType string, to *Object) bool {
	var key string
	var fields []string
	switch relType {
	case "body-multipart":
		key, fields = "body_multipart", []string{"body", "content_type", "content_disposition"}
		if to.String("body") == "" {
			list, _ := o.Get("x_opencti_body_multipart_refs").([]any)
			o.Set("x_opencti_body_multipart_refs", append(list, c.refID(to.String("standard_id"))))
			return true
		}
	case "values":
		key, fields = "values", []string{"name", "data", "data_type"}
	default:
		return false
	}
	item := NewObject()
	for _, f := range fields {
		if v := to.String(f); v != "" {
			item.Set(f, v)
		}
	}
	list, _ := o.Get(key).([]any)
	o.Set(key, append(list, item))
	return true
}
