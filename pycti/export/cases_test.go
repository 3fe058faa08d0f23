package export_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/opencti-go/sdk/pycti/export"
	"github.com/opencti-go/sdk/pycti/pyctitest"
)

// Full export of a report restricted to TLP:AMBER, whose malware is
// TLP:RED and whose location has no standard id: the three relationships
// touching them are left out, never exported without an end, each with a
// warning. The bundle is valid with references enforced.
func TestFullExportDropsHalfRelationships(t *testing.T) {
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		t.Run(string(profile), func(t *testing.T) {
			s, c := platform(t)
			fx := seedFixture(t, s, "platform-022.json")
			var msg caseMessage
			readJSON(t, "request-022.json", &msg)
			var logs warnLog
			x := exporter(t, c, export.Options{Profile: profile, Logger: logs.logger()})

			b, res := write(t, x, fx.request(t, msg))

			requireValid(t, b)
			checkDropWarnings(t, &logs, map[string]string{
				"r-ind-mal": "relationship--4b5c6d7e-8f90-4a12-a3b4-c5d6e7f8091a",
				"r-mal-loc": "relationship--5c6d7e8f-9012-4b23-84c5-d6e7f8091a2b",
				"r-ind-loc": "relationship--6d7e8f90-1234-4c56-95d6-e7f8091a2b3c"})

			report := "report--1e2f3a4b-5c6d-4e7f-9081-92a3b4c5d6e7"
			indicator := "indicator--2f3a4b5c-6d7e-4f80-8192-a3b4c5d6e7f8"
			want := []string{report, indicator,
				"identity--0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6",
				"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"}
			if !sameSet(b.ids(), want) {
				t.Errorf("bundle ids = %v, want %v", b.ids(), want)
			}
			if len(b.ofType("relationship")) != 0 {
				t.Errorf("relationships exported: %v", b.ofType("relationship"))
			}
			refs, _ := b.object(report)["object_refs"].([]any)
			for _, r := range refs {
				if !slices.Contains(b.ids(), r.(string)) {
					t.Errorf("report object_refs names %v, which is not in the bundle", r)
				}
			}
			if len(refs) != 1 || refs[0] != indicator {
				t.Errorf("report object_refs = %v, want only the indicator", refs)
			}
			if res.Dropped == 0 {
				t.Error("Result.Dropped = 0, want the relationships counted")
			}
			if res.Objects != len(want) {
				t.Errorf("Result.Objects = %d, want %d", res.Objects, len(want))
			}
		})
	}
}

// largeReportFixture builds a report with 60 indicators, 30 malware, 30
// domain names and 60 relationships among them as members, all TLP:GREEN
// and by one author. The ids come from a seeded generator, so every run
// builds the same platform.
func largeReportFixture() []byte {
	rnd := rand.New(rand.NewPCG(23, 23))
	id := func(typ string) string {
		var b [16]byte
		for i := range b {
			b[i] = byte(rnd.UintN(256))
		}
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		u, _ := uuid.FromBytes(b[:])
		return typ + "--" + u.String()
	}
	ts := "2024-04-01T00:00:00.000Z"
	green := []string{"mk-tlp-green"}
	entities := map[string]any{"e-author": map[string]any{"entity_type": "Organization",
		"standard_id": id("identity"), "name": "Example Bulk Analysts",
		"identity_class": "organization", "created": ts, "modified": ts}}
	var members []string
	add := func(key string, e map[string]any) {
		e["createdBy"], e["objectMarking"] = "e-author", green
		entities[key] = e
		members = append(members, key)
	}
	for i := range 60 {
		add(fmt.Sprintf("e-ind-%02d", i), map[string]any{"entity_type": "Indicator",
			"standard_id": id("indicator"), "name": fmt.Sprintf("Example indicator %d", i),
			"pattern":      fmt.Sprintf("[domain-name:value = 'host%d.example.net']", i),
			"pattern_type": "stix", "valid_from": ts, "created": ts, "modified": ts})
	}
	for i := range 30 {
		add(fmt.Sprintf("e-mal-%02d", i), map[string]any{"entity_type": "Malware",
			"standard_id": id("malware"), "name": fmt.Sprintf("Example family %d", i),
			"is_family": true, "created": ts, "modified": ts})
	}
	for i := range 30 {
		add(fmt.Sprintf("e-dom-%02d", i), map[string]any{"entity_type": "Domain-Name",
			"standard_id": id("domain-name"), "value": fmt.Sprintf("host%d.example.net", i)})
	}
	relationships := map[string]any{}
	rel := func(key, typ, from, to string) {
		relationships[key] = map[string]any{"entity_type": "stix-core-relationship",
			"relationship_type": typ, "standard_id": id("relationship"), "from": from, "to": to,
			"created": ts, "modified": ts, "objectMarking": green}
		members = append(members, key)
	}
	for i := range 30 {
		rel(fmt.Sprintf("r-ind-mal-%02d", i), "indicates", fmt.Sprintf("e-ind-%02d", i),
			fmt.Sprintf("e-mal-%02d", i))
		rel(fmt.Sprintf("r-ind-dom-%02d", i), "based-on", fmt.Sprintf("e-ind-%02d", 30+i),
			fmt.Sprintf("e-dom-%02d", i))
	}
	entities["e-report"] = map[string]any{"entity_type": "Report", "standard_id": id("report"),
		"name": "Example large report", "published": ts, "report_types": []string{"threat-report"},
		"created": ts, "modified": ts, "createdBy": "e-author", "objectMarking": green,
		"objects": members}
	return fixtureJSON("mk-tlp-green", entities, relationships)
}

