package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"strconv"
)

// ErrNotBundle reports a top-level JSON value that is neither a bundle nor
// an array of objects.
var ErrNotBundle = errors.New("input is neither a STIX bundle nor an array of STIX objects")

// errReaderUsed reports a second iteration over a BundleReader.
var errReaderUsed = errors.New("bundle reader already iterated: create a new reader")

const (
	readerMinBuffer = 64 << 10
	// readerSpill is the size from which a value being read moves out of
	// the read buffer into parts of its own. The buffer stays small, and a
	// large value is copied only once, into an allocation of its exact size.
	readerSpill = 1 << 20
)

// BundleReader reads the objects of a STIX bundle one at a time from an
// io.Reader, so that the memory it needs is bounded by the largest object,
// not by the bundle. It also reads a bare JSON array of objects.
//
// A BundleReader is not safe for concurrent use, and it can be iterated
// once.
type BundleReader struct {
	r      io.Reader
	buf    []byte
	pos    int   // next unread byte in buf
	end    int   // end of valid data in buf
	base   int64 // input offset of buf[0]
	eof    bool
	err    error // sticky read or syntax error
	used   bool
	array  bool
	id     string
	typ    string
	props  map[string]json.RawMessage
	object int  // index of the next object
	inList bool // the objects array has started
	done   bool // the top-level value has ended
}

// NewBundleReader returns a reader of the bundle in r. It reads from r only
// while iterating.
func NewBundleReader(r io.Reader) *BundleReader {
	return &BundleReader{r: r}
}

// RawObject is one object of a bundle as raw JSON.
type RawObject struct {
	// Data is the object's JSON text as it appears in the input. It is
	// valid only until the iteration advances: copy it to keep it.
	Data []byte
	// Index is the object's position in the bundle's objects array.
	Index int

	owned bool // Data is an allocation of its own, not part of the read buffer
}

// Decode decodes the object, as Decode does.
func (ro RawObject) Decode() (Object, error) { return Decode(ro.Data) }

// TypeAndID returns the object's type and id properties without decoding
// the rest of it. A missing id gives "".
func (ro RawObject) TypeAndID() (objectType, id string, err error) {
	s := scanner{data: ro.Data}
	err = s.objectFields(func(key []byte) error {
		var dst *string
		switch string(key) {
		case "type":
			dst = &objectType
		case "id":
			dst = &id
		default:
			return s.skip()
		}
		if c := s.peek(); c != '"' {
			return wrapProperty(string(key), typeMismatch(c, "a string"))
		}
		v, err := s.str()
		*dst = v
		if err == nil && objectType != "" && id != "" {
			return errFound
		}
		return err
	})
	if errors.Is(err, errFound) {
		err = nil
	}
	if err == nil && objectType == "" {
		err = ErrMissingType
	}
	return objectType, id, err
}

// ID returns the bundle's id property. When the id follows the objects
// array in the input, it is known only once iteration has ended. It is ""
// for a bare array of objects.
func (br *BundleReader) ID() string { return br.id }

// IsArray reports whether the input is a bare JSON array of objects rather
// than a bundle. It is known once iteration has started.
func (br *BundleReader) IsArray() bool { return br.array }

// HasObjects reports whether the bundle has an objects property, even an
// empty one, which STIX 2.1 does not allow. It is false for a bare array.
// It is known once iteration has started.
func (br *BundleReader) HasObjects() bool { return br.inList && !br.array }

// Properties returns the bundle's properties other than type, id and
// objects (such as the spec_version of STIX 2.0 bundles), as raw JSON. It is
// complete once iteration has ended.
func (br *BundleReader) Properties() map[string]json.RawMessage { return br.props }

// Objects returns an iterator over the decoded objects. An object that
// cannot be decoded yields a *DecodeError with a nil Object, and iteration
// goes on. An error in the JSON structure of the bundle, or a read error,
// ends the iteration.
func (br *BundleReader) Objects() iter.Seq2[Object, error] {
	return func(yield func(Object, error) bool) {
		for raw, err := range br.RawObjects() {
			if err != nil {
				if !yield(nil, err) {
					return
				}
				continue
			}
			o, err := br.decode(raw)
			if !yield(o, err) {
				return
			}
		}
	}
}

