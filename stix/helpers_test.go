package stix_test

import (
	"encoding/json"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opencti-go/sdk/stix"
)

func TestReferencesEveryPlace(t *testing.T) {
	data := []byte(`{
		"type": "file", "spec_version": "2.1", "id": "file--1",
		"parent_directory_ref": "directory--2",
		"contains_refs": ["file--3", "file--4"],
		"object_marking_refs": ["marking-definition--5"],
		"granular_markings": [{"marking_ref": "marking-definition--6", "selectors": ["name"]},
			{"lang": "fr", "selectors": ["name"]}],
		"extensions": {
			"archive-ext": {"contains_refs": ["file--7", "file--3"]},
			"extension-definition--8": {"extension_type": "property-extension",
				"nested": {"owner_ref": "identity--9"}}
		},
		"x_acme_source_ref": "identity--10",
		"x_acme_empty_ref": "",
		"name": "a_ref"
	}`)
	o, err := stix.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := stix.References(o)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"marking-definition--5", "marking-definition--6", "file--7", "file--3",
		"identity--9", "directory--2", "file--4", "identity--10",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	raw, err := stix.RawReferences(data)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(raw)
	if !slices.Equal(raw, want) {
		t.Errorf("RawReferences: got %v", raw)
	}
}

func TestCreateFillsCommonProperties(t *testing.T) {
	before := time.Now().Add(-time.Second)
	ind := stix.Create[stix.Indicator]()
	if ind.Type != "indicator" || ind.SpecVersion != "2.1" {
		t.Errorf("type %q spec_version %q", ind.Type, ind.SpecVersion)
	}
	if v := uuidVersion(t, ind.ID); v != 4 || ind.ID[:len("indicator--")] != "indicator--" {
		t.Errorf("id %s", ind.ID)
	}
	if ind.Created.Time().Before(before) || !ind.Modified.Equal(ind.Created) {
		t.Errorf("created %v modified %v", ind.Created, ind.Modified)
	}
	if ind.Created.Digits() != 3 {
		t.Errorf("created has %d digits, want 3", ind.Created.Digits())
	}
	ip := stix.Create[stix.IPv4Addr]()
	if ip.Type != "ipv4-addr" || ip.SpecVersion != "2.1" || ip.ID == "" {
		t.Errorf("SCO %+v", ip)
	}
	md := stix.Create[stix.MarkingDefinition]()
	if !md.Modified.IsZero() {
		t.Error("marking definition got a modified property")
	}
}

func TestObservableIDOfCreatedObject(t *testing.T) {
	ip := stix.Create[stix.IPv4Addr]()
	ip.Value = "198.51.100.3"
	id, err := stix.ObservableIDOf(ip)
	if err != nil {
		t.Fatal(err)
	}
	if id != "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4" {
		t.Errorf("got %s", id)
	}
}

func TestNewVersionBumpsModified(t *testing.T) {
	mal := stix.Create[stix.Malware]()
	mal.Name = "Example"
	future := stix.NewTimestamp(time.Now().Add(time.Hour)).WithDigits(6)
	mal.Modified = future
	next, err := stix.NewVersion(mal)
	if err != nil {
		t.Fatal(err)
	}
	if next == mal || next.ID != mal.ID || !next.Created.Equal(mal.Created) {
		t.Errorf("new version changed identity: %+v", next.Common)
	}
	if !next.Modified.After(mal.Modified) {
		t.Errorf("modified %v not after %v", next.Modified, mal.Modified)
	}
	if !mal.Modified.Equal(future) {
		t.Error("NewVersion changed the original object")
	}

	revoked, err := stix.Revoke(next)
	if err != nil {
		t.Fatal(err)
	}
	if revoked.Revoked == nil || !*revoked.Revoked || !revoked.Modified.After(next.Modified) {
		t.Errorf("revoked %v modified %v", revoked.Revoked, revoked.Modified)
	}
	if _, err := stix.NewVersion(revoked); !errors.Is(err, stix.ErrRevoked) {
		t.Errorf("versioning a revoked object: got %v, want ErrRevoked", err)
	}
	if _, err := stix.NewVersion(stix.Create[stix.URL]()); !errors.Is(err, stix.ErrNotVersionable) {
		t.Errorf("versioning an SCO: got %v, want ErrNotVersionable", err)
	}
}

