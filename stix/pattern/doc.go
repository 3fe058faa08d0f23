// Package pattern parses STIX 2.1 patterns, the detection language of
// indicators with pattern_type "stix".
//
// Parse turns pattern text into a syntax tree of observation expressions
// (joined by AND, OR and FOLLOWEDBY, qualified by WITHIN, REPEATS and
// START/STOP) and comparison expressions (object paths compared with =, !=,
// <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET or EXISTS, each
// optionally negated with NOT). Constants keep their source text and their
// decoded value: strings with \' and \\ escapes, integers, floats, booleans,
// b'…' base64, h'…' hex and t'…' timestamps.
//
// The parser is a hand-written lexer and recursive-descent parser that
// accepts the same language as the OASIS STIXPattern grammar, comments
// included. Every error is a *Error carrying the byte offset of the problem.
// Parse also applies the two checks of the OASIS pattern validator that go
// beyond the grammar: hash values must fit their algorithm, and one
// bracketed observation expression takes at most one qualifier of each kind.
// Beyond those, Parse rejects a START/STOP qualifier whose STOP time is not
// later than its START time, as STIX 2.1 requires.
// Checks on object types and property names belong to package
// stix/validate.
package pattern
