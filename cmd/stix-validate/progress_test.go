package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestProgressOffWithoutTerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf)
	r := strings.NewReader("data")
	if p.enabled || p.track(r, "a.json", 1, 1, 4) != io.Reader(r) {
		t.Error("progress is on for a writer that is not a terminal")
	}
}

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf, enabled: true}
	data := strings.Repeat("x", 3_000_000)
	r := p.track(strings.NewReader(data), "big.json", 2, 5, int64(len(data)))
	if _, err := io.Copy(io.Discard, r); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\r\033[K[2/5] big.json: ") ||
		!strings.Contains(buf.String(), " of 3.0 MB (") {
		t.Errorf("progress output %q", buf.String())
	}
	buf.Reset()
	p.clear()
	if buf.String() != "\r\033[K" {
		t.Errorf("clear wrote %q", buf.String())
	}
	buf.Reset()
	p.clear()
	if buf.Len() != 0 {
		t.Errorf("second clear wrote %q", buf.String())
	}
	stdin := p.track(strings.NewReader("{}"), "-", 1, 1, -1)
	if _, err := io.Copy(io.Discard, stdin); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); !strings.Contains(got, "standard input: 0.0 MB") ||
		strings.Contains(got, " of ") {
		t.Errorf("progress of standard input %q", got)
	}
}
