package pycti

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Input is a typed creation input of this package, such as MalwareInput.
// Kind names the platform type it creates. Its fields carry the platform's
// input field names as JSON names. Every optional field is left out of the
// request when it is the zero value, so that an older platform never
// receives a field it does not know unless the caller set it.
type Input interface {
	Kind() EntityKind
}

// Meta is the set of input fields that domain objects, relationships and
// sightings share: ids, provenance, markings, labels and external
// references. References name elements by internal, standard or STIX id.
type Meta struct {
	// StixID is the element's STIX id when it comes from a bundle; the
	// platform keeps it next to the standard id it computes.
	StixID string `json:"stix_id,omitempty"`
	// StixIDs are further STIX ids to record (x_opencti_stix_ids).
	StixIDs []string `json:"x_opencti_stix_ids,omitempty"`
	// CreatedBy is the author identity (createdBy).
	CreatedBy string `json:"createdBy,omitempty"`
	// ObjectMarking are marking definitions (objectMarking).
	ObjectMarking []string `json:"objectMarking,omitempty"`
	// ObjectLabel are label values or ids; the platform creates missing
	// labels (objectLabel).
	ObjectLabel []string `json:"objectLabel,omitempty"`
	// ExternalReferences are external reference ids (externalReferences).
	ExternalReferences []string `json:"externalReferences,omitempty"`
	// Confidence is 0 to 100; nil leaves the platform's default.
	Confidence *int      `json:"confidence,omitempty"`
	Created    time.Time `json:"created,omitzero"`
	Modified   time.Time `json:"modified,omitzero"`
	// Update makes an upsert overwrite the existing element's fields
	// instead of only adding to its lists.
	Update bool `json:"update,omitempty"`
}

// MalwareInput creates a malware (MalwareAddInput).
type MalwareInput struct {
	Meta
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
	// IsFamily is is_family; nil leaves the platform's default, true.
	IsFamily                  *bool     `json:"is_family,omitempty"`
	MalwareTypes              []string  `json:"malware_types,omitempty"`
	FirstSeen                 time.Time `json:"first_seen,omitzero"`
	LastSeen                  time.Time `json:"last_seen,omitzero"`
	ArchitectureExecutionEnvs []string  `json:"architecture_execution_envs,omitempty"`
	ImplementationLanguages   []string  `json:"implementation_languages,omitempty"`
	Capabilities              []string  `json:"capabilities,omitempty"`
	KillChainPhases           []string  `json:"killChainPhases,omitempty"`
	Score                     *int      `json:"x_opencti_score,omitempty"`
	Revoked                   *bool     `json:"revoked,omitempty"`
	Lang                      string    `json:"lang,omitempty"`
}

// IndicatorInput creates an indicator (IndicatorAddInput).
type IndicatorInput struct {
	Meta
	Name string `json:"name"`
	// Pattern is the detection pattern, such as
	// "[ipv4-addr:value = '198.51.100.7']".
	Pattern string `json:"pattern"`
	// PatternType is "stix", "yara", "sigma", "snort" or another pattern
	// language.
	PatternType    string    `json:"pattern_type"`
	PatternVersion string    `json:"pattern_version,omitempty"`
	Description    string    `json:"description,omitempty"`
	IndicatorTypes []string  `json:"indicator_types,omitempty"`
	ValidFrom      time.Time `json:"valid_from,omitzero"`
	ValidUntil     time.Time `json:"valid_until,omitzero"`
	Score          *int      `json:"x_opencti_score,omitempty"`
	Detection      *bool     `json:"x_opencti_detection,omitempty"`
	// MainObservableType is the observable type the pattern matches, such
	// as "IPv4-Addr" (x_opencti_main_observable_type).
	MainObservableType string   `json:"x_opencti_main_observable_type,omitempty"`
	Platforms          []string `json:"x_mitre_platforms,omitempty"`
	KillChainPhases    []string `json:"killChainPhases,omitempty"`
	// CreateObservables makes the platform create the observables the
	// pattern names.
	CreateObservables bool   `json:"createObservables,omitempty"`
	Revoked           *bool  `json:"revoked,omitempty"`
	Lang              string `json:"lang,omitempty"`
}

