package stream

import (
	"io"
	"strings"
	"testing"
)

// dataLines is an endless stream of "data: x…" lines that never ends its
// frame.
type dataLines struct{ sent int }

func (d *dataLines) Read(p []byte) (int, error) {
	const line = "data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
	for i := range p {
		p[i] = line[(d.sent+i)%len(line)]
	}
	d.sent += len(p)
	return len(p), nil
}

// A frame whose data lines never end is cut at the frame limit with an
// error, instead of growing in memory until the process runs out of it.
func TestFrameDataIsBounded(t *testing.T) {
	src := &dataLines{}
	fr := newFrameReader(io.LimitReader(src, 2*maxLine), nil)

	_, err := fr.next()

	if err == nil || !strings.Contains(err.Error(), "longer than 64 MiB") {
		t.Fatalf("next() error = %v, want the frame limit", err)
	}
	if src.sent >= 2*maxLine {
		t.Errorf("read the whole %d bytes, want a stop near the limit of %d", src.sent, maxLine)
	}
}

// chunks returns each string on its own Read call, as a network
// connection may split a stream anywhere.
type chunks []string

func (c *chunks) Read(p []byte) (int, error) {
	if len(*c) == 0 {
		return 0, io.EOF
	}
	n := copy(p, (*c)[0])
	(*c)[0] = (*c)[0][n:]
	if (*c)[0] == "" {
		*c = (*c)[1:]
	}
	return n, nil
}

func TestFrameLineEndings(t *testing.T) {
	for name, parts := range map[string]chunks{
		"LF":             {"id: 1-0\nevent: update\ndata: a\ndata: b\n\nid: 2-0\ndata: c\n\n"},
		"CRLF":           {"id: 1-0\r\nevent: update\r\ndata: a\r\ndata: b\r\n\r\nid: 2-0\r\ndata: c\r\n\r\n"},
		"CR":             {"id: 1-0\revent: update\rdata: a\rdata: b\r\rid: 2-0\rdata: c\r\r"},
		"CRLF split":     {"id: 1-0\r", "\nevent: update\r", "\ndata: a\r", "\ndata: b\r\n\r", "\nid: 2-0\r\ndata: c\r\n\r", "\n"},
		"mixed":          {"id: 1-0\revent: update\r\ndata: a\ndata: b\r\n\nid: 2-0\rdata: c\n\r"},
		"comments, junk": {": hi\rid: 1-0\rbogus\revent: update\rdata: a\rdata: b\r\r:\rid: 2-0\rdata: c\r\r"},
	} {
		fr := newFrameReader(&parts, nil)
		var got []frame
		for {
			f, err := fr.next()
			if err != nil {
				if err != io.EOF {
					t.Errorf("%s: next() error = %v, want io.EOF", name, err)
				}
				break
			}
			got = append(got, f)
		}
		if len(got) != 2 {
			t.Errorf("%s: %d frames, want 2: %+v", name, len(got), got)
			continue
		}
		if f := got[0]; f.id != "1-0" || f.name != "update" || string(f.data) != "a\nb" {
			t.Errorf("%s: first frame = %q %q %q, want 1-0 update \"a\\nb\"", name, f.id, f.name, f.data)
		}
		if f := got[1]; f.id != "2-0" || f.name != "message" || string(f.data) != "c" {
			t.Errorf("%s: second frame = %q %q %q, want 2-0 message c", name, f.id, f.name, f.data)
		}
	}
}
