package pycti

import "strings"

// valueForm is the normalisation the platform applies to one contributing
// property before hashing.
type valueForm uint8

const (
	// formText trims strings (platform 7.x) and keeps other values.
	formText valueForm = iota
	// formName lower-cases and trims a string.
	formName
	// formUpper upper-cases a string without trimming it.
	formUpper
	// formDate writes a date in JavaScript's toISOString form.
	formDate
	// formNumber writes a number in the ECMAScript form.
	formNumber
	// formSortedRefs sorts a list of standard ids.
	formSortedRefs
	// formHashes keeps one hash, as a one-entry object.
	formHashes
)

// idProp is one contributing property of a way.
type idProp struct {
	name string    // property name in the caller's map
	key  string    // output key when it differs from name
	form valueForm // normalisation
	// deps are properties that must be non-empty for the way to yield
	// anything when this property is given.
	deps []string
}

func (p idProp) outKey() string {
	if p.key != "" {
		return p.key
	}
	return p.name
}

// idRule is the standard id recipe of one entity type.
type idRule struct {
	entityType string     // canonical OpenCTI entity type
	idType     string     // the id's type prefix
	ways       [][]idProp // alternatives, tried in order
	// fixed returns the properties the platform derives from the entity
	// type itself and overrides whatever the caller gave.
	fixed func(entityType string) map[string]any
}

func prop(name string, form valueForm, deps ...string) idProp {
	return idProp{name: name, form: form, deps: deps}
}

func way(props ...idProp) []idProp { return props }

var (
	nameOnly      = [][]idProp{way(prop("name", formName))}
	valueOnly     = [][]idProp{way(prop("value", formText))}
	mitreElseName = [][]idProp{way(prop("x_mitre_id", formName)), way(prop("name", formName))}
	nameCreated   = [][]idProp{way(prop("name", formName), prop("created", formDate))}
	nameCreatedIf = [][]idProp{way(prop("name", formName), prop("created", formDate, "name"))}
	identityWay   = [][]idProp{way(prop("name", formName),
		prop("identity_class", formName, "name"))}
	locationWay = [][]idProp{way(prop("name", formName),
		prop("x_opencti_location_type", formText, "name"))}
	threatActorWay = [][]idProp{way(prop("name", formName),
		prop("opencti_type", formText, "name"))}
)

// fixedIdentityClass sets identity_class as the platform's identity
// creation does: "class" for sectors, the lower-cased type otherwise.
func fixedIdentityClass(entityType string) map[string]any {
	class := strings.ToLower(entityType)
	if entityType == "Sector" {
		class = "class"
	}
	return map[string]any{"identity_class": class}
}

func fixedLocationType(entityType string) map[string]any {
	return map[string]any{"x_opencti_location_type": entityType}
}

func fixedInnerType(entityType string) map[string]any {
	return map[string]any{"opencti_type": entityType}
}

