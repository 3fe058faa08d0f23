package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// reference decodes with encoding/json the way this package must.
func reference(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

func compare(t *testing.T, data []byte) {
	t.Helper()
	want, wantErr := reference(data)
	got, err := Decode(data)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("Decode(%q): err %v, encoding/json err %v", data, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode(%q) = %#v, encoding/json %#v", data, got, want)
	}
}

func TestMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		`{}`, `[]`, ` {"a" : [1, -0.5e+3, 1E2, true, false, null, "x"]} `, `"\u00e9\ud83d\ude00"`,
		`"\ud83d"`, `"\ud83dx"`, `"\udc00\ud83d\ude00"`, "\"\xff\xfe\"", `"a\/b\"\\\b\f\n\r\t"`,
		`{"a":1,"a":2}`, `01`, `1.`, `-`, `1e`, `.5`, `"\x"`, "\"\x01\"", `{"a"}`, `{"a":1,}`,
		`[1,]`, `[1 2]`, `tru`, `nul`, `{"a":1} x`, ``, ` `, `"abc`, `"\u12"`, `"\u12zz"`,
		`{"k":"` + strings.Repeat("é", 50) + `"}`, strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
		strings.Repeat("[", 100) + strings.Repeat("]", 100), `-0`, `-01`, `1e+`, `{"a":[{"b":{}}]}`,
	} {
		compare(t, []byte(s))
	}
}

func FuzzMatchesEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,"x\u00e9",{"b":null}]}`, `"\ud83d\ude00"`, `-1.5e3`, `[true,false]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { compare(t, data) })
}

func TestDecodeWithDuplicatesReportsKeys(t *testing.T) {
	data := []byte(`{"a":1,"b":{"c":1,"c":2},"a":3}`)
	v, dups, err := DecodeWithDuplicates(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []DuplicateKey{
		{Key: "c", Offset: strings.Index(string(data), `"c":2`), TopLevel: false},
		{Key: "a", Offset: strings.LastIndex(string(data), `"a"`), TopLevel: true},
	}
	if !reflect.DeepEqual(dups, want) {
		t.Errorf("duplicates = %+v, want %+v", dups, want)
	}
	if got := v.(map[string]any)["a"]; got != json.Number("3") {
		t.Errorf("a = %v, want the last value 3", got)
	}
	if _, dups, _ := DecodeWithDuplicates([]byte(`{"a":{"a":1},"b":[{"a":2}]}`)); dups != nil {
		t.Errorf("keys in separate objects reported as duplicates: %+v", dups)
	}
}

func TestDecodeDepthErrorNamesLimit(t *testing.T) {
	for _, open := range []string{"[", `{"a":`} {
		_, err := Decode([]byte(strings.Repeat(open, maxDepth+1)))
		if err == nil || !strings.Contains(err.Error(), "nested deeper than 10000 levels") {
			t.Errorf("%d levels of %s: error %v does not name the limit", maxDepth+1, open, err)
		}
	}
}

func TestDecodeEndOfInputHasOffset(t *testing.T) {
	for _, s := range []string{`{`, `{"a":[1,`, `"abc`, `1e`, `"\u12`, `tru`} {
		_, err := Decode([]byte(s))
		var syntax *SyntaxError
		if !errors.As(err, &syntax) || syntax.Offset != len(s) {
			t.Errorf("%q: error %v, want a SyntaxError at offset %d", s, err, len(s))
		}
	}
}

func TestKeyCacheMatchesUncached(t *testing.T) {
	var kc KeyCache
	docs := []string{
		`{"type":"a","id":"x","refs":[{"type":"b"},{"id":"y"}]}`,
		`{"type":"c","id":"z","type":"d","\u0074ype":"e","é":1}`,
	}
	for _, doc := range docs {
		want, wantDups, wantErr := DecodeWithDuplicates([]byte(doc))
		got, gotDups, err := kc.DecodeWithDuplicates([]byte(doc))
		if wantErr != nil {
			t.Fatalf("%s: uncached decode failed: %v", doc, wantErr)
		}
		if err != nil {
			t.Fatalf("%s: cached decode failed: %v", doc, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: cached decode %#v, uncached %#v", doc, got, want)
		}
		if !reflect.DeepEqual(gotDups, wantDups) {
			t.Errorf("%s: cached duplicates %+v, uncached %+v", doc, gotDups, wantDups)
		}
	}
	if _, ok := kc.keys["type"]; !ok {
		t.Errorf("key type not cached: %v", kc.keys)
	}
}

func TestKeyCacheStaysBounded(t *testing.T) {
	var kc KeyCache
	long := strings.Repeat("k", maxCachedKeyBytes+1)
	if _, _, err := kc.DecodeWithDuplicates([]byte(`{"` + long + `":1}`)); err != nil {
		t.Fatal(err)
	}
	if _, ok := kc.keys[long]; ok {
		t.Errorf("key of %d bytes cached, limit %d", len(long), maxCachedKeyBytes)
	}
	var sb strings.Builder
	sb.WriteByte('{')
	for i := range maxCachedKeys + 10 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`"k` + strconv.Itoa(i) + `":1`)
	}
	sb.WriteByte('}')
	v, _, err := kc.DecodeWithDuplicates([]byte(sb.String()))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(v.(map[string]any)); n != maxCachedKeys+10 {
		t.Errorf("decoded %d keys, want %d", n, maxCachedKeys+10)
	}
	if len(kc.keys) != maxCachedKeys {
		t.Errorf("cache holds %d keys, want the limit %d", len(kc.keys), maxCachedKeys)
	}
}
