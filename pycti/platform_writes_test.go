package pycti_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// writeCase is one writable type: its typed input, the standard id the
// platform gives it, and the family and field that Update changes.
type writeCase struct {
	name     string
	input    pycti.Input
	wantID   func() (string, error)
	edit     pycti.EditKind
	field    string
	observed func(ctx context.Context, c *pycti.Client, id string) (string, error)
}

// stixOf returns an element's platform STIX, which carries its fields.
func stixOf(s *pyctitest.Server) func(context.Context, *pycti.Client, string) (string, error) {
	return func(_ context.Context, _ *pycti.Client, id string) (string, error) {
		raw, err := s.ToStix(id)
		return string(raw), err
	}
}

func writeCases(s *pyctitest.Server) []writeCase {
	published := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	id := func(entityType string, props map[string]any) func() (string, error) {
		return func() (string, error) { return pycti.StandardID(entityType, props) }
	}
	sdo := func(name string, in pycti.Input, entityType string, props map[string]any) writeCase {
		return writeCase{name: name, input: in, wantID: id(entityType, props),
			edit: pycti.EditStixDomainObject, field: "description", observed: stixOf(s)}
	}
	return []writeCase{
		sdo("malware", pycti.MalwareInput{Name: "Inkblot", IsFamily: new(false)}, "Malware",
			map[string]any{"name": "Inkblot"}),
		sdo("indicator", pycti.IndicatorInput{Name: "Ink domain",
			Pattern: "[domain-name:value = 'ink.example.net']", PatternType: "stix",
			MainObservableType: "Domain-Name"}, "Indicator",
			map[string]any{"pattern": "[domain-name:value = 'ink.example.net']"}),
		sdo("report", pycti.ReportInput{Name: "Ink review", Published: published,
			Objects: []string{quill}}, "Report",
			map[string]any{"name": "Ink review", "published": published}),
		sdo("identity", pycti.IdentityInput{Type: "Sector", Name: "Energy"}, "Sector",
			map[string]any{"name": "Energy"}),
		sdo("intrusion set", pycti.IntrusionSetInput{Name: "Ink Set"}, "Intrusion-Set",
			map[string]any{"name": "Ink Set"}),
		sdo("attack pattern", pycti.AttackPatternInput{Name: "Phishing", MitreID: "T1566"},
			"Attack-Pattern", map[string]any{"x_mitre_id": "T1566"}),
		sdo("vulnerability", pycti.VulnerabilityInput{Name: "CVE-2024-0001",
			CVSSBaseScore: new(7.5)}, "Vulnerability", map[string]any{"name": "CVE-2024-0001"}),
		sdo("threat actor group", pycti.ThreatActorGroupInput{Name: "Ink Crew"},
			"Threat-Actor-Group", map[string]any{"name": "Ink Crew"}),
		sdo("campaign", pycti.CampaignInput{Name: "Ink Wave"}, "Campaign",
			map[string]any{"name": "Ink Wave"}),
		sdo("tool", pycti.ToolInput{Name: "inkpen"}, "Tool", map[string]any{"name": "inkpen"}),
		sdo("location", pycti.LocationInput{Type: "City", Name: "Inkton"}, "City",
			map[string]any{"name": "Inkton"}),
		sdo("note", pycti.NoteInput{Content: "About ink", Objects: []string{quill}}, "Note",
			map[string]any{"content": "About ink"}),
		{name: "relationship", input: pycti.RelationshipInput{RelationshipType: "targets",
			FromID: quill, ToID: northwind},
			wantID: func() (string, error) {
				return pycti.RelationshipStandardID("targets", quill, northwind, time.Time{}, time.Time{})
			},
			edit: pycti.EditStixCoreRelationship, field: "description", observed: stixOf(s)},
		{name: "sighting", input: pycti.SightingInput{FromID: indicator, ToID: northwind,
			AttributeCount: 2},
			wantID: func() (string, error) {
				return pycti.SightingStandardID(indicator, northwind, time.Time{}, time.Time{})
			},
			edit: pycti.EditStixSightingRelationship, field: "description", observed: stixOf(s)},
		{name: "label", input: pycti.LabelInput{Value: "Ink", Color: "#000000"},
			wantID: id("Label", map[string]any{"value": "Ink"}), edit: pycti.EditLabel,
			field: "color",
			observed: func(ctx context.Context, c *pycti.Client, id string) (string, error) {
				l, err := c.Labels().Get(ctx, id)
				return l.Color, err
			}},
		{name: "external reference", input: pycti.ExternalReferenceInput{SourceName: "ink",
			URL: "https://example.org/ink"},
			wantID: id("External-Reference", map[string]any{"url": "https://example.org/ink"}),
			edit:   pycti.EditExternalReference, field: "description",
			observed: func(ctx context.Context, c *pycti.Client, id string) (string, error) {
				r, err := c.ExternalReferences().Get(ctx, id)
				return r.Description, err
			}},
		{name: "marking definition", input: pycti.MarkingDefinitionInput{DefinitionType: "PAP",
			Definition: "PAP:AMBER", Order: 3},
			wantID: id("Marking-Definition", map[string]any{"definition_type": "PAP",
				"definition": "PAP:AMBER"}),
			edit: pycti.EditMarkingDefinition, field: "x_opencti_color",
			observed: func(ctx context.Context, c *pycti.Client, id string) (string, error) {
				m, err := c.MarkingDefinitions().Get(ctx, id)
				return m.Color, err
			}},
	}
}

