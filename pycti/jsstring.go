package pycti

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// The platform normalises id properties with JavaScript's String methods,
// whose rules differ from Go's strings package outside ASCII. JavaScript's
// trim removes U+FEFF but not U+0085. Its toLowerCase maps U+0130 to "i̇"
// and a word-final sigma to "ς", and its toUpperCase maps "ß" to "SS".
// These helpers follow JavaScript, with golang.org/x/text/cases for the
// full Unicode case mappings.

// jsTrim removes what String.prototype.trim removes: white space (tab,
// vertical tab, form feed, space, no-break space, U+FEFF and the Zs
// category) and line terminators (LF, CR, U+2028, U+2029).
func jsTrim(s string) string {
	return strings.TrimFunc(s, isJSSpace)
}

func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xA0, 0xFEFF, 0x2028, 0x2029:
		return true
	}
	return r > utf8.RuneSelf && unicode.Is(unicode.Zs, r)
}

// jsLower is String.prototype.toLowerCase.
func jsLower(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	return cases.Lower(language.Und).String(s)
}

// jsUpper is String.prototype.toUpperCase.
func jsUpper(s string) string {
	if isASCII(s) {
		return strings.ToUpper(s)
	}
	return cases.Upper(language.Und).String(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
