package stixconv

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
)

// platformFixture is the platform state of an export case: markings,
// entities and relationships keyed by internal id.
type platformFixture struct {
	Markings      map[string]map[string]any `json:"markings"`
	Entities      map[string]map[string]any `json:"entities"`
	Relationships map[string]map[string]any `json:"relationships"`
}

func loadFixture(t *testing.T, caseDir string) platformFixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testenv.SharedDir(t, "cases", caseDir), "platform.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f platformFixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

// hidden returns the ids a max-marking restriction excludes: an element
// carrying a marking of a restricted type ranked above that type's
// maximum.
func (f platformFixture) hidden(maxMarkings ...string) map[string]bool {
	limit := map[string]float64{}
	for _, m := range maxMarkings {
		limit[f.Markings[m]["definition_type"].(string)] = f.Markings[m]["x_opencti_order"].(float64)
	}
	out := map[string]bool{}
	check := func(id string, props map[string]any) {
		list, _ := props["objectMarking"].([]any)
		for _, m := range list {
			mk := f.Markings[m.(string)]
			max, ok := limit[mk["definition_type"].(string)]
			if ok && mk["x_opencti_order"].(float64) > max {
				out[id] = true
			}
		}
	}
	for id, e := range f.Entities {
		check(id, e)
	}
	for id, r := range f.Relationships {
		check(id, r)
	}
	return out
}

// node builds the raw node of an element as the pycti reads return it.
func (f platformFixture) node(id string) json.RawMessage {
	if e, ok := f.Entities[id]; ok {
		return mustJSON(f.entityNode(id, e))
	}
	r := f.Relationships[id]
	n := map[string]any{"id": id, "standard_id": r["standard_id"],
		"entity_type": r["relationship_type"], "parent_types": []string{"basic-relationship",
			"stix-relationship", "stix-core-relationship"}, "spec_version": "2.1"}
	for k, v := range r {
		switch k {
		case "from", "to":
			n[k] = f.endNode(v.(string))
		case "objectMarking":
			n[k] = f.markingNodes(v)
		case "entity_type", "standard_id":
		default:
			n[k] = v
		}
	}
	return mustJSON(n)
}

func (f platformFixture) entityNode(id string, e map[string]any) map[string]any {
	parents := append([]any{"Basic-Object", "Stix-Object"}, e["parent_types"].([]any)...)
	n := map[string]any{"id": id, "standard_id": e["standard_id"], "entity_type": e["entity_type"],
		"parent_types": parents, "spec_version": "2.1"}
	for k, v := range e {
		switch k {
		case "createdBy":
			if v != nil {
				n[k] = f.entityNode(v.(string), f.Entities[v.(string)])
				delete(n[k].(map[string]any), "createdBy")
			} else {
				n[k] = nil
			}
		case "objectMarking":
			n[k] = f.markingNodes(v)
		case "objectLabel":
			var labels []any
			for _, l := range v.([]any) {
				labels = append(labels, map[string]any{"id": "label-" + l.(string), "value": l})
			}
			n[k] = labels
		case "objects":
			var ms []any
			for _, m := range v.([]any) {
				ms = append(ms, f.endNode(m.(string)))
			}
			n[k] = ms
		case "parent_types", "standard_id", "entity_type", "_note":
		default:
			n[k] = v
		}
	}
	return n
}

func (f platformFixture) markingNodes(v any) []any {
	var out []any
	for _, m := range v.([]any) {
		mk := map[string]any{"id": m}
		for k, val := range f.Markings[m.(string)] {
			mk[k] = val
		}
		out = append(out, mk)
	}
	return out
}

func (f platformFixture) endNode(id string) map[string]any {
	if e, ok := f.Entities[id]; ok {
		parents := append([]any{"Basic-Object", "Stix-Object"}, e["parent_types"].([]any)...)
		return map[string]any{"id": id, "entity_type": e["entity_type"], "parent_types": parents,
			"standard_id": e["standard_id"]}
	}
	r := f.Relationships[id]
	return map[string]any{"id": id, "entity_type": r["relationship_type"],
		"parent_types": []string{"basic-relationship", "stix-relationship",
			"stix-core-relationship"}, "standard_id": r["standard_id"]}
}

