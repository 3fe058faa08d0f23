// Package validate checks STIX 2.1 content: each object against a JSON
// Schema for its type, then against the semantic rules of the
// specification that a schema cannot express.
//
// Bundle and Object check content with the default rules. For options such
// as WithStrict, build a Validator with New once and reuse it. Findings are
// not errors: Err returns an error only when at least one finding has
// SeverityError.
//
// # Findings
//
// Every problem is a Finding with the object id, a JSON pointer into the
// object, a rule name, a severity and a message. Breaking a MUST of the
// specification is an error; breaking a SHOULD is a warning, or an error
// with WithStrict. Objects that are STIX 2.0 (spec_version 2.0, or an SDO
// without spec_version) get one informational finding and only the checks
// that hold in both versions. Err turns findings into an error that
// unwraps to the underlying *SchemaError (and so to the schema library's
// *jsonschema.ValidationError) or *pattern.Error.
//
// # Schemas
//
// The built-in schemas, one per STIX 2.1 type, were written for this
// package from the specification and are embedded in the binary. They use
// JSON Schema draft 2020-12 and formats implemented in Go (stix-identifier,
// stix-timestamp, …), and they are compiled once per process with
// github.com/santhosh-tekuri/jsonschema/v6. WithSchemas replaces them with
// another set, such as the OASIS schemas, and WithExtraSchemas adds user
// schemas per type or per extension definition.
//
// # Rules
//
// Rules lists every rule. Besides the schema they cover: calendar-valid
// timestamps and their order at full precision (modified >= created and
// the other pairs), id prefixes and UUID versions, custom type, property
// and extension names and the use of extension definitions, open
// vocabularies (warnings) and enumerations (errors), reserved property
// names, reference target types, granular marking selectors, TLP marking
// definitions, STIX patterns (parsed with package stix/pattern), language
// tags, character sets and media types, the deterministic ids of SCOs
// (RuleDeterministicID, a warning naming the expected id), and, in a
// Session, duplicate ids with conflicting content and unresolved
// references. SHOULD rules carry the check codes of the OASIS reference
// validator where it has the rule, so WithEnable and WithDisable accept
// "101" as well as "custom-prefix". WithInterop adds the stricter profile of
// the STIX 2.1 interoperability test documents, which is not part of STIX
// 2.1, under rules of their own.
//
// # Streaming
//
// A Session validates the objects of one bundle one at a time, as an
// exporter writes them, and returns each object's findings at once; Finish
// returns the findings that need the whole bundle. ValidateBundle reads a
// bundle from an io.Reader through stix.BundleReader, with memory bounded by
// the largest object; malformed JSON is a finding of rule json, and only a
// failed read or a done context is an error.
//
// A Validator is safe for concurrent use; a Session is not.
package validate