// TestPlatformWritesEachType creates, upserts, updates and deletes one
// element of every writable type.
func TestPlatformWritesEachType(t *testing.T) {
	s, c := newPlatform(t)
	ctx := context.Background()
	for _, wc := range writeCases(s) {
		t.Run(wc.name, func(t *testing.T) {
			ref, err := c.Create(ctx, wc.input.Kind(), wc.input)
			if err != nil {
				t.Fatal(err)
			}
			want, err := wc.wantID()
			if err != nil {
				t.Fatal(err)
			}
			if ref.StandardID != want {
				t.Errorf("created standard id = %s, want %s", ref.StandardID, want)
			}
			again, err := c.Create(ctx, wc.input.Kind(), wc.input)
			if err != nil {
				t.Fatal(err)
			}
			if again.ID != ref.ID {
				t.Errorf("upsert created a second element: %s and %s", ref.ID, again.ID)
			}
			updated, err := c.Update(ctx, wc.edit, ref.ID,
				pycti.FieldEdit{Key: wc.field, Values: []any{"updated-" + wc.name}})
			if err != nil {
				t.Fatal(err)
			}
			if updated.ID != ref.ID {
				t.Errorf("update returned %s, want %s", updated.ID, ref.ID)
			}
			seen, err := wc.observed(ctx, c, ref.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(seen, "updated-"+wc.name) {
				t.Errorf("after update the element reads %s", seen)
			}
			if err := c.Delete(ctx, wc.edit, ref.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := wc.observed(ctx, c, ref.ID); err == nil {
				t.Error("the element is still readable after delete")
			}
		})
	}
}

func TestPlatformObservableWrites(t *testing.T) {
	s, c := newPlatform(t)
	ctx := context.Background()
	ref, err := c.CreateObservable(ctx, pycti.Observable{Type: "Domain-Name",
		Fields: pycti.ObservableValue{Value: "ink.example.net"}, ObjectMarking: []string{tlpGreen}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := pycti.StandardID("Domain-Name", map[string]any{"value": "ink.example.net"})
	if ref.StandardID != want {
		t.Errorf("domain standard id = %s, want %s", ref.StandardID, want)
	}
	file, err := c.CreateObservable(ctx, pycti.Observable{Type: "StixFile",
		Fields: pycti.FileFields{Name: "ink.exe", Hashes: []pycti.Hash{
			{Algorithm: "SHA-256", Hash: "9f86d081884c7d659a2feaa0c55ad015"}}}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ = pycti.StandardID("StixFile", map[string]any{"hashes": map[string]string{
		"SHA-256": "9f86d081884c7d659a2feaa0c55ad015"}})
	if file.StandardID != want {
		t.Errorf("file standard id = %s, want %s", file.StandardID, want)
	}
	again, err := c.CreateObservable(ctx, pycti.Observable{Type: "Domain-Name",
		Fields: map[string]any{"value": "ink.example.net"}})
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != ref.ID {
		t.Errorf("observable upsert created %s, want %s", again.ID, ref.ID)
	}
	if _, err := c.Update(ctx, pycti.EditStixCyberObservable, ref.ID,
		pycti.FieldEdit{Key: "x_opencti_score", Values: []any{80}}); err != nil {
		t.Fatal(err)
	}
	if raw, err := s.ToStix(ref.ID); err != nil || !strings.Contains(string(raw), `80`) {
		t.Errorf("observable after update = %s, %v", raw, err)
	}
	if err := c.Delete(ctx, pycti.EditStixCyberObservable, ref.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StixCyberObservables().Get(ctx, ref.ID); !errors.Is(err, pycti.ErrNotFound) {
		t.Errorf("deleted observable: err = %v, want ErrNotFound", err)
	}
}

func TestPlatformUploadsKeepNameAndMarkings(t *testing.T) {
	s, c := newPlatform(t)
	ctx := context.Background()
	m := mustGet(t, c, quill)
	green, err := c.MarkingDefinitions().Get(ctx, tlpGreen)
	if err != nil {
		t.Fatal(err)
	}
	name := `Quillfeather "2024" | export: résumé (TLP:GREEN).json`
	body := `{"type":"bundle","id":"bundle--1","objects":[]}`
	if err := c.AsApplicant("u-green").ExportPush(ctx, m.ID, pycti.File{Name: name,
		Body: strings.NewReader(body)}, []string{tlpGreen}); err != nil {
		t.Fatal(err)
	}
	files := s.Files()
	if len(files) != 1 {
		t.Fatalf("stored files = %+v", files)
	}
	f := files[0]
	if f.Name != name || string(f.Data) != body || f.EntityID != m.ID || !f.Exported {
		t.Errorf("stored file = %+v", f)
	}
	if !slices.Equal(f.Markings, []string{green.ID}) {
		t.Errorf("file markings = %v, want [%s]", f.Markings, green.ID)
	}
	if f.UploadedBy != pyctitest.AdminID {
		t.Errorf("uploaded by %q, want the connector's user", f.UploadedBy)
	}
	rc, err := c.Download(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(data) != body {
		t.Errorf("download = %q, %v", data, err)
	}
	err = c.ListExportPush(ctx, pycti.ListExport{EntityType: "Stix-Cyber-Observable",
		ListFilters: "selected_ids", Markings: []string{tlpGreen}},
		pycti.File{Name: "observables.json", Body: strings.NewReader(body)})
	if err != nil {
		t.Fatal(err)
	}
	list := s.Files()[1]
	if list.Name != "observables.json" || list.ListFilters != "selected_ids" ||
		list.EntityType != "Stix-Cyber-Observable" || !slices.Equal(list.Markings, []string{green.ID}) {
		t.Errorf("list export file = %+v", list)
	}
}

func TestPlatformWorkLifecycle(t *testing.T) {
	s, c := newPlatform(t)
	ctx := context.Background()
	reg, err := c.RegisterConnector(ctx, pycti.Registration{
		ID: "5f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f", Name: "Ink importer",
		Type: pycti.ExternalImport, Scope: []string{"application/json"}})
	if err != nil {
		t.Fatal(err)
	}
	work, err := c.AddWork(ctx, reg.ID, "Ink run")
	if err != nil {
		t.Fatal(err)
	}
	steps := []func() error{
		func() error { return c.WorkReceived(ctx, work, "Connector ready") },
		func() error { return c.AddExpectations(ctx, work, 2) },
		func() error { return c.ReportExpectation(ctx, work, nil) },
		func() error {
			return c.ReportExpectation(ctx, work, &pycti.WorkError{Message: "bad object",
				Source: "CONNECTOR"})
		},
		func() error { return c.PingWork(ctx, work) },
		func() error { return c.WorkProcessed(ctx, work, "Import done", false) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	st, err := c.Work(ctx, work)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != pyctitest.WorkComplete || st.ExpectedObjects != 2 || st.ProcessedObjects != 2 {
		t.Errorf("work status = %+v", st)
	}
	if len(st.Errors) != 1 || st.Errors[0].Message != "bad object" {
		t.Errorf("work errors = %+v", st.Errors)
	}
	w, ok := s.Work(work)
	if !ok || w.ProcessedCalls != 1 || w.ConnectorID != reg.ID {
		t.Errorf("server work = %+v", w)
	}
}

func TestPlatformRegistrationAndPing(t *testing.T) {
	s, c := newPlatform(t, pyctitest.WithVersion("6.5.0"))
	ctx := context.Background()
	reg, err := c.RegisterConnector(ctx, pycti.Registration{
		ID: "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", Name: "Go STIX export",
		Type: pycti.InternalExportFile, Scope: []string{"application/vnd.oasis.stix+json"},
		AutoUpdate: true, XTMOneIntent: "export"})
	if err != nil {
		t.Fatal(err)
	}
	if reg.UserID != pyctitest.AdminID || reg.Config.Listen == "" || reg.Config.PushExchange == "" {
		t.Errorf("registration = %+v", reg)
	}
	for _, r := range s.Requests() {
		if r.Operation != "RegisterConnector" {
			continue
		}
		in, _ := r.Variables["input"].(map[string]any)
		for _, key := range []string{"auto_update", "xtm_one_intent", "listen_callback_uri"} {
			if _, sent := in[key]; sent {
				t.Errorf("a 6.5.0 platform received %s", key)
			}
		}
		if in["playbook_compatible"] != false {
			t.Errorf("playbook_compatible = %v, want false sent to 6.5.0", in["playbook_compatible"])
		}
	}
	ping, err := c.PingConnector(ctx, reg.ID, `{"cursor":7}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ping.ID != reg.ID || ping.State != `{"cursor":7}` {
		t.Errorf("ping = %+v", ping)
	}
	state, err := c.ConnectorState(ctx, reg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if state != `{"cursor":7}` {
		t.Errorf("connector state = %q", state)
	}
	conns := s.Connectors()
	if len(conns) != 1 || conns[0].Pings != 1 || conns[0].Type != "INTERNAL_EXPORT_FILE" {
		t.Errorf("connectors = %+v", conns)
	}
}

func TestPlatformErrorsMapToSentinels(t *testing.T) {
	s, c := newPlatform(t)
	ctx := context.Background()
	stranger, err := pycti.NewClient(s.URL, "not-a-token", fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stranger.Me(ctx); !errors.Is(err, pycti.ErrUnauthorized) {
		t.Errorf("unknown token: err = %v, want ErrUnauthorized", err)
	}
	reader, err := pycti.NewClient(s.URL, "tok-green", fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reader.Create(ctx, pycti.KindMalware, pycti.MalwareInput{Name: "x1"}); !errors.Is(
		err, pycti.ErrForbidden) {
		t.Errorf("create without KNOWLEDGE_KNUPDATE: err = %v, want ErrForbidden", err)
	}
	_, err = reader.RegisterConnector(ctx, pycti.Registration{ID: "c", Name: "c",
		Type: pycti.ExternalImport})
	if !errors.Is(err, pycti.ErrForbidden) {
		t.Errorf("register without CONNECTORAPI: err = %v, want ErrForbidden", err)
	}
	missing := "malware--00000000-0000-4000-8000-000000000000"
	if _, err := c.StixCoreObjects().Get(ctx, missing); !errors.Is(err, pycti.ErrNotFound) {
		t.Errorf("get missing object: err = %v, want ErrNotFound", err)
	}
	if _, err := c.Reports().Get(ctx, missing); !errors.Is(err, pycti.ErrNotFound) {
		t.Errorf("get missing report: err = %v, want ErrNotFound", err)
	}
	if _, err := c.Work(ctx, "work_missing"); !errors.Is(err, pycti.ErrNotFound) {
		t.Errorf("missing work: err = %v, want ErrNotFound", err)
	}
	if _, err := c.ConnectorState(ctx, "missing"); !errors.Is(err, pycti.ErrNotFound) {
		t.Errorf("missing connector: err = %v, want ErrNotFound", err)
	}
	if _, err := c.ContainerObjects(missing).List(ctx, pycti.ListOptions{}); !errors.Is(err,
		pycti.ErrNotFound) {
		t.Errorf("members of a missing container: err = %v, want ErrNotFound", err)
	}
	_, err = c.Create(ctx, pycti.KindRelationship, pycti.RelationshipInput{
		RelationshipType: "uses", FromID: quill, ToID: missing})
	if !errors.Is(err, pycti.ErrNotFound) {
		t.Errorf("relationship to a missing element: err = %v, want ErrNotFound", err)
	}
	// The platform rejects an edit of an unknown id with FUNCTIONAL_ERROR.
	_, err = c.Update(ctx, pycti.EditStixDomainObject, missing,
		pycti.FieldEdit{Key: "description", Values: []any{"x"}})
	if !errors.Is(err, pycti.ErrInvalidRequest) {
		t.Errorf("update of a missing element: err = %v, want ErrInvalidRequest", err)
	}
}
