package split

// supportedTypes are the STIX type names (id prefixes) the platform
// imports, as listed by pycti 7.260817.0: meta and domain types, the older
// x-opencti-* and x-mitre-* spellings, observables, internal types,
// relationship, sighting and pir.
var supportedTypes = setOf(
	// Meta objects.
	"label", "vocabulary", "kill-chain-phase",
	// Domain objects.
	"attack-pattern", "campaign", "case-incident", "x-opencti-case-incident",
	"case-rfi", "x-opencti-case-rfi", "case-rft", "x-opencti-case-rft", "channel",
	"course-of-action", "data-component", "x-mitre-data-component", "data-source",
	"x-mitre-data-source", "event", "external-reference", "feedback", "x-opencti-feedback",
	"grouping", "identity", "incident", "indicator", "infrastructure", "intrusion-set",
	"language", "location", "malware", "malware-analysis", "marking-definition",
	"narrative", "note", "observed-data", "opinion", "report", "task", "x-opencti-task",
	"threat-actor", "tool", "vulnerability", "security-coverage",
	// Internal objects.
	"user", "group", "capability", "role", "settings", "notification", "work", "trash",
	"draftworkspace", "playbook", "deleteoperation", "workspace", "publicdashboard",
	// Observables.
	"autonomous-system", "directory", "domain-name", "email-addr", "email-message",
	"email-mime-part-type", "artifact", "file", "x509-certificate", "ipv4-addr",
	"ipv6-addr", "mac-addr", "mutex", "network-traffic", "process", "software", "url",
	"user-account", "windows-registry-key", "windows-registry-value-type", "hostname",
	"cryptographic-key", "cryptocurrency-wallet", "text", "user-agent", "bank-account",
	"phone-number", "credential", "tracking-number", "payment-card", "media-content",
	"simple-observable", "persona", "ssh-key",
	// Relationships.
	"relationship", "sighting", "pir",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}
