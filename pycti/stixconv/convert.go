package stixconv

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Result is one converted entity with the objects it brings along in
// simple mode. A Result is not safe for concurrent use.
type Result struct {
	// Objects are the simple-mode objects in pycti's order: the author
	// identity, the data source (data components), the marking
	// definitions of the entity, those of its files, and the entity last.
	// Empty when the entity is dropped.
	Objects []*Object
	// Dropped gives the reason the entity is left out, "" when it is exported. Only
	// the fixed dialect drops (Compat.IncompleteObjects false).
	Dropped string
	// InternalID and EntityType are the entity's OpenCTI id and type.
	InternalID, EntityType string

	// members are the container members; ends the relationship ends that
	// passed the visibility check; from and to both ends of a
	// relationship or sighting.
	members  []Ref
	ends     []Ref
	from, to Ref
}

// Entity returns the converted entity, or nil when it is dropped.
func (r *Result) Entity() *Object {
	if len(r.Objects) == 0 {
		return nil
	}
	return r.Objects[len(r.Objects)-1]
}

// RawObjects returns the JSON encoding of each object, in order.
func (r *Result) RawObjects() []json.RawMessage {
	out := make([]json.RawMessage, len(r.Objects))
	for i, o := range r.Objects {
		out[i] = o.JSON()
	}
	return out
}

// converter holds the state of one conversion.
type converter struct {
	opts     Options
	compat   Compat
	resolver Resolver
	res      *Result
	// visible is the visibility of the ids checked for this entity.
	visible map[string]bool
	// fileMarkings are the marking definitions of attached files.
	fileMarkings []*Object
	// relationship is set for core relationships and sightings.
	relationship bool
}

// Convert converts one entity read through pycti (a raw node of
// pycti.Client.RawObjects, RawCoreRelationships or
// RawSightingRelationships) to its STIX object in the pycti dialect, with
// the objects simple mode brings along. It calls opts.Resolver for the
// entity's nested refs, for the visibility of the objects it references
// and for its files. The node is parsed, not modified.
func Convert(ctx context.Context, node json.RawMessage, opts Options) (*Result, error) {
	o, err := ParseObject(node)
	if err != nil {
		return nil, err
	}
	return convertObject(ctx, o, opts)
}

