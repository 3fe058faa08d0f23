package validate

import "testing"

func TestIDIndexVersions(t *testing.T) {
	x := newIDIndex()
	const id = "indicator--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"
	v1 := version{modified: 11, content: 1, index: 0}
	v2 := version{modified: 22, content: 2, index: 1}
	if _, dup, first := x.add(id, v1); dup || first != "" {
		t.Fatalf("first version: dup %v, first type %q", dup, first)
	}
	if _, dup, _ := x.add(id, v2); dup {
		t.Fatal("a later version is a duplicate")
	}
	prev, dup, _ := x.add(id, version{modified: 22, content: 3, index: 2})
	if !dup || prev.index != 1 || prev.content != 2 {
		t.Errorf("same modified as version 1: prev %+v, dup %v", prev, dup)
	}
	prev, dup, _ = x.add(id, version{modified: 11, content: 1, index: 3})
	if !dup || prev.index != 0 {
		t.Errorf("same modified as version 0: prev %+v, dup %v", prev, dup)
	}
	if !x.has(id) {
		t.Error("has(id) = false")
	}
}

// TestIDIndexReusedUUID: an object whose UUID another type used first is
// reported with that type, and still tracked under its own id.
func TestIDIndexReusedUUID(t *testing.T) {
	x := newIDIndex()
	const uuid = "0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"
	x.add("identity--"+uuid, version{index: 0})
	_, dup, first := x.add("tool--"+uuid, version{modified: 5, index: 1})
	if dup || first != "identity" {
		t.Fatalf("reused UUID: dup %v, first type %q", dup, first)
	}
	prev, dup, first := x.add("tool--"+uuid, version{modified: 5, index: 2})
	if !dup || prev.index != 1 || first != "identity" {
		t.Errorf("copy of the tool: prev %+v, dup %v, first %q", prev, dup, first)
	}
	for id, want := range map[string]bool{
		"identity--" + uuid:  true,
		"tool--" + uuid:      true,
		"malware--" + uuid:   false,
		"x-unknown--" + uuid: false,
	} {
		if x.has(id) != want {
			t.Errorf("has(%s) = %v, want %v", id, !want, want)
		}
	}
}

func TestIDIndexMalformedIDs(t *testing.T) {
	x := newIDIndex()
	x.add("not-an-id", version{index: 0})
	if _, dup, first := x.add("not-an-id", version{index: 1}); !dup || first != "" {
		t.Errorf("copy of a malformed id: dup %v, first %q", dup, first)
	}
	if !x.has("not-an-id") || x.has("other") {
		t.Error("has() of malformed ids")
	}
}
