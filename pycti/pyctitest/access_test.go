package pyctitest

import (
	"os"
	"strings"
	"testing"
)

// seedFixtureFile seeds a fixture from testdata.
func seedFixtureFile(t *testing.T, s *Server, name string) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedFixture(data); err != nil {
		t.Fatalf("seed %s: %v", name, err)
	}
}

// newAccessServer seeds fixture 022 (a GREEN report, a GREEN indicator, a
// RED malware) and adds an analyst allowed up to TLP:AMBER and a connector
// user with BYPASS.
func newAccessServer(t *testing.T) *Server {
	t.Helper()
	s := newFullServer(t)
	seedFixtureFile(t, s, "platform-022.json")
	mustDo(t, s.AddGroup(Group{ID: "g-amber", Name: "Amber readers",
		Capabilities: []string{CapKnowledge}, AllowedMarkings: []string{"TLP:AMBER"}}))
	mustDo(t, s.AddGroup(Group{ID: "g-connectors", Name: "Connectors",
		Capabilities: []string{CapBypass, CapConnectorAPI}, AllMarkings: true}))
	mustDo(t, s.AddGroup(Group{ID: "g-plain", Name: "Plain connectors",
		Capabilities: []string{CapConnectorAPI, CapKnowledge}, AllowedMarkings: []string{"TLP:GREEN"}}))
	mustDo(t, s.AddUser(User{ID: "u-analyst", Name: "analyst", Token: "tok-analyst", Groups: []string{"g-amber"}}))
	mustDo(t, s.AddUser(User{ID: "u-connector", Name: "connector", Token: "tok-connector", Groups: []string{"g-connectors"}}))
	mustDo(t, s.AddUser(User{ID: "u-plain", Name: "plain", Token: "tok-plain", Groups: []string{"g-plain"}}))
	return s
}

