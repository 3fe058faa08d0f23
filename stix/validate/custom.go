package validate

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Naming patterns for custom content. The strict forms carry a source
// (x-<source>-<name>, x_<source>_<name>); the lax forms only the x prefix.
var (
	customTypeStrict = regexp.MustCompile(`^x-[a-z0-9]+-.+$`)
	customTypeLax    = regexp.MustCompile(`^x-.+$`)
	customPropStrict = regexp.MustCompile(`^x_[a-z0-9]+_.+$`)
	customPropLax    = regexp.MustCompile(`^x_.+$`)
	customExtStrict  = regexp.MustCompile(`^x-[a-z0-9]+-.+-ext$`)
	customExtLax     = regexp.MustCompile(`^x-.+-ext$`)
)

// customKind is the kind of thing a custom name belongs to.
type customKind int

const (
	customType customKind = iota
	customProperty
	customExtension
)

// checkPrefix applies custom-prefix and custom-prefix-lax to a custom name.
// Both rules yield to extensions-use: with the STIX 2.1 extension mechanism
// a custom name needs no prefix, so they only run when extensions-use is
// off.
func (c *objectCheck) checkPrefix(kind customKind, name, ptr string) {
	if c.v.active["extensions-use"] {
		return
	}
	strict, lax := customPropStrict, customPropLax
	what, form := "custom property", "x_<source>_<name>"
	switch kind {
	case customType:
		strict, lax = customTypeStrict, customTypeLax
		what, form = "custom object type", "x-<source>-<name>"
	case customExtension:
		strict, lax = customExtStrict, customExtLax
		what, form = "custom extension", "x-<source>-<name>-ext"
	}
	if !strict.MatchString(name) {
		c.add("custom-prefix", ptr, what+" "+strconv.Quote(name)+" should be named "+form)
	}
	if !lax.MatchString(name) {
		c.add("custom-prefix-lax", ptr, what+" "+strconv.Quote(name)+
			" should start with "+form[:2])
	}
}

// definitionExtensionTypes returns the extension_type of each
// extension-definition entry of the object's extensions.
func (c *objectCheck) definitionExtensionTypes() []string {
	exts, _ := c.obj["extensions"].(map[string]any)
	var types []string
	for key, v := range exts {
		if !strings.HasPrefix(key, "extension-definition--") {
			continue
		}
		if m, ok := v.(map[string]any); ok {
			if t, ok := m["extension_type"].(string); ok {
				types = append(types, t)
			}
		}
	}
	return types
}

// customContent checks custom types, custom properties and custom
// extensions: their names, whether they use the extension mechanism, and
// the strict options.
func (c *objectCheck) customContent() {
	if !isSpecType(c.typ) {
		c.customType()
		return
	}
	tree := propertyTree(c.typ)
	declared := slices.Contains(c.definitionExtensionTypes(), "toplevel-property-extension")
	for key, val := range c.obj {
		child, known := tree.known(key)
		if !known {
			c.customProperty(key, pointer(key), !declared, true)
			continue
		}
		if key == "extensions" {
			c.extensions(child, val)
			continue
		}
		if scoTypes[c.typ] {
			c.embedded(child, val, pointer(key), true)
		}
	}
}

func (c *objectCheck) customType() {
	if c.v.strictTypes {
		c.add(RuleStrictTypes, "/type", "type "+strconv.Quote(c.typ)+
			" is not defined by STIX 2.1 and custom types are not allowed")
	}
	types := c.definitionExtensionTypes()
	if !slices.Contains(types, "new-sdo") && !slices.Contains(types, "new-sco") &&
		!slices.Contains(types, "new-sro") {
		c.add("extensions-use", "/type", "custom object type "+strconv.Quote(c.typ)+
			" should be defined by an extension-definition of type new-sdo, new-sco or new-sro")
	}
	c.checkPrefix(customType, c.typ, "/type")
}

// customProperty reports a property the specification does not define.
// flagUse is false when a toplevel-property-extension declares it; prefix
// is false inside predefined extensions, where names need no prefix.
func (c *objectCheck) customProperty(name, ptr string, flagUse, prefix bool) {
	if !c.v.strictProperties && !(flagUse && c.on("extensions-use")) &&
		!(prefix && !c.on("extensions-use")) {
		return
	}
	if c.v.strictProperties {
		c.add(RuleStrictProperties, ptr, "property "+strconv.Quote(name)+
			" is not defined by STIX 2.1 and custom properties are not allowed")
	}
	if flagUse {
		c.add("extensions-use", ptr, joinQuoted("custom property ", name,
			" should be defined by an extension-definition"))
	}
	if prefix {
		c.checkPrefix(customProperty, name, ptr)
	}
}

// extensions checks the entries of an extensions dictionary.
func (c *objectCheck) extensions(tree *propNode, val any) {
	exts, _ := val.(map[string]any)
	for key, ext := range exts {
		ptr := pointer("extensions", key)
		if strings.HasPrefix(key, "extension-definition--") {
			continue
		}
		child, known := tree.known(key)
		if !known || tree == nil || tree.props == nil {
			if c.v.strictProperties {
				c.add(RuleStrictProperties, ptr, "extension "+strconv.Quote(key)+
					" is not defined by STIX 2.1 and custom extensions are not allowed")
			}
			c.add("extensions-use", ptr, "custom extension "+strconv.Quote(key)+
				" should be an extension-definition; -ext extensions are deprecated")
			c.checkPrefix(customExtension, key, ptr)
			continue
		}
		m, _ := ext.(map[string]any)
		for name, v := range m {
			grand, ok := child.known(name)
			if !ok {
				c.customProperty(name, pointer("extensions", key, name), true, false)
				continue
			}
			c.embedded(grand, v, pointer("extensions", key, name), true)
		}
	}
}

// embedded checks the properties of objects nested in a property, such as
// x509_v3_extensions or the items of windows-registry-key values.
func (c *objectCheck) embedded(tree *propNode, val any, ptr string, prefix bool) {
	if tree == nil || tree.props == nil {
		return
	}
	switch v := val.(type) {
	case []any:
		for i, item := range v {
			c.embedded(tree, item, ptr+"/"+strconv.Itoa(i), prefix)
		}
	case map[string]any:
		for name, inner := range v {
			child, ok := tree.known(name)
			if !ok {
				c.customProperty(name, ptr+pointer(name), true, prefix)
				continue
			}
			c.embedded(child, inner, ptr+pointer(name), prefix)
		}
	}
}

// joinQuoted returns prefix + strconv.Quote(s) + suffix. For printable
// ASCII without quotes or backslashes, which strconv.Quote copies as it is,
// it skips strconv's rune-by-rune scan and builds the text in one
// allocation. Custom property names, reported once per use, take this path.
func joinQuoted(prefix, s, suffix string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return prefix + strconv.Quote(s) + suffix
		}
	}
	return prefix + `"` + s + `"` + suffix
}
