package gen

import (
	"encoding/json"
	"slices"
	"testing"
	"unsafe"
)

var typeNameCases = []string{
	`["Basic-Object","Stix-Object","Stix-Core-Object"]`,
	` [ "Basic-Object" , "Stix-Object" ] `,
	`[]`,
	`null`,
	`["Esc\"aped","Line\nbreak","\u00e9t\u00e9"]`,
	`["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q","r"]`,
}

func TestTypeNamesMatchEncodingJSON(t *testing.T) {
	for _, in := range typeNameCases {
		var want []string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		var got TypeNames
		if err := json.Unmarshal([]byte(in), &got); err != nil {
			t.Fatalf("decode %s: %v", in, err)
		}
		if !slices.Equal([]string(got), want) || (got == nil) != (want == nil) {
			t.Errorf("decode %s = %q, want %q", in, got, want)
		}
		if cap(got) != len(got) {
			t.Errorf("decode %s: cap %d, want the length %d", in, cap(got), len(got))
		}
	}
}

func TestTypeNamesRejectWrongTypes(t *testing.T) {
	for _, in := range []string{`[1]`, `"Malware"`, `{"a":"b"}`, `["a",2]`} {
		var got TypeNames
		if err := json.Unmarshal([]byte(in), &got); err == nil {
			t.Errorf("decode %s = %q, want an error", in, got)
		}
	}
}

func TestTypeNameSharesStrings(t *testing.T) {
	var a, b struct {
		Type    TypeName  `json:"entity_type"`
		Parents TypeNames `json:"parent_types"`
	}
	doc := `{"entity_type":"Malware","parent_types":["Basic-Object","Stix-Object"]}`
	if err := json.Unmarshal([]byte(doc), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(doc), &b); err != nil {
		t.Fatal(err)
	}
	if a.Type != "Malware" || unsafe.StringData(string(a.Type)) != unsafe.StringData(string(b.Type)) {
		t.Errorf("entity types %q and %q do not share their bytes", a.Type, b.Type)
	}
	if unsafe.StringData(a.Parents[1]) != unsafe.StringData(b.Parents[1]) {
		t.Error("parent types do not share their bytes")
	}
	for in, want := range map[string]TypeName{`null`: "", `"Case\u002dRfi"`: "Case-Rfi"} {
		var n TypeName = "old"
		if err := json.Unmarshal([]byte(in), &n); err != nil || n != want {
			t.Errorf("decode %s = %q, %v; want %q", in, n, err, want)
		}
	}
}

// FuzzTypeNames checks that TypeNames decodes every JSON text exactly as
// encoding/json decodes a []string.
func FuzzTypeNames(f *testing.F) {
	for _, in := range typeNameCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want []string
		wantErr := json.Unmarshal(data, &want)
		var got TypeNames
		gotErr := json.Unmarshal(data, &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("decode %q: error %v, encoding/json error %v", data, gotErr, wantErr)
		}
		if wantErr == nil && !slices.Equal([]string(got), want) {
			t.Fatalf("decode %q = %q, want %q", data, got, want)
		}
	})
}

// FuzzTypeName checks that TypeName decodes every JSON text exactly as
// encoding/json decodes a *string, with null as "".
func FuzzTypeName(f *testing.F) {
	for _, in := range []string{`"Malware"`, `null`, `"\u00e9"`, `"a\"b"`, `1`, `"\xff"`} {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var want *string
		wantErr := json.Unmarshal(data, &want)
		var got TypeName
		gotErr := json.Unmarshal(data, &got)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("decode %q: error %v, encoding/json error %v", data, gotErr, wantErr)
		}
		if wantErr == nil && want != nil && string(got) != *want {
			t.Fatalf("decode %q = %q, want %q", data, got, *want)
		}
	})
}