// decode decodes a raw object of the bundle. A large object is held in an
// allocation of its own that nothing else writes to, so its strings share
// that memory instead of being copied. This keeps the peak memory of a very
// large object, such as a report listing every object of the bundle, near
// the size of its JSON text.
func (br *BundleReader) decode(raw RawObject) (Object, error) {
	return decodeObject(raw.Data, raw.owned)
}

// RawObjects returns an iterator over the objects as raw JSON. An array
// element that is not a JSON object yields an error, and iteration goes on.
// An error in the JSON structure of the bundle, or a read error, ends the
// iteration.
func (br *BundleReader) RawObjects() iter.Seq2[RawObject, error] {
	return func(yield func(RawObject, error) bool) {
		if br.used {
			yield(RawObject{}, errReaderUsed)
			return
		}
		br.used = true
		if err := br.readHeader(); err != nil {
			br.err = err
			yield(RawObject{}, err)
			return
		}
		for {
			raw, owned, more, err := br.nextElement()
			if err != nil {
				br.err = err
				yield(RawObject{}, err)
				return
			}
			if !more {
				break
			}
			ro := RawObject{Data: raw, Index: br.object, owned: owned}
			br.object++
			var elemErr error
			if raw[0] != '{' {
				elemErr = &SyntaxError{Offset: br.offset(), Msg: "element " +
					strconv.Itoa(ro.Index) + " of the objects array is not a JSON object"}
			}
			if !yield(ro, elemErr) {
				return
			}
		}
		if err := br.readTrailer(); err != nil {
			br.err = err
			yield(RawObject{}, err)
		}
	}
}

// Err returns the error that ended the last iteration, or nil.
func (br *BundleReader) Err() error { return br.err }

func (br *BundleReader) offset() int64 { return br.base + int64(br.pos) }

func (br *BundleReader) syntaxError(msg string) error {
	return &SyntaxError{Offset: br.offset(), Msg: msg}
}

// fill reads more input, keeping buf[keep:end] (moved to the start of the
// buffer). It reports false at the end of the input.
func (br *BundleReader) fill(keep int) (bool, error) {
	if br.eof {
		return false, nil
	}
	if br.buf == nil {
		br.buf = make([]byte, readerMinBuffer)
	} else if keep > 0 || br.end == len(br.buf) {
		pending := br.end - keep
		size := len(br.buf)
		switch {
		case pending >= size/2:
			size *= 2
		case size > readerMinBuffer && pending < readerMinBuffer/2:
			size = readerMinBuffer
		}
		if size != len(br.buf) {
			fresh := make([]byte, size)
			copy(fresh, br.buf[keep:br.end])
			br.buf = fresh
		} else {
			copy(br.buf, br.buf[keep:br.end])
		}
		br.base += int64(keep)
		br.pos -= keep
		br.end = pending
	}
	for range maxEmptyReads {
		n, err := br.r.Read(br.buf[br.end:])
		br.end += n
		if err == io.EOF {
			br.eof = true
			return n > 0, nil
		}
		if err != nil {
			return n > 0, err
		}
		if n > 0 {
			return true, nil
		}
	}
	return false, io.ErrNoProgress
}

// maxEmptyReads is the number of reads returning no data and no error after
// which the reader gives up, as bufio.Reader does.
const maxEmptyReads = 100

// peekByte skips white space and returns the next byte, reading more input
// as needed; 0 means the end of the input.
func (br *BundleReader) peekByte() (byte, error) {
	for {
		for br.pos < br.end {
			c := br.buf[br.pos]
			if !isSpace(c) {
				return c, nil
			}
			br.pos++
		}
		more, err := br.fill(br.pos)
		if err != nil {
			return 0, err
		}
		if !more {
			return 0, nil
		}
	}
}

func (br *BundleReader) expectByte(c byte) error {
	got, err := br.peekByte()
	if err != nil {
		return err
	}
	if got != c {
		return br.syntaxError("expected " + strconv.QuoteRune(rune(c)) + ", found " +
			jsonKindNameOrByte(got))
	}
	br.pos++
	return nil
}

func jsonKindNameOrByte(c byte) string {
	if c == 0 {
		return "the end of the input"
	}
	return strconv.QuoteRune(rune(c))
}

