// Package sdk is the root of the opencti-go module. It embeds schema.graphql,
// the part of the OpenCTI GraphQL schema that the SDK's operations use, so
// that pycti/pyctitest and tests can validate requests against it.
//
// The packages a program imports are below it:
//
//   - stix, stix/pattern and stix/validate: STIX 2.1 objects and bundles,
//     the pattern language and a validator. They do not use OpenCTI.
//   - pycti: the OpenCTI GraphQL client.
//   - pycti/export: the export engine of the export-file-stix connector.
//   - pycti/stixconv: OpenCTI entities in the Python connector's STIX dialect.
//   - pycti/pyctitest: an in-memory platform for tests and demos.
//   - connector, connector/split and connector/stream: the connector
//     framework over RabbitMQ, bundle splitting and the live stream.
//
// The commands are cmd/export-file-stix and cmd/stix-validate.
package sdk

import _ "embed"

// SchemaGraphQL is the SDL text of schema.graphql. It targets OpenCTI
// 7.260817.0, with type, field and argument names and types exactly as the
// platform declares them.
//
//go:embed schema.graphql
var SchemaGraphQL string
