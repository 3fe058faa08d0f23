package pattern_test

import (
	"fmt"

	"github.com/opencti-go/sdk/stix/pattern"
)

// ExampleInspect walks a parsed pattern and prints each qualifier and each
// comparison with the byte range it covers in the source.
func ExampleInspect() {
	p, err := pattern.Parse("([domain-name:value = 'beacon.saltmarsh.example'] " +
		"FOLLOWEDBY [network-traffic:dst_port IN (443, 8443)]) WITHIN 600 SECONDS")
	if err != nil {
		panic(err)
	}
	pattern.Inspect(p.Expr, func(n pattern.Node) bool {
		switch n := n.(type) {
		case *pattern.QualifiedObservation:
			fmt.Println("qualifier:", n.Qualifier)
		case *pattern.Comparison:
			fmt.Printf("%d-%d %s\n", n.Pos(), n.End(), n)
		}
		return true
	})
	// Output:
	// qualifier: WITHIN 600 SECONDS
	// 2-48 domain-name:value = 'beacon.saltmarsh.example'
	// 62-101 network-traffic:dst_port IN (443, 8443)
}
