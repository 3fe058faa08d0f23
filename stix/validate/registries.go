package validate

import (
	"strings"

	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/language"
)

// validLanguageTag reports a well-formed RFC 5646 tag whose subtags are in
// the IANA language subtag registry, as golang.org/x/text v0.14.0 records it.
func validLanguageTag(s string) bool {
	_, err := language.Parse(s)
	return err == nil
}

// validSoftwareLanguage accepts an RFC 5646 tag or an ISO 639-2 code, which
// software.languages also uses.
func validSoftwareLanguage(s string) bool {
	if validLanguageTag(s) {
		return true
	}
	_, err := language.ParseBase(s)
	return err == nil
}

// validCharset reports a character set name or alias registered with IANA.
func validCharset(s string) bool {
	_, err := ianaindex.IANA.Encoding(s)
	if err == nil {
		return true
	}
	// ianaindex reports known names without a Go decoder as unsupported.
	return strings.Contains(err.Error(), "unsupported")
}

// validCountry reports an ISO 3166-1 alpha-2 country code.
func validCountry(s string) bool {
	if len(s) != 2 {
		return false
	}
	r, err := language.ParseRegion(s)
	return err == nil && r.IsCountry() && !r.IsPrivateUse() &&
		strings.EqualFold(r.String(), s)
}

// validMediaType checks the syntax of a media type (RFC 6838, section 4.2)
// and that its top-level type is registered. Subtypes are not looked up in
// the IANA registry.
func validMediaType(s string) bool {
	s, _, _ = strings.Cut(s, ";")
	top, sub, ok := strings.Cut(strings.TrimSpace(s), "/")
	return ok && mediaTopLevelTypes[strings.ToLower(top)] && restrictedName(sub)
}

func restrictedName(s string) bool {
	if s == "" || len(s) > 127 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := isLower(c) || c >= 'A' && c <= 'Z' || isDigit(c)
		if !alnum && (i == 0 || !strings.ContainsRune("!#$&-^_.+", rune(c))) {
			return false
		}
	}
	return true
}

// validServiceName checks the syntax of an IANA service name (RFC 6335,
// section 5.1): 1 to 15 letters, digits and single inner hyphens, with at
// least one letter. Protocol names such as ipv4 or tcp have this form too.
// Registry membership is not checked.
func validServiceName(s string) bool {
	if s == "" || len(s) > 15 || s[0] == '-' || s[len(s)-1] == '-' ||
		strings.Contains(s, "--") {
		return false
	}
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isLower(c) || c >= 'A' && c <= 'Z':
			letter = true
		case isDigit(c) || c == '-':
		default:
			return false
		}
	}
	return letter
}

// validIPFIXName checks the form of an IPFIX information element name
// (RFC 7012, section 2.3): lower camel case, letters and digits.
func validIPFIXName(s string) bool {
	if s == "" || !isLower(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !(c >= 'A' && c <= 'Z') && !isDigit(c) {
			return false
		}
	}
	return true
}