// domainRules are the domain and meta object recipes of OpenCTI
// 7.260817.0.
var domainRules = []idRule{
	{entityType: "Attack-Pattern", ways: mitreElseName},
	{entityType: "Course-Of-Action", ways: mitreElseName},
	{entityType: "Campaign", ways: nameOnly},
	{entityType: "Infrastructure", ways: nameOnly},
	{entityType: "Intrusion-Set", ways: nameOnly},
	{entityType: "Malware", ways: nameOnly},
	{entityType: "Tool", ways: nameOnly},
	{entityType: "Vulnerability", ways: nameOnly},
	{entityType: "Channel", ways: nameOnly},
	{entityType: "Event", ways: nameOnly},
	{entityType: "Language", ways: nameOnly},
	{entityType: "Narrative", ways: nameOnly},
	{entityType: "Data-Component", ways: nameOnly},
	{entityType: "Data-Source", ways: nameOnly},
	{entityType: "Administrative-Area", idType: "location", ways: nameOnly},
	{entityType: "Individual", idType: "identity", ways: identityWay, fixed: fixedIdentityClass},
	{entityType: "Sector", idType: "identity", ways: identityWay, fixed: fixedIdentityClass},
	{entityType: "System", idType: "identity", ways: identityWay, fixed: fixedIdentityClass},
	{entityType: "SecurityPlatform", idType: "identity", ways: identityWay,
		fixed: fixedIdentityClass},
	{entityType: "Organization", idType: "identity", fixed: fixedIdentityClass,
		ways: [][]idProp{way(prop("name", formName), prop("identity_class", formName))}},
	{entityType: "City", idType: "location", ways: locationWay, fixed: fixedLocationType},
	{entityType: "Country", idType: "location", ways: locationWay, fixed: fixedLocationType},
	{entityType: "Region", idType: "location", ways: locationWay, fixed: fixedLocationType},
	{entityType: "Position", idType: "location", ways: [][]idProp{
		way(prop("latitude", formNumber), prop("longitude", formNumber)),
		way(prop("name", formName))}},
	{entityType: "Threat-Actor-Group", idType: "threat-actor", ways: threatActorWay,
		fixed: fixedInnerType},
	{entityType: "Threat-Actor-Individual", idType: "threat-actor", ways: threatActorWay,
		fixed: fixedInnerType},
	{entityType: "Incident", ways: nameCreatedIf},
	{entityType: "Case-Incident", ways: nameCreatedIf},
	{entityType: "Case-Rfi", ways: nameCreated},
	{entityType: "Case-Rft", ways: nameCreated},
	{entityType: "Feedback", ways: nameCreated},
	{entityType: "Task", ways: nameCreated},
	{entityType: "Grouping", ways: [][]idProp{way(prop("name", formName),
		prop("context", formText), prop("created", formDate))}},
	{entityType: "Report", ways: [][]idProp{way(prop("name", formName),
		prop("published", formDate))}},
	{entityType: "Note", ways: [][]idProp{way(prop("content", formText),
		prop("created", formDate, "content"), prop("attribute_abstract", formText, "content"))}},
	{entityType: "Opinion", ways: [][]idProp{way(prop("opinion", formText),
		prop("created", formDate, "opinion"))}},
	{entityType: "Observed-Data", ways: [][]idProp{way(prop("objects", formSortedRefs))}},
	{entityType: "Indicator", ways: [][]idProp{way(prop("pattern", formText))}},
	{entityType: "Malware-Analysis", ways: [][]idProp{way(prop("product", formText),
		prop("result_name", formText), prop("submitted", formDate))}},
	{entityType: "Security-Coverage", ways: [][]idProp{way(prop("objectCovered", formText))}},
	{entityType: "Vocabulary", ways: [][]idProp{way(prop("name", formName),
		prop("category", formText))}},
	{entityType: "Marking-Definition", ways: [][]idProp{way(
		prop("definition", formUpper, "definition_type"), prop("definition_type", formUpper))}},
	{entityType: "Label", ways: [][]idProp{way(prop("value", formName))}},
	{entityType: "Kill-Chain-Phase", ways: [][]idProp{way(prop("phase_name", formText),
		prop("kill_chain_name", formText))}},
	{entityType: "External-Reference", ways: [][]idProp{way(prop("url", formText)),
		way(prop("source_name", formText, "external_id"), prop("external_id", formText))}},
}

