package main

import (
	"fmt"
	"strings"

	"github.com/opencti-go/sdk/pycti/export"
)

// listTypes are the entity types a list export may name, spelt as OpenCTI
// 7.260817.0 spells them: the abstract types of the platform's lists, then
// every domain object and observable type of its schema.
var listTypes = []string{
	// Abstract types and relationship lists.
	"Stix-Core-Object", "Stix-Domain-Object", "Stix-Cyber-Observable", "Container", "Case",
	"Identity", "Location", "Threat-Actor", "stix-core-relationship",
	"stix-sighting-relationship",
	// Domain objects.
	"Administrative-Area", "Attack-Pattern", "Campaign", "Case-Incident", "Case-Rfi", "Case-Rft",
	"Channel", "City", "Country", "Course-Of-Action", "Data-Component", "Data-Source", "Event",
	"Feedback", "Grouping", "Incident", "Indicator", "Individual", "Infrastructure",
	"Intrusion-Set", "Language", "Malware", "Malware-Analysis", "Narrative", "Note",
	"Observed-Data", "Opinion", "Organization", "Position", "Region", "Report", "Sector",
	"Security-Coverage", "SecurityPlatform", "System", "Task", "Threat-Actor-Group",
	"Threat-Actor-Individual", "Tool", "Vulnerability",
	// Observables.
	"AI-Prompt", "Artifact", "Autonomous-System", "Bank-Account", "Credential",
	"Cryptocurrency-Wallet", "Cryptographic-Key", "Directory", "Domain-Name", "Email-Addr",
	"Email-Message", "Email-Mime-Part-Type", "Hostname", "ICCID", "IMEI", "IMSI", "IPv4-Addr",
	"IPv6-Addr", "Mac-Addr", "Media-Content", "Mutex", "Network-Traffic", "Payment-Card",
	"Persona", "Phone-Number", "Process", "SSH-Key", "Software", "StixFile", "Text",
	"Tracking-Number", "Url", "User-Account", "User-Agent", "Windows-Registry-Key",
	"Windows-Registry-Value-Type", "X509-Certificate",
}

// listTypeByFold maps the lower-case form of each list type to its spelling.
var listTypeByFold = func() map[string]string {
	m := make(map[string]string, len(listTypes))
	for _, t := range listTypes {
		m[strings.ToLower(t)] = t
	}
	return m
}()

// platformSpelling returns the list type that entityType names, ignoring
// case and surrounding spaces, and whether there is one.
func platformSpelling(entityType string) (string, bool) {
	t, ok := listTypeByFold[strings.ToLower(strings.TrimSpace(entityType))]
	return t, ok
}

// canonicalListType returns the platform's spelling of the entity_type of
// a selection or query export. The match ignores case, as pycti's does, so
// "report" is read as Report. Any other type is rejected, because the
// engine would export an empty bundle for it, or every relationship when
// it starts with a lower-case letter.
//
// NOTE: the list is that of OpenCTI 7.260817.0. A type added by a later
// platform is rejected until it is added here.
func canonicalListType(scope export.Scope, entityType string) (string, error) {
	if t, ok := platformSpelling(entityType); ok {
		return t, nil
	}
	return "", fmt.Errorf("%w: unknown entity_type %q for a %s export: use an OpenCTI "+
		"entity type as the platform spells it, such as Report, Malware, IPv4-Addr, "+
		"Stix-Domain-Object, Stix-Cyber-Observable, Stix-Core-Object or stix-core-relationship",
		export.ErrInvalidRequest, entityType, scope)
}
