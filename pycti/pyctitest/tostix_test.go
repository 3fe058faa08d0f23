package pyctitest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
)

func readObjects(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var objs []map[string]any
	if data[0] == '[' {
		err = json.Unmarshal(data, &objs)
	} else {
		var b struct {
			Objects []map[string]any `json:"objects"`
		}
		err = json.Unmarshal(data, &b)
		objs = b.Objects
	}
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// adminToStix returns the toStix output of an entity, decoded.
func adminToStix(t *testing.T, s *Server, id string) map[string]any {
	t.Helper()
	r := gql(t, s, s.AdminToken(), "", `query X($id: String!) { stixObjectOrStixRelationship(id: $id) {
		... on StixCoreObject { toStix } ... on StixCoreRelationship { toStix }
		... on StixSightingRelationship { toStix } } }`, map[string]any{"id": id})
	mustNoErrors(t, r)
	node, _ := r.Data["stixObjectOrStixRelationship"].(map[string]any)
	if node == nil {
		t.Fatalf("%s not found", id)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(node["toStix"].(string)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestToStixNativeRoundTrip seeds each object of the platform's own stream
// samples alone and checks that toStix returns it unchanged.
func TestToStixNativeRoundTrip(t *testing.T) {
	dir := testenv.SharedDir(t, "opencti", "native-stix")
	files, _ := filepath.Glob(filepath.Join(dir, "stream-event-*.json"))
	if len(files) == 0 {
		t.Fatal("no stream event samples found")
	}
	for _, f := range files {
		for i, obj := range readObjects(t, f) {
			t.Run(filepath.Base(f)+"/"+obj["id"].(string), func(t *testing.T) {
				s := newFullServer(t)
				raw, _ := json.Marshal(map[string]any{"type": "bundle", "objects": []any{obj}})
				if _, err := s.SeedBundle(raw); err != nil {
					t.Fatal(err)
				}
				got := adminToStix(t, s, obj["id"].(string))
				compareKeyByKey(t, "", obj, got)
				_ = i
			})
		}
	}
}

// compareKeyByKey reports every key whose value differs.
func compareKeyByKey(t *testing.T, path string, want, got map[string]any) {
	t.Helper()
	for k, wv := range want {
		gv, ok := got[k]
		if !ok {
			t.Errorf("%s%s: missing, want %v", path, k, wv)
			continue
		}
		wm, wIsMap := wv.(map[string]any)
		gm, gIsMap := gv.(map[string]any)
		if wIsMap && gIsMap {
			compareKeyByKey(t, path+k+".", wm, gm)
			continue
		}
		if !reflect.DeepEqual(wv, gv) {
			t.Errorf("%s%s = %v, want %v", path, k, gv, wv)
		}
	}
	for k, gv := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s%s: unexpected key with value %v", path, k, gv)
		}
	}
}
