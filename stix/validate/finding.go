package validate

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Severity is the weight of a finding: a broken MUST rule of the
// specification (SeverityError), a broken SHOULD rule (SeverityWarning), or
// information only (SeverityInfo).
type Severity int

// Severities, from the least to the most severe. SeverityInfo findings never
// make content invalid, not even in strict mode.
const (
	SeverityInfo Severity = iota + 1
	SeverityWarning
	SeverityError
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return "Severity(" + strconv.Itoa(int(s)) + ")"
}

// MarshalText encodes the severity as its String form.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Finding is one problem found in a STIX object or bundle.
type Finding struct {
	// ObjectID is the id of the object concerned, or "" when it has none.
	ObjectID string `json:"object_id,omitempty"`
	// Index is the position of the object in its bundle or list, or -1 for an
	// object validated alone and for findings about the bundle envelope.
	Index int `json:"index"`
	// Pointer is the RFC 6901 JSON pointer of the value concerned, relative
	// to the object ("" for the whole object).
	Pointer string `json:"pointer"`
	// Rule names the rule that was broken, such as "schema",
	// "timestamp-order" or "custom-prefix". Rules lists them all.
	Rule string `json:"rule"`
	// Severity is SeverityError for MUST rules and SeverityWarning for
	// SHOULD rules. A validator built WithStrict reports SHOULD findings as
	// errors too. SeverityInfo marks a STIX 2.0 object.
	Severity Severity `json:"severity"`
	// Message states what is wrong and, where it helps, what to write instead.
	Message string `json:"message"`
	// Err is the underlying error, if any: a *SchemaError for the schema rule,
	// a *pattern.Error for the pattern rule, nil otherwise.
	Err error `json:"-"`
}

// String formats the finding on one line.
func (f Finding) String() string {
	var sb strings.Builder
	sb.WriteString(f.Severity.String())
	if f.ObjectID != "" {
		sb.WriteString(" " + shortenText(f.ObjectID, maxIDBytes))
	} else if f.Index >= 0 {
		sb.WriteString(" object " + strconv.Itoa(f.Index))
	}
	if f.Pointer != "" {
		sb.WriteString(" " + f.Pointer)
	}
	sb.WriteString(" [" + f.Rule + "]: " + f.Message)
	return sb.String()
}

// HasErrors reports whether any finding has SeverityError.
func HasErrors(findings []Finding) bool {
	for _, f := range findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Err returns a *Error holding the findings when at least one of them is an
// error, and nil otherwise.
func Err(findings []Finding) error {
	if !HasErrors(findings) {
		return nil
	}
	return &Error{Findings: findings}
}

// Error is returned for content that breaks at least one MUST rule (or any
// rule, in strict mode). It unwraps to the Err of each error finding, so
// errors.As reaches a *SchemaError or *pattern.Error.
type Error struct {
	Findings []Finding
}

// Error summarises the first error finding and counts the others.
func (e *Error) Error() string {
	n := 0
	first := ""
	for _, f := range e.Findings {
		if f.Severity == SeverityError {
			if n == 0 {
				first = f.String()
			}
			n++
		}
	}
	if n == 1 {
		return "invalid STIX content: " + first
	}
	return "invalid STIX content: " + first + " (and " + strconv.Itoa(n-1) + " more errors)"
}

// Unwrap returns the underlying errors of the error findings.
func (e *Error) Unwrap() []error {
	var errs []error
	for _, f := range e.Findings {
		if f.Severity == SeverityError && f.Err != nil {
			errs = append(errs, f.Err)
		}
	}
	return errs
}

// SchemaError is one failed JSON Schema keyword. It keeps the location and
// unwraps to the *jsonschema.ValidationError reported by the schema library.
type SchemaError struct {
	// Pointer is the JSON pointer of the failing value within the object.
	Pointer string
	// Keyword is the failing keyword's path within its schema, such as
	// "required" or "properties/created/format".
	Keyword string
	// SchemaURL is the absolute location of the failing schema.
	SchemaURL string
	// Err is the schema library's error for this keyword.
	Err *jsonschema.ValidationError
}

// Error names the keyword, the location and the reason.
func (e *SchemaError) Error() string {
	return "schema keyword " + e.Keyword + " failed at " + pointerOrRoot(e.Pointer) + ": " +
		localize(e.Err)
}

// Unwrap returns the schema library's error.
func (e *SchemaError) Unwrap() error { return e.Err }

var printer = message.NewPrinter(language.English)

func localize(e *jsonschema.ValidationError) string {
	return e.ErrorKind.LocalizedString(printer)
}

func pointerOrRoot(p string) string {
	if p == "" {
		return "the object"
	}
	return p
}

// pointer builds an RFC 6901 JSON pointer from path tokens.
func pointer(tokens ...string) string {
	if len(tokens) == 1 && !strings.ContainsAny(tokens[0], "~/") {
		return "/" + tokens[0]
	}
	var sb strings.Builder
	for _, t := range tokens {
		sb.WriteByte('/')
		if strings.ContainsAny(t, "~/") {
			t = strings.NewReplacer("~", "~0", "/", "~1").Replace(t)
		}
		sb.WriteString(t)
	}
	return sb.String()
}

// Limits for text taken from the input, so that one huge value does not
// flood a report: messages and, in String, object ids.
const (
	maxMessageBytes = 1000
	maxIDBytes      = 200
)

// shortenText returns s unchanged when it has at most limit bytes.
// Otherwise it keeps the start and the end of s, where a message names the
// rule and the fix, and replaces the middle with a note of how many bytes
// were left out.
func shortenText(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	head := limit / 2
	tail := limit / 4
	for head > 0 && !utf8.RuneStart(s[head]) {
		head--
	}
	start := len(s) - tail
	for start < len(s) && !utf8.RuneStart(s[start]) {
		start++
	}
	return s[:head] + "…[" + strconv.Itoa(start-head) + " bytes left out]…" + s[start:]
}
