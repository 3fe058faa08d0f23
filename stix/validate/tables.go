package validate

import "strings"

// set builds a lookup table from space-separated words.
func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// STIX 2.1 object types, by category (specification sections 4 to 7).
var (
	sdoTypes = set(`attack-pattern campaign course-of-action grouping identity incident
		indicator infrastructure intrusion-set location malware malware-analysis note
		observed-data opinion report threat-actor tool vulnerability`)
	sroTypes  = set(`relationship sighting`)
	metaTypes = set(`marking-definition language-content extension-definition`)
	scoTypes  = set(`artifact autonomous-system directory domain-name email-addr
		email-message file ipv4-addr ipv6-addr mac-addr mutex network-traffic process
		software url user-account windows-registry-key x509-certificate`)
)

// isSpecType reports a type the STIX 2.1 specification defines.
func isSpecType(t string) bool {
	return sdoTypes[t] || sroTypes[t] || metaTypes[t] || scoTypes[t] || t == "bundle"
}

// vocabulary is an open vocabulary of the specification (section 10) and
// the properties that use it.
type vocabulary struct {
	rule   string
	values map[string]bool
	// uses maps object types to the properties that take this vocabulary.
	uses map[string][]string
}

var vocabularies = []vocabulary{
	{"attack-motivation", set(`accidental coercion dominance ideology notoriety
		organizational-gain personal-gain personal-satisfaction revenge unpredictable`),
		map[string][]string{
			"intrusion-set": {"primary_motivation", "secondary_motivations"},
			"threat-actor":  {"primary_motivation", "secondary_motivations", "personal_motivations"},
		}},
	{"attack-resource-level", set(`individual club contest team organization government`),
		map[string][]string{"intrusion-set": {"resource_level"}, "threat-actor": {"resource_level"}}},
	{"grouping-context", set(`suspicious-activity malware-analysis unspecified`),
		map[string][]string{"grouping": {"context"}}},
	{"identity-class", set(`individual group system organization class unknown`),
		map[string][]string{"identity": {"identity_class"}}},
	{"implementation-languages", set(`applescript bash c c++ c# go java javascript lua
		objective-c perl php powershell python ruby scala swift typescript visual-basic
		x86-32 x86-64`),
		map[string][]string{"malware": {"implementation_languages"}}},
	{"indicator-types", set(`anomalous-activity anonymization benign compromised
		malicious-activity attribution unknown`),
		map[string][]string{"indicator": {"indicator_types"}}},
	{"industry-sector", set(`agriculture aerospace automotive chemical commercial
		communications construction defense education energy entertainment
		financial-services government emergency-services government-local
		government-national government-public-services government-regional healthcare
		hospitality-leisure infrastructure dams nuclear water insurance manufacturing
		mining non-profit pharmaceuticals retail technology telecommunications
		transportation utilities`),
		map[string][]string{"identity": {"sectors"}}},
	{"infrastructure-types", set(`amplification anonymization botnet command-and-control
		control-system exfiltration firewall hosting-malware hosting-target-lists phishing
		reconnaissance routers-switches staging workstation unknown`),
		map[string][]string{"infrastructure": {"infrastructure_types"}}},
	{"malware-result", set(`malicious suspicious benign unknown`),
		map[string][]string{"malware-analysis": {"result"}}},
	{"malware-types", set(`adware backdoor bot bootkit ddos downloader dropper exploit-kit
		keylogger ransomware remote-access-trojan resource-exploitation
		rogue-security-software rootkit screen-capture spyware trojan unknown virus
		webshell wiper worm`),
		map[string][]string{"malware": {"malware_types"}}},
	{"malware-capabilities", set(`accesses-remote-machines anti-debugging anti-disassembly
		anti-emulation anti-memory-forensics anti-sandbox anti-vm captures-input-peripherals
		captures-output-peripherals captures-system-state-data cleans-traces-of-infection
		commits-fraud communicates-with-c2 compromises-data-availability
		compromises-data-integrity compromises-system-availability controls-local-machine
		degrades-security-software degrades-system-updates determines-c2-server emails-spam
		escalates-privileges evades-av exfiltrates-data fingerprints-host hides-artifacts
		hides-executing-code infects-files infects-remote-machines installs-other-components
		persists-after-system-reboot prevents-artifact-access prevents-artifact-deletion
		probes-network-environment self-modifies steals-authentication-credentials
		violates-system-operational-integrity`),
		map[string][]string{"malware": {"capabilities"}}},
	{"processor-architecture", set(`alpha arm ia-64 mips powerpc sparc x86 x86-64`),
		map[string][]string{"malware": {"architecture_execution_envs"}}},
	{"region", set(`africa eastern-africa middle-africa northern-africa southern-africa
		western-africa americas latin-america-caribbean south-america caribbean
		central-america northern-america asia central-asia eastern-asia southern-asia
		south-eastern-asia western-asia europe eastern-europe northern-europe
		southern-europe western-europe oceania australia-new-zealand melanesia micronesia
		polynesia antarctica`),
		map[string][]string{"location": {"region"}}},
	{"report-types", set(`attack-pattern campaign identity indicator intrusion-set malware
		observed-data threat-actor threat-report tool vulnerability`),
		map[string][]string{"report": {"report_types"}}},
	{"threat-actor-types", set(`activist competitor crime-syndicate criminal hacker
		insider-accidental insider-disgruntled nation-state sensationalist spy terrorist
		unknown`),
		map[string][]string{"threat-actor": {"threat_actor_types"}}},
	{"threat-actor-role", set(`agent director independent infrastructure-architect
		infrastructure-operator malware-author sponsor`),
		map[string][]string{"threat-actor": {"roles"}}},
	{"threat-actor-sophistication", set(`none minimal intermediate advanced expert innovator
		strategic`),
		map[string][]string{"threat-actor": {"sophistication"}}},
	{"tool-types", set(`denial-of-service exploitation information-gathering network-capture
		credential-exploitation remote-access vulnerability-scanning unknown`),
		map[string][]string{"tool": {"tool_types"}}},
	{"indicator-pattern-types", set(`stix pcre sigma snort suricata yara`),
		map[string][]string{"indicator": {"pattern_type"}}},
	{"account-type", set(`facebook ldap nis openid radius skype tacacs twitter unix
		windows-local windows-domain`),
		map[string][]string{"user-account": {"account_type"}}},
}

