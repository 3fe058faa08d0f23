// Package stixid computes the deterministic STIX ids that OpenCTI gives to
// the objects it creates: the RFC 8785 canonical JSON of the contributing
// properties, hashed into a UUID version 5 in the STIX namespace.
//
// NOTE: this is a minimal copy for the in-memory platform; it is to be
// replaced by the stix package's canonical JSON and id functions.
package stixid

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/google/uuid"
)

// Namespace is the OASIS STIX namespace of UUID version 5 ids.
var Namespace = uuid.MustParse("00abedb4-aa42-466c-9c01-fed23315a9b7")

// FromProperties returns "<stixType>--<uuid5>" for the canonical JSON of
// props. It returns "" when props is empty, because the platform refuses to
// derive an id from nothing.
func FromProperties(stixType string, props map[string]any) string {
	if len(props) == 0 {
		return ""
	}
	return stixType + "--" + uuid.NewSHA1(Namespace, []byte(Canonical(props))).String()
}

// Random returns "<stixType>--<uuid4>".
func Random(stixType string) string {
	return stixType + "--" + uuid.NewString()
}

// Canonical returns the RFC 8785 serialisation of v, which must be built from
// JSON values: nil, bool, float64 (or an int type), string, []any and
// map[string]any.
func Canonical(v any) string {
	var b strings.Builder
	writeCanonical(&b, v)
	return b.String()
}

func writeCanonical(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case string:
		writeString(b, v)
	case float64:
		b.WriteString(formatNumber(v))
	case int:
		b.WriteString(strconv.Itoa(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case []string:
		b.WriteByte('[')
		for i, s := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, s)
		}
		b.WriteByte(']')
	case []any:
		b.WriteByte('[')
		for i, item := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			writeCanonical(b, item)
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, compareUTF16)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeString(b, k)
			b.WriteByte(':')
			writeCanonical(b, v[k])
		}
		b.WriteByte('}')
	default:
		writeString(b, fmt.Sprint(v))
	}
}

func compareUTF16(a, b string) int {
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	return slices.Compare(ua, ub)
}

func writeString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// formatNumber writes f in the ECMAScript Number.prototype.toString form
// that RFC 8785 requires.
func formatNumber(f float64) string {
	if f == 0 {
		return "0"
	}
	abs := math.Abs(f)
	if abs >= 1e-6 && abs < 1e21 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	mantissa, exp, _ := strings.Cut(s, "e")
	sign := exp[0]
	exp = strings.TrimLeft(exp[1:], "0")
	return mantissa + "e" + string(sign) + exp
}
