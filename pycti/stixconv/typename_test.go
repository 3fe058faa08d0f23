package stixconv

import (
	"context"
	"strings"
	"testing"
)

// The generated raw reads add __typename to every abstract-typed
// selection; it must not reach the STIX objects.
func TestConvertDropsGeneratedTypename(t *testing.T) {
	node := `{"__typename":"Malware","id":"m1",` +
		`"standard_id":"malware--8bdfdafe-f23b-55e8-9729-75341ca079cb","entity_type":"Malware",` +
		`"parent_types":["Stix-Domain-Object"],"spec_version":"2.1","name":"Quillfeather",` +
		`"created":"2024-03-05T08:01:12.345Z","modified":"2024-03-05T08:01:12.345Z",` +
		`"createdBy":{"__typename":"Organization","id":"o1",` +
		`"standard_id":"identity--a7661c40-9fa1-517a-b65d-a1793388306d",` +
		`"entity_type":"Organization","parent_types":["Identity"],"spec_version":"2.1",` +
		`"identity_class":"organization","name":"Northwind Analytics",` +
		`"created":"2023-01-10T00:00:00.000Z","modified":"2023-01-10T00:00:00.000Z"}}`
	got, err := Convert(context.Background(), []byte(node), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Objects) != 2 {
		t.Fatalf("%d objects, want the author and the malware", len(got.Objects))
	}
	for _, o := range got.Objects {
		if strings.Contains(string(o.JSON()), "__typename") {
			t.Errorf("%s keeps __typename: %s", o.ID(), o.JSON())
		}
	}
}

func TestConvertKeepsObjectCoveredTypename(t *testing.T) {
	for _, c := range []struct {
		compat Compat
		key    string
	}{{Pycti(), "objectCovered"}, {Compat{}, "x_opencti_object_covered"}} {
		got, err := Convert(context.Background(), specNamed("SecurityCoverage").node(),
			Options{Compat: c.compat})
		if err != nil {
			t.Fatal(err)
		}
		covered, _ := got.Entity().Get(c.key).(*Object)
		if covered == nil || covered.String("__typename") != "IntrusionSet" {
			t.Errorf("%s = %v, want its __typename kept", c.key, got.Entity().Get(c.key))
		}
	}
}
