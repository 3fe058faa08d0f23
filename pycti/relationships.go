package pycti

import (
	"context"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// relationshipFields is what the generated relationship nodes share.
type relationshipFields interface {
	GetId() string
	GetStandard_id() string
	GetEntity_type() string
	GetRelationship_type() string
	GetToStix() string
	GetFrom() *gen.Node
	GetTo() *gen.Node
}

func relationshipOf[N relationshipFields](n N) Relationship {
	return Relationship{ID: n.GetId(), StandardID: n.GetStandard_id(), EntityType: n.GetEntity_type(),
		RelationshipType: n.GetRelationship_type(), Stix: stixJSON(n.GetToStix()),
		From: nodeRef(n.GetFrom()), To: nodeRef(n.GetTo())}
}

func coreRelationship(n gen.CoreRelationshipNode) Relationship {
	r := relationshipOf(&n)
	r.FromID, r.FromType, r.ToID, r.ToType = n.FromId, n.FromType, n.ToId, n.ToType
	return r
}

func sighting(n gen.SightingRelationshipNode) Relationship {
	r := relationshipOf(&n)
	r.FromID, r.FromType, r.ToID, r.ToType = n.FromId, n.FromType, n.ToId, n.ToType
	return r
}

func refRelationship(n gen.RefRelationshipNode) Relationship {
	r := relationshipOf(&n)
	if r.From != nil {
		r.FromID, r.FromType = r.From.ID, r.From.EntityType
	}
	if r.To != nil {
		r.ToID, r.ToType = r.To.ID, r.To.EntityType
	}
	return r
}

// StixCoreRelationships lists core relationships with both ends inline.
// ListOptions.FromOrToID, FromID, ToID and RelationshipTypes select them;
// the platform's dataloader reads a shared end once per request.
func (c *Client) StixCoreRelationships() Collection[Relationship] {
	return Collection[Relationship]{name: "stix core relationships", c: c,
		list: func(ctx context.Context, c *Client, o ListOptions) (Page[Relationship], error) {
			a, err := argsOf(o)
			if err != nil {
				return Page[Relationship]{}, err
			}
			r, err := gen.StixCoreRelationships(ctx, c, a.first, a.after, a.filters, o.Search,
				o.FromOrToID, o.FromID, o.ToID, o.RelationshipTypes,
				gen.StixCoreRelationshipsOrdering(o.OrderBy), gen.OrderingMode(o.OrderMode))
			if err != nil {
				return Page[Relationship]{}, err
			}
			conn := r.StixCoreRelationships
			return pageOf(conn.Edges, conn.PageInfo, coreRelationship), nil
		},
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.StixCoreRelationshipResponse, error) {
			return gen.StixCoreRelationship(ctx, c, id)
		}, func(r *gen.StixCoreRelationshipResponse) (Relationship, string) {
			return coreRelationship(r.StixCoreRelationship), r.StixCoreRelationship.Id
		}),
	}
}

// StixSightingRelationships lists sightings with both ends inline: From is
// the sighted object, To where it was sighted. ListOptions.FromOrToID,
// FromID and ToID take one id each.
func (c *Client) StixSightingRelationships() Collection[Relationship] {
	return Collection[Relationship]{name: "stix sighting relationships", c: c,
		list: func(ctx context.Context, c *Client, o ListOptions) (Page[Relationship], error) {
			a, err := argsOf(o)
			if err != nil {
				return Page[Relationship]{}, err
			}
			ends, err := singleEnds(o)
			if err != nil {
				return Page[Relationship]{}, err
			}
			r, err := gen.StixSightingRelationships(ctx, c, a.first, a.after, a.filters, o.Search,
				ends[0], ends[1], ends[2], gen.StixSightingRelationshipsOrdering(o.OrderBy),
				gen.OrderingMode(o.OrderMode))
			if err != nil {
				return Page[Relationship]{}, err
			}
			conn := r.StixSightingRelationships
			return pageOf(conn.Edges, conn.PageInfo, sighting), nil
		},
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.StixSightingRelationshipResponse, error) {
			return gen.StixSightingRelationship(ctx, c, id)
		}, func(r *gen.StixSightingRelationshipResponse) (Relationship, string) {
			return sighting(r.StixSightingRelationship), r.StixSightingRelationship.Id
		}),
	}
}

// StixNestedRefRelationships lists the ref relationships behind objects'
// nested *_ref and *_refs properties (an email's from_ref, a malware's
// sample_refs), with both ends inline. ListOptions.FromOrToID, FromID and
// ToID take one id each. Get is not supported.
func (c *Client) StixNestedRefRelationships() Collection[Relationship] {
	return Collection[Relationship]{name: "stix nested ref relationships", c: c,
		list: func(ctx context.Context, c *Client, o ListOptions) (Page[Relationship], error) {
			a, err := argsOf(o)
			if err != nil {
				return Page[Relationship]{}, err
			}
			ends, err := singleEnds(o)
			if err != nil {
				return Page[Relationship]{}, err
			}
			r, err := gen.StixNestedRefRelationships(ctx, c, a.first, a.after, a.filters, o.Search,
				ends[0], ends[1], ends[2], o.RelationshipTypes,
				gen.StixRefRelationshipsOrdering(o.OrderBy), gen.OrderingMode(o.OrderMode))
			if err != nil {
				return Page[Relationship]{}, err
			}
			conn := r.StixNestedRefRelationships
			return pageOf(conn.Edges, conn.PageInfo, refRelationship), nil
		},
	}
}

func singleEnds(o ListOptions) ([3]string, error) {
	var ends [3]string
	var err error
	for i, e := range []struct {
		name string
		ids  []string
	}{{"fromOrToId", o.FromOrToID}, {"fromId", o.FromID}, {"toId", o.ToID}} {
		if ends[i], err = one(e.name, e.ids); err != nil {
			return ends, err
		}
	}
	return ends, nil
}
