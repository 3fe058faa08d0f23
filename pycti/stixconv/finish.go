package stixconv

import (
	"context"
	"strings"
)

// finish is pycti's second conversion step, applied to the entity: author,
// data source, sentinel dates, organizations, markings, container refs,
// relationship ends, renames, files and nested refs. It appends the
// objects to the result, the entity last.
func (c *converter) finish(ctx context.Context, o *Object, nested []*Object) error {
	custom := !c.opts.NoCustom
	if custom {
		if err := c.author(ctx, o); err != nil {
			return err
		}
	}
	if isObservableType(o.Type()) {
		o.Rename("labels", "x_opencti_labels")
	}
	o.Delete("createdBy", "createdById", "observables", "observablesIds", "creators")
	if custom {
		if err := c.dataSource(ctx, o); err != nil {
			return err
		}
	}
	o.Delete("dataSource", "dataSourceId")
	removeSentinelDates(o)
	if !custom {
		keepID := o.Get("x_opencti_id")
		o.Delete("external_references")
		for _, k := range append([]string(nil), o.Keys()...) {
			if strings.HasPrefix(k, "x_") {
				o.Delete(k)
			}
		}
		o.Set("x_opencti_id", keepID)
	}
	if custom {
		c.grantedRefs(o)
		c.markings(o)
		c.objectRefs(o)
	}
	o.Delete("objectOrganization", "objectMarking", "objectMarkingIds", "objects", "objectsIds")
	if !c.relationshipEnds(o) {
		c.res.Objects = nil
		return nil
	}
	o.Rename("attribute_abstract", "abstract")
	o.Rename("attribute_key", "key")
	o.Rename("attribute_date", "date")
	o.Delete("observable_value")
	c.fixProperties(o)
	if err := c.files(ctx, o); err != nil {
		return err
	}
	if err := c.inlineImages(ctx, o); err != nil {
		return err
	}
	c.addNestedRefs(o, nested)
	c.appendMarkings(c.fileMarkings)
	c.res.Objects = append(c.res.Objects, o)
	if c.opts.NoCustom {
		o.Delete("x_opencti_id")
	}
	return nil
}

// author converts the nested createdBy identity and refers to it.
func (c *converter) author(ctx context.Context, o *Object) error {
	a, ok := o.Get("createdBy").(*Object)
	if !ok {
		return nil
	}
	if !c.compat.UncheckedAuthor && !c.visible[a.String("id")] {
		return nil
	}
	if err := c.reshape(ctx, a); err != nil {
		return err
	}
	if !c.compat.MissingSpecVersion && !a.Has("spec_version") {
		a.Set("spec_version", "2.1")
	}
	key := "created_by_ref"
	if isObservableType(o.Type()) {
		key = "x_opencti_created_by_ref"
	}
	o.Set(key, a.ID())
	c.res.Objects = append(c.res.Objects, a)
	return nil
}

// dataSource converts the data source of a data component.
func (c *converter) dataSource(ctx context.Context, o *Object) error {
	ds, ok := o.Get("dataSource").(*Object)
	if !ok {
		return nil
	}
	if err := c.reshape(ctx, ds); err != nil {
		return err
	}
	o.Set("x_mitre_data_source_ref", ds.ID())
	c.res.Objects = append(c.res.Objects, ds)
	return nil
}

// removeSentinelDates removes the open bounds the platform stores for
// unknown dates.
func removeSentinelDates(o *Object) {
	for _, k := range []string{"first_seen", "start_time"} {
		if strings.HasPrefix(o.String(k), "1970") {
			o.Delete(k)
		}
	}
	for _, k := range []string{"last_seen", "stop_time"} {
		if strings.HasPrefix(o.String(k), "5138") {
			o.Delete(k)
		}
	}
}

func (c *converter) grantedRefs(o *Object) {
	orgs, _ := o.Get("objectOrganization").([]any)
	var refs []any
	for _, org := range orgs {
		oo, ok := org.(*Object)
		if !ok || oo.String("standard_id") == "" {
			continue
		}
		if !c.compat.UncheckedRefs && !c.visible[oo.String("id")] {
			continue
		}
		refs = append(refs, oo.String("standard_id"))
	}
	if len(refs) > 0 {
		o.Set("x_opencti_granted_refs", refs)
	}
}

