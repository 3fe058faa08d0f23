package validate

import (
	"strconv"
	"testing"
)

func TestJoinQuotedMatchesStrconv(t *testing.T) {
	for _, s := range []string{"", "x_acme_score", "a b~", `say "hi"`, `back\slash`,
		"tab\there", "é", "\x7f", "\xff", "line\nbreak", "\u2028"} {
		want := "custom property " + strconv.Quote(s) + " is unused"
		if got := joinQuoted("custom property ", s, " is unused"); got != want {
			t.Errorf("joinQuoted(%q) = %s, want %s", s, got, want)
		}
	}
}
