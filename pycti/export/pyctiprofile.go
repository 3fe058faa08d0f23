package export

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/stixconv"
)

// pyctiProfile exports the Python connector's dialect: each entity is read
// with pycti's field selections and converted on the client by package
// stixconv. The reads are batched as in the native profile. A page of
// entities costs one read of nested refs and one visibility check. Full
// mode adds the relationship lists, one read per kind of neighbour, and
// the neighbours' nested refs and visibility check.
type pyctiProfile struct {
	r      *run
	compat stixconv.Compat
}

func newPyctiProfile(r *run) *pyctiProfile {
	return &pyctiProfile{r: r, compat: r.x.opts.Compat}
}

// files returns the file selection of roots (all files in full mode) or of
// the other objects (only those pycti always reads, with Compat.LegacyFiles).
func (pp *pyctiProfile) files(root bool) pycti.RawFiles {
	return pycti.RawFiles{All: root && pp.r.req.Mode == ModeFull, Legacy: pp.compat.LegacyFiles}
}

// collection returns the reader of one kind of element.
func (pp *pyctiProfile) collection(kind listKind, root bool) pycti.Collection[json.RawMessage] {
	switch kind {
	case kindCoreRelationship:
		return pp.r.reader.RawCoreRelationships(pp.files(root))
	case kindSighting:
		return pp.r.reader.RawSightingRelationships()
	}
	return pp.r.reader.RawObjects(pp.files(root))
}

