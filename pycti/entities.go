package pycti

import (
	"context"

	"github.com/opencti-go/sdk/pycti/internal/gen"
)

// lister adapts a generated list operation to Collection.list.
func lister[R, T any](call func(context.Context, *Client, listArgs, ListOptions) (R, error),
	page func(R) Page[T]) func(context.Context, *Client, ListOptions) (Page[T], error) {
	return func(ctx context.Context, c *Client, o ListOptions) (Page[T], error) {
		a, err := argsOf(o)
		if err != nil {
			return Page[T]{}, err
		}
		r, err := call(ctx, c, a, o)
		if err != nil {
			return Page[T]{}, err
		}
		return page(r), nil
	}
}

func ordering[E ~string](o ListOptions) (E, gen.OrderingMode) {
	return E(o.OrderBy), gen.OrderingMode(o.OrderMode)
}

func marking(n gen.MarkingDefinitionNode) Marking {
	return Marking{ID: n.Id, StandardID: n.Standard_id, DefinitionType: n.Definition_type,
		Definition: n.Definition, Order: n.X_opencti_order, Color: n.X_opencti_color,
		Stix: stixJSON(n.ToStix)}
}

// MarkingDefinitions lists marking definitions. The export engine reads the
// markings an export cites with ByIDs.
func (c *Client) MarkingDefinitions() Collection[Marking] {
	return Collection[Marking]{name: "marking definitions", c: c,
		list: lister(func(ctx context.Context, c *Client, a listArgs, o ListOptions) (*gen.MarkingDefinitionsResponse, error) {
			by, mode := ordering[gen.MarkingDefinitionsOrdering](o)
			return gen.MarkingDefinitions(ctx, c, a.first, a.after, a.filters, o.Search, by, mode)
		}, func(r *gen.MarkingDefinitionsResponse) Page[Marking] {
			return pageOf(r.MarkingDefinitions.Edges, r.MarkingDefinitions.PageInfo, marking)
		}),
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.MarkingDefinitionResponse, error) {
			return gen.MarkingDefinition(ctx, c, id)
		}, func(r *gen.MarkingDefinitionResponse) (Marking, string) {
			return marking(r.MarkingDefinition), r.MarkingDefinition.Id
		}),
	}
}

func label(n gen.LabelNode) Label {
	return Label{ID: n.Id, StandardID: n.Standard_id, Value: n.Value, Color: n.Color,
		Stix: stixJSON(n.ToStix)}
}

// Labels lists labels.
func (c *Client) Labels() Collection[Label] {
	return Collection[Label]{name: "labels", c: c,
		list: lister(func(ctx context.Context, c *Client, a listArgs, o ListOptions) (*gen.LabelsResponse, error) {
			by, mode := ordering[gen.LabelsOrdering](o)
			return gen.Labels(ctx, c, a.first, a.after, a.filters, o.Search, by, mode)
		}, func(r *gen.LabelsResponse) Page[Label] {
			return pageOf(r.Labels.Edges, r.Labels.PageInfo, label)
		}),
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.LabelResponse, error) {
			return gen.Label(ctx, c, id)
		}, func(r *gen.LabelResponse) (Label, string) { return label(r.Label), r.Label.Id }),
	}
}

func externalReference(n gen.ExternalReferenceNode) ExternalReference {
	return ExternalReference{ID: n.Id, StandardID: n.Standard_id, SourceName: n.Source_name,
		Description: n.Description, URL: n.Url, ExternalID: n.External_id, Hash: n.Hash}
}

// ExternalReferences lists external references.
func (c *Client) ExternalReferences() Collection[ExternalReference] {
	return Collection[ExternalReference]{name: "external references", c: c,
		list: lister(func(ctx context.Context, c *Client, a listArgs, o ListOptions) (*gen.ExternalReferencesResponse, error) {
			by, mode := ordering[gen.ExternalReferencesOrdering](o)
			return gen.ExternalReferences(ctx, c, a.first, a.after, a.filters, o.Search, by, mode)
		}, func(r *gen.ExternalReferencesResponse) Page[ExternalReference] {
			return pageOf(r.ExternalReferences.Edges, r.ExternalReferences.PageInfo, externalReference)
		}),
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.ExternalReferenceResponse, error) {
			return gen.ExternalReference(ctx, c, id)
		}, func(r *gen.ExternalReferenceResponse) (ExternalReference, string) {
			return externalReference(r.ExternalReference), r.ExternalReference.Id
		}),
	}
}

