package pyctitest

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/opencti-go/sdk/pycti/pyctitest/internal/gqlexec"
)

// maxRootFieldRepeats maps an operation type to the maximum number of times
// one root field may appear in a request, with or without aliases. These
// are the default alias batching limits of OpenCTI 7.260817.0 (setting
// app:graphql:batching_protection).
var maxRootFieldRepeats = map[ast.Operation]int{ast.Query: 2, ast.Mutation: 1}

// checkRootFieldRepeats rejects an operation that names one root field more
// often than the platform allows. Fragments at the root count as if their
// fields were written in place.
//
// NOTE: the platform's error message and code for this case are unknown,
// so the error uses the code of other validation failures.
func checkRootFieldRepeats(op *gqlexec.Operation) *gqlerror.Error {
	limit, ok := maxRootFieldRepeats[op.Definition.Operation]
	if !ok {
		return nil
	}
	counts := map[string]int{}
	var order []string
	countRootFields(op.Document, op.Definition.SelectionSet, counts, &order)
	for _, name := range order {
		if n := counts[name]; n > limit {
			return gqlexec.NewError(gqlexec.CodeValidationFailed, fmt.Sprintf(
				"%s field %q appears %d times in the request, above the maximum of %d: "+
					"split the request or merge the aliases", op.Definition.Operation, name, n, limit),
				map[string]any{"field": name, "count": n, "limit": limit})
		}
	}
	return nil
}

// countRootFields counts the fields of set by name, in first-seen order.
// Validation has already rejected fragment cycles.
func countRootFields(doc *ast.QueryDocument, set ast.SelectionSet, counts map[string]int, order *[]string) {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(sel.Name, "__") {
				continue
			}
			if counts[sel.Name] == 0 {
				*order = append(*order, sel.Name)
			}
			counts[sel.Name]++
		case *ast.InlineFragment:
			countRootFields(doc, sel.SelectionSet, counts, order)
		case *ast.FragmentSpread:
			if frag := doc.Fragments.ForName(sel.Name); frag != nil {
				countRootFields(doc, frag.SelectionSet, counts, order)
			}
		}
	}
}
