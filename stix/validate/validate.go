package validate

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/opencti-go/sdk/stix/validate/internal/jsonvalue"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Validator checks STIX 2.1 objects against JSON Schemas and the semantic
// rules of the specification. Build one with New and reuse it: the schemas
// are compiled once. A Validator is safe for concurrent use.
type Validator struct {
	schemas *schemaSet
	extra   *schemaSet
	active  map[string]bool
	strict  bool
	// strictTypes and strictProperties reject custom types and properties.
	strictTypes      bool
	strictProperties bool
	enforceRefs      bool
	interop          bool
}

type config struct {
	schemas          fs.FS
	extra            fs.FS
	strict           bool
	strictTypes      bool
	strictProperties bool
	enforceRefs      bool
	interop          bool
	enabled          []string
	disabled         []string
}

// Option configures a Validator.
type Option func(*config)

// WithStrict makes every finding an error, warnings included. Default: off.
func WithStrict() Option { return func(c *config) { c.strict = true } }

// WithSchemas replaces the built-in schemas with the .json files of fsys,
// each named after the STIX type it checks (indicator.json, file.json, …).
// The set must include core.json and cyber-observable-core.json, the
// schemas for custom SDO/SRO and SCO types. Files are registered under
// their $id, so relative $ref values resolve as their authors meant. The
// OASIS schema folder schemas/ has this layout; do not pass its interop/
// folder along, because its files reuse the type names.
func WithSchemas(fsys fs.FS) Option { return func(c *config) { c.schemas = fsys } }

// WithExtraSchemas adds a layer of user schemas from fsys: an object is also
// checked against <type>.json, and against <extension-definition id>.json
// for each key of its extensions dictionary, when such a file exists.
// Failures are reported under the custom-schema rule.
func WithExtraSchemas(fsys fs.FS) Option { return func(c *config) { c.extra = fsys } }

// WithStrictTypes reports objects of custom types, and custom object types
// in patterns, as errors under the strict-types rule. Default: off.
func WithStrictTypes() Option { return func(c *config) { c.strictTypes = true } }

// WithStrictProperties reports properties that the specification does not
// define for the type, and such properties in patterns, as errors under the
// strict-properties rule. Default: off.
func WithStrictProperties() Option { return func(c *config) { c.strictProperties = true } }

// WithEnforceRefs reports, at the end of a bundle, every reference in a
// relationship, sighting or container that names an id not present in the
// bundle (rule unresolved-ref). Default: off, because a bundle may refer to
// objects the consumer already has.
func WithEnforceRefs() Option { return func(c *config) { c.enforceRefs = true } }

// WithInterop adds the profile of the STIX 2.1 interoperability test
// documents (OASIS), which is stricter than STIX 2.1 and not part of it.
// The 19 SDO and SRO types the profile covers, which exclude identity and
// incident, need created_by_ref and some type-specific properties (rule
// interop-required), and their object_marking_refs may list only one of
// the four TLP 1.0 markings (rule interop-tlp). In a bundle, each
// created_by_ref must name an identity of the same bundle that has
// created_by_ref too (rule interop-producer). Single objects and arrays of
// objects get only the per-object rules, as in the OASIS reference
// validator's --interop mode. Default: off.
func WithInterop() Option { return func(c *config) { c.interop = true } }

// WithEnable runs only the named SHOULD rules (plus every MUST rule) when
// no rule is disabled, or adds them back when some are. Names are rule
// names, reference validator check codes such as "101", or the groups
// format-checks (1), approved-values (2), all-vocabs (210) and
// all-external-sources (270).
func WithEnable(rules ...string) Option {
	return func(c *config) { c.enabled = append(c.enabled, rules...) }
}

// WithDisable turns the named rules off. Names are as for WithEnable; MUST
// rules may be disabled too.
func WithDisable(rules ...string) Option {
	return func(c *config) { c.disabled = append(c.disabled, rules...) }
}

// New builds a Validator. It fails when a schema set does not compile or a
// rule name is unknown.
func New(opts ...Option) (*Validator, error) {
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}
	active, err := activeRules(cfg.enabled, cfg.disabled)
	if err != nil {
		return nil, err
	}
	v := &Validator{active: active, strict: cfg.strict, strictTypes: cfg.strictTypes,
		strictProperties: cfg.strictProperties, enforceRefs: cfg.enforceRefs,
		interop: cfg.interop}
	if cfg.schemas == nil {
		v.schemas, err = builtinSet()
	} else {
		v.schemas, err = compileSchemas(cfg.schemas, true)
	}
	if err != nil {
		return nil, fmt.Errorf("load schemas: %w", err)
	}
	if cfg.extra != nil {
		v.extra, err = compileSchemas(cfg.extra, false)
		if err != nil {
			return nil, fmt.Errorf("load extra schemas: %w", err)
		}
	}
	return v, nil
}

var (
	builtinOnce     sync.Once
	compiledBuiltin *schemaSet
	builtinErr      error
	defaultOnce     sync.Once
	defaultV        *Validator
	defaultErr      error
)

// builtinSet compiles the embedded schemas once per process.
func builtinSet() (*schemaSet, error) {
	builtinOnce.Do(func() {
		compiledBuiltin, builtinErr = compileSchemas(builtinSchemas, true)
	})
	return compiledBuiltin, builtinErr
}

