package stix

// SpecVersion21 is the value of spec_version for STIX 2.1 objects.
const SpecVersion21 = "2.1"

// STIX 2.1 object type names.
const (
	TypeAttackPattern   = "attack-pattern"
	TypeCampaign        = "campaign"
	TypeCourseOfAction  = "course-of-action"
	TypeGrouping        = "grouping"
	TypeIdentity        = "identity"
	TypeIncident        = "incident"
	TypeIndicator       = "indicator"
	TypeInfrastructure  = "infrastructure"
	TypeIntrusionSet    = "intrusion-set"
	TypeLocation        = "location"
	TypeMalware         = "malware"
	TypeMalwareAnalysis = "malware-analysis"
	TypeNote            = "note"
	TypeObservedData    = "observed-data"
	TypeOpinion         = "opinion"
	TypeReport          = "report"
	TypeThreatActor     = "threat-actor"
	TypeTool            = "tool"
	TypeVulnerability   = "vulnerability"

	TypeRelationship = "relationship"
	TypeSighting     = "sighting"

	TypeArtifact           = "artifact"
	TypeAutonomousSystem   = "autonomous-system"
	TypeDirectory          = "directory"
	TypeDomainName         = "domain-name"
	TypeEmailAddr          = "email-addr"
	TypeEmailMessage       = "email-message"
	TypeFile               = "file"
	TypeIPv4Addr           = "ipv4-addr"
	TypeIPv6Addr           = "ipv6-addr"
	TypeMACAddr            = "mac-addr"
	TypeMutex              = "mutex"
	TypeNetworkTraffic     = "network-traffic"
	TypeProcess            = "process"
	TypeSoftware           = "software"
	TypeURL                = "url"
	TypeUserAccount        = "user-account"
	TypeWindowsRegistryKey = "windows-registry-key"
	TypeX509Certificate    = "x509-certificate"

	TypeMarkingDefinition   = "marking-definition"
	TypeLanguageContent     = "language-content"
	TypeExtensionDefinition = "extension-definition"
	TypeBundle              = "bundle"
)

// Category is the kind of a STIX object type.
type Category uint8

// Object categories of STIX 2.1.
const (
	CategoryUnknown      Category = iota // a type STIX 2.1 does not define
	CategoryDomain                       // STIX Domain Object (SDO)
	CategoryRelationship                 // STIX Relationship Object (SRO)
	CategoryObservable                   // STIX Cyber-observable Object (SCO)
	CategoryMeta                         // marking, language content, extension definition
)

// String returns a short name of the category, such as "SDO".
func (c Category) String() string {
	return [...]string{"unknown", "SDO", "SRO", "SCO", "meta"}[c]
}

type typeInfo struct {
	category Category
	new      func() Object
}