// hashAlgorithms is the hash-algorithm-ov vocabulary.
var hashAlgorithms = set(`MD5 SHA-1 SHA-256 SHA-512 SHA3-256 SHA3-512 SSDEEP TLSH`)

// windowsPEBinaryTypes is the windows-pebinary-type-ov vocabulary.
var windowsPEBinaryTypes = set(`exe dll sys`)

// pdfInfoKeys are the standard keys of a PDF document information
// dictionary (ISO 32000-1, table 317).
var pdfInfoKeys = set(`Title Author Subject Keywords Creator Producer CreationDate ModDate
	Trapped`)

// httpRequestHeaders are common request header field names: the RFC 9110
// and RFC 9111 fields, and widely used de facto fields.
var httpRequestHeaders = set(`Accept Accept-Charset Accept-Datetime Accept-Encoding
	Accept-Language Authorization Cache-Control Connection Content-Encoding
	Content-Length Content-MD5 Content-Type Cookie Date DNT Expect Forwarded From
	Front-End-Https Host If-Match If-Modified-Since If-None-Match If-Range
	If-Unmodified-Since Max-Forwards Origin Pragma Proxy-Authorization Proxy-Connection
	Range Referer TE Trailer Transfer-Encoding Upgrade User-Agent Via Warning
	X-ATT-DeviceId X-Correlation-ID X-Csrf-Token X-Forwarded-For X-Forwarded-Host
	X-Forwarded-Proto X-Http-Method-Override X-Request-ID X-Requested-With X-UIDH
	X-Wap-Profile`)

// socketOptionPrefixes are the option families the socket-ext options
// dictionary takes its keys from.
var socketOptionPrefixes = []string{"SO_", "ICMP_", "ICMP6_", "IP_", "IPV6_", "MCAST_",
	"TCP_", "IRLMP_"}

