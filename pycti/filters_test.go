package pycti

import (
	"encoding/json"
	"reflect"
	"testing"
)

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(x, y)
}

func TestFilterGroupRoundTrip(t *testing.T) {
	for _, in := range []string{
		`{"mode":"and","filters":[{"key":"objectMarking","mode":"and","operator":"not_eq","values":["aa"]},` +
			`{"key":"ids","values":["1f"],"mode":"or","operator":"eq"}],"filterGroups":[]}`,
		`{"mode":"and","filters":[],"filterGroups":[]}`,
		`{"mode":"or","filters":[{"key":["regardingOf"],"values":[{"key":"id","values":["x"]},` +
			`{"key":"relationship_type","values":["uses"]}]}],"filterGroups":[{"mode":"and",` +
			`"filters":[{"key":"confidence","values":[50],"operator":"gte"}],"filterGroups":[]}]}`,
		`{"mode":"and","filters":[{"key":"name","values":["a"],"x_future":true}],"filterGroups":[],"x_new":{"a":1}}`,
	} {
		g, err := ParseFilterGroup([]byte(in))
		if err != nil {
			t.Fatalf("parse %s: %v", in, err)
		}
		out, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		if !sameJSON(t, []byte(in), out) {
			t.Errorf("round trip changed the filter:\n in %s\nout %s", in, out)
		}
	}
}

func TestFilterGroupAddsRequiredLists(t *testing.T) {
	g, err := ParseFilterGroup([]byte(`{"mode":"or","filters":[{"key":"id","values":["a"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(g)
	want := `{"mode":"or","filters":[{"key":"id","values":["a"]}],"filterGroups":[]}`
	if string(out) != want {
		t.Errorf("got %s, want %s", out, want)
	}
}

func TestParseFilterGroupNullAndInvalid(t *testing.T) {
	for _, in := range []string{"", "null", " null "} {
		if g, err := ParseFilterGroup([]byte(in)); g != nil || err != nil {
			t.Errorf("ParseFilterGroup(%q) = %v, %v", in, g, err)
		}
	}
	for _, in := range []string{`[]`, `{"filters":{}}`, `{"filters":[{"key":5}]}`} {
		if _, err := ParseFilterGroup([]byte(in)); err == nil {
			t.Errorf("ParseFilterGroup(%s) accepted", in)
		}
	}
}

func TestAndSkipsNil(t *testing.T) {
	if And(nil, nil) != nil {
		t.Error("And of nils is not nil")
	}
	g := IDs("a")
	if And(nil, g) != g {
		t.Error("And of one group does not return it")
	}
}
