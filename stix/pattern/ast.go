package pattern

import (
	"strconv"
	"time"
)

// Pattern is a parsed STIX pattern. Its nodes are immutable once Parse
// returns, so a Pattern is safe for concurrent use by readers.
type Pattern struct {
	// Source is the pattern text that was parsed.
	Source string
	// Expr is the top-level observation expression.
	Expr ObservationExpr
}

// Node is implemented by every syntax tree node. Pos and End are byte
// offsets into Pattern.Source: Pos is the first byte of the node and End the
// byte after its last one.
type Node interface {
	Pos() int
	End() int
}

// ObservationExpr is an expression between observations: a bracketed
// comparison expression, a parenthesised group, a qualified observation, or
// two observation expressions joined by AND, OR or FOLLOWEDBY.
type ObservationExpr interface {
	Node
	observationNode()
}

// ComparisonExpr is an expression inside square brackets: a comparison, a
// parenthesised group, or two comparison expressions joined by AND or OR.
type ComparisonExpr interface {
	Node
	comparisonNode()
}

// BoolOp is the operator joining two expressions.
type BoolOp int

// Operators that join two observation or comparison expressions.
// FollowedBy only joins observation expressions.
const (
	And BoolOp = iota + 1
	Or
	FollowedBy
)

// String returns the keyword of the operator.
func (op BoolOp) String() string {
	switch op {
	case And:
		return "AND"
	case Or:
		return "OR"
	case FollowedBy:
		return "FOLLOWEDBY"
	}
	return "BoolOp(" + strconv.Itoa(int(op)) + ")"
}

// ObservationComparison is an observation expression written as
// `[ comparison-expression ]`.
type ObservationComparison struct {
	Lbrack, Rbrack int
	Expr           ComparisonExpr
}

// ObservationGroup is an observation expression in parentheses.
type ObservationGroup struct {
	Lparen, Rparen int
	Expr           ObservationExpr
}

// ObservationBinary joins two observation expressions with AND, OR or
// FOLLOWEDBY.
type ObservationBinary struct {
	Op          BoolOp
	OpPos       int
	Left, Right ObservationExpr
}

// QualifiedObservation is an observation expression followed by one
// qualifier. Stacked qualifiers nest: the innermost node carries the first
// qualifier written.
type QualifiedObservation struct {
	Expr      ObservationExpr
	Qualifier Qualifier
}

// ComparisonBinary joins two comparison expressions with AND or OR.
type ComparisonBinary struct {
	Op          BoolOp
	OpPos       int
	Left, Right ComparisonExpr
}

// ComparisonGroup is a comparison expression in parentheses.
type ComparisonGroup struct {
	Lparen, Rparen int
	Expr           ComparisonExpr
}

// Operator is a comparison operator.
type Operator int

// Comparison operators. Equal also stands for `==` and NotEqual for `<>`.
const (
	Equal Operator = iota + 1
	NotEqual
	Less
	LessEqual
	Greater
	GreaterEqual
	In
	Like
	Matches
	IsSubset
	IsSuperset
	Exists
)

var operatorText = [...]string{
	Equal: "=", NotEqual: "!=", Less: "<", LessEqual: "<=", Greater: ">",
	GreaterEqual: ">=", In: "IN", Like: "LIKE", Matches: "MATCHES",
	IsSubset: "ISSUBSET", IsSuperset: "ISSUPERSET", Exists: "EXISTS",
}

// String returns the operator as written in a pattern.
func (op Operator) String() string {
	if op > 0 && int(op) < len(operatorText) {
		return operatorText[op]
	}
	return "Operator(" + strconv.Itoa(int(op)) + ")"
}

// Comparison tests one object path: `path [NOT] op value`, `path [NOT] IN
// (set)` or `[NOT] EXISTS path`.
type Comparison struct {
	Start, Stop int
	Path        ObjectPath
	// Negated is true when the operator is preceded by NOT.
	Negated bool
	Op      Operator
	// Value is the right operand; it is nil for In and Exists.
	Value *Literal
	// Set holds the members of an IN set, which may be empty.
	Set []Literal
}

// ObjectPath names a property of an object: `type:property.key[index]`.
type ObjectPath struct {
	Start, Stop int
	// ObjectType is the STIX type before the colon.
	ObjectType string
	// Steps has at least one element: the first property, then each key or
	// index step in order.
	Steps []PathStep
}

// StepKind is the kind of a path step: a key or an index.
type StepKind int

// Kinds of path step.
const (
	// KeyStep selects a property or dictionary key.
	KeyStep StepKind = iota + 1
	// IndexStep selects one list element by Index.
	IndexStep
	// AnyIndexStep is `[*]` and selects every list element.
	AnyIndexStep
)

