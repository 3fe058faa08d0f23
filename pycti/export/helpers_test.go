package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/opencti-go/sdk/pycti"
	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// platform starts an in-memory platform and returns it with an
// administrator client.
func platform(t testing.TB, opts ...pyctitest.Option) (*pyctitest.Server, *pycti.Client) {
	t.Helper()
	s, err := pyctitest.NewServer(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c, err := pycti.NewClient(s.URL, s.AdminToken())
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// fixture is a platform fixture of the export cases, kept for building
// requests.
type fixture struct {
	s        *pyctitest.Server
	Markings map[string]struct {
		DefinitionType string  `json:"definition_type"`
		Order          float64 `json:"x_opencti_order"`
	} `json:"markings"`
}

// seedFixture seeds testdata/name into s and returns it.
func seedFixture(t testing.TB, s *pyctitest.Server, name string) fixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SeedFixture(data); err != nil {
		t.Fatal(err)
	}
	var fx fixture
	if err := json.Unmarshal(data, &fx); err != nil {
		t.Fatal(err)
	}
	fx.s = s
	return fx
}

// addAnalyst adds a user who may read every marking, so that only the
// export's access filter restricts what the user exports.
func addAnalyst(t testing.TB, s *pyctitest.Server, id string) {
	t.Helper()
	g := pyctitest.Group{ID: "g-" + id, Name: "Analysts", AllMarkings: true,
		Capabilities: []string{pyctitest.CapKnowledge, pyctitest.CapKnAskExport}}
	if err := s.AddGroup(g); errors.Is(err, pyctitest.ErrDuplicate) {
		return
	} else if err != nil {
		t.Fatal(err)
	}
	u := pyctitest.User{ID: id, Name: "analyst", Token: "token-" + id, Groups: []string{g.ID}}
	if err := s.AddUser(u); err != nil {
		t.Fatal(err)
	}
}

// caseMessage is an export request of the export cases: the message the
// platform sends, with content_max_markings in place of the filters.
type caseMessage struct {
	Internal struct {
		ApplicantID string `json:"applicant_id"`
	} `json:"internal"`
	Event struct {
		FileName           string   `json:"file_name"`
		ExportScope        string   `json:"export_scope"`
		ExportType         string   `json:"export_type"`
		ContentMaxMarkings []string `json:"content_max_markings"`
		FileMarkings       []string `json:"file_markings"`
		EntityID           string   `json:"entity_id"`
		EntityType         string   `json:"entity_type"`
		SelectedIDs        []string `json:"selected_ids"`
		ListParams         *struct {
			Search    string          `json:"search"`
			OrderBy   string          `json:"orderBy"`
			OrderMode string          `json:"orderMode"`
			Filters   json.RawMessage `json:"filters"`
		} `json:"list_params"`
	} `json:"event"`
}

// request builds the export request of a case message, with the access
// filter the platform derives from the maximum markings: for each marking
// type with a maximum, the markings of that type ranked above it are
// excluded.
func (fx fixture) request(t testing.TB, m caseMessage) export.Request {
	t.Helper()
	ev := m.Event
	if id := m.Internal.ApplicantID; id != "" {
		addAnalyst(t, fx.s, id)
	}
	var excluded []string
	for id, mk := range fx.Markings {
		for _, maxID := range ev.ContentMaxMarkings {
			limit := fx.Markings[maxID]
			if mk.DefinitionType == limit.DefinitionType && mk.Order > limit.Order {
				excluded = append(excluded, id)
			}
		}
	}
	sort.Strings(excluded)
	access := &pycti.FilterGroup{Mode: pycti.ModeAnd}
	if len(excluded) > 0 {
		access = pycti.AllOf(pycti.Where("objectMarking", excluded...).
			WithOperator(pycti.OpNotEq).WithMode(pycti.ModeAnd))
	}
	req := export.Request{Scope: export.Scope(ev.ExportScope), Mode: export.Mode(ev.ExportType),
		EntityType: ev.EntityType, EntityID: ev.EntityID, FileName: ev.FileName,
		FileMarkings: ev.FileMarkings, ApplicantID: m.Internal.ApplicantID,
		AccessFilter: access, SelectedIDs: ev.SelectedIDs}
	if lp := ev.ListParams; lp != nil {
		filters, err := pycti.ParseFilterGroup(lp.Filters)
		if err != nil {
			t.Fatal(err)
		}
		req.ListParams = &export.ListParams{Search: lp.Search, OrderBy: lp.OrderBy,
			OrderMode: lp.OrderMode, Filters: filters}
	}
	return req
}

// readJSON decodes testdata/name into v.
func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// bundle is a decoded bundle.
type bundle struct {
	Type    string           `json:"type"`
	ID      string           `json:"id"`
	Objects []map[string]any `json:"objects"`
	raw     []byte
}

// ids returns the ids of the bundle's objects, in bundle order.
func (b bundle) ids() []string {
	out := make([]string, len(b.Objects))
	for i, o := range b.Objects {
		out[i], _ = o["id"].(string)
	}
	return out
}

// object returns the object with the given id, or nil.
func (b bundle) object(id string) map[string]any {
	for _, o := range b.Objects {
		if o["id"] == id {
			return o
		}
	}
	return nil
}

// ofType returns the ids of the objects of one STIX type.
func (b bundle) ofType(typ string) []string {
	var out []string
	for _, o := range b.Objects {
		if o["type"] == typ {
			out = append(out, o["id"].(string))
		}
	}
	return out
}

func decodeBundle(t testing.TB, data []byte) bundle {
	t.Helper()
	var b bundle
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatalf("bundle is not JSON: %v\n%s", err, data)
	}
	b.raw = data
	return b
}

// write runs an export into memory and decodes the bundle.
func write(t testing.TB, x *export.Exporter, req export.Request) (bundle, export.Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := x.Write(context.Background(), &buf, req)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return decodeBundle(t, buf.Bytes()), res
}

func exporter(t testing.TB, c *pycti.Client, opts export.Options) *export.Exporter {
	t.Helper()
	x, err := export.New(c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func jsonOf(v any) ([]byte, error) { return json.Marshal(v) }

// fixtureJSON encodes a platform fixture whose only marking is TLP:GREEN,
// under the internal id green.
func fixtureJSON(green string, entities, relationships map[string]any) []byte {
	data, _ := json.Marshal(map[string]any{"entities": entities, "relationships": relationships,
		"markings": map[string]any{green: map[string]any{
			"standard_id":     "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
			"definition_type": "TLP", "definition": "TLP:GREEN", "x_opencti_order": 2,
			"created": "2017-01-20T00:00:00.000Z"}}})
	return data
}