// read reads elements of one kind by id through the access filter.
func (pp *pyctiProfile) read(ctx context.Context, kind listKind, ids []string, root bool) (
	[]*rawNode, error) {
	var out []*rawNode
	for raw, err := range pp.collection(kind, root).ByIDs(ctx, ids, pp.r.accessOptions()) {
		if err != nil {
			return nil, err
		}
		n, err := parseNode(raw, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func (pp *pyctiProfile) single(ctx context.Context, id string, kind listKind) error {
	roots, err := pp.read(ctx, kind, []string{id}, true)
	if err != nil {
		return err
	}
	if len(roots) == 0 {
		pp.r.x.log.LogAttrs(ctx, slog.LevelWarn, "entity not found or not visible, exporting an empty bundle",
			slog.String("entity_id", id))
		return nil
	}
	return pp.page(ctx, roots)
}

// selection reads the listed elements again with pycti's selections, as
// the requester, and exports them in list order.
func (pp *pyctiProfile) selection(ctx context.Context, list []pycti.Object) error {
	byKind := map[listKind][]string{}
	for _, o := range list {
		k := kindOfParents(o.EntityType, o.ParentTypes)
		byKind[k] = append(byKind[k], o.ID)
	}
	read := map[string]*rawNode{}
	for _, kind := range []listKind{kindObject, kindCoreRelationship, kindSighting} {
		if len(byKind[kind]) == 0 {
			continue
		}
		nodes, err := pp.read(ctx, kind, byKind[kind], true)
		if err != nil {
			return err
		}
		for _, n := range nodes {
			read[n.head.ID] = n
		}
	}
	var roots []*rawNode
	for _, o := range list {
		if n := read[o.ID]; n != nil {
			roots = append(roots, n)
		}
	}
	return pp.page(ctx, roots)
}

func (pp *pyctiProfile) query(ctx context.Context, q listQuery) error {
	var page []*rawNode
	for raw, err := range pp.collection(q.kind, true).All(ctx, q.opts) {
		if err != nil {
			return err
		}
		n, err := parseNode(raw, q.kind)
		if err != nil {
			return err
		}
		if page = append(page, n); len(page) == pp.r.x.opts.PageSize {
			if err := pp.page(ctx, page); err != nil {
				return err
			}
			page = nil
		}
	}
	if len(page) == 0 {
		return nil
	}
	return pp.page(ctx, page)
}

// page converts and writes a page of roots, expanded in full mode.
func (pp *pyctiProfile) page(ctx context.Context, roots []*rawNode) error {
	res := newBatchResolver(pp.r)
	if pp.r.req.Mode != ModeFull {
		converted, err := pp.convert(ctx, res, roots)
		if err != nil {
			return err
		}
		pp.r.logPage(ctx, len(roots), 0, 0)
		for _, c := range converted {
			if err := pp.emit(ctx, c.Objects); err != nil {
				return err
			}
		}
		return nil
	}
	relNodes, err := pp.relationships(ctx, roots)
	if err != nil {
		return err
	}
	// Roots and relationships are prepared together: one nested-refs read
	// and one visibility check for both.
	converted, err := pp.convert(ctx, res, append(slices.Clip(roots), relNodes...))
	if err != nil {
		return err
	}
	converted, rels := converted[:len(roots)], converted[len(roots):]
	relsOf := fileRelationships(roots, converted, relNodes, rels)
	todos := make([][]stixconv.Ref, len(roots))
	for i, c := range converted {
		if c.Dropped == "" {
			todos[i] = stixconv.Todo(c, relsOf[c.InternalID])
		}
	}
	neighbours, err := pp.neighbours(ctx, res, todos)
	if err != nil {
		return err
	}
	pp.r.logPage(ctx, len(roots), len(rels), len(neighbours))
	for i, c := range converted {
		if c.Dropped != "" {
			continue
		}
		todo := make([]*stixconv.Result, len(todos[i]))
		for j, ref := range todos[i] {
			todo[j] = neighbours[ref.ID]
		}
		if err := pp.emit(ctx, stixconv.Expand(c, relsOf[c.InternalID], todo, pp.compat)); err != nil {
			return err
		}
	}
	return nil
}

// convert prepares and converts nodes in simple mode, in order. A node the
// fixed dialect drops is counted and logged, and keeps its place as a
// Result without objects.
func (pp *pyctiProfile) convert(ctx context.Context, res *batchResolver, nodes []*rawNode) (
	[]*stixconv.Result, error) {
	if err := res.prepare(ctx, nodes); err != nil {
		return nil, err
	}
	opts := stixconv.Options{Compat: pp.compat, Resolver: res}
	out := make([]*stixconv.Result, len(nodes))
	for i, n := range nodes {
		c, err := stixconv.Convert(ctx, n.raw, opts)
		if err != nil {
			return nil, err
		}
		if c.Dropped != "" {
			pp.r.drop(ctx, c.InternalID, c.EntityType, c.Dropped)
		}
		out[i] = c
	}
	return out, nil
}

// relationships lists the relationships and sightings of the roots.
func (pp *pyctiProfile) relationships(ctx context.Context, roots []*rawNode) ([]*rawNode, error) {
	var ids []string
	for _, n := range roots {
		if n.head.ID != "" {
			ids = append(ids, n.head.ID)
		}
	}
	var nodes []*rawNode
	seen := map[string]bool{}
	for chunk := range slices.Chunk(ids, pp.r.x.opts.BatchSize) {
		core := pp.r.accessOptions()
		core.FromOrToID = chunk
		sightings := pp.r.accessOptions()
		sightings.Filters = pycti.And(pycti.AllOf(pycti.Where("fromOrToId", chunk...)),
			sightings.Filters)
		for _, l := range []struct {
			kind listKind
			opts pycti.ListOptions
		}{{kindCoreRelationship, core}, {kindSighting, sightings}} {
			for raw, err := range pp.collection(l.kind, false).All(ctx, l.opts) {
				if err != nil {
					return nil, err
				}
				n, err := parseNode(raw, l.kind)
				if err != nil {
					return nil, err
				}
				if !seen[n.head.ID] {
					seen[n.head.ID] = true
					nodes = append(nodes, n)
				}
			}
		}
	}
	return nodes, nil
}

// fileRelationships files the converted relationships under each root
// they touch, leaving out those of dropped roots.
func fileRelationships(roots []*rawNode, converted []*stixconv.Result, relNodes []*rawNode,
	rels []*stixconv.Result) map[string][]*stixconv.Result {
	isRoot := map[string]bool{}
	for i, n := range roots {
		if converted[i].Dropped == "" && n.head.ID != "" {
			isRoot[n.head.ID] = true
		}
	}
	relsOf := map[string][]*stixconv.Result{}
	for i, n := range relNodes {
		from, to := n.head.From.id(), n.head.To.id()
		if isRoot[from] {
			relsOf[from] = append(relsOf[from], rels[i])
		}
		if isRoot[to] && to != from {
			relsOf[to] = append(relsOf[to], rels[i])
		}
	}
	return relsOf
}

// neighbours reads and converts the to-do objects of every root, one
// batched read per kind, and returns them by the id each to-do list names
// them with (internal or standard id).
func (pp *pyctiProfile) neighbours(ctx context.Context, res *batchResolver,
	todos [][]stixconv.Ref) (map[string]*stixconv.Result, error) {
	byKind := map[stixconv.Kind][]string{}
	asked := map[string]bool{}
	for _, todo := range todos {
		for _, ref := range todo {
			if !asked[ref.ID] {
				asked[ref.ID] = true
				byKind[ref.Kind] = append(byKind[ref.Kind], ref.ID)
			}
		}
	}
	kinds := map[stixconv.Kind]listKind{stixconv.KindObject: kindObject,
		stixconv.KindCoreRelationship: kindCoreRelationship, stixconv.KindSighting: kindSighting}
	var nodes []*rawNode
	for _, k := range []stixconv.Kind{stixconv.KindObject, stixconv.KindCoreRelationship,
		stixconv.KindSighting} {
		if len(byKind[k]) == 0 {
			continue
		}
		read, err := pp.read(ctx, kinds[k], byKind[k], false)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, read...)
	}
	converted, err := pp.convert(ctx, res, nodes)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*stixconv.Result, 2*len(nodes))
	for i, n := range nodes {
		out[n.head.ID] = converted[i]
		if n.head.StandardID != "" {
			out[n.head.StandardID] = converted[i]
		}
	}
	return out, nil
}

// emit writes converted objects; the emitter skips ids already written.
func (pp *pyctiProfile) emit(ctx context.Context, objs []*stixconv.Object) error {
	for _, o := range objs {
		if err := pp.r.em.emit(ctx, o.ID(), o.JSON()); err != nil {
			return err
		}
	}
	return nil
}
