package stix

import "encoding/json"

// Object is any STIX object: a pointer to one of this package's object types
// (such as *Indicator or *File) or a *Generic for any other type.
type Object interface {
	// ObjectType returns the value of the type property.
	ObjectType() string
	// ObjectID returns the value of the id property.
	ObjectID() string
}

// Common holds the common properties of STIX Domain Objects, STIX
// Relationship Objects and the meta objects (marking-definition,
// language-content, extension-definition).
//
// Custom holds every property that the object's type does not define (custom
// properties such as x_opencti_score, or properties named by a
// toplevel-property-extension), and also defined properties whose JSON value
// was null or empty ("", [] or {}), which the typed fields cannot tell apart
// from an absent property. Encoding writes a typed field when it is set and
// falls back to the value in Custom otherwise, so decoding and encoding
// keep every property. Values in Custom are raw JSON.
type Common struct {
	Type               string              `json:"type"`
	SpecVersion        string              `json:"spec_version,omitempty"`
	ID                 string              `json:"id"`
	CreatedByRef       string              `json:"created_by_ref,omitempty"`
	Created            Timestamp           `json:"created,omitzero"`
	Modified           Timestamp           `json:"modified,omitzero"`
	Revoked            *bool               `json:"revoked,omitempty"`
	Labels             []string            `json:"labels,omitempty"`
	Confidence         *int                `json:"confidence,omitempty"`
	Lang               string              `json:"lang,omitempty"`
	ExternalReferences []ExternalReference `json:"external_references,omitempty"`
	ObjectMarkingRefs  []string            `json:"object_marking_refs,omitempty"`
	GranularMarkings   []GranularMarking   `json:"granular_markings,omitempty"`
	Extensions         Extensions          `json:"extensions,omitempty"`

	Custom map[string]json.RawMessage `json:"-"`
}

// ObjectType returns the type property.
func (c *Common) ObjectType() string { return c.Type }

// ObjectID returns the id property.
func (c *Common) ObjectID() string { return c.ID }

// common gives the helpers of this package access to the common properties.
func (c *Common) common() *Common { return c }

// ObservableCommon holds the common properties of STIX Cyber-observable
// Objects. Custom works as in Common.
type ObservableCommon struct {
	Type              string            `json:"type"`
	SpecVersion       string            `json:"spec_version,omitempty"`
	ID                string            `json:"id"`
	ObjectMarkingRefs []string          `json:"object_marking_refs,omitempty"`
	GranularMarkings  []GranularMarking `json:"granular_markings,omitempty"`
	Defanged          *bool             `json:"defanged,omitempty"`
	Extensions        Extensions        `json:"extensions,omitempty"`

	Custom map[string]json.RawMessage `json:"-"`
}

// ObjectType returns the type property.
func (c *ObservableCommon) ObjectType() string { return c.Type }

// ObjectID returns the id property.
func (c *ObservableCommon) ObjectID() string { return c.ID }

func (c *ObservableCommon) observable() *ObservableCommon { return c }

// ExternalReference points to information outside STIX, such as a web page
// or an entry of another database (CVE, CAPEC, ATT&CK).
type ExternalReference struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	Hashes      Hashes `json:"hashes,omitempty"`
	ExternalID  string `json:"external_id,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// KillChainPhase is a phase of a kill chain, such as the ATT&CK tactic
// "initial-access" of kill chain "mitre-attack".
type KillChainPhase struct {
	KillChainName string `json:"kill_chain_name"`
	PhaseName     string `json:"phase_name"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// GranularMarking applies a marking definition (MarkingRef) or a language
// (Lang) to the parts of an object named by the selectors.
type GranularMarking struct {
	Lang       string   `json:"lang,omitempty"`
	MarkingRef string   `json:"marking_ref,omitempty"`
	Selectors  []string `json:"selectors"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// Hashes maps hash algorithm names (such as "MD5" or "SHA-256") to hash
// values.
type Hashes map[string]string

// Generic is an object of a type this package does not model: custom types
// (x-…), OpenCTI and ATT&CK types (x-opencti-…, x-mitre-…) and types that an
// extension definition declares. It keeps every property.
type Generic struct {
	Type string `json:"type"`
	ID   string `json:"id"`

	// Properties holds every property other than type and id, as raw JSON.
	Properties map[string]json.RawMessage `json:"-"`
}

// ObjectType returns the type property.
func (g *Generic) ObjectType() string { return g.Type }

// ObjectID returns the id property.
func (g *Generic) ObjectID() string { return g.ID }