// PathStep is one component of an object path.
type PathStep struct {
	Kind StepKind
	// Key is the property or dictionary key of a KeyStep, unquoted.
	Key string
	// Quoted is true when the key was written as a string literal.
	Quoted bool
	// Index is the list index of an IndexStep; the grammar admits negative
	// indexes.
	Index int
	Pos   int
}

// QualifierKind names a qualifier.
type QualifierKind int

// Qualifier kinds.
const (
	Within QualifierKind = iota + 1
	Repeats
	StartStop
)

// String returns the keyword that introduces the qualifier.
func (k QualifierKind) String() string {
	switch k {
	case Within:
		return "WITHIN"
	case Repeats:
		return "REPEATS"
	case StartStop:
		return "START"
	}
	return "QualifierKind(" + strconv.Itoa(int(k)) + ")"
}

// Qualifier is `WITHIN n SECONDS`, `REPEATS n TIMES` or `START t'…' STOP
// t'…'`.
type Qualifier struct {
	Kind        QualifierKind
	Start, Stop int
	// Value is the number of seconds (Within) or times (Repeats).
	Value Literal
	// From and To are the START and STOP timestamps.
	From, To Literal
}

// LiteralKind is the type of a constant.
type LiteralKind int

// Constant types.
const (
	IntLiteral LiteralKind = iota + 1
	FloatLiteral
	StringLiteral
	BoolLiteral
	BinaryLiteral
	HexLiteral
	TimestampLiteral
)

var literalKindText = [...]string{
	IntLiteral: "integer", FloatLiteral: "float", StringLiteral: "string",
	BoolLiteral: "boolean", BinaryLiteral: "binary", HexLiteral: "hex",
	TimestampLiteral: "timestamp",
}

// String returns a lower-case name of the kind.
func (k LiteralKind) String() string {
	if k > 0 && int(k) < len(literalKindText) {
		return literalKindText[k]
	}
	return "LiteralKind(" + strconv.Itoa(int(k)) + ")"
}

// Literal is a constant. Raw keeps the source text; the decoded value sits in
// the field for its kind.
type Literal struct {
	Kind        LiteralKind
	Start, Stop int
	// Raw is the literal exactly as written, quotes and prefix included.
	Raw string
	// Str is the unescaped content of a StringLiteral.
	Str string
	// Bool is the value of a BoolLiteral.
	Bool bool
	// Bytes is the decoded content of a BinaryLiteral or HexLiteral.
	Bytes []byte
	// Time is the instant of a TimestampLiteral, in UTC. The grammar does not
	// check calendars, so a date such as February 30 is normalised the way
	// time.Date does it (stix/validate reports such dates).
	Time time.Time
}

// Int64 returns the value of an IntLiteral. It fails for other kinds and for
// values outside the int64 range, which the grammar accepts.
func (l *Literal) Int64() (int64, error) {
	if l.Kind != IntLiteral {
		return 0, &Error{Offset: l.Start, Msg: "literal " + l.Raw + " is not an integer"}
	}
	return strconv.ParseInt(l.Raw, 10, 64)
}

// Float64 returns the value of an IntLiteral or FloatLiteral.
func (l *Literal) Float64() (float64, error) {
	if l.Kind != IntLiteral && l.Kind != FloatLiteral {
		return 0, &Error{Offset: l.Start, Msg: "literal " + l.Raw + " is not a number"}
	}
	return strconv.ParseFloat(l.Raw, 64)
}

// Pos and End implement Node for each node type.

func (n *ObservationComparison) Pos() int { return n.Lbrack }
func (n *ObservationComparison) End() int { return n.Rbrack + 1 }
func (n *ObservationGroup) Pos() int      { return n.Lparen }
func (n *ObservationGroup) End() int      { return n.Rparen + 1 }
func (n *ObservationBinary) Pos() int     { return n.Left.Pos() }
func (n *ObservationBinary) End() int     { return n.Right.End() }
func (n *QualifiedObservation) Pos() int  { return n.Expr.Pos() }
func (n *QualifiedObservation) End() int  { return n.Qualifier.Stop }
func (n *ComparisonBinary) Pos() int      { return n.Left.Pos() }
func (n *ComparisonBinary) End() int      { return n.Right.End() }
func (n *ComparisonGroup) Pos() int       { return n.Lparen }
func (n *ComparisonGroup) End() int       { return n.Rparen + 1 }
func (n *Comparison) Pos() int            { return n.Start }
func (n *Comparison) End() int            { return n.Stop }

func (*ObservationComparison) observationNode() {}
func (*ObservationGroup) observationNode()      {}
func (*ObservationBinary) observationNode()     {}
func (*QualifiedObservation) observationNode()  {}
func (*ComparisonBinary) comparisonNode()       {}
func (*ComparisonGroup) comparisonNode()        {}
func (*Comparison) comparisonNode()             {}
