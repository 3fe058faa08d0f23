// Package gen holds the OpenCTI operations that genqlient generates from
// schema.graphql, genqlient.yaml and pycti/operations/*.graphql, plus the few
// hand-written types that genqlient.yaml binds to.
//
// The package is internal because generated types change whenever an
// operation changes: package pycti converts them to its own plain types, and
// only packages below pycti (the export engine, the test platform) may use
// them directly. The bound types live here, not in pycti, because the
// generated code must import them and pycti imports this package.
//
// generated.go is written by `go generate ./...` (see pycti/doc.go); do not
// edit it.
package gen
