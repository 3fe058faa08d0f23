package pycti

import (
	"context"
	"encoding/json"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// RawFiles selects the attached files that the raw reads return with each
// node (importFiles of the object and of each external reference).
type RawFiles struct {
	// All selects the files of every node, as full exports of the pycti
	// dialect read them.
	All bool
	// Legacy selects them, even when All is false, for the types pycti 7.260817.0
	// always reads with files: languages, opinions, tasks, threat actors,
	// tools, vulnerabilities and artifacts, and the external references of
	// core relationships.
	Legacy bool
}

func rawNode(n json.RawMessage) json.RawMessage { return n }

// RawObjects lists domain objects and observables as raw JSON nodes with
// the fields pycti selects for each type (package stixconv converts them to
// STIX). ListOptions.Types narrows the entity types; ByIDs reads many ids
// of mixed types in one request per batch. Get is not supported.
func (c *Client) RawObjects(files RawFiles) Collection[json.RawMessage] {
	call := func(ctx context.Context, c *Client, a listArgs, o ListOptions) (
		*gen.PyctiCoreObjectsResponse, error) {
		by, mode := ordering[gen.StixCoreObjectsOrdering](o)
		return gen.PyctiCoreObjects(ctx, c, a.first, a.after, a.filters, o.Search, o.Types,
			by, mode, files.All, files.Legacy)
	}
	page := func(r *gen.PyctiCoreObjectsResponse) Page[json.RawMessage] {
		return pageOf(r.StixCoreObjects.Edges, r.StixCoreObjects.PageInfo, rawNode)
	}
	return Collection[json.RawMessage]{name: "raw stix core objects", c: c, list: lister(call, page)}
}

// RawCoreRelationships lists core relationships as raw JSON nodes with the
// fields pycti selects, both ends inline. ListOptions.FromOrToID selects
// the relationships touching the given internal ids. Get is not supported.
func (c *Client) RawCoreRelationships(files RawFiles) Collection[json.RawMessage] {
	call := func(ctx context.Context, c *Client, a listArgs, o ListOptions) (
		*gen.PyctiCoreRelationshipsResponse, error) {
		by, mode := ordering[gen.StixCoreRelationshipsOrdering](o)
		return gen.PyctiCoreRelationships(ctx, c, a.first, a.after, a.filters, o.Search,
			o.FromOrToID, by, mode, files.All, files.Legacy)
	}
	page := func(r *gen.PyctiCoreRelationshipsResponse) Page[json.RawMessage] {
		return pageOf(r.StixCoreRelationships.Edges, r.StixCoreRelationships.PageInfo, rawNode)
	}
	return Collection[json.RawMessage]{name: "raw stix core relationships", c: c,
		list: lister(call, page)}
}

// RawSightingRelationships lists sightings as raw JSON nodes with the
// fields pycti selects, both ends inline. ListOptions.FromOrToID takes one
// id. Get is not supported.
func (c *Client) RawSightingRelationships() Collection[json.RawMessage] {
	call := func(ctx context.Context, c *Client, a listArgs, o ListOptions) (
		*gen.PyctiSightingRelationshipsResponse, error) {
		fromOrTo, err := one("fromOrToId", o.FromOrToID)
		if err != nil {
			return nil, err
		}
		by, mode := ordering[gen.StixSightingRelationshipsOrdering](o)
		return gen.PyctiSightingRelationships(ctx, c, a.first, a.after, a.filters, o.Search,
			fromOrTo, by, mode)
	}
	page := func(r *gen.PyctiSightingRelationshipsResponse) Page[json.RawMessage] {
		conn := r.StixSightingRelationships
		return pageOf(conn.Edges, conn.PageInfo, rawNode)
	}
	return Collection[json.RawMessage]{name: "raw stix sighting relationships", c: c,
		list: lister(call, page)}
}

// RawNestedRefRelationships lists the ref relationships behind nested
// *_ref and *_refs properties as raw JSON nodes, with both ends (the from
// end's id identifies the object a ref belongs to). ListOptions.FromID takes
// one internal id; a filter on the fromId key can select several. Search,
// ordering and ListOptions.Types are ignored. Get is not supported.
func (c *Client) RawNestedRefRelationships() Collection[json.RawMessage] {
	call := func(ctx context.Context, c *Client, a listArgs, o ListOptions) (
		*gen.PyctiNestedRefRelationshipsResponse, error) {
		from, err := one("fromId", o.FromID)
		if err != nil {
			return nil, err
		}
		return gen.PyctiNestedRefRelationships(ctx, c, a.first, a.after, a.filters, from)
	}
	page := func(r *gen.PyctiNestedRefRelationshipsResponse) Page[json.RawMessage] {
		conn := r.StixNestedRefRelationships
		return pageOf(conn.Edges, conn.PageInfo, rawNode)
	}
	return Collection[json.RawMessage]{name: "raw stix nested ref relationships", c: c,
		list: lister(call, page)}
}

// ExistingIDs reports which of the given ids (internal, standard or STIX)
// match an object or relationship that this view may see once filters
// (the export's marking restriction, nil for none) also applies. Each
// element found is keyed by its internal and its standard id. The ids go
// in batched ids filters of DefaultPageSize, and only ids are selected, so
// it is the cheap existence check of relationship ends.
func (c *Client) ExistingIDs(ctx context.Context, ids []string, filters *FilterGroup) (
	map[string]bool, error) {
	return c.ExistingIDsBatched(ctx, ids, filters, DefaultPageSize)
}

// ExistingIDsBatched is ExistingIDs with batchSize ids (1 to MaxPageSize)
// in each request's ids filter.
func (c *Client) ExistingIDsBatched(ctx context.Context, ids []string, filters *FilterGroup,
	batchSize int) (map[string]bool, error) {
	call := func(ctx context.Context, c *Client, a listArgs, _ ListOptions) (
		*gen.PyctiExistingIDsResponse, error) {
		return gen.PyctiExistingIDs(ctx, c, a.first, a.after, a.filters)
	}
	page := func(r *gen.PyctiExistingIDsResponse) Page[*gen.Node] {
		conn := r.StixObjectOrStixRelationships
		return pageOf(conn.Edges, conn.PageInfo, func(n *gen.Node) *gen.Node { return n })
	}
	col := Collection[*gen.Node]{name: "existing ids", c: c, list: lister(call, page)}
	found := make(map[string]bool, len(ids))
	for n, err := range col.ByIDs(ctx, ids, ListOptions{Filters: filters, First: batchSize}) {
		if err != nil {
			return nil, err
		}
		if n == nil {
			continue
		}
		found[n.ID] = true
		if n.StandardID != "" {
			found[n.StandardID] = true
		}
	}
	return found, nil
}
