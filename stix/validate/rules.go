package validate

import (
	"errors"
	"fmt"
	"slices"
)

// Names of the rules that break a MUST of the specification. Findings of
// these rules have SeverityError.
const (
	RuleJSON              = "json"               // not a JSON object, or a repeated key
	RuleSchema            = "schema"             // JSON Schema of the object's type
	RuleCustomSchema      = "custom-schema"      // a schema added with WithExtraSchemas
	RuleIDPrefix          = "id-prefix"          // id does not start with the type
	RuleTimestampOrder    = "timestamp-order"    // modified before created and similar pairs
	RuleMarkingSelf       = "marking-self-ref"   // a marking definition marks itself
	RuleMarkingSelector   = "marking-selector"   // a granular marking selector matches nothing
	RuleTLP               = "tlp-marking"        // a TLP marking that is not a 2.1 TLP marking
	RulePattern           = "pattern"            // an invalid STIX pattern
	RuleObservableRefs    = "observable-refs"    // refs inside observed-data objects
	RuleArtifactMediaType = "artifact-mime-type" // artifact mime_type not a media type
	RuleCharset           = "character-set"      // path_enc or name_enc not a charset name
	RuleLanguage          = "language"           // lang not an RFC 5646 tag
	RuleSoftwareLanguage  = "software-language"  // software languages not language tags
	RuleLanguageContents  = "language-contents"  // language-content contents keys
	RuleUUIDVersion       = "uuid-version"       // process or id without inputs not UUIDv4
	RuleConflictingID     = "conflicting-id"     // same id and modified, other content
	RuleUnresolvedRef     = "unresolved-ref"     // ref to an id missing from the bundle
	RuleStrictTypes       = "strict-types"       // custom type with WithStrictTypes
	RuleStrictProperties  = "strict-properties"  // custom property with WithStrictProperties
	RuleSpecVersion       = "spec-version"       // not a STIX 2.1 object
)

// ErrUnknownRule is the error class of a rule name given to WithEnable or
// WithDisable that is not a rule name, code or group.
var ErrUnknownRule = errors.New("unknown rule")

// rule describes one check. SHOULD rules carry the check code of the OASIS
// reference validator, so that Enable and Disable accept either form.
type rule struct {
	name   string
	code   string
	should bool
}

// shouldRules lists the SHOULD rules, with the reference validator's codes.
var shouldRules = []rule{
	{"custom-prefix", "101", true}, {"custom-prefix-lax", "102", true},
	{"uuid-check", "103", true}, {"open-vocab-format", "111", true},
	{"kill-chain-names", "121", true}, {"observable-object-keys", "141", true},
	{"observable-dictionary-keys", "142", true}, {"malware-analysis-product", "143", true},
	{"windows-process-priority-format", "149", true}, {"hash-length", "150", true},
	{"marking-definition-type", "201", true}, {"relationship-types", "202", true},
	{"duplicate-ids", "203", true}, {"attack-motivation", "211", true},
	{"attack-resource-level", "212", true}, {"identity-class", "213", true},
	{"indicator-types", "214", true}, {"industry-sector", "215", true},
	{"malware-types", "216", true}, {"report-types", "218", true},
	{"threat-actor-types", "219", true}, {"threat-actor-role", "220", true},
	{"threat-actor-sophistication", "221", true}, {"tool-types", "222", true},
	{"region", "223", true}, {"grouping-context", "225", true},
	{"implementation-languages", "226", true}, {"infrastructure-types", "227", true},
	{"malware-capabilities", "228", true}, {"processor-architecture", "229", true},
	{"malware-result", "231", true}, {"hash-algo", "241", true},
	{"windows-pebinary-type", "243", true}, {"account-type", "244", true},
	{"indicator-pattern-types", "245", true}, {"mime-type", "271", true},
	{"protocols", "272", true}, {"ipfix", "273", true},
	{"http-request-headers", "274", true}, {"socket-options", "275", true},
	{"pdf-doc-info", "276", true}, {"countries", "277", true},
	{"network-traffic-ports", "301", true}, {"extref-hashes", "302", true},
	{"indicator-properties", "303", true}, {"deprecated-properties", "304", true},
	{"extension-description", "305", true}, {"extension-properties", "306", true},
	{"extensions-use", "401", true}, {RuleTLPv2, "", true},
	{RuleDeterministicID, "", true},
}

// ruleGroups are names for several SHOULD rules at once: those whose
// codes lie in a range, both ends included, as in the reference validator.
var ruleGroups = map[string][2]string{
	"format-checks": {"100", "199"}, "1": {"100", "199"},
	"approved-values": {"200", "299"}, "2": {"200", "299"},
	"all-vocabs": {"211", "245"}, "210": {"211", "245"},
	"all-external-sources": {"271", "277"}, "270": {"271", "277"},
}

var mustRules = []string{
	RuleJSON, RuleSchema, RuleCustomSchema, RuleIDPrefix, RuleTimestampOrder, RuleMarkingSelf,
	RuleMarkingSelector, RuleTLP, RulePattern, RuleObservableRefs, RuleArtifactMediaType,
	RuleCharset, RuleLanguage, RuleSoftwareLanguage, RuleLanguageContents, RuleUUIDVersion,
	RuleConflictingID, RuleUnresolvedRef, RuleStrictTypes, RuleStrictProperties,
	RuleSpecVersion, RuleInteropRequired, RuleInteropTLP, RuleInteropProducer,
}

// Rules returns the names of all rules: MUST rules first, then SHOULD
// rules in the order of their reference validator codes.
func Rules() []string {
	names := slices.Clone(mustRules)
	for _, r := range shouldRules {
		names = append(names, r.name)
	}
	return names
}

// expandRule returns the rule names that a name, code or group stands for.
func expandRule(name string) ([]string, error) {
	if bounds, ok := ruleGroups[name]; ok {
		var names []string
		for _, r := range shouldRules {
			// Codes have three digits, so they compare as strings.
			if r.code != "" && bounds[0] <= r.code && r.code <= bounds[1] {
				names = append(names, r.name)
			}
		}
		return names, nil
	}
	for _, r := range shouldRules {
		if r.name == name || r.code == name {
			return []string{r.name}, nil
		}
	}
	if slices.Contains(mustRules, name) {
		return []string{name}, nil
	}
	return nil, fmt.Errorf("%w %q: use a name from validate.Rules, "+
		"a reference check code such as 101, or a group such as format-checks",
		ErrUnknownRule, name)
}

// activeRules computes the set of rules that run. By default every rule
// runs except custom-prefix-lax, which replaces custom-prefix when only
// custom-prefix is disabled. With enabled rules and nothing disabled, only
// the enabled SHOULD rules run; disabled rules never run unless enabled.
func activeRules(enabled, disabled []string) (map[string]bool, error) {
	on := map[string]bool{}
	for _, name := range mustRules {
		on[name] = true
	}
	off := map[string]bool{}
	for _, name := range disabled {
		names, err := expandRule(name)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			off[n] = true
		}
	}
	if len(enabled) == 0 || len(disabled) > 0 {
		for _, r := range shouldRules {
			on[r.name] = true
		}
		on["custom-prefix-lax"] = off["custom-prefix"]
	}
	for n := range off {
		on[n] = false
	}
	for _, name := range enabled {
		names, err := expandRule(name)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			on[n] = true
		}
	}
	return on, nil
}
