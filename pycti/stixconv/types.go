package stixconv

import "strings"

// set builds a lookup table.
func set(items ...string) map[string]bool {
	m := make(map[string]bool, len(items))
	for _, it := range items {
		m[it] = true
	}
	return m
}

var (
	identityTypes = set("Sector", "Organization", "Individual", "System", "SecurityPlatform")
	locationTypes = set("Region", "Country", "Administrative-Area", "City", "Position")
	// locationNameKeys are the location subtypes whose name is copied into
	// a STIX location property.
	locationNameKeys = map[string]string{"City": "city", "Country": "country", "Region": "region"}
	// openctiPrefixed and mitrePrefixed are the entity types exported with
	// an x-opencti- or x-mitre- prefix on their type and id.
	openctiPrefixed = set("Case-Incident", "Case-Rfi", "Case-Rft", "Feedback", "Task")
	mitrePrefixed   = set("Data-Component", "Data-Source")

	// observableTypes are the STIX types of observables: they get
	// x_opencti_created_by_ref and x_opencti_labels.
	observableTypes = set("autonomous-system", "directory", "domain-name", "email-addr",
		"email-message", "email-mime-part-type", "artifact", "file", "x509-certificate",
		"ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process", "software",
		"url", "user-account", "windows-registry-key", "windows-registry-value-type",
		"hostname", "cryptographic-key", "cryptocurrency-wallet", "text", "user-agent",
		"bank-account", "phone-number", "credential", "tracking-number", "payment-card",
		"media-content", "simple-observable", "persona", "ssh-key", "ai-prompt", "imei",
		"iccid", "imsi")

	// pluralRefTypes are the nested ref relationship types written as
	// *_refs lists (compared in lower case).
	pluralRefTypes = set("operating-system", "sample", "contains", "obs_resolves-to",
		"obs_belongs-to", "to", "cc", "bcc", "encapsulates", "opened-connection", "child",
		"body-multipart", "values", "service-dll", "installed-software", "analysis-sco")

	// prefixedIDTypes maps the id prefix of the objects exported with a
	// prefixed type to that prefix.
	prefixedIDTypes = map[string]string{
		"case-incident--": "x-opencti-", "case-rfi--": "x-opencti-", "case-rft--": "x-opencti-",
		"feedback--": "x-opencti-", "task--": "x-opencti-",
		"data-component--": "x-mitre-", "data-source--": "x-mitre-",
	}
)

// containerExclusions lists, per container type, the member entity types
// left out of object_refs. Ref relationships are always left out.
var containerExclusions = map[string]map[string]bool{
	"report":                  set("Note", "Report", "Opinion"),
	"note":                    set("Note", "Opinion"),
	"opinion":                 set("Opinion"),
	"observed-data":           {},
	"grouping":                {},
	"x-opencti-case-incident": {},
	"x-opencti-case-rfi":      {},
	"x-opencti-case-rft":      {},
	"x-opencti-feedback":      {},
	"x-opencti-task":          {},
}

// trimmedContainers are the container types whose object_refs pycti trims
// in full mode.
var trimmedContainers = set("report", "note", "opinion", "observed-data", "grouping")

// isObservableType reports whether the STIX type is an observable's.
func isObservableType(t string) bool { return observableTypes[t] }

// prefixedID returns id with the x-opencti- or x-mitre- prefix its type
// is exported with, or id unchanged.
func prefixedID(id string) string {
	for p, prefix := range prefixedIDTypes {
		if strings.HasPrefix(id, p) {
			return prefix + id
		}
	}
	return id
}

// unprefixedID returns the platform's standard id of an exported id: the
// id without an x-opencti- or x-mitre- prefix that prefixedID adds.
func unprefixedID(id string) string {
	for _, prefix := range []string{"x-opencti-", "x-mitre-"} {
		rest, ok := strings.CutPrefix(id, prefix)
		if !ok {
			continue
		}
		for p := range prefixedIDTypes {
			if strings.HasPrefix(rest, p) {
				return rest
			}
		}
	}
	return id
}

// stixHashNames maps hash algorithm names, upper-cased and without
// separators, to their STIX spelling.
var stixHashNames = map[string]string{
	"MD5": "MD5", "SHA1": "SHA-1", "SHA256": "SHA-256", "SHA512": "SHA-512",
	"SHA3256": "SHA3-256", "SHA3512": "SHA3-512", "SSDEEP": "SSDEEP", "TLSH": "TLSH",
}

// stixHashName returns the STIX name of a hash algorithm, or name when
// STIX does not define it.
func stixHashName(name string) string {
	key := strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToUpper(name))
	if n, ok := stixHashNames[key]; ok {
		return n
	}
	return name
}
