package stix

import (
	"encoding/binary"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// scanner reads one JSON document held in memory. It is the tokenizer behind
// every decoder of this package: it never allocates except for unescaped
// strings and compacted raw values.
type scanner struct {
	data []byte
	pos  int
	// alias lets decoded strings share memory with data instead of being
	// copied. It is set only when data is never modified afterwards.
	alias bool
	// depth is the number of arrays and objects open at the current
	// position.
	depth int
}

// maxDepth bounds the nesting of arrays and objects, at the limit of
// encoding/json, because the decoders recurse once per level and deeper
// input would exhaust the goroutine stack, which kills the process.
const maxDepth = 10000

// SyntaxError is a JSON syntax error at a byte offset of the input.
type SyntaxError struct {
	Offset int64  // byte offset of the error in the input
	Msg    string // description of the error
}

// Error gives the offset and the problem.
func (e *SyntaxError) Error() string {
	return "invalid JSON at offset " + strconv.FormatInt(e.Offset, 10) + ": " + e.Msg
}

func (s *scanner) fail(msg string) error {
	return &SyntaxError{Offset: int64(s.pos), Msg: msg}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t'
}

func (s *scanner) skipSpace() {
	for s.pos < len(s.data) && isSpace(s.data[s.pos]) {
		s.pos++
	}
}

// peek returns the next non-space byte without consuming it, or 0 at the end.
func (s *scanner) peek() byte {
	s.skipSpace()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		if s.pos >= len(s.data) {
			return s.fail("unexpected end of input, expected " + strconv.QuoteRune(rune(c)))
		}
		return s.fail("expected " + strconv.QuoteRune(rune(c)) + ", found " +
			strconv.QuoteRune(rune(s.data[s.pos])))
	}
	s.pos++
	return nil
}

// end reports an error unless only white space remains.
func (s *scanner) end() error {
	if s.skipSpace(); s.pos < len(s.data) {
		return s.fail("unexpected data after the JSON value")
	}
	return nil
}

// objectFields calls fn for each member of the object starting at the current
// position, with the member name unescaped. fn must consume the member value.
func (s *scanner) objectFields(fn func(name []byte) error) error {
	return s.eachMember(s.stringBytes, fn)
}

// members is objectFields for callers that need no member names: fn gets
// each name as written, with its quotes and escapes.
func (s *scanner) members(fn func(rawName []byte) error) error {
	return s.eachMember(s.rawString, fn)
}

// rawString checks the string at the current position and returns it as
// written, quotes included.
func (s *scanner) rawString() ([]byte, error) {
	s.skipSpace()
	start := s.pos
	err := s.skipString()
	return s.data[start:s.pos], err
}

// enter records the opening of an array or object and fails past maxDepth.
// The caller decrements s.depth when the value ends.
func (s *scanner) enter() error {
	if s.depth++; s.depth > maxDepth {
		return s.fail("arrays and objects nested deeper than " + strconv.Itoa(maxDepth) +
			" levels")
	}
	return nil
}

// eachMember walks the object at the current position, reading each member
// name with readName.
func (s *scanner) eachMember(readName func() ([]byte, error), fn func([]byte) error) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	err := s.enter()
	if err == nil {
		err = s.memberList(readName, fn)
	}
	s.depth--
	return err
}

// memberList is eachMember after the opening brace.
func (s *scanner) memberList(readName func() ([]byte, error), fn func([]byte) error) error {
	if s.peek() == '}' {
		s.pos++
		return nil
	}
	for {
		name, err := readName()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := fn(name); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or '}' after an object member")
		}
	}
}

// arrayItems calls fn for each element of the array at the current position.
// fn must consume the element.
func (s *scanner) arrayItems(fn func() error) error {
	if err := s.expect('['); err != nil {
		return err
	}
	err := s.enter()
	if err == nil {
		err = s.itemList(fn)
	}
	s.depth--
	return err
}

