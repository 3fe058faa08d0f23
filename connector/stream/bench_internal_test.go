package stream

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// BenchmarkReadFrames measures the reading side of the client: SSE
// parsing, event decoding and the duplicate check, for update frames of
// about 1.4 kB, several sharing an id as dependencies do.
func BenchmarkReadFrames(b *testing.B) {
	const frames = 1000
	var buf bytes.Buffer
	for i := range frames {
		fmt.Fprintf(&buf, "id: 1772446530%03d-0\nevent: update\ndata: ", i/2)
		fmt.Fprintf(&buf, `{"version":"4","type":"update","scope":"external","message":"Update 1 elements",`+
			`"origin":{"socket":"query","user_id":"a4c2e6f8-1b3d-4f5a-9c7e-2d4f6a8b0c1e","group_ids":[],`+
			`"organization_ids":[],"referer":"https://octi.example.org/dashboard"},"data":{"id":`+
			`"malware--0c1d2e3f-4a5b-4c6d-8e7f-%012d","spec_version":"2.1","type":"malware",`+
			`"name":"SnakeLoader","is_family":true,"description":"Loader seen in March campaigns.",`+
			`"created":"2026-02-11T08:00:00.000Z","modified":"2026-03-02T10:15:30.118Z","extensions":`+
			`{"extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba":{"extension_type":`+
			`"property-extension","id":"7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a0b","type":"Malware",`+
			`"created_at":"2026-02-11T08:00:00.000Z","updated_at":"2026-03-02T10:15:30.118Z",`+
			`"is_inferred":false}}},"context":{"patch":[{"op":"replace","path":"/description",`+
			`"value":"Loader seen in March campaigns."},{"op":"replace","path":"/modified","value":`+
			`"2026-03-02T10:15:30.118Z"}],"reverse_patch":[{"op":"replace","path":"/description",`+
			`"value":"Loader."},{"op":"replace","path":"/modified","value":"2026-02-11T08:00:00.000Z"}]},`+
			`"event_id":"1772446530118-0"}`+"\n\n", i)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		fr := newFrameReader(bytes.NewReader(data), func() {})
		rec := &received{}
		n := 0
		for {
			f, err := fr.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			ev, err := decodeEvent(f.id, f.name, f.data)
			if err != nil {
				b.Fatal(err)
			}
			if rec.accept(ev) {
				n++
			}
		}
		if n != frames {
			b.Fatalf("%d frames accepted, want %d", n, frames)
		}
	}
	b.ReportMetric(float64(frames*b.N)/b.Elapsed().Seconds(), "frames/s")
}
