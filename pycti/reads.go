package pycti

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// Object is a STIX object (domain object, observable, marking, label) or a
// relationship, as a list of mixed elements returns it. Fields that do not
// apply to the element's kind are empty.
type Object struct {
	ID          string   // internal id
	StandardID  string   // standard_id: the STIX id the platform exports
	EntityType  string   // entity_type, such as "Malware" or "IPv4-Addr"
	ParentTypes []string // parent_types, such as "Stix-Domain-Object"
	// ObservableValue is the display value of an observable.
	ObservableValue string
	// RelationshipType is set on relationships, such as "uses".
	RelationshipType string
	// Stix is the platform's STIX 2.1 JSON of the element (the toStix
	// field), nil when the platform returned none.
	Stix json.RawMessage
}

// Relationship is a core relationship, a sighting or a nested ref
// relationship, with its two ends.
type Relationship struct {
	ID               string
	StandardID       string
	EntityType       string // "stix-core-relationship", "stix-sighting-relationship", ...
	RelationshipType string // relationship_type, such as "uses"
	// FromID, FromType, ToID and ToType are the ends' internal ids and
	// entity types; nested ref relationships leave them empty and give the
	// ends in From and To only.
	FromID, FromType, ToID, ToType string
	// Stix is the relationship's STIX 2.1 JSON. The platform fails to
	// convert a relationship whose end the caller cannot see.
	Stix json.RawMessage
	// From and To are the ends with their own STIX 2.1 JSON, or nil when
	// the caller may not see them.
	From, To *Object
}

// Marking is a marking definition.
type Marking struct {
	ID, StandardID string
	DefinitionType string // definition_type, such as "TLP"
	Definition     string // definition, such as "TLP:GREEN"
	Order          int    // x_opencti_order
	Color          string // x_opencti_color
	Stix           json.RawMessage
}

// Label is a label.
type Label struct {
	ID, StandardID string
	Value, Color   string
	Stix           json.RawMessage
}

// ExternalReference is an external reference. The platform has no STIX
// form of it on its own: it appears inside the objects that cite it.
type ExternalReference struct {
	ID, StandardID string
	SourceName     string // source_name
	Description    string
	URL            string
	ExternalID     string // external_id
	Hash           string
}

// Identity is an organization, individual, sector, system or security
// platform.
type Identity struct {
	Object
	Name          string
	IdentityClass string // identity_class
}

// Report is a report. Its members are listed by ContainerObjects.
type Report struct {
	Object
	Name      string
	Published time.Time
}

// Indicator is an indicator as Client.Indicators reads it. Properties
// without a field here, such as labels, kill_chain_phases and
// external_references, are in the STIX JSON of Object.Stix.
type Indicator struct {
	Object
	Name        string
	Description string
	// Pattern is the detection pattern in the language of PatternType.
	Pattern        string
	PatternType    string   // pattern_type, such as "stix", "yara" or "sigma"
	PatternVersion string   // pattern_version, empty when unset
	IndicatorTypes []string // indicator_types, such as "malicious-activity"
	// ValidFrom and ValidUntil bound the time in which the indicator is
	// valid (valid_from, valid_until). Either is the zero time when unset.
	ValidFrom, ValidUntil time.Time
	// Score is x_opencti_score, from 0 to 100, or nil when unset.
	Score *int
	// Detection is x_opencti_detection, true when the indicator is meant
	// for detection tools.
	Detection bool
	// MainObservableType is x_opencti_main_observable_type, the observable
	// type the pattern matches, such as "IPv4-Addr".
	MainObservableType string
	// Confidence is the confidence from 0 to 100, or nil when unset.
	Confidence *int
	// Created and Modified are the STIX created and modified times.
	Created, Modified time.Time
	Revoked           bool
	// CreatedByID is the internal id of the author identity, empty when
	// the indicator has none or the caller may not see it.
	CreatedByID string
	// MarkingIDs are the internal ids of the marking definitions that the
	// caller may see.
	MarkingIDs []string
}

