package stix

// The JSON methods below let encoding/json (and any library built on it)
// encode and decode the types of this package with the rules of Marshal and
// Decode. Every property is kept, empty values are written back, and this
// package escapes no HTML characters. TestJSONMethodsCoverEveryType checks that
// every codec type has them.

// MarshalJSON encodes v as STIX JSON.
func (v AttackPattern) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *AttackPattern) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Campaign) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Campaign) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v CourseOfAction) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *CourseOfAction) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Grouping) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Grouping) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Identity) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Identity) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Incident) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Incident) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Indicator) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Indicator) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Infrastructure) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Infrastructure) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v IntrusionSet) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *IntrusionSet) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Location) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Location) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Malware) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Malware) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v MalwareAnalysis) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *MalwareAnalysis) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Note) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Note) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v ObservedData) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *ObservedData) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Opinion) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Opinion) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Report) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Report) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v ThreatActor) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *ThreatActor) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Tool) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Tool) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Vulnerability) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Vulnerability) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Relationship) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Relationship) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Sighting) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Sighting) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Artifact) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Artifact) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v AutonomousSystem) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *AutonomousSystem) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Directory) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Directory) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v DomainName) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *DomainName) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v EmailAddr) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *EmailAddr) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v EmailMessage) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *EmailMessage) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v File) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *File) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v IPv4Addr) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *IPv4Addr) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v IPv6Addr) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *IPv6Addr) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v MACAddr) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *MACAddr) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Mutex) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Mutex) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v NetworkTraffic) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *NetworkTraffic) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Process) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Process) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Software) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Software) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v URL) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *URL) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v UserAccount) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *UserAccount) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v WindowsRegistryKey) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *WindowsRegistryKey) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v X509Certificate) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *X509Certificate) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v MarkingDefinition) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *MarkingDefinition) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v LanguageContent) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *LanguageContent) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v ExtensionDefinition) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *ExtensionDefinition) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v Generic) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *Generic) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v ExternalReference) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *ExternalReference) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v KillChainPhase) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *KillChainPhase) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v GranularMarking) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *GranularMarking) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v EmailMIMEPart) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *EmailMIMEPart) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v WindowsRegistryValue) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *WindowsRegistryValue) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v X509V3Extension) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *X509V3Extension) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v MarkingDefinitionContent) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *MarkingDefinitionContent) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v GenericExtension) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *GenericExtension) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v ArchiveExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *ArchiveExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v NTFSExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *NTFSExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v AlternateDataStream) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *AlternateDataStream) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v PDFExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *PDFExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v RasterImageExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *RasterImageExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v WindowsPEBinaryExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *WindowsPEBinaryExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v WindowsPEOptionalHeader) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *WindowsPEOptionalHeader) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v WindowsPESection) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *WindowsPESection) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v HTTPRequestExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *HTTPRequestExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v ICMPExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *ICMPExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v SocketExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *SocketExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v TCPExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *TCPExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v WindowsProcessExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *WindowsProcessExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v WindowsServiceExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *WindowsServiceExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }

// MarshalJSON encodes v as STIX JSON.
func (v UnixAccountExt) MarshalJSON() ([]byte, error) { return marshalValue(&v) }

// UnmarshalJSON decodes STIX JSON into v, keeping every property.
func (v *UnixAccountExt) UnmarshalJSON(data []byte) error { return unmarshalValue(data, v) }
