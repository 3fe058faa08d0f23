// Package gqlexec executes GraphQL operations over a schema loaded with
// github.com/vektah/gqlparser/v2. It parses, validates and coerces a request,
// then walks the selection set and calls resolvers that the caller registers
// by type and field name. Fields without a resolver are read from the parent
// value by name, so most object fields need no code.
//
// The executor follows the GraphQL specification for fragments on interfaces
// and unions, aliases, @skip and @include, list and non-null completion, and
// null propagation: a resolver error becomes an entry in "errors" with its
// path, and the field (or its nearest nullable parent) becomes null.
//
// CheckResponse walks a response with the operation's selection set and the
// schema and reports every value whose shape differs from the declared type.
package gqlexec
