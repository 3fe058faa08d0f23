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
