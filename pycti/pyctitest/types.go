package pyctitest

import "strings"

// Parent types of the platform's abstract entity kinds.
const (
	typeBasicObject     = "Basic-Object"
	typeStixObject      = "Stix-Object"
	typeStixCoreObject  = "Stix-Core-Object"
	typeStixDomain      = "Stix-Domain-Object"
	typeStixCyber       = "Stix-Cyber-Observable"
	typeStixMeta        = "Stix-Meta-Object"
	typeContainer       = "Container"
	typeIdentity        = "Identity"
	typeLocation        = "Location"
	typeThreatActor     = "Threat-Actor"
	typeCase            = "Case"
	typeBasicRel        = "basic-relationship"
	typeStixRel         = "stix-relationship"
	typeCoreRel         = "stix-core-relationship"
	typeSighting        = "stix-sighting-relationship"
	typeRefRel          = "stix-ref-relationship"
	typeMarking         = "Marking-Definition"
	typeLabel           = "Label"
	typeExternalRef     = "External-Reference"
	typeKillChainPhase  = "Kill-Chain-Phase"
	typeStixFile        = "StixFile"
	typeIndicator       = "Indicator"
	typeReport          = "Report"
	typeOrganization    = "Organization"
	typeMalware         = "Malware"
	typeThreatActorGrp  = "Threat-Actor-Group"
	typeThreatActorIndv = "Threat-Actor-Individual"
)

// kind is the family of an entity type.
type kind int

const (
	kindSDO kind = iota
	kindSCO
	kindCoreRel
	kindSighting
	kindRefRel
	kindMarking
	kindLabel
	kindExternalRef
	kindKillChainPhase
)

// typeInfo describes one OpenCTI entity type.
type typeInfo struct {
	entityType string
	kind       kind
	extra      []string // parent types below Stix-Domain-Object
	stixType   string
}

var domainTypes = map[string][]string{
	"Attack-Pattern": nil, "Campaign": nil, "Course-Of-Action": nil, "Incident": nil,
	"Indicator": nil, "Infrastructure": nil, "Intrusion-Set": nil, "Malware": nil,
	"Malware-Analysis": nil, "Tool": nil, "Vulnerability": nil, "Channel": nil, "Event": nil,
	"Language": nil, "Narrative": nil, "Data-Component": nil, "Data-Source": nil,
	"Security-Coverage": nil,
	"Grouping":          {typeContainer}, "Note": {typeContainer}, "Observed-Data": {typeContainer},
	"Opinion": {typeContainer}, "Report": {typeContainer}, "Task": {typeContainer},
	"Case-Incident": {typeContainer, typeCase}, "Case-Rfi": {typeContainer, typeCase},
	"Case-Rft": {typeContainer, typeCase}, "Feedback": {typeContainer, typeCase},
	"Threat-Actor-Group": {typeThreatActor}, "Threat-Actor-Individual": {typeThreatActor},
	"Sector": {typeIdentity}, "Organization": {typeIdentity}, "Individual": {typeIdentity},
	"System": {typeIdentity}, "SecurityPlatform": {typeIdentity},
	"Region": {typeLocation}, "Country": {typeLocation}, "Administrative-Area": {typeLocation},
	"City": {typeLocation}, "Position": {typeLocation},
}

var observableTypes = []string{
	"Autonomous-System", "Directory", "Domain-Name", "Email-Addr", "Email-Message",
	"Email-Mime-Part-Type", "Artifact", "StixFile", "X509-Certificate", "IPv4-Addr", "IPv6-Addr",
	"Mac-Addr", "Mutex", "Network-Traffic", "Process", "Software", "Url", "User-Account",
	"Windows-Registry-Key", "Windows-Registry-Value-Type", "Cryptographic-Key",
	"Cryptocurrency-Wallet", "Hostname", "Text", "User-Agent", "Bank-Account", "Phone-Number",
	"Credential", "Tracking-Number", "Payment-Card", "Media-Content", "Persona", "SSH-Key",
	"AI-Prompt", "IMEI", "ICCID", "IMSI",
}

var (
	typesByName     = map[string]*typeInfo{}
	typesByStixType = map[string]*typeInfo{}
)

