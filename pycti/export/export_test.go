package export_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
	"github.com/opencti-go/sdk/stix/validate"
)

// reportRequest is a simple export of the report of platform-022.json.
func reportRequest(mode export.Mode) export.Request {
	return export.Request{Scope: export.ScopeSingle, Mode: mode, EntityType: "Report",
		EntityID: "e-report", FileName: "report.json"}
}

// A finding that only the end of the bundle reveals (here a reference to
// an object not in the bundle, which the validator reports when the
// bundle is finished) still keeps the bundle from being stored.
func TestExportLateFindingStoresNothing(t *testing.T) {
	s, c := platform(t)
	seedFixture(t, s, "platform-022.json")
	v, err := validate.New(validate.WithEnforceRefs())
	if err != nil {
		t.Fatal(err)
	}
	x := exporter(t, c, export.Options{Validator: v})

	_, err = x.Export(context.Background(), reportRequest(export.ModeSimple))

	var ve *export.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *ValidationError", err)
	}
	if len(ve.Findings) == 0 || ve.Findings[0].Rule != validate.RuleUnresolvedRef {
		t.Errorf("findings = %v, want unresolved references", ve.Findings)
	}
	if !strings.Contains(err.Error(), "report--1e2f3a4b-5c6d-4e7f-9081-92a3b4c5d6e7") {
		t.Errorf("error %q does not name the report", err)
	}
	if files := s.Files(); len(files) != 0 {
		t.Errorf("%d files stored, want none", len(files))
	}
	if n := s.OperationCounts()["ExportPush"]; n != 0 {
		t.Errorf("%d uploads sent, want none", n)
	}
}

// A read that fails in the middle of an export ends it with the error, and
// the part already written is never stored.
func TestExportReadFailureStoresNothing(t *testing.T) {
	s, c := platform(t)
	seedFixture(t, s, "platform-022.json")
	x := exporter(t, c, export.Options{})
	s.SetFaults(pyctitest.Faults{RateGraphQLError: 1, Operations: []string{"MarkingDefinitions"}})

	_, err := x.Export(context.Background(), reportRequest(export.ModeFull))

	if err == nil {
		t.Fatal("export succeeded, want the read error")
	}
	var gqlErr *pycti.GraphQLError
	if !errors.As(err, &gqlErr) {
		t.Errorf("err = %v, want the *pycti.GraphQLError of the failed read", err)
	}
	if files := s.Files(); len(files) != 0 {
		t.Errorf("%d files stored, want none", len(files))
	}
}

// The export reads as the requesting user and uploads as the connector:
// objects the user may not see are left out, and the file is stored by
// the token's own user.
func TestExportReadsAsApplicant(t *testing.T) {
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		t.Run(string(profile), func(t *testing.T) {
			s, c := platform(t)
			seedFixture(t, s, "platform-022.json")
			g := pyctitest.Group{ID: "g-amber", Name: "Amber readers",
				Capabilities:    []string{pyctitest.CapKnowledge},
				AllowedMarkings: []string{"TLP:AMBER"}}
			if err := s.AddGroup(g); err != nil {
				t.Fatal(err)
			}
			u := pyctitest.User{ID: "u-amber", Token: "t-amber", Groups: []string{"g-amber"}}
			if err := s.AddUser(u); err != nil {
				t.Fatal(err)
			}
			x := exporter(t, c, export.Options{Profile: profile})
			req := reportRequest(export.ModeFull)
			req.ApplicantID = "u-amber"
			s.ResetRequests()

			if _, err := x.Export(context.Background(), req); err != nil {
				t.Fatal(err)
			}

			b := uploaded(t, s, req.FileName)
			if b.object("malware--3a4b5c6d-7e8f-4091-92a3-b4c5d6e7f809") != nil {
				t.Error("the TLP:RED malware was exported to a user who may not see it")
			}
			if b.object("indicator--2f3a4b5c-6d7e-4f80-8192-a3b4c5d6e7f8") == nil {
				t.Error("the TLP:GREEN indicator is missing")
			}
			for _, r := range s.Requests() {
				upload := strings.HasSuffix(r.Operation, "ExportPush")
				if upload && (r.ApplicantID != "" || r.UserID != pyctitest.AdminID) {
					t.Errorf("upload ran as %q for %q, want the connector", r.UserID, r.ApplicantID)
				}
				if !upload && r.ApplicantID != "u-amber" {
					t.Errorf("%s ran for applicant %q, want u-amber", r.Operation, r.ApplicantID)
				}
			}
		})
	}
}

