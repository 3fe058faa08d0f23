package stix_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/opencti-go/sdk/stix"
)

func ExampleDecode() {
	data := []byte(`{"type":"malware","spec_version":"2.1",
		"id":"malware--df7d1663-1a28-492f-b76f-ae9a049a3514",
		"created":"2023-09-01T00:00:00Z","modified":"2023-09-01T00:00:00.123456Z",
		"name":"Example implant","is_family":false,"x_acme_origin":"lab"}`)
	o, err := stix.Decode(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	m := o.(*stix.Malware)
	fmt.Println(m.Name, *m.IsFamily, string(m.Custom["x_acme_origin"]))
	out, _ := stix.Marshal(m)
	fmt.Println(string(out))
	// Output:
	// Example implant false "lab"
	// {"type":"malware","spec_version":"2.1","id":"malware--df7d1663-1a28-492f-b76f-ae9a049a3514","created":"2023-09-01T00:00:00.000Z","modified":"2023-09-01T00:00:00.123456Z","name":"Example implant","is_family":false,"x_acme_origin":"lab"}
}

func ExampleDecode_timestampError() {
	_, err := stix.Decode([]byte(`{"type":"identity","id":"identity--1","name":"x",
		"created":"2023-03-01T12:00:00+02:00"}`))
	fmt.Println(err)
	// Output:
	// decode identity--1: property created: invalid timestamp "2023-03-01T12:00:00+02:00": the offset is "+02:00", not Z (write it as YYYY-MM-DDTHH:MM:SS[.fraction]Z in UTC)
}

func ExampleBundleReader() {
	input := `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
		{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"},
		{"type":"x-acme-widget","id":"x-acme-widget--dd5238f8-d234-48ac-9c9b-f66d96dc3841","size":3}]}`
	r := stix.NewBundleReader(strings.NewReader(input))
	for raw, err := range r.RawObjects() {
		if err != nil {
			fmt.Println(err)
			return
		}
		o, err := raw.Decode()
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%d %T %s\n", raw.Index, o, o.ObjectID())
	}
	fmt.Println(r.ID())
	// Output:
	// 0 *stix.IPv4Addr ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4
	// 1 *stix.Generic x-acme-widget--dd5238f8-d234-48ac-9c9b-f66d96dc3841
	// bundle--5d0092c5-5f74-4287-9642-33f4c354e56d
}

func ExampleBundleWriter() {
	w, err := stix.NewBundleWriter(os.Stdout, stix.WriterOptions{
		ID:     "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
		Indent: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ip := &stix.IPv4Addr{Value: "198.51.100.3"}
	ip.Type, ip.SpecVersion = stix.TypeIPv4Addr, stix.SpecVersion21
	ip.ID, _ = stix.ObservableIDOf(ip)
	if err := w.Write(ip); err != nil {
		fmt.Println(err)
	}
	// Objects that arrive as JSON text are written without decoding them.
	if err := w.WriteRaw([]byte(`{"type":"x-acme-widget","id":"x-acme-widget--1","note":"a<b"}`)); err != nil {
		fmt.Println(err)
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
	fmt.Println(w.Count(), "objects")
	// Output:
	// {
	//     "type": "bundle",
	//     "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
	//     "objects": [
	//         {
	//             "type": "ipv4-addr",
	//             "spec_version": "2.1",
	//             "id": "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4",
	//             "value": "198.51.100.3"
	//         },
	//         {
	//             "type": "x-acme-widget",
	//             "id": "x-acme-widget--1",
	//             "note": "a<b"
	//         }
	//     ]
	// }
	// 2 objects
}

// ExampleCreate builds an indicator, the file it detects and the
// relationship between them. Create sets random ids, so the example prints
// the parts of the output that do not change between runs.
func ExampleCreate() {
	sha256 := "fb9e3b23c51240952f156da0e187c66285cae6d0e18f536fc04ea61163865661"

	indicator := stix.Create[stix.Indicator]()
	indicator.Name = "invoice.pdf dropper"
	indicator.Pattern = "[file:hashes.'SHA-256' = '" + sha256 + "']"
	indicator.PatternType = "stix"
	indicator.ValidFrom = indicator.Created

	// An SCO gets a random id from Create too. Replace it with the
	// deterministic id once the ID-contributing properties are set.
	file := stix.Create[stix.File]()
	file.Name = "invoice.pdf"
	file.Hashes = stix.Hashes{"SHA-256": sha256}
	id, err := stix.ObservableIDOf(file)
	if err != nil {
		fmt.Println(err)
		return
	}
	file.ID = id

	relationship := stix.Create[stix.Relationship]()
	relationship.RelationshipType = "based-on"
	relationship.SourceRef = indicator.ID
	relationship.TargetRef = file.ID

	fmt.Println(indicator.Type, indicator.SpecVersion, strings.HasPrefix(indicator.ID, "indicator--"))
	fmt.Println(indicator.Created.IsZero(), indicator.Modified.IsZero())
	fmt.Println(file.ID)
	fmt.Println(relationship.SourceRef == indicator.ID, relationship.TargetRef)
	// Output:
	// indicator 2.1 true
	// false false
	// file--020c5f60-b566-547b-8c11-17166478f4fa
	// true file--020c5f60-b566-547b-8c11-17166478f4fa
}

func ExampleObservableID() {
	id, err := stix.ObservableID(stix.TypeFile, map[string]any{
		"name": "invoice.pdf",
		"size": 2048, // not ID-contributing
		"hashes": stix.Hashes{
			"SHA-256": "fb9e3b23c51240952f156da0e187c66285cae6d0e18f536fc04ea61163865661",
			"MD5":     "b5c249765309285c5705ad31c17e2906", // preferred
		},
	})
	fmt.Println(id, err)
	// Output:
	// file--eab0366b-9075-5da3-8a86-5d04f6945d27 <nil>
}

func ExampleDeterministicID() {
	// OpenCTI's standard id of a malware: its normalised name.
	id, err := stix.DeterministicID("malware", map[string]any{"name": "quillfeather"})
	fmt.Println(id, err)
	// Output:
	// malware--8bdfdafe-f23b-55e8-9729-75341ca079cb <nil>
}

func ExampleCanonicalJSON() {
	out, err := stix.CanonicalJSON(map[string]any{
		"pattern": "[file:size > 5]",
		"count":   1.0,
		"b":       []any{"é", 1e21},
	})
	fmt.Println(string(out), err)
	// Output:
	// {"b":["é",1e+21],"count":1,"pattern":"[file:size > 5]"} <nil>
}

func ExampleTimestamp() {
	created := stix.MustParseTimestamp("2023-03-01T10:00:00.000Z")
	modified := stix.MustParseTimestamp("2023-03-01T10:00:00.000000001Z")
	fmt.Println(modified.After(created), modified)

	local := time.Date(2023, 3, 1, 12, 0, 0, 0, time.FixedZone("UTC+2", 2*60*60))
	fmt.Println(stix.NewTimestamp(local))
	// Output:
	// true 2023-03-01T10:00:00.000000001Z
	// 2023-03-01T10:00:00Z
}

func ExampleReferences() {
	rel := stix.Create[stix.Relationship]()
	rel.RelationshipType = "indicates"
	rel.SourceRef = "indicator--d3be215a-a836-4166-83f4-1c4a657c53e9"
	rel.TargetRef = "malware--df7d1663-1a28-492f-b76f-ae9a049a3514"
	rel.ObjectMarkingRefs = []string{stix.TLPGreenID}
	refs, err := stix.References(rel)
	fmt.Println(strings.Join(refs, "\n"), err)
	// Output:
	// marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da
	// indicator--d3be215a-a836-4166-83f4-1c4a657c53e9
	// malware--df7d1663-1a28-492f-b76f-ae9a049a3514 <nil>
}

func ExampleNewVersion() {
	r := stix.Create[stix.Report]()
	r.Name = "Quarterly review"
	r.Published = stix.Now()
	r.ObjectRefs = []string{"indicator--d3be215a-a836-4166-83f4-1c4a657c53e9"}
	next, err := stix.NewVersion(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(next.ID == r.ID, next.Created.Equal(r.Created), next.Modified.After(r.Modified))
	// Output:
	// true true true
}

func ExampleBundle() {
	b := stix.NewBundle(stix.TLPGreen)
	b.ID = "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"
	out, err := json.Marshal(b)
	fmt.Println(string(out), err)
	// Output:
	// {"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da","created":"2017-01-20T00:00:00.000Z","name":"TLP:GREEN","definition_type":"tlp","definition":{"tlp":"green"}}]} <nil>
}
