package split_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/opencti-go/sdk/connector/split"
)

func objectsOf(t *testing.T, res *split.Result) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, b := range res.Bundles {
		var bundle map[string]any
		if err := json.Unmarshal(b, &bundle); err != nil {
			t.Fatal(err)
		}
		if bundle["id"] != res.BundleID || bundle["spec_version"] != "2.1" {
			t.Errorf("bundle envelope = %v", bundle)
		}
		objs := bundle["objects"].([]any)
		if len(objs) != 1 {
			t.Fatalf("bundle has %d objects, want 1", len(objs))
		}
		out = append(out, objs[0].(map[string]any))
	}
	return out
}

func TestBundleOrdersDependenciesFirst(t *testing.T) {
	data := []byte(`{"type":"bundle","id":"bundle--1","objects":[
	{"type":"relationship","id":"relationship--r","source_ref":"indicator--i","target_ref":"malware--m","relationship_type":"indicates"},
	{"type":"indicator","id":"indicator--i","created_by_ref":"identity--a","object_marking_refs":["marking-definition--t","marking-definition--t"]},
	{"type":"malware","id":"malware--m","created_by_ref":"identity--a"},
	{"type":"identity","id":"identity--a"},
	{"type":"marking-definition","id":"marking-definition--t"}]}`)
	res, err := split.Bundle(data, split.Options{})
	if err != nil {
		t.Fatal(err)
	}
	objs := objectsOf(t, res)
	pos := map[string]int{}
	for i, o := range objs {
		pos[o["id"].(string)] = i
	}
	if len(objs) != 5 {
		t.Fatalf("%d objects out, want 5", len(objs))
	}
	for _, dep := range [][2]string{{"identity--a", "indicator--i"}, {"indicator--i", "relationship--r"},
		{"malware--m", "relationship--r"}, {"marking-definition--t", "indicator--i"}} {
		if pos[dep[0]] > pos[dep[1]] {
			t.Errorf("%s comes after %s", dep[0], dep[1])
		}
	}
	ind := objs[pos["indicator--i"]]
	if refs := ind["object_marking_refs"].([]any); len(refs) != 1 {
		t.Errorf("duplicate refs kept: %v", refs)
	}
	if ind["nb_deps"] != float64(3) {
		t.Errorf("indicator nb_deps = %v, want 3", ind["nb_deps"])
	}
}

func TestBundleBreaksCyclesAndDrops(t *testing.T) {
	data := []byte(`{"type":"bundle","objects":[
	{"type":"note","id":"note--a","object_refs":["report--b"]},
	{"type":"report","id":"report--b","object_refs":["note--a","x-custom--c"],
	 "external_references":[{"source_name":"only"},{"url":"https://example.com"},{"url":"https://example.com"}]},
	{"type":"relationship","id":"relationship--d","source_ref":"note--a","target_ref":"x-custom--c"},
	{"type":"x-custom","id":"x-custom--c"}]}`)
	res, err := split.Bundle(data, split.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.BundleID == "" {
		t.Error("no bundle id generated")
	}
	objs := objectsOf(t, res)
	if len(objs) != 2 {
		t.Fatalf("%d objects out, want note and report", len(objs))
	}
	if len(res.Dropped) != 2 {
		t.Fatalf("dropped = %+v, want the relationship and the custom object", res.Dropped)
	}
	for _, o := range objs {
		if o["type"] == "report" {
			if refs := o["external_references"].([]any); len(refs) != 1 {
				t.Errorf("external_references = %v, want one deduplicated url", refs)
			}
		}
	}
	noteRefs, reportRefs := 0, 0
	for _, o := range objs {
		n := len(o["object_refs"].([]any))
		if o["type"] == "note" {
			noteRefs = n
		} else {
			reportRefs = n
		}
	}
	if noteRefs+reportRefs != 1 {
		t.Errorf("cycle kept: note refs %d, report refs %d", noteRefs, reportRefs)
	}
}

func TestBundleCleanupRemovesMissingRefs(t *testing.T) {
	data := []byte(`{"type":"bundle","id":"bundle--2","objects":[
	{"type":"malware","id":"malware--m","created_by_ref":"identity--missing"}]}`)
	res, err := split.Bundle(data, split.Options{CleanupInconsistent: true})
	if err != nil {
		t.Fatal(err)
	}
	if objs := objectsOf(t, res); objs[0]["created_by_ref"] != nil {
		t.Errorf("created_by_ref = %v, want null", objs[0]["created_by_ref"])
	}
}

func TestBundleRejectsNonBundle(t *testing.T) {
	for _, in := range []string{`[]`, `{"type":"bundle"}`, `{"objects":{}}`, `nope`} {
		if _, err := split.Bundle([]byte(in), split.Options{}); !errors.Is(err, split.ErrNotBundle) {
			t.Errorf("%s: error %v, want ErrNotBundle", in, err)
		}
	}
}

func TestBundleReportsDuplicateID(t *testing.T) {
	data := []byte(`{"type":"bundle","id":"bundle--1","objects":[
	{"type":"malware","id":"malware--m","name":"first"},
	{"type":"malware","id":"malware--m","name":"second"}]}`)
	res, err := split.Bundle(data, split.Options{})
	if err != nil {
		t.Fatal(err)
	}
	objs := objectsOf(t, res)
	if len(objs) != 1 {
		t.Fatalf("%d objects out, want 1", len(objs))
	}
	if objs[0]["name"] != "first" {
		t.Errorf("sent %v, want the first object", objs[0]["name"])
	}
	if len(res.Dropped) != 1 {
		t.Fatalf("dropped = %+v, want the second malware", res.Dropped)
	}
	if d := res.Dropped[0]; d.ID != "malware--m" || d.Type != "malware" {
		t.Errorf("dropped = %+v, want malware--m", d)
	}
}

func TestBundleKeepsObjectWhoseIDIsAnInternalID(t *testing.T) {
	// The first object's x_opencti_id equals the second object's STIX id.
	data := []byte(`{"type":"bundle","id":"bundle--1","objects":[
	{"type":"malware","id":"malware--a","x_opencti_id":"malware--b"},
	{"type":"malware","id":"malware--b"}]}`)
	res, err := split.Bundle(data, split.Options{})
	if err != nil {
		t.Fatal(err)
	}
	objs := objectsOf(t, res)
	if len(objs) != 2 {
		t.Fatalf("%d objects out, want 2; dropped %+v", len(objs), res.Dropped)
	}
	if len(res.Dropped) != 0 {
		t.Errorf("dropped = %+v, want none", res.Dropped)
	}
}
