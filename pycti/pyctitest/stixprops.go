package pyctitest

// STIX extension definitions the platform writes.
const (
	extOpenCTI    = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"
	extObservable = "extension-definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82"
	extMITRE      = "extension-definition--322b8f77-262a-4cb8-a915-1e441e00329b"
)

// Open bounds the platform stores for unset time ranges; toStix drops them.
const (
	sentinelStart = "1970-01-01T00:00:00.000Z"
	sentinelStop  = "5138-11-16T09:46:40.000Z"
)

// stixProps lists, per STIX 2.1 object type, the type-specific properties
// the specification defines. toStix keeps them at the top level of objects
// of these types and moves every other attribute into the OpenCTI
// extension. Types missing here are custom: all their attributes stay at
// the top level and the extension is flagged new-sdo.
var stixProps = map[string][]string{
	"attack-pattern":   {"name", "description", "aliases", "kill_chain_phases"},
	"campaign":         {"name", "description", "aliases", "first_seen", "last_seen", "objective"},
	"course-of-action": {"name", "description", "action"},
	"grouping":         {"name", "description", "context", "object_refs"},
	"identity":         {"name", "description", "roles", "identity_class", "sectors", "contact_information"},
	"indicator": {"name", "description", "indicator_types", "pattern", "pattern_type",
		"pattern_version", "valid_from", "valid_until", "kill_chain_phases"},
	"infrastructure": {"name", "description", "infrastructure_types", "aliases", "kill_chain_phases",
		"first_seen", "last_seen"},
	"intrusion-set": {"name", "description", "aliases", "first_seen", "last_seen", "goals",
		"resource_level", "primary_motivation", "secondary_motivations"},
	"location": {"name", "description", "latitude", "longitude", "precision", "region", "country",
		"administrative_area", "city", "street_address", "postal_code"},
	"malware": {"name", "description", "malware_types", "is_family", "aliases", "kill_chain_phases",
		"first_seen", "last_seen", "operating_system_refs", "architecture_execution_envs",
		"implementation_languages", "capabilities", "sample_refs"},
	"malware-analysis": {"product", "version", "host_vm_ref", "operating_system_ref",
		"installed_software_refs", "configuration_version", "modules", "analysis_engine_version",
		"analysis_definition_version", "submitted", "analysis_started", "analysis_ended",
		"result_name", "result", "analysis_sco_refs", "sample_ref"},
	"note":          {"abstract", "content", "authors", "object_refs"},
	"observed-data": {"first_observed", "last_observed", "number_observed", "objects", "object_refs"},
	"opinion":       {"explanation", "authors", "opinion", "object_refs"},
	"report":        {"name", "description", "report_types", "published", "object_refs"},
	"threat-actor": {"name", "description", "threat_actor_types", "aliases", "first_seen",
		"last_seen", "roles", "goals", "sophistication", "resource_level", "primary_motivation",
		"secondary_motivations", "personal_motivations"},
	"tool":          {"name", "description", "tool_types", "aliases", "kill_chain_phases", "tool_version"},
	"vulnerability": {"name", "description"},
	"artifact": {"mime_type", "payload_bin", "url", "hashes", "encryption_algorithm",
		"decryption_key"},
	"autonomous-system": {"number", "name", "rir"},
	"directory":         {"path", "path_enc", "ctime", "mtime", "atime", "contains_refs"},
	"domain-name":       {"value", "resolves_to_refs"},
	"email-addr":        {"value", "display_name", "belongs_to_ref"},
	"email-message": {"is_multipart", "date", "content_type", "from_ref", "sender_ref", "to_refs",
		"cc_refs", "bcc_refs", "message_id", "subject", "received_lines", "additional_header_fields",
		"body", "body_multipart", "raw_email_ref"},
	"file": {"hashes", "size", "name", "name_enc", "magic_number_hex", "mime_type", "ctime", "mtime",
		"atime", "parent_directory_ref", "contains_refs", "content_ref"},
	"ipv4-addr": {"value", "resolves_to_refs", "belongs_to_refs"},
	"ipv6-addr": {"value", "resolves_to_refs", "belongs_to_refs"},
	"mac-addr":  {"value"},
	"mutex":     {"name"},
	"network-traffic": {"start", "end", "is_active", "src_ref", "dst_ref", "src_port", "dst_port",
		"protocols", "src_byte_count", "dst_byte_count", "src_packets", "dst_packets", "ipfix",
		"src_payload_ref", "dst_payload_ref", "encapsulates_refs", "encapsulated_by_ref"},
	"process": {"is_hidden", "pid", "created_time", "cwd", "command_line", "environment_variables",
		"opened_connection_refs", "creator_user_ref", "image_ref", "parent_ref", "child_refs"},
	"software": {"name", "cpe", "languages", "vendor", "version", "swid"},
	"url":      {"value"},
	"user-account": {"user_id", "credential", "account_login", "account_type", "display_name",
		"is_service_account", "is_privileged", "can_escalate_privs", "is_disabled",
		"account_created", "account_expires", "credential_last_changed", "account_first_login",
		"account_last_login"},
	"windows-registry-key": {"key", "values", "modified_time", "creator_user_ref", "number_of_subkeys"},
	"x509-certificate": {"is_self_signed", "hashes", "version", "serial_number",
		"signature_algorithm", "issuer", "validity_not_before", "validity_not_after", "subject",
		"subject_public_key_algorithm", "subject_public_key_modulus", "subject_public_key_exponent",
		"x509_v3_extensions"},
}

