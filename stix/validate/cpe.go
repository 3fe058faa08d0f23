package validate

import (
	"errors"
	"strings"
)

// checkCPE checks a CPE 2.3 formatted string (NISTIR 7695, section 6.2):
// "cpe:2.3:" then 11 colon-separated attributes, the first of which is the
// part (a, o or h).
func checkCPE(s string) error {
	fields := splitCPE(s)
	if len(fields) != 13 || fields[0] != "cpe" || fields[1] != "2.3" {
		return errors.New("a CPE 2.3 name is cpe:2.3: followed by 11 attributes " +
			"separated by ':'")
	}
	switch fields[2] {
	case "a", "o", "h", "*", "-":
	default:
		return errors.New("the CPE part is a, o, h, * or -")
	}
	for _, f := range fields[3:] {
		if f != "*" && f != "-" && !validCPEValue(f) {
			return errors.New("invalid CPE attribute value " + f)
		}
	}
	return nil
}

// splitCPE splits at colons that are not escaped by a backslash.
func splitCPE(s string) []string {
	var fields []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case ':':
			fields = append(fields, s[start:i])
			start = i + 1
		}
	}
	return append(fields, s[start:])
}

// validCPEValue checks an attribute value: letters, digits, '-', '.', '_'
// and backslash-escaped punctuation, with the wildcards '*' (one, at either
// end) and '?' (any number, at either end).
func validCPEValue(v string) bool {
	body := strings.TrimLeft(v, "?")
	if strings.HasPrefix(body, "*") && len(body) == len(v) {
		body = body[1:]
	}
	trimmed := strings.TrimRight(body, "?")
	if strings.HasSuffix(trimmed, "*") && len(trimmed) == len(body) &&
		!strings.HasSuffix(trimmed, `\*`) {
		trimmed = trimmed[:len(trimmed)-1]
	}
	if trimmed == "" {
		return false
	}
	for i := 0; i < len(trimmed); i++ {
		c := trimmed[i]
		switch {
		case isLower(c) || c >= 'A' && c <= 'Z' || isDigit(c) || c == '-' || c == '.' || c == '_':
		case c == '\\' && i+1 < len(trimmed) && isCPEPunct(trimmed[i+1]):
			i++
		default:
			return false
		}
	}
	return true
}

func isCPEPunct(c byte) bool {
	return c > ' ' && c < 0x7f && !isLower(c) && !(c >= 'A' && c <= 'Z') && !isDigit(c)
}
