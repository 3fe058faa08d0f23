package validate

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestCaptureValueRoundTrip(t *testing.T) {
	for _, src := range []string{
		`{"a":[1,{"b":2.50,"c":[]}],"d":{},"e":"x\"y","f":null,"g":true}`,
		`[[],[{}],{"k":[1,2,3]}]`,
		`"plain"`,
	} {
		dec := json.NewDecoder(strings.NewReader(src))
		dec.UseNumber()
		first, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := captureValue(dec, first)
		if err != nil {
			t.Fatalf("captureValue(%s): %v", src, err)
		}
		var want, got any
		if err := json.Unmarshal([]byte(src), &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("captureValue(%s) = %s, not JSON: %v", src, raw, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("captureValue(%s) = %s", src, raw)
		}
	}
}