// ReportInput creates a report (ReportAddInput).
type ReportInput struct {
	Meta
	Name string `json:"name"`
	// Published is required: it is part of the report's standard id.
	Published   time.Time `json:"published"`
	Description string    `json:"description,omitempty"`
	ReportTypes []string  `json:"report_types,omitempty"`
	Reliability string    `json:"x_opencti_reliability,omitempty"`
	// Objects are the report's members.
	Objects []string `json:"objects,omitempty"`
	Revoked *bool    `json:"revoked,omitempty"`
	Lang    string   `json:"lang,omitempty"`
}

// IdentityInput creates an organization, individual, sector, system or
// security platform (IdentityAddInput).
type IdentityInput struct {
	Meta
	// Type is the identity type: "Organization", "Individual", "Sector",
	// "System" or "SecurityPlatform".
	Type               string   `json:"type"`
	Name               string   `json:"name"`
	Description        string   `json:"description,omitempty"`
	ContactInformation string   `json:"contact_information,omitempty"`
	Roles              []string `json:"roles,omitempty"`
	Aliases            []string `json:"x_opencti_aliases,omitempty"`
	Revoked            *bool    `json:"revoked,omitempty"`
	Lang               string   `json:"lang,omitempty"`
}

// IntrusionSetInput creates an intrusion set (IntrusionSetAddInput).
type IntrusionSetInput struct {
	Meta
	Name                 string    `json:"name"`
	Description          string    `json:"description,omitempty"`
	Aliases              []string  `json:"aliases,omitempty"`
	FirstSeen            time.Time `json:"first_seen,omitzero"`
	LastSeen             time.Time `json:"last_seen,omitzero"`
	Goals                []string  `json:"goals,omitempty"`
	ResourceLevel        string    `json:"resource_level,omitempty"`
	PrimaryMotivation    string    `json:"primary_motivation,omitempty"`
	SecondaryMotivations []string  `json:"secondary_motivations,omitempty"`
	Score                *int      `json:"x_opencti_score,omitempty"`
	Revoked              *bool     `json:"revoked,omitempty"`
	Lang                 string    `json:"lang,omitempty"`
}

// AttackPatternInput creates an attack pattern (AttackPatternAddInput).
type AttackPatternInput struct {
	Meta
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
	// MitreID is the ATT&CK id, such as "T1566" (x_mitre_id). When set it
	// forms the standard id instead of the name.
	MitreID             string   `json:"x_mitre_id,omitempty"`
	Platforms           []string `json:"x_mitre_platforms,omitempty"`
	PermissionsRequired []string `json:"x_mitre_permissions_required,omitempty"`
	Detection           string   `json:"x_mitre_detection,omitempty"`
	KillChainPhases     []string `json:"killChainPhases,omitempty"`
	Revoked             *bool    `json:"revoked,omitempty"`
	Lang                string   `json:"lang,omitempty"`
}

// VulnerabilityInput creates a vulnerability (VulnerabilityAddInput) with
// its main scores. Other CVSS fields can be set with Client.Update.
type VulnerabilityInput struct {
	Meta
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Aliases     []string `json:"x_opencti_aliases,omitempty"`
	CVSSVector  string   `json:"x_opencti_cvss_vector_string,omitempty"`
	// CVSSBaseScore is the CVSS base score, from 0.0 to 10.0.
	CVSSBaseScore    *float64 `json:"x_opencti_cvss_base_score,omitempty"`
	CVSSBaseSeverity string   `json:"x_opencti_cvss_base_severity,omitempty"`
	CWE              []string `json:"x_opencti_cwe,omitempty"`
	CISAKEV          *bool    `json:"x_opencti_cisa_kev,omitempty"`
	// EPSSScore and EPSSPercentile are FIRST's EPSS figures, both from 0
	// to 1: the probability of exploitation in the next 30 days, and the
	// share of scored CVEs whose score is at or below it.
	EPSSScore      *float64 `json:"x_opencti_epss_score,omitempty"`
	EPSSPercentile *float64 `json:"x_opencti_epss_percentile,omitempty"`
	Score          *int     `json:"x_opencti_score,omitempty"`
	Revoked        *bool    `json:"revoked,omitempty"`
	Lang           string   `json:"lang,omitempty"`
}