// A full export of a container with 180 members reads every list to its
// end: with pages of 50 and of 7 the bundle holds the report, its author,
// its marking and all 180 members, each once.
func TestFullExportLargeContainerComplete(t *testing.T) {
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		t.Run(string(profile), func(t *testing.T) {
			var contents []map[string]string
			for _, size := range []int{50, 7} {
				s, c := platform(t, pyctitest.WithPageSizes(size, size), fixedClock())
				if _, err := s.SeedFixture(largeReportFixture()); err != nil {
					t.Fatal(err)
				}
				x := exporter(t, c, export.Options{Profile: profile})
				req := export.Request{Scope: export.ScopeSingle, Mode: export.ModeFull,
					EntityType: "Report", EntityID: "e-report", FileName: "large.json"}

				b, _ := write(t, x, req)

				checkLargeReport(t, size, b)
				contents = append(contents, byID(b))
			}
			if !maps.Equal(contents[0], contents[1]) {
				t.Error("pages of 50 and of 7 give different bundles")
			}
		})
	}
}

func checkLargeReport(t *testing.T, size int, b bundle) {
	t.Helper()
	requireValid(t, b)
	ids := b.ids()
	if len(ids) != 183 {
		t.Errorf("pages of %d: %d objects, want 183", size, len(ids))
	}
	unique := slices.Clone(ids)
	slices.Sort(unique)
	if len(slices.Compact(unique)) != len(ids) {
		t.Errorf("pages of %d: the bundle repeats ids", size)
	}
	reports := b.ofType("report")
	if len(reports) != 1 {
		t.Fatalf("pages of %d: %d reports, want 1", size, len(reports))
	}
	refs, _ := b.object(reports[0])["object_refs"].([]any)
	if len(refs) != 180 {
		t.Errorf("pages of %d: object_refs has %d entries, want 180", size, len(refs))
	}
	for _, r := range refs {
		if b.object(r.(string)) == nil {
			t.Errorf("pages of %d: object_refs names %v, not in the bundle", size, r)
		}
	}
	for _, id := range b.ofType("relationship") {
		rel := b.object(id)
		for _, end := range []string{"source_ref", "target_ref"} {
			if b.object(fmt.Sprint(rel[end])) == nil {
				t.Errorf("pages of %d: %s %s = %v, not in the bundle", size, id, end, rel[end])
			}
		}
	}
}

// byID returns the bundle's objects as JSON text by id, for comparing two
// bundles whatever their order and bundle id.
func byID(b bundle) map[string]string {
	out := map[string]string{}
	for _, o := range b.Objects {
		data, _ := json.Marshal(o)
		out[o["id"].(string)] = string(data)
	}
	return out
}

// fixedClock makes the platform stamp created_at and updated_at with one
// instant, so that two platforms seeded alike export the same objects.
func fixedClock() pyctitest.Option {
	at := time.Date(2024, 4, 2, 0, 0, 0, 0, time.UTC)
	return pyctitest.WithClock(func() time.Time { return at })
}

// scopeCase is one request of the selection and query cases.
type scopeCase struct {
	Name    string      `json:"name"`
	Request caseMessage `json:"request"`
	Expect  struct {
		ObjectIDs []string `json:"object_ids"`
	} `json:"expect"`
}

