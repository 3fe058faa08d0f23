package pyctitest

import (
	"strings"
	"testing"
)

// An object seeded under a prefixed type (ATT&CK's x-mitre-data-source)
// gets a standard id of the platform's own type, and references to the
// seeded id still find it.
func TestSeedPrefixedTypeStandardID(t *testing.T) {
	s := newFullServer(t)
	bundle := `{"type":"bundle","id":"bundle--1","objects":[
	 {"type":"x-mitre-data-source","spec_version":"2.1","id":"x-mitre-data-source--f424e4b4-a8a4-4c58-a4ae-4f53bfd08563","name":"Process","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z"},
	 {"type":"x-mitre-data-component","spec_version":"2.1","id":"x-mitre-data-component--3d20385b-24ef-40e1-9f56-f39750379077","name":"Process Creation","x_mitre_data_source_ref":"x-mitre-data-source--f424e4b4-a8a4-4c58-a4ae-4f53bfd08563","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z"}
	]}`
	if _, err := s.SeedBundle([]byte(bundle)); err != nil {
		t.Fatal(err)
	}
	source := adminToStix(t, s, "x-mitre-data-source--f424e4b4-a8a4-4c58-a4ae-4f53bfd08563")
	if id, _ := source["id"].(string); !strings.HasPrefix(id, source["type"].(string)+"--") {
		t.Errorf("data source id %v does not start with its type %v", source["id"], source["type"])
	}
	if source["id"] != "data-source--f424e4b4-a8a4-4c58-a4ae-4f53bfd08563" {
		t.Errorf("data source id = %v, want the seeded UUID under data-source", source["id"])
	}
	reply := gql(t, s, s.AdminToken(), "", `query { stixDomainObject(id: `+
		`"x-mitre-data-source--f424e4b4-a8a4-4c58-a4ae-4f53bfd08563") { standard_id } }`, nil)
	if !strings.Contains(string(reply.Raw), `"data-source--f424e4b4-a8a4-4c58-a4ae-4f53bfd08563"`) {
		t.Errorf("standard_id read = %s, want the platform's id", reply.Raw)
	}
	component := adminToStix(t, s, "x-mitre-data-component--3d20385b-24ef-40e1-9f56-f39750379077")
	if component["id"] != "data-component--3d20385b-24ef-40e1-9f56-f39750379077" {
		t.Errorf("data component id = %v", component["id"])
	}
	if component["x_mitre_data_source_ref"] != source["id"] {
		t.Errorf("x_mitre_data_source_ref = %v, want the data source's standard id %v",
			component["x_mitre_data_source_ref"], source["id"])
	}
}
