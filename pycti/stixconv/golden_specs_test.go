package stixconv

import "encoding/json"

const (
	sdo       = "Stix-Domain-Object"
	container = "Stix-Domain-Object,Container"
	sdoBlocks = "S A O M L E D"
	obsBlocks = "O A M L E"
)

var amber = []string{"amber"}

// kcp is a kill chain phases member.
const kcp = `"killChainPhases":[{"id":"kcp-1","standard_id":"kill-chain-phase--669c7069-0cda-` +
	`5e65-8ce0-002e631ee320","entity_type":"Kill-Chain-Phase","kill_chain_name":"mitre-attack",` +
	`"phase_name":"initial-access","x_opencti_order":1,"created":"2024-01-01T00:00:00.000Z",` +
	`"modified":"2024-01-01T00:00:00.000Z"}]`

// domainSpecs are domain objects of every type the pycti readers select.
var domainSpecs = []spec{
	{name: "AttackPattern", entityType: "Attack-Pattern", parents: sdo, stixType: "attack-pattern",
		blocks: sdoBlocks, markings: amber,
		fields: `"name":"Spearphishing Link","description":"Links in mail.","aliases":[],` +
			`"x_mitre_platforms":["Windows"],"x_mitre_permissions_required":["User"],` +
			`"x_mitre_detection":"Watch mail.","x_mitre_id":"T1566.002"`, tail: kcp},
	{name: "Campaign", entityType: "Campaign", parents: sdo, stixType: "campaign",
		blocks: sdoBlocks, markings: []string{"pap"},
		fields: `"name":"Winter Lures","description":"","aliases":["WL"],` +
			`"first_seen":"1970-01-01T00:00:00.000Z","last_seen":"2024-01-31T00:00:00.000Z",` +
			`"objective":"Credential theft"`},
	{name: "CaseIncident", entityType: "Case-Incident", parents: container,
		stixType: "case-incident", blocks: sdoBlocks, markings: amber,
		fields: `"name":"Mail compromise","description":"Triage.","rating":3,` +
			`"severity":"high","priority":"P2","response_types":["ransomware"]`,
		tail: members(member("ind-in-case", "Indicator", "indicator", `"Stix-Domain-Object"`),
			member("hidden-member", "Malware", "malware", `"Stix-Domain-Object"`))},
	{name: "CaseRfi", entityType: "Case-Rfi", parents: container, stixType: "case-rfi",
		blocks: sdoBlocks, markings: amber,
		fields: `"name":"Who is Amber Heron?","description":"","information_types":["actor"],` +
			`"severity":"low","priority":"P4"`},
	{name: "CaseRft", entityType: "Case-Rft", parents: container, stixType: "case-rft",
		blocks: sdoBlocks, markings: amber,
		fields: `"name":"Take down lure site","description":"","takedown_types":["domain"],` +
			`"severity":"medium","priority":"P3"`},
	{name: "Channel", entityType: "Channel", parents: sdo, stixType: "channel",
		blocks: "A O M L E D", markings: amber,
		fields: `"name":"Lure channel","description":"","aliases":[],"channel_types":["Telegram"]`},
	{name: "CourseOfAction", entityType: "Course-Of-Action", parents: sdo,
		stixType: "course-of-action", blocks: sdoBlocks, markings: []string{"clear"},
		fields: `"name":"User training","description":"Teach users.","x_opencti_aliases":[],` +
			`"x_mitre_id":"M1017"`},
	{name: "DataComponent", entityType: "Data-Component", parents: sdo,
		stixType: "data-component", blocks: sdoBlocks, markings: amber,
		fields: `"name":"Process Creation","description":"","aliases":[],` +
			`"dataSource":{"id":"ds-1","standard_id":"` + sid("data-source", "ds") + `",` +
			`"entity_type":"Data-Source","parent_types":["Stix-Domain-Object"],` +
			`"spec_version":"2.1","created_at":"2024-01-01T00:00:00.000Z",` +
			`"updated_at":"2024-01-01T00:00:00.000Z","revoked":false,"confidence":90,` +
			`"created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z",` +
			`"name":"Process","description":"","aliases":[],"x_mitre_platforms":["Linux"],` +
			`"collection_layers":["host"]}`},
	{name: "DataSource", entityType: "Data-Source", parents: sdo, stixType: "data-source",
		blocks: sdoBlocks, markings: amber,
		fields: `"name":"Network Traffic","description":"Flows.","aliases":[],` +
			`"x_mitre_platforms":["Network"],"collection_layers":["network"]`},
	{name: "Event", entityType: "Event", parents: sdo, stixType: "event", blocks: sdoBlocks,
		markings: amber, fields: `"name":"Summit","description":"","aliases":[],` +
			`"event_types":["conference"],"start_time":"2024-05-01T00:00:00.000Z",` +
			`"stop_time":"5138-11-16T09:46:40.000Z","x_opencti_score":40`},
	{name: "Feedback", entityType: "Feedback", parents: container, stixType: "feedback",
		blocks: "S A M L E D", markings: amber,
		fields: `"name":"Export feedback","description":"Fine.","rating":4`},
	{name: "Grouping", entityType: "Grouping", parents: container, stixType: "grouping",
		blocks: sdoBlocks, markings: amber,
		fields: `"name":"Lure set","description":"","context":"suspicious-activity",` +
			`"x_opencti_aliases":[]`,
		tail: members(member("case-in-grouping", "Case-Incident", "case-incident",
			`"Stix-Domain-Object","Container"`),
			member("ref-rel", "obs_resolves-to", "relationship-meta",
				`"basic-relationship","stix-ref-relationship"`))},
	{name: "Incident", entityType: "Incident", parents: sdo, stixType: "incident",
		blocks: sdoBlocks, markings: amber,
		fields: `"name":"Mailbox breach","description":"","aliases":[],` +
			`"first_seen":"2024-02-01T00:00:00.000Z","last_seen":"5138-11-16T09:46:40.000Z",` +
			`"objective":"","incident_type":"compromise","severity":"high","source":"SOC",` +
			`"x_opencti_score":70`},
	{name: "Indicator", entityType: "Indicator", parents: sdo, stixType: "indicator",
		blocks: "A O M L E D", markings: amber,
		fields: `"pattern_type":"stix","pattern_version":null,` +
			`"pattern":"[ipv4-addr:value = '198.51.100.7']","name":"C2 address",` +
			`"description":"","indicator_types":["malicious-activity"],` +
			`"valid_from":"2024-03-01T10:00:00.000Z","valid_until":"2024-03-01T10:00:00.000Z",` +
			`"x_opencti_score":80,"x_opencti_detection":false,` +
			`"x_opencti_main_observable_type":"IPv4-Addr","x_opencti_observable_values":` +
			`[{"type":"IPv4-Addr","value":"198.51.100.7","hashes":[]}],` +
			`"x_mitre_platforms__indicator":["Windows"]`, tail: kcp},
	{name: "Infrastructure", entityType: "Infrastructure", parents: sdo,
		stixType: "infrastructure", blocks: sdoBlocks, markings: amber,
		fields: `"name":"Lure hosting","description":"","infrastructure_types":["hosting"],` +
			`"first_seen":"1970-01-01T00:00:00.000Z","last_seen":"5138-11-16T09:46:40.000Z"`,
		tail: kcp},
	{name: "IntrusionSet", entityType: "Intrusion-Set", parents: sdo, stixType: "intrusion-set",
		blocks: sdoBlocks, markings: []string{"amber", "statement"},
		fields: `"name":"Amber Heron","description":"","aliases":["AH"],` +
			`"first_seen":"2022-01-01T00:00:00.000Z","last_seen":"2024-01-01T00:00:00.000Z",` +
			`"goals":["espionage"],"resource_level":"government","primary_motivation":"` +
			`organizational-gain","secondary_motivations":[],"x_opencti_score":null`},
	{name: "Language", entityType: "Language", parents: sdo, stixType: "language",
		blocks: "S A O M L E D", markings: amber, fields: `"name":"Freedonian","aliases":[]`,
		tail: fileList(fileNode("import/Language/language-1/glossary.txt", "glossary.txt",
			"text/plain", "", "amber", "pap"))},
	{name: "Malware", entityType: "Malware", parents: sdo, stixType: "malware",
		blocks: sdoBlocks, markings: []string{"strict"},
		fields: `"name":"Quillfeather","description":"Loader.","aliases":[],` +
			`"malware_types":["trojan"],"is_family":null,"first_seen":` +
			`"1970-01-01T00:00:00.000Z","last_seen":"5138-11-16T09:46:40.000Z",` +
			`"architecture_execution_envs":[],"implementation_languages":["go"],` +
			`"capabilities":[],` + kcp + `,"samples":[{"id":"sample-file"}],"x_opencti_score":60`},
	{name: "MalwareAnalysis", entityType: "Malware-Analysis", parents: sdo,
		stixType: "malware-analysis", blocks: sdoBlocks, markings: amber,
		fields: `"product":"example-sandbox","result_name":"quillfeather","result":"malicious",` +
			`"submitted":"2024-03-01T00:00:00.000Z","analysis_started":null,` +
			`"analysis_ended":null,"version":"2.1","configuration_version":"",` +
			`"analysis_engine_version":"","analysis_definition_version":"","modules":[]`},
	{name: "Narrative", entityType: "Narrative", parents: sdo, stixType: "narrative",
		blocks: sdoBlocks, markings: amber,
		fields: `"name":"Election doubt","description":"","aliases":[],` +
			`"narrative_types":["political"]`},
	{name: "Note", entityType: "Note", parents: container, stixType: "note", blocks: sdoBlocks,
		markings: amber, fields: `"attribute_abstract":"Summary","content__note":"Seen twice.",` +
			`"authors":["analyst"],"note_types":["analysis"],"likelihood":50`,
		tail: members(member("opinion-in-note", "Opinion", "opinion", `"Stix-Domain-Object"`),
			member("malware-in-note", "Malware", "malware", `"Stix-Domain-Object"`))},
	{name: "ObservedData", entityType: "Observed-Data", parents: container,
		stixType: "observed-data", blocks: sdoBlocks, markings: amber,
		fields: `"first_observed":"2024-03-01T00:00:00.000Z",` +
			`"last_observed":"2024-03-02T00:00:00.000Z","number_observed":3`,
		tail: members(member("ip-observed", "IPv4-Addr", "ipv4-addr", `"Stix-Cyber-Observable"`))},
	{name: "Opinion", entityType: "Opinion", parents: container, stixType: "opinion",
		blocks: sdoBlocks, markings: amber,
		fields: `"explanation":"Likely right.","authors":[],"opinion":"agree"`,
		tail:   members(member("report-in-opinion", "Report", "report", `"Stix-Domain-Object"`))},
	{name: "Report", entityType: "Report", parents: container, stixType: "report",
		blocks: sdoBlocks, markings: amber,
		fields: `"x_opencti_reliability":"B","name":"Quarterly lure review",` +
			`"description":"See ![chart](https://opencti.example.org/storage/get/embedded/` +
			`chart.png) and ![ext](https://img.example.org/a.png).","content":"<p>Body</p>",` +
			`"report_types":["threat-report"],"published":"2024-03-05T08:00:00.000Z"`,
		tail: members(member("ind-in-report", "Indicator", "indicator", `"Stix-Domain-Object"`),
			member("note-in-report", "Note", "note", `"Stix-Domain-Object","Container"`),
			member("task-in-report", "Task", "task", `"Stix-Domain-Object","Container"`),
			member("rel-in-report", "uses", "relationship",
				`"basic-relationship","stix-relationship","stix-core-relationship"`)) + "," +
			fileList(fileNode("import/Report/report-1/brief.pdf", "brief.pdf",
				"application/pdf", "2024-02-10T07:30:11.000Z", "amber"))},
	{name: "SecurityCoverage", entityType: "Security-Coverage", parents: sdo,
		stixType: "security-coverage", blocks: "M", markings: amber,
		fields: `"external_uri":"https://coverage.example.org/1",` +
			`"objectCovered":{"__typename":"IntrusionSet","id":"intrusionset-1"}`},
	{name: "Task", entityType: "Task", parents: container, stixType: "task",
		blocks: "S A M L E D", markings: amber,
		fields: `"name":"Block domains","description":"","due_date":"2024-04-01T00:00:00.000Z"`},
	{name: "ThreatActorGroup", entityType: "Threat-Actor-Group", parents: sdo,
		stixType: "threat-actor", blocks: sdoBlocks, markings: amber,
		fields: `"name":"Amber Heron","description":"","aliases":[],` +
			`"threat_actor_types":["nation-state"],"first_seen":"1970-01-01T00:00:00.000Z",` +
			`"last_seen":"5138-11-16T09:46:40.000Z","roles":["agent"],"goals":[],` +
			`"sophistication":"expert","resource_level":"government","primary_motivation":` +
			`"ideology","secondary_motivations":[],"personal_motivations":[],"x_opencti_score":90`},
	{name: "ThreatActorIndividual", entityType: "Threat-Actor-Individual", parents: sdo,
		stixType: "threat-actor", blocks: sdoBlocks, markings: amber,
		fields: `"name":"J. Doe","description":"","aliases":[],"threat_actor_types":` +
			`["crime-syndicate"],"first_seen":"2023-01-01T00:00:00.000Z","last_seen":` +
			`"5138-11-16T09:46:40.000Z","roles":[],"goals":["profit"],"sophistication":` +
			`"intermediate","resource_level":"individual","primary_motivation":"personal-gain",` +
			`"secondary_motivations":[],"personal_motivations":["revenge"]`},
	{name: "Tool", entityType: "Tool", parents: sdo, stixType: "tool", blocks: sdoBlocks,
		markings: amber, fields: `"name":"Mimikatz","description":"","aliases":[],` +
			`"tool_types":["credential-exploitation"],"tool_version":"2.2"`, tail: kcp},
	{name: "Vulnerability", entityType: "Vulnerability", parents: sdo,
		stixType: "vulnerability", blocks: sdoBlocks, markings: amber,
		fields: `"name":"CVE-2024-0001","description":"Overflow.","x_opencti_aliases":[],` +
			`"x_opencti_first_seen_active":null,"x_opencti_score":75,"x_opencti_cwe":["CWE-787"],` +
			`"x_opencti_cisa_kev":true,"x_opencti_epss_score":0.42,"x_opencti_epss_percentile":` +
			`0.97,"x_opencti_cvss_vector_string":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",` +
			`"x_opencti_cvss_base_score":9.8,"x_opencti_cvss_base_severity":"CRITICAL",` +
			`"x_opencti_cvss_v2_base_score":null,"x_opencti_cvss_v4_base_score":null`},
}

