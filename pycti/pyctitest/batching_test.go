package pyctitest

import "testing"

func TestRootFieldRepeatLimits(t *testing.T) {
	s, err := NewServer()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cases := []struct {
		name, query, wantCode, wantField string
	}{
		{"query field twice", `{ a: about { version } b: about { version } }`, "", ""},
		{"query field three times", `{ a: about { version } b: about { version } c: about { version } }`,
			"GRAPHQL_VALIDATION_FAILED", "about"},
		{"unaliased repeats count", `{ about { version } about { version } about { version } }`,
			"GRAPHQL_VALIDATION_FAILED", "about"},
		{"fragment fields count", `query Q { a: about { version } ...F ...F }
			fragment F on Query { about { version } }`, "GRAPHQL_VALIDATION_FAILED", "about"},
		{"inline fragment fields count", `{ a: about { version } ... on Query { b: about { version } }
			... on Query { c: about { version } } }`, "GRAPHQL_VALIDATION_FAILED", "about"},
		{"typename is not limited", `{ __typename a: __typename b: __typename about { version } }`, "", ""},
		// The unknown connector makes pingConnector fail once the request runs.
		{"different mutation fields", `mutation { workEdit(id: "w1") { ping }
			pingConnector(id: "missing") { id } }`, "FUNCTIONAL_ERROR", ""},
		{"mutation field twice", `mutation { a: workEdit(id: "w1") { ping } b: workEdit(id: "w2") { ping } }`,
			"GRAPHQL_VALIDATION_FAILED", "workEdit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := gql(t, s, s.AdminToken(), "", c.query, nil)
			if got := errorCode(r); got != c.wantCode {
				t.Errorf("error code = %q, want %q: %s", got, c.wantCode, r.Raw)
			}
			if c.wantField == "" || len(r.Errors) == 0 {
				return
			}
			data, _ := r.Errors[0]["extensions"].(map[string]any)["data"].(map[string]any)
			if data["field"] != c.wantField {
				t.Errorf("extensions.data.field = %v, want %s", data["field"], c.wantField)
			}
		})
	}
}