// Selection and query exports export exactly what was asked for: the
// selected ids of any kind (relationships and sightings too), nothing for
// an empty selection, and what the list query matches in list order. The
// file goes to the list upload of the listed type.
func TestListExportsExactObjects(t *testing.T) {
	var cases []scopeCase
	readJSON(t, "requests-025.json", &cases)
	uploads := map[string]string{"selection-simple-mixed-kinds": "StixCoreObjectsExportPush",
		"selection-full-with-sighting":  "StixCoreObjectsExportPush",
		"selection-empty":               "StixDomainObjectsExportPush",
		"query-observables-domain-only": "StixCyberObservablesExportPush"}
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		for _, tc := range cases {
			t.Run(string(profile)+"/"+tc.Name, func(t *testing.T) {
				s, c := platform(t)
				fx := seedFixture(t, s, "platform-025.json")
				var logs warnLog
				x := exporter(t, c, export.Options{Profile: profile, Logger: logs.logger()})
				req := fx.request(t, tc.Request)
				s.ResetRequests()

				res, err := x.Export(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}

				b := uploaded(t, s, req.FileName)
				got := nonMarkingIDs(b)
				if !sameSet(got, tc.Expect.ObjectIDs) {
					t.Errorf("bundle ids = %v, want %v", got, tc.Expect.ObjectIDs)
				}
				if ops := s.OperationCounts(); ops[uploads[tc.Name]] != 1 {
					t.Errorf("operations = %v, want one %s", ops, uploads[tc.Name])
				}
				checkScopeCase(t, s, tc, b, res)
				checkNotFoundWarning(t, &logs, res.NotFound)
			})
		}
	}
}

func checkScopeCase(t *testing.T, s *pyctitest.Server, tc scopeCase, b bundle, res export.Result) {
	t.Helper()
	switch tc.Name {
	case "selection-simple-mixed-kinds":
		if !slices.Equal(res.NotFound, []string{"does-not-exist-0001"}) {
			t.Errorf("NotFound = %v, want the unknown id", res.NotFound)
		}
	case "selection-full-with-sighting":
		sighting := b.object("sighting--6f708192-a3b4-45c6-97e8-f90a1b2c3d4e")
		if sighting["type"] != "sighting" || fmt.Sprint(sighting["count"]) != "3" {
			t.Errorf("sighting = %v, want type sighting and count 3", sighting)
		}
	case "query-observables-domain-only":
		if got := nonMarkingIDs(b); !slices.Equal(got, tc.Expect.ObjectIDs) {
			t.Errorf("order = %v, want %v (created_at ascending)", got, tc.Expect.ObjectIDs)
		}
		lists := 0
		for _, r := range s.Requests() {
			if r.Operation != "StixCoreObjects" && r.Operation != "PyctiCoreObjects" {
				continue
			}
			lists++
			if f, _ := json.Marshal(r.Variables["filters"]); !strings.Contains(string(f),
				`"Domain-Name"`) {
				t.Errorf("list filters %s lack the entity_type filter", f)
			}
		}
		if lists == 0 {
			t.Error("no list request recorded")
		}
	}
}

// uploaded returns the stored export file with the given name.
func uploaded(t *testing.T, s *pyctitest.Server, name string) bundle {
	t.Helper()
	for _, f := range s.Files() {
		if f.Exported && f.Name == name {
			return decodeBundle(t, f.Data)
		}
	}
	t.Fatalf("no export file %q stored", name)
	return bundle{}
}

func nonMarkingIDs(b bundle) []string {
	var out []string
	for _, id := range b.ids() {
		if !strings.HasPrefix(id, "marking-definition--") {
			out = append(out, id)
		}
	}
	return out
}

// Observables export as observables: the STIX type (file, not StixFile),
// hashes as a dictionary with the STIX algorithm names, no properties of
// domain objects at the top level, and the relationship between two
// observables in full mode.
func TestObservableExportShape(t *testing.T) {
	var cases []scopeCase
	readJSON(t, "requests-027.json", &cases)
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		t.Run(string(profile), func(t *testing.T) {
			s, c := platform(t)
			fx := seedFixture(t, s, "platform-027.json")
			x := exporter(t, c, export.Options{Profile: profile})

			file, _ := write(t, x, fx.request(t, cases[0].Request))
			domain, _ := write(t, x, fx.request(t, cases[1].Request))

			requireValid(t, file)
			requireValid(t, domain)

			checkFileObservable(t, profile, file)
			want := []string{"domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7",
				"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
				"relationship--1a2b3c4d-5e6f-4a70-9183-94a5b6c7d8e9"}
			if !sameSet(nonMarkingIDs(domain), want) {
				t.Errorf("full domain export = %v, want %v", domain.ids(), want)
			}
			rel := domain.object(want[2])
			if rel["relationship_type"] != "resolves-to" || rel["source_ref"] != want[0] ||
				rel["target_ref"] != want[1] {
				t.Errorf("relationship = %v, want resolves-to from the domain to the address", rel)
			}
		})
	}
}

