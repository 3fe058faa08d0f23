package pyctitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
)

func errorCode(r gqlResult) string {
	if len(r.Errors) == 0 {
		return ""
	}
	ext, _ := r.Errors[0]["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

func TestValidationUnknownField(t *testing.T) {
	s := newFullServer(t)
	r := gql(t, s, s.AdminToken(), "", `{ about { version noSuchField } }`, nil)
	if got := errorCode(r); got != "GRAPHQL_VALIDATION_FAILED" {
		t.Fatalf("code = %q, want GRAPHQL_VALIDATION_FAILED: %s", got, r.Raw)
	}
	if r.Data != nil {
		t.Errorf("data = %v, want none for an invalid operation", r.Data)
	}
	if !strings.Contains(r.Errors[0]["message"].(string), "noSuchField") {
		t.Errorf("message %q does not name the field", r.Errors[0]["message"])
	}
}

func TestValidationSyntaxError(t *testing.T) {
	s := newFullServer(t)
	r := gql(t, s, s.AdminToken(), "", `{ about { version }`, nil)
	if got := errorCode(r); got != "GRAPHQL_PARSE_FAILED" {
		t.Fatalf("code = %q, want GRAPHQL_PARSE_FAILED: %s", got, r.Raw)
	}
}

func TestValidationMissingVariable(t *testing.T) {
	s := newFullServer(t)
	r := gql(t, s, s.AdminToken(), "", `query Q($id: String!) { stixCoreObject(id: $id) { id } }`, nil)
	if got := errorCode(r); got != "BAD_USER_INPUT" {
		t.Fatalf("code = %q, want BAD_USER_INPUT: %s", got, r.Raw)
	}
}

func TestUnimplementedRootFieldFails(t *testing.T) {
	s := newFullServer(t)
	r := gql(t, s, s.AdminToken(), "", `{ logo { id } }`, nil)
	if strings.Contains(string(r.Raw), "GRAPHQL_VALIDATION_FAILED") {
		t.Skip("field not in schema")
	}
	if got := errorCode(r); got != "UNSUPPORTED_ERROR" {
		t.Fatalf("code = %q, want UNSUPPORTED_ERROR: %s", got, r.Raw)
	}
}

func TestDefaultSchemaServesSDKOperations(t *testing.T) {
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := gql(t, s, s.AdminToken(), "", `query About { about { version } }`, nil)
	mustNoErrors(t, r)
	if v := r.Data["about"].(map[string]any)["version"]; v != "7.260817.0" {
		t.Errorf("version = %v", v)
	}
}

func TestPaginationFollowsCursors(t *testing.T) {
	s := newFullServer(t)
	seedFixtureFile(t, s, "platform-025.json")
	var ids []string
	after := any(nil)
	pages := 0
	for {
		r := gql(t, s, s.AdminToken(), "", `query P($after: ID) { stixCyberObservables(first: 2, after: $after,
			orderBy: created_at, orderMode: desc) { edges { cursor node { id observable_value } }
			pageInfo { endCursor hasNextPage globalCount } } }`, map[string]any{"after": after})
		mustNoErrors(t, r)
		conn := r.Data["stixCyberObservables"].(map[string]any)
		for _, e := range conn["edges"].([]any) {
			ids = append(ids, e.(map[string]any)["node"].(map[string]any)["id"].(string))
		}
		info := conn["pageInfo"].(map[string]any)
		if info["globalCount"] != 5.0 {
			t.Errorf("globalCount = %v, want 5", info["globalCount"])
		}
		pages++
		if info["hasNextPage"] != true {
			break
		}
		after = info["endCursor"]
	}
	want := []string{"o-a2", "o-a1", "o-d2", "o-d3", "o-d1"}
	if fmt.Sprint(ids) != fmt.Sprint(want) || pages != 3 {
		t.Errorf("ids = %v in %d pages, want %v in 3", ids, pages, want)
	}
}

func TestPageSizeAboveMaxCapped(t *testing.T) {
	s := newFullServer(t, WithPageSizes(2, 3))
	seedFixtureFile(t, s, "platform-025.json")
	for first, want := range map[any]int{nil: 2, 10: 3} {
		r := gql(t, s, s.AdminToken(), "", `query Q($first: Int) { stixCyberObservables(first: $first) {
			edges { node { id } } pageInfo { hasNextPage } } }`, map[string]any{"first": first})
		mustNoErrors(t, r)
		if got := edgeCount(r); got != want {
			t.Errorf("first %v: %d observables, want %d", first, got, want)
		}
		info := r.Data["stixCyberObservables"].(map[string]any)["pageInfo"].(map[string]any)
		if info["hasNextPage"] != true {
			t.Errorf("first %v: hasNextPage = %v, want true", first, info["hasNextPage"])
		}
	}
}

func TestFiltersEntityTypeAndSearch(t *testing.T) {
	s := newFullServer(t)
	seedFixtureFile(t, s, "platform-025.json")
	filters := map[string]any{"mode": "and", "filterGroups": []any{}, "filters": []any{
		map[string]any{"key": "entity_type", "values": []any{"Domain-Name"}, "operator": "eq", "mode": "or"}}}
	r := gql(t, s, s.AdminToken(), "", `query Q($f: FilterGroup, $s: String) { stixCyberObservables(filters: $f, search: $s) {
		edges { node { id } } } }`, map[string]any{"f": filters, "s": "beta"})
	mustNoErrors(t, r)
	edges := r.Data["stixCyberObservables"].(map[string]any)["edges"].([]any)
	if len(edges) != 1 || edges[0].(map[string]any)["node"].(map[string]any)["id"] != "o-d2" {
		t.Errorf("edges = %v, want o-d2 only", edges)
	}
}

func TestRelationshipListsByEnd(t *testing.T) {
	s := newFullServer(t)
	seedFixtureFile(t, s, "platform-025.json")
	r := gql(t, s, s.AdminToken(), "", `{ a: stixCoreRelationships(fromOrToId: ["o-d1"]) { edges { node { id
		from { ... on Indicator { name } } to { ... on DomainName { value } } } } }
		b: stixSightingRelationships(fromOrToId: "e-org") { edges { node { id attribute_count } } } }`, nil)
	mustNoErrors(t, r)
	a := r.Data["a"].(map[string]any)["edges"].([]any)
	b := r.Data["b"].(map[string]any)["edges"].([]any)
	if len(a) != 1 || len(b) != 1 {
		t.Fatalf("relationships %d and sightings %d, want 1 and 1: %s", len(a), len(b), r.Raw)
	}
	if n := b[0].(map[string]any)["node"].(map[string]any)["attribute_count"]; n != 3.0 {
		t.Errorf("attribute_count = %v, want 3", n)
	}
}

// multipartRequest builds a GraphQL multipart request with one file.
func multipartRequest(t *testing.T, s *Server, token, query string, vars map[string]any,
	filename string, data []byte) *http.Request {
	t.Helper()
	return multipartRequestOp(t, s, token, query, "", vars, filename, data)
}

// multipartRequestOp builds a GraphQL multipart request with one file and
// an optional operation name.
func multipartRequestOp(t *testing.T, s *Server, token, query, opName string, vars map[string]any,
	filename string, data []byte) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars, "operationName": opName})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0":["variables.file"]}`)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="0"; filename=%q`, filename))
	h.Set("Content-Type", "application/json")
	part, _ := w.CreatePart(h)
	_, _ = part.Write(data)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, s.URL+"/graphql", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return req
}

