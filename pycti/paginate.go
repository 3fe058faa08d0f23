package pycti

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// Page sizes. The platform returns DefaultPageSize items when a list call
// sends no size, and refuses more than MaxPageSize.
const (
	DefaultPageSize = 500
	MaxPageSize     = 5000
)

// OrderMode is the sort direction of a list.
type OrderMode string

// Sort directions.
const (
	Ascending  OrderMode = "asc"
	Descending OrderMode = "desc"
)

// ListOptions selects one page of a list. The zero value lists everything
// in the platform's default order, DefaultPageSize items at a time.
type ListOptions struct {
	// Filters is a FilterGroup; nil means no filter.
	Filters *FilterGroup
	// Search is a full-text search term; "" means none.
	Search string
	// Types restricts interface lists (core objects, domain objects,
	// observables, identities, container members) to entity types such as
	// "Malware"; other lists ignore it.
	Types []string
	// OrderBy is a field of the list's ordering enum, such as "created_at";
	// "" keeps the platform's order.
	OrderBy string
	// OrderMode is Ascending or Descending; "" keeps the platform's default.
	OrderMode OrderMode
	// First is the page size, at most MaxPageSize; 0 means DefaultPageSize.
	First int
	// After is the cursor to continue from: a previous page's EndCursor.
	After string

	// FromOrToID, FromID and ToID restrict relationship lists to
	// relationships touching, starting at or ending at the given internal
	// ids. Sighting and nested-ref lists accept one id in each.
	FromOrToID, FromID, ToID []string
	// RelationshipTypes restricts core and nested-ref relationship lists to
	// types such as "uses".
	RelationshipTypes []string
}

func (o ListOptions) pageSize() (int, error) {
	switch {
	case o.First == 0:
		return DefaultPageSize, nil
	case o.First < 0 || o.First > MaxPageSize:
		return 0, fmt.Errorf("page size %d is out of range: use 1 to %d", o.First, MaxPageSize)
	}
	return o.First, nil
}

// Page is one page of a list.
type Page[T any] struct {
	Items []T
	// EndCursor continues the list in ListOptions.After.
	EndCursor string
	// HasNextPage reports whether another page follows.
	HasNextPage bool
	// GlobalCount is the number of items the whole list holds.
	GlobalCount int
}

// Collection reads one kind of platform element through one client view:
// by id, one page at a time, or all pages as an iterator. A Collection is a
// small value, safe for concurrent use.
type Collection[T any] struct {
	name string
	c    *Client
	list func(context.Context, *Client, ListOptions) (Page[T], error)
	// get returns the element and false when the platform returns null.
	get func(context.Context, *Client, string) (T, bool, error)
}

// Get reads one element by internal id, standard id or STIX id. It returns
// an error matching ErrNotFound when the platform returns nothing, and
// errors.ErrUnsupported for lists that have no read by id.
func (col Collection[T]) Get(ctx context.Context, id string) (T, error) {
	var zero T
	if col.get == nil {
		return zero, fmt.Errorf("read %s %s by id: %w", col.name, id, errors.ErrUnsupported)
	}
	v, found, err := col.get(ctx, col.c, id)
	if err != nil {
		return zero, fmt.Errorf("read %s %s: %w", col.name, id, err)
	}
	if !found {
		return zero, fmt.Errorf("read %s %s: %w", col.name, id, ErrNotFound)
	}
	return v, nil
}

// List reads the page that opts select. Continue with opts.After set to the
// page's EndCursor while HasNextPage is true, or use All, which does that.
// It fails without a request when opts.First is outside 1 to MaxPageSize
// (0 means DefaultPageSize). A platform error is a *GraphQLError. For
// example, a filter key that no type has as a field fails with code
// UNSUPPORTED_ERROR, which matches ErrInvalidRequest.
func (col Collection[T]) List(ctx context.Context, opts ListOptions) (Page[T], error) {
	if _, err := opts.pageSize(); err != nil {
		return Page[T]{}, fmt.Errorf("list %s: %w", col.name, err)
	}
	p, err := col.list(ctx, col.c, opts)
	if err != nil {
		return Page[T]{}, fmt.Errorf("list %s: %w", col.name, err)
	}
	return p, nil
}

// All iterates over every element, from opts.After to the end, requesting
// the next page with the previous page's endCursor. A transient failure is
// retried on the same cursor by the client's retry policy, so no item is
// skipped or repeated. A page that repeats a cursor already sent, or an
// empty page that claims a next page, ends the iteration with a
// *PaginationError: the items yielded before it stay valid. Any other
// error also ends the iteration.
func (col Collection[T]) All(ctx context.Context, opts ListOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		sent := map[string]bool{}
		for page := 1; ; page++ {
			p, err := col.List(ctx, opts)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, item := range p.Items {
				if !yield(item, nil) {
					return
				}
			}
			if !p.HasNextPage {
				return
			}
			sent[opts.After] = true
			if reason := stuck(p, sent); reason != "" {
				yield(zero, &PaginationError{Operation: "list " + col.name, Cursor: p.EndCursor,
					Page: page, Reason: reason})
				return
			}
			opts.After = p.EndCursor
		}
	}
}

// stuck returns why a page that claims a next page cannot lead further, or
// "" when it can.
func stuck[T any](p Page[T], sent map[string]bool) string {
	switch {
	case len(p.Items) == 0:
		return "the page is empty but claims a next page"
	case p.EndCursor == "":
		return "the page claims a next page but has no end cursor"
	case sent[p.EndCursor]:
		return "the end cursor repeats a cursor already sent"
	}
	return ""
}

// ByIDs iterates over the elements whose ids (internal, standard or STIX)
// are given, in batches of opts.First (DefaultPageSize by default) ids,
// each read with an ids filter combined with opts.Filters. Ids that match
// nothing are skipped silently.
func (col Collection[T]) ByIDs(ctx context.Context, ids []string, opts ListOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		size, err := opts.pageSize()
		if err != nil {
			var zero T
			yield(zero, fmt.Errorf("list %s by ids: %w", col.name, err))
			return
		}
		for batch := range slices.Chunk(ids, size) {
			o := opts
			o.Filters = And(IDs(batch...), opts.Filters)
			o.After = ""
			for item, err := range col.All(ctx, o) {
				if !yield(item, err) || err != nil {
					return
				}
			}
		}
	}
}

// edgeOf is a generated edge type: a pointer to it returns the edge's node.
type edgeOf[E, N any] interface {
	*E
	GetNode() N
}

// pageOf converts a generated connection page.
func pageOf[E any, PE edgeOf[E, N], N, T any](edges []E, info gen.PageInfo, conv func(N) T) Page[T] {
	p := Page[T]{Items: make([]T, 0, len(edges)), EndCursor: info.EndCursor,
		HasNextPage: info.HasNextPage, GlobalCount: info.GlobalCount}
	for i := range edges {
		p.Items = append(p.Items, conv(PE(&edges[i]).GetNode()))
	}
	return p
}
