package export

import (
	"context"
	"encoding/json"
	"iter"
	"log/slog"
	"slices"

	"github.com/opencti-go/sdk/pycti"
)

// nativeProfile exports the platform's own STIX (toStix). A page of
// entities costs a few requests whatever its size. Full mode lists the
// entities' relationships and sightings, then reads the objects to add in
// one batched read and their authors in another. Both modes then check the
// remaining references in one batched existence check and read the
// marking definitions in one more read.
type nativeProfile struct {
	r *run
	// markings caches the marking definitions of the whole export by STIX
	// id; noMarking holds the ids the requester could not read.
	markings  map[string]json.RawMessage
	noMarking map[string]bool
}

func newNativeProfile(r *run) *nativeProfile {
	return &nativeProfile{r: r, markings: map[string]json.RawMessage{}, noMarking: map[string]bool{}}
}

func (n *nativeProfile) single(ctx context.Context, id string, _ listKind) error {
	p := n.newPage()
	if err := n.read(ctx, p, []string{id}, true); err != nil {
		return err
	}
	if len(p.roots) == 0 {
		n.r.x.log.LogAttrs(ctx, slog.LevelWarn, "entity not found or not visible, exporting an empty bundle",
			slog.String("entity_id", id))
		return nil
	}
	return n.page(ctx, p)
}

func (n *nativeProfile) selection(ctx context.Context, list []pycti.Object) error {
	p := n.newPage()
	for _, obj := range list {
		if err := p.addRoot(ctx, n.r, obj.ID, obj.Stix); err != nil {
			return err
		}
	}
	return n.page(ctx, p)
}

func (n *nativeProfile) query(ctx context.Context, q listQuery) error {
	switch q.kind {
	case kindCoreRelationship:
		return n.pages(ctx, relationshipRoots(n.r.reader.CoreRelationshipEnds().All(ctx, q.opts)))
	case kindSighting:
		return n.pages(ctx, relationshipRoots(n.r.reader.SightingRelationshipEnds().All(ctx, q.opts)))
	}
	return n.pages(ctx, objectRoots(n.r.reader.StixCoreObjects().All(ctx, q.opts)))
}

// listedRoot is one element of a query list.
type listedRoot struct {
	id   string
	stix json.RawMessage
}

func objectRoots(seq iter.Seq2[pycti.Object, error]) iter.Seq2[listedRoot, error] {
	return func(yield func(listedRoot, error) bool) {
		for o, err := range seq {
			if !yield(listedRoot{o.ID, o.Stix}, err) {
				return
			}
		}
	}
}

func relationshipRoots(seq iter.Seq2[pycti.Relationship, error]) iter.Seq2[listedRoot, error] {
	return func(yield func(listedRoot, error) bool) {
		for rel, err := range seq {
			if !yield(listedRoot{rel.ID, rel.Stix}, err) {
				return
			}
		}
	}
}

// pages exports a list a page at a time.
func (n *nativeProfile) pages(ctx context.Context, seq iter.Seq2[listedRoot, error]) error {
	p := n.newPage()
	count := 0
	for item, err := range seq {
		if err != nil {
			return err
		}
		if err := p.addRoot(ctx, n.r, item.id, item.stix); err != nil {
			return err
		}
		if count++; count == n.r.x.opts.PageSize {
			if err := n.page(ctx, p); err != nil {
				return err
			}
			p, count = n.newPage(), 0
		}
	}
	if count == 0 {
		return nil
	}
	return n.page(ctx, p)
}

// page exports the roots of p with what the mode adds.
func (n *nativeProfile) page(ctx context.Context, p *page) error {
	full := n.r.req.Mode == ModeFull
	if full {
		if err := n.relationships(ctx, p); err != nil {
			return err
		}
	}
	if err := n.read(ctx, p, p.wanted(full), false); err != nil {
		return err
	}
	if full {
		if err := n.read(ctx, p, p.neighbourAuthors(), false); err != nil {
			return err
		}
	}
	if err := n.check(ctx, p); err != nil {
		return err
	}
	if err := n.readMarkings(ctx, p); err != nil {
		return err
	}
	p.decideDrops(n.r.em, func(o *sobj, reason string) { n.r.drop(ctx, o.id, o.typ, reason) })
	n.r.logPage(ctx, len(p.roots), len(p.rels), len(p.order)-len(p.roots)-len(p.rels))
	for _, root := range p.roots {
		if err := n.emitRoot(ctx, p, root, full); err != nil {
			return err
		}
	}
	return nil
}

