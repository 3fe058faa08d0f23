package stix

import "encoding/json"

// AttackPattern is a type of tactics, techniques and procedures (TTP) that
// describes a way adversaries attempt to compromise targets.
type AttackPattern struct {
	Common
	Name            string           `json:"name"`
	Description     string           `json:"description,omitempty"`
	Aliases         []string         `json:"aliases,omitempty"`
	KillChainPhases []KillChainPhase `json:"kill_chain_phases,omitempty"`
}

// Campaign is a grouping of adversarial behaviours over a period of time
// against a set of targets.
type Campaign struct {
	Common
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Aliases     []string  `json:"aliases,omitempty"`
	FirstSeen   Timestamp `json:"first_seen,omitzero"`
	LastSeen    Timestamp `json:"last_seen,omitzero"`
	Objective   string    `json:"objective,omitempty"`
}

// CourseOfAction is a recommendation to prevent or respond to an attack.
type CourseOfAction struct {
	Common
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Grouping asserts that the referenced objects share a context, without
// the analysis a Report implies.
type Grouping struct {
	Common
	Name        string   `json:"name,omitempty"`
	Description string   `json:"description,omitempty"`
	Context     string   `json:"context"`
	ObjectRefs  []string `json:"object_refs"`
}

// Identity is an individual, organization, group, sector or system.
type Identity struct {
	Common
	Name               string   `json:"name"`
	Description        string   `json:"description,omitempty"`
	Roles              []string `json:"roles,omitempty"`
	IdentityClass      string   `json:"identity_class,omitempty"`
	Sectors            []string `json:"sectors,omitempty"`
	ContactInformation string   `json:"contact_information,omitempty"`
}

// Incident is a security incident. STIX 2.1 defines only its name,
// description and kill chain phases; producers add the rest through
// extensions.
type Incident struct {
	Common
	Name            string           `json:"name"`
	Description     string           `json:"description,omitempty"`
	KillChainPhases []KillChainPhase `json:"kill_chain_phases,omitempty"`
}

// Indicator is a pattern that can be used to detect suspicious or malicious
// activity.
type Indicator struct {
	Common
	Name            string           `json:"name,omitempty"`
	Description     string           `json:"description,omitempty"`
	IndicatorTypes  []string         `json:"indicator_types,omitempty"`
	Pattern         string           `json:"pattern"`
	PatternType     string           `json:"pattern_type"`
	PatternVersion  string           `json:"pattern_version,omitempty"`
	ValidFrom       Timestamp        `json:"valid_from,omitzero"`
	ValidUntil      Timestamp        `json:"valid_until,omitzero"`
	KillChainPhases []KillChainPhase `json:"kill_chain_phases,omitempty"`
}

// Infrastructure is a system, software service or resource used for attack
// or defence, such as a command-and-control server.
type Infrastructure struct {
	Common
	Name                string           `json:"name"`
	Description         string           `json:"description,omitempty"`
	InfrastructureTypes []string         `json:"infrastructure_types,omitempty"`
	Aliases             []string         `json:"aliases,omitempty"`
	KillChainPhases     []KillChainPhase `json:"kill_chain_phases,omitempty"`
	FirstSeen           Timestamp        `json:"first_seen,omitzero"`
	LastSeen            Timestamp        `json:"last_seen,omitzero"`
}

// IntrusionSet is a grouped set of adversarial behaviours and resources
// believed to be orchestrated by one organization.
type IntrusionSet struct {
	Common
	Name                 string    `json:"name"`
	Description          string    `json:"description,omitempty"`
	Aliases              []string  `json:"aliases,omitempty"`
	FirstSeen            Timestamp `json:"first_seen,omitzero"`
	LastSeen             Timestamp `json:"last_seen,omitzero"`
	Goals                []string  `json:"goals,omitempty"`
	ResourceLevel        string    `json:"resource_level,omitempty"`
	PrimaryMotivation    string    `json:"primary_motivation,omitempty"`
	SecondaryMotivations []string  `json:"secondary_motivations,omitempty"`
}

// Location is a geographic location, given by coordinates, by address
// fields or by region.
type Location struct {
	Common
	Name               string   `json:"name,omitempty"`
	Description        string   `json:"description,omitempty"`
	Latitude           *float64 `json:"latitude,omitempty"`
	Longitude          *float64 `json:"longitude,omitempty"`
	Precision          *float64 `json:"precision,omitempty"`
	Region             string   `json:"region,omitempty"`
	Country            string   `json:"country,omitempty"`
	AdministrativeArea string   `json:"administrative_area,omitempty"`
	City               string   `json:"city,omitempty"`
	StreetAddress      string   `json:"street_address,omitempty"`
	PostalCode         string   `json:"postal_code,omitempty"`
}

// Malware is malicious code or a malware family. IsFamily is required by
// STIX 2.1; it is a pointer so that false and absent stay distinct.
type Malware struct {
	Common
	Name                      string           `json:"name,omitempty"`
	Description               string           `json:"description,omitempty"`
	MalwareTypes              []string         `json:"malware_types,omitempty"`
	IsFamily                  *bool            `json:"is_family,omitempty"`
	Aliases                   []string         `json:"aliases,omitempty"`
	KillChainPhases           []KillChainPhase `json:"kill_chain_phases,omitempty"`
	FirstSeen                 Timestamp        `json:"first_seen,omitzero"`
	LastSeen                  Timestamp        `json:"last_seen,omitzero"`
	OperatingSystemRefs       []string         `json:"operating_system_refs,omitempty"`
	ArchitectureExecutionEnvs []string         `json:"architecture_execution_envs,omitempty"`
	ImplementationLanguages   []string         `json:"implementation_languages,omitempty"`
	Capabilities              []string         `json:"capabilities,omitempty"`
	SampleRefs                []string         `json:"sample_refs,omitempty"`
}

// MalwareAnalysis is the result of a static or dynamic analysis of a
// malware instance or family.
type MalwareAnalysis struct {
	Common
	Product                   string    `json:"product"`
	Version                   string    `json:"version,omitempty"`
	HostVMRef                 string    `json:"host_vm_ref,omitempty"`
	OperatingSystemRef        string    `json:"operating_system_ref,omitempty"`
	InstalledSoftwareRefs     []string  `json:"installed_software_refs,omitempty"`
	ConfigurationVersion      string    `json:"configuration_version,omitempty"`
	Modules                   []string  `json:"modules,omitempty"`
	AnalysisEngineVersion     string    `json:"analysis_engine_version,omitempty"`
	AnalysisDefinitionVersion string    `json:"analysis_definition_version,omitempty"`
	Submitted                 Timestamp `json:"submitted,omitzero"`
	AnalysisStarted           Timestamp `json:"analysis_started,omitzero"`
	AnalysisEnded             Timestamp `json:"analysis_ended,omitzero"`
	ResultName                string    `json:"result_name,omitempty"`
	Result                    string    `json:"result,omitempty"`
	AnalysisSCORefs           []string  `json:"analysis_sco_refs,omitempty"`
	SampleRef                 string    `json:"sample_ref,omitempty"`
}

// Note is text that adds context or analysis to the referenced objects.
type Note struct {
	Common
	Abstract   string   `json:"abstract,omitempty"`
	Content    string   `json:"content"`
	Authors    []string `json:"authors,omitempty"`
	ObjectRefs []string `json:"object_refs"`
}

// ObservedData records cyber-security related information (SCOs) seen on
// systems and networks, with the time window and count of the sightings.
type ObservedData struct {
	Common
	FirstObserved  Timestamp `json:"first_observed,omitzero"`
	LastObserved   Timestamp `json:"last_observed,omitzero"`
	NumberObserved *int      `json:"number_observed,omitempty"`
	// Objects is the STIX 2.0 dictionary of embedded SCOs, deprecated in
	// STIX 2.1 in favour of ObjectRefs; values are raw JSON objects.
	Objects    map[string]json.RawMessage `json:"objects,omitempty"`
	ObjectRefs []string                   `json:"object_refs,omitempty"`
}

// Opinion is an assessment of the correctness of the referenced objects.
type Opinion struct {
	Common
	Explanation string   `json:"explanation,omitempty"`
	Authors     []string `json:"authors,omitempty"`
	Opinion     string   `json:"opinion"`
	ObjectRefs  []string `json:"object_refs"`
}

// Report is a collection of threat intelligence about one or more topics,
// published at a given time.
type Report struct {
	Common
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	ReportTypes []string  `json:"report_types,omitempty"`
	Published   Timestamp `json:"published,omitzero"`
	ObjectRefs  []string  `json:"object_refs"`
}

// ThreatActor is an individual, group or organization believed to operate
// with malicious intent.
type ThreatActor struct {
	Common
	Name                 string    `json:"name"`
	Description          string    `json:"description,omitempty"`
	ThreatActorTypes     []string  `json:"threat_actor_types,omitempty"`
	Aliases              []string  `json:"aliases,omitempty"`
	FirstSeen            Timestamp `json:"first_seen,omitzero"`
	LastSeen             Timestamp `json:"last_seen,omitzero"`
	Roles                []string  `json:"roles,omitempty"`
	Goals                []string  `json:"goals,omitempty"`
	Sophistication       string    `json:"sophistication,omitempty"`
	ResourceLevel        string    `json:"resource_level,omitempty"`
	PrimaryMotivation    string    `json:"primary_motivation,omitempty"`
	SecondaryMotivations []string  `json:"secondary_motivations,omitempty"`
	PersonalMotivations  []string  `json:"personal_motivations,omitempty"`
}

// Tool is legitimate software that threat actors can use to perform attacks.
type Tool struct {
	Common
	Name            string           `json:"name"`
	Description     string           `json:"description,omitempty"`
	ToolTypes       []string         `json:"tool_types,omitempty"`
	Aliases         []string         `json:"aliases,omitempty"`
	KillChainPhases []KillChainPhase `json:"kill_chain_phases,omitempty"`
	ToolVersion     string           `json:"tool_version,omitempty"`
}

// Vulnerability is a flaw in software that a hacker can use to gain access
// to a system or network.
type Vulnerability struct {
	Common
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Relationship links two objects (SourceRef and TargetRef) with a
// relationship type such as "uses" or "indicates".
type Relationship struct {
	Common
	RelationshipType string    `json:"relationship_type"`
	Description      string    `json:"description,omitempty"`
	SourceRef        string    `json:"source_ref"`
	TargetRef        string    `json:"target_ref"`
	StartTime        Timestamp `json:"start_time,omitzero"`
	StopTime         Timestamp `json:"stop_time,omitzero"`
}

// Sighting records that an SDO (SightingOfRef) was seen, how often (Count)
// and by which identities or locations (WhereSightedRefs).
type Sighting struct {
	Common
	Description      string    `json:"description,omitempty"`
	FirstSeen        Timestamp `json:"first_seen,omitzero"`
	LastSeen         Timestamp `json:"last_seen,omitzero"`
	Count            *int      `json:"count,omitempty"`
	SightingOfRef    string    `json:"sighting_of_ref"`
	ObservedDataRefs []string  `json:"observed_data_refs,omitempty"`
	WhereSightedRefs []string  `json:"where_sighted_refs,omitempty"`
	Summary          *bool     `json:"summary,omitempty"`
}