func stixJSON(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

// objectFields is what the generated object nodes share.
type objectFields interface {
	GetId() string
	GetStandard_id() string
	GetEntity_type() string
	GetParent_types() []string
	GetToStix() string
}

// objectOf converts a generated object node. Callers pass a pointer to
// their own copy of the node; converters of list items, which run for
// every item of a page, use newObject instead, because a pointer passed
// through the generic interface makes the node escape to the heap.
func objectOf[N objectFields](n N) Object {
	return newObject(n.GetId(), n.GetStandard_id(), n.GetEntity_type(), n.GetParent_types(),
		n.GetToStix())
}

func newObject(id, standardID, entityType string, parentTypes []string, toStix string) Object {
	return Object{ID: id, StandardID: standardID, EntityType: entityType,
		ParentTypes: parentTypes, Stix: stixJSON(toStix)}
}

func coreObject(n gen.CoreObjectNode) Object {
	return newObject(n.Id, n.Standard_id, string(n.Entity_type), n.Parent_types, n.ToStix)
}

func domainObject(n gen.DomainObjectNode) Object {
	return newObject(n.Id, n.Standard_id, string(n.Entity_type), n.Parent_types, n.ToStix)
}

func observable(n gen.ObservableNode) Object {
	o := newObject(n.Id, n.Standard_id, string(n.Entity_type), n.Parent_types, n.ToStix)
	o.ObservableValue = n.Observable_value
	return o
}

func nodeObject(n *gen.Node) Object {
	o := Object{ID: n.ID, StandardID: n.StandardID, EntityType: n.EntityType,
		ParentTypes: n.ParentTypes, ObservableValue: n.ObservableValue,
		RelationshipType: n.RelationshipType}
	if n.ToStix != nil {
		o.Stix = stixJSON(*n.ToStix)
	}
	return o
}

func nodeRef(n *gen.Node) *Object {
	if n == nil || n.ID == "" {
		return nil
	}
	o := nodeObject(n)
	return &o
}

// listArgs holds the variables every generated list operation takes.
type listArgs struct {
	first   int
	after   string
	filters json.RawMessage
}

func argsOf(o ListOptions) (listArgs, error) {
	first, err := o.pageSize()
	if err != nil {
		return listArgs{}, err
	}
	f, err := filtersJSON(o.Filters)
	return listArgs{first: first, after: o.After, filters: f}, err
}

// one returns the single id a sighting or nested-ref argument takes.
func one(name string, ids []string) (string, error) {
	switch len(ids) {
	case 0:
		return "", nil
	case 1:
		return ids[0], nil
	}
	return "", fmt.Errorf("%s takes one id on this list, got %d", name, len(ids))
}

// getOf adapts a read by id whose node is a struct: found when its id is
// set.
func getOf[R, T any](op func(context.Context, *Client, string) (R, error), conv func(R) (T, string)) func(
	context.Context, *Client, string) (T, bool, error) {
	return func(ctx context.Context, c *Client, id string) (T, bool, error) {
		var zero T
		r, err := op(ctx, c, id)
		if err != nil {
			return zero, false, err
		}
		v, gotID := conv(r)
		return v, gotID != "", nil
	}
}

// StixCoreObjects lists domain objects and observables.
func (c *Client) StixCoreObjects() Collection[Object] {
	return Collection[Object]{name: "stix core objects", c: c,
		list: func(ctx context.Context, c *Client, o ListOptions) (Page[Object], error) {
			a, err := argsOf(o)
			if err != nil {
				return Page[Object]{}, err
			}
			r, err := gen.StixCoreObjects(ctx, c, a.first, a.after, a.filters, o.Search, o.Types,
				gen.StixCoreObjectsOrdering(o.OrderBy), gen.OrderingMode(o.OrderMode))
			if err != nil {
				return Page[Object]{}, err
			}
			return pageOf(r.StixCoreObjects.Edges, r.StixCoreObjects.PageInfo, coreObject), nil
		},
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.StixCoreObjectResponse, error) {
			return gen.StixCoreObject(ctx, c, id)
		}, func(r *gen.StixCoreObjectResponse) (Object, string) {
			return coreObject(r.StixCoreObject), r.StixCoreObject.Id
		}),
	}
}