var objectTypes = map[string]typeInfo{
	TypeAttackPattern:   {CategoryDomain, func() Object { return new(AttackPattern) }},
	TypeCampaign:        {CategoryDomain, func() Object { return new(Campaign) }},
	TypeCourseOfAction:  {CategoryDomain, func() Object { return new(CourseOfAction) }},
	TypeGrouping:        {CategoryDomain, func() Object { return new(Grouping) }},
	TypeIdentity:        {CategoryDomain, func() Object { return new(Identity) }},
	TypeIncident:        {CategoryDomain, func() Object { return new(Incident) }},
	TypeIndicator:       {CategoryDomain, func() Object { return new(Indicator) }},
	TypeInfrastructure:  {CategoryDomain, func() Object { return new(Infrastructure) }},
	TypeIntrusionSet:    {CategoryDomain, func() Object { return new(IntrusionSet) }},
	TypeLocation:        {CategoryDomain, func() Object { return new(Location) }},
	TypeMalware:         {CategoryDomain, func() Object { return new(Malware) }},
	TypeMalwareAnalysis: {CategoryDomain, func() Object { return new(MalwareAnalysis) }},
	TypeNote:            {CategoryDomain, func() Object { return new(Note) }},
	TypeObservedData:    {CategoryDomain, func() Object { return new(ObservedData) }},
	TypeOpinion:         {CategoryDomain, func() Object { return new(Opinion) }},
	TypeReport:          {CategoryDomain, func() Object { return new(Report) }},
	TypeThreatActor:     {CategoryDomain, func() Object { return new(ThreatActor) }},
	TypeTool:            {CategoryDomain, func() Object { return new(Tool) }},
	TypeVulnerability:   {CategoryDomain, func() Object { return new(Vulnerability) }},

	TypeRelationship: {CategoryRelationship, func() Object { return new(Relationship) }},
	TypeSighting:     {CategoryRelationship, func() Object { return new(Sighting) }},

	TypeArtifact:           {CategoryObservable, func() Object { return new(Artifact) }},
	TypeAutonomousSystem:   {CategoryObservable, func() Object { return new(AutonomousSystem) }},
	TypeDirectory:          {CategoryObservable, func() Object { return new(Directory) }},
	TypeDomainName:         {CategoryObservable, func() Object { return new(DomainName) }},
	TypeEmailAddr:          {CategoryObservable, func() Object { return new(EmailAddr) }},
	TypeEmailMessage:       {CategoryObservable, func() Object { return new(EmailMessage) }},
	TypeFile:               {CategoryObservable, func() Object { return new(File) }},
	TypeIPv4Addr:           {CategoryObservable, func() Object { return new(IPv4Addr) }},
	TypeIPv6Addr:           {CategoryObservable, func() Object { return new(IPv6Addr) }},
	TypeMACAddr:            {CategoryObservable, func() Object { return new(MACAddr) }},
	TypeMutex:              {CategoryObservable, func() Object { return new(Mutex) }},
	TypeNetworkTraffic:     {CategoryObservable, func() Object { return new(NetworkTraffic) }},
	TypeProcess:            {CategoryObservable, func() Object { return new(Process) }},
	TypeSoftware:           {CategoryObservable, func() Object { return new(Software) }},
	TypeURL:                {CategoryObservable, func() Object { return new(URL) }},
	TypeUserAccount:        {CategoryObservable, func() Object { return new(UserAccount) }},
	TypeWindowsRegistryKey: {CategoryObservable, func() Object { return new(WindowsRegistryKey) }},
	TypeX509Certificate:    {CategoryObservable, func() Object { return new(X509Certificate) }},

	TypeMarkingDefinition:   {CategoryMeta, func() Object { return new(MarkingDefinition) }},
	TypeLanguageContent:     {CategoryMeta, func() Object { return new(LanguageContent) }},
	TypeExtensionDefinition: {CategoryMeta, func() Object { return new(ExtensionDefinition) }},
}

// CategoryOf returns the category of a STIX 2.1 object type, or
// CategoryUnknown for any other type.
func CategoryOf(objectType string) Category {
	return objectTypes[objectType].category
}

// IsObservable reports whether objectType is one of the 18 STIX 2.1 SCO
// types.
func IsObservable(objectType string) bool {
	return CategoryOf(objectType) == CategoryObservable
}

// New returns a new, empty object for objectType: one of this package's
// types for the STIX 2.1 types, or a *Generic for any other type. Only its
// type property is set.
func New(objectType string) Object {
	info, ok := objectTypes[objectType]
	if !ok {
		return &Generic{Type: objectType}
	}
	o := info.new()
	switch c := o.(type) {
	case interface{ common() *Common }:
		c.common().Type = objectType
	case interface{ observable() *ObservableCommon }:
		c.observable().Type = objectType
	}
	return o
}

// EffectiveSpecVersion returns the STIX version an object follows, given
// its type and spec_version property (possibly ""): the property when
// present, otherwise "2.1" for SCOs and "2.0" for every other type, as
// STIX 2.1 section 3.1 defines. Custom types count as non-SCO types, since
// the type name alone does not tell.
func EffectiveSpecVersion(objectType, specVersion string) string {
	switch {
	case specVersion != "":
		return specVersion
	case IsObservable(objectType):
		return SpecVersion21
	}
	return "2.0"
}