func TestNewVersionGeneric(t *testing.T) {
	o, err := stix.Decode([]byte(`{"type":"x-mitre-tactic","id":"x-mitre-tactic--1",
		"created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z"}`))
	if err != nil {
		t.Fatal(err)
	}
	next, err := stix.Revoke(o)
	if err != nil {
		t.Fatal(err)
	}
	g := next.(*stix.Generic)
	var modified stix.Timestamp
	if err := json.Unmarshal(g.Properties["modified"], &modified); err != nil {
		t.Fatal(err)
	}
	if modified.Time().Year() < 2021 || string(g.Properties["revoked"]) != "true" {
		t.Errorf("properties %v", g.Properties)
	}
}

func TestPredefinedMarkings(t *testing.T) {
	tests := []struct {
		m    *stix.MarkingDefinition
		id   string
		name string
	}{
		{stix.TLPWhite, "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "TLP:WHITE"},
		{stix.TLPGreen, "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", "TLP:GREEN"},
		{stix.TLPAmber, "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "TLP:AMBER"},
		{stix.TLPRed, "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "TLP:RED"},
		{stix.TLP2Clear, "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "TLP:CLEAR"},
		{stix.TLP2Green, "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "TLP:GREEN"},
		{stix.TLP2Amber, "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "TLP:AMBER"},
		{stix.TLP2AmberStrict, "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "TLP:AMBER+STRICT"},
		{stix.TLP2Red, "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", "TLP:RED"},
	}
	for _, tt := range tests {
		if tt.m.ID != tt.id || tt.m.Name != tt.name {
			t.Errorf("%s: id %s name %s", tt.name, tt.m.ID, tt.m.Name)
		}
		c, ok := stix.PredefinedMarking(tt.id)
		if !ok || c == tt.m || !reflect.DeepEqual(c.Common.Created, tt.m.Created) {
			t.Errorf("%s: PredefinedMarking returned %v, %v", tt.name, c, ok)
		}
	}
	got, err := stix.Marshal(stix.TLPGreen)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"marking-definition","spec_version":"2.1",` +
		`"id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",` +
		`"created":"2017-01-20T00:00:00.000Z","name":"TLP:GREEN","definition_type":"tlp",` +
		`"definition":{"tlp":"green"}}`
	if string(got) != want {
		t.Errorf("TLP:GREEN encoded as %s", got)
	}
	got, err = stix.Marshal(stix.TLP2AmberStrict)
	if err != nil {
		t.Fatal(err)
	}
	want = `{"type":"marking-definition","spec_version":"2.1",` +
		`"id":"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",` +
		`"created":"2022-10-01T00:00:00.000Z","extensions":{"extension-definition--` +
		`60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension",` +
		`"tlp_2_0":"amber+strict"}},"name":"TLP:AMBER+STRICT"}`
	if string(got) != want {
		t.Errorf("TLP:AMBER+STRICT encoded as %s", got)
	}
}

// codecTypes returns the struct types reachable from the STIX 2.1 object
// types and the predefined extensions: every type the codec handles.
func codecTypes(t *testing.T) []reflect.Type {
	t.Helper()
	var roots []reflect.Type
	for _, typ := range append(slices.Clone(allTypes), "x-custom") {
		roots = append(roots, reflect.TypeOf(stix.New(typ)).Elem())
	}
	exts := []string{
		stix.ExtArchive, stix.ExtNTFS, stix.ExtPDF, stix.ExtRasterImage, stix.ExtWindowsPE,
		stix.ExtHTTPRequest, stix.ExtICMP, stix.ExtSocket, stix.ExtTCP,
		stix.ExtWindowsProcess, stix.ExtWindowsService, stix.ExtUnixAccount, "x-other-ext",
	}
	data := `{"type":"file","id":"file--1","extensions":{`
	for i, name := range exts {
		if i > 0 {
			data += ","
		}
		data += `"` + name + `":{"x_probe":1}`
	}
	o, err := stix.Decode([]byte(data + "}}"))
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range o.(*stix.File).Extensions {
		roots = append(roots, reflect.TypeOf(ext).Elem())
	}
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ.PkgPath() != roots[0].PkgPath() {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			if f.Anonymous {
				for j := range f.Type.NumField() {
					walk(f.Type.Field(j).Type)
				}
				continue
			}
			walk(f.Type)
		}
	}
	for _, r := range roots {
		walk(r)
	}
	delete(seen, reflect.TypeFor[stix.Timestamp]())
	types := make([]reflect.Type, 0, len(seen))
	for typ := range seen {
		types = append(types, typ)
	}
	return types
}

// Every codec type must have JSON methods of its own: without them
// encoding/json would fall back to its default encoding and lose Custom.
func TestJSONMethodsCoverEveryType(t *testing.T) {
	types := codecTypes(t)
	if len(types) < 60 {
		t.Fatalf("found only %d codec types", len(types))
	}
	marshaler := reflect.TypeFor[json.Marshaler]()
	unmarshaler := reflect.TypeFor[json.Unmarshaler]()
	for _, typ := range types {
		if !typ.Implements(marshaler) {
			t.Errorf("%v has no MarshalJSON", typ)
		}
		if !reflect.PointerTo(typ).Implements(unmarshaler) {
			t.Errorf("*%v has no UnmarshalJSON", typ)
		}
	}
}

func TestEncodingJSONKeepsCustom(t *testing.T) {
	ind := stix.Create[stix.Indicator]()
	ind.Pattern, ind.PatternType = "[url:value = 'a<b']", "stix"
	ind.Custom = map[string]json.RawMessage{"x_score": json.RawMessage(`7`)}
	viaJSON, err := json.Marshal(ind)
	if err != nil {
		t.Fatal(err)
	}
	var back stix.Indicator
	if err := json.Unmarshal(viaJSON, &back); err != nil {
		t.Fatal(err)
	}
	if back.Pattern != ind.Pattern {
		t.Errorf("pattern %q, want %q", back.Pattern, ind.Pattern)
	}
	if string(back.Custom["x_score"]) != "7" {
		t.Errorf("custom property lost: %v", back.Custom)
	}
}

func TestCategories(t *testing.T) {
	tests := map[string]stix.Category{
		"indicator": stix.CategoryDomain, "sighting": stix.CategoryRelationship,
		"x509-certificate": stix.CategoryObservable, "language-content": stix.CategoryMeta,
		"x-mitre-tactic": stix.CategoryUnknown,
	}
	for typ, want := range tests {
		if got := stix.CategoryOf(typ); got != want {
			t.Errorf("%s: %v, want %v", typ, got, want)
		}
	}
}

func TestMarshalBundleAsObject(t *testing.T) {
	b := stix.NewBundle(stix.TLPRed)
	data, err := stix.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var back stix.Bundle
	if err := stix.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.ID != b.ID || len(back.Objects) != 1 || back.Objects[0].ObjectID() != stix.TLPRedID {
		t.Errorf("bundle read back as %+v", back)
	}
}

// foreignObject is an Object type defined outside the stix package.
type foreignObject struct {
	Type  string `json:"type"`
	ID    string `json:"id"`
	Score int    `json:"score"`
}

func (f *foreignObject) ObjectType() string { return f.Type }
func (f *foreignObject) ObjectID() string   { return f.ID }

func TestForeignObjectUsesEncodingJSON(t *testing.T) {
	in := &foreignObject{Type: "x-acme", ID: "x-acme--1", Score: 3}
	data, err := stix.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(data) != `{"type":"x-acme","id":"x-acme--1","score":3}` {
		t.Errorf("encoded as %s", data)
	}
	var out foreignObject
	if err := stix.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out != *in {
		t.Errorf("decoded as %+v", out)
	}
	refs, err := stix.References(in)
	if err != nil || len(refs) != 0 {
		t.Errorf("references %v, %v", refs, err)
	}
}

func TestDecodeRejectsTrailingData(t *testing.T) {
	for _, in := range []string{`{"type":"url","value":"a"} x`, "{\"type\":\"url\"}\x00", `{"type":"url"}{}`} {
		if _, err := stix.Decode([]byte(in)); err == nil {
			t.Errorf("%q decoded without error", in)
		}
	}
}

func TestDecodeSkipsByteOrderMark(t *testing.T) {
	in := `{"type":"url","spec_version":"2.1","id":"url--6e0d20a8-760d-40ab-b54b-c1e8dc9c9a22",` +
		`"value":"https://example.com/"}`
	o, err := stix.Decode([]byte("\xEF\xBB\xBF" + in))
	if err != nil {
		t.Fatalf("object after a byte order mark: %v", err)
	}
	out, err := stix.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	if d := diffJSON("", jsonValue(t, []byte(in)), jsonValue(t, out)); d != "" {
		t.Errorf("object after a byte order mark: %s", d)
	}
}

// Decoding from several goroutines at once is safe, including the first
// use of each type (run this test alone under -race to cover that).
func TestDecodeConcurrent(t *testing.T) {
	inputs := [][]byte{
		[]byte(`{"type":"file","id":"file--1","extensions":{"windows-pebinary-ext":{"pe_type":"exe","sections":[{"name":"a"}]}}}`),
		[]byte(`{"type":"x509-certificate","id":"x509-certificate--1","x509_v3_extensions":{"key_usage":"a"}}`),
		[]byte(`{"type":"email-message","id":"email-message--1","body_multipart":[{"body":"x"}]}`),
		[]byte(`{"type":"language-content","id":"language-content--1","contents":{"fr":{"name":"x"}}}`),
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(inputs))
	for range 8 {
		for _, in := range inputs {
			wg.Go(func() {
				o, err := stix.Decode(in)
				if err == nil {
					_, err = stix.Marshal(o)
				}
				errs <- err
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// Strings of every length and mix of plain bytes, escapes, control
// characters and multi-byte characters decode as encoding/json decodes
// them, and encode back to the same value.
func TestStringsMatchEncodingJSON(t *testing.T) {
	pieces := []string{"a", "Z", " ", "\"", "\\", "\n", "\t", "\x01", "\x1f", "é", "€", "😀",
		"\u2028", "<", "&", "/", "\x7f"}
	rnd := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var sb strings.Builder
		for range rnd.IntN(40) {
			sb.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		want := sb.String()
		name, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		data := []byte(`{"type":"identity","id":"identity--1","name":` + string(name) + `}`)
		o, err := stix.Decode(data)
		if err != nil {
			t.Fatalf("%q: %v", want, err)
		}
		if got := o.(*stix.Identity).Name; got != want {
			t.Fatalf("decoded %q, want %q", got, want)
		}
		out, err := stix.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		var back struct{ Name string }
		if err := json.Unmarshal(out, &back); err != nil || back.Name != want {
			t.Fatalf("encoded %s, read back %q (%v)", out, back.Name, err)
		}
	}
}

func TestStringsRejectRawControlAndInvalidUTF8(t *testing.T) {
	for _, bad := range []string{"\x01", "\x1f", "\n", "\xff", "\xc3"} {
		for at := range 20 {
			value := strings.Repeat("a", at) + bad + strings.Repeat("b", 20-at)
			data := []byte(`{"type":"identity","id":"identity--1","name":"` + value + `"}`)
			if _, err := stix.Decode(data); err == nil {
				t.Errorf("%q at %d: decoded without error", bad, at)
			}
		}
	}
}

// An object whose type property appears twice with different values is an
// error: Decode would otherwise return a *Malware whose type is indicator.
func TestDecodeRejectsTwoTypes(t *testing.T) {
	data := []byte(`{"type":"malware","id":"malware--5c1f3b0e-9d2a-4c8b-a1e6-0f7d8c9b2a31",` +
		`"name":"x","type":"indicator"}`)
	o, err := stix.Decode(data)
	if err == nil {
		t.Fatalf("decoded %T with type %q, want an error", o, o.ObjectType())
	}
	if !strings.Contains(err.Error(), `"malware" and as "indicator"`) {
		t.Errorf("err = %v, want it to name both types", err)
	}
	same := []byte(`{"type":"malware","name":"x","type":"malware"}`)
	if _, err := stix.Decode(same); err != nil {
		t.Errorf("the same type twice: %v", err)
	}
}
