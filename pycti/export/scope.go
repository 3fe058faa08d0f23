package export

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"github.com/opencti-go/sdk/pycti"
)

// run is the state of one export.
type run struct {
	x      *Exporter
	req    *Request
	reader *pycti.Client // the applicant's view: every read goes through it
	em     *emitter
	p      profile
	// notFound are selected ids the requester could not read.
	notFound []string
	pages    int
}

// profile builds the objects of one output dialect. Each method reads the
// entities it is given in batches and emits them with what the export's
// mode adds.
type profile interface {
	// single exports one entity, read by id.
	single(ctx context.Context, id string, kind listKind) error
	// selection exports one page of listed elements of mixed kinds.
	selection(ctx context.Context, page []pycti.Object) error
	// query exports every element of a list query, a page at a time.
	query(ctx context.Context, q listQuery) error
}

// listQuery is the list of a query export, normalised.
type listQuery struct {
	kind listKind
	opts pycti.ListOptions
}

func (r *run) execute(ctx context.Context) error {
	switch r.req.Scope {
	case ScopeSingle:
		return r.p.single(ctx, r.req.EntityID, entityKind(r.req.EntityType))
	case ScopeSelection:
		return r.selection(ctx)
	}
	return r.p.query(ctx, r.queryList(ctx))
}

// accessOptions returns list options restricted by the access filter.
func (r *run) accessOptions() pycti.ListOptions {
	return pycti.ListOptions{Filters: r.req.AccessFilter, First: r.x.opts.BatchSize}
}

// selection lists the selected elements with the main filter, as the
// requester, and exports them a page at a time in list order. An empty
// selection exports nothing: it is not "no filter".
func (r *run) selection(ctx context.Context) error {
	if len(r.req.SelectedIDs) == 0 {
		return nil
	}
	filter := pycti.And(pycti.IDs(r.req.SelectedIDs...), r.req.MainFilter, r.req.AccessFilter)
	found := map[string]bool{}
	var page []pycti.Object
	flush := func() error {
		err := r.p.selection(ctx, page)
		page = page[:0]
		return err
	}
	opts := pycti.ListOptions{Filters: filter, First: r.x.opts.PageSize}
	for obj, err := range r.reader.StixObjectOrStixRelationships().All(ctx, opts) {
		if err != nil {
			return err
		}
		if obj.ID == "" {
			continue
		}
		found[obj.ID], found[obj.StandardID] = true, true
		page = append(page, obj)
		if len(page) == r.x.opts.PageSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if len(page) > 0 {
		if err := flush(); err != nil {
			return err
		}
	}
	for _, id := range r.req.SelectedIDs {
		if !found[id] {
			r.notFound = append(r.notFound, id)
		}
	}
	if len(r.notFound) > 0 {
		r.x.log.LogAttrs(ctx, slog.LevelWarn, "selected ids not found",
			slog.Any("ids", r.notFound), slog.String("file_name", r.req.FileName))
	}
	return nil
}

// queryList builds the list of a query export: the listed type, the list
// filters combined with the access filter, the search, and the order.
func (r *run) queryList(ctx context.Context) listQuery {
	q := listQuery{kind: entityKind(r.req.EntityType)}
	p := r.req.ListParams
	if p == nil {
		p = &ListParams{}
	}
	filters := pycti.And(p.Filters, r.req.AccessFilter)
	if q.kind == kindCoreRelationship &&
		!strings.EqualFold(r.req.EntityType, "stix-core-relationship") {
		// A relationship type such as "uses" lists that type only.
		filters = pycti.And(filters, pycti.AllOf(pycti.Where("relationship_type",
			r.req.EntityType)))
	}
	q.opts = pycti.ListOptions{Filters: filters, Search: p.Search, First: r.x.opts.PageSize,
		OrderBy: p.OrderBy, OrderMode: pycti.OrderMode(p.OrderMode)}
	if q.kind == kindObject {
		q.opts.Types = queryTypes(r.req.EntityType)
	}
	list := map[listKind]string{kindObject: "stixCoreObjects",
		kindCoreRelationship: "stixCoreRelationships",
		kindSighting:         "stixSightingRelationships"}[q.kind]
	switch {
	case q.opts.OrderBy == "" || q.opts.OrderBy == "_score":
		q.opts.OrderBy = "created_at"
		if q.opts.OrderMode == "" {
			q.opts.OrderMode = pycti.Descending
		}
	case !slices.Contains(pycti.OrderingFields(list), q.opts.OrderBy):
		r.x.log.LogAttrs(ctx, slog.LevelWarn, "sort field not supported, sorting by created_at",
			slog.String("order_by", q.opts.OrderBy), slog.String("list", list))
		q.opts.OrderBy = "created_at"
	}
	if q.opts.OrderMode != "" && q.opts.OrderMode != pycti.Ascending &&
		q.opts.OrderMode != pycti.Descending {
		q.opts.OrderMode = pycti.OrderMode(strings.ToLower(string(q.opts.OrderMode)))
	}
	return q
}

// logPage logs one page at debug level.
func (r *run) logPage(ctx context.Context, roots, relationships, neighbours int) {
	r.pages++
	r.x.log.LogAttrs(ctx, slog.LevelDebug, "export page", slog.Int("page", r.pages),
		slog.Int("entities", roots), slog.Int("relationships", relationships),
		slog.Int("neighbours", neighbours), slog.Int("objects", r.em.objects))
}

// maxDropLogs is how many left-out objects an export logs one by one; the
// rest are counted in Result.Dropped.
const maxDropLogs = 20

// drop counts an object left out and logs it.
func (r *run) drop(ctx context.Context, id, typ, reason string) {
	r.em.dropped++
	switch {
	case r.em.dropped <= maxDropLogs:
		r.x.log.LogAttrs(ctx, slog.LevelWarn, "object left out", slog.String("id", id),
			slog.String("type", typ), slog.String("reason", reason))
	case r.em.dropped == maxDropLogs+1:
		r.x.log.LogAttrs(ctx, slog.LevelWarn, "more objects left out, counting them",
			slog.String("file_name", r.req.FileName))
	}
}
