package pycti_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/Khan/genqlient/graphql"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// Standard ids of the seeded objects.
const (
	tlpGreen    = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
	tlpRed      = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
	northwind   = "identity--a7661c40-9fa1-517a-b65d-a1793388306d"
	quill       = "malware--8bdfdafe-f23b-55e8-9729-75341ca079cb"
	redwing     = "malware--0b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b"
	address     = "ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db"
	domain      = "domain-name--71d989c1-9602-5cac-8c75-51bc2a8e6bb8"
	indicator   = "indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968"
	talksTo     = "relationship--16307dde-dd94-56db-86f6-20e001d24915"
	indicates   = "relationship--5d3c1a2b-0e9f-4a8b-9c7d-6e5f4a3b2c1d"
	redUses     = "relationship--7a6b5c4d-3e2f-4a1b-8c9d-0e1f2a3b4c5d"
	seenAt      = "sighting--e9cf6476-ec82-5294-abe0-ac29384fc81b"
	lureReview  = "report--87d8a33c-32af-5392-8244-937218b7da5b"
	extraIPs    = 24
	observables = extraIPs + 2
)

// seedBundle returns a bundle with two markings, an organization, a green
// and a red malware, observables, an indicator, relationships, a sighting
// and a report, plus extraIPs addresses for paging.
func seedBundle(t *testing.T) []byte {
	t.Helper()
	sdo := func(m map[string]any) map[string]any {
		m["spec_version"] = "2.1"
		m["created"], m["modified"] = "2024-03-01T00:00:00.000Z", "2024-03-02T00:00:00.000Z"
		return m
	}
	green := []string{tlpGreen}
	objects := []map[string]any{
		{"type": "marking-definition", "spec_version": "2.1", "id": tlpGreen,
			"created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:GREEN",
			"definition": map[string]any{"tlp": "green"}},
		{"type": "marking-definition", "spec_version": "2.1", "id": tlpRed,
			"created": "2017-01-20T00:00:00.000Z", "definition_type": "tlp", "name": "TLP:RED",
			"definition": map[string]any{"tlp": "red"}},
		sdo(map[string]any{"type": "identity", "id": northwind, "name": "Northwind Analytics",
			"identity_class": "organization"}),
		sdo(map[string]any{"type": "malware", "id": quill, "name": "Quillfeather", "is_family": true,
			"created_by_ref": northwind, "object_marking_refs": green, "labels": []string{"trojan"},
			"external_references": []map[string]any{{"source_name": "blog",
				"url": "https://blog.example.org/quillfeather"}},
			"kill_chain_phases": []map[string]any{{"kill_chain_name": "mitre-attack",
				"phase_name": "initial-access"}}}),
		sdo(map[string]any{"type": "malware", "id": redwing, "name": "Redwing", "is_family": false,
			"object_marking_refs": []string{tlpRed}}),
		{"type": "ipv4-addr", "spec_version": "2.1", "id": address, "value": "198.51.100.7"},
		{"type": "domain-name", "spec_version": "2.1", "id": domain,
			"value": "cdn.quill-example.net", "resolves_to_refs": []string{address}},
		sdo(map[string]any{"type": "indicator", "id": indicator, "name": "Quill C2",
			"pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix",
			"valid_from": "2024-03-01T00:00:00.000Z", "object_marking_refs": green}),
		sdo(map[string]any{"type": "relationship", "id": talksTo,
			"relationship_type": "communicates-with", "source_ref": quill, "target_ref": address}),
		sdo(map[string]any{"type": "relationship", "id": indicates, "relationship_type": "indicates",
			"source_ref": indicator, "target_ref": quill}),
		sdo(map[string]any{"type": "relationship", "id": redUses, "relationship_type": "uses",
			"source_ref": redwing, "target_ref": address, "object_marking_refs": []string{tlpRed}}),
		sdo(map[string]any{"type": "sighting", "id": seenAt, "sighting_of_ref": quill,
			"where_sighted_refs": []string{northwind}, "count": 3}),
		sdo(map[string]any{"type": "report", "id": lureReview, "name": "Quarterly lure review",
			"published": "2024-03-05T08:00:00.000Z", "created_by_ref": northwind,
			"object_marking_refs": green,
			"object_refs":         []string{quill, redwing, address, indicator, talksTo}}),
	}
	for i := range extraIPs {
		value := fmt.Sprintf("203.0.113.%d", i+1)
		id, err := pycti.StandardID("IPv4-Addr", map[string]any{"value": value})
		if err != nil {
			t.Fatal(err)
		}
		objects = append(objects, map[string]any{"type": "ipv4-addr", "spec_version": "2.1",
			"id": id, "value": value})
	}
	data, err := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--seed",
		"objects": objects})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fastRetry keeps retried tests quick.