// ThreatActorGroupInput creates a threat actor group
// (ThreatActorGroupAddInput).
type ThreatActorGroupInput struct {
	Meta
	Name                 string    `json:"name"`
	Description          string    `json:"description,omitempty"`
	Aliases              []string  `json:"aliases,omitempty"`
	ThreatActorTypes     []string  `json:"threat_actor_types,omitempty"`
	FirstSeen            time.Time `json:"first_seen,omitzero"`
	LastSeen             time.Time `json:"last_seen,omitzero"`
	Roles                []string  `json:"roles,omitempty"`
	Goals                []string  `json:"goals,omitempty"`
	Sophistication       string    `json:"sophistication,omitempty"`
	ResourceLevel        string    `json:"resource_level,omitempty"`
	PrimaryMotivation    string    `json:"primary_motivation,omitempty"`
	SecondaryMotivations []string  `json:"secondary_motivations,omitempty"`
	PersonalMotivations  []string  `json:"personal_motivations,omitempty"`
	Score                *int      `json:"x_opencti_score,omitempty"`
	Revoked              *bool     `json:"revoked,omitempty"`
	Lang                 string    `json:"lang,omitempty"`
}

// CampaignInput creates a campaign (CampaignAddInput).
type CampaignInput struct {
	Meta
	Name        string    `json:"name"`
	Description string    `json:"description,omitempty"`
	Aliases     []string  `json:"aliases,omitempty"`
	FirstSeen   time.Time `json:"first_seen,omitzero"`
	LastSeen    time.Time `json:"last_seen,omitzero"`
	Objective   string    `json:"objective,omitempty"`
	Revoked     *bool     `json:"revoked,omitempty"`
	Lang        string    `json:"lang,omitempty"`
}

// ToolInput creates a tool (ToolAddInput).
type ToolInput struct {
	Meta
	Name            string   `json:"name"`
	Description     string   `json:"description,omitempty"`
	Aliases         []string `json:"aliases,omitempty"`
	ToolTypes       []string `json:"tool_types,omitempty"`
	ToolVersion     string   `json:"tool_version,omitempty"`
	KillChainPhases []string `json:"killChainPhases,omitempty"`
	Revoked         *bool    `json:"revoked,omitempty"`
	Lang            string   `json:"lang,omitempty"`
}

