package connector

import (
	"bytes"
	"encoding/json"
	"testing"
)

// memberRawStd is the reference: the member as encoding/json finds it.
func memberRawStd(body []byte, key string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	return m[key]
}

func TestMemberRawMatchesEncodingJSON(t *testing.T) {
	for _, body := range []string{
		`{"event":{"a":[1,{"b":"}"}]},"internal":null}`,
		` { "internal" : {"work_id":"w\"1"} , "event" : "x,}" } `,
		`{"event":1,"event":{"last":true}}`,
		`{"e\u0076ent":{"escaped":"key"}}`,
		`{"other":[],"event":-1.5e3}`,
		`{"event":null}`,
		`{}`,
	} {
		got, want := memberRaw([]byte(body), "event"), memberRawStd([]byte(body), "event")
		if !bytes.Equal(got, want) {
			t.Errorf("%s: memberRaw %q, encoding/json %q", body, got, want)
		}
	}
}

func FuzzMemberRaw(f *testing.F) {
	f.Add([]byte(`{"internal":{"work_id":"w"},"event":{"k":["v",{"x":"]"}]}}`))
	f.Add([]byte(`{"event":"\\\"","event":true}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) {
			return
		}
		var probe map[string]json.RawMessage
		if json.Unmarshal(body, &probe) != nil {
			return
		}
		got, want := memberRaw(body, "event"), memberRawStd(body, "event")
		if !bytes.Equal(got, want) {
			t.Errorf("%q: memberRaw %q, encoding/json %q", body, got, want)
		}
	})
}