// valueBytes returns the JSON value at the current position without
// checking its syntax beyond matching brackets and string quotes, and moves
// past it. The result aliases the buffer, unless owned is true: a value of
// readerSpill bytes or more is gathered in parts and returned in an
// allocation of its own.
func (br *BundleReader) valueBytes() (value []byte, owned bool, err error) {
	if _, err := br.peekByte(); err != nil {
		return nil, false, err
	}
	var v valueScan
	var parts [][]byte
	partsLen := 0
	start := br.pos
	j := start
	finish := func(end int) ([]byte, bool, error) {
		if parts == nil {
			return br.take(start, end), false, nil
		}
		whole := make([]byte, 0, partsLen+end-start)
		for _, part := range parts {
			whole = append(whole, part...)
		}
		br.pos = end
		return append(whole, br.buf[start:end]...), true, nil
	}
	for {
		if end, done := v.scan(br.buf, j, br.end); done {
			return finish(end)
		}
		if parts != nil || br.end-start >= readerSpill {
			parts = append(parts, bytes.Clone(br.buf[start:br.end]))
			partsLen += br.end - start
			start = br.end
			br.pos = start // the parts hold everything before
		}
		scanned := br.end - start
		more, err := br.fill(start)
		if err != nil {
			return nil, false, err
		}
		start = br.pos
		j = start + scanned
		if !more {
			if v.complete(j > start || parts != nil) {
				return finish(j)
			}
			br.pos = j
			return nil, false, br.syntaxError("unexpected end of input inside a value")
		}
	}
}

// valueScan finds the end of a JSON value across buffer refills.
type valueScan struct {
	depth            int
	inString, escape bool
}

// scan looks for the end of the value in buf[from:to]. It returns the index
// just past the value and true, or false when more input is needed.
func (v *valueScan) scan(buf []byte, from, to int) (int, bool) {
	for j := from; j < to; j++ {
		c := buf[j]
		if v.inString {
			switch {
			case v.escape:
				v.escape = false
			case c == '\\':
				v.escape = true
			case c == '"':
				v.inString = false
				if v.depth == 0 {
					return j + 1, true
				}
			default:
				// Jump over the plain bytes that follow, eight at a time.
				if k := skipPlain(buf[:to], j+1); k > j+1 {
					j = k - 1
				}
			}
			continue
		}
		switch c {
		case '"':
			v.inString = true
		case '{', '[':
			v.depth++
		case '}', ']':
			if v.depth == 0 {
				return j, true
			}
			v.depth--
			if v.depth == 0 {
				return j + 1, true
			}
		case ',', ' ', '\t', '\r', '\n':
			if v.depth == 0 {
				return j, true
			}
		}
	}
	return to, false
}

// complete reports whether a value cut by the end of the input is whole: a
// scalar such as a number is, a container or string is not.
func (v *valueScan) complete(started bool) bool {
	return started && v.depth == 0 && !v.inString
}

func (br *BundleReader) take(start, end int) []byte {
	if end == start {
		br.pos = start
		return nil
	}
	br.pos = end
	return br.buf[start:end:end]
}

// readHeader reads the input up to the first element of the objects array.
func (br *BundleReader) readHeader() error {
	c, err := br.peekByte()
	if err != nil {
		return err
	}
	if c == 0xEF && br.end-br.pos >= 3 && string(br.buf[br.pos:br.pos+3]) == "\xEF\xBB\xBF" {
		br.pos += 3 // UTF-8 byte order mark
		if c, err = br.peekByte(); err != nil {
			return err
		}
	}
	switch c {
	case '[':
		br.array = true
		br.pos++
		return nil
	case '{':
		br.pos++
		br.props = map[string]json.RawMessage{}
		found, err := br.readMembers(true)
		br.done = !found
		return err
	}
	return &SyntaxError{Offset: br.offset(), Msg: ErrNotBundle.Error()}
}

