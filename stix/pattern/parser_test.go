package pattern_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opencti-go/sdk/stix/pattern"
)

// shape renders the tree with explicit grouping, to check precedence.
func shape(n pattern.Node) string {
	switch n := n.(type) {
	case *pattern.ObservationComparison:
		return "[" + shape(n.Expr) + "]"
	case *pattern.ObservationGroup:
		return "(" + shape(n.Expr) + ")"
	case *pattern.ComparisonGroup:
		return "(" + shape(n.Expr) + ")"
	case *pattern.ObservationBinary:
		return "{" + shape(n.Left) + " " + n.Op.String() + " " + shape(n.Right) + "}"
	case *pattern.ComparisonBinary:
		return "{" + shape(n.Left) + " " + n.Op.String() + " " + shape(n.Right) + "}"
	case *pattern.QualifiedObservation:
		return "{" + shape(n.Expr) + " " + n.Qualifier.Kind.String() + "}"
	case *pattern.Comparison:
		return n.Path.Steps[0].Key
	}
	return "?"
}

func TestPrecedence(t *testing.T) {
	tests := []struct{ src, want string }{
		{"[a:x=1 OR a:y=1 AND a:z=1]", "[{x OR {y AND z}}]"},
		{"[a:x=1 AND a:y=1 OR a:z=1]", "[{{x AND y} OR z}]"},
		{"[a:x=1 AND (a:y=1 OR a:z=1)]", "[{x AND ({y OR z})}]"},
		{"[a:x=1 AND a:y=1 AND a:z=1]", "[{{x AND y} AND z}]"},
		{"[a:x=1] FOLLOWEDBY [a:y=1] OR [a:z=1]", "{[x] FOLLOWEDBY {[y] OR [z]}}"},
		{"[a:x=1] OR [a:y=1] AND [a:z=1]", "{[x] OR {[y] AND [z]}}"},
		{"[a:x=1] FOLLOWEDBY [a:y=1] REPEATS 5 TIMES", "{[x] FOLLOWEDBY {[y] REPEATS}}"},
		{"([a:x=1] AND [a:y=1]) WITHIN 5 SECONDS", "{({[x] AND [y]}) WITHIN}"},
		{"[a:x=1] REPEATS 2 TIMES WITHIN 5 SECONDS", "{{[x] REPEATS} WITHIN}"},
	}
	for _, tt := range tests {
		p, err := pattern.Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if got := shape(p.Expr); got != tt.want {
			t.Errorf("Parse(%q) shape = %s, want %s", tt.src, got, tt.want)
		}
	}
}

func firstComparison(t *testing.T, src string) *pattern.Comparison {
	t.Helper()
	p, err := pattern.Parse(src)
	if err != nil {
		t.Fatalf("Parse(%q): %v", src, err)
	}
	for c := range p.Comparisons() {
		return c
	}
	t.Fatalf("Parse(%q): no comparison", src)
	return nil
}

func TestLiterals(t *testing.T) {
	c := firstComparison(t, `[a:s = 'it\'s a \\ test']`)
	if c.Value.Kind != pattern.StringLiteral || c.Value.Str != `it's a \ test` {
		t.Errorf("string literal = %v %q", c.Value.Kind, c.Value.Str)
	}
	c = firstComparison(t, "[a:b = b'dGVzdA==']")
	if c.Value.Kind != pattern.BinaryLiteral || string(c.Value.Bytes) != "test" {
		t.Errorf("binary literal = %v %q", c.Value.Kind, c.Value.Bytes)
	}
	c = firstComparison(t, "[a:h = h'ffD8']")
	if c.Value.Kind != pattern.HexLiteral || !bytes.Equal(c.Value.Bytes, []byte{0xff, 0xd8}) {
		t.Errorf("hex literal = %v %x", c.Value.Kind, c.Value.Bytes)
	}
	c = firstComparison(t, "[a:t = t'2024-01-15T12:30:45.123456789Z']")
	want := time.Date(2024, 1, 15, 12, 30, 45, 123456789, time.UTC)
	if c.Value.Kind != pattern.TimestampLiteral || !c.Value.Time.Equal(want) {
		t.Errorf("timestamp literal = %v %v", c.Value.Kind, c.Value.Time)
	}
	c = firstComparison(t, "[a:f >= -0.5]")
	if f, err := c.Value.Float64(); err != nil || f != -0.5 {
		t.Errorf("float literal = %v, %v", f, err)
	}
	c = firstComparison(t, "[a:i != +42]")
	if n, err := c.Value.Int64(); err != nil || n != 42 {
		t.Errorf("int literal = %v, %v", n, err)
	}
	c = firstComparison(t, "[a:b = true]")
	if c.Value.Kind != pattern.BoolLiteral || !c.Value.Bool {
		t.Errorf("bool literal = %v %v", c.Value.Kind, c.Value.Bool)
	}
	c = firstComparison(t, "[a:i NOT IN ()]")
	if c.Op != pattern.In || !c.Negated || c.Set == nil || len(c.Set) != 0 {
		t.Errorf("empty set = %v negated=%v set=%v", c.Op, c.Negated, c.Set)
	}
}

