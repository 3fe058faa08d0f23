package export

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/opencti-go/sdk/pycti"
)

// page is the state of one page of entities in the native profile. It is
// dropped once the page is written, so memory does not grow with the
// export.
type page struct {
	roots []*sobj
	rels  []*sobj // relationships and sightings of the roots (full mode)
	// order holds every object read for the page, in reading order; objs
	// indexes them by STIX id.
	order []*sobj
	objs  map[string]*sobj
	// visible records, by STIX or internal id, whether the requester may
	// read an object through the access filter; a missing id was not
	// checked.
	visible  map[string]bool
	dropped  map[string]bool
	emitting map[string]bool
	// relsOf lists the relationships of each root, by its internal id.
	relsOf  map[string][]*sobj
	rootIDs map[string]bool
}

// parse reads an object's STIX JSON. It returns nil for an element without
// STIX (the platform writes none when the requester may not see it) and
// for one without id, which is left out.
func (p *page) parse(ctx context.Context, r *run, internalID string, stix json.RawMessage) (
	*sobj, error) {
	if len(stix) == 0 {
		return nil, nil
	}
	o, err := parseStix(stix)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", internalID, err)
	}
	o.internalID = internalID
	if o.id == "" {
		r.drop(ctx, internalID, o.typ, "the object has no standard id")
		return nil, nil
	}
	return o, nil
}

// add records o in the page and reports whether it was new.
func (p *page) add(o *sobj, ids ...string) bool {
	for _, id := range ids {
		if id != "" {
			p.visible[id] = true
		}
	}
	if _, dup := p.objs[o.id]; dup {
		return false
	}
	p.visible[o.id] = true
	p.objs[o.id] = o
	p.order = append(p.order, o)
	return true
}

// addRoot adds an entity to export.
func (p *page) addRoot(ctx context.Context, r *run, internalID string, stix json.RawMessage) error {
	o, err := p.parse(ctx, r, internalID, stix)
	if o == nil || err != nil {
		return err
	}
	if p.add(o, internalID) {
		p.roots = append(p.roots, o)
		p.rootIDs[internalID] = true
	}
	return nil
}

// addObject adds an object read because a root refers to it.
func (p *page) addObject(ctx context.Context, r *run, internalID, standardID string,
	stix json.RawMessage) error {
	o, err := p.parse(ctx, r, internalID, stix)
	if o == nil || err != nil {
		return err
	}
	p.add(o, internalID, standardID)
	return nil
}

// addRelationship adds a relationship or sighting of the roots and files
// it under each root it touches.
func (p *page) addRelationship(ctx context.Context, r *run, rel pycti.Relationship) error {
	o, err := p.parse(ctx, r, rel.ID, rel.Stix)
	if o == nil || err != nil {
		return err
	}
	o.fromID, o.toID = rel.FromID, rel.ToID
	if !p.add(o, rel.ID) {
		return nil
	}
	p.rels = append(p.rels, o)
	for _, id := range []string{rel.FromID, rel.ToID} {
		if p.rootIDs[id] {
			p.relsOf[id] = append(p.relsOf[id], o)
			if rel.FromID == rel.ToID {
				break
			}
		}
	}
	return nil
}

// wanted returns the ids of the objects the roots bring along: their
// authors, and in full mode every object they refer to and the ends and
// authors of their relationships.
func (p *page) wanted(full bool) []string {
	var ids []string
	for _, root := range p.roots {
		if !full {
			if root.author != "" {
				ids = append(ids, root.author)
			}
			continue
		}
		for _, r := range root.refs {
			ids = append(ids, r.id)
		}
	}
	if full {
		for _, rel := range p.rels {
			ids = append(ids, rel.ends()...)
			if rel.author != "" {
				ids = append(ids, rel.author)
			}
		}
	}
	return ids
}

// neighbourAuthors returns the authors of the objects read for the roots.
func (p *page) neighbourAuthors() []string {
	var ids []string
	for _, o := range p.order {
		if o.author != "" {
			ids = append(ids, o.author)
		}
	}
	return ids
}

// gone returns the test for references to drop from an object: to
// objects the requester may not see and to objects left out.
func (p *page) gone(em *emitter) func(string) bool {
	return func(id string) bool {
		return p.dropped[id] || (!p.visible[id] && !em.written(id))
	}
}

// decideDrops leaves out every object that would lose a required
// reference, until no more goes: a relationship whose end is left out
// goes too.
func (p *page) decideDrops(em *emitter, report func(o *sobj, reason string)) {
	gone := p.gone(em)
	for changed := true; changed; {
		changed = false
		for _, o := range p.order {
			if p.dropped[o.id] {
				continue
			}
			if key, lost := o.missingRequired(gone); lost {
				p.dropped[o.id] = true
				changed = true
				report(o, key+" names an object that the requester may not see, "+
					"or that is left out")
			}
		}
	}
}