// itemList is arrayItems after the opening bracket.
func (s *scanner) itemList(fn func() error) error {
	if s.peek() == ']' {
		s.pos++
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return nil
		default:
			return s.fail("expected ',' or ']' after an array element")
		}
	}
}

// stringStop marks the bytes that end the fast scan of a string: the
// closing quote, a backslash, control characters and non-ASCII bytes.
var stringStop = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf
	}
	return t
}()

// skipPlain returns the index of the first byte at or after i that ends the
// plain part of a string (see stringStop), testing eight bytes at a time.
// Near the end of data, where fewer than eight bytes remain, it may return
// an earlier index, which the caller's byte loop then continues from.
func skipPlain(data []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(data); i += 8 {
		w := binary.LittleEndian.Uint64(data[i:])
		quote := w ^ (ones * '"')
		backslash := w ^ (ones * '\\')
		// A byte is zero in quote or backslash, below 0x20, or has its high
		// bit set exactly when the expression below has its high bit.
		found := (quote - ones) &^ quote
		found |= (backslash - ones) &^ backslash
		found |= (w - ones*0x20) &^ w
		found |= w
		if found&highs != 0 {
			for end := i + 8; i < end && !stringStop[data[i]]; i++ {
			}
			return i
		}
	}
	return i
}

// stringBytes reads a JSON string and returns its unescaped content. The
// result aliases the input when the string holds no escape sequence, so the
// caller must copy it before keeping it.
func (s *scanner) stringBytes() ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.fail("expected a string")
	}
	s.pos++
	start := s.pos
	nonASCII := false
	data := s.data
	for i := s.pos; i < len(data); i++ {
		i = skipPlain(data, i)
		if i >= len(data) {
			break
		}
		c := data[i]
		if !stringStop[c] {
			continue
		}
		switch {
		case c == '"':
			out := data[start:i]
			if nonASCII && !utf8.Valid(out) {
				return nil, s.invalidUTF8(start)
			}
			s.pos = i + 1
			return out, nil
		case c == '\\':
			s.pos = i
			if nonASCII && !utf8.Valid(data[start:i]) {
				return nil, s.invalidUTF8(start)
			}
			return s.unescape(start)
		case c < 0x20:
			s.pos = i
			return nil, s.fail("control character in string")
		default:
			nonASCII = true
		}
	}
	s.pos = len(data)
	return nil, s.fail("unterminated string")
}