func checkFileObservable(t *testing.T, profile export.Profile, b bundle) {
	t.Helper()
	f := b.object("file--091a2b3c-4d5e-4f60-8172-8394a5b6c7d8")
	if f == nil {
		t.Fatalf("bundle %v lacks the file", b.ids())
	}
	if f["type"] != "file" || f["name"] != "invoice_2024.pdf.exe" || fmt.Sprint(f["size"]) != "48213" {
		t.Errorf("file = %v, want type file, its name and size", f)
	}
	hashes, _ := f["hashes"].(map[string]any)
	if !sameSet(slices.Collect(maps.Keys(hashes)), []string{"MD5", "SHA-1", "SHA-256"}) {
		t.Errorf("hashes = %v, want MD5, SHA-1 and SHA-256", f["hashes"])
	}
	if hashes["SHA-256"] != "fb9e3b23c51240952f156da0e187c66285cae6d0e18f536fc04ea61163865661" {
		t.Errorf("SHA-256 = %v, want the value stored under sha256", hashes["SHA-256"])
	}
	for _, key := range []string{"labels", "created_by_ref", "created", "modified",
		"confidence", "revoked"} {
		if _, ok := f[key]; ok {
			t.Errorf("file has the domain object property %s", key)
		}
	}
	marks, _ := f["object_marking_refs"].([]any)
	if len(marks) != 1 || marks[0] != "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da" {
		t.Errorf("object_marking_refs = %v, want TLP:GREEN", f["object_marking_refs"])
	}
	if !strings.Contains(string(b.raw), `"phishing-attachment"`) {
		t.Error("the label is missing")
	}
	if profile == export.ProfilePycti && fmt.Sprint(f["x_opencti_labels"]) != "[phishing-attachment]" {
		t.Errorf("x_opencti_labels = %v, want the label", f["x_opencti_labels"])
	}
	author := "identity--f8091a2b-3c4d-4ef5-9061-728394a5b6c7"
	if b.object(author) == nil {
		t.Errorf("bundle %v lacks the author", b.ids())
	}
	if len(b.Objects) != 3 {
		t.Errorf("bundle = %v, want the file, its marking and its author", b.ids())
	}
}

// A malware whose is_family the platform holds as null is exported as a
// family, as pycti does, since STIX requires the property; false stays
// false.
func TestMalwareIsFamilyExport(t *testing.T) {
	ts := "2024-03-01T00:00:00.000Z"
	entities := map[string]any{
		"m-null": map[string]any{"entity_type": "Malware", "name": "Example unknown kind",
			"standard_id": "malware--5d7e6f80-91a2-4b3c-8d4e-5f6a7b8c9d0e", "is_family": nil,
			"created": ts, "modified": ts},
		"m-false": map[string]any{"entity_type": "Malware", "name": "Example one-off implant",
			"standard_id": "malware--6e7f8091-a2b3-4c4d-9e5f-6a7b8c9d0e1f", "is_family": false,
			"confidence": 0, "revoked": false, "created": ts, "modified": ts},
	}
	want := map[string]string{"m-null": "true", "m-false": "false"}
	for _, profile := range []export.Profile{export.ProfileNative, export.ProfilePycti} {
		t.Run(string(profile), func(t *testing.T) {
			s, c := platform(t)
			if _, err := s.SeedFixture(fixtureJSON("mk-tlp-green", entities, nil)); err != nil {
				t.Fatal(err)
			}
			x := exporter(t, c, export.Options{Profile: profile})
			for id, family := range want {
				b, _ := write(t, x, export.Request{Scope: export.ScopeSingle,
					Mode: export.ModeSimple, EntityType: "Malware", EntityID: id,
					FileName: id + ".json"})
				m := b.object(entities[id].(map[string]any)["standard_id"].(string))
				if got := fmt.Sprint(m["is_family"]); got != family {
					t.Errorf("%s: is_family = %s, want %s", id, got, family)
				}
				if id == "m-false" && (fmt.Sprint(m["confidence"]) != "0" ||
					fmt.Sprint(m["revoked"]) != "false") {
					t.Errorf("%s: confidence %v, revoked %v, want 0 and false", id,
						m["confidence"], m["revoked"])
				}
			}
		})
	}
}
