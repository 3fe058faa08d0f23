package validate

// RuleInfo describes one rule for listings such as stix-validate
// -list-rules.
type RuleInfo struct {
	Name string
	// Code is the check code of the OASIS reference validator
	// (cti-stix-validator) for the same SHOULD rule, or "" when it has none.
	Code string
	// Severity is the severity of the rule's findings without WithStrict.
	Severity Severity
	// Description is one line on what the rule checks.
	Description string
}

// RuleInfos describes every rule, in the order of Rules.
func RuleInfos() []RuleInfo {
	codes := map[string]string{}
	for _, r := range shouldRules {
		codes[r.name] = r.code
	}
	var out []RuleInfo
	for _, name := range Rules() {
		info := RuleInfo{Name: name, Code: codes[name], Severity: SeverityError,
			Description: ruleDescriptions[name]}
		switch {
		case name == RuleSpecVersion:
			info.Severity = SeverityInfo
		case isShould(name):
			info.Severity = SeverityWarning
		}
		out = append(out, info)
	}
	return out
}

// ruleDescriptions maps each rule name to its Description.
var ruleDescriptions = map[string]string{
	RuleJSON:              "the input is JSON and each object is a JSON object with no repeated key",
	RuleSchema:            "the object matches the JSON schema of its type",
	RuleCustomSchema:      "the object matches the schemas given with -extra-schemas",
	RuleIDPrefix:          "the id starts with the object's type followed by --",
	RuleTimestampOrder:    "modified is not before created, and other start/end pairs are in order",
	RuleMarkingSelf:       "a marking definition does not mark itself",
	RuleMarkingSelector:   "each granular marking selector points at a property of the object",
	RuleTLP:               "a TLP marking uses the id and definition that STIX 2.1 fixes",
	RulePattern:           "a STIX pattern parses and names valid object types and properties",
	RuleObservableRefs:    "references inside observed-data objects resolve to allowed types",
	RuleArtifactMediaType: "artifact mime_type is an IANA media type",
	RuleCharset:           "path_enc and name_enc are IANA character set names",
	RuleLanguage:          "lang is an RFC 5646 language tag",
	RuleSoftwareLanguage:  "software languages are RFC 5646 language tags",
	RuleLanguageContents:  "language-content contents keys are language tags and property names",
	RuleUUIDVersion:       "a process, or an SCO without ID-contributing properties, has a UUIDv4 id",
	RuleConflictingID:     "objects with the same id and modified have the same content",
	RuleUnresolvedRef:     "references point at objects in the bundle (with -enforce-refs)",
	RuleStrictTypes:       "the object type is defined by STIX 2.1 (with -strict-types)",
	RuleStrictProperties:  "every property is defined by STIX 2.1 (with -strict-properties)",
	RuleSpecVersion:       "reports an object that is not STIX 2.1, such as a 2.0 object",
	RuleInteropRequired: "SDOs and SROs have created_by_ref and the properties the " +
		"interoperability profile requires (with -interop)",
	RuleInteropTLP: "object_marking_refs lists at most one TLP 1.0 marking (with -interop)",
	RuleInteropProducer: "created_by_ref names an identity in the bundle that has " +
		"created_by_ref itself (with -interop)",

	"custom-prefix":                   "custom names use x-<source>-<name> or x_<source>_<name>",
	"custom-prefix-lax":               "custom names start with x- or x_ (replaces custom-prefix when it is off)",
	"uuid-check":                      "SDO, SRO and meta ids use UUIDv4 and SCO ids the computed UUIDv5",
	"open-vocab-format":               "open vocabulary values are lowercase with hyphens, no spaces or _",
	"kill-chain-names":                "kill_chain_name and phase_name are lowercase with hyphens",
	"observable-object-keys":          "keys of observed-data objects are non-negative integers",
	"observable-dictionary-keys":      "dictionary keys in observables are lowercase",
	"malware-analysis-product":        "malware-analysis product is lowercase with hyphens",
	"windows-process-priority-format": "windows-process-ext priority ends with _CLASS",
	"hash-length":                     "hash algorithm names are at most 30 characters",
	"marking-definition-type":         "definition_type is statement or tlp",
	"relationship-types":              "the relationship type suits its source and target types",
	"duplicate-ids":                   "objects with the same id differ in modified",
	"attack-motivation":               "motivations are in the attack-motivation vocabulary",
	"attack-resource-level":           "resource_level is in the attack-resource-level vocabulary",
	"identity-class":                  "identity_class is in the identity-class vocabulary",
	"indicator-types":                 "indicator_types are in the indicator-type vocabulary",
	"industry-sector":                 "sectors are in the industry-sector vocabulary",
	"malware-types":                   "malware_types are in the malware-type vocabulary",
	"report-types":                    "report_types are in the report-type vocabulary",
	"threat-actor-types":              "threat_actor_types are in the threat-actor-type vocabulary",
	"threat-actor-role":               "roles are in the threat-actor-role vocabulary",
	"threat-actor-sophistication":     "sophistication is in the threat-actor-sophistication vocabulary",
	"tool-types":                      "tool_types are in the tool-type vocabulary",
	"region":                          "region is in the region vocabulary",
	"grouping-context":                "context is in the grouping-context vocabulary",
	"implementation-languages":        "implementation_languages are in the implementation-language vocabulary",
	"infrastructure-types":            "infrastructure_types are in the infrastructure-type vocabulary",
	"malware-capabilities":            "capabilities are in the malware-capabilities vocabulary",
	"processor-architecture":          "architecture_execution_envs are in the processor-architecture vocabulary",
	"malware-result":                  "malware-analysis result is in the malware-result vocabulary",
	"hash-algo":                       "hash names are in the hash-algorithm vocabulary or start with x_",
	"windows-pebinary-type":           "pe_type is in the windows-pebinary-type vocabulary",
	"account-type":                    "account_type is in the account-type vocabulary",
	"indicator-pattern-types":         "pattern_type is in the pattern-type vocabulary",
	"mime-type":                       "file mime_type is an IANA media type",
	"protocols":                       "network-traffic protocols are IANA service names",
	"ipfix":                           "ipfix keys are IANA IPFIX element names",
	"http-request-headers":            "http-request-ext header names are known HTTP header fields",
	"socket-options":                  "socket-ext options keys are known socket options",
	"pdf-doc-info":                    "pdf-ext document_info_dict keys are standard PDF keys",
	"countries":                       "location country is an ISO 3166-1 alpha-2 code",
	"network-traffic-ports":           "network-traffic has both src_port and dst_port",
	"extref-hashes":                   "an external reference with a url carries hashes of its content",
	"indicator-properties":            "an indicator has a name and a description",
	"deprecated-properties":           "no deprecated property is used, such as observed-data objects",
	"extension-description":           "an extension-definition has a description",
	"extension-properties":            "a toplevel-property-extension definition lists extension_properties",
	"extensions-use":                  "custom types, properties and extensions are declared by extension definitions",
	RuleTLPv2:                         "a TLP marking uses a TLP 1.0 level, not clear or amber+strict of TLP 2.0",
	RuleDeterministicID:               "an SCO UUIDv5 id matches the one computed from its ID-contributing properties",
}
