package pyctitest

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/opencti-go/sdk/internal/testenv"
)

// opsBundle adds a container, meta objects and disposable objects (ids
// ending in "dddd") for the delete operations to the 025 fixture.
const opsBundle = `{"type":"bundle","id":"bundle--ops","objects":[
 {"type":"marking-definition","spec_version":"2.1","id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:GREEN","definition":{"tlp":"green"}},
 {"type":"marking-definition","spec_version":"2.1","id":"marking-definition--00000000-0000-4000-8000-00000000dddd","created":"2024-01-01T00:00:00.000Z","definition_type":"PAP","name":"PAP:RED","definition":{"pap":"red"}},
 {"type":"report","spec_version":"2.1","id":"report--00000000-0000-4000-8000-000000000001","name":"Ops report","published":"2024-05-01T00:00:00.000Z","created":"2024-05-01T00:00:00.000Z","modified":"2024-05-01T00:00:00.000Z","object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"],"labels":["keep"],"external_references":[{"source_name":"keep","url":"https://example.org/keep"}],"object_refs":["indicator--3c4d5e6f-7081-4293-a4b5-c6d7e8f90a1b","domain-name--8d9e0f1a-2b3c-4d4e-9f60-718293a4b5c6"]},
 {"type":"malware","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-00000000dddd","name":"Disposable","is_family":true,"labels":["disposable"],"external_references":[{"source_name":"gone","url":"https://example.org/gone"}],"created":"2024-05-01T00:00:00.000Z","modified":"2024-05-01T00:00:00.000Z"},
 {"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--00000000-0000-4000-8000-00000000dddd","value":"192.0.2.99"},
 {"type":"relationship","spec_version":"2.1","id":"relationship--00000000-0000-4000-8000-00000000dddd","relationship_type":"related-to","source_ref":"malware--00000000-0000-4000-8000-00000000dddd","target_ref":"ipv4-addr--00000000-0000-4000-8000-00000000dddd","created":"2024-05-01T00:00:00.000Z","modified":"2024-05-01T00:00:00.000Z"},
 {"type":"sighting","spec_version":"2.1","id":"sighting--00000000-0000-4000-8000-00000000dddd","sighting_of_ref":"malware--00000000-0000-4000-8000-00000000dddd","where_sighted_refs":["identity--708192a3-b4c5-46d7-88f9-0a1b2c3d4e5f"],"created":"2024-05-01T00:00:00.000Z","modified":"2024-05-01T00:00:00.000Z"}
]}`

// TestSDKOperationsConform runs every operation of pycti/operations against
// a server on the SDK's own schema, with variables that name real objects,
// and checks that each response has no error and conforms to the schema's
// types.
func TestSDKOperationsConform(t *testing.T) {
	s, err := NewServer(WithIntrospection())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seedFixtureFile(t, s, "platform-025.json")
	if _, err := s.SeedBundle([]byte(opsBundle)); err != nil {
		t.Fatal(err)
	}
	mustNoErrors(t, gql(t, s, s.AdminToken(), "", registerMutation, registerInput("c-ops")))
	gen := &varGen{s: s, connector: "c-ops", work: s.newWorkLocked("c-ops")}
	files, _ := filepath.Glob(filepath.Join(testenv.RepoRoot(t), "pycti", "operations", "*.graphql"))
	if len(files) == 0 {
		t.Fatal("no operation files found")
	}
	// Deletions run last, so that other operations still find their objects.
	type opRun struct {
		doc string
		op  *ast.OperationDefinition
	}
	var runs, deletes []opRun
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := parser.ParseQuery(&ast.Source{Input: string(data)})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, op := range doc.Operations {
			if strings.HasPrefix(op.Name, "Delete") {
				deletes = append(deletes, opRun{string(data), op})
			} else {
				runs = append(runs, opRun{string(data), op})
			}
		}
	}
	// Objects go after the relationships that a deletion would remove too.
	slices.SortStableFunc(deletes, func(a, b opRun) int {
		objA := strings.Contains(a.op.Name, "DomainObject") || strings.Contains(a.op.Name, "Observable")
		objB := strings.Contains(b.op.Name, "DomainObject") || strings.Contains(b.op.Name, "Observable")
		switch {
		case objA && !objB:
			return 1
		case objB && !objA:
			return -1
		}
		return 0
	})
	for _, r := range append(runs, deletes...) {
		t.Run(r.op.Name, func(t *testing.T) {
			vars := gen.variables(r.op)
			var res gqlResult
			if hasUpload(r.op) {
				res = uploadNamed(t, s, r.doc, r.op.Name, vars)
			} else {
				res = gqlNamed(t, s, s.AdminToken(), "", r.doc, r.op.Name, vars)
			}
			if len(res.Errors) > 0 || res.Data == nil {
				t.Errorf("%s: %s", r.op.Name, res.Raw)
			}
		})
	}
}

