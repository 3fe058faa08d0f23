package pattern

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"
)

// tokenKind is the lexical class of a token.
type tokenKind int

const (
	tokEOF tokenKind = iota
	tokIdent
	tokInt
	tokFloat
	tokString
	tokBool
	tokBinary
	tokHex
	tokTimestamp
	tokKeyword
	tokEq
	tokNeq
	tokLt
	tokLe
	tokGt
	tokGe
	tokColon
	tokDot
	tokComma
	tokLparen
	tokRparen
	tokLbrack
	tokRbrack
	tokAsterisk
	// tokOther is a character the grammar defines as a token (+ - ^ /) but no
	// rule uses.
	tokOther
)

type token struct {
	kind tokenKind
	pos  int
	end  int
	text string
	// hyphen is set for identifiers that contain a hyphen; they may name an
	// object type but not a property.
	hyphen bool
	lit    Literal
}

// keywords are upper-case and case-sensitive; LAST is reserved and used by
// no rule.
var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "FOLLOWEDBY": true, "LIKE": true,
	"MATCHES": true, "ISSUPERSET": true, "ISSUBSET": true, "EXISTS": true,
	"LAST": true, "IN": true, "START": true, "STOP": true, "SECONDS": true,
	"WITHIN": true, "REPEATS": true, "TIMES": true,
}

type lexer struct {
	src string
	off int
}

// isSpace reports the white space characters the STIX grammar skips.
func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\r', '\n', '\v', '\f', 0x85, 0xa0, 0x1680, 0x2028, 0x2029,
		0x202f, 0x205f, 0x3000:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isBase64Char(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c) || c == '+' || c == '/'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '-' }

// skip moves past white space and comments.
func (lx *lexer) skip() error {
	for lx.off < len(lx.src) {
		r, size := utf8.DecodeRuneInString(lx.src[lx.off:])
		switch {
		case isSpace(r):
			lx.off += size
		case strings.HasPrefix(lx.src[lx.off:], "/*"):
			end := strings.Index(lx.src[lx.off+2:], "*/")
			if end < 0 {
				return lx.errorf(lx.off, "unterminated /* comment")
			}
			lx.off += 2 + end + 2
		case strings.HasPrefix(lx.src[lx.off:], "//"):
			end := strings.IndexAny(lx.src[lx.off:], "\r\n")
			if end < 0 {
				end = len(lx.src) - lx.off
			}
			lx.off += end
		default:
			return nil
		}
	}
	return nil
}

func (lx *lexer) errorf(off int, msg string) error {
	return &Error{Offset: off, Msg: msg}
}

// next returns the next token.
func (lx *lexer) next() (token, error) {
	if err := lx.skip(); err != nil {
		return token{}, err
	}
	start := lx.off
	if start >= len(lx.src) {
		return token{kind: tokEOF, pos: start, end: start}, nil
	}
	c := lx.src[start]
	switch {
	case c == '\'':
		return lx.lexString(start, start)
	case isIdentStart(c):
		return lx.lexWord(start)
	case isDigit(c) || c == '+' || c == '-' ||
		c == '.' && start+1 < len(lx.src) && isDigit(lx.src[start+1]):
		return lx.lexNumber(start)
	}
	return lx.lexPunct(start)
}

func (lx *lexer) lexPunct(start int) (token, error) {
	two := ""
	if start+2 <= len(lx.src) {
		two = lx.src[start : start+2]
	}
	kind := tokOther
	width := 1
	switch two {
	case "==":
		kind, width = tokEq, 2
	case "!=", "<>":
		kind, width = tokNeq, 2
	case "<=":
		kind, width = tokLe, 2
	case ">=":
		kind, width = tokGe, 2
	}
	if width == 1 {
		switch lx.src[start] {
		case '=':
			kind = tokEq
		case '<':
			kind = tokLt
		case '>':
			kind = tokGt
		case ':':
			kind = tokColon
		case '.':
			kind = tokDot
		case ',':
			kind = tokComma
		case '(':
			kind = tokLparen
		case ')':
			kind = tokRparen
		case '[':
			kind = tokLbrack
		case ']':
			kind = tokRbrack
		case '*':
			kind = tokAsterisk
		case '^', '/':
		default:
			r, _ := utf8.DecodeRuneInString(lx.src[start:])
			return token{}, lx.errorf(start, "invalid character "+quoteRune(r))
		}
	}
	lx.off = start + width
	return token{kind: kind, pos: start, end: lx.off, text: lx.src[start:lx.off]}, nil
}

