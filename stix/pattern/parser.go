package pattern

import (
	"errors"
	"strconv"
	"strings"
)

// Error is a syntax or semantic error in a pattern. Offset is the byte offset
// into the pattern text where the problem starts.
type Error struct {
	Offset int
	Msg    string
}

// Error formats the offset and the message.
func (e *Error) Error() string {
	return "pattern offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// maxDepth bounds the nesting of parentheses and brackets, so that hostile
// input cannot exhaust the stack.
const maxDepth = 1000

// Parse parses a STIX 2.1 pattern and checks it the way the OASIS pattern
// validator does. It checks the syntax of the STIX patterning grammar and
// the length and alphabet of values compared with a `hashes.<algorithm>`
// path. It also allows at most one qualifier of each kind on a bracketed
// observation expression, and it requires the STOP time of a START/STOP
// qualifier to be later than its START time.
//
// On failure it returns a nil Pattern and an error that wraps one *Error per
// problem found: one for a syntax error, one or more for the other checks.
// Parse is safe for concurrent use.
func Parse(src string) (*Pattern, error) {
	p := &parser{lx: lexer{src: src}}
	expr, err := p.parse()
	if err != nil {
		return nil, withBracketHint(src, err)
	}
	pat := &Pattern{Source: src, Expr: expr}
	if errs := check(pat); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return pat, nil
}

// withBracketHint adds a hint when the pattern does not start with '[' after
// optional '(' and white space, the most common mistake.
func withBracketHint(src string, err error) error {
	if startsWithBracket(src) {
		return err
	}
	var perr *Error
	if errors.As(err, &perr) {
		perr.Msg += " (a pattern starts with '[', optionally after '(')"
	}
	return err
}

func startsWithBracket(src string) bool {
	s := strings.TrimLeftFunc(src, func(r rune) bool { return r == '(' || isSpace(r) })
	return strings.HasPrefix(s, "[")
}

type parser struct {
	lx    lexer
	tok   token
	depth int
	// lastEnd is the end offset of the last path step consumed.
	lastEnd int
}

func (p *parser) parse() (ObservationExpr, error) {
	if err := p.advance(); err != nil {
		return nil, err
	}
	expr, err := p.observationExprs()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.unexpected("AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern")
	}
	return expr, nil
}

func (p *parser) advance() error {
	tok, err := p.lx.next()
	if err != nil {
		return err
	}
	p.tok = tok
	return nil
}

func (p *parser) isKeyword(word string) bool {
	return p.tok.kind == tokKeyword && p.tok.text == word
}

func (p *parser) unexpected(want string) error {
	got := "end of pattern"
	if p.tok.kind != tokEOF {
		got = strconv.Quote(p.tok.text)
	}
	return &Error{Offset: p.tok.pos, Msg: "unexpected " + got + ", expected " + want}
}

// expect consumes a token of the given kind and returns its offset.
func (p *parser) expect(kind tokenKind, want string) (int, error) {
	if p.tok.kind != kind {
		return 0, p.unexpected(want)
	}
	pos := p.tok.pos
	return pos, p.advance()
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return &Error{Offset: p.tok.pos, Msg: "nesting deeper than " +
			strconv.Itoa(maxDepth) + " levels"}
	}
	return nil
}

// observationExprs parses FOLLOWEDBY, the loosest operator.
func (p *parser) observationExprs() (ObservationExpr, error) {
	return p.observationBinary(FollowedBy)
}

// observationBinary parses a left-associative chain of op whose operands are
// the next tighter level: FOLLOWEDBY > OR > AND > observation.
func (p *parser) observationBinary(op BoolOp) (ObservationExpr, error) {
	operand := func() (ObservationExpr, error) {
		switch op {
		case FollowedBy:
			return p.observationBinary(Or)
		case Or:
			return p.observationBinary(And)
		}
		return p.observation()
	}
	return chain(p, op, operand, func(l, r ObservationExpr, pos int) ObservationExpr {
		return &ObservationBinary{Op: op, OpPos: pos, Left: l, Right: r}
	})
}

// observation parses `[ … ]` or `( … )` followed by any qualifiers.
func (p *parser) observation() (ObservationExpr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	var expr ObservationExpr
	switch p.tok.kind {
	case tokLbrack:
		lbrack := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		inner, err := p.comparisonBinary(Or)
		if err != nil {
			return nil, err
		}
		rbrack, err := p.expect(tokRbrack, "']', AND or OR")
		if err != nil {
			return nil, err
		}
		expr = &ObservationComparison{Lbrack: lbrack, Rbrack: rbrack, Expr: inner}
	case tokLparen:
		lparen := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		inner, err := p.observationExprs()
		if err != nil {
			return nil, err
		}
		rparen, err := p.expect(tokRparen, "')', AND, OR, FOLLOWEDBY or a qualifier")
		if err != nil {
			return nil, err
		}
		expr = &ObservationGroup{Lparen: lparen, Rparen: rparen, Expr: inner}
	default:
		return nil, p.unexpected("'[' or '('")
	}
	return p.qualifiers(expr)
}

