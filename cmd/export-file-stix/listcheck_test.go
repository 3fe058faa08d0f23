package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// listMessage is the message of a list export of entityType, reported on
// workID. The extra members are added to the event.
func listMessage(workID, scope, entityType, fileName string, extra map[string]any) []byte {
	empty := map[string]any{"mode": "and", "filters": []any{}, "filterGroups": []any{}}
	event := map[string]any{"export_scope": scope, "export_type": "simple",
		"format": stixMIME, "file_name": fileName, "entity_type": entityType,
		"entity_name": "global", "file_markings": []string{}, "access_filter": empty,
		"main_filter": empty}
	for k, v := range extra {
		event[k] = v
	}
	body, _ := json.Marshal(map[string]any{"event": event,
		"internal": map[string]any{"work_id": workID, "applicant_id": pyctitest.AdminID}})
	return body
}

// storedObjectTypes returns the STIX types of the objects of a stored file.
func storedObjectTypes(t *testing.T, srv *pyctitest.Server, name string) map[string]int {
	t.Helper()
	data, ok := storedExport(srv, name)
	if !ok {
		t.Fatalf("no file %q stored", name)
	}
	var b struct {
		Objects []struct {
			Type string `json:"type"`
		} `json:"objects"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	types := map[string]int{}
	for _, o := range b.Objects {
		types[o.Type]++
	}
	return types
}

// A query export's entity_type is matched without regard to case, as
// pycti does, and the file is attached to the list of the platform's
// spelling: "report" exports reports, not every relationship.
func TestOnceQueryTypeIgnoresCase(t *testing.T) {
	srv, _, env := oncePlatform(t)
	body := listMessage("", "query", "report", "reports.json",
		map[string]any{"list_params": map[string]any{"orderBy": "name", "orderMode": "asc"}})

	runOnceMessage(t, env, body)

	types := storedObjectTypes(t, srv, "reports.json")
	if types["report"] == 0 {
		t.Errorf("stored types %v, want reports", types)
	}
	if types["relationship"] != 0 {
		t.Errorf("stored types %v, want no relationship in a simple report export", types)
	}
	for _, f := range srv.Files() {
		if f.Name == "reports.json" && f.EntityType != "Report" {
			t.Errorf("file attached to the list of %q, want Report", f.EntityType)
		}
	}
}

// A list export of an unknown type, of a selection without ids or of a
// format other than STIX marks the work in error with the value and the
// fix, and stores no file.
func TestOnceRejectsInvalidRequests(t *testing.T) {
	cases := []struct {
		name, scope, entityType string
		extra                   map[string]any
		want                    string
	}{
		{"plural type", "query", "Reports", nil, `unknown entity_type "Reports"`},
		{"unknown type", "query", "Foo", nil, `unknown entity_type "Foo"`},
		{"unknown selection type", "selection", "Foo",
			map[string]any{"selected_ids": []string{"x"}}, `unknown entity_type "Foo"`},
		{"empty selection", "selection", "Stix-Domain-Object",
			map[string]any{"selected_ids": []string{}}, "selected_ids is empty"},
		{"csv format", "query", "Report", map[string]any{"format": "text/csv"},
			`format "text/csv" is not produced by this connector`},
		{"filters as text", "query", "Report",
			map[string]any{"list_params": map[string]any{"filters": "{not json"}},
			"; send a FilterGroup object such as"},
	}
	srv, client, env := oncePlatform(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			workID, err := client.AddWork(context.Background(), testConnectorID, tc.name)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.ReplaceAll(tc.name, " ", "-") + ".json"
			body := listMessage(workID, tc.scope, tc.entityType, name, tc.extra)
			var stderr bytes.Buffer

			code := run(context.Background(), []string{"--once", "-", "--config", ""},
				envOf(env), bytes.NewReader(body), &bytes.Buffer{}, &stderr)

			if code != exitUsage {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, exitUsage, stderr.String())
			}
			if _, ok := storedExport(srv, name); ok {
				t.Error("a file was stored")
			}
			w, _ := srv.Work(workID)
			if len(w.Errors) != 1 || !strings.Contains(w.Errors[0].Message, tc.want) {
				t.Errorf("work errors %v, want one containing %q", w.Errors, tc.want)
			}
		})
	}
}

// A selection exports only the selected ids, even when main_filter does
// not name them: a selection of an unknown id stores an empty bundle, not
// every object the filter matches.
func TestOnceSelectionReadsOnlySelectedIDs(t *testing.T) {
	srv, _, env := oncePlatform(t)
	body := listMessage("", "selection", "Stix-Domain-Object", "selection.json",
		map[string]any{"selected_ids": []string{"does-not-exist-0001"}})

	runOnceMessage(t, env, body)

	if types := storedObjectTypes(t, srv, "selection.json"); len(types) != 0 {
		t.Errorf("stored types %v, want an empty bundle", types)
	}
}

// The list types are every domain object and observable type of the
// platform's schema, spelt so that without hyphens they name the schema's
// GraphQL type.
func TestListTypesMatchSchema(t *testing.T) {
	data, err := os.ReadFile(testenv.SharedDir(t, "opencti", "schema.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	concrete := regexp.MustCompile(
		`(?m)^type (\w+) implements[^{]*\b(StixDomainObject|StixCyberObservable)\b`)
	defined := regexp.MustCompile(`(?m)^(?:type|interface) (\w+)`)
	graphQLTypes := map[string]bool{}
	for _, m := range defined.FindAllSubmatch(data, -1) {
		graphQLTypes[string(m[1])] = true
	}
	listed := map[string]bool{}
	for _, typ := range listTypes {
		var name string
		for part := range strings.SplitSeq(typ, "-") {
			name += strings.ToUpper(part[:1]) + part[1:]
		}
		listed[name] = true
		if !graphQLTypes[name] {
			t.Errorf("list type %s: no GraphQL type %s in the schema", typ, name)
		}
	}
	for _, m := range concrete.FindAllSubmatch(data, -1) {
		if !listed[string(m[1])] {
			t.Errorf("schema type %s is missing from listTypes", m[1])
		}
	}
}

// A single export's entity_type is also matched without regard to case:
// the pycti profile read "report" as a relationship and stored an empty
// bundle.
func TestOnceSingleTypeIgnoresCase(t *testing.T) {
	srv, client, env := oncePlatform(t)
	env["EXPORT_FILE_STIX_PROFILE"] = "pycti"
	body := singleMessage(firstOf(t, client, "Report"), "report", "simple", "single.json", "")

	runOnceMessage(t, env, body)

	if types := storedObjectTypes(t, srv, "single.json"); types["report"] != 1 {
		t.Errorf("stored types %v, want the report", types)
	}
}
