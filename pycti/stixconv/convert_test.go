package stixconv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

func specNamed(name string) spec {
	for _, s := range domainSpecs {
		if s.name == name {
			return s
		}
	}
	panic("no spec " + name)
}

func TestDownloadFailureFixedIsError(t *testing.T) {
	node := specNamed("Language").node() // read with a file in every mode
	res := MapResolver{}
	_, err := Convert(context.Background(), node, Options{Resolver: res})
	var de *DownloadError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want a *DownloadError", err)
	}
	if de.FileID != "import/Language/language-1/glossary.txt" || de.EntityID != "language-1" {
		t.Errorf("DownloadError names %s of %s", de.FileID, de.EntityID)
	}
}

func TestDownloadFailurePyctiWritesNull(t *testing.T) {
	node := specNamed("Language").node()
	got, err := Convert(context.Background(), node, Options{Compat: Pycti(), Resolver: MapResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := got.Entity().Get("x_opencti_files").([]any)
	if len(files) != 1 {
		t.Fatalf("x_opencti_files = %v, want one entry", files)
	}
	entry := files[0].(*Object)
	if !entry.Has("data") || entry.Get("data") != nil {
		t.Errorf("entry = %s, want data null", entry.JSON())
	}
}

func TestNoCustomLeavesOpenCTIOut(t *testing.T) {
	got, err := Convert(context.Background(), specNamed("AttackPattern").node(),
		Options{NoCustom: true, Resolver: testResolver})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Objects) != 1 {
		t.Fatalf("%d objects, want the entity alone", len(got.Objects))
	}
	e := got.Entity()
	for _, k := range e.Keys() {
		if k[:2] == "x_" {
			t.Errorf("no-custom entity has %s", k)
		}
	}
	for _, k := range []string{"created_by_ref", "object_marking_refs", "external_references",
		"kill_chain_phases", "x_opencti_id"} {
		if e.Has(k) {
			t.Errorf("no-custom entity has %s", k)
		}
	}
	if !e.Has("labels") {
		t.Error("no-custom entity lost its labels")
	}
}

func TestExpandTrimsCopiesOfContainers(t *testing.T) {
	report, err := Convert(context.Background(), specNamed("Report").node(),
		Options{Resolver: testResolver})
	if err != nil {
		t.Fatal(err)
	}
	before := string(report.Entity().JSON())
	todo := Todo(report, nil)
	if len(todo) == 0 || todo[0].ID != "ind-in-report" {
		t.Fatalf("todo = %v, want the members first", todo)
	}
	for _, r := range todo {
		if r.Kind == KindObject && len(r.ID) > 20 && r.ID[:20] == "marking-definition--" {
			t.Errorf("todo lists marking %s", r.ID)
		}
	}
	out := Expand(report, nil, nil, Compat{})
	if got := string(report.Entity().JSON()); got != before {
		t.Error("Expand modified the entity it was given")
	}
	last := out[len(out)-1]
	if last.Has("object_refs") {
		t.Errorf("fixed dialect: an emptied object_refs stays: %s", last.Get("object_refs"))
	}
	pycti, err := Convert(context.Background(), specNamed("Report").node(),
		Options{Compat: Pycti(), Resolver: testResolver})
	if err != nil {
		t.Fatal(err)
	}
	out = Expand(pycti, nil, nil, Pycti())
	refs, ok := out[len(out)-1].Get("object_refs").([]any)
	if !ok || len(refs) != 0 {
		t.Errorf("pycti dialect: object_refs = %v, want []", out[len(out)-1].Get("object_refs"))
	}
}

func TestExpandFirstObjectWins(t *testing.T) {
	mk := func(id, name string) *Result {
		o := NewObject()
		o.Set("id", id)
		o.Set("name", name)
		return &Result{Objects: []*Object{o}}
	}
	out := Expand(mk("identity--a", "first"), []*Result{mk("identity--a", "second"), nil},
		[]*Result{mk("malware--b", "x"), nil, mk("malware--b", "y")}, Compat{})
	if len(out) != 2 || out[0].String("name") != "first" || out[1].String("name") != "x" {
		t.Errorf("Expand = %v, want the first version of each id", out)
	}
}

func TestParseObjectKeepsOrderAndNumbers(t *testing.T) {
	in := `{"b":1.50,"a":[true,null,"x<y&z"],"c":{"z":1e3,"y":{}}}`
	o, err := ParseObject([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(o.JSON()); got != in {
		t.Errorf("round trip = %s, want %s", got, in)
	}
	if _, err := ParseObject([]byte(`[1]`)); err == nil {
		t.Error("a JSON array parsed as an object")
	}
}

func ExampleConvert() {
	node := json.RawMessage(`{"id":"0b7e4a1c-1111-4e3a-9c8b-7a6f5e4d3c2b",
		"standard_id":"ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db",
		"entity_type":"IPv4-Addr","parent_types":["Stix-Cyber-Observable"],
		"spec_version":"2.1","objectLabel":[{"id":"l1","value":"c2"}],
		"objectMarking":[{"id":"m1","standard_id":
			"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
			"definition_type":"TLP","definition":"TLP:CLEAR"}],
		"observable_value":"198.51.100.7","x_opencti_score":40,"value":"198.51.100.7"}`)
	res, err := Convert(context.Background(), node, Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, obj := range res.RawObjects() {
		fmt.Println(string(obj))
	}
	// Output:
	// {"type":"marking-definition","spec_version":"2.1","id":"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:WHITE","definition":{"tlp":"white"}}
	// {"id":"ipv4-addr--12592121-be4c-5a93-a813-5a5af16e50db","spec_version":"2.1","x_opencti_score":40,"value":"198.51.100.7","x_opencti_id":"0b7e4a1c-1111-4e3a-9c8b-7a6f5e4d3c2b","x_opencti_type":"IPv4-Addr","type":"ipv4-addr","x_opencti_labels":["c2"],"object_marking_refs":["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]}
}

// anySpec returns the golden spec with the given name from every group.
func anySpec(name string) spec {
	for _, group := range [][]spec{domainSpecs, identitySpecs, locationSpecs, observableSpecs} {
		for _, s := range group {
			if s.name == name {
				return s
			}
		}
	}
	panic("no spec " + name)
}

// Platform fields whose names are not valid STIX properties, or that STIX
// reserves for another use, move to x_opencti_ names in the fixed dialect,
// stay as pycti writes them with its switches, and go in no-custom mode.
func TestFixedRenamesPlatformFields(t *testing.T) {
	cases := []struct{ spec, pycti, fixed string }{
		{"SecurityCoverage", "objectCovered", "x_opencti_object_covered"},
		{"SSHKey", "created", "x_opencti_created"},
	}
	for _, c := range cases {
		node := anySpec(c.spec).node()
		for _, m := range []struct {
			opts      Options
			has, lack string
		}{
			{Options{Compat: Pycti(), Resolver: testResolver}, c.pycti, c.fixed},
			{Options{Resolver: testResolver}, c.fixed, c.pycti},
			{Options{NoCustom: true, Resolver: testResolver}, "", c.pycti},
		} {
			got, err := Convert(context.Background(), node, m.opts)
			if err != nil {
				t.Fatal(err)
			}
			e := got.Entity()
			if m.has != "" && !e.Has(m.has) {
				t.Errorf("%s: entity lacks %s: %s", c.spec, m.has, e.JSON())
			}
			if e.Has(m.lack) || (m.opts.NoCustom && e.Has(c.fixed)) {
				t.Errorf("%s (no-custom %v): entity has %s or %s: %s", c.spec, m.opts.NoCustom,
					m.lack, c.fixed, e.JSON())
			}
		}
	}
}
