package stix

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// ErrWriterClosed reports a write to a BundleWriter after Close.
var ErrWriterClosed = errors.New("bundle writer is closed")

// WriterOptions configures a BundleWriter.
type WriterOptions struct {
	// ID is the bundle id. The default "" gives a new random id
	// (bundle--<UUIDv4>).
	ID string
	// Indent writes the bundle indented by four spaces per level, byte for
	// byte as encoding/json's Encoder with SetIndent("", "    ") and
	// SetEscapeHTML(false) writes the same bundle. The default is compact
	// JSON. Both forms end with a newline.
	Indent bool
	// Properties are other top-level properties of the bundle, such as the
	// x_opencti_seq that OpenCTI adds or those that BundleReader.Properties
	// returns. They are written after the objects, sorted by name, as
	// Bundle.MarshalJSON writes its Custom properties. Each value must be
	// one JSON value, and the names type, id and objects are rejected.
	Properties map[string]json.RawMessage
}

// BundleWriter writes a STIX 2.1 bundle to an io.Writer one object at a
// time, so that the memory it needs does not grow with the bundle. Call
// Close to finish the bundle.
//
// A BundleWriter is not safe for concurrent use.
type BundleWriter struct {
	w        *bufio.Writer
	counter  countingWriter
	id       string
	indent   bool
	count    int
	err      error
	closed   bool
	scratch  []byte // encoded typed object
	compactB []byte // compacted raw object
	indentB  []byte // indented object
	// properties are the other bundle properties, compacted, in the order
	// Close writes them.
	properties []bundleProperty
}

type bundleProperty struct {
	name  string
	value []byte
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

// NewBundleWriter writes the start of a bundle to w and returns the writer
// for its objects. It fails when opts.ID is set but does not start with
// "bundle--".
func NewBundleWriter(w io.Writer, opts WriterOptions) (*BundleWriter, error) {
	id := opts.ID
	if id == "" {
		id = NewID(TypeBundle)
	} else if !strings.HasPrefix(id, TypeBundle+"--") {
		return nil, errors.New("invalid bundle id " + string(appendString(nil, id)) +
			": it must start with bundle--")
	}
	bw := &BundleWriter{id: id, indent: opts.Indent}
	for _, name := range sortedKeys(opts.Properties) {
		if name == "type" || name == "id" || name == "objects" {
			return nil, errors.New("invalid bundle property " + string(appendString(nil, name)) +
				": the writer sets it, so remove it from WriterOptions.Properties")
		}
		value, err := appendRaw(nil, opts.Properties[name])
		if err != nil {
			return nil, errors.New("invalid bundle property " + string(appendString(nil, name)) +
				": " + err.Error())
		}
		bw.properties = append(bw.properties, bundleProperty{name, value})
	}
	bw.counter.w = w
	bw.w = bufio.NewWriterSize(&bw.counter, 64<<10)
	if bw.indent {
		bw.writeString("{\n    \"type\": \"bundle\",\n    \"id\": ")
	} else {
		bw.writeString(`{"type":"bundle","id":`)
	}
	bw.scratch = appendString(bw.scratch[:0], id)
	bw.write(bw.scratch)
	return bw, bw.err
}

// ID returns the bundle id.
func (bw *BundleWriter) ID() string { return bw.id }

// Count returns the number of objects written so far.
func (bw *BundleWriter) Count() int { return bw.count }

// BytesWritten returns the number of bytes written to the underlying writer
// so far. Until Close, some bytes may still sit in the writer's buffer.
func (bw *BundleWriter) BytesWritten() int64 { return bw.counter.n }

// Write adds an object to the bundle.
func (bw *BundleWriter) Write(o Object) error {
	if err := bw.check(); err != nil {
		return err
	}
	data, err := AppendObject(bw.scratch[:0], o)
	bw.scratch = data[:0]
	if err != nil {
		return err
	}
	return bw.writeObject(data, true)
}

// WriteRaw adds an object given as JSON text, such as the STIX JSON that
// OpenCTI returns, without decoding it into a type. The text must be one
// JSON object; its white space is normalised to the writer's layout and its
// strings are copied as they are.
func (bw *BundleWriter) WriteRaw(data []byte) error {
	if err := bw.check(); err != nil {
		return err
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return errors.New("write raw object: the data is not a JSON object")
	}
	return bw.writeObject(data, false)
}

func (bw *BundleWriter) check() error {
	if bw.closed {
		return ErrWriterClosed
	}
	return bw.err
}

// writeObject writes the separator and the object, compacted or indented.
// compact tells that data is known to be valid compact JSON; other data is
// checked and compacted first.
func (bw *BundleWriter) writeObject(data []byte, compact bool) error {
	if !compact {
		s := scanner{data: data}
		out, err := s.appendCompact(bw.compactB[:0])
		if err == nil {
			err = s.end()
		}
		bw.compactB = out[:0]
		if err != nil {
			return errors.New("write object: invalid JSON: " + err.Error())
		}
		data = out
	}
	switch {
	case bw.count == 0 && bw.indent:
		bw.writeString(",\n    \"objects\": [\n        ")
	case bw.count == 0:
		bw.writeString(`,"objects":[`)
	case bw.indent:
		bw.writeString(",\n        ")
	default:
		bw.writeString(",")
	}
	if bw.indent {
		bw.indentB = appendIndent(bw.indentB[:0], data, "        ", "    ")
		data = bw.indentB
	}
	bw.write(data)
	if bw.err == nil {
		bw.count++
	}
	return bw.err
}

// Close writes the end of the bundle and flushes it to the underlying
// writer, which it does not close. A bundle without objects has no objects
// property, since STIX forbids empty lists.
func (bw *BundleWriter) Close() error {
	if bw.closed {
		return bw.err
	}
	bw.closed = true
	switch {
	case bw.count > 0 && bw.indent:
		bw.writeString("\n    ]")
	case bw.count > 0:
		bw.writeString("]")
	}
	for _, p := range bw.properties {
		bw.writeProperty(p)
	}
	if bw.indent {
		bw.writeString("\n}\n")
	} else {
		bw.writeString("}\n")
	}
	if bw.err == nil {
		bw.err = bw.w.Flush()
	}
	return bw.err
}

// writeProperty writes one of the other bundle properties.
func (bw *BundleWriter) writeProperty(p bundleProperty) {
	bw.scratch = bw.scratch[:0]
	if bw.indent {
		bw.scratch = append(bw.scratch, ",\n    "...)
	} else {
		bw.scratch = append(bw.scratch, ',')
	}
	bw.scratch = appendString(bw.scratch, p.name)
	if bw.indent {
		bw.scratch = append(bw.scratch, ": "...)
		bw.scratch = appendIndent(bw.scratch, p.value, "    ", "    ")
	} else {
		bw.scratch = append(bw.scratch, ':')
		bw.scratch = append(bw.scratch, p.value...)
	}
	bw.write(bw.scratch)
}

func (bw *BundleWriter) write(p []byte) {
	if bw.err == nil {
		_, bw.err = bw.w.Write(p)
	}
}

func (bw *BundleWriter) writeString(s string) {
	if bw.err == nil {
		_, bw.err = bw.w.WriteString(s)
	}
}
