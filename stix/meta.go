package stix

import "encoding/json"

// MarkingDefinition is a data marking, such as a TLP level or a copyright
// statement. A STIX 2.1 marking definition has no modified, revoked, labels,
// confidence or lang property; Common carries them anyway so that markings
// written by other producers keep those properties.
type MarkingDefinition struct {
	Common
	Name           string                    `json:"name,omitempty"`
	DefinitionType string                    `json:"definition_type,omitempty"`
	Definition     *MarkingDefinitionContent `json:"definition,omitempty"`
}

// MarkingDefinitionContent is the definition property of a marking
// definition: {"tlp": "green"} for a TLP 1.0 marking or {"statement": "…"}
// for a statement marking. Other keys are kept in Custom.
type MarkingDefinitionContent struct {
	TLP       string `json:"tlp,omitempty"`
	Statement string `json:"statement,omitempty"`

	// Custom holds undefined properties and empty values, as in Common.
	Custom map[string]json.RawMessage `json:"-"`
}

// LanguageContent holds translations of text properties of another object
// (ObjectRef at version ObjectModified). Contents maps language tags
// (RFC 5646) to property names and their translated values (a string, a
// list or an object, as raw JSON).
type LanguageContent struct {
	Common
	ObjectRef      string                                `json:"object_ref"`
	ObjectModified Timestamp                             `json:"object_modified,omitzero"`
	Contents       map[string]map[string]json.RawMessage `json:"contents"`
}

// ExtensionDefinition declares an extension: new object types, or new
// properties on existing objects, with the JSON schema that describes them.
type ExtensionDefinition struct {
	Common
	Name                string   `json:"name"`
	Description         string   `json:"description,omitempty"`
	Schema              string   `json:"schema"`
	Version             string   `json:"version"`
	ExtensionTypes      []string `json:"extension_types"`
	ExtensionProperties []string `json:"extension_properties,omitempty"`
}

// Ids of the predefined marking definitions.
const (
	TLPWhiteID = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
	TLPGreenID = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
	TLPAmberID = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
	TLPRedID   = "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"

	TLP2ClearID       = "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
	TLP2GreenID       = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
	TLP2AmberID       = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
	TLP2AmberStrictID = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
	TLP2RedID         = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"

	// TLP2ExtensionID is the extension definition that TLP 2.0 marking
	// definitions use to carry their level (property tlp_2_0).
	TLP2ExtensionID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
)

// The predefined TLP 1.0 marking definitions of STIX 2.1, all created
// 2017-01-20T00:00:00.000Z. They are shared values: use Clone before
// modifying one.
var (
	TLPWhite = tlp1(TLPWhiteID, "white")
	TLPGreen = tlp1(TLPGreenID, "green")
	TLPAmber = tlp1(TLPAmberID, "amber")
	TLPRed   = tlp1(TLPRedID, "red")
)

// The TLP 2.0 marking definitions published by OASIS, all created
// 2022-10-01T00:00:00.000Z. They carry their level in the extension
// TLP2ExtensionID instead of a definition. They are shared values: use Clone
// before modifying one.
var (
	TLP2Clear       = tlp2(TLP2ClearID, "clear")
	TLP2Green       = tlp2(TLP2GreenID, "green")
	TLP2Amber       = tlp2(TLP2AmberID, "amber")
	TLP2AmberStrict = tlp2(TLP2AmberStrictID, "amber+strict")
	TLP2Red         = tlp2(TLP2RedID, "red")
)

var predefinedMarkings = map[string]*MarkingDefinition{}

func tlp1(id, level string) *MarkingDefinition {
	m := &MarkingDefinition{
		Common: Common{
			Type:        TypeMarkingDefinition,
			SpecVersion: SpecVersion21,
			ID:          id,
			Created:     MustParseTimestamp("2017-01-20T00:00:00.000Z"),
		},
		Name:           "TLP:" + upperASCII(level),
		DefinitionType: "tlp",
		Definition:     &MarkingDefinitionContent{TLP: level},
	}
	predefinedMarkings[id] = m
	return m
}

func tlp2(id, level string) *MarkingDefinition {
	ext := &GenericExtension{
		ExtensionType: "property-extension",
		Properties:    map[string]json.RawMessage{"tlp_2_0": appendString(nil, level)},
	}
	m := &MarkingDefinition{
		Common: Common{
			Type:        TypeMarkingDefinition,
			SpecVersion: SpecVersion21,
			ID:          id,
			Created:     MustParseTimestamp("2022-10-01T00:00:00.000Z"),
			Extensions:  Extensions{TLP2ExtensionID: ext},
		},
		Name: "TLP:" + upperASCII(level),
	}
	predefinedMarkings[id] = m
	return m
}

// PredefinedMarking returns a copy of the TLP 1.0 or TLP 2.0 marking
// definition with the given id, or false when id is not one of them.
func PredefinedMarking(id string) (*MarkingDefinition, bool) {
	m, ok := predefinedMarkings[id]
	if !ok {
		return nil, false
	}
	c, err := Clone(m)
	return c, err == nil
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