// readMembers reads bundle members until the objects array starts (it
// returns true) or the bundle ends (false). first reports whether no member
// has been read yet.
func (br *BundleReader) readMembers(first bool) (bool, error) {
	for {
		c, err := br.peekByte()
		if err != nil {
			return false, err
		}
		switch {
		case c == '}':
			br.pos++
			return false, br.checkBundle()
		case !first && c == ',':
			br.pos++
		case !first:
			return false, br.syntaxError("expected ',' or '}' after a bundle member")
		}
		first = false
		name, err := br.memberName()
		if err != nil {
			return false, err
		}
		if name != "objects" {
			if err := br.bundleMember(name); err != nil {
				return false, err
			}
			continue
		}
		if br.inList {
			return false, br.syntaxError("the bundle has two objects properties")
		}
		if c, err := br.peekByte(); err != nil || c != '[' {
			if err == nil {
				err = br.syntaxError("the objects property of the bundle is not an array")
			}
			return false, err
		}
		br.pos++
		br.inList = true
		return true, nil
	}
}

// memberName reads a member name and the colon after it.
func (br *BundleReader) memberName() (string, error) {
	raw, _, err := br.valueBytes()
	if err != nil {
		return "", err
	}
	s := scanner{data: raw}
	name, err := s.str()
	if err != nil {
		return "", br.syntaxError("expected a member name")
	}
	return name, br.expectByte(':')
}

// bundleMember reads the value of a bundle member other than objects.
func (br *BundleReader) bundleMember(name string) error {
	raw, _, err := br.valueBytes()
	if err != nil {
		return err
	}
	s := scanner{data: raw}
	compact, err := s.appendCompact(nil)
	if err == nil {
		err = s.end()
	}
	if err != nil {
		return &SyntaxError{Offset: br.offset(), Msg: "invalid value of bundle property " +
			strconv.Quote(name)}
	}
	switch name {
	case "type", "id":
		s = scanner{data: compact}
		v, err := s.str()
		if err != nil {
			return &SyntaxError{Offset: br.offset(), Msg: "bundle property " + name +
				" is not a string"}
		}
		if name == "type" {
			br.typ = v
			return br.checkType()
		}
		br.id = v
	default:
		br.props[name] = compact
	}
	return nil
}

func (br *BundleReader) checkType() error {
	if br.typ != TypeBundle {
		return &SyntaxError{Offset: br.offset(), Msg: ErrNotBundle.Error() +
			": its type is " + strconv.Quote(br.typ)}
	}
	return nil
}

// checkBundle runs when the top-level object ends.
func (br *BundleReader) checkBundle() error {
	if br.typ == "" {
		return &SyntaxError{Offset: br.offset(), Msg: ErrNotBundle.Error() +
			": it has no type property"}
	}
	return br.checkType()
}

// nextElement returns the next element of the objects array, or false at
// its end.
func (br *BundleReader) nextElement() (raw []byte, owned, more bool, err error) {
	if br.done {
		return nil, false, false, nil
	}
	c, err := br.peekByte()
	if err != nil {
		return nil, false, false, err
	}
	switch {
	case c == ']':
		br.pos++
		return nil, false, false, nil
	case br.object > 0 && c != ',':
		return nil, false, false, br.syntaxError(
			"expected ',' or ']' after an element of the objects array")
	case br.object > 0:
		br.pos++
		if c, err = br.peekByte(); err != nil {
			return nil, false, false, err
		}
	}
	if c == 0 && br.pos >= br.end {
		return nil, false, false, br.syntaxError("unexpected end of input inside the objects array")
	}
	raw, owned, err = br.valueBytes()
	if err != nil {
		return nil, false, false, err
	}
	if len(raw) == 0 {
		return nil, false, false, br.syntaxError("expected a value in the objects array, found " +
			jsonKindNameOrByte(c))
	}
	return raw, owned, true, nil
}

// readTrailer reads what follows the objects array: the remaining bundle
// members and the end of the input.
func (br *BundleReader) readTrailer() error {
	if !br.array && !br.done {
		if _, err := br.readMembers(false); err != nil {
			return err
		}
	}
	c, err := br.peekByte()
	if err != nil {
		return err
	}
	if c != 0 || br.pos < br.end {
		topLevel := "bundle"
		if br.array {
			topLevel = "array of objects"
		}
		return br.syntaxError("unexpected data after the end of the " + topLevel +
			": the input must contain a single bundle or array of objects")
	}
	return nil
}