func TestObjectPath(t *testing.T) {
	c := firstComparison(t,
		"[file:extensions.'windows-pebinary-ext'.sections[*].hashes[-1].'a.b' = 'x']")
	p := c.Path
	if p.ObjectType != "file" {
		t.Errorf("object type = %q", p.ObjectType)
	}
	want := "extensions windows-pebinary-ext sections * hashes -1 a.b"
	var got []string
	for _, s := range p.Steps {
		switch s.Kind {
		case pattern.KeyStep:
			got = append(got, s.Key)
		case pattern.AnyIndexStep:
			got = append(got, "*")
		case pattern.IndexStep:
			got = append(got, fmt.Sprint(s.Index))
		}
	}
	if strings.Join(got, " ") != want {
		t.Errorf("steps = %q, want %q", strings.Join(got, " "), want)
	}
	if p.String() != "file:extensions.'windows-pebinary-ext'.sections[*].hashes[-1].'a.b'" {
		t.Errorf("path String() = %s", p.String())
	}
}

func TestExists(t *testing.T) {
	for _, src := range []string{"[EXISTS a:b]", "[NOT EXISTS a:b.c]"} {
		c := firstComparison(t, src)
		if c.Op != pattern.Exists || c.Value != nil {
			t.Errorf("%q: op %v value %v", src, c.Op, c.Value)
		}
		if c.Negated != strings.HasPrefix(src, "[NOT") {
			t.Errorf("%q: negated = %v", src, c.Negated)
		}
	}
}

func TestCommentsAndSpace(t *testing.T) {
	src := "/* head */ [a:b\u00a0=\u3000 1 // tail\n]"
	if _, err := pattern.Parse(src); err != nil {
		t.Errorf("Parse(%q): %v", src, err)
	}
}

func TestErrorOffsets(t *testing.T) {
	tests := []struct {
		src    string
		offset int
		msg    string
	}{
		{"[file:size = ]", 13, "expected a constant"},
		{"[file.size = 1]", 5, "expected ':'"},
		{"[a:b = 'x\\n']", 9, "invalid escape"},
		{"[a:b = 007]", 7, "leading zeros"},
		{"[a:b = 1] WITHIN -5 SECONDS", 17, "positive number"},
		{"[a:b = 1] REPEATS 1.5 TIMES", 18, "positive integer"},
		{"[a:b = 1] within 2 seconds", 10, "unexpected \"within\""},
		{"[a:b = t'2024-02-30T25:00:00Z']", 7, "invalid timestamp"},
		{"[a:b = b'abc']", 7, "invalid binary"},
		{"[a:b = h'abc']", 7, "invalid hex"},
		{"[a:b > true]", 7, "other than a boolean"},
		{"[a:b LIKE 1]", 10, "string literal after LIKE"},
		{"[a:b = 'x'", 10, "expected ']'"},
		{"[a:b = 1] #", 10, "invalid character '#'"},
		{"[a:b-c = 1]", 3, "property name"},
		{"[a:b = 'open", 7, "unterminated string"},
		{"[a:b = 1] /* x", 10, "unterminated /*"},
		{"[a:hashes.MD5 = 'abc']", 16, "not a valid MD5 hash"},
		{"[a:b = 1] WITHIN 1 SECONDS WITHIN 2 SECONDS", 27, "duplicate WITHIN"},
		{"[a:b = 1] START t'2024-01-02T00:00:00Z' STOP t'2024-01-01T00:00:00Z'", 45,
			"STOP t'2024-01-01T00:00:00Z' is not later than START t'2024-01-02T00:00:00Z'"},
	}
	for _, tt := range tests {
		_, err := pattern.Parse(tt.src)
		var perr *pattern.Error
		if !errors.As(err, &perr) {
			t.Errorf("Parse(%q) error = %v, want a *pattern.Error", tt.src, err)
			continue
		}
		if perr.Offset != tt.offset {
			t.Errorf("Parse(%q) offset = %d, want %d (%v)", tt.src, perr.Offset, tt.offset, err)
		}
		if !strings.Contains(perr.Msg, tt.msg) {
			t.Errorf("Parse(%q) message = %q, want it to contain %q", tt.src, perr.Msg, tt.msg)
		}
	}
}

