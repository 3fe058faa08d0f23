// Package stix models STIX 2.1 objects and bundles and reads and writes
// their JSON without losing anything.
//
// # Objects
//
// Every STIX 2.1 type has a struct: the 19 SDOs (AttackPattern … Vulnerability),
// Relationship and Sighting, the 18 SCOs (Artifact … X509Certificate) with the
// predefined SCO extensions (ArchiveExt … UnixAccountExt), and the meta
// objects MarkingDefinition, LanguageContent and ExtensionDefinition. SDOs,
// SROs and meta objects embed Common; SCOs embed ObservableCommon. Objects of
// any other type (x-…, x-opencti-…, x-mitre-…, types declared by an extension
// definition) decode into Generic, which keeps every property. All of them
// implement Object.
//
// To build a new object, call Create with its type, such as
// Create[Indicator](): it sets type, spec_version, a random id and, except on
// SCOs, created and modified. Then fill the properties. An SCO needs a
// deterministic id, so set its ID with ObservableIDOf after the properties.
// Write the objects with BundleWriter (or NewBundle and json.Marshal) and check them
// with package stix/validate. To read JSON, call Decode for one object and
// ReadBundle or NewBundleReader for a bundle.
//
// Optional booleans and numbers are pointers, so that false and 0 stay
// distinct from an absent property (is_family: false, confidence: 0,
// count: 0); set them with new(false) or new(0). Timestamps are Timestamp
// values, which keep the number of fraction digits they were read with.
//
// # Lossless JSON
//
// Decode turns JSON into an Object and Marshal (or AppendObject) turns it
// back. Decoding keeps custom properties and empty values in the Custom map
// of the object, so that encoding gives back the same JSON value. The only
// change is that created and modified get at least 3 fraction digits, as
// STIX 2.1 requires. Encoding never writes an empty list or object that was
// not read: a field holding an empty slice is left out. HTML characters are
// not escaped. Decoding checks the JSON type of each modelled property and
// the form of timestamps, and reports a *DecodeError naming the property and
// value; it does not check STIX rules, which is the job of stix/validate.
// Like encoding/json, every reader of JSON text rejects arrays and objects
// nested more than 10,000 levels deep.
//
// # Streaming
//
// BundleReader reads a bundle (or a bare JSON array of objects) from an
// io.Reader one object at a time, as raw JSON (RawObjects) or decoded
// (Objects); its memory is bounded by the largest object. BundleWriter
// writes a bundle object by object, from typed objects or from JSON text,
// compact or indented. Bundle holds a whole bundle in memory.
//
// # Identifiers
//
// CanonicalJSON implements RFC 8785. DeterministicID computes
// type--UUIDv5 in the STIX namespace from any set of properties, and
// ObservableID and ObservableIDOf apply the SCO rules of STIX 2.1 (the
// ID-contributing properties of each type and the hash preference). NewID
// returns a random UUIDv4 id.
//
// # Concurrency
//
// Functions of this package are safe for concurrent use. Objects, readers
// and writers are not: use each from one goroutine at a time. The
// predefined markings (TLPWhite …) are shared values that must not be
// modified.
package stix
