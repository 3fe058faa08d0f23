package pyctitest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/opencti-go/sdk/internal/testenv"
)

func corpusFiles(t *testing.T) []string {
	t.Helper()
	root := testenv.SharedDir(t, "stix", "corpus")
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") && d.Name() != "index.json" {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestSeedCorpusEveryFile seeds every corpus bundle into one server and
// converts every stored core object and relationship with toStix.
func TestSeedCorpusEveryFile(t *testing.T) {
	s := newFullServer(t)
	files := corpusFiles(t)
	if len(files) < 30 {
		t.Fatalf("found %d corpus files, expected the whole corpus", len(files))
	}
	for _, f := range files {
		res, err := s.SeedFile(f)
		if err != nil {
			t.Errorf("seed %s: %v", f, err)
			continue
		}
		skipped := 0
		for _, n := range res.Skipped {
			skipped += n
		}
		if n := len(readObjects(t, f)); res.Created+res.Updated+skipped != n {
			t.Errorf("seed %s: %d created, %d updated, %d skipped, want %d objects in all",
				filepath.Base(f), res.Created, res.Updated, skipped, n)
		}
	}
	p := s.principalOf(s.users[AdminID])
	count := 0
	for _, e := range s.allEntities() {
		if _, err := s.toStix(p, e); err != nil {
			t.Errorf("toStix %s (%s): %v", e.id, e.entityType, err)
		}
		count++
	}
	if count < 10000 {
		t.Errorf("converted %d entities, expected more than 10,000", count)
	}
}

// TestSeedRealUseCaseBundleShape seeds the platform's real use case bundle
// and checks, key by key, that toStix returns every seeded key with the
// same value and adds only the keys the platform manages.
func TestSeedRealUseCaseBundleShape(t *testing.T) {
	s := newFullServer(t)
	path := testenv.SharedDir(t, "opencti", "native-stix", "real-use-case-bundle.json")
	res, err := s.SeedFile(path)
	if err != nil {
		t.Fatal(err)
	}
	objs := readObjects(t, path)
	if res.Created != len(objs) {
		t.Errorf("created %d entities, want %d", res.Created, len(objs))
	}
	managed := map[string]bool{"id": true, "created_at": true, "updated_at": true,
		"is_inferred": true, "creator_ids": true, "source_ref": true, "target_ref": true}
	// The bundle's objects have no created or modified; the platform sets
	// both when it creates them.
	defaulted := map[string]bool{"created": true, "modified": true}
	for _, obj := range objs {
		got := adminToStix(t, s, obj["id"].(string))
		for k, v := range obj {
			if k == "extensions" {
				continue
			}
			if !reflect.DeepEqual(v, got[k]) {
				t.Errorf("%s: %s = %v, want %v", obj["id"], k, got[k], v)
			}
		}
		for k := range got {
			if _, ok := obj[k]; !ok && !defaulted[k] {
				t.Errorf("%s: unexpected top-level key %s", obj["id"], k)
			}
		}
		if got["created"] == nil || got["modified"] == nil {
			t.Errorf("%s: created %v, modified %v, want both set", obj["id"], got["created"],
				got["modified"])
		}
		wantExt := obj["extensions"].(map[string]any)[extOpenCTI].(map[string]any)
		gotExt := got["extensions"].(map[string]any)[extOpenCTI].(map[string]any)
		for k, v := range wantExt {
			if !reflect.DeepEqual(v, gotExt[k]) {
				t.Errorf("%s: extension %s = %v, want %v", obj["id"], k, gotExt[k], v)
			}
		}
		for k := range gotExt {
			if _, ok := wantExt[k]; !ok && !managed[k] {
				t.Errorf("%s: unexpected extension key %s", obj["id"], k)
			}
		}
	}
}

// TestSeedBundleLinks checks authors, markings, labels, kill chain phases,
// container members and nested refs after seeding.
func TestSeedBundleLinks(t *testing.T) {
	s := newFullServer(t)
	bundle := `{"type":"bundle","id":"bundle--1","objects":[
	 {"type":"identity","spec_version":"2.1","id":"identity--a7661c40-9fa1-517a-b65d-a1793388306d","name":"Northwind","identity_class":"organization","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z"},
	 {"type":"marking-definition","spec_version":"2.1","id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:GREEN","definition":{"tlp":"green"}},
	 {"type":"malware","spec_version":"2.1","id":"malware--8bdfdafe-f23b-55e8-9729-75341ca079cb","name":"Quillfeather","is_family":false,"created":"2024-03-05T08:01:12.345Z","modified":"2024-03-06T10:00:00.000Z","created_by_ref":"identity--a7661c40-9fa1-517a-b65d-a1793388306d","object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],"labels":["loader"],"kill_chain_phases":[{"kill_chain_name":"mitre-attack","phase_name":"initial-access"}],"sample_refs":["file--12ed9a96-bb74-527f-8f48-00c9a12b85c9"],"external_references":[{"source_name":"blog","url":"https://blog.example.org/q"}]},
	 {"type":"file","spec_version":"2.1","id":"file--12ed9a96-bb74-527f-8f48-00c9a12b85c9","name":"q.exe","hashes":{"SHA-256":"aa"}},
	 {"type":"report","spec_version":"2.1","id":"report--87d8a33c-32af-5392-8244-937218b7da5b","name":"R","published":"2024-03-05T08:00:00.000Z","created":"2024-03-05T08:00:00.000Z","modified":"2024-03-05T08:00:00.000Z","object_refs":["malware--8bdfdafe-f23b-55e8-9729-75341ca079cb","indicator--00000000-0000-4000-8000-000000000000"]}
	]}`
	res, err := s.SeedBundle([]byte(bundle))
	if err != nil {
		t.Fatal(err)
	}
	if res.Dangling != 1 {
		t.Errorf("dangling refs = %d, want 1 (the missing indicator)", res.Dangling)
	}
	r := gql(t, s, s.AdminToken(), "", `{ malware(id: "malware--8bdfdafe-f23b-55e8-9729-75341ca079cb") {
		name is_family createdBy { name } objectMarking { definition definition_type }
		objectLabel { value } killChainPhases { phase_name }
		externalReferences { edges { node { url } } } } }`, nil)
	mustNoErrors(t, r)
	m := r.Data["malware"].(map[string]any)
	if m["is_family"] != false {
		t.Errorf("is_family = %v, want false", m["is_family"])
	}
	if m["createdBy"].(map[string]any)["name"] != "Northwind" {
		t.Errorf("createdBy = %v", m["createdBy"])
	}
	if d := m["objectMarking"].([]any)[0].(map[string]any)["definition"]; d != "TLP:GREEN" {
		t.Errorf("marking definition = %v, want TLP:GREEN", d)
	}
	if l := m["objectLabel"].([]any)[0].(map[string]any)["value"]; l != "loader" {
		t.Errorf("label = %v", l)
	}
	got := adminToStix(t, s, "malware--8bdfdafe-f23b-55e8-9729-75341ca079cb")
	if refs, _ := got["sample_refs"].([]any); len(refs) != 1 || refs[0] != "file--12ed9a96-bb74-527f-8f48-00c9a12b85c9" {
		t.Errorf("sample_refs = %v", got["sample_refs"])
	}
	report := adminToStix(t, s, "report--87d8a33c-32af-5392-8244-937218b7da5b")
	refs, _ := report["object_refs"].([]any)
	if len(refs) != 2 {
		t.Errorf("report object_refs = %v, want the member and the dangling ref", refs)
	}
	r = gql(t, s, s.AdminToken(), "", `{ report(id: "report--87d8a33c-32af-5392-8244-937218b7da5b") {
		objects { edges { node { ... on Malware { name } } } pageInfo { globalCount } } } }`, nil)
	mustNoErrors(t, r)
	if n := r.Data["report"].(map[string]any)["objects"].(map[string]any)["pageInfo"].(map[string]any)["globalCount"]; n != 1.0 {
		t.Errorf("report members = %v, want 1 resolved member", n)
	}
	raw, _ := json.Marshal(got)
	if strings.Contains(string(raw), `"labels"`) && got["labels"] == nil {
		t.Errorf("labels misplaced: %s", raw)
	}
}

func TestServerToStixByAnyID(t *testing.T) {
	s := newFullServer(t)
	seedFixtureFile(t, s, "platform-027.json")
	byInternal, err := s.ToStix("o-domain")
	if err != nil {
		t.Fatal(err)
	}
	byStandard, err := s.ToStix("domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7")
	if err != nil {
		t.Fatal(err)
	}
	if string(byInternal) != string(byStandard) {
		t.Errorf("internal and standard ids give different objects:\n%s\n%s", byInternal, byStandard)
	}
	if _, err := s.ToStix("missing"); err == nil {
		t.Error("ToStix of a missing id returned no error")
	}
}