func (p *parser) qualifiers(expr ObservationExpr) (ObservationExpr, error) {
	for {
		var (
			q   Qualifier
			err error
		)
		switch {
		case p.isKeyword("WITHIN"):
			q, err = p.countQualifier(Within, "SECONDS", true)
		case p.isKeyword("REPEATS"):
			q, err = p.countQualifier(Repeats, "TIMES", false)
		case p.isKeyword("START"):
			q, err = p.startStop()
		default:
			return expr, nil
		}
		if err != nil {
			return nil, err
		}
		expr = &QualifiedObservation{Expr: expr, Qualifier: q}
	}
}

// countQualifier parses `WITHIN n SECONDS` or `REPEATS n TIMES`. The grammar
// takes an unsigned or '+'-signed number there, zero included.
func (p *parser) countQualifier(kind QualifierKind, unit string, float bool) (Qualifier, error) {
	q := Qualifier{Kind: kind, Start: p.tok.pos}
	if err := p.advance(); err != nil {
		return q, err
	}
	want := "a positive integer"
	if float {
		want = "a positive number"
	}
	ok := p.tok.kind == tokInt || float && p.tok.kind == tokFloat
	if !ok || strings.HasPrefix(p.tok.text, "-") {
		return q, p.unexpected(want)
	}
	q.Value = p.tok.lit
	if err := p.advance(); err != nil {
		return q, err
	}
	if !p.isKeyword(unit) {
		return q, p.unexpected(unit)
	}
	q.Stop = p.tok.end
	return q, p.advance()
}

func (p *parser) startStop() (Qualifier, error) {
	q := Qualifier{Kind: StartStop, Start: p.tok.pos}
	if err := p.advance(); err != nil {
		return q, err
	}
	if p.tok.kind != tokTimestamp {
		return q, p.unexpected("a timestamp literal t'…'")
	}
	q.From = p.tok.lit
	if err := p.advance(); err != nil {
		return q, err
	}
	if !p.isKeyword("STOP") {
		return q, p.unexpected("STOP")
	}
	if err := p.advance(); err != nil {
		return q, err
	}
	if p.tok.kind != tokTimestamp {
		return q, p.unexpected("a timestamp literal t'…'")
	}
	q.To = p.tok.lit
	q.Stop = p.tok.end
	return q, p.advance()
}

// comparisonBinary parses a left-associative chain inside brackets, where
// AND binds tighter than OR.
func (p *parser) comparisonBinary(op BoolOp) (ComparisonExpr, error) {
	operand := func() (ComparisonExpr, error) {
		if op == Or {
			return p.comparisonBinary(And)
		}
		return p.propTest()
	}
	return chain(p, op, operand, func(l, r ComparisonExpr, pos int) ComparisonExpr {
		return &ComparisonBinary{Op: op, OpPos: pos, Left: l, Right: r}
	})
}

// chain parses `operand (op operand)*` and folds it to the left with join.
func chain[E any](p *parser, op BoolOp, operand func() (E, error),
	join func(left, right E, opPos int) E) (E, error) {
	left, err := operand()
	if err != nil {
		return left, err
	}
	for p.isKeyword(op.String()) {
		opPos := p.tok.pos
		if err := p.advance(); err != nil {
			return left, err
		}
		right, err := operand()
		if err != nil {
			return left, err
		}
		left = join(left, right, opPos)
	}
	return left, nil
}