func convertObject(ctx context.Context, o *Object, opts Options) (*Result, error) {
	normalize(o)
	c := &converter{opts: opts, compat: opts.Compat, resolver: opts.Resolver,
		res: &Result{InternalID: o.String("id"), EntityType: o.String("entity_type")}}
	if c.resolver == nil {
		c.resolver = NopResolver{}
	}
	c.res.members = refsOf(o, "objects")
	c.res.from, c.res.to = endRef(o, "from"), endRef(o, "to")
	parents, _ := o.Get("parent_types").([]any)
	c.relationship = slices.Contains(parents, any("basic-relationship")) ||
		c.res.EntityType == "stix-sighting-relationship"
	nested, err := c.nestedRefs(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := c.checkVisibility(ctx, o, nested); err != nil {
		return nil, err
	}
	if o.String("standard_id") == "" && !c.compat.IncompleteObjects {
		c.res.Dropped = "the object has no standard id"
		return c.res, nil
	}
	if err := c.reshape(ctx, o); err != nil {
		return nil, err
	}
	if err := c.finish(ctx, o, nested); err != nil {
		return nil, err
	}
	if !c.compat.NestedEmptyValues {
		for _, obj := range c.res.Objects {
			dropEmptyDeep(obj)
		}
	}
	return c.res, nil
}

// wrap adds the entity to an error.
func (c *converter) wrap(err error) error {
	return fmt.Errorf("convert %s %s: %w", c.res.EntityType, c.res.InternalID, err)
}

// normalize turns GraphQL connections ({"edges": [{"node": …}]}) into
// lists of nodes, at every depth, and renames the aliases the raw reads
// use to avoid field conflicts (name__observable) back to the field name.
// It removes the __typename members that the generated raw reads add to
// every abstract-typed selection, except in objectCovered, whose
// __typename pycti's own selection asks for.
func normalize(o *Object) { normalizeObject(o, false) }

func normalizeObject(o *Object, keepTypename bool) {
	for _, k := range append([]string(nil), o.Keys()...) {
		if k == "__typename" && !keepTypename {
			o.Delete(k)
			continue
		}
		v := o.Get(k)
		if covered, ok := v.(*Object); ok && k == "objectCovered" {
			normalizeObject(covered, true)
			continue
		}
		o.Set(k, normalizeValue(v))
		if stem, _, ok := strings.Cut(k, "__"); ok && stem != "" {
			o.renameInPlace(k, stem)
		}
	}
}

func normalizeValue(v any) any {
	switch x := v.(type) {
	case *Object:
		if edges, ok := connectionEdges(x); ok {
			list := make([]any, 0, len(edges))
			for _, e := range edges {
				if eo, ok := e.(*Object); ok {
					n := eo.Get("node")
					list = append(list, normalizeValue(n))
				}
			}
			return list
		}
		normalize(x)
		return x
	case []any:
		for i := range x {
			x[i] = normalizeValue(x[i])
		}
	}
	return v
}

// connectionEdges returns the edges of a connection object: one whose only
// keys are edges and, optionally, pageInfo.
func connectionEdges(o *Object) ([]any, bool) {
	if !o.Has("edges") || o.Len() > 2 || (o.Len() == 2 && !o.Has("pageInfo")) {
		return nil, false
	}
	list, ok := o.Get("edges").([]any)
	return list, ok
}

// reshape is pycti's first conversion step, applied to the entity, the
// author and the data source: type and field renames, labels, kill chain
// phases, external references, hashes, identifiers, and the removal of
// empty values.
func (c *converter) reshape(ctx context.Context, o *Object) error {
	original := o.String("entity_type")
	if original == "Report" && c.compat.ReportContentWithFiles && o.Has("importFiles") {
		o.Delete("content")
	}
	entityType := c.renameType(o, original)
	if err := c.adjustValidUntil(o); err != nil {
		return c.wrap(err)
	}
	o.Delete("tasks")
	if st, ok := o.Get("status").(*Object); ok {
		o.Set("x_opencti_workflow_id", st.String("id"))
	}
	o.Delete("status")
	c.labels(o)
	c.killChainPhases(o)
	if err := c.externalReferences(ctx, o); err != nil {
		return err
	}
	o.Delete("indicators")
	c.hashes(o)
	o.Set("x_opencti_id", o.String("id"))
	if !c.opts.NoCustom {
		o.Set("x_opencti_type", original)
	}
	std := o.Get("standard_id")
	o.Set("id", std)
	o.Set("type", strings.ToLower(entityType))
	o.Delete("standard_id", "entity_type", "parent_types", "created_at", "updated_at")
	dropEmpty(o)
	return nil
}

// renameType applies the type renames and the properties that come with
// them, and returns the entity type the STIX type is derived from.
func (c *converter) renameType(o *Object, t string) string {
	switch {
	case identityTypes[t]:
		return "Identity"
	case t == "Threat-Actor-Group" || t == "Threat-Actor-Individual":
		if !c.opts.NoCustom {
			o.Set("x_opencti_type", t)
		}
		if t == "Threat-Actor-Group" && c.compat.NonSTIXProperties {
			name := o.Get("name")
			o.Set("threat_actor_group", name)
		}
		return "Threat-Actor"
	case locationTypes[t]:
		if !c.opts.NoCustom {
			o.Set("x_opencti_location_type", t)
		}
		if key, ok := locationNameKeys[t]; ok {
			name := o.Get("name")
			o.Set(key, name)
		}
		return "Location"
	case t == "Malware":
		if _, ok := o.Get("is_family").(bool); !ok {
			o.Set("is_family", true)
		}
	case t == "StixFile":
		return "File"
	case openctiPrefixed[t]:
		o.Set("standard_id", "x-opencti-"+o.String("standard_id"))
		return "x-opencti-" + t
	case mitrePrefixed[t]:
		o.Set("standard_id", "x-mitre-"+o.String("standard_id"))
		if t == "Data-Source" {
			renameNonNull(o, "platforms", "x_mitre_platforms")
			renameNonNull(o, "collection_layers", "x_mitre_collection_layers")
		}
		return "x-mitre-" + t
	}
	return t
}

func renameNonNull(o *Object, from, to string) {
	if o.Get(from) != nil {
		o.Rename(from, to)
	}
}

// adjustValidUntil moves an indicator's valid_until one second past
// valid_from when both are the same instant as written.
func (c *converter) adjustValidUntil(o *Object) error {
	from, until := o.String("valid_from"), o.String("valid_until")
	if from == "" || from != until {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, until)
	if err != nil {
		return fmt.Errorf("invalid valid_until %q: %w", until, err)
	}
	layout := "2006-01-02T15:04:05.000Z"
	if c.compat.MicrosecondValidUntil {
		layout = "2006-01-02T15:04:05.000000Z"
	}
	o.Set("valid_until", t.Add(time.Second).UTC().Format(layout))
	return nil
}

func (c *converter) labels(o *Object) {
	if list, ok := o.Get("objectLabel").([]any); ok && len(list) > 0 {
		values := make([]any, 0, len(list))
		for _, l := range list {
			if lo, ok := l.(*Object); ok {
				v := lo.Get("value")
				values = append(values, v)
			}
		}
		o.Set("labels", values)
	}
	o.Delete("objectLabel", "objectLabelIds")
}

func (c *converter) killChainPhases(o *Object) {
	list, ok := o.Get("killChainPhases").([]any)
	o.Delete("killChainPhases", "killChainPhasesIds")
	if !ok || c.opts.NoCustom {
		return
	}
	phases := make([]any, 0, len(list))
	for _, p := range list {
		po, ok := p.(*Object)
		if !ok {
			continue
		}
		phase := NewObject()
		for _, k := range []string{"kill_chain_name", "phase_name", "x_opencti_order"} {
			v := po.Get(k)
			phase.Set(k, v)
		}
		phases = append(phases, phase)
	}
	o.Set("kill_chain_phases", phases)
}

// hashes turns the list of {algorithm, hash} into a dictionary.
func (c *converter) hashes(o *Object) {
	list, ok := o.Get("hashes").([]any)
	if !ok {
		return
	}
	h := NewObject()
	for _, e := range list {
		eo, ok := e.(*Object)
		if !ok {
			continue
		}
		name, value := eo.String("algorithm"), eo.String("hash")
		if c.compat.RawHashAlgorithms {
			v := eo.Get("hash")
			h.Set(name, v)
			continue
		}
		if name != "" && value != "" {
			h.Set(stixHashName(name), value)
		}
	}
	o.Set("hashes", h)
}

// dropEmpty removes the top-level values pycti counts as empty: null, "",
// {}, [] and lists whose elements all have zero length.
func dropEmpty(o *Object) {
	for _, k := range append([]string(nil), o.Keys()...) {
		v := o.Get(k)
		if isEmpty(v) {
			o.Delete(k)
		}
	}
}

// dropEmptyDeep removes null, "", [] and {} values at every depth, and
// null list elements.
func dropEmptyDeep(o *Object) {
	for _, k := range append([]string(nil), o.Keys()...) {
		v := cleanValue(o.Get(k))
		if isEmptyValue(v) {
			o.Delete(k)
			continue
		}
		o.Set(k, v)
	}
}

func cleanValue(v any) any {
	switch x := v.(type) {
	case *Object:
		dropEmptyDeep(x)
	case []any:
		kept := x[:0]
		for _, e := range x {
			if e = cleanValue(e); !isEmptyValue(e) {
				kept = append(kept, e)
			}
		}
		return kept
	}
	return v
}

func isEmptyValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case *Object:
		return x.Len() == 0
	case []any:
		return len(x) == 0
	}
	return false
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case *Object:
		return x.Len() == 0
	case []any:
		for _, e := range x {
			if !zeroLength(e) {
				return false
			}
		}
		return true
	}
	return false
}

// zeroLength reports whether a list element has a length of zero. pycti
// takes the length of each element; numbers and booleans, which have
// none, count as non-empty here.
func zeroLength(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case *Object:
		return x.Len() == 0
	case []any:
		return len(x) == 0
	}
	return false
}
