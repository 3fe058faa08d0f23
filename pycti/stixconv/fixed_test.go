package stixconv

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

var idPattern = regexp.MustCompile(
	`^([a-z][a-z0-9-]+[a-z0-9])--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// canonicalTLP are the TLP marking definitions STIX 2.1 predefines.
var canonicalTLP = map[string]string{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "white",
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}

// TestFixedDialectChecks runs the STIX 2.1 checks that the fixed dialect
// promises over every golden input: ids match their type, no null or empty
// values, no reserved property, canonical TLP markings, relationships with
// both ends.
func TestFixedDialectChecks(t *testing.T) {
	for _, c := range goldenCases() {
		res, err := Convert(context.Background(), c.node, Options{Resolver: testResolver})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, o := range res.Objects {
			checkObject(t, c.name, o)
		}
	}
}

func checkObject(t *testing.T, name string, o *Object) {
	t.Helper()
	where := name + " " + o.ID()
	m := idPattern.FindStringSubmatch(o.ID())
	if m == nil || m[1] != o.Type() {
		t.Errorf("%s: id does not match type %q", where, o.Type())
	}
	if o.Type() != "marking-definition" && o.String("spec_version") != "2.1" {
		t.Errorf("%s: spec_version is %q", where, o.String("spec_version"))
	}
	if o.Has("severity") {
		t.Errorf("%s: has the reserved property severity", where)
	}
	checkValues(t, where, o)
	switch o.Type() {
	case "relationship":
		if o.String("source_ref") == "" || o.String("target_ref") == "" {
			t.Errorf("%s: relationship without both ends", where)
		}
	case "sighting":
		if o.String("sighting_of_ref") == "" {
			t.Errorf("%s: sighting without sighting_of_ref", where)
		}
	case "marking-definition":
		checkMarking(t, where, o)
	}
	for _, k := range o.Keys() {
		if k != "type" && k != "id" && strings.HasSuffix(k, "_ref") {
			if s, _ := o.Get(k).(string); !idPattern.MatchString(s) {
				t.Errorf("%s: %s = %q is not an identifier", where, k, s)
			}
		}
	}
}

func checkValues(t *testing.T, where string, v any) {
	t.Helper()
	switch x := v.(type) {
	case nil:
		t.Errorf("%s: null value", where)
	case []any:
		if len(x) == 0 {
			t.Errorf("%s: empty list", where)
		}
		for _, e := range x {
			checkValues(t, where, e)
		}
	case *Object:
		for _, k := range x.Keys() {
			checkValues(t, where+"."+k, x.Get(k))
		}
	}
}

func checkMarking(t *testing.T, where string, o *Object) {
	t.Helper()
	if o.String("definition_type") != "tlp" {
		if !o.Has("extensions") && !o.Has("definition") {
			t.Errorf("%s: marking without definition or extensions", where)
		}
		return
	}
	level, ok := canonicalTLP[o.ID()]
	def, _ := o.Get("definition").(*Object)
	if !ok || def == nil || def.String("tlp") != level ||
		o.String("name") != "TLP:"+strings.ToUpper(level) ||
		o.String("created") != tlpCreated {
		t.Errorf("%s: not a canonical TLP marking: %s", where, o.JSON())
	}
}