func TestExportPushStoresFile(t *testing.T) {
	s := newAccessServer(t)
	name := "2024-06-01T00:00:00.000Z_TLP:ALL_(ExportFileStix)_Report-Analyst’s \"quoted\" notes_full.json"
	body := []byte(`{"type":"bundle","id":"bundle--1","objects":[]}`)
	req := multipartRequest(t, s, "tok-connector",
		`mutation E($id: ID!, $file: Upload!, $file_markings: [String]!) { stixDomainObjectEdit(id: $id) { exportPush(file: $file, file_markings: $file_markings) } }`,
		map[string]any{"id": "e-report", "file": nil, "file_markings": []any{"mk-tlp-amber"}}, name, body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(raw), `"exportPush":true`) {
		t.Fatalf("response = %s", raw)
	}
	files := s.Files()
	if len(files) != 1 {
		t.Fatalf("stored %d files, want 1", len(files))
	}
	f := files[0]
	if f.Name != name || !bytes.Equal(f.Data, body) || f.EntityID != "e-report" || !f.Exported {
		t.Errorf("stored file = %+v", f)
	}
	if len(f.Markings) != 1 || f.Markings[0] != "mk-tlp-amber" {
		t.Errorf("file markings = %v, want [mk-tlp-amber]", f.Markings)
	}
	if f.MimeType != "application/json" {
		t.Errorf("mime type = %q, want application/json from the name", f.MimeType)
	}
	if f.ID != "export/Report/e-report/"+strings.ToLower(name) {
		t.Errorf("storage key = %q, want export/Report/e-report/<lower-cased name>", f.ID)
	}
	// The file is downloadable by the connector, not by a user below AMBER.
	get := func(token string) int {
		u := s.URL + "/storage/get/" + escapeSegments(f.ID)
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 && !bytes.Equal(got, body) {
			t.Errorf("downloaded %q, want the uploaded body", got)
		}
		return resp.StatusCode
	}
	if code := get("tok-connector"); code != 200 {
		t.Errorf("connector download status = %d, want 200", code)
	}
	if code := get("tok-plain"); code != 503 {
		t.Errorf("GREEN-only user download status = %d, want 503", code)
	}
	if code := get(""); code != 403 {
		t.Errorf("anonymous download status = %d, want 403", code)
	}
}

func escapeSegments(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

func TestListExportPushKeepsListFilters(t *testing.T) {
	s := newAccessServer(t)
	req := multipartRequest(t, s, "tok-connector",
		`mutation L($entity_id: String, $entity_type: String!, $file: Upload!, $file_markings: [String]!, $listFilters: String) {
			stixCyberObservablesExportPush(entity_id: $entity_id, entity_type: $entity_type, file: $file, file_markings: $file_markings, listFilters: $listFilters) }`,
		map[string]any{"entity_id": nil, "entity_type": "Stix-Cyber-Observable", "file": nil,
			"file_markings": []any{}, "listFilters": "selected_ids"}, "list.json", []byte("{}"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	files := s.Files()
	if len(files) != 1 || files[0].ListFilters != "selected_ids" || files[0].ID != "export/Stix-Cyber-Observable/list.json" {
		t.Fatalf("files = %+v", files)
	}
}

func TestIntrospectionForbidden(t *testing.T) {
	s := newFullServer(t)
	r := gql(t, s, s.AdminToken(), "", `{ __type(name: "RegisterConnectorInput") { inputFields { name } } }`, nil)
	if got := errorCode(r); got != "FORBIDDEN_ACCESS" {
		t.Fatalf("code = %q, want FORBIDDEN_ACCESS: %s", got, r.Raw)
	}
}
