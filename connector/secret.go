package connector

import (
	"fmt"
	"log/slog"
)

// Secret is a string that hides itself in logs and formatted output: a
// token or a password. slog, fmt (every verb, including %+v and %#v inside
// structs) and encoding/json all print "[REDACTED]" for a non-empty value
// and "" for an empty one. Use [Secret.Reveal] where the value itself is
// needed.
type Secret string

const redacted = "[REDACTED]"

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String returns "[REDACTED]", or "" when the secret is empty.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns the quoted redacted form, for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// Format prints the redacted form for every verb.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.String())
	case 'v':
		if f.Flag('#') {
			fmt.Fprint(f, s.GoString())
			return
		}
		fmt.Fprint(f, s.String())
	default:
		fmt.Fprint(f, s.String())
	}
}

// LogValue returns the redacted form for slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText returns the redacted form, so JSON and YAML encoders never
// print the secret.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
