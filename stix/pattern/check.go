package pattern

import (
	"strconv"
	"strings"
)

// hashRule describes the values allowed for one hash algorithm.
type hashRule struct {
	hexLen int // exact number of hex digits; 0 for SSDEEP
}

// hashRules is keyed by the algorithm name in upper case with quotes, hyphens
// and underscores removed, so that SHA-256, sha256 and 'SHA-256' match.
var hashRules = map[string]hashRule{
	"MD5": {32}, "SHA1": {40}, "RIPEMD160": {40}, "SHA224": {56}, "SHA3224": {56},
	"SHA256": {64}, "SHA3256": {64}, "SHA384": {96}, "SHA3384": {96}, "SHA512": {128},
	"SHA3512": {128}, "WHIRLPOOL": {128}, "SSDEEP": {0},
}

// check runs the checks beyond the grammar and returns one error per problem.
func check(p *Pattern) []error {
	var errs []error
	// Inspect visits a chain of qualifiers from the outside in, so the
	// base observation found at the top of a chain serves every node below
	// it. Looking it up at each node would take time quadratic in the
	// length of the chain.
	var next *QualifiedObservation
	simple := false
	Inspect(p.Expr, func(n Node) bool {
		switch n := n.(type) {
		case *QualifiedObservation:
			if n != next {
				_, simple = baseObservation(n).(*ObservationComparison)
			}
			next, _ = n.Expr.(*QualifiedObservation)
			if err := duplicateQualifier(n, simple); err != nil {
				errs = append(errs, err)
			}
			if err := checkStartStop(n.Qualifier); err != nil {
				errs = append(errs, err)
			}
		case *Comparison:
			errs = append(errs, checkHash(n)...)
		}
		return true
	})
	return errs
}

// duplicateQualifier reports a qualifier kind used twice on one bracketed
// observation expression. Like the reference validator, it lets a
// parenthesised group carry a qualifier that its members already have.
// simple reports whether the chain of qualifiers ends at a bracketed
// observation expression rather than a group.
func duplicateQualifier(q *QualifiedObservation, simple bool) error {
	inner, ok := q.Expr.(*QualifiedObservation)
	if !ok {
		return nil
	}
	seen := map[QualifierKind]bool{q.Qualifier.Kind: true}
	for {
		if seen[inner.Qualifier.Kind] {
			if simple {
				return &Error{Offset: q.Qualifier.Start, Msg: "duplicate " +
					q.Qualifier.Kind.String() + " qualifier on one observation expression"}
			}
			return nil
		}
		seen[inner.Qualifier.Kind] = true
		next, ok := inner.Expr.(*QualifiedObservation)
		if !ok {
			return nil
		}
		inner = next
	}
}

// checkStartStop reports a START/STOP qualifier whose STOP time is not
// later than its START time, which STIX 2.1 forbids although the grammar
// accepts it. The error points at the STOP timestamp.
func checkStartStop(q Qualifier) error {
	if q.Kind != StartStop || timestampAfter(q.To, q.From) {
		return nil
	}
	return &Error{Offset: q.To.Start, Msg: "STOP " + q.To.Raw + " is not later than START " +
		q.From.Raw + ": write a STOP time after the START time"}
}

// timestampAfter reports whether timestamp literal a is later than b.
// Literal.Time keeps nanoseconds only, so the fraction digits after the
// ninth decide between two equal times.
func timestampAfter(a, b Literal) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.After(b.Time)
	}
	return subNanosecondDigits(a.Raw) > subNanosecondDigits(b.Raw)
}

// subNanosecondDigits returns the fraction digits of a timestamp literal
// after the ninth, without trailing zeros, so that comparing two results as
// strings orders them by value.
func subNanosecondDigits(raw string) string {
	dot := strings.IndexByte(raw, '.')
	if dot < 0 {
		return ""
	}
	digits := raw[dot+1 : len(raw)-len("Z'")]
	if len(digits) <= 9 {
		return ""
	}
	return strings.TrimRight(digits[9:], "0")
}

func baseObservation(e ObservationExpr) ObservationExpr {
	for {
		q, ok := e.(*QualifiedObservation)
		if !ok {
			return e
		}
		e = q.Expr
	}
}

// checkHash checks string values compared with `…hashes.<algorithm>` against
// the length and alphabet of that algorithm. Unknown algorithms and `[*]` are
// not checked.
func checkHash(c *Comparison) []error {
	steps := c.Path.Steps
	n := len(steps)
	if n < 2 || steps[n-2].Kind != KeyStep || steps[n-2].Key != "hashes" ||
		steps[n-1].Kind != KeyStep {
		return nil
	}
	algo := steps[n-1].Key
	rule, ok := hashRules[normalizeAlgorithm(algo)]
	if !ok {
		return nil
	}
	values := c.Set
	if c.Value != nil {
		values = []Literal{*c.Value}
	}
	if c.Op != Equal && c.Op != NotEqual && c.Op != In {
		return nil
	}
	var errs []error
	for _, v := range values {
		if v.Kind == StringLiteral && !rule.accepts(v.Str) {
			errs = append(errs, &Error{Offset: v.Start, Msg: "value " + v.Raw +
				" is not a valid " + algo + " hash: " + rule.describe()})
		}
	}
	return errs
}

func normalizeAlgorithm(name string) string {
	return strings.ToUpper(strings.NewReplacer("-", "", "_", "", "'", "").Replace(name))
}

func (r hashRule) accepts(v string) bool {
	if r.hexLen == 0 {
		if len(v) < 1 || len(v) > 128 {
			return false
		}
		for i := 0; i < len(v); i++ {
			c := v[i]
			if !isBase64Char(c) && c != ':' && c != '.' {
				return false
			}
		}
		return true
	}
	if len(v) != r.hexLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !isDigit(c) && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

func (r hashRule) describe() string {
	if r.hexLen == 0 {
		return "expected 1 to 128 characters of A-Z a-z 0-9 / + : ."
	}
	return "expected " + strconv.Itoa(r.hexLen) + " hex digits"
}