func quoteRune(r rune) string {
	if r == utf8.RuneError {
		return "(invalid UTF-8)"
	}
	return "'" + string(r) + "'"
}

// lexWord reads an identifier, keyword, boolean, or a literal with a b, h or
// t prefix.
func (lx *lexer) lexWord(start int) (token, error) {
	end := start
	hyphen := false
	for end < len(lx.src) && isIdentChar(lx.src[end]) {
		if lx.src[end] == '-' {
			hyphen = true
		}
		end++
	}
	word := lx.src[start:end]
	if end < len(lx.src) && lx.src[end] == '\'' {
		switch word {
		case "t", "b", "h":
			return lx.lexPrefixed(start, word[0])
		}
	}
	lx.off = end
	tok := token{kind: tokIdent, pos: start, end: end, text: word, hyphen: hyphen}
	switch {
	case keywords[word]:
		tok.kind = tokKeyword
	case word == "true" || word == "false":
		tok.kind = tokBool
		tok.lit = Literal{Kind: BoolLiteral, Start: start, Stop: end, Raw: word,
			Bool: word == "true"}
	}
	return tok, nil
}

// lexString reads a quoted string that starts at quote; litStart is where the
// whole literal starts (before a b, h or t prefix).
func (lx *lexer) lexString(litStart, quote int) (token, error) {
	var sb strings.Builder
	i := quote + 1
	chunk := i
	for {
		if i >= len(lx.src) {
			return token{}, lx.errorf(quote, "unterminated string literal")
		}
		switch lx.src[i] {
		case '\'':
			sb.WriteString(lx.src[chunk:i])
			lx.off = i + 1
			raw := lx.src[litStart:lx.off]
			lit := Literal{Kind: StringLiteral, Start: litStart, Stop: lx.off, Raw: raw,
				Str: sb.String()}
			return token{kind: tokString, pos: litStart, end: lx.off, text: raw, lit: lit}, nil
		case '\\':
			if i+1 >= len(lx.src) || lx.src[i+1] != '\'' && lx.src[i+1] != '\\' {
				return token{}, lx.errorf(i,
					`invalid escape in string literal: only \' and \\ are allowed`)
			}
			sb.WriteString(lx.src[chunk:i])
			sb.WriteByte(lx.src[i+1])
			i += 2
			chunk = i
		default:
			i++
		}
	}
}

// lexPrefixed reads a b'…', h'…' or t'…' literal.
func (lx *lexer) lexPrefixed(start int, prefix byte) (token, error) {
	tok, err := lx.lexString(start, start+1)
	if err != nil {
		return tok, err
	}
	body := tok.lit.Str
	if strings.ContainsRune(lx.src[start+2:tok.end-1], '\\') {
		return token{}, lx.errorf(start, "invalid character '\\' in "+tok.text)
	}
	switch prefix {
	case 'b':
		tok.kind, tok.lit.Kind = tokBinary, BinaryLiteral
		tok.lit.Bytes, err = decodeBase64(body)
		if err != nil {
			return token{}, lx.errorf(start, "invalid binary literal "+tok.text+
				": write standard base64 with = padding")
		}
	case 'h':
		tok.kind, tok.lit.Kind = tokHex, HexLiteral
		tok.lit.Bytes, err = hex.DecodeString(body)
		if err != nil {
			return token{}, lx.errorf(start, "invalid hex literal "+tok.text+
				": write an even number of hex digits")
		}
	case 't':
		tok.kind, tok.lit.Kind = tokTimestamp, TimestampLiteral
		var ok bool
		tok.lit.Time, ok = parseTimestamp(body)
		if !ok {
			return token{}, lx.errorf(start, "invalid timestamp literal "+tok.text+
				": write t'YYYY-MM-DDTHH:MM:SS[.s+]Z'")
		}
	}
	tok.lit.Str = ""
	return tok, nil
}