func (p *parser) propTest() (ComparisonExpr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if p.tok.kind == tokLparen {
		lparen := p.tok.pos
		if err := p.advance(); err != nil {
			return nil, err
		}
		inner, err := p.comparisonBinary(Or)
		if err != nil {
			return nil, err
		}
		rparen, err := p.expect(tokRparen, "')', AND or OR")
		if err != nil {
			return nil, err
		}
		return &ComparisonGroup{Lparen: lparen, Rparen: rparen, Expr: inner}, nil
	}
	cmp := &Comparison{Start: p.tok.pos}
	if p.isKeyword("NOT") || p.isKeyword("EXISTS") {
		return p.exists(cmp)
	}
	path, err := p.objectPath()
	if err != nil {
		return nil, err
	}
	cmp.Path = path
	if p.isKeyword("NOT") {
		cmp.Negated = true
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	if err := p.operatorAndValue(cmp); err != nil {
		return nil, err
	}
	return cmp, nil
}

func (p *parser) exists(cmp *Comparison) (ComparisonExpr, error) {
	if p.isKeyword("NOT") {
		cmp.Negated = true
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.isKeyword("EXISTS") {
			return nil, p.unexpected("EXISTS")
		}
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	path, err := p.objectPath()
	if err != nil {
		return nil, err
	}
	cmp.Op, cmp.Path, cmp.Stop = Exists, path, path.Stop
	return cmp, nil
}

var comparisonOps = map[tokenKind]Operator{
	tokEq: Equal, tokNeq: NotEqual, tokLt: Less, tokLe: LessEqual, tokGt: Greater,
	tokGe: GreaterEqual,
}

var keywordOps = map[string]Operator{
	"IN": In, "LIKE": Like, "MATCHES": Matches, "ISSUBSET": IsSubset,
	"ISSUPERSET": IsSuperset,
}

func (p *parser) operatorAndValue(cmp *Comparison) error {
	op, ok := comparisonOps[p.tok.kind]
	if !ok && p.tok.kind == tokKeyword {
		op, ok = keywordOps[p.tok.text]
	}
	if !ok {
		return p.unexpected("a comparison operator")
	}
	cmp.Op = op
	if err := p.advance(); err != nil {
		return err
	}
	if op == In {
		return p.set(cmp)
	}
	lit, err := p.literal(op)
	if err != nil {
		return err
	}
	cmp.Value = &lit
	cmp.Stop = lit.Stop
	return nil
}

// literal parses the right operand of op: any constant for = and !=, no
// boolean for the ordering operators, a string for the others.
func (p *parser) literal(op Operator) (Literal, error) {
	kind := p.tok.kind
	switch op {
	case Like, Matches, IsSubset, IsSuperset:
		if kind != tokString {
			return Literal{}, p.unexpected("a string literal after " + op.String())
		}
	case Less, LessEqual, Greater, GreaterEqual:
		if !isConstant(kind) || kind == tokBool {
			return Literal{}, p.unexpected("a constant other than a boolean")
		}
	default:
		if !isConstant(kind) {
			return Literal{}, p.unexpected("a constant")
		}
	}
	lit := p.tok.lit
	return lit, p.advance()
}

func isConstant(kind tokenKind) bool {
	switch kind {
	case tokInt, tokFloat, tokString, tokBool, tokBinary, tokHex, tokTimestamp:
		return true
	}
	return false
}

// set parses `( c1, c2, … )`; the grammar allows the empty set.
func (p *parser) set(cmp *Comparison) error {
	if _, err := p.expect(tokLparen, "'(' after IN"); err != nil {
		return err
	}
	cmp.Set = []Literal{}
	for p.tok.kind != tokRparen {
		if len(cmp.Set) > 0 {
			if _, err := p.expect(tokComma, "',' or ')'"); err != nil {
				return err
			}
		}
		lit, err := p.literal(Equal)
		if err != nil {
			return err
		}
		cmp.Set = append(cmp.Set, lit)
	}
	cmp.Stop = p.tok.end
	return p.advance()
}

// objectPath parses `type:first` followed by `.key`, `.'key'`, `[n]` or `[*]`
// steps.
func (p *parser) objectPath() (ObjectPath, error) {
	path := ObjectPath{Start: p.tok.pos}
	if p.tok.kind != tokIdent {
		return path, p.unexpected("an object path such as file:name")
	}
	path.ObjectType = p.tok.text
	if err := p.advance(); err != nil {
		return path, err
	}
	if _, err := p.expect(tokColon, "':' between object type and property"); err != nil {
		return path, err
	}
	step, err := p.keyStep()
	if err != nil {
		return path, err
	}
	path.Steps = append(path.Steps, step)
	for {
		path.Stop = p.lastEnd
		switch p.tok.kind {
		case tokDot:
			if err := p.advance(); err != nil {
				return path, err
			}
			step, err = p.keyStep()
		case tokLbrack:
			step, err = p.indexStep()
		default:
			return path, nil
		}
		if err != nil {
			return path, err
		}
		path.Steps = append(path.Steps, step)
	}
}

func (p *parser) keyStep() (PathStep, error) {
	step := PathStep{Kind: KeyStep, Pos: p.tok.pos}
	switch {
	case p.tok.kind == tokIdent && !p.tok.hyphen:
		step.Key = p.tok.text
	case p.tok.kind == tokString:
		step.Key, step.Quoted = p.tok.lit.Str, true
	default:
		return step, p.unexpected("a property name (quote names with '-' or '.')")
	}
	p.lastEnd = p.tok.end
	return step, p.advance()
}

func (p *parser) indexStep() (PathStep, error) {
	step := PathStep{Pos: p.tok.pos}
	if err := p.advance(); err != nil {
		return step, err
	}
	switch p.tok.kind {
	case tokAsterisk:
		step.Kind = AnyIndexStep
	case tokInt:
		n, err := strconv.Atoi(p.tok.text)
		if err != nil {
			return step, &Error{Offset: p.tok.pos, Msg: "list index " + p.tok.text +
				" is out of range"}
		}
		step.Kind, step.Index = IndexStep, n
	default:
		return step, p.unexpected("a list index or '*'")
	}
	if err := p.advance(); err != nil {
		return step, err
	}
	if p.tok.kind != tokRbrack {
		return step, p.unexpected("']'")
	}
	p.lastEnd = p.tok.end
	return step, p.advance()
}
