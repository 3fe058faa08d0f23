package validate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"

	"github.com/opencti-go/sdk/stix/validate/internal/jsonvalue"
)

// ValidateBundle reads a bundle from r and returns the findings of the
// envelope, of each object and of the bundle as a whole. r may also hold a
// single STIX object or a JSON array of objects. The objects are read one at
// a time, so memory stays bounded by the largest object plus the bundle
// state a Session keeps. The error is non-nil only when reading stops: an
// I/O error, malformed JSON, or ctx being done.
func (v *Validator) ValidateBundle(ctx context.Context, r io.Reader) ([]Finding, error) {
	var out []Finding
	for f, err := range v.BundleFindings(ctx, r) {
		if err != nil {
			return out, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Bundle validates a bundle with the default Validator.
func Bundle(ctx context.Context, r io.Reader) ([]Finding, error) {
	return Default().ValidateBundle(ctx, r)
}

// BundleFindings is ValidateBundle as an iterator: it yields each finding as
// soon as it is known, and a final non-nil error if reading stops.
func (v *Validator) BundleFindings(ctx context.Context, r io.Reader) iter.Seq2[Finding, error] {
	return func(yield func(Finding, error) bool) {
		br := &bundleReader{v: v, ctx: ctx, dec: json.NewDecoder(r), yield: yield}
		br.dec.UseNumber()
		if err := br.read(); err != nil && !errors.Is(err, errStopped) {
			yield(Finding{}, err)
		}
	}
}

var errStopped = errors.New("iteration stopped")

type bundleReader struct {
	v     *Validator
	ctx   context.Context
	dec   *json.Decoder
	yield func(Finding, error) bool
	sess  *Session
}

func (br *bundleReader) emit(fs []Finding) error {
	for _, f := range fs {
		if !br.yield(f, nil) {
			return errStopped
		}
	}
	return nil
}

func (br *bundleReader) read() error {
	tok, err := br.dec.Token()
	if err != nil {
		return fmt.Errorf("read bundle: %w", err)
	}
	br.sess = br.v.NewSession()
	switch tok {
	case json.Delim('['):
		if err := br.objects(); err != nil {
			return err
		}
	case json.Delim('{'):
		if err := br.topObject(); err != nil {
			return err
		}
	default:
		return fmt.Errorf("read bundle: input starts with %v: expected a JSON object or array",
			tok)
	}
	if br.dec.More() {
		return errors.New("read bundle: data after the end of the bundle")
	}
	return br.emit(br.sess.Finish())
}

// objects validates the elements of an array, whose '[' was read.
func (br *bundleReader) objects() error {
	for br.dec.More() {
		if err := br.ctx.Err(); err != nil {
			return err
		}
		var raw json.RawMessage
		if err := br.dec.Decode(&raw); err != nil {
			return fmt.Errorf("read object %d: %w", br.sess.index, err)
		}
		if err := br.emit(br.sess.Add(raw)); err != nil {
			return err
		}
	}
	if _, err := br.dec.Token(); err != nil {
		return fmt.Errorf("read bundle: %w", err)
	}
	return nil
}

// topObject reads the top-level object, whose '{' was read. An "objects"
// array is streamed. Other values are kept to check the envelope, or to
// validate the whole object when it turns out not to be a bundle.
func (br *bundleReader) topObject() error {
	fields := map[string]json.RawMessage{}
	var order []string
	sawObjects := false
	for br.dec.More() {
		tok, err := br.dec.Token()
		if err != nil {
			return fmt.Errorf("read bundle: %w", err)
		}
		key, _ := tok.(string)
		if key == "objects" && !sawObjects {
			raw, isArray, err := br.objectsValue()
			if err != nil {
				return err
			}
			if isArray {
				sawObjects = true
				continue
			}
			fields[key] = raw
			order = append(order, key)
			continue
		}
		var raw json.RawMessage
		if err := br.dec.Decode(&raw); err != nil {
			return fmt.Errorf("read bundle property %s: %w", key, err)
		}
		fields[key] = raw
		order = append(order, key)
	}
	if _, err := br.dec.Token(); err != nil {
		return fmt.Errorf("read bundle: %w", err)
	}
	if string(fields["type"]) != `"bundle"` && !sawObjects {
		return br.emit(br.sess.Add(reassemble(fields, order)))
	}
	return br.emit(br.v.envelope(fields, sawObjects, br.sess.index))
}

// objectsValue reads the value of the "objects" member. An array is
// validated element by element as it is read. Any other value is returned
// as JSON: the deprecated objects dictionary of an observed-data object
// read as the top-level object is such a value.
func (br *bundleReader) objectsValue() (json.RawMessage, bool, error) {
	tok, err := br.dec.Token()
	if err != nil {
		return nil, false, fmt.Errorf("read bundle objects: %w", err)
	}
	if tok == json.Delim('[') {
		return nil, true, br.objects()
	}
	raw, err := captureValue(br.dec, tok)
	if err != nil {
		return nil, false, fmt.Errorf("read bundle objects: %w", err)
	}
	return raw, false, nil
}

// captureValue re-encodes the JSON value whose first token is first,
// reading the rest of it from dec.
func captureValue(dec *json.Decoder, first json.Token) (json.RawMessage, error) {
	var buf bytes.Buffer
	type frame struct {
		object bool
		n      int
	}
	var stack []frame
	tok := first
	for {
		if n := len(stack); n > 0 {
			top := &stack[n-1]
			isEnd := tok == json.Delim('}') || tok == json.Delim(']')
			switch {
			case isEnd:
			case top.object && top.n%2 == 1:
				buf.WriteByte(':')
			case top.n > 0:
				buf.WriteByte(',')
			}
			if !isEnd {
				top.n++
			}
		}
		switch t := tok.(type) {
		case json.Delim:
			buf.WriteRune(rune(t))
			switch t {
			case '{', '[':
				stack = append(stack, frame{object: t == '{'})
			default:
				stack = stack[:len(stack)-1]
			}
		case json.Number:
			buf.WriteString(string(t))
		default:
			data, err := json.Marshal(t)
			if err != nil {
				return nil, err
			}
			buf.Write(data)
		}
		if len(stack) == 0 {
			return buf.Bytes(), nil
		}
		var err error
		if tok, err = dec.Token(); err != nil {
			return nil, err
		}
	}
}

func reassemble(fields map[string]json.RawMessage, order []string) []byte {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range order {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(strconv.Quote(k))
		buf.WriteByte(':')
		buf.Write(fields[k])
	}
	buf.WriteByte('}')
	return buf.Bytes()
}

// envelope checks the bundle's own properties.
func (v *Validator) envelope(fields map[string]json.RawMessage, sawObjects bool,
	count int) []Finding {
	c := &objectCheck{v: v, idx: -1, obj: map[string]any{}}
	for k, raw := range fields {
		var val any
		if obj, err := decodeValue(raw); err == nil {
			val = obj
		}
		c.obj[k] = val
	}
	c.id, _ = c.obj["id"].(string)
	if sch := v.schemas.byType["bundle"]; sch != nil {
		if err := sch.Validate(any(c.obj)); err != nil {
			schemaFindings(err, func(f Finding) { c.addErr(f.Rule, f.Pointer, f.Message, f.Err) })
		}
	}
	if _, uuid, ok := splitIdentifier(c.id); ok && validUUID(uuid) && uuidVersion(uuid) != 4 {
		c.add("uuid-check", "/id", "a bundle id should use a version 4 UUID")
	}
	if sawObjects && count == 0 {
		c.add(RuleSchema, "/objects", "objects must not be empty: omit it for an empty bundle")
	}
	for k := range fields {
		switch k {
		case "type", "id", "objects", "spec_version":
		default:
			c.add("extensions-use", pointer(k), "property "+strconv.Quote(k)+
				" is not a bundle property: a bundle has only type, id and objects")
		}
	}
	return c.findings
}

func decodeValue(raw []byte) (any, error) {
	return jsonvalue.Decode(raw)
}