func mustDo(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

const coreObjectsQuery = `query L($filters: FilterGroup) { stixCoreObjects(filters: $filters, first: 100) {
	edges { node { id entity_type } } pageInfo { globalCount } } }`

func listedIDs(t *testing.T, r gqlResult) map[string]bool {
	t.Helper()
	mustNoErrors(t, r)
	out := map[string]bool{}
	for _, e := range r.Data["stixCoreObjects"].(map[string]any)["edges"].([]any) {
		out[e.(map[string]any)["node"].(map[string]any)["id"].(string)] = true
	}
	return out
}

func TestMarkingsHideRedFromAmberUser(t *testing.T) {
	s := newAccessServer(t)
	ids := listedIDs(t, gql(t, s, "tok-analyst", "", coreObjectsQuery, nil))
	if ids["e-malware"] {
		t.Error("analyst sees the TLP:RED malware")
	}
	if !ids["e-indicator"] || !ids["e-report"] {
		t.Errorf("analyst misses GREEN objects: %v", ids)
	}
	r := gql(t, s, "tok-analyst", "", `{ stixCoreObject(id: "e-malware") { id } }`, nil)
	mustNoErrors(t, r)
	if r.Data["stixCoreObject"] != nil {
		t.Error("read by id returns the TLP:RED malware")
	}
}

func TestMarkingsHideRelationshipWithHiddenEnd(t *testing.T) {
	s := newAccessServer(t)
	r := gql(t, s, "tok-analyst", "", `{ stixCoreRelationships(fromOrToId: ["e-indicator"]) {
		edges { node { id relationship_type } } } }`, nil)
	mustNoErrors(t, r)
	for _, e := range r.Data["stixCoreRelationships"].(map[string]any)["edges"].([]any) {
		if id := e.(map[string]any)["node"].(map[string]any)["id"]; id == "r-ind-mal" {
			t.Error("relationship to the hidden malware is listed")
		}
	}
}

func TestToStixOmitsHiddenMembers(t *testing.T) {
	s := newAccessServer(t)
	r := gql(t, s, "tok-analyst", "", `{ report(id: "e-report") { toStix } }`, nil)
	mustNoErrors(t, r)
	raw := r.Data["report"].(map[string]any)["toStix"].(string)
	if want := "malware--3a4b5c6d-7e8f-4091-92a3-b4c5d6e7f809"; strings.Contains(raw, want) {
		t.Errorf("toStix of the report names the hidden malware: %s", raw)
	}
	if want := "indicator--2f3a4b5c-6d7e-4f80-8192-a3b4c5d6e7f8"; !strings.Contains(raw, want) {
		t.Errorf("toStix of the report misses the visible indicator: %s", raw)
	}
}

func TestImpersonationWithBypass(t *testing.T) {
	s := newAccessServer(t)
	ids := listedIDs(t, gql(t, s, "tok-connector", "u-analyst", coreObjectsQuery, nil))
	if ids["e-malware"] {
		t.Error("request impersonating the analyst sees the TLP:RED malware")
	}
	ids = listedIDs(t, gql(t, s, "tok-connector", "", coreObjectsQuery, nil))
	if !ids["e-malware"] {
		t.Error("connector with BYPASS does not see the TLP:RED malware")
	}
}

func TestImpersonationIgnoredWithoutBypass(t *testing.T) {
	s := newAccessServer(t)
	// The plain connector sees GREEN only; asking to run as the admin must
	// not widen its view.
	ids := listedIDs(t, gql(t, s, "tok-plain", AdminID, coreObjectsQuery, nil))
	if ids["e-malware"] {
		t.Error("header without BYPASS widened the view to the admin's")
	}
	r := gql(t, s, "tok-plain", AdminID, `{ me { id } }`, nil)
	mustNoErrors(t, r)
	if id := r.Data["me"].(map[string]any)["id"]; id != "u-plain" {
		t.Errorf("me = %v, want the caller u-plain", id)
	}
}

func TestImpersonationUnknownApplicant(t *testing.T) {
	s := newAccessServer(t)
	r := gql(t, s, "tok-connector", "no-such-user", `{ me { id } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0]["extensions"].(map[string]any)["code"] != "FUNCTIONAL_ERROR" {
		t.Fatalf("errors = %s, want one FUNCTIONAL_ERROR", r.Raw)
	}
}

func TestAuthRequiredWithoutToken(t *testing.T) {
	s := newAccessServer(t)
	for _, token := range []string{"", "wrong-token"} {
		r := gql(t, s, token, "", `{ about { version } }`, nil)
		if r.Status != 200 {
			t.Errorf("status = %d, want 200 as the platform answers GraphQL errors", r.Status)
		}
		if len(r.Errors) != 1 || r.Errors[0]["extensions"].(map[string]any)["code"] != "AUTH_REQUIRED" {
			t.Errorf("token %q: errors = %s, want AUTH_REQUIRED", token, r.Raw)
		}
	}
}

func TestForbiddenWithoutCapability(t *testing.T) {
	s := newAccessServer(t)
	r := gql(t, s, "tok-analyst", "", `mutation { registerConnector(input: {id: "c1", name: "c1", type: INTERNAL_EXPORT_FILE}) { id } }`, nil)
	if len(r.Errors) != 1 || r.Errors[0]["extensions"].(map[string]any)["code"] != "FORBIDDEN_ACCESS" {
		t.Fatalf("errors = %s, want FORBIDDEN_ACCESS", r.Raw)
	}
	path := r.Errors[0]["path"].([]any)
	if len(path) != 1 || path[0] != "registerConnector" {
		t.Errorf("error path = %v, want [registerConnector]", path)
	}
}

func TestFilterObjectMarkingNotEq(t *testing.T) {
	s := newAccessServer(t)
	filters := map[string]any{"mode": "and", "filterGroups": []any{}, "filters": []any{
		map[string]any{"key": "objectMarking", "mode": "and", "operator": "not_eq",
			"values": []any{"mk-tlp-red"}}}}
	ids := listedIDs(t, gql(t, s, s.AdminToken(), "", coreObjectsQuery, map[string]any{"filters": filters}))
	if ids["e-malware"] {
		t.Error("objectMarking not_eq RED kept the RED malware")
	}
	if !ids["e-location"] || !ids["e-indicator"] {
		t.Errorf("objectMarking not_eq RED dropped other objects: %v", ids)
	}
}