func identity(n gen.IdentityNode) Identity {
	return Identity{Object: objectOf(&n), Name: n.Name, IdentityClass: n.Identity_class}
}

// Identities lists organizations, individuals, sectors, systems and
// security platforms; ListOptions.Types narrows them.
func (c *Client) Identities() Collection[Identity] {
	return Collection[Identity]{name: "identities", c: c,
		list: lister(func(ctx context.Context, c *Client, a listArgs, o ListOptions) (*gen.IdentitiesResponse, error) {
			by, mode := ordering[gen.IdentitiesOrdering](o)
			return gen.Identities(ctx, c, a.first, a.after, a.filters, o.Search, o.Types, by, mode)
		}, func(r *gen.IdentitiesResponse) Page[Identity] {
			return pageOf(r.Identities.Edges, r.Identities.PageInfo, identity)
		}),
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.IdentityResponse, error) {
			return gen.Identity(ctx, c, id)
		}, func(r *gen.IdentityResponse) (Identity, string) { return identity(r.Identity), r.Identity.Id }),
	}
}

func report(n gen.ReportNode) Report {
	return Report{Object: objectOf(&n), Name: n.Name, Published: n.Published}
}

// Reports lists reports. ContainerObjects lists a report's members.
func (c *Client) Reports() Collection[Report] {
	return Collection[Report]{name: "reports", c: c,
		list: lister(func(ctx context.Context, c *Client, a listArgs, o ListOptions) (*gen.ReportsResponse, error) {
			by, mode := ordering[gen.ReportsOrdering](o)
			return gen.Reports(ctx, c, a.first, a.after, a.filters, o.Search, by, mode)
		}, func(r *gen.ReportsResponse) Page[Report] {
			return pageOf(r.Reports.Edges, r.Reports.PageInfo, report)
		}),
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.ReportResponse, error) {
			return gen.Report(ctx, c, id)
		}, func(r *gen.ReportResponse) (Report, string) { return report(r.Report), r.Report.Id }),
	}
}

func indicator(n gen.IndicatorNode) Indicator {
	var markings []string
	for _, m := range n.ObjectMarking {
		markings = append(markings, m.Id)
	}
	return Indicator{
		Object:             newObject(n.Id, n.Standard_id, n.Entity_type, n.Parent_types, n.ToStix),
		Name:               n.Name,
		Description:        n.Description,
		Pattern:            n.Pattern,
		PatternType:        n.Pattern_type,
		PatternVersion:     n.Pattern_version,
		IndicatorTypes:     n.Indicator_types,
		ValidFrom:          n.Valid_from,
		ValidUntil:         n.Valid_until,
		Score:              n.X_opencti_score,
		Detection:          n.X_opencti_detection,
		MainObservableType: n.X_opencti_main_observable_type,
		Confidence:         n.Confidence,
		Created:            n.Created,
		Modified:           n.Modified,
		Revoked:            n.Revoked,
		CreatedByID:        n.CreatedBy.Id,
		MarkingIDs:         markings,
	}
}

// Indicators lists indicators.
func (c *Client) Indicators() Collection[Indicator] {
	return Collection[Indicator]{name: "indicators", c: c,
		list: lister(func(ctx context.Context, c *Client, a listArgs, o ListOptions) (*gen.IndicatorsResponse, error) {
			by, mode := ordering[gen.IndicatorsOrdering](o)
			return gen.Indicators(ctx, c, a.first, a.after, a.filters, o.Search, by, mode)
		}, func(r *gen.IndicatorsResponse) Page[Indicator] {
			return pageOf(r.Indicators.Edges, r.Indicators.PageInfo, indicator)
		}),
		get: getOf(func(ctx context.Context, c *Client, id string) (*gen.IndicatorResponse, error) {
			return gen.Indicator(ctx, c, id)
		}, func(r *gen.IndicatorResponse) (Indicator, string) {
			return indicator(r.Indicator), r.Indicator.Id
		}),
	}
}
