package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/google/uuid"
)

// objectWriter writes the objects of one bundle as they come. The export
// writes through this interface so that the bundle layout lives in one
// place.
type objectWriter interface {
	// WriteRaw adds one object given as JSON text.
	WriteRaw(data []byte) error
	// Close ends the bundle and flushes it.
	Close() error
	// ID returns the bundle id.
	ID() string
	// BytesWritten returns the bytes written to the destination so far.
	BytesWritten() int64
}

// indentedBundleWriter writes a bundle indented by four spaces per level,
// as pycti's json.dumps(bundle, indent=4) lays it out, with a random
// bundle id. A bundle without objects has no objects property, because
// STIX 2.1 forbids empty lists.
type indentedBundleWriter struct {
	w       *bufio.Writer
	counter countingWriter
	id      string
	count   int
	err     error
	buf     bytes.Buffer
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (cw *countingWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.n += int64(n)
	return n, err
}

func newIndentedBundleWriter(w io.Writer) *indentedBundleWriter {
	bw := &indentedBundleWriter{id: "bundle--" + uuid.NewString()}
	bw.counter.w = w
	bw.w = bufio.NewWriterSize(&bw.counter, 64<<10)
	bw.writeString("{\n    \"type\": \"bundle\",\n    \"id\": \"" + bw.id + "\"")
	return bw
}

func (bw *indentedBundleWriter) ID() string { return bw.id }

func (bw *indentedBundleWriter) BytesWritten() int64 { return bw.counter.n }

func (bw *indentedBundleWriter) WriteRaw(data []byte) error {
	if bw.err != nil {
		return bw.err
	}
	bw.buf.Reset()
	if err := json.Indent(&bw.buf, data, "        ", "    "); err != nil {
		return fmt.Errorf("write object: invalid JSON: %w", err)
	}
	if bw.count == 0 {
		bw.writeString(",\n    \"objects\": [\n        ")
	} else {
		bw.writeString(",\n        ")
	}
	if bw.err == nil {
		_, bw.err = bw.w.Write(bw.buf.Bytes())
	}
	bw.count++
	return bw.err
}

func (bw *indentedBundleWriter) Close() error {
	if bw.count > 0 {
		bw.writeString("\n    ]\n}\n")
	} else {
		bw.writeString("\n}\n")
	}
	if bw.err == nil {
		bw.err = bw.w.Flush()
	}
	return bw.err
}

func (bw *indentedBundleWriter) writeString(s string) {
	if bw.err == nil {
		_, bw.err = bw.w.WriteString(s)
	}
}