// propertyExtensionSDOs are the domain types the platform writes with a
// property-extension; Incident is standard STIX but the platform writes it
// as new-sdo.
var propertyExtensionSDOs = map[string]bool{
	"attack-pattern": true, "campaign": true, "course-of-action": true, "grouping": true,
	"identity": true, "indicator": true, "infrastructure": true, "intrusion-set": true,
	"location": true, "malware": true, "malware-analysis": true, "note": true,
	"observed-data": true, "opinion": true, "report": true, "threat-actor": true, "tool": true,
	"vulnerability": true,
}

// stixRelationshipTypes are the relationship types STIX 2.1 defines; the
// platform flags the others new-sro.
var stixRelationshipTypes = map[string]bool{
	"derived-from": true, "duplicate-of": true, "related-to": true, "delivers": true,
	"targets": true, "uses": true, "attributed-to": true, "compromises": true,
	"originates-from": true, "investigates": true, "mitigates": true, "remediates": true,
	"located-at": true, "indicates": true, "based-on": true, "communicates-with": true,
	"consists-of": true, "controls": true, "has": true, "hosts": true, "owns": true,
	"authored-by": true, "beacons-to": true, "exfiltrates-to": true, "downloads": true,
	"drops": true, "exploits": true, "variant-of": true, "characterizes": true,
	"analysis-of": true, "static-analysis-of": true, "dynamic-analysis-of": true,
	"impersonates": true, "resolves-to": true, "belongs-to": true,
}

// pluralRefTypes are the nested ref relationship types written as a list
// (<stem>_refs); the others are written as a single <stem>_ref.
var pluralRefTypes = map[string]bool{
	"operating-system": true, "sample": true, "contains": true, "obs_resolves-to": true,
	"obs_belongs-to": true, "to": true, "cc": true, "bcc": true, "encapsulates": true,
	"opened-connection": true, "child": true, "values": true, "service-dll": true,
	"installed-software": true, "analysis-sco": true, "x_opencti_linked-to": true,
	"body-multipart": true,
}

// refKeyOf returns the STIX key of a nested ref relationship type.
func refKeyOf(relType, stixType string) string {
	stem := relType
	if len(stem) > 4 && stem[:4] == "obs_" {
		stem = stem[4:]
	}
	b := []byte(stem)
	for i, c := range b {
		if c == '-' {
			b[i] = '_'
		}
	}
	stem = string(b)
	if relType == "body-multipart" {
		return "body_multipart"
	}
	singular := stixType == "malware-analysis" && (relType == "operating-system" || relType == "sample")
	if pluralRefTypes[relType] && !singular {
		return stem + "_refs"
	}
	return stem + "_ref"
}

// refTypeOf is the inverse of refKeyOf: the relationship type of a STIX
// ref key such as "resolves_to_refs", or "" when the key is not a ref.
func refTypeOf(key string) string {
	var stem string
	switch {
	case len(key) > 5 && key[len(key)-5:] == "_refs":
		stem = key[:len(key)-5]
	case len(key) > 4 && key[len(key)-4:] == "_ref":
		stem = key[:len(key)-4]
	case key == "body_multipart":
		return "body-multipart"
	default:
		return ""
	}
	switch stem {
	case "resolves_to", "belongs_to":
		return "obs_" + dashes(stem)
	case "content":
		return "obs_content"
	case "x_opencti_linked_to":
		return "x_opencti_linked-to"
	}
	return dashes(stem)
}

func dashes(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '_' {
			b[i] = '-'
		}
	}
	return string(b)
}

// refKeysHandledElsewhere are ref keys that are not nested refs.
var refKeysHandledElsewhere = map[string]bool{
	"created_by_ref": true, "object_marking_refs": true, "object_refs": true,
	"source_ref": true, "target_ref": true, "sighting_of_ref": true, "where_sighted_refs": true,
	"observed_data_refs": true, "x_opencti_granted_refs": true, "granted_refs": true,
}