// identitySpecs and locationSpecs are the identity and location subtypes.
var identitySpecs = []spec{
	{name: "Organization", entityType: "Organization", parents: "Stix-Domain-Object,Identity",
		stixType: "identity", blocks: "S A M O L E D", markings: amber,
		fields: `"identity_class":"organization","name":"Northwind","description":"",` +
			`"x_opencti_aliases":[],"x_opencti_reliability":"A","contact_information":"",` +
			`"x_opencti_organization_type":"vendor","x_opencti_score":50`},
	{name: "Individual", entityType: "Individual", parents: "Stix-Domain-Object,Identity",
		stixType: "identity", blocks: "S A M O L E D", markings: amber,
		fields: `"identity_class":"individual","name":"Ada Analyst","description":"",` +
			`"x_opencti_aliases":[],"x_opencti_reliability":null,"contact_information":` +
			`"ada@example.org","x_opencti_firstname":"Ada","x_opencti_lastname":"Analyst"`},
	{name: "Sector", entityType: "Sector", parents: "Stix-Domain-Object,Identity",
		stixType: "identity", blocks: "S A M O L E D", markings: amber,
		fields: `"identity_class":"class","name":"Energy","description":"Power.",` +
			`"x_opencti_aliases":[],"x_opencti_reliability":null,"contact_information":null`},
	{name: "System", entityType: "System", parents: "Stix-Domain-Object,Identity",
		stixType: "identity", blocks: "S A M O L E D", markings: amber,
		fields: `"identity_class":"system","name":"Mail gateway","description":"",` +
			`"x_opencti_aliases":[],"x_opencti_reliability":null,"contact_information":null`},
	{name: "SecurityPlatform", entityType: "SecurityPlatform",
		parents: "Stix-Domain-Object,Identity", stixType: "identity", blocks: "S A M O L E D",
		markings: amber, fields: `"identity_class":"system","name":"Example EDR",` +
			`"description":"","x_opencti_aliases":[],"x_opencti_reliability":null,` +
			`"contact_information":null,"security_platform_type":"edr"`},
}

