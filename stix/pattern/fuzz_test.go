package pattern_test

import (
	"testing"

	"github.com/opencti-go/sdk/stix/pattern"
)

// FuzzParse checks that Parse never panics and that every accepted pattern
// renders to text that parses to the same normal form.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"[file:size = 1280]",
		"([a:b = 1] AND [c:d NOT LIKE 'x%']) WITHIN 5.5 SECONDS OR [e:f IN (1, 'a', true)]",
		"[x:'odd'[0].v ISSUBSET '10.0.0.0/8'] START t'2020-01-01T00:00:00Z' STOP t'2021-01-01T00:00:00Z'",
		"[a:b = b'dGVzdA==' AND a:c = h'ff'] REPEATS 3 TIMES",
		"[NOT EXISTS a:b] /* c */ FOLLOWEDBY [a:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f']",
		`[a:s = 'it\'s \\']`,
		"[a:b = 1] START t'2024-01-01T00:00:00.0000000001Z' STOP t'2024-01-01T00:00:00.00000000015Z'",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		p, err := pattern.Parse(src)
		if err != nil {
			return
		}
		text := p.String()
		q, err := pattern.Parse(text)
		if err != nil {
			t.Fatalf("String() of %q = %q does not parse: %v", src, text, err)
		}
		if q.String() != text {
			t.Fatalf("String() not stable: %q then %q", text, q.String())
		}
	})
}
