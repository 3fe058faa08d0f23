package pattern

import (
	"iter"
	"strconv"
	"strings"
)

// Inspect traverses the tree rooted at n in depth-first order, calling f for
// each node before its children. When f returns false, the children of that
// node are skipped.
func Inspect(n Node, f func(Node) bool) {
	if n == nil || !f(n) {
		return
	}
	switch n := n.(type) {
	case *ObservationComparison:
		Inspect(n.Expr, f)
	case *ObservationGroup:
		Inspect(n.Expr, f)
	case *ObservationBinary:
		Inspect(n.Left, f)
		Inspect(n.Right, f)
	case *QualifiedObservation:
		Inspect(n.Expr, f)
	case *ComparisonGroup:
		Inspect(n.Expr, f)
	case *ComparisonBinary:
		Inspect(n.Left, f)
		Inspect(n.Right, f)
	}
}

// Comparisons yields every comparison of the pattern in source order.
func (p *Pattern) Comparisons() iter.Seq[*Comparison] {
	return func(yield func(*Comparison) bool) {
		stop := false
		Inspect(p.Expr, func(n Node) bool {
			if stop {
				return false
			}
			if c, ok := n.(*Comparison); ok && !yield(c) {
				stop = true
			}
			return !stop
		})
	}
}

// String returns the pattern in a normal form: single spaces between tokens,
// parentheses only where the source had them, and keys quoted only when they
// need it. Parsing the result gives an equal tree.
func (p *Pattern) String() string {
	var sb strings.Builder
	writeNode(&sb, p.Expr)
	return sb.String()
}

func writeNode(sb *strings.Builder, n Node) {
	switch n := n.(type) {
	case *ObservationComparison:
		sb.WriteByte('[')
		writeNode(sb, n.Expr)
		sb.WriteByte(']')
	case *ObservationGroup:
		sb.WriteByte('(')
		writeNode(sb, n.Expr)
		sb.WriteByte(')')
	case *ComparisonGroup:
		sb.WriteByte('(')
		writeNode(sb, n.Expr)
		sb.WriteByte(')')
	case *ObservationBinary:
		writeNode(sb, n.Left)
		sb.WriteString(" " + n.Op.String() + " ")
		writeNode(sb, n.Right)
	case *ComparisonBinary:
		writeNode(sb, n.Left)
		sb.WriteString(" " + n.Op.String() + " ")
		writeNode(sb, n.Right)
	case *QualifiedObservation:
		writeNode(sb, n.Expr)
		sb.WriteByte(' ')
		sb.WriteString(n.Qualifier.String())
	case *Comparison:
		sb.WriteString(n.String())
	}
}

// String returns the comparison as pattern text.
func (c *Comparison) String() string {
	var sb strings.Builder
	if c.Op == Exists {
		if c.Negated {
			sb.WriteString("NOT ")
		}
		sb.WriteString("EXISTS " + c.Path.String())
		return sb.String()
	}
	sb.WriteString(c.Path.String())
	if c.Negated {
		sb.WriteString(" NOT")
	}
	sb.WriteString(" " + c.Op.String() + " ")
	if c.Op != In {
		sb.WriteString(c.Value.Raw)
		return sb.String()
	}
	sb.WriteByte('(')
	for i, v := range c.Set {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(v.Raw)
	}
	sb.WriteByte(')')
	return sb.String()
}

// String returns the path as pattern text.
func (op ObjectPath) String() string {
	var sb strings.Builder
	sb.WriteString(op.ObjectType)
	sb.WriteByte(':')
	for i, s := range op.Steps {
		switch s.Kind {
		case KeyStep:
			if i > 0 {
				sb.WriteByte('.')
			}
			if s.Quoted && !isPlainKey(s.Key) {
				sb.WriteString(QuoteString(s.Key))
			} else {
				sb.WriteString(s.Key)
			}
		case IndexStep:
			sb.WriteString("[" + strconv.Itoa(s.Index) + "]")
		case AnyIndexStep:
			sb.WriteString("[*]")
		}
	}
	return sb.String()
}

// isPlainKey reports whether key can be written without quotes: an
// identifier without hyphens that is not a keyword or boolean.
func isPlainKey(key string) bool {
	if key == "" || !isIdentStart(key[0]) || keywords[key] || key == "true" ||
		key == "false" {
		return false
	}
	for i := 1; i < len(key); i++ {
		if !isIdentStart(key[i]) && !isDigit(key[i]) {
			return false
		}
	}
	return true
}

// QuoteString returns s as a pattern string literal, escaping quotes and
// backslashes.
func QuoteString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// String returns the qualifier as pattern text.
func (q Qualifier) String() string {
	switch q.Kind {
	case Within:
		return "WITHIN " + q.Value.Raw + " SECONDS"
	case Repeats:
		return "REPEATS " + q.Value.Raw + " TIMES"
	case StartStop:
		return "START " + q.From.Raw + " STOP " + q.To.Raw
	}
	return ""
}