var locationSpecs = []spec{
	{name: "Region", entityType: "Region", parents: "Stix-Domain-Object,Location",
		stixType: "location", blocks: "S A M O L E D", markings: amber,
		fields: `"name":"Northern Europe","description":"","latitude":null,"longitude":null,` +
			`"precision":null,"x_opencti_aliases":[]`},
	{name: "Country", entityType: "Country", parents: "Stix-Domain-Object,Location",
		stixType: "location", blocks: "S A M O L E D", markings: amber,
		fields: `"name":"Freedonia","description":"","latitude":48.1,"longitude":11.5,` +
			`"precision":null,"x_opencti_aliases":["FR-D"]`},
	{name: "AdministrativeArea", entityType: "Administrative-Area",
		parents: "Stix-Domain-Object,Location", stixType: "location", blocks: "S A M O L E D",
		markings: amber, fields: `"name":"North Province","description":"","latitude":null,` +
			`"longitude":null,"precision":null,"x_opencti_aliases":[]`},
	{name: "City", entityType: "City", parents: "Stix-Domain-Object,Location",
		stixType: "location", blocks: "S A M O L E D", markings: amber,
		fields: `"name":"Port Example","description":"","latitude":null,"longitude":null,` +
			`"precision":null,"x_opencti_aliases":[]`},
	{name: "Position", entityType: "Position", parents: "Stix-Domain-Object,Location",
		stixType: "location", blocks: "S A M O L E D", markings: amber,
		fields: `"name":"Data center","description":"","latitude":52.52,"longitude":13.405,` +
			`"precision":100,"x_opencti_aliases":[]`},
}