var fastRetry = pycti.WithRetry(pycti.RetryPolicy{MaxAttempts: 3,
	InitialDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond})

// newPlatform starts a seeded in-memory platform and returns it with an
// administrator client. It adds a "green" group allowed TLP:GREEN, with a
// user u-green (token tok-green) who may read but not write.
func newPlatform(t *testing.T, opts ...pyctitest.Option) (*pyctitest.Server, *pycti.Client) {
	t.Helper()
	s, err := pyctitest.NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.SeedBundle(seedBundle(t)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddGroup(pyctitest.Group{ID: "g-green", Name: "Green readers",
		Capabilities: []string{pyctitest.CapKnowledge}, AllowedMarkings: []string{"TLP:GREEN"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(pyctitest.User{ID: "u-green", Name: "green", Token: "tok-green",
		Groups: []string{"g-green"}}); err != nil {
		t.Fatal(err)
	}
	c, err := pycti.NewClient(s.URL, s.AdminToken(), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// collect drains an iterator, failing the test on an error.
func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for item, err := range seq {
		if err != nil {
			t.Fatalf("iteration: %v", err)
		}
		out = append(out, item)
	}
	return out
}

func standardIDs(objs []pycti.Object) []string {
	var ids []string
	for _, o := range objs {
		ids = append(ids, o.StandardID)
	}
	slices.Sort(ids)
	return ids
}

func TestPlatformObjectCollections(t *testing.T) {
	_, c := newPlatform(t)
	ctx := context.Background()
	all := collect(t, c.StixCoreObjects().All(ctx, pycti.ListOptions{}))
	if got, want := len(all), 5+observables; got != want {
		t.Errorf("stix core objects = %d, want %d", got, want)
	}
	domains := collect(t, c.StixDomainObjects().All(ctx, pycti.ListOptions{}))
	if got := standardIDs(domains); !slices.Equal(got, []string{northwind, indicator, redwing,
		quill, lureReview}) {
		t.Errorf("stix domain objects = %v", got)
	}
	malware := collect(t, c.StixDomainObjects().All(ctx, pycti.ListOptions{Types: []string{"Malware"}}))
	if got := standardIDs(malware); !slices.Equal(got, []string{redwing, quill}) {
		t.Errorf("malware = %v", got)
	}
	obs := collect(t, c.StixCyberObservables().All(ctx, pycti.ListOptions{}))
	if len(obs) != observables {
		t.Errorf("observables = %d, want %d", len(obs), observables)
	}
	got := mustGet(t, c, quill)
	if got.EntityType != "Malware" || !strings.Contains(string(got.Stix), `"name":"Quillfeather"`) {
		t.Errorf("get malware = %+v, stix %s", got, got.Stix)
	}
	dn, err := c.StixCyberObservables().Get(ctx, domain)
	if err != nil {
		t.Fatal(err)
	}
	if dn.ObservableValue != "cdn.quill-example.net" {
		t.Errorf("domain observable value = %q", dn.ObservableValue)
	}
	sdo, err := c.StixDomainObjects().Get(ctx, northwind)
	if err != nil {
		t.Fatal(err)
	}
	if sdo.EntityType != "Organization" {
		t.Errorf("organization entity type = %q", sdo.EntityType)
	}
	mixed, err := c.StixObjectOrStixRelationships().Get(ctx, talksTo)
	if err != nil {
		t.Fatal(err)
	}
	if mixed.RelationshipType != "communicates-with" {
		t.Errorf("relationship read as object = %+v", mixed)
	}
	byIDs := collect(t, c.StixCoreObjects().ByIDs(ctx, []string{quill, address, "unknown--1"},
		pycti.ListOptions{First: 1}))
	if got := standardIDs(byIDs); !slices.Equal(got, []string{address, quill}) {
		t.Errorf("by ids = %v", got)
	}
}

func TestPlatformTypedCollections(t *testing.T) {
	_, c := newPlatform(t)
	ctx := context.Background()
	markings := collect(t, c.MarkingDefinitions().All(ctx, pycti.ListOptions{}))
	if len(markings) != 2 {
		t.Errorf("markings = %+v", markings)
	}
	green, err := c.MarkingDefinitions().Get(ctx, tlpGreen)
	if err != nil {
		t.Fatal(err)
	}
	if green.Definition != "TLP:GREEN" || green.DefinitionType != "TLP" {
		t.Errorf("green marking = %+v", green)
	}
	labels := collect(t, c.Labels().All(ctx, pycti.ListOptions{}))
	if len(labels) != 1 || labels[0].Value != "trojan" {
		t.Errorf("labels = %+v", labels)
	}
	if l, err := c.Labels().Get(ctx, labels[0].ID); err != nil || l.Value != "trojan" {
		t.Errorf("get label = %+v, %v", l, err)
	}
	refs := collect(t, c.ExternalReferences().All(ctx, pycti.ListOptions{}))
	if len(refs) != 1 || refs[0].URL != "https://blog.example.org/quillfeather" {
		t.Errorf("external references = %+v", refs)
	}
	if r, err := c.ExternalReferences().Get(ctx, refs[0].StandardID); err != nil || r.SourceName != "blog" {
		t.Errorf("get external reference = %+v, %v", r, err)
	}
	ids := collect(t, c.Identities().All(ctx, pycti.ListOptions{}))
	if len(ids) != 1 || ids[0].Name != "Northwind Analytics" || ids[0].IdentityClass != "organization" {
		t.Errorf("identities = %+v", ids)
	}
	ind, err := c.Indicators().Get(ctx, indicator)
	if err != nil {
		t.Fatal(err)
	}
	if ind.Pattern != "[ipv4-addr:value = '198.51.100.7']" || ind.PatternType != "stix" {
		t.Errorf("indicator = %+v", ind)
	}
	if n := len(collect(t, c.Indicators().All(ctx, pycti.ListOptions{}))); n != 1 {
		t.Errorf("indicators = %d, want 1", n)
	}
	reports := collect(t, c.Reports().All(ctx, pycti.ListOptions{}))
	if len(reports) != 1 {
		t.Fatalf("reports = %+v", reports)
	}
	want := time.Date(2024, 3, 5, 8, 0, 0, 0, time.UTC)
	if r := reports[0]; r.StandardID != lureReview || !r.Published.Equal(want) {
		t.Errorf("report = %+v", r)
	}
	members := collect(t, c.ContainerObjects(reports[0].ID).All(ctx, pycti.ListOptions{First: 2}))
	if got := standardIDs(members); !slices.Equal(got, []string{indicator, address, redwing,
		quill, talksTo}) {
		t.Errorf("report members = %v", got)
	}
}

// Indicators read back every typed field that Create sent, by Get and by
// List, and keep a null score and confidence apart from 0.
func TestPlatformIndicatorFields(t *testing.T) {
	_, c := newPlatform(t)
	ctx := context.Background()
	score, confidence, detection := 0, 85, true
	validFrom := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
	validUntil := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
	created := time.Date(2024, 3, 30, 12, 0, 0, 0, time.UTC)
	ref, err := c.Create(ctx, pycti.KindIndicator, pycti.IndicatorInput{
		Meta: pycti.Meta{CreatedBy: northwind, ObjectMarking: []string{tlpGreen},
			Confidence: &confidence, Created: created, Modified: created},
		Name:               "Quill beacon",
		Description:        "Beacon to the Quillfeather relay",
		Pattern:            "[domain-name:value = 'relay.quill-example.net']",
		PatternType:        "stix",
		PatternVersion:     "2.1",
		IndicatorTypes:     []string{"malicious-activity"},
		ValidFrom:          validFrom,
		ValidUntil:         validUntil,
		Score:              &score,
		Detection:          &detection,
		MainObservableType: "Domain-Name",
	})
	if err != nil {
		t.Fatal(err)
	}
	author, err := c.Identities().Get(ctx, northwind)
	if err != nil {
		t.Fatal(err)
	}
	green, err := c.MarkingDefinitions().Get(ctx, tlpGreen)
	if err != nil {
		t.Fatal(err)
	}

	got, err := c.Indicators().Get(ctx, ref.ID)
	if err != nil {
		t.Fatal(err)
	}
	listed := collect(t, c.Indicators().All(ctx, pycti.ListOptions{
		Filters: pycti.AllOf(pycti.Where("id", ref.ID))}))
	if len(listed) != 1 {
		t.Fatalf("listed %d indicators, want 1", len(listed))
	}
	if !reflect.DeepEqual(listed[0], got) {
		t.Errorf("List and Get differ:\n list %+v\n get  %+v", listed[0], got)
	}
	if got.Name != "Quill beacon" {
		t.Errorf("name = %q, want Quill beacon", got.Name)
	}
	if got.Description != "Beacon to the Quillfeather relay" {
		t.Errorf("description = %q, want the created one", got.Description)
	}
	if got.PatternVersion != "2.1" {
		t.Errorf("pattern version = %q, want 2.1", got.PatternVersion)
	}
	if !slices.Equal(got.IndicatorTypes, []string{"malicious-activity"}) {
		t.Errorf("indicator types = %v, want [malicious-activity]", got.IndicatorTypes)
	}
	if !got.ValidFrom.Equal(validFrom) {
		t.Errorf("valid from = %v, want %v", got.ValidFrom, validFrom)
	}
	if !got.ValidUntil.Equal(validUntil) {
		t.Errorf("valid until = %v, want %v", got.ValidUntil, validUntil)
	}
	if got.Score == nil {
		t.Error("score = nil, want 0")
	} else if *got.Score != 0 {
		t.Errorf("score = %d, want 0", *got.Score)
	}
	if !got.Detection {
		t.Error("detection = false, want true")
	}
	if got.MainObservableType != "Domain-Name" {
		t.Errorf("main observable type = %q, want Domain-Name", got.MainObservableType)
	}
	if got.Confidence == nil {
		t.Error("confidence = nil, want 85")
	} else if *got.Confidence != 85 {
		t.Errorf("confidence = %d, want 85", *got.Confidence)
	}
	if !got.Created.Equal(created) {
		t.Errorf("created = %v, want %v", got.Created, created)
	}
	if !got.Modified.Equal(created) {
		t.Errorf("modified = %v, want %v", got.Modified, created)
	}
	if got.Revoked {
		t.Error("revoked = true, want false")
	}
	if got.CreatedByID != author.ID {
		t.Errorf("created by = %q, want %q", got.CreatedByID, author.ID)
	}
	if !slices.Equal(got.MarkingIDs, []string{green.ID}) {
		t.Errorf("markings = %v, want [%s]", got.MarkingIDs, green.ID)
	}

	// The seeded indicator has no score, confidence or author.
	seeded, err := c.Indicators().Get(ctx, indicator)
	if err != nil {
		t.Fatal(err)
	}
	if seeded.Score != nil {
		t.Errorf("seeded score = %d, want nil", *seeded.Score)
	}
	if seeded.Confidence != nil {
		t.Errorf("seeded confidence = %d, want nil", *seeded.Confidence)
	}
	if seeded.CreatedByID != "" {
		t.Errorf("seeded created by = %q, want empty", seeded.CreatedByID)
	}
	if want := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC); !seeded.ValidFrom.Equal(want) {
		t.Errorf("seeded valid from = %v, want %v", seeded.ValidFrom, want)
	}
	if !seeded.ValidUntil.IsZero() {
		t.Errorf("seeded valid until = %v, want the zero time", seeded.ValidUntil)
	}
}

func TestPlatformRelationshipCollections(t *testing.T) {
	_, c := newPlatform(t)
	ctx := context.Background()
	m := mustGet(t, c, quill)
	ip := mustGet(t, c, address)
	relIDs := func(rels []pycti.Relationship) []string {
		var out []string
		for _, r := range rels {
			out = append(out, r.StandardID)
		}
		slices.Sort(out)
		return out
	}
	touching := collect(t, c.StixCoreRelationships().All(ctx,
		pycti.ListOptions{FromOrToID: []string{m.ID}}))
	if got := relIDs(touching); !slices.Equal(got, []string{talksTo, indicates}) {
		t.Errorf("relationships touching malware = %v", got)
	}
	from := collect(t, c.StixCoreRelationships().All(ctx, pycti.ListOptions{FromID: []string{m.ID}}))
	if len(from) != 1 || from[0].To == nil || from[0].To.StandardID != address ||
		from[0].FromType != "Malware" {
		t.Errorf("relationships from malware = %+v", from)
	}
	to := collect(t, c.StixCoreRelationships().All(ctx, pycti.ListOptions{ToID: []string{ip.ID},
		RelationshipTypes: []string{"uses"}}))
	if got := relIDs(to); !slices.Equal(got, []string{redUses}) {
		t.Errorf("uses relationships to address = %v", got)
	}
	sightings := collect(t, c.StixSightingRelationships().All(ctx, pycti.ListOptions{}))
	if len(sightings) != 1 || sightings[0].From == nil || sightings[0].From.StandardID != quill ||
		sightings[0].To == nil || sightings[0].To.StandardID != northwind {
		t.Errorf("sightings = %+v", sightings)
	}
	dn := mustGet(t, c, domain)
	nested := collect(t, c.StixNestedRefRelationships().All(ctx,
		pycti.ListOptions{FromID: []string{dn.ID}}))
	if len(nested) != 1 || nested[0].To == nil || nested[0].To.StandardID != address {
		t.Errorf("nested refs of domain = %+v", nested)
	}
}

func TestPlatformRawCollections(t *testing.T) {
	_, c := newPlatform(t)
	ctx := context.Background()
	raw := collect(t, c.RawObjects(pycti.RawFiles{}).ByIDs(ctx, []string{quill, address},
		pycti.ListOptions{}))
	if len(raw) != 2 || !strings.Contains(string(raw[0])+string(raw[1]), `"Quillfeather"`) {
		t.Errorf("raw objects = %s", raw)
	}
	m := mustGet(t, c, quill)
	rels := collect(t, c.RawCoreRelationships(pycti.RawFiles{}).All(ctx,
		pycti.ListOptions{FromOrToID: []string{m.ID}}))
	if len(rels) != 2 {
		t.Errorf("raw relationships = %d, want 2", len(rels))
	}
	seen := collect(t, c.RawSightingRelationships().All(ctx, pycti.ListOptions{FromOrToID: []string{m.ID}}))
	if len(seen) != 1 || !strings.Contains(string(seen[0]), seenAt) {
		t.Errorf("raw sightings = %s", seen)
	}
	dn := mustGet(t, c, domain)
	nested := collect(t, c.RawNestedRefRelationships().All(ctx, pycti.ListOptions{FromID: []string{dn.ID}}))
	if len(nested) != 1 || !strings.Contains(string(nested[0]), address) {
		t.Errorf("raw nested refs = %s", nested)
	}
}

func TestPlatformIterationPages(t *testing.T) {
	s, c := newPlatform(t)
	s.ResetRequests()
	items := collect(t, c.StixCyberObservables().All(context.Background(),
		pycti.ListOptions{First: 4, OrderBy: "created_at", OrderMode: pycti.Ascending}))
	if got := len(standardIDs(items)); got != observables {
		t.Errorf("iterated %d observables, want %d", got, observables)
	}
	if ids := standardIDs(items); len(slices.Compact(ids)) != observables {
		t.Errorf("iteration repeated items: %v", ids)
	}
	pages := (observables + 3) / 4
	if n := s.OperationCounts()["StixCyberObservables"]; n != pages {
		t.Errorf("requests = %d, want %d pages", n, pages)
	}
}

// TestPlatformRetries502MidIteration fails the request of the second page
// once with a 502 and checks that the client asks for the same cursor
// again and yields every item once.
func TestPlatformRetries502MidIteration(t *testing.T) {
	s, c := newPlatform(t)
	s.ResetRequests()
	var ids []string
	for obj, err := range c.StixCyberObservables().All(context.Background(),
		pycti.ListOptions{First: 5}) {
		if err != nil {
			t.Fatalf("iteration: %v", err)
		}
		ids = append(ids, obj.StandardID)
		if len(ids) == 5 {
			s.FailNext(pyctitest.Fault502, 1)
		}
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != observables {
		t.Errorf("iterated %d distinct observables, want %d", len(ids), observables)
	}
	var afters []any
	var statuses []int
	for _, r := range s.Requests() {
		if r.Operation == "StixCyberObservables" {
			afters = append(afters, r.Variables["after"])
			statuses = append(statuses, r.Status)
		}
	}
	if len(statuses) < 3 || statuses[1] != 502 || statuses[2] != 200 {
		t.Fatalf("statuses = %v, want 200, 502, 200, ...", statuses)
	}
	if afters[1] == nil || afters[1] != afters[2] {
		t.Errorf("retry cursor = %v, failed cursor = %v", afters[2], afters[1])
	}
}

func TestPlatformIterationStopsAfterRetries(t *testing.T) {
	s, c := newPlatform(t)
	var n int
	var last error
	for _, err := range c.StixCyberObservables().All(context.Background(),
		pycti.ListOptions{First: 5}) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 5 {
			s.FailNext(pyctitest.Fault502, 3)
		}
	}
	if n != 5 {
		t.Errorf("yielded %d items before the error, want 5", n)
	}
	httpErr, ok := errors.AsType[*pycti.HTTPError](last)
	if !ok || httpErr.StatusCode != 502 {
		t.Errorf("error = %v, want an HTTP 502 error", last)
	}
	s.FailNext(pyctitest.FaultGraphQLError, 1)
	s.ResetRequests()
	_, err := c.StixCyberObservables().List(context.Background(), pycti.ListOptions{})
	if _, ok := errors.AsType[*pycti.GraphQLError](err); !ok {
		t.Errorf("graphql fault: error = %v, want a GraphQL error", err)
	}
	if n := s.OperationCounts()["StixCyberObservables"]; n != 1 {
		t.Errorf("graphql error was sent %d times, want once", n)
	}
}

func TestPlatformImpersonationHidesObjects(t *testing.T) {
	s, c := newPlatform(t)
	ctx := context.Background()
	view := c.AsApplicant("u-green")
	me, err := view.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != "u-green" {
		t.Errorf("applicant view runs as %q, want u-green", me.ID)
	}
	objs := collect(t, view.StixDomainObjects().All(ctx, pycti.ListOptions{}))
	if slices.Contains(standardIDs(objs), redwing) || len(objs) != 4 {
		t.Errorf("green view lists %v", standardIDs(objs))
	}
	if _, err := view.StixCoreObjects().Get(ctx, redwing); !errors.Is(err, pycti.ErrNotFound) {
		t.Errorf("get red malware as green user: err = %v, want ErrNotFound", err)
	}
	rels := collect(t, view.StixCoreRelationships().All(ctx, pycti.ListOptions{}))
	for _, r := range rels {
		if r.StandardID == redUses {
			t.Error("green view lists the red relationship")
		}
	}
	report, err := view.Reports().Get(ctx, lureReview)
	if err != nil {
		t.Fatal(err)
	}
	members := collect(t, view.ContainerObjects(report.ID).All(ctx, pycti.ListOptions{}))
	if slices.Contains(standardIDs(members), redwing) || len(members) != 4 {
		t.Errorf("green view of report members = %v", standardIDs(members))
	}
	if _, err := c.StixCoreObjects().Get(ctx, redwing); err != nil {
		t.Errorf("administrator view: %v", err)
	}
	// A token without BYPASS cannot impersonate: the header is ignored.
	green, err := pycti.NewClient(s.URL, "tok-green", fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := green.AsApplicant(pyctitest.AdminID).StixCoreObjects().Get(ctx,
		redwing); !errors.Is(err, pycti.ErrNotFound) {
		t.Errorf("impersonation without BYPASS: err = %v, want ErrNotFound", err)
	}
}

func TestPlatformIdentityAndVersion(t *testing.T) {
	_, c := newPlatform(t, pyctitest.WithVersion("6.8.10"))
	ctx := context.Background()
	v, err := c.Health(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v.String() != "6.8.10" || v.AtLeast(7, 0, 0) {
		t.Errorf("version = %v", v)
	}
	me, err := c.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != pyctitest.AdminID || !me.HasCapability("CONNECTORAPI") {
		t.Errorf("me = %+v", me)
	}
	if _, err := c.Settings(ctx); err != nil {
		t.Errorf("settings: %v", err)
	}
}

// mustGet reads a core object by id as the administrator.
func mustGet(t *testing.T, c *pycti.Client, id string) pycti.Object {
	t.Helper()
	o, err := c.StixCoreObjects().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// The platform rejects a filter key it does not know and names the key in
// the error's data. The message shows it, so that the caller sees which
// key to fix, and the error matches ErrInvalidRequest.
func TestPlatformUnknownFilterKeyNamed(t *testing.T) {
	_, client := newPlatform(t)
	filters := pycti.AllOf(pycti.Where("entity_type", "Malware"), pycti.Where("entity-type", "Malware"))
	_, err := client.StixCoreObjects().List(context.Background(), pycti.ListOptions{Filters: filters})
	gqlErr, ok := errors.AsType[*pycti.GraphQLError](err)
	if !ok {
		t.Fatalf("error = %v, want a *GraphQLError", err)
	}
	if code := gqlErr.Errors[0].Code; code != "UNSUPPORTED_ERROR" {
		t.Errorf("code = %q, want UNSUPPORTED_ERROR", code)
	}
	if !strings.Contains(err.Error(), `{keys: ["entity-type"]}`) {
		t.Errorf("error %q does not name the unknown key", err)
	}
	if strings.Contains(err.Error(), "http_status") {
		t.Errorf("error %q shows http_status", err)
	}
	if !errors.Is(err, pycti.ErrInvalidRequest) {
		t.Errorf("error = %v, want it to match ErrInvalidRequest", err)
	}
}

// A request the server cannot run at all (here an empty query, answered
// with HTTP 400 and code BAD_REQUEST as Apollo Server does) matches
// ErrInvalidRequest and is sent once.
func TestPlatformBadRequestIsInvalidRequest(t *testing.T) {
	srv, client := newPlatform(t)
	srv.ResetRequests()
	err := client.MakeRequest(context.Background(), &graphql.Request{OpName: "Empty"}, &graphql.Response{})
	if !errors.Is(err, pycti.ErrInvalidRequest) {
		t.Errorf("error = %v, want ErrInvalidRequest", err)
	}
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests sent, want 1", n)
	}
}