// read returns the element a to-do ref names, as the export's filtered
// read finds it: nothing when it is hidden or unknown.
func (f platformFixture) read(ref Ref, hidden map[string]bool) (json.RawMessage, bool) {
	id := ref.ID
	for key, e := range f.Entities {
		if e["standard_id"] == id {
			id = key
		}
	}
	for key, r := range f.Relationships {
		if r["standard_id"] == id {
			id = key
		}
	}
	_, isEntity := f.Entities[id]
	_, isRel := f.Relationships[id]
	if hidden[id] || (!isEntity && !isRel) {
		return nil, false
	}
	return f.node(id), true
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// fullExport runs a full single export of one element over a fixture:
// the entity, its relationships (touching it), the to-do reads.
func fullExport(t *testing.T, f platformFixture, id string, hidden map[string]bool,
	compat Compat) []*Object {
	t.Helper()
	ctx := context.Background()
	opts := Options{Compat: compat, Resolver: MapResolver{Hidden: hidden}}
	entity, err := Convert(ctx, f.node(id), opts)
	if err != nil {
		t.Fatal(err)
	}
	var rels []*Result
	var relIDs []string
	for rid, r := range f.Relationships {
		if (r["from"] == id || r["to"] == id) && !hidden[rid] {
			relIDs = append(relIDs, rid)
		}
	}
	slices.Sort(relIDs)
	for _, rid := range relIDs {
		r, err := Convert(ctx, f.node(rid), opts)
		if err != nil {
			t.Fatal(err)
		}
		rels = append(rels, r)
	}
	var todo []*Result
	for _, ref := range Todo(entity, rels) {
		n, ok := f.read(ref, hidden)
		if !ok {
			todo = append(todo, nil)
			continue
		}
		r, err := Convert(ctx, n, opts)
		if err != nil {
			t.Fatal(err)
		}
		todo = append(todo, r)
	}
	return Expand(entity, rels, todo, compat)
}

func ids(objects []*Object) map[string]*Object {
	m := map[string]*Object{}
	for _, o := range objects {
		m[o.ID()] = o
	}
	return m
}

func TestFilteredEndDropsRelationship(t *testing.T) {
	f := loadFixture(t, "022-export-relationship-missing-endpoint")
	hidden := f.hidden("mk-tlp-amber")
	if !hidden["e-malware"] {
		t.Fatal("the TLP:RED malware is not hidden under a TLP:AMBER maximum")
	}
	got := ids(fullExport(t, f, "e-report", hidden, Compat{}))
	std := func(id string) string { return f.Entities[id]["standard_id"].(string) }
	for _, want := range []string{std("e-report"), std("e-indicator"), std("e-author"),
		"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"} {
		if got[want] == nil {
			t.Errorf("bundle lacks %s", want)
		}
	}
	if len(got) != 4 {
		t.Errorf("bundle has %d objects, want 4: %v", len(got), keys(got))
	}
	report := got[std("e-report")]
	refs, _ := report.Get("object_refs").([]any)
	for _, r := range refs {
		if got[r.(string)] == nil {
			t.Errorf("object_refs names %s, which the bundle lacks", r)
		}
	}
	for _, o := range got {
		checkObject(t, "case 022", o)
	}
}

func TestFilteredEndPyctiWritesHalfRelationship(t *testing.T) {
	f := loadFixture(t, "022-export-relationship-missing-endpoint")
	got := ids(fullExport(t, f, "e-report", f.hidden("mk-tlp-amber"), Pycti()))
	rel := got[f.Relationships["r-ind-mal"]["standard_id"].(string)]
	if rel == nil {
		t.Fatal("pycti dialect: the indicates relationship is missing")
	}
	if rel.Has("target_ref") || !rel.Has("source_ref") {
		t.Errorf("pycti dialect: want source_ref without target_ref, got %s", rel.JSON())
	}
}

func keys(m map[string]*Object) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func TestObservableShapeSimpleFile(t *testing.T) {
	f := loadFixture(t, "027-export-observable-shape")
	res, err := Convert(context.Background(), f.node("o-file"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	file := res.Entity()
	if file == nil || len(res.Objects) != 3 {
		t.Fatalf("got %d objects, want author, marking and file", len(res.Objects))
	}
	if file.Type() != "file" {
		t.Errorf("type = %q, want file", file.Type())
	}
	hashes, _ := file.Get("hashes").(*Object)
	if hashes == nil || strings.Join(hashes.Keys(), ",") != "MD5,SHA-1,SHA-256" {
		t.Errorf("hashes = %s, want MD5, SHA-1 and SHA-256", file.Get("hashes"))
	}
	for _, k := range []string{"labels", "created_by_ref", "created", "modified", "confidence",
		"revoked"} {
		if file.Has(k) {
			t.Errorf("the file has the SDO property %s", k)
		}
	}
	for _, k := range []string{"name", "size", "object_marking_refs", "x_opencti_created_by_ref"} {
		if !file.Has(k) {
			t.Errorf("the file lacks %s", k)
		}
	}
	if labels, _ := file.Get("x_opencti_labels").([]any); len(labels) != 1 ||
		labels[0] != "phishing-attachment" {
		t.Errorf("x_opencti_labels = %v, want [phishing-attachment]", labels)
	}
	for _, o := range res.Objects {
		checkObject(t, "case 027", o)
	}
}

func TestObservableShapeFullDomain(t *testing.T) {
	f := loadFixture(t, "027-export-observable-shape")
	got := fullExport(t, f, "o-domain", nil, Compat{})
	byID := ids(got)
	domain := byID[f.Entities["o-domain"]["standard_id"].(string)]
	ip := byID[f.Entities["o-ip"]["standard_id"].(string)]
	rel := byID[f.Relationships["r-res"]["standard_id"].(string)]
	if domain == nil || ip == nil || rel == nil {
		t.Fatalf("bundle %v lacks the domain, the address or the relationship", keys(byID))
	}
	if rel.String("relationship_type") != "resolves-to" || rel.String("source_ref") != domain.ID() ||
		rel.String("target_ref") != ip.ID() {
		t.Errorf("relationship does not link the domain to the address: %s", rel.JSON())
	}
	for _, o := range got {
		checkObject(t, "case 027", o)
	}
}