// obs builds an observable spec.
func obs(name, entityType, stixType, value, fields string) spec {
	common := `"observable_value":` + value + `,"x_opencti_description":"Seen in lures.",` +
		`"x_opencti_score":50`
	if fields != "" {
		common += "," + fields
	}
	return spec{name: name, entityType: entityType, parents: "Stix-Cyber-Observable",
		stixType: stixType, blocks: obsBlocks, markings: amber, fields: common}
}

const hashList = `"hashes":[{"algorithm":"MD5","hash":"b5c249765309285c5705ad31c17e2906"},` +
	`{"algorithm":"sha256","hash":"fb9e3b23c51240952f156da0e187c66285cae6d0e18f536fc04ea6116` +
	`3865661"}]`

var observableSpecs = []spec{
	obs("AutonomousSystem", "Autonomous-System", "autonomous-system", `"AS64500"`,
		`"number":64500,"name__observable":"Example AS","rir":"RIPE"`),
	obs("Directory", "Directory", "directory", `"/tmp/x"`, `"path":"/tmp/x","path_enc":null,`+
		`"ctime":null,"mtime":null,"atime":null`),
	obs("DomainName", "Domain-Name", "domain-name", `"cdn.example.net"`,
		`"value":"cdn.example.net"`),
	obs("IPv4Addr", "IPv4-Addr", "ipv4-addr", `"198.51.100.7"`, `"value":"198.51.100.7"`),
	obs("IPv6Addr", "IPv6-Addr", "ipv6-addr", `"2001:db8::7"`, `"value":"2001:db8::7"`),
	obs("MacAddr", "Mac-Addr", "mac-addr", `"00:00:5e:00:53:01"`, `"value":"00:00:5e:00:53:01"`),
	obs("Url", "Url", "url", `"https://cdn.example.net/a"`, `"value":"https://cdn.example.net/a"`),
	obs("Hostname", "Hostname", "hostname", `"host1"`, `"value":"host1"`),
	obs("Text", "Text", "text", `"lure text"`, `"value":"lure text"`),
	obs("UserAgent", "User-Agent", "user-agent", `"Example/1.0"`, `"value":"Example/1.0"`),
	obs("CryptographicKey", "Cryptographic-Key", "cryptographic-key", `"k1"`, `"value":"k1"`),
	obs("CryptocurrencyWallet", "Cryptocurrency-Wallet", "cryptocurrency-wallet", `"bc1q"`,
		`"value":"bc1qexample"`),
	obs("PhoneNumber", "Phone-Number", "phone-number", `"+1-555-0100"`, `"value":"+1-555-0100"`),
	obs("TrackingNumber", "Tracking-Number", "tracking-number", `"TN1"`, `"value":"TN1"`),
	obs("Credential", "Credential", "credential", `"hunter2"`, `"value":"hunter2"`),
	obs("EmailAddr", "Email-Addr", "email-addr", `"ada@example.org"`,
		`"value":"ada@example.org","display_name":"Ada"`),
	obs("EmailMessage", "Email-Message", "email-message", `"Invoice"`,
		`"is_multipart":true,"attribute_date":"2024-03-01T08:00:00.000Z","content_type":`+
			`"multipart/mixed","message_id":"<1@example.org>","subject":"Invoice",`+
			`"received_lines":[],"body":null`),
	obs("Artifact", "Artifact", "artifact", `"payload"`, `"mime_type":"application/zip",`+
		`"payload_bin":null,"url":null,"encryption_algorithm":null,"decryption_key":null,`+
		hashList+`,`+fileList(fileNode("import/Artifact/artifact-1/payload.zip", "payload.zip",
		"application/zip", "", "amber"))),
	obs("StixFile", "StixFile", "file", `"invoice.pdf.exe"`, `"extensions":`+
		`"{\"windows-pebinary-ext\":{\"pe_type\":\"exe\"}}","size":48213,`+
		`"name__observable":"invoice.pdf.exe","name_enc":null,"magic_number_hex":"4d5a",`+
		`"mime_type":"application/x-msdownload","ctime":null,"mtime":null,"atime":null,`+
		`"x_opencti_additional_names":["invoice.exe"],`+hashList),
	obs("X509Certificate", "X509-Certificate", "x509-certificate", `"cert"`,
		`"is_self_signed":true,"version":"3","serial_number":"01","signature_algorithm":`+
			`"sha256WithRSAEncryption","issuer":"CN=Example","subject":"CN=Example",`+
			`"validity_not_before":"2024-01-01T00:00:00.000Z","validity_not_after":`+
			`"2025-01-01T00:00:00.000Z",`+hashList+`,"key_usage":"digitalSignature"`),
	obs("SSHKey", "SSH-Key", "ssh-key", `"SHA256:abc"`, `"key_type":"ssh-ed25519",`+
		`"public_key":"AAAAC3Nz","fingerprint_sha256":"SHA256:abc","fingerprint_md5":null,`+
		`"key_length":256,"expiration_date":null,"comment":"ops","created":`+
		`"2024-01-01T00:00:00.000Z"`),
	obs("Mutex", "Mutex", "mutex", `"Global\\qf"`, `"name__observable":"Global\\qf"`),
	obs("NetworkTraffic", "Network-Traffic", "network-traffic", `"tcp"`, `"extensions":"",`+
		`"start":"2024-03-01T00:00:00.000Z","end":null,"is_active":false,"src_port":49152,`+
		`"dst_port":443,"protocols":["ipv4","tcp"],"src_byte_count":100,"dst_byte_count":0,`+
		`"src_packets":null,"dst_packets":null`),
	obs("Process", "Process", "process", `"1234"`, `"extensions":"not json","is_hidden":false,`+
		`"pid":1234,"created_time":null,"cwd":"C:\\","command_line":"qf.exe -s",`+
		`"environment_variables":["PATH=C:\\Windows","TEMP=C:\\Temp"]`),
	obs("Software", "Software", "software", `"Example Reader"`, `"name__observable":`+
		`"Example Reader","cpe":"cpe:2.3:a:example:reader:1.0:*:*:*:*:*:*:*","swid":null,`+
		`"languages":[],"vendor":"Example","version":"1.0","x_opencti_product":null`),
	obs("UserAccount", "User-Account", "user-account", `"ada"`, `"extensions":null,`+
		`"user_id":"1001","credential":null,"account_login":"ada","account_type":"unix",`+
		`"display_name":"Ada","is_service_account":false,"is_privileged":false,`+
		`"can_escalate_privs":false,"is_disabled":false,"account_created":null,`+
		`"account_expires":null,"credential_last_changed":null,"account_first_login":null,`+
		`"account_last_login":null`),
	obs("WindowsRegistryKey", "Windows-Registry-Key", "windows-registry-key", `"HKLM\\Run"`,
		`"attribute_key":"HKEY_LOCAL_MACHINE\\Run","modified_time":null,"number_of_subkeys":0`),
	obs("WindowsRegistryValueType", "Windows-Registry-Value-Type",
		"windows-registry-value-type", `"qf"`, `"name__observable":"qf","data":"qf.exe",`+
			`"data_type":"REG_SZ"`),
	obs("BankAccount", "Bank-Account", "bank-account", `"DE00"`, `"iban":"DE00123412341234",`+
		`"bic":"EXAMPLEX","account_number":"1234"`),
	obs("PaymentCard", "Payment-Card", "payment-card", `"4111"`, `"card_number":`+
		`"4111111111111111","expiration_date":null,"cvv":null,"holder_name":"Ada"`),
	obs("Persona", "Persona", "persona", `"@lure"`, `"persona_name":"@lure",`+
		`"persona_type":"social-media"`),
	obs("MediaContent", "Media-Content", "media-content", `"post"`, `"title":"Post",`+
		`"content__observable":"Text of the post","media_category":"blog",`+
		`"url":"https://blog.example.org/p","publication_date":null`),
	obs("AIPrompt", "AI-Prompt", "ai-prompt", `"ignore rules"`, `"value":"ignore rules"`),
	obs("IMEI", "IMEI", "imei", `"490154203237518"`, `"value":"490154203237518"`),
	obs("ICCID", "ICCID", "iccid", `"8944500102198304826"`, `"value":"8944500102198304826"`),
	obs("IMSI", "IMSI", "imsi", `"310150123456789"`, `"value":"310150123456789"`),
	obs("EmailMimePartType", "Email-Mime-Part-Type", "email-mime-part-type", `"part"`, ``),
}