func init() {
	for name, extra := range domainTypes {
		ti := &typeInfo{entityType: name, kind: kindSDO, extra: extra, stixType: sdoStixType(name)}
		typesByName[strings.ToLower(name)] = ti
	}
	for _, name := range observableTypes {
		st := strings.ToLower(name)
		if name == typeStixFile {
			st = "file"
		}
		ti := &typeInfo{entityType: name, kind: kindSCO, stixType: st}
		typesByName[strings.ToLower(name)] = ti
		typesByStixType[st] = ti
	}
	meta := map[string]kind{typeMarking: kindMarking, typeLabel: kindLabel,
		typeExternalRef: kindExternalRef, typeKillChainPhase: kindKillChainPhase}
	for name, k := range meta {
		typesByName[strings.ToLower(name)] = &typeInfo{entityType: name, kind: k,
			stixType: strings.ToLower(name)}
	}
	for st, name := range map[string]string{
		"attack-pattern": "Attack-Pattern", "campaign": "Campaign",
		"course-of-action": "Course-Of-Action", "grouping": "Grouping", "incident": "Incident",
		"indicator": "Indicator", "infrastructure": "Infrastructure",
		"intrusion-set": "Intrusion-Set", "malware": "Malware",
		"malware-analysis": "Malware-Analysis", "note": "Note", "observed-data": "Observed-Data",
		"opinion": "Opinion", "report": "Report", "tool": "Tool", "vulnerability": "Vulnerability",
		"channel": "Channel", "event": "Event", "language": "Language", "narrative": "Narrative",
		"security-coverage": "Security-Coverage", "case-incident": "Case-Incident",
		"case-rfi": "Case-Rfi", "case-rft": "Case-Rft", "feedback": "Feedback", "task": "Task",
		"x-opencti-case-incident": "Case-Incident", "x-opencti-case-rfi": "Case-Rfi",
		"x-opencti-case-rft": "Case-Rft", "x-opencti-feedback": "Feedback",
		"x-opencti-task": "Task", "data-component": "Data-Component",
		"data-source": "Data-Source", "x-mitre-data-component": "Data-Component",
		"x-mitre-data-source": "Data-Source", "marking-definition": typeMarking,
	} {
		typesByStixType[st] = typesByName[strings.ToLower(name)]
	}
}

// sdoStixType returns the STIX type the platform writes for a domain type.
func sdoStixType(entityType string) string {
	switch parentOf(entityType) {
	case typeIdentity:
		return "identity"
	case typeLocation:
		return "location"
	case typeThreatActor:
		return "threat-actor"
	}
	return strings.ToLower(entityType)
}

func parentOf(entityType string) string {
	extra := domainTypes[entityType]
	if len(extra) == 0 {
		return ""
	}
	return extra[len(extra)-1]
}

// lookupType returns the type information of an entity type, matched without
// regard to case, or nil.
func lookupType(entityType string) *typeInfo {
	return typesByName[strings.ToLower(entityType)]
}

// parentTypesOf returns the parent types the platform stores for an entity
// of the given type and kind.
func parentTypesOf(entityType string, k kind) []string {
	switch k {
	case kindSDO:
		return append([]string{typeBasicObject, typeStixObject, typeStixCoreObject, typeStixDomain},
			domainTypes[entityType]...)
	case kindSCO:
		return []string{typeBasicObject, typeStixObject, typeStixCoreObject, typeStixCyber}
	case kindCoreRel:
		return []string{typeBasicRel, typeStixRel, typeCoreRel}
	case kindSighting:
		return []string{typeBasicRel, typeStixRel}
	case kindRefRel:
		return []string{typeBasicRel, typeStixRel, typeRefRel}
	}
	return []string{typeBasicObject, typeStixObject, typeStixMeta}
}

// graphQLTypeName returns the GraphQL object type of an entity.
func graphQLTypeName(entityType string, k kind) string {
	switch k {
	case kindCoreRel:
		return "StixCoreRelationship"
	case kindSighting:
		return "StixSightingRelationship"
	case kindRefRel:
		return "StixRefRelationship"
	}
	return strings.ReplaceAll(entityType, "-", "")
}
