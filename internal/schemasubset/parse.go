package schemasubset

import (
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

func parseQuery(src *ast.Source) (*ast.QueryDocument, error) {
	doc, err := parser.ParseQuery(src)
	if err != nil {
		return nil, err
	}
	return doc, nil
}