// nestedRefs are the nested ref relationships the test resolver returns.
var nestedRefs = map[string][]json.RawMessage{
	"emailmessage-1": {
		refNode("emailmessage-1", "from", "addr-from", "Email-Addr", "email-addr", ""),
		refNode("emailmessage-1", "to", "addr-to", "Email-Addr", "email-addr", ""),
		refNode("emailmessage-1", "cc", "addr-cc", "Email-Addr", "email-addr", ""),
		refNode("emailmessage-1", "body-multipart", "part-1", "Email-Mime-Part-Type",
			"email-mime-part-type", `"body":"Hello","content_type":"text/plain",`+
				`"content_disposition":null`),
		refNode("emailmessage-1", "body-multipart", "part-2", "Email-Mime-Part-Type",
			"email-mime-part-type", `"body":null,"content_type":"application/zip"`),
		refNode("emailmessage-1", "raw-email", "raw-1", "Artifact", "artifact", ""),
		refNode("emailmessage-1", "to", "hidden-member", "Email-Addr", "email-addr", ""),
	},
	"windowsregistrykey-1": {
		refNode("windowsregistrykey-1", "values", "value-1", "Windows-Registry-Value-Type",
			"windows-registry-value-type", `"name":"qf","data":"qf.exe","data_type":"REG_SZ"`),
	},
	"malwareanalysis-1": {
		refNode("malwareanalysis-1", "operating-system", "sw-os", "Software", "software", ""),
		refNode("malwareanalysis-1", "sample", "file-s", "StixFile", "file", ""),
		refNode("malwareanalysis-1", "analysis-sco", "ip-a", "IPv4-Addr", "ipv4-addr", ""),
	},
	"malware-1": {
		refNode("malware-1", "sample", "sample-file", "StixFile", "file", ""),
		refNode("malware-1", "operating-system", "sw-os", "Software", "software", ""),
	},
	"domainname-1": {
		refNode("domainname-1", "obs_resolves-to", "ip-r", "IPv4-Addr", "ipv4-addr", ""),
	},
	"stixfile-1": {
		refNode("stixfile-1", "x_opencti_linked-to", "ip-l1", "IPv4-Addr", "ipv4-addr", ""),
		refNode("stixfile-1", "x_opencti_linked-to", "ip-l2", "IPv4-Addr", "ipv4-addr", ""),
		refNode("stixfile-1", "parent-directory", "dir-1", "Directory", "directory", ""),
	},
	"networktraffic-1": {
		refNode("networktraffic-1", "src", "ip-src", "IPv4-Addr", "ipv4-addr", ""),
		refNode("networktraffic-1", "dst", "ip-dst", "IPv4-Addr", "ipv4-addr", ""),
		refNode("networktraffic-1", "encapsulates", "nt-2", "Network-Traffic",
			"network-traffic", ""),
	},
	"process-1": {
		refNode("process-1", "opened-connection", "nt-3", "Network-Traffic", "network-traffic",
			""),
		refNode("process-1", "image", "file-img", "StixFile", "file", ""),
		refNode("process-1", "creator-user", "ua-1", "User-Account", "user-account", ""),
		refNode("process-1", "child", "proc-2", "Process", "process", ""),
	},
	"directory-1": {
		refNode("directory-1", "contains", "file-c", "StixFile", "file", ""),
	},
}
