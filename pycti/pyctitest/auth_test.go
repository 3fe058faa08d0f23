package pyctitest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	sdk "github.com/opencti-go/sdk"
	"github.com/opencti-go/sdk/pycti"
)

// TestDefaultCapsMatchPlatformAuth checks that a server on the SDK's schema
// subset, which has no @auth directives, requires the capabilities that the
// platform schema's @auth directives name.
func TestDefaultCapsMatchPlatformAuth(t *testing.T) {
	full := gqlparser.MustLoadSchema(&ast.Source{Name: "platform", Input: fullSchema(t)})
	subset := gqlparser.MustLoadSchema(&ast.Source{Name: "subset", Input: sdk.SchemaGraphQL})
	check := func(typeName, field, key string, root bool) {
		t.Helper()
		want, wantDeclared := authDirective(full.Types[typeName].Fields.ForName(field))
		got, gotDeclared := defaultAuth(key, root && typeName == "Query")
		if root && wantDeclared != gotDeclared {
			t.Errorf("%s.%s: default table declared = %v, platform @auth declared = %v",
				typeName, field, gotDeclared, wantDeclared)
		}
		if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
			t.Errorf("%s.%s: default capabilities %v, platform @auth %v", typeName, field, got, want)
		}
	}
	for _, typeName := range []string{"Query", "Mutation"} {
		for _, f := range subset.Types[typeName].Fields {
			if !strings.HasPrefix(f.Name, "__") {
				check(typeName, f.Name, rootAuthKey(typeName, f.Name), true)
			}
		}
	}
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, def := range subset.Types {
		if !strings.HasSuffix(def.Name, "EditMutations") {
			continue
		}
		for name := range s.editFields() {
			if def.Fields.ForName(name) != nil {
				check(def.Name, name, editAuthKey(def.Name, name), false)
			}
		}
	}
}

// newSubsetServerWithUsers starts a server on the SDK's schema subset, whose
// capability checks come from defaultCaps, and adds the users.
func newSubsetServerWithUsers(t *testing.T, users ...User) *Server {
	t.Helper()
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	for _, u := range users {
		mustDo(t, s.AddUser(u))
	}
	return s
}

// TestDefaultSchemaCapabilityChecks runs requests as users with a single
// capability against a server on the SDK's schema subset.
func TestDefaultSchemaCapabilityChecks(t *testing.T) {
	s := newSubsetServerWithUsers(t,
		User{ID: "u-conn", Token: "tok-conn", Capabilities: []string{CapConnectorAPI}},
		User{ID: "u-reader", Token: "tok-reader", Capabilities: []string{CapKnowledge}})
	cases := []struct {
		name, token, query, wantCode string
	}{
		{"about without KNOWLEDGE", "tok-conn", `{ about { version } }`, ""},
		{"me without KNOWLEDGE", "tok-conn", `{ me { id } }`, ""},
		{"playbook step without CONNECTORAPI", "tok-reader", `mutation { playbookStepExecution(
			execution_id: "e", event_id: "v", execution_start: "2026-01-01T00:00:00Z",
			data_instance_id: "d", playbook_id: "p", previous_step_id: "s0", step_id: "s1",
			previous_bundle: "{}", bundle: "{}") }`, "FORBIDDEN_ACCESS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := gql(t, s, c.token, "", c.query, nil)
			if got := errorCode(r); got != c.wantCode {
				t.Errorf("error code = %q, want %q: %s", got, c.wantCode, r.Raw)
			}
		})
	}
}

// TestClientHealthConnectorOnlyToken runs the pycti start-up check with the
// token of a user that has CONNECTORAPI and no KNOWLEDGE.
func TestClientHealthConnectorOnlyToken(t *testing.T) {
	s := newSubsetServerWithUsers(t,
		User{ID: "u-conn", Token: "tok-conn", Capabilities: []string{CapConnectorAPI}})
	client, err := pycti.NewClient(s.URL, "tok-conn")
	if err != nil {
		t.Fatal(err)
	}
	v, err := client.Health(context.Background())
	if err != nil {
		t.Fatalf("Health: %v", err)
	}
	if v.Major != 7 {
		t.Errorf("version = %v, want major version 7", v)
	}
}