// observableRules are the observable recipes of OpenCTI 7.260817.0, which
// differ from the STIX 2.1 ID-contributing properties on purpose.
var observableRules = []idRule{
	{entityType: "Autonomous-System", ways: [][]idProp{way(prop("number", formText))}},
	{entityType: "Directory", ways: [][]idProp{way(prop("path", formText))}},
	{entityType: "Email-Message", ways: [][]idProp{way(prop("from_ref", formText),
		prop("subject", formText), prop("body", formText))}},
	{entityType: "Artifact", ways: [][]idProp{way(prop("hashes", formHashes)),
		way(prop("url", formText))}},
	{entityType: "StixFile", idType: "file", ways: [][]idProp{way(prop("hashes", formHashes)),
		way(prop("name", formText))}},
	{entityType: "X509-Certificate", ways: [][]idProp{way(prop("hashes", formHashes)),
		way(prop("serial_number", formText)), way(prop("subject", formText))}},
	{entityType: "Mutex", ways: [][]idProp{way(prop("name", formText))}},
	{entityType: "Network-Traffic", ways: [][]idProp{way(prop("start", formDate),
		prop("end", formDate), prop("src_ref", formText), prop("dst_ref", formText),
		prop("src_port", formText), prop("dst_port", formText), prop("protocols", formText))}},
	{entityType: "Process", ways: [][]idProp{way(prop("pid", formText, "command_line"),
		prop("command_line", formText))}},
	{entityType: "Software", ways: [][]idProp{way(prop("name", formName), prop("cpe", formText),
		prop("swid", formText), prop("vendor", formText), prop("version", formText))}},
	{entityType: "User-Account", ways: [][]idProp{way(prop("account_type", formText),
		prop("user_id", formText), prop("account_login", formText))}},
	// The platform's rule renames attribute_key with a misspelt option, so
	// the output key stays attribute_key.
	{entityType: "Windows-Registry-Key", ways: [][]idProp{way(prop("attribute_key", formText),
		prop("values", formText))}},
	{entityType: "Windows-Registry-Value-Type", ways: [][]idProp{way(prop("name", formText),
		prop("data", formText), prop("data_type", formText))}},
	{entityType: "Email-Mime-Part-Type", ways: [][]idProp{way(prop("body", formText),
		prop("content_type", formText), prop("content_disposition", formText))}},
	{entityType: "Bank-Account", ways: [][]idProp{way(prop("iban", formText))}},
	{entityType: "Payment-Card", ways: [][]idProp{way(prop("card_number", formText))}},
	{entityType: "Media-Content", ways: [][]idProp{way(prop("url", formText))}},
	{entityType: "Persona", ways: [][]idProp{way(prop("persona_name", formText),
		prop("persona_type", formText))}},
	{entityType: "SSH-Key", ways: [][]idProp{way(prop("fingerprint_sha256", formText))}},
}

// valueObservables are the observable types identified by their value.
var valueObservables = []string{"Domain-Name", "Email-Addr", "IPv4-Addr", "IPv6-Addr",
	"Mac-Addr", "Url", "Hostname", "Text", "User-Agent", "Cryptographic-Key",
	"Cryptocurrency-Wallet", "Phone-Number", "Credential", "Tracking-Number", "AI-Prompt",
	"IMEI", "ICCID", "IMSI"}

// idRules maps lower-cased entity types to their recipe.
var idRules = func() map[string]*idRule {
	rules := map[string]*idRule{}
	add := func(r idRule) {
		if r.idType == "" {
			r.idType = strings.ToLower(r.entityType)
		}
		rules[strings.ToLower(r.entityType)] = &r
	}
	for _, r := range domainRules {
		add(r)
	}
	for _, r := range observableRules {
		add(r)
	}
	for _, t := range valueObservables {
		add(idRule{entityType: t, ways: valueOnly})
	}
	return rules
}()

// hashPreference is the order in which the platform picks the one hash of
// an observable id, after upper-casing the algorithm names.
var hashPreference = []string{"MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256", "SHA3-512",
	"SSDEEP", "SDHASH", "TLSH", "LZJD"}

// staticMarkingIDs are the ids the platform gives the TLP markings instead
// of a computed one.
var staticMarkingIDs = map[string]string{
	"TLP:CLEAR":        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
	"TLP:WHITE":        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
	"TLP:GREEN":        "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
	"TLP:AMBER":        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
	"TLP:AMBER+STRICT": "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
	"TLP:RED":          "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
}