func hasUpload(op *ast.OperationDefinition) bool {
	for _, v := range op.VariableDefinitions {
		if v.Type.Name() == "Upload" {
			return true
		}
	}
	return false
}

// uploadNamed sends a multipart request with a small file for variable
// "file" and checks the response like gqlNamed.
func uploadNamed(t *testing.T, s *Server, doc, opName string, vars map[string]any) gqlResult {
	t.Helper()
	vars["file"] = nil
	req := multipartRequestOp(t, s, s.AdminToken(), doc, opName, vars, opName+".json", []byte("{}"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResult
	out.Raw = raw
	if err := json.Unmarshal(raw, &struct {
		Data   *map[string]any   `json:"data"`
		Errors *[]map[string]any `json:"errors"`
	}{&out.Data, &out.Errors}); err != nil {
		t.Fatalf("response is not JSON: %s", raw)
	}
	if out.Data != nil {
		vars["file"] = &Upload{Filename: opName + ".json"}
		checkConforms(t, s, doc, opName, vars, out.Data)
	}
	return out
}

func (s *Server) newWorkLocked(connectorID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newWork(connectorID, "ops", AdminID, "").ID
}

// varGen makes the variables of an operation.
type varGen struct {
	s         *Server
	connector string
	work      string
}

// idsByRoot names an existing object for each root field that takes an id.
var idsByRoot = map[string]string{
	"stixDomainObjectEdit":         "malware--00000000-0000-4000-8000-00000000dddd",
	"stixCyberObservableEdit":      "ipv4-addr--00000000-0000-4000-8000-00000000dddd",
	"stixCoreRelationshipEdit":     "relationship--00000000-0000-4000-8000-00000000dddd",
	"stixSightingRelationshipEdit": "sighting--00000000-0000-4000-8000-00000000dddd",
	"markingDefinitionEdit":        "marking-definition--00000000-0000-4000-8000-00000000dddd",
	"markingDefinition":            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
	"stixCyberObservable":          "o-d1", "identity": "e-org", "indicator": "e-i1",
	"report": "report--00000000-0000-4000-8000-000000000001", "container": "report--00000000-0000-4000-8000-000000000001",
}

func (g *varGen) variables(op *ast.OperationDefinition) map[string]any {
	root := op.SelectionSet[0].(*ast.Field).Name
	vars := map[string]any{}
	for _, v := range op.VariableDefinitions {
		if val, ok := g.value(op.Name, root, v.Variable); ok {
			vars[v.Variable] = val
		}
	}
	return vars
}

func (g *varGen) value(opName, root, name string) (any, bool) {
	p := g.s.principalOf(g.s.users[AdminID])
	labelID, refID := "", ""
	for _, e := range g.s.data.ofType(typeLabel) {
		if e.str("value") == "disposable" && p.canSee(e) {
			labelID = e.id
		}
	}
	for _, e := range g.s.data.ofType(typeExternalRef) {
		if e.str("source_name") == "gone" {
			refID = e.id
		}
	}
	inputs := map[string]any{
		"CreateMalware":           map[string]any{"name": "Ops malware"},
		"CreateIndicator":         map[string]any{"name": "Ops", "pattern": "[url:value = 'x']", "pattern_type": "stix", "x_opencti_main_observable_type": "Url"},
		"CreateReport":            map[string]any{"name": "Ops new report", "published": "2024-05-01T00:00:00.000Z"},
		"CreateIdentity":          map[string]any{"type": "Organization", "name": "Ops org"},
		"CreateIntrusionSet":      map[string]any{"name": "Ops set"},
		"CreateAttackPattern":     map[string]any{"name": "Ops pattern"},
		"CreateVulnerability":     map[string]any{"name": "CVE-2024-0001"},
		"CreateThreatActorGroup":  map[string]any{"name": "Ops group"},
		"CreateCampaign":          map[string]any{"name": "Ops campaign"},
		"CreateTool":              map[string]any{"name": "Ops tool"},
		"CreateLocation":          map[string]any{"type": "Country", "name": "Freedonia"},
		"CreateNote":              map[string]any{"content": "Ops note", "objects": []any{"e-i1"}},
		"CreateRelationship":      map[string]any{"relationship_type": "related-to", "fromId": "e-i1", "toId": "e-org"},
		"CreateSighting":          map[string]any{"fromId": "e-i1", "toId": "e-org", "attribute_count": 2},
		"CreateLabel":             map[string]any{"value": "ops-label"},
		"CreateExternalReference": map[string]any{"source_name": "ops", "url": "https://example.org/ops"},
		"CreateMarkingDefinition": map[string]any{"definition_type": "PAP", "definition": "PAP:AMBER", "x_opencti_order": 3, "x_opencti_color": "#f90"},
	}
	switch name {
	case "input":
		if in, ok := inputs[opName]; ok {
			return in, true
		}
		if strings.HasPrefix(opName, "Update") {
			key := "description"
			if opName == "UpdateLabel" {
				key = "color"
			} else if opName == "UpdateMarkingDefinition" {
				key = "x_opencti_color"
			}
			return []any{map[string]any{"key": key, "value": []any{"updated"}}}, true
		}
		return registerInput(g.connector)["input"], true
	case "id":
		switch {
		case strings.HasPrefix(root, "work"):
			return g.work, true
		case strings.Contains(strings.ToLower(root), "connector"):
			return g.connector, true
		case root == "labelEdit" || root == "label":
			return labelID, true
		case root == "externalReferenceEdit" || root == "externalReference":
			return refID, true
		}
		if id, ok := idsByRoot[root]; ok {
			return id, true
		}
		return "e-i1", true
	case "connectorId":
		return g.connector, true
	case "bundle":
		return `{"type":"bundle","id":"bundle--push","objects":[{"type":"malware","spec_version":"2.1","id":"malware--00000000-0000-4000-8000-000000000002","name":"Pushed","is_family":true}]}`, true
	case "execution_id", "event_id", "data_instance_id", "playbook_id", "previous_step_id", "step_id":
		return "ops-" + name, true
	case "execution_start":
		return "2024-05-01T10:00:00.000Z", true
	case "previous_bundle":
		return `{"type":"bundle","id":"bundle--previous","objects":[]}`, true
	case "observableType":
		return "IPv4-Addr", true
	case "IPv4Addr":
		return map[string]any{"value": "198.51.100.7"}, true
	case "state":
		return `{"cursor": 1}`, true
	case "name":
		return "RegisterConnectorInput", true
	case "file_markings":
		return []any{}, true
	case "entity_type":
		return "Stix-Domain-Object", true
	case "first":
		return 2, true
	case "connectorInfo":
		return map[string]any{"run_and_terminate": false, "buffering": false,
			"queue_threshold": 500.0, "queue_messages_size": 0.0}, true
	}
	return nil, false
}