// socketOptions are option names of those families from the Linux and
// Windows socket headers.
var socketOptions = set(`SO_ACCEPTCONN SO_ATTACH_FILTER SO_BINDTODEVICE SO_BROADCAST
	SO_BSDCOMPAT SO_BUSY_POLL SO_CONDITIONAL_ACCEPT SO_CONNECT_TIME SO_DEBUG
	SO_DETACH_FILTER SO_DOMAIN SO_DONTLINGER SO_DONTROUTE SO_ERROR SO_EXCLUSIVEADDRUSE
	SO_GROUP_ID SO_GROUP_PRIORITY SO_INCOMING_CPU SO_KEEPALIVE SO_LINGER SO_LOCK_FILTER
	SO_MARK SO_MAX_MSG_SIZE SO_OOBINLINE SO_PASSCRED SO_PASSSEC SO_PEEK_OFF SO_PEERCRED
	SO_PEERNAME SO_PEERSEC SO_PORT_SCALABILITY SO_PRIORITY SO_PROTOCOL SO_PROTOCOL_INFO
	SO_RCVBUF SO_RCVBUFFORCE SO_RCVLOWAT SO_RCVTIMEO SO_REUSEADDR SO_REUSEPORT
	SO_RXQ_OVFL SO_SNDBUF SO_SNDBUFFORCE SO_SNDLOWAT SO_SNDTIMEO SO_TIMESTAMP
	SO_TIMESTAMPNS SO_TIMESTAMPING SO_TYPE SO_UPDATE_ACCEPT_CONTEXT
	SO_UPDATE_CONNECT_CONTEXT SO_USELOOPBACK SO_WIFI_STATUS
	ICMP6_FILTER IP_ADD_MEMBERSHIP IP_ADD_SOURCE_MEMBERSHIP IP_BIND_ADDRESS_NO_PORT
	IP_BLOCK_SOURCE IP_DONTFRAGMENT IP_DROP_MEMBERSHIP IP_DROP_SOURCE_MEMBERSHIP
	IP_FREEBIND IP_HDRINCL IP_MSFILTER IP_MTU IP_MTU_DISCOVER IP_MULTICAST_ALL
	IP_MULTICAST_IF IP_MULTICAST_LOOP IP_MULTICAST_TTL IP_NODEFRAG IP_OPTIONS
	IP_ORIGINAL_ARRIVAL_IF IP_PKTINFO IP_RECEIVE_BROADCAST IP_RECVDSTADDR IP_RECVERR
	IP_RECVIF IP_RECVOPTS IP_RECVORIGDSTADDR IP_RECVTOS IP_RECVTTL IP_RETOPTS
	IP_ROUTER_ALERT IP_TOS IP_TRANSPARENT IP_TTL IP_UNBLOCK_SOURCE IP_UNICAST_IF
	IP_WFP_REDIRECT_CONTEXT IP_WFP_REDIRECT_RECORDS
	IPV6_ADD_MEMBERSHIP IPV6_ADDRFORM IPV6_AUTHHDR IPV6_CHECKSUM IPV6_DONTFRAG
	IPV6_DROP_MEMBERSHIP IPV6_DSTOPTS IPV6_HDRINCL IPV6_HOPLIMIT IPV6_HOPOPTS
	IPV6_JOIN_GROUP IPV6_LEAVE_GROUP IPV6_MTU IPV6_MTU_DISCOVER IPV6_MULTICAST_HOPS
	IPV6_MULTICAST_IF IPV6_MULTICAST_LOOP IPV6_NEXTHOP IPV6_PKTINFO IPV6_PROTECTION_LEVEL
	IPV6_RECVDSTOPTS IPV6_RECVERR IPV6_RECVHOPLIMIT IPV6_RECVIF IPV6_RECVPKTINFO
	IPV6_RECVRTHDR IPV6_RECVTCLASS IPV6_ROUTER_ALERT IPV6_RTHDR IPV6_TCLASS
	IPV6_UNICAST_HOPS IPV6_UNICAST_IF IPV6_V6ONLY
	MCAST_BLOCK_SOURCE MCAST_JOIN_GROUP MCAST_JOIN_SOURCE_GROUP MCAST_LEAVE_GROUP
	MCAST_LEAVE_SOURCE_GROUP MCAST_MSFILTER MCAST_UNBLOCK_SOURCE
	TCP_BSDURGENT TCP_CONGESTION TCP_CORK TCP_DEFER_ACCEPT TCP_EXPEDITED_1122
	TCP_FASTOPEN TCP_INFO TCP_KEEPALIVE TCP_KEEPCNT TCP_KEEPIDLE TCP_KEEPINTVL
	TCP_LINGER2 TCP_MAXRT TCP_MAXSEG TCP_NODELAY TCP_NOTSENT_LOWAT TCP_QUICKACK
	TCP_SYNCNT TCP_TIMESTAMPS TCP_USER_TIMEOUT TCP_WINDOW_CLAMP
	IRLMP_9WIRE_MODE IRLMP_DISCOVERY_MODE IRLMP_ENUMDEVICES IRLMP_IAS_QUERY IRLMP_IAS_SET
	IRLMP_IRLPT_MODE IRLMP_SEND_PDU_LEN IRLMP_SHARP_MODE`)

// mediaTopLevelTypes are the top-level media types registered with IANA
// (RFC 6838 and its updates).
var mediaTopLevelTypes = set(`application audio example font haptics image message model
	multipart text video`)

