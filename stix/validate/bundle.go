package validate

import (
	"bytes"
	"context"
	"errors"
	"io"
	"iter"
	"slices"
	"strconv"

	"github.com/opencti-go/sdk/stix"
	"github.com/opencti-go/sdk/stix/validate/internal/jsonvalue"
)

// ValidateBundle reads a bundle from r and returns the findings of the
// envelope, of each object and of the bundle as a whole. r may also hold a
// single STIX object or a JSON array of objects.
//
// Bundles and arrays are read with stix.BundleReader, one object at a time,
// so memory stays bounded by the largest object plus the bundle state a
// Session keeps. A single object, and a bundle whose envelope is malformed
// before its objects array starts, are read whole. Input whose first byte
// cannot start a JSON value is rejected without reading the rest.
//
// Malformed JSON is content, not a failure to read. It gives a finding of
// rule json whose Err carries the byte offset: a *stix.SyntaxError for the
// structure of the bundle, which also stops reading, or the decoder's error
// for one object. The error is non-nil only when reading from r fails or
// ctx is done.
func (v *Validator) ValidateBundle(ctx context.Context, r io.Reader) ([]Finding, error) {
	// The findings are gathered in blocks of growing size and copied once
	// into a slice of the exact length. Appending to one slice would copy
	// them several times over, because the Go runtime grows a large slice
	// by about a quarter at a time.
	var blocks [][]Finding
	block := make([]Finding, 0, 64)
	for f, err := range v.BundleFindings(ctx, r) {
		if err != nil {
			return joinFindings(blocks, block), err
		}
		if len(block) == cap(block) {
			blocks = append(blocks, block)
			block = make([]Finding, 0, 2*cap(block))
		}
		block = append(block, f)
	}
	return joinFindings(blocks, block), nil
}

// joinFindings concatenates full blocks and the last block, returning nil
// when there are no findings.
func joinFindings(blocks [][]Finding, last []Finding) []Finding {
	if len(blocks) == 0 && len(last) == 0 {
		return nil
	}
	if len(blocks) == 0 {
		return last
	}
	return slices.Concat(append(blocks, last)...)
}

// Bundle validates a bundle read from r with the Default Validator and
// returns its findings, as Validator.ValidateBundle does. The error is
// non-nil only when reading r fails or ctx is done. Invalid content is
// reported as findings.
func Bundle(ctx context.Context, r io.Reader) ([]Finding, error) {
	return Default().ValidateBundle(ctx, r)
}

// BundleFindings is ValidateBundle as an iterator: it yields each finding as
// soon as it is known, and a final non-nil error if reading fails.
func (v *Validator) BundleFindings(ctx context.Context, r io.Reader) iter.Seq2[Finding, error] {
	return func(yield func(Finding, error) bool) {
		bs := &bundleStream{v: v, ctx: ctx, yield: yield, sess: v.NewSession()}
		if err := bs.run(r); err != nil && !errors.Is(err, errStopped) {
			yield(Finding{}, err)
		}
	}
}

var errStopped = errors.New("iteration stopped")

var errEmpty = errors.New("input is empty: expected a STIX bundle, an array of objects or " +
	"one object")

// bundleStream validates one input, yielding findings as they come.
type bundleStream struct {
	v     *Validator
	ctx   context.Context
	yield func(Finding, error) bool
	sess  *Session
}

func (bs *bundleStream) emit(fs []Finding) error {
	for _, f := range fs {
		if !bs.yield(f, nil) {
			return errStopped
		}
	}
	return nil
}

// run streams the objects of r through the session. When the input turns
// out not to be a bundle or array before any object was read, it reads the
// input again whole, from the bytes recorded so far and the rest of r.
func (bs *bundleStream) run(r io.Reader) error {
	rec := &headerRecorder{r: r}
	br := stix.NewBundleReader(rec)
	rec.br = br
	started := false
	for raw, err := range br.RawObjects() {
		if cerr := bs.ctx.Err(); cerr != nil {
			return cerr
		}
		if raw.Data != nil {
			// An element that is not a JSON object comes with an error;
			// Add reports it under rule json, at the element's index.
			started = true
			rec.stop()
			if err := bs.emit(bs.sess.Add(raw.Data)); err != nil {
				return err
			}
			continue
		}
		var syntax *stix.SyntaxError
		if !errors.As(err, &syntax) {
			return err
		}
		if !started && !br.HasObjects() && !br.IsArray() {
			if err := notJSON(rec.buf); err != nil {
				// No JSON value starts here, so reading the rest, perhaps
				// gigabytes or an endless device, cannot change the finding.
				return bs.emit([]Finding{syntaxFinding(-1, err)})
			}
			return bs.whole(io.MultiReader(bytes.NewReader(rec.buf), r))
		}
		// NOTE: an object of another type whose objects array comes before
		// its type property is streamed as a bundle, and it ends here with
		// a json finding about its type instead of its own findings.
		return bs.emit([]Finding{syntaxFinding(-1, err)})
	}
	bs.sess.standalone = br.IsArray()
	if !br.IsArray() {
		env := map[string]any{"type": stix.TypeBundle}
		if id := br.ID(); id != "" {
			env["id"] = id
		}
		for name, raw := range br.Properties() {
			env[name], _ = jsonvalue.Decode(raw)
		}
		if err := bs.emit(bs.v.envelope(env, br.HasObjects(), bs.sess.index)); err != nil {
			return err
		}
	}
	return bs.emit(bs.sess.Finish())
}

