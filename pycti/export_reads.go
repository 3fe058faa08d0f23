package pycti

import (
	"context"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// Reads for the export engine (package pycti/export). Their relationship
// lists carry each relationship's STIX and the ids of its ends, but not the
// ends. An export then reads many ends in one batched ids filter instead of
// once per relationship.

func exportCoreRelationship(n gen.ExportCoreRelationshipNode) Relationship {
	return Relationship{ID: n.Id, StandardID: n.Standard_id, EntityType: n.Entity_type,
		RelationshipType: n.Relationship_type, FromID: n.FromId, ToID: n.ToId,
		Stix: stixJSON(n.ToStix)}
}

func exportSighting(n gen.ExportSightingRelationshipNode) Relationship {
	return Relationship{ID: n.Id, StandardID: n.Standard_id, EntityType: n.Entity_type,
		RelationshipType: "stix-sighting-relationship", FromID: n.FromId, ToID: n.ToId,
		Stix: stixJSON(n.ToStix)}
}

// CoreRelationshipEnds lists core relationships with their STIX 2.1 JSON
// and the internal ids of their ends (FromID, ToID). FromType, ToType, From
// and To stay empty: the types of ends that no longer exist would fail the
// whole list. ListOptions.FromOrToID selects the
// relationships touching any of many ids. Get is not supported.
func (c *Client) CoreRelationshipEnds() Collection[Relationship] {
	call := func(ctx context.Context, c *Client, a listArgs, o ListOptions) (
		*gen.ExportCoreRelationshipsResponse, error) {
		by, mode := ordering[gen.StixCoreRelationshipsOrdering](o)
		return gen.ExportCoreRelationships(ctx, c, a.first, a.after, a.filters, o.Search,
			o.FromOrToID, by, mode)
	}
	page := func(r *gen.ExportCoreRelationshipsResponse) Page[Relationship] {
		conn := r.StixCoreRelationships
		return pageOf(conn.Edges, conn.PageInfo, exportCoreRelationship)
	}
	return Collection[Relationship]{name: "stix core relationships", c: c, list: lister(call, page)}
}

// SightingRelationshipEnds lists sightings like CoreRelationshipEnds.
// FromID is the sighted object and ToID where it was sighted.
// ListOptions.FromOrToID selects the sightings touching any of many ids.
// It becomes a filter on the fromOrToId key, combined with
// ListOptions.Filters, because the list's own fromOrToId argument takes one
// id. Get is not supported.
//
// NOTE: the platform lists fromOrToId among the filter keys of core
// relationships; that sighting lists accept it too was checked against
// pyctitest only.
func (c *Client) SightingRelationshipEnds() Collection[Relationship] {
	call := func(ctx context.Context, c *Client, a listArgs, o ListOptions) (
		*gen.ExportSightingRelationshipsResponse, error) {
		by, mode := ordering[gen.StixSightingRelationshipsOrdering](o)
		return gen.ExportSightingRelationships(ctx, c, a.first, a.after, a.filters, o.Search,
			by, mode)
	}
	page := func(r *gen.ExportSightingRelationshipsResponse) Page[Relationship] {
		conn := r.StixSightingRelationships
		return pageOf(conn.Edges, conn.PageInfo, exportSighting)
	}
	list := lister(call, page)
	return Collection[Relationship]{name: "stix sighting relationships", c: c,
		list: func(ctx context.Context, c *Client, o ListOptions) (Page[Relationship], error) {
			if len(o.FromOrToID) > 0 {
				o.Filters = And(AllOf(Where("fromOrToId", o.FromOrToID...)), o.Filters)
				o.FromOrToID = nil
			}
			return list(ctx, c, o)
		}}
}

// OrderingFields returns the fields a list can be sorted by, which are the
// values of its ordering enum in the schema. It knows the lists
// "stixCoreObjects", "stixCoreRelationships" and "stixSightingRelationships"
// and returns nil for any other name. A list request with another field
// fails validation.
func OrderingFields(list string) []string {
	switch list {
	case "stixCoreObjects":
		return enumStrings(gen.AllStixCoreObjectsOrdering)
	case "stixCoreRelationships":
		return enumStrings(gen.AllStixCoreRelationshipsOrdering)
	case "stixSightingRelationships":
		return enumStrings(gen.AllStixSightingRelationshipsOrdering)
	}
	return nil
}

func enumStrings[E ~string](values []E) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = string(v)
	}
	return out
}