// Default returns a process-wide Validator with default options.
func Default() *Validator {
	defaultOnce.Do(func() { defaultV, defaultErr = New() })
	if defaultErr != nil {
		// The embedded schemas are tested; failing here means a broken build.
		panic("validate: built-in schemas do not compile: " + defaultErr.Error())
	}
	return defaultV
}

// ValidateObject checks one STIX object given as JSON and returns its
// findings; it returns nil for a valid object with nothing to report. It
// checks the object alone: rules about the whole bundle need a Session.
func (v *Validator) ValidateObject(raw []byte) []Finding {
	return v.checkRaw(raw, -1, nil)
}

// ValidateValue is like ValidateObject for an object already decoded with
// json.Decoder.UseNumber (numbers as json.Number).
func (v *Validator) ValidateValue(obj map[string]any) []Finding {
	return v.checkObject(obj, -1, nil)
}

// Object checks one object given as JSON with the Default Validator and
// returns its findings, or nil when there is nothing to report.
func Object(raw []byte) []Finding { return Default().ValidateObject(raw) }

// decodeObject decodes exactly one JSON object, keeping numbers exact as
// json.Number. keys may be nil.
func decodeObject(raw []byte, keys *jsonvalue.KeyCache) (map[string]any, []jsonvalue.DuplicateKey, error) {
	v, dups, err := decodeJSON(raw, keys)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid JSON: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("a STIX object is a JSON object, not %s", jsonKind(v))
	}
	return obj, dups, nil
}

// duplicateKeyFindings reports each key that an object repeats. JSON
// parsers differ on which of the values they keep (encoding/json and
// Python's json keep the last), so the data is ambiguous, and I-JSON
// (RFC 7493) forbids it. Offsets count bytes from the start of the part
// of the input that scope names, such as "the object".
func duplicateKeyFindings(idx int, scope string, dups []jsonvalue.DuplicateKey) []Finding {
	var out []Finding
	for _, dup := range dups {
		f := Finding{Index: idx, Rule: RuleJSON, Severity: SeverityError,
			Message: "duplicate key " + strconv.Quote(shortenText(dup.Key, maxIDBytes)) + " at byte " +
				strconv.Itoa(dup.Offset) + " of " + scope + ": parsers disagree on which value counts, " +
				"so keep only one"}
		if dup.TopLevel {
			f.Pointer = pointer(dup.Key)
		}
		out = append(out, f)
	}
	return out
}

// decodeJSON decodes data with jsonvalue after checking that it is UTF-8.
// jsonvalue, like encoding/json, turns invalid bytes into U+FFFD, which
// would hide them, but JSON text exchanged between systems must be UTF-8
// (RFC 8259, section 8.1) and stix.Decode rejects it otherwise. keys may
// be nil.
func decodeJSON(data []byte, keys *jsonvalue.KeyCache) (any, []jsonvalue.DuplicateKey, error) {
	if !utf8.Valid(data) {
		offset := 0
		for offset < len(data) {
			r, size := utf8.DecodeRune(data[offset:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			offset += size
		}
		return nil, nil, &jsonvalue.SyntaxError{Offset: offset, Msg: "text not encoded in UTF-8"}
	}
	return keys.DecodeWithDuplicates(data)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return "an object"
}

func (v *Validator) checkRaw(raw []byte, idx int, sess *Session) []Finding {
	var keys *jsonvalue.KeyCache
	if sess != nil {
		keys = &sess.keys
	}
	obj, dups, err := decodeObject(raw, keys)
	if err != nil {
		f := Finding{Index: idx, Rule: RuleJSON, Severity: SeverityError, Message: err.Error(),
			Err: err}
		return []Finding{f}
	}
	findings := v.checkObject(obj, idx, sess)
	if len(dups) == 0 {
		return findings
	}
	id, _ := obj["id"].(string)
	for _, f := range duplicateKeyFindings(idx, "the object", dups) {
		f.ObjectID = id
		findings = append(findings, f)
	}
	sortFindings(findings)
	return findings
}

// checkObject runs the schema and semantic checks on a decoded object.
func (v *Validator) checkObject(obj map[string]any, idx int, sess *Session) []Finding {
	c := &objectCheck{v: v, obj: obj, idx: idx, sess: sess}
	c.id, _ = obj["id"].(string)
	c.typ, _ = obj["type"].(string)
	c.run()
	sortFindings(c.findings)
	return c.findings
}

// sortFindings orders the findings of one object by pointer, rule and
// message. Several checks range over Go maps, and the schema library
// reports failing properties in no fixed order, so without this the same
// input could give its findings in another order on each run.
func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(strings.Compare(a.Pointer, b.Pointer), strings.Compare(a.Rule, b.Rule),
			strings.Compare(a.Message, b.Message))
	})
}

// schemaFor returns the schema for an object, nil when none applies.
func (v *Validator) schemaFor(typ string, obj map[string]any) *jsonschema.Schema {
	return v.schemas.forObject(typ, obj)
}

// ValidateSchema checks a decoded object against the schema of its type
// only (rule schema), without the STIX 2.0 detection and the semantic
// rules. It serves to compare schema sets.
func (v *Validator) ValidateSchema(obj map[string]any) []Finding {
	c := &objectCheck{v: v, obj: obj, idx: -1}
	c.id, _ = obj["id"].(string)
	c.typ, _ = obj["type"].(string)
	c.schema()
	return c.findings
}