func (c *converter) markings(o *Object) {
	list, _ := o.Get("objectMarking").([]any)
	if len(list) == 0 {
		return
	}
	var refs []any
	var defs []*Object
	for _, m := range list {
		mo, ok := m.(*Object)
		if !ok {
			continue
		}
		def := markingDefinition(mo, c.compat)
		defs = append(defs, def)
		refs = append(refs, def.ID())
	}
	c.appendMarkings(defs)
	o.Set("object_marking_refs", refs)
}

// appendMarkings appends marking definitions to the result, each once
// unless Compat.DuplicateMarkings.
func (c *converter) appendMarkings(defs []*Object) {
	for _, d := range defs {
		if !c.compat.DuplicateMarkings && c.hasObject(d.ID()) {
			continue
		}
		c.res.Objects = append(c.res.Objects, d)
	}
}

func (c *converter) hasObject(id string) bool {
	for _, o := range c.res.Objects {
		if o.ID() == id {
			return true
		}
	}
	return false
}

// refID returns the id to write in a reference to the object with the
// given standard id.
func (c *converter) refID(standardID string) string {
	if c.compat.UnprefixedRefs {
		return standardID
	}
	return prefixedID(standardID)
}

// objectRefs writes a container's object_refs from its members.
func (c *converter) objectRefs(o *Object) {
	members, _ := o.Get("objects").([]any)
	excluded, isContainer := containerExclusions[o.Type()]
	if len(members) == 0 || !isContainer {
		return
	}
	refs := []any{}
	for _, m := range members {
		mo, ok := m.(*Object)
		if !ok || excluded[mo.String("entity_type")] || isRefRelationship(mo) {
			continue
		}
		std := mo.String("standard_id")
		if std == "" || (!c.compat.UncheckedRefs && !c.visible[mo.String("id")]) {
			continue
		}
		refs = append(refs, c.refID(std))
	}
	if len(refs) > 0 || c.compat.UncheckedRefs {
		o.Set("object_refs", refs)
	}
}

func isRefRelationship(o *Object) bool {
	parents, _ := o.Get("parent_types").([]any)
	for _, p := range parents {
		if p == "stix-ref-relationship" {
			return true
		}
	}
	return false
}

// fixProperties applies the fixes of properties that are not STIX 2.1:
// reserved and invalid names, leaked GraphQL lists and values stored as
// strings.
func (c *converter) fixProperties(o *Object) {
	if !c.compat.Severity && o.Has("severity") {
		o.renameInPlace("severity", "x_opencti_severity")
	}
	if !c.compat.CamelCaseObjectCovered {
		c.renameCustom(o, "objectCovered", "x_opencti_object_covered")
	}
	if !c.compat.ObservableCreated && isObservableType(o.Type()) {
		c.renameCustom(o, "created", "x_opencti_created")
	}
	if !c.compat.NonSTIXProperties {
		o.Delete("samples")
	}
	if !c.compat.StringExtensions {
		if s, ok := o.Get("extensions").(string); ok {
			if ext, err := ParseObject([]byte(s)); err == nil && ext.Len() > 0 {
				o.Set("extensions", ext)
			} else {
				o.Delete("extensions")
			}
		}
	}
	if list, ok := o.Get("environment_variables").([]any); ok && !c.compat.EnvironmentVariablesList {
		env := NewObject()
		for _, e := range list {
			if s, ok := e.(string); ok {
				name, value, _ := strings.Cut(s, "=")
				env.Set(name, value)
			}
		}
		o.Set("environment_variables", env)
	}
}

// renameCustom moves a platform field that is not a valid STIX property to
// its x_opencti_ name, or removes it in no-custom mode, which writes no
// x_ property.
func (c *converter) renameCustom(o *Object, from, to string) {
	switch {
	case !o.Has(from):
	case c.opts.NoCustom:
		o.Delete(from)
	default:
		o.renameInPlace(from, to)
	}
}