func TestStartStopOrder(t *testing.T) {
	tests := []struct {
		name, start, stop string
		valid             bool
	}{
		{"stop later", "2024-01-01T00:00:00Z", "2024-01-01T00:00:01Z", true},
		{"stop earlier", "2024-01-01T00:00:01Z", "2024-01-01T00:00:00Z", false},
		{"equal", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z", false},
		{"equal with fractions", "2024-01-01T00:00:00.5Z", "2024-01-01T00:00:00.500Z", false},
		{"later by a millisecond", "2024-01-01T00:00:00.123Z", "2024-01-01T00:00:00.124Z", true},
		{"later below a nanosecond", "2024-01-01T00:00:00.0000000001Z",
			"2024-01-01T00:00:00.0000000002Z", true},
		{"earlier below a nanosecond", "2024-01-01T00:00:00.00000000025Z",
			"2024-01-01T00:00:00.0000000002Z", false},
		{"equal below a nanosecond", "2024-01-01T00:00:00.00000000010Z",
			"2024-01-01T00:00:00.0000000001Z", false},
		{"leap second then next minute", "2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stop := "t'" + tt.stop + "'"
			src := "[a:b = 1] START t'" + tt.start + "' STOP " + stop
			_, err := pattern.Parse(src)
			if tt.valid {
				if err != nil {
					t.Errorf("Parse(%q): %v", src, err)
				}
				return
			}
			var perr *pattern.Error
			if !errors.As(err, &perr) {
				t.Fatalf("Parse(%q) error = %v, want a *pattern.Error", src, err)
			}
			if want := strings.LastIndex(src, stop); perr.Offset != want {
				t.Errorf("Parse(%q) offset = %d, want %d", src, perr.Offset, want)
			}
			if want := "not later than START"; !strings.Contains(perr.Msg, want) {
				t.Errorf("Parse(%q) message = %q, want it to contain %q", src, perr.Msg, want)
			}
		})
	}
}

// TestStartStopOrderInGroup checks the order of a START/STOP qualifier on a
// parenthesised group, next to a valid one on a bracketed expression.
func TestStartStopOrderInGroup(t *testing.T) {
	src := "([a:b = 1] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z' " +
		"AND [c:d = 2]) START t'2021-01-01T00:00:00Z' STOP t'2020-01-01T00:00:00Z'"
	_, err := pattern.Parse(src)
	var perr *pattern.Error
	if !errors.As(err, &perr) {
		t.Fatalf("Parse(%q) error = %v, want a *pattern.Error", src, err)
	}
	if want := strings.LastIndex(src, "t'2020"); perr.Offset != want {
		t.Errorf("offset = %d, want %d (%v)", perr.Offset, want, err)
	}
	if got := strings.Count(err.Error(), "not later than START"); got != 1 {
		t.Errorf("%d START/STOP errors, want 1: %v", got, err)
	}
}

func TestDeepNesting(t *testing.T) {
	src := strings.Repeat("(", 5000) + "[a:b=1]" + strings.Repeat(")", 5000)
	if _, err := pattern.Parse(src); err == nil {
		t.Error("Parse of 5000 nested groups succeeded, want a nesting error")
	}
	src = strings.Repeat("(", 50) + "[a:b=1]" + strings.Repeat(")", 50)
	if _, err := pattern.Parse(src); err != nil {
		t.Errorf("Parse of 50 nested groups: %v", err)
	}
}

// A long chain of qualifiers is checked in time linear in its length. The
// parser builds such a chain without a nesting limit, and a quadratic check
// let a 3 MB indicator pattern take minutes. The 200,000 qualifiers below
// take under a second on a 2-vCPU machine, so the deadline only catches a
// return of the quadratic walk.
func TestLongQualifierChain(t *testing.T) {
	const n = 200_000
	src := "[a:b = 1]" + strings.Repeat(" WITHIN 5 SECONDS REPEATS 2 TIMES", n/2)
	done := make(chan error, 1)
	go func() {
		_, err := pattern.Parse(src)
		done <- err
	}()
	var err error
	select {
	case err = <-done:
	case <-time.After(60 * time.Second):
		t.Fatalf("Parse of %d qualifiers still running after 60 s", n)
	}
	var perr *pattern.Error
	if !errors.As(err, &perr) || !strings.Contains(perr.Msg, "duplicate") {
		t.Fatalf("Parse of %d qualifiers: err = %.200v, want duplicate qualifiers", n, err)
	}
	// Every qualifier but the two innermost repeats a kind below it.
	if got := strings.Count(err.Error(), "duplicate"); got != n-2 {
		t.Errorf("%d duplicate qualifier errors, want %d", got, n-2)
	}
}

func TestStringRoundTrip(t *testing.T) {
	srcs := []string{
		"[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
		"([a:b = 1] AND [c:d NOT LIKE 'x%']) WITHIN 5.5 SECONDS OR [e:f IN (1, 'a', true)]",
		"[x:'odd name'[0].v ISSUBSET '10.0.0.0/8'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'",
		"[NOT EXISTS a:'AND'.b]",
	}
	for _, src := range srcs {
		p, err := pattern.Parse(src)
		if err != nil {
			t.Fatalf("Parse(%q): %v", src, err)
		}
		text := p.String()
		q, err := pattern.Parse(text)
		if err != nil {
			t.Fatalf("Parse(String()) = Parse(%q): %v", text, err)
		}
		if q.String() != text || shape(q.Expr) != shape(p.Expr) {
			t.Errorf("round trip of %q changed it: %q", src, q.String())
		}
	}
}

func ExampleParse() {
	p, err := pattern.Parse(
		"[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] REPEATS 2 TIMES")
	if err != nil {
		fmt.Println(err)
		return
	}
	for c := range p.Comparisons() {
		fmt.Println(c.Path.ObjectType, c.Path.String(), c.Op, c.Value.Str)
	}
	_, err = pattern.Parse("[file:size = ]")
	fmt.Println(err)
	// Output:
	// file file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f
	// pattern offset 13: unexpected "]", expected a constant
}
