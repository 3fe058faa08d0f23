package stixconv

import "strings"

// tlpCreated is the created timestamp of the four TLP marking definitions
// STIX 2.1 predefines.
const tlpCreated = "2017-01-20T00:00:00.000Z"

// tlp2Extension is the extension definition of the TLP 2.0 markings
// published with the STIX common objects.
const tlp2Extension = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

// markingDefinition builds a marking-definition object from a marking node
// (pycti builds it by hand rather than reading the platform's STIX).
func markingDefinition(m *Object, compat Compat) *Object {
	defType := m.String("definition_type")
	definition := m.String("definition")
	lowerType := strings.ToLower(defType)
	if !compat.LegacyTLP && lowerType == "tlp" {
		return tlpDefinition(m, definition)
	}
	d := NewObject()
	d.Set("type", "marking-definition")
	d.Set("spec_version", "2.1")
	d.Set("id", m.String("standard_id"))
	if defType == "TLP" {
		d.Set("created", tlpCreated)
	} else {
		created := m.Get("created")
		d.Set("created", created)
	}
	d.Set("definition_type", lowerType)
	d.Set("name", definition)
	value := strings.ReplaceAll(strings.ToLower(definition), "tlp:", "")
	if lowerType == "statement" && !compat.LowercaseStatements {
		value = definition
	}
	def := NewObject()
	def.Set(lowerType, value)
	d.Set("definition", def)
	return d
}

// tlpDefinition builds a valid STIX 2.1 TLP marking: one of the four
// predefined TLP 1.0 objects (TLP:CLEAR is TLP:WHITE), or a TLP 2.0
// extension marking for levels TLP 1.0 lacks (TLP:AMBER+STRICT).
func tlpDefinition(m *Object, definition string) *Object {
	level := strings.TrimPrefix(strings.ToLower(definition), "tlp:")
	if level == "clear" {
		level = "white"
	}
	d := NewObject()
	d.Set("type", "marking-definition")
	d.Set("spec_version", "2.1")
	d.Set("id", m.String("standard_id"))
	switch level {
	case "white", "green", "amber", "red":
		d.Set("created", tlpCreated)
		d.Set("definition_type", "tlp")
		d.Set("name", "TLP:"+strings.ToUpper(level))
		def := NewObject()
		def.Set("tlp", level)
		d.Set("definition", def)
		return d
	}
	created := m.Get("created")
	if created == nil {
		created = tlpCreated
	}
	d.Set("created", created)
	d.Set("name", definition)
	ext := NewObject()
	ext.Set("extension_type", "property-extension")
	ext.Set("tlp_2_0", level)
	exts := NewObject()
	exts.Set(tlp2Extension, ext)
	d.Set("extensions", exts)
	return d
}