// decodeBase64 accepts standard base64 of at least one group, with padding.
func decodeBase64(s string) ([]byte, error) {
	body := strings.TrimRight(s, "=")
	if s == "" || len(s)%4 != 0 || len(s)-len(body) > 2 {
		return nil, base64.CorruptInputError(0)
	}
	for i := 0; i < len(body); i++ {
		if !isBase64Char(body[i]) {
			return nil, base64.CorruptInputError(i)
		}
	}
	return base64.StdEncoding.DecodeString(s)
}

// parseTimestamp checks the shape the grammar gives timestamp literals
// (month 01-12, day 01-31, hour 00-23, minute 00-59, second 00-60, optional
// fraction, Z) without checking the calendar.
func parseTimestamp(s string) (time.Time, bool) {
	const layout = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(layout)+1 || s[len(s)-1] != 'Z' {
		return time.Time{}, false
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] == 'd' && !isDigit(s[i]) || layout[i] != 'd' && layout[i] != s[i] {
			return time.Time{}, false
		}
	}
	frac := s[len(layout) : len(s)-1]
	nanos := 0
	if frac != "" {
		if frac[0] != '.' || len(frac) < 2 {
			return time.Time{}, false
		}
		for i := 1; i < len(frac); i++ {
			if !isDigit(frac[i]) {
				return time.Time{}, false
			}
			if i <= 9 {
				nanos = nanos*10 + int(frac[i]-'0')
			}
		}
		for i := len(frac); i <= 9; i++ {
			nanos *= 10
		}
	}
	num := func(from, to int) int {
		n := 0
		for _, c := range []byte(s[from:to]) {
			n = n*10 + int(c-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec := num(11, 13), num(14, 16), num(17, 19)
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
		sec > 60 {
		return time.Time{}, false
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nanos, time.UTC), true
}

// lexNumber reads an integer or float literal with an optional sign. A lone
// sign is returned as tokOther.
func (lx *lexer) lexNumber(start int) (token, error) {
	i := start
	if lx.src[i] == '+' || lx.src[i] == '-' {
		i++
	}
	digits := i
	for i < len(lx.src) && isDigit(lx.src[i]) {
		i++
	}
	intEnd := i
	if i+1 < len(lx.src) && lx.src[i] == '.' && isDigit(lx.src[i+1]) {
		i += 2
		for i < len(lx.src) && isDigit(lx.src[i]) {
			i++
		}
		lx.off = i
		raw := lx.src[start:i]
		return token{kind: tokFloat, pos: start, end: i, text: raw,
			lit: Literal{Kind: FloatLiteral, Start: start, Stop: i, Raw: raw}}, nil
	}
	if intEnd == digits {
		lx.off = start + 1
		return token{kind: tokOther, pos: start, end: lx.off, text: lx.src[start:lx.off]}, nil
	}
	if lx.src[digits] == '0' && intEnd-digits > 1 {
		return token{}, lx.errorf(start, "invalid integer "+lx.src[start:intEnd]+
			": leading zeros are not allowed")
	}
	lx.off = intEnd
	raw := lx.src[start:intEnd]
	return token{kind: tokInt, pos: start, end: intEnd, text: raw,
		lit: Literal{Kind: IntLiteral, Start: start, Stop: intEnd, Raw: raw}}, nil
}