// emitRoot writes a root with its satellites, then in full mode its
// relationships and its neighbours. A root left out brings nothing.
func (n *nativeProfile) emitRoot(ctx context.Context, p *page, root *sobj, full bool) error {
	if err := n.emit(ctx, p, root); err != nil {
		return err
	}
	if !full || p.dropped[root.id] {
		return nil
	}
	rels := p.relsOf[root.internalID]
	for _, rel := range rels {
		if err := n.emit(ctx, p, rel); err != nil {
			return err
		}
	}
	for _, ref := range root.refs {
		if err := n.emit(ctx, p, p.objs[ref.id]); err != nil {
			return err
		}
	}
	for _, rel := range rels {
		if p.dropped[rel.id] {
			continue
		}
		for _, end := range rel.ends() {
			if err := n.emit(ctx, p, p.objs[end]); err != nil {
				return err
			}
		}
	}
	return nil
}

// emit writes an object after its marking definitions and its author,
// without the references to objects the requester may not see or that are
// left out.
func (n *nativeProfile) emit(ctx context.Context, p *page, o *sobj) error {
	em := n.r.em
	if o == nil || p.emitting[o.id] || p.dropped[o.id] || em.written(o.id) {
		return nil
	}
	p.emitting[o.id] = true
	for _, m := range o.markings {
		if raw, ok := n.markings[m]; ok {
			if err := em.emit(ctx, m, raw); err != nil {
				return err
			}
		}
	}
	if o.author != "" {
		if err := n.emit(ctx, p, p.objs[o.author]); err != nil {
			return err
		}
	}
	raw, err := o.final(p.gone(em))
	if err != nil {
		return err
	}
	return em.emit(ctx, o.id, raw)
}

// read reads objects of any kind by id, as the requester and through the
// access filter, and adds them to the page (as roots when asRoot). Ids
// that return nothing are recorded as not visible.
func (n *nativeProfile) read(ctx context.Context, p *page, ids []string, asRoot bool) error {
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool {
		_, checked := p.visible[id]
		return checked || n.r.em.written(id)
	})
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for obj, err := range n.r.reader.StixObjectOrStixRelationships().ByIDs(ctx, ids,
		n.r.accessOptions()) {
		if err != nil {
			return err
		}
		if asRoot {
			err = p.addRoot(ctx, n.r, obj.ID, obj.Stix)
		} else {
			err = p.addObject(ctx, n.r, obj.ID, obj.StandardID, obj.Stix)
		}
		if err != nil {
			return err
		}
	}
	for _, id := range ids {
		if _, ok := p.visible[id]; !ok {
			p.visible[id] = false
		}
	}
	return nil
}

// relationships lists the relationships and sightings of the page's roots
// through the access filter.
func (n *nativeProfile) relationships(ctx context.Context, p *page) error {
	var ids []string
	for _, root := range p.roots {
		if root.internalID != "" {
			ids = append(ids, root.internalID)
		}
	}
	for chunk := range slices.Chunk(ids, n.r.x.opts.BatchSize) {
		opts := n.r.accessOptions()
		opts.FromOrToID = chunk
		for _, list := range []pycti.Collection[pycti.Relationship]{
			n.r.reader.CoreRelationshipEnds(), n.r.reader.SightingRelationshipEnds()} {
			for rel, err := range list.All(ctx, opts) {
				if err != nil {
					return err
				}
				if err := p.addRelationship(ctx, n.r, rel); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// check reads which of the references still unknown the requester may
// see, in one batched existence check.
func (n *nativeProfile) check(ctx context.Context, p *page) error {
	var ids []string
	for _, o := range p.order {
		for _, r := range o.refs {
			if _, known := p.visible[r.id]; !known && !n.r.em.written(r.id) {
				ids = append(ids, r.id)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	found, err := n.r.reader.ExistingIDsBatched(ctx, ids, n.r.req.AccessFilter,
		n.r.x.opts.BatchSize)
	if err != nil {
		return err
	}
	for _, id := range ids {
		p.visible[id] = found[id]
	}
	return nil
}

// readMarkings reads the marking definitions the page's objects cite and
// that the export has not read yet.
func (n *nativeProfile) readMarkings(ctx context.Context, p *page) error {
	var ids []string
	for _, o := range p.order {
		for _, m := range o.markings {
			if _, ok := n.markings[m]; !ok && !n.noMarking[m] {
				ids = append(ids, m)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	opts := pycti.ListOptions{First: n.r.x.opts.BatchSize}
	for m, err := range n.r.reader.MarkingDefinitions().ByIDs(ctx, ids, opts) {
		if err != nil {
			return err
		}
		if m.Stix != nil {
			n.markings[m.StandardID] = m.Stix
		}
	}
	for _, id := range ids {
		if _, ok := n.markings[id]; !ok {
			// The reference stays on the object: dropping a marking would
			// understate how sensitive the object is.
			n.noMarking[id] = true
			n.r.x.log.LogAttrs(ctx, slog.LevelWarn, "marking definition not readable",
				slog.String("marking_id", id))
		}
	}
	return nil
}

func (n *nativeProfile) newPage() *page {
	return &page{objs: map[string]*sobj{}, visible: map[string]bool{}, dropped: map[string]bool{},
		emitting: map[string]bool{}, relsOf: map[string][]*sobj{}, rootIDs: map[string]bool{}}
}