// whole validates an input read into memory: a single object, or a bundle
// whose envelope stix.BundleReader rejected.
func (bs *bundleStream) whole(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if len(bytes.TrimSpace(data)) == 0 {
		return bs.emit([]Finding{syntaxFinding(-1, errEmpty)})
	}
	val, dups, err := decodeJSON(data, nil)
	if err != nil {
		return bs.emit([]Finding{syntaxFinding(-1, err)})
	}
	if err := bs.emit(duplicateKeyFindings(-1, "the input", dups)); err != nil {
		return err
	}
	obj, isObject := val.(map[string]any)
	switch {
	case isObject && obj["type"] == stix.TypeBundle:
		list, isList := obj["objects"].([]any)
		if isList {
			delete(obj, "objects")
			for _, elem := range list {
				if err := bs.ctx.Err(); err != nil {
					return err
				}
				if err := bs.emit(bs.sess.addDecoded(elem)); err != nil {
					return err
				}
			}
		}
		if err := bs.emit(bs.v.envelope(obj, isList, len(list))); err != nil {
			return err
		}
	default:
		bs.sess.standalone = true
		if err := bs.emit(bs.sess.addDecoded(val)); err != nil {
			return err
		}
	}
	return bs.emit(bs.sess.Finish())
}

// notJSON returns the decoding error of head, the start of an input, when
// its first byte after a byte order mark and white space cannot start a
// JSON value. It returns nil when head may start one, or has no such byte.
func notJSON(head []byte) error {
	head = bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	if len(trimmed) == 0 || bytes.IndexByte([]byte(`{["-0123456789tfn`), trimmed[0]) >= 0 {
		return nil
	}
	_, _, err := decodeJSON(head, nil)
	return err
}

// syntaxFinding reports malformed JSON.
func syntaxFinding(idx int, err error) Finding {
	return Finding{Index: idx, Rule: RuleJSON, Severity: SeverityError, Message: err.Error(),
		Err: err}
}

// headerRecorder keeps a copy of what is read from r until stop is called
// or br has found an objects array or a top-level array, so that the input
// can be read again when it is not a bundle. Without the check on br, it
// would also copy the first object, which can be megabytes long.
type headerRecorder struct {
	r       io.Reader
	br      *stix.BundleReader
	buf     []byte
	stopped bool
}

func (h *headerRecorder) Read(p []byte) (int, error) {
	if !h.stopped && h.br != nil && (h.br.HasObjects() || h.br.IsArray()) {
		h.stop()
	}
	n, err := h.r.Read(p)
	if !h.stopped {
		h.buf = append(h.buf, p[:n]...)
	}
	return n, err
}

func (h *headerRecorder) stop() {
	h.stopped = true
	h.buf = nil
}

// envelope checks the bundle's own properties. env holds every property
// but objects, unless objects is not an array; hasObjects reports an
// objects array, which held count objects.
func (v *Validator) envelope(env map[string]any, hasObjects bool, count int) []Finding {
	c := &objectCheck{v: v, idx: -1, obj: env}
	c.id, _ = env["id"].(string)
	if sch := v.schemas.byType[stix.TypeBundle]; sch != nil {
		if err := sch.Validate(any(env)); err != nil {
			schemaFindings(err, sch, env, func(f Finding) { c.addErr(f.Rule, f.Pointer, f.Message, f.Err) })
		}
	}
	if _, uuid, ok := splitIdentifier(c.id); ok && validUUID(uuid) && uuidVersion(uuid) != 4 {
		c.add("uuid-check", "/id", "bundle id uses a version "+
			strconv.Itoa(int(uuidVersion(uuid)))+" UUID, but should use a version 4 (random) UUID")
	}
	if hasObjects && count == 0 {
		c.add(RuleSchema, "/objects", "objects must not be empty: omit it for an empty bundle")
	}
	names := make([]string, 0, len(env))
	for name := range env {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		switch name {
		case "type", "id", "objects", "spec_version":
		default:
			c.add("extensions-use", pointer(name), "property "+strconv.Quote(name)+
				" is not a bundle property: a bundle has only type, id and objects")
		}
	}
	return c.findings
}