// An author that the export's marking restriction excludes is left out,
// and so is the reference to it.
func TestExportLeavesOutRestrictedAuthor(t *testing.T) {
	fixture := `{"markings": {
	  "mk-green": {"standard_id": "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "definition_type": "TLP", "definition": "TLP:GREEN", "x_opencti_order": 2, "created": "2017-01-20T00:00:00.000Z"},
	  "mk-amber": {"standard_id": "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "definition_type": "TLP", "definition": "TLP:AMBER", "x_opencti_order": 3, "created": "2017-01-20T00:00:00.000Z"},
	  "mk-red": {"standard_id": "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "definition_type": "TLP", "definition": "TLP:RED", "x_opencti_order": 5, "created": "2017-01-20T00:00:00.000Z"}},
	 "entities": {
	  "e-author": {"entity_type": "Organization", "standard_id": "identity--0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6", "name": "Secret Team", "identity_class": "organization", "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "objectMarking": ["mk-red"]},
	  "e-malware": {"entity_type": "Malware", "standard_id": "malware--3a4b5c6d-7e8f-4091-92a3-b4c5d6e7f809", "name": "Example Implant", "is_family": true, "created": "2024-03-01T00:00:00.000Z", "modified": "2024-03-01T00:00:00.000Z", "createdBy": "e-author", "objectMarking": ["mk-green"]}},
	 "relationships": {}}`
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		t.Run(string(profile), func(t *testing.T) {
			s, c := platform(t)
			if _, err := s.SeedFixture([]byte(fixture)); err != nil {
				t.Fatal(err)
			}
			x := exporter(t, c, export.Options{Profile: profile})
			req := export.Request{Scope: export.ScopeSingle, Mode: export.ModeSimple,
				EntityType: "Malware", EntityID: "e-malware", FileName: "malware.json",
				AccessFilter: pycti.AllOf(pycti.Where("objectMarking", "mk-red").
					WithOperator(pycti.OpNotEq).WithMode(pycti.ModeAnd))}

			b, _ := write(t, x, req)

			want := []string{"malware--3a4b5c6d-7e8f-4091-92a3-b4c5d6e7f809",
				"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}
			if !sameSet(b.ids(), want) {
				t.Errorf("bundle ids = %v, want %v", b.ids(), want)
			}
			if ref, ok := b.object(want[0])["created_by_ref"]; ok {
				t.Errorf("created_by_ref = %v, want none", ref)
			}
		})
	}
}

// Requests that lack what their scope needs are rejected before any read.
func TestRequestValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		req  export.Request
		want string
	}{
		{"bad mode", export.Request{Scope: export.ScopeSingle, Mode: "deep", EntityID: "x",
			FileName: "f"}, `export_type "deep"`},
		{"no file name", export.Request{Scope: export.ScopeSingle, Mode: export.ModeFull,
			EntityID: "x"}, "missing file_name"},
		{"single without id", export.Request{Scope: export.ScopeSingle,
			Mode: export.ModeFull, FileName: "f"}, "missing entity_id"},
		{"query without type", export.Request{Scope: export.ScopeQuery,
			Mode: export.ModeFull, FileName: "f"}, "missing entity_type"},
		{"bad scope", export.Request{Scope: "list", Mode: export.ModeFull, FileName: "f"},
			`export_scope "list"`},
		{"flat filters", export.Request{Scope: export.ScopeQuery, Mode: export.ModeSimple,
			EntityType: "Malware", FileName: "f", ListParams: &export.ListParams{
				Filters: mustFilter(t, `{"entity_type":[{"id":"Malware"}]}`)}},
			"list_params.filters: filter group without mode: filters in the flat format"},
		{"nested bad mode", export.Request{Scope: export.ScopeSingle, Mode: export.ModeSimple,
			EntityID: "x", FileName: "f", AccessFilter: mustFilter(t, `{"mode":"and",`+
				`"filters":[],"filterGroups":[{"mode":"AND","filters":[],"filterGroups":[]}]}`)},
			`access_filter: filter group mode "AND": use and or or`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.req.Validate()
			if !errors.Is(err, export.ErrInvalidRequest) {
				t.Fatalf("err = %v, want ErrInvalidRequest", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %q, want it to name %s", err, tc.want)
			}
		})
	}
}

