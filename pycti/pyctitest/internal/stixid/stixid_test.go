package stixid

import "testing"

func TestFromPropertiesVectors(t *testing.T) {
	cases := []struct {
		typ   string
		props map[string]any
		want  string
	}{
		{"malware", map[string]any{"name": "quillfeather"},
			"malware--8bdfdafe-f23b-55e8-9729-75341ca079cb"},
		{"identity", map[string]any{"identity_class": "organization", "name": "northwind analytics"},
			"identity--a7661c40-9fa1-517a-b65d-a1793388306d"},
		{"indicator", map[string]any{"pattern": "[ipv4-addr:value = '198.51.100.7']"},
			"indicator--3ae0b0a2-7289-5fda-8a85-02d057ba0968"},
		{"marking-definition", map[string]any{"definition": "PAP:GREEN", "definition_type": "PAP"},
			"marking-definition--89484dde-e3d2-547f-a6c6-d14824429eb1"},
		{"relationship", map[string]any{"relationship_type": "communicates-with",
			"source_ref": "malware--8bdfdafe-f23b-55e8-9729-75341ca079cb",
			"target_ref": "ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db"},
			"relationship--16307dde-dd94-56db-86f6-20e001d24915"},
		{"sighting", map[string]any{"sighting_of_ref": "malware--8bdfdafe-f23b-55e8-9729-75341ca079cb",
			"type":               "sighting",
			"where_sighted_refs": []any{"identity--a7661c40-9fa1-517a-b65d-a1793388306d"}},
			"sighting--e9cf6476-ec82-5294-abe0-ac29384fc81b"},
	}
	for _, c := range cases {
		if got := FromProperties(c.typ, c.props); got != c.want {
			t.Errorf("FromProperties(%s, %v) = %s, want %s", c.typ, c.props, got, c.want)
		}
	}
}

func TestCanonicalEscapesAndOrder(t *testing.T) {
	got := Canonical(map[string]any{"b": "x > 5 & <y>", "a": []any{1.5, 1e21, true, nil}})
	want := `{"a":[1.5,1e+21,true,null],"b":"x > 5 & <y>"}`
	if got != want {
		t.Errorf("Canonical = %s, want %s", got, want)
	}
}

func TestFromPropertiesEmpty(t *testing.T) {
	if got := FromProperties("malware", nil); got != "" {
		t.Errorf("FromProperties(empty) = %q, want empty", got)
	}
}