// commonRelationships may join any two objects.
var commonRelationships = set(`derived-from duplicate-of related-to`)

// relationshipTargets lists, for each source type and relationship type,
// the target types the specification suggests (section 4, "Relationships"
// of each SDO, and section 6 for SCO relationships).
var relationshipTargets = map[string]map[string]string{
	"attack-pattern": {"delivers": "malware", "targets": "identity location vulnerability",
		"uses": "malware tool"},
	"campaign": {"attributed-to": "intrusion-set threat-actor", "compromises": "infrastructure",
		"originates-from": "location", "targets": "identity location vulnerability",
		"uses": "attack-pattern infrastructure malware tool"},
	"course-of-action": {"investigates": "indicator",
		"mitigates":  "attack-pattern indicator malware tool vulnerability",
		"remediates": "malware vulnerability"},
	"domain-name": {"resolves-to": "domain-name ipv4-addr ipv6-addr"},
	"identity":    {"located-at": "location"},
	"indicator": {"based-on": "observed-data",
		"indicates": "attack-pattern campaign infrastructure intrusion-set malware threat-actor tool"},
	"infrastructure": {
		"communicates-with": "domain-name infrastructure ipv4-addr ipv6-addr url",
		"consists-of":       "infrastructure observed-data " + scoTypeList,
		"controls":          "infrastructure malware", "delivers": "malware",
		"has": "vulnerability", "hosts": "malware tool", "located-at": "location",
		"uses": "infrastructure"},
	"intrusion-set": {"attributed-to": "threat-actor", "compromises": "infrastructure",
		"hosts": "infrastructure", "originates-from": "location", "owns": "infrastructure",
		"targets": "identity location vulnerability",
		"uses":    "attack-pattern infrastructure malware tool"},
	"ipv4-addr": {"belongs-to": "autonomous-system", "resolves-to": "mac-addr"},
	"ipv6-addr": {"belongs-to": "autonomous-system", "resolves-to": "mac-addr"},
	"malware": {"authored-by": "intrusion-set threat-actor", "beacons-to": "infrastructure",
		"communicates-with": "domain-name ipv4-addr ipv6-addr url", "controls": "malware",
		"downloads": "file malware tool", "drops": "file malware tool",
		"exfiltrates-to": "infrastructure", "exploits": "vulnerability",
		"originates-from": "location", "targets": "identity infrastructure location vulnerability",
		"uses": "attack-pattern infrastructure malware tool", "variant-of": "malware"},
	"malware-analysis": {"analysis-of": "malware", "characterizes": "malware",
		"dynamic-analysis-of": "malware", "static-analysis-of": "malware"},
	"threat-actor": {"attributed-to": "identity", "compromises": "infrastructure",
		"hosts": "infrastructure", "impersonates": "identity", "located-at": "location",
		"owns": "infrastructure", "targets": "identity location vulnerability",
		"uses": "attack-pattern infrastructure malware tool"},
	"tool": {"delivers": "malware", "drops": "malware", "has": "vulnerability",
		"targets": "identity infrastructure location vulnerability", "uses": "infrastructure"},
}

const scoTypeList = `artifact autonomous-system directory domain-name email-addr
	email-message file ipv4-addr ipv6-addr mac-addr mutex network-traffic process software
	url user-account windows-registry-key x509-certificate`

// dictionaryKeyExceptions are SCO dictionaries whose keys are not
// lower-case by convention (hash names, header and registry names).
var dictionaryKeyExceptions = set(`hashes file_header_hashes request_header
	additional_header_fields document_info_dict exif_tags ipfix options
	environment_variables key startup_info`)

// tlpMarkings maps the ids of the four STIX 2.1 TLP markings (section
// 7.2.1.4) to their level.
var tlpMarkings = map[string]string{
	"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "white",
	"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
	"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
	"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}

// tlp2Levels are the TLP 2.0 levels that STIX 2.1 does not define; OpenCTI
// writes them as definition_type tlp.
var tlp2Levels = map[string]string{"clear": "TLP:CLEAR", "amber+strict": "TLP:AMBER+STRICT"}

// tlp2Extension is the extension definition of the OASIS TLP 2.0 markings.
const tlp2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// tlp2Markings maps the ids of the OASIS TLP 2.0 marking definitions, which
// carry their level in the tlp_2_0 property of tlp2Extension, to that level.
var tlp2Markings = map[string]string{
	"marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "clear",
	"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "green",
	"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "amber",
	"marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "amber+strict",
	"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "red",
}