func mustFilter(t *testing.T, text string) *pycti.FilterGroup {
	t.Helper()
	g, err := pycti.ParseFilterGroup([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// The bundle is indented by four spaces per level, as the Python
// connector writes it, and each export gets its own random bundle id.
func TestWriteBundleLayout(t *testing.T) {
	s, c := platform(t)
	seedFixture(t, s, "platform-022.json")
	x := exporter(t, c, export.Options{})

	first, _ := write(t, x, reportRequest(export.ModeSimple))
	second, _ := write(t, x, reportRequest(export.ModeSimple))

	head := "{\n    \"type\": \"bundle\",\n    \"id\": \"bundle--"
	if !strings.HasPrefix(string(first.raw), head) {
		t.Errorf("bundle starts %q, want %q", first.raw[:min(len(first.raw), 60)], head)
	}
	if !strings.Contains(string(first.raw), "\n    \"objects\": [\n        {\n            \"") {
		t.Error("objects are not indented by four spaces per level")
	}
	if first.ID == second.ID {
		t.Errorf("two exports share the bundle id %s", first.ID)
	}
	if _, err := uuid.Parse(strings.TrimPrefix(first.ID, "bundle--")); err != nil {
		t.Errorf("bundle id %s is not bundle--UUID: %v", first.ID, err)
	}
	if _, ok := first.object("report--1e2f3a4b-5c6d-4e7f-9081-92a3b4c5d6e7")["spec_version"]; !ok {
		t.Error("objects lost their spec_version")
	}
}

// A file name with a line break, which the platform builds from an entity
// name, is uploaded with the line break percent-encoded.
func TestExportFileNameLineBreak(t *testing.T) {
	s, c := platform(t)
	seedFixture(t, s, "platform-022.json")
	x := exporter(t, c, export.Options{})
	req := reportRequest(export.ModeSimple)
	req.FileName = "2024-03-05_Report-Example\n(wrap-up)_simple.json"

	if _, err := x.Export(context.Background(), req); err != nil {
		t.Fatal(err)
	}

	uploaded(t, s, "2024-03-05_Report-Example%0A(wrap-up)_simple.json")
}

// A query export passes the list's search to the platform, and sorts by
// created_at when the list's sort field is one the object list lacks.
func TestQuerySearchAndOrderFallback(t *testing.T) {
	s, c := platform(t)
	seedFixture(t, s, "platform-025.json")
	x := exporter(t, c, export.Options{})
	req := export.Request{Scope: export.ScopeQuery, Mode: export.ModeSimple,
		EntityType: "Indicator", FileName: "indicators.json",
		ListParams: &export.ListParams{Search: "alpha", OrderBy: "report_types"}}
	s.ResetRequests()

	b, _ := write(t, x, req)

	if want := []string{"indicator--3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b"}; !sameSet(b.ids(), want) {
		t.Errorf("bundle ids = %v, want only the indicator matching alpha", b.ids())
	}
	lists := 0
	for _, r := range s.Requests() {
		if r.Operation != "StixCoreObjects" {
			continue
		}
		lists++
		if r.Variables["search"] != "alpha" || r.Variables["orderBy"] != "created_at" {
			t.Errorf("list variables search=%v orderBy=%v, want alpha and created_at",
				r.Variables["search"], r.Variables["orderBy"])
		}
	}
	if lists == 0 {
		t.Error("no list request recorded")
	}
}

// The uploaded file carries the request's file markings.
func TestExportFileMarkings(t *testing.T) {
	s, c := platform(t)
	seedFixture(t, s, "platform-022.json")
	x := exporter(t, c, export.Options{})
	req := reportRequest(export.ModeSimple)
	req.FileMarkings = []string{"mk-tlp-amber"}

	if _, err := x.Export(context.Background(), req); err != nil {
		t.Fatal(err)
	}

	uploaded(t, s, req.FileName)
	for _, f := range s.Files() {
		if f.Name == req.FileName && (len(f.Markings) != 1 || f.Markings[0] != "mk-tlp-amber") {
			t.Errorf("file markings = %v, want mk-tlp-amber", f.Markings)
		}
	}
}
