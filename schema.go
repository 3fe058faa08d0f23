// Package sdk is the root of the opencti-go module. It embeds schema.graphql,
// the part of the OpenCTI GraphQL schema that the SDK's operations use, so
// that pycti/pyctitest and tests can validate requests against it.
//
// The packages a program imports are below it: stix (STIX 2.1 objects,
// bundles and validation), pycti (the OpenCTI client), connector (the
// connector framework) and pycti/pyctitest (an in-memory platform for tests).
package sdk

import _ "embed"

// SchemaGraphQL is the SDL text of schema.graphql. It targets OpenCTI
// 7.260817.0, with type, field and argument names and types exactly as the
// platform declares them.
//
//go:embed schema.graphql
var SchemaGraphQL string