// invalidUTF8 reports the first invalid UTF-8 sequence of the string that
// starts at start.
func (s *scanner) invalidUTF8(start int) error {
	for s.pos = start; s.pos < len(s.data); {
		r, size := utf8.DecodeRune(s.data[s.pos:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		s.pos += size
	}
	return s.fail("invalid UTF-8 in string")
}

// skipString checks the JSON string at the current position and moves past
// it without unescaping it.
func (s *scanner) skipString() error {
	if s.peek() != '"' {
		return s.fail("expected a string")
	}
	start := s.pos + 1
	nonASCII := false
	data := s.data
	for i := start; i < len(data); i++ {
		i = skipPlain(data, i)
		if i >= len(data) {
			break
		}
		switch c := data[i]; {
		case !stringStop[c]:
		case c == '"':
			if nonASCII && !utf8.Valid(data[start:i]) {
				return s.invalidUTF8(start)
			}
			s.pos = i + 1
			return nil
		case c == '\\':
			s.pos = i
			if err := s.skipEscape(); err != nil {
				return err
			}
			i = s.pos - 1
		case c < 0x20:
			s.pos = i
			return s.fail("control character in string")
		default:
			nonASCII = true
		}
	}
	s.pos = len(data)
	return s.fail("unterminated string")
}

// skipEscape checks the escape sequence at the current position and moves
// past it.
func (s *scanner) skipEscape() error {
	if s.pos+1 < len(s.data) {
		switch s.data[s.pos+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			s.pos += 2
			return nil
		case 'u':
			s.pos += 2
			if _, ok := s.hex4(); ok {
				return nil
			}
			s.pos -= 2
		}
	}
	return s.fail("invalid escape sequence")
}

// str reads a JSON string into a Go string.
func (s *scanner) str() (string, error) {
	b, err := s.stringBytes()
	return s.toString(b), err
}

// toString converts bytes returned by stringBytes to a string, sharing their
// memory in alias mode. The bytes are then either part of data, which the
// caller guarantees is never modified, or a fresh unescaped copy.
func (s *scanner) toString(b []byte) string {
	if s.alias && len(b) > 0 {
		return unsafe.String(&b[0], len(b))
	}
	return string(b)
}

func (s *scanner) unescape(start int) ([]byte, error) {
	out := make([]byte, 0, s.pos-start+16)
	out = append(out, s.data[start:s.pos]...)
	for s.pos < len(s.data) {
		run := skipPlain(s.data, s.pos)
		for run < len(s.data) && !stringStop[s.data[run]] {
			run++
		}
		out = append(out, s.data[s.pos:run]...)
		s.pos = run
		if run == len(s.data) {
			break
		}
		c := s.data[run]
		switch {
		case c == '"':
			s.pos++
			return out, nil
		case c == '\\':
			var err error
			if out, err = s.escape(out); err != nil {
				return nil, err
			}
		case c < 0x20:
			return nil, s.fail("control character in string")
		default:
			r, size := utf8.DecodeRune(s.data[s.pos:])
			if r == utf8.RuneError && size == 1 {
				return nil, s.fail("invalid UTF-8 in string")
			}
			out = append(out, s.data[s.pos:s.pos+size]...)
			s.pos += size
		}
	}
	return nil, s.fail("unterminated string")
}

// escape decodes the escape sequence at the current position onto out.
func (s *scanner) escape(out []byte) ([]byte, error) {
	if s.pos+1 >= len(s.data) {
		return nil, s.fail("unterminated escape sequence")
	}
	c := s.data[s.pos+1]
	s.pos += 2
	switch c {
	case '"', '\\', '/':
		return append(out, c), nil
	case 'b':
		return append(out, '\b'), nil
	case 'f':
		return append(out, '\f'), nil
	case 'n':
		return append(out, '\n'), nil
	case 'r':
		return append(out, '\r'), nil
	case 't':
		return append(out, '\t'), nil
	case 'u':
		r, ok := s.hex4()
		if !ok {
			return nil, s.fail("invalid \\u escape")
		}
		if utf16.IsSurrogate(r) {
			r = s.lowSurrogate(r)
		}
		return utf8.AppendRune(out, r), nil
	}
	s.pos -= 2
	return nil, s.fail("invalid escape sequence")
}

// lowSurrogate combines the high surrogate hi with a following \u escape, or
// returns U+FFFD when no valid low surrogate follows.
func (s *scanner) lowSurrogate(hi rune) rune {
	if s.pos+1 < len(s.data) && s.data[s.pos] == '\\' && s.data[s.pos+1] == 'u' {
		save := s.pos
		s.pos += 2
		lo, ok := s.hex4()
		if ok {
			if r := utf16.DecodeRune(hi, lo); r != utf8.RuneError {
				return r
			}
		}
		s.pos = save
	}
	return utf8.RuneError
}

func (s *scanner) hex4() (rune, bool) {
	if s.pos+4 > len(s.data) {
		return 0, false
	}
	var r rune
	for _, c := range s.data[s.pos : s.pos+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	s.pos += 4
	return r, true
}

// number reads a JSON number and returns its literal text.
func (s *scanner) number() ([]byte, error) {
	s.skipSpace()
	start := s.pos
	if s.pos < len(s.data) && s.data[s.pos] == '-' {
		s.pos++
	}
	if s.pos >= len(s.data) {
		return nil, s.fail("expected a number")
	}
	switch c := s.data[s.pos]; {
	case c == '0':
		s.pos++
	case '1' <= c && c <= '9':
		s.digits()
	default:
		return nil, s.fail("expected a number")
	}
	if s.pos < len(s.data) && s.data[s.pos] == '.' {
		s.pos++
		if s.digits() == 0 {
			return nil, s.fail("expected a digit after the decimal point")
		}
	}
	if s.pos < len(s.data) && (s.data[s.pos] == 'e' || s.data[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.data) && (s.data[s.pos] == '+' || s.data[s.pos] == '-') {
			s.pos++
		}
		if s.digits() == 0 {
			return nil, s.fail("expected a digit in the exponent")
		}
	}
	return s.data[start:s.pos], nil
}

func (s *scanner) digits() int {
	n := 0
	for s.pos < len(s.data) && '0' <= s.data[s.pos] && s.data[s.pos] <= '9' {
		s.pos++
		n++
	}
	return n
}

func (s *scanner) literal(word string) error {
	if len(s.data)-s.pos < len(word) || string(s.data[s.pos:s.pos+len(word)]) != word {
		return s.fail("invalid literal, expected " + word)
	}
	s.pos += len(word)
	return nil
}

// boolean reads true or false.
func (s *scanner) boolean() (bool, error) {
	switch s.peek() {
	case 't':
		return true, s.literal("true")
	case 'f':
		return false, s.literal("false")
	}
	return false, s.fail("expected true or false")
}

// appendCompact validates the value at the current position and appends it to
// dst without insignificant white space. Strings are copied as written.
func (s *scanner) appendCompact(dst []byte) ([]byte, error) {
	switch c := s.peek(); {
	case c == '{':
		dst = append(dst, '{')
		n := 0
		err := s.members(func(rawName []byte) error {
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = append(dst, rawName...)
			dst = append(dst, ':')
			var err error
			dst, err = s.appendCompact(dst)
			return err
		})
		return append(dst, '}'), err
	case c == '[':
		return s.appendArray(dst, s.appendCompact)
	case c == '"':
		start := s.pos
		if err := s.skipString(); err != nil {
			return dst, err
		}
		return append(dst, s.data[start:s.pos]...), nil
	case c == 't':
		return append(dst, "true"...), s.literal("true")
	case c == 'f':
		return append(dst, "false"...), s.literal("false")
	case c == 'n':
		return append(dst, "null"...), s.literal("null")
	case c == '-' || ('0' <= c && c <= '9'):
		num, err := s.number()
		return append(dst, num...), err
	case c == 0:
		return dst, s.fail("unexpected end of input, expected a value")
	}
	return dst, s.fail("invalid character " + strconv.QuoteRune(rune(s.data[s.pos])) +
		" at the start of a value")
}

// appendArray appends the array at the current position, with each
// element written by elem.
func (s *scanner) appendArray(dst []byte, elem func([]byte) ([]byte, error)) ([]byte, error) {
	dst = append(dst, '[')
	n := 0
	err := s.arrayItems(func() error {
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		var err error
		dst, err = elem(dst)
		return err
	})
	return append(dst, ']'), err
}

// countItems returns the number of elements of the array at the current
// position, for sizing the slice that receives them. It counts the commas
// outside strings and nested values without checking the syntax, which the
// decoding that follows does, and does not move the scanner.
func (s *scanner) countItems() int {
	data := s.data
	i := s.pos
	if i >= len(data) || data[i] != '[' {
		return 0
	}
	depth, items, inString, empty := 0, 1, false, true
	for i++; i < len(data); i++ {
		c := data[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
			continue
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			if depth == 0 {
				if empty {
					return 0
				}
				return items
			}
			depth--
		case c == ',' && depth == 0:
			items++
		case isSpace(c):
			continue
		}
		empty = false
	}
	return 0
}

// skip validates and skips the value at the current position.
func (s *scanner) skip() error {
	switch c := s.peek(); {
	case c == '{':
		return s.members(func([]byte) error { return s.skip() })
	case c == '[':
		return s.arrayItems(s.skip)
	case c == '"':
		return s.skipString()
	default:
		_, err := s.appendCompact(nil)
		return err
	}
}