// StixDomainObjects lists domain objects (containers, threats, identities,
// locations and the like).
func (c *Client) StixDomainObjects() Collection[Object] {
	return Collection[Object]{name: "stix domain objects", c: c,
		list: func(ctx context.Context, c *Client, o ListOptions) (Page[Object], error) {
			a, err := argsOf(o)
			if err != nil {
				return Page[Object]{}, err
			}
			r, err := gen.StixDomainObjects(ctx, c, a.first, a.after, a.filters, o.Search, o.Types,
				gen.StixDomainObjectsOrdering(o.OrderBy), gen.OrderingMode(o.OrderMode))
			if err != nil {
				return Page[Object]{}, err
			}
			return pageOf(r.StixDomainObjects.Edges, r.StixDomainObjects.PageInfo, domainObject), nil
		},
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.StixDomainObjectResponse, error) {
			return gen.StixDomainObject(ctx, c, id)
		}, func(r *gen.StixDomainObjectResponse) (Object, string) {
			return domainObject(r.StixDomainObject), r.StixDomainObject.Id
		}),
	}
}

// StixCyberObservables lists observables, with their value.
func (c *Client) StixCyberObservables() Collection[Object] {
	return Collection[Object]{name: "stix cyber observables", c: c,
		list: func(ctx context.Context, c *Client, o ListOptions) (Page[Object], error) {
			a, err := argsOf(o)
			if err != nil {
				return Page[Object]{}, err
			}
			r, err := gen.StixCyberObservables(ctx, c, a.first, a.after, a.filters, o.Search, o.Types,
				gen.StixCyberObservablesOrdering(o.OrderBy), gen.OrderingMode(o.OrderMode))
			if err != nil {
				return Page[Object]{}, err
			}
			return pageOf(r.StixCyberObservables.Edges, r.StixCyberObservables.PageInfo, observable), nil
		},
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.StixCyberObservableResponse, error) {
			return gen.StixCyberObservable(ctx, c, id)
		}, func(r *gen.StixCyberObservableResponse) (Object, string) {
			return observable(r.StixCyberObservable), r.StixCyberObservable.Id
		}),
	}
}

// StixObjectOrStixRelationships lists elements of any kind: objects,
// relationships and sightings. A selection export lists its main filter
// with it.
func (c *Client) StixObjectOrStixRelationships() Collection[Object] {
	return Collection[Object]{name: "stix objects or relationships", c: c,
		list: func(ctx context.Context, c *Client, o ListOptions) (Page[Object], error) {
			a, err := argsOf(o)
			if err != nil {
				return Page[Object]{}, err
			}
			r, err := gen.StixObjectOrStixRelationships(ctx, c, a.first, a.after, a.filters, o.Search)
			if err != nil {
				return Page[Object]{}, err
			}
			conn := r.StixObjectOrStixRelationships
			return pageOf(conn.Edges, conn.PageInfo, nodeOrEmpty), nil
		},
		get: func(ctx context.Context, c *Client, id string) (Object, bool, error) {
			r, err := gen.StixObjectOrStixRelationship(ctx, c, id)
			if err != nil || r.StixObjectOrStixRelationship == nil {
				return Object{}, false, err
			}
			return nodeObject(r.StixObjectOrStixRelationship), true, nil
		},
	}
}

func nodeOrEmpty(n *gen.Node) Object {
	if n == nil {
		return Object{}
	}
	return nodeObject(n)
}

// ContainerObjects lists the members of a container (report, grouping,
// note, opinion, observed data, case), objects and relationships alike.
// Get is not supported. A container that does not exist (or is not visible)
// gives an error matching ErrNotFound.
func (c *Client) ContainerObjects(containerID string) Collection[Object] {
	return Collection[Object]{name: "objects of container " + containerID, c: c,
		list: func(ctx context.Context, c *Client, o ListOptions) (Page[Object], error) {
			a, err := argsOf(o)
			if err != nil {
				return Page[Object]{}, err
			}
			r, err := gen.ContainerObjects(ctx, c, containerID, a.first, a.after, a.filters,
				o.Search, o.Types)
			if err != nil {
				return Page[Object]{}, err
			}
			if r.Container.Id == "" {
				return Page[Object]{}, ErrNotFound
			}
			conn := r.Container.Objects
			return pageOf(conn.Edges, conn.PageInfo, nodeOrEmpty), nil
		},
	}
}