// LocationInput creates a region, country, administrative area, city or
// position (LocationAddInput).
type LocationInput struct {
	Meta
	// Type is the location type: "Region", "Country", "Administrative-Area",
	// "City" or "Position".
	Type        string   `json:"type"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Latitude    *float64 `json:"latitude,omitempty"`
	Longitude   *float64 `json:"longitude,omitempty"`
	// Precision is the radius of the position, in meters.
	Precision *float64 `json:"precision,omitempty"`
	Aliases   []string `json:"x_opencti_aliases,omitempty"`
	Revoked   *bool    `json:"revoked,omitempty"`
	Lang      string   `json:"lang,omitempty"`
}

// NoteInput creates a note (NoteAddInput).
type NoteInput struct {
	Meta
	Content  string   `json:"content"`
	Abstract string   `json:"attribute_abstract,omitempty"`
	Authors  []string `json:"authors,omitempty"`
	// NoteTypes are values of the note_types vocabulary, such as
	// "analysis".
	NoteTypes []string `json:"note_types,omitempty"`
	// Likelihood is 0 to 100; nil leaves it unset.
	Likelihood *int `json:"likelihood,omitempty"`
	// Objects are the elements the note is about.
	Objects []string `json:"objects,omitempty"`
	Revoked *bool    `json:"revoked,omitempty"`
	Lang    string   `json:"lang,omitempty"`
}

// RelationshipInput creates a core relationship
// (StixCoreRelationshipAddInput).
type RelationshipInput struct {
	Meta
	// RelationshipType is the relationship type, such as "uses" or
	// "indicates".
	RelationshipType string `json:"relationship_type"`
	// FromID and ToID are the source and target (internal, standard or
	// STIX ids).
	FromID          string    `json:"fromId"`
	ToID            string    `json:"toId"`
	Description     string    `json:"description,omitempty"`
	StartTime       time.Time `json:"start_time,omitzero"`
	StopTime        time.Time `json:"stop_time,omitzero"`
	KillChainPhases []string  `json:"killChainPhases,omitempty"`
	Revoked         *bool     `json:"revoked,omitempty"`
	Lang            string    `json:"lang,omitempty"`
}

// SightingInput creates a sighting (StixSightingRelationshipAddInput).
type SightingInput struct {
	Meta
	// FromID is the sighted element and ToID where it was sighted (an
	// identity or location).
	FromID      string    `json:"fromId"`
	ToID        string    `json:"toId"`
	Description string    `json:"description,omitempty"`
	FirstSeen   time.Time `json:"first_seen,omitzero"`
	LastSeen    time.Time `json:"last_seen,omitzero"`
	// AttributeCount is the number of times the element was sighted; the
	// platform requires it, so it is always sent.
	AttributeCount int   `json:"attribute_count"`
	Negative       *bool `json:"x_opencti_negative,omitempty"`
}

// LabelInput creates a label (LabelAddInput).
type LabelInput struct {
	Value string `json:"value"`
	// Color is a CSS color such as "#ff8800"; the platform picks one when
	// empty.
	Color   string   `json:"color,omitempty"`
	StixID  string   `json:"stix_id,omitempty"`
	StixIDs []string `json:"x_opencti_stix_ids,omitempty"`
	Update  bool     `json:"update,omitempty"`
}

// ExternalReferenceInput creates an external reference
// (ExternalReferenceAddInput). The platform needs a URL, or an external
// id with the source name, to compute its standard id.
type ExternalReferenceInput struct {
	SourceName  string    `json:"source_name"`
	Description string    `json:"description,omitempty"`
	URL         string    `json:"url,omitempty"`
	Hash        string    `json:"hash,omitempty"`
	ExternalID  string    `json:"external_id,omitempty"`
	StixID      string    `json:"stix_id,omitempty"`
	StixIDs     []string  `json:"x_opencti_stix_ids,omitempty"`
	Created     time.Time `json:"created,omitzero"`
	Modified    time.Time `json:"modified,omitzero"`
	Update      bool      `json:"update,omitempty"`
}

// MarkingDefinitionInput creates a marking definition
// (MarkingDefinitionAddInput).
type MarkingDefinitionInput struct {
	// DefinitionType is the marking family, such as "TLP", "PAP" or
	// "statement".
	DefinitionType string `json:"definition_type"`
	// Definition is the marking, such as "PAP:GREEN".
	Definition string `json:"definition"`
	// Order ranks markings of one family; a user allowed a marking may
	// see the lower ones. It is always sent, because the platform requires
	// it.
	Order    int       `json:"x_opencti_order"`
	Color    string    `json:"x_opencti_color,omitempty"`
	StixID   string    `json:"stix_id,omitempty"`
	StixIDs  []string  `json:"x_opencti_stix_ids,omitempty"`
	Created  time.Time `json:"created,omitzero"`
	Modified time.Time `json:"modified,omitzero"`
	Update   bool      `json:"update,omitempty"`
}

// Kind returns KindMalware.
func (MalwareInput) Kind() EntityKind { return KindMalware }

// Kind returns KindIndicator.
func (IndicatorInput) Kind() EntityKind { return KindIndicator }

// Kind returns KindReport.
func (ReportInput) Kind() EntityKind { return KindReport }

// Kind returns KindIdentity.
func (IdentityInput) Kind() EntityKind { return KindIdentity }

// Kind returns KindIntrusionSet.
func (IntrusionSetInput) Kind() EntityKind { return KindIntrusionSet }

// Kind returns KindAttackPattern.
func (AttackPatternInput) Kind() EntityKind { return KindAttackPattern }

// Kind returns KindVulnerability.
func (VulnerabilityInput) Kind() EntityKind { return KindVulnerability }

// Kind returns KindThreatActorGroup.
func (ThreatActorGroupInput) Kind() EntityKind { return KindThreatActorGroup }

// Kind returns KindCampaign.
func (CampaignInput) Kind() EntityKind { return KindCampaign }

// Kind returns KindTool.
func (ToolInput) Kind() EntityKind { return KindTool }

// Kind returns KindLocation.
func (LocationInput) Kind() EntityKind { return KindLocation }

// Kind returns KindNote.
func (NoteInput) Kind() EntityKind { return KindNote }

// Kind returns KindRelationship.
func (RelationshipInput) Kind() EntityKind { return KindRelationship }

// Kind returns KindSighting.
func (SightingInput) Kind() EntityKind { return KindSighting }

// Kind returns KindLabel.
func (LabelInput) Kind() EntityKind { return KindLabel }

// Kind returns KindExternalReference.
func (ExternalReferenceInput) Kind() EntityKind { return KindExternalReference }

// Kind returns KindMarkingDefinition.
func (MarkingDefinitionInput) Kind() EntityKind { return KindMarkingDefinition }

// missingFields returns the JSON names of the required fields of a typed
// input (those tagged without omitempty or omitzero) that are empty
// strings or zero times. A required number may be 0.
func missingFields(v reflect.Value) []string {
	var missing []string
	for i := range v.NumField() {
		f, fv := v.Type().Field(i), v.Field(i)
		if f.Anonymous {
			missing = append(missing, missingFields(fv)...)
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if strings.Contains(opts, "omit") {
			continue
		}
		t, isTime := fv.Interface().(time.Time)
		if fv.Kind() == reflect.String && fv.String() == "" || isTime && t.IsZero() {
			missing = append(missing, name)
		}
	}
	return missing
}

// checkInput rejects a typed input of another kind or with a required
// field empty. Pointers to typed inputs are checked like values.
func checkInput(kind EntityKind, input any) error {
	in, ok := input.(Input)
	if !ok {
		return nil
	}
	if in.Kind() != kind {
		return fmt.Errorf("input is a %T, which creates %s: use kind %s or the input of %s",
			input, in.Kind(), in.Kind(), kind)
	}
	v := reflect.ValueOf(in)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return fmt.Errorf("input is a nil %T: pass a value", input)
		}
		v = v.Elem()
	}
	if missing := missingFields(v); len(missing) > 0 {
		return fmt.Errorf("%T has required fields %v empty: set them", input, missing)
	}
	return nil
}

// ObservableValue is the set of fields of an observable identified by its
// value, for Observable.Fields: IPv4-Addr, IPv6-Addr, Domain-Name, Url,
// Email-Addr, Mac-Addr, Hostname, Text, User-Agent, Cryptocurrency-Wallet,
// Cryptographic-Key, Phone-Number, Credential and Tracking-Number.
type ObservableValue struct {
	Value string `json:"value"`
}

// Hash is one hash of a file (HashInput), such as {"SHA-256", "e3b0…"}.
type Hash struct {
	Algorithm string `json:"algorithm"`
	Hash      string `json:"hash"`
}

// FileFields is the set of fields of a StixFile observable
// (StixFileAddInput), for Observable.Fields. The platform identifies a
// file by one of its hashes, or by its name when it has none.
type FileFields struct {
	Name     string `json:"name,omitempty"`
	Hashes   []Hash `json:"hashes,omitempty"`
	Size     *int   `json:"size,omitempty"`
	MimeType string `json:"mime_type,omitempty"`
	// AdditionalNames are other names the file was seen with
	// (x_opencti_additional_names).
	AdditionalNames []string `json:"x_opencti_additional_names,omitempty"`
}

// AutonomousSystemFields is the set of fields of an Autonomous-System
// observable (AutonomousSystemAddInput), for Observable.Fields.
type AutonomousSystemFields struct {
	Number int    `json:"number"`
	Name   string `json:"name,omitempty"`
	// RIR is the regional internet registry, such as "RIPE NCC".
	RIR string `json:"rir,omitempty"`
}
