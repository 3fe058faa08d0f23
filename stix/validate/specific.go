package validate

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/opencti-go/sdk/stix/pattern"
)

// typeSpecific runs the checks that concern one type.
func (c *objectCheck) typeSpecific() {
	c.externalReferences()
	switch c.typ {
	case "indicator":
		c.indicator()
	case "relationship":
		c.relationshipType()
	case "malware-analysis":
		if p, ok := c.obj["product"].(string); ok && !lowerHyphenated(p) {
			c.add("malware-analysis-product", "/product", "product "+strconv.Quote(p)+
				" should be lower case with hyphens")
		}
	case "extension-definition":
		c.extensionDefinition()
	case "language-content":
		c.languageContents()
	case "observed-data":
		c.observedData()
	}
	if scoTypes[c.typ] {
		c.observable(c.typ, c.obj, "")
	}
}

func (c *objectCheck) externalReferences() {
	list, _ := c.obj["external_references"].([]any)
	for i, item := range list {
		ref, _ := item.(map[string]any)
		_, url := ref["url"]
		_, hashes := ref["hashes"]
		if url && !hashes {
			c.add("extref-hashes", "/external_references/"+strconv.Itoa(i),
				"an external reference with a url should carry the hashes of its content")
		}
	}
}

func (c *objectCheck) indicator() {
	_, name := c.obj["name"]
	_, desc := c.obj["description"]
	if !name || !desc {
		c.add("indicator-properties", "", "an indicator should have a name and a description")
	}
	src, ok := c.obj["pattern"].(string)
	if !ok || c.obj["pattern_type"] != "stix" {
		return
	}
	p, err := pattern.Parse(src)
	if err != nil {
		for _, e := range flatten(err) {
			c.addErr(RulePattern, "/pattern", "invalid STIX pattern: "+e.Error(), e)
		}
		return
	}
	c.patternNames(p)
	c.patternDates(p)
}

// patternDates reports timestamp constants whose day does not exist in
// their month, such as t'2024-02-30T00:00:00Z'. The pattern grammar checks
// only the digit ranges, so the parser accepts them, but RFC 3339, which
// STIX timestamps follow, does not.
func (c *objectCheck) patternDates(p *pattern.Pattern) {
	check := func(lit *pattern.Literal) {
		if lit == nil || lit.Kind != pattern.TimestampLiteral || len(lit.Raw) < 12 {
			return
		}
		year, errY := strconv.Atoi(lit.Raw[2:6])
		month, errM := strconv.Atoi(lit.Raw[7:9])
		day, errD := strconv.Atoi(lit.Raw[10:12])
		if errY != nil || errM != nil || errD != nil || month < 1 || month > 12 {
			return
		}
		// Day 0 of the next month is the last day of this one.
		last := time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
		if day > last {
			c.add(RulePattern, "/pattern", "timestamp "+lit.Raw+" at pattern offset "+
				strconv.Itoa(lit.Start)+" is not a calendar date: "+time.Month(month).String()+
				" "+strconv.Itoa(year)+" has "+strconv.Itoa(last)+" days")
		}
	}
	pattern.Inspect(p.Expr, func(n pattern.Node) bool {
		switch n := n.(type) {
		case *pattern.Comparison:
			check(n.Value)
			for i := range n.Set {
				check(&n.Set[i])
			}
		case *pattern.QualifiedObservation:
			check(&n.Qualifier.From)
			check(&n.Qualifier.To)
		}
		return true
	})
}

// flatten splits a joined error into its parts.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

var (
	patternTypeName = regexp.MustCompile(`^-?[a-z0-9]+(-[a-z0-9]+)*-?$`)
	patternPropName = regexp.MustCompile(`^[a-z0-9_]{3,250}$`)
)

// patternNames checks the object types and properties a pattern names.
func (c *objectCheck) patternNames(p *pattern.Pattern) {
	for cmp := range p.Comparisons() {
		typ := cmp.Path.ObjectType
		msgAt := " at pattern offset " + strconv.Itoa(cmp.Path.Start)
		if !patternTypeName.MatchString(typ) || len(typ) < 3 || len(typ) > 250 {
			c.add(RulePattern, "/pattern", "object type "+strconv.Quote(typ)+msgAt+
				" is not a valid type name (3 to 250 characters of a-z, 0-9 and '-')")
			continue
		}
		first := cmp.Path.Steps[0].Key
		if !patternPropName.MatchString(first) {
			c.add(RulePattern, "/pattern", "property "+strconv.Quote(first)+msgAt+
				" is not a valid property name (3 to 250 characters of a-z, 0-9 and '_')")
		}
		if !isSpecType(typ) {
			if c.v.strictTypes {
				c.add(RuleStrictTypes, "/pattern", "object type "+strconv.Quote(typ)+msgAt+
					" is not defined by STIX 2.1")
			}
			c.checkPrefix(customType, typ, "/pattern")
			continue
		}
		if _, ok := propertyTree(typ).known(first); !ok {
			if c.v.strictProperties {
				c.add(RuleStrictProperties, "/pattern", "property "+strconv.Quote(first)+
					msgAt+" is not defined by STIX 2.1 for "+typ)
			}
			c.checkPrefix(customProperty, first, "/pattern")
		}
	}
}

func (c *objectCheck) relationshipType() {
	rel, _ := c.obj["relationship_type"].(string)
	src, _ := c.obj["source_ref"].(string)
	dst, _ := c.obj["target_ref"].(string)
	srcType, _, _ := splitIdentifier(src)
	dstType, _, _ := splitIdentifier(dst)
	if rel == "" || dstType == "" || commonRelationships[rel] {
		return
	}
	targets, known := relationshipTargets[srcType]
	if !known {
		return
	}
	allowed, ok := targets[rel]
	if !ok {
		c.add("relationship-types", "/relationship_type", "relationship type "+
			strconv.Quote(rel)+" is not one the specification suggests for source type "+srcType)
		return
	}
	if !contains(strings.Fields(allowed), dstType) {
		c.add("relationship-types", "/target_ref", "target_ref points at "+withArticle(dstType)+
			", which the specification does not suggest for "+srcType+" "+rel+
			": the suggested target types are "+strings.Join(strings.Fields(allowed), ", "))
	}
}

func (c *objectCheck) extensionDefinition() {
	if _, ok := c.obj["description"]; !ok {
		c.add("extension-description", "", "an extension definition should have a description")
	}
	types := stringList(c.obj["extension_types"])
	if contains(types, "toplevel-property-extension") {
		if _, ok := c.obj["extension_properties"]; !ok {
			c.add("extension-properties", "", "a toplevel-property-extension should list "+
				"its properties in extension_properties")
		}
	}
}

func (c *objectCheck) languageContents() {
	contents, _ := c.obj["contents"].(map[string]any)
	for lang, v := range contents {
		ptr := pointer("contents", lang)
		if !validLanguageTag(lang) {
			c.add(RuleLanguageContents, ptr, "contents key "+strconv.Quote(lang)+
				" is not an RFC 5646 language tag")
		}
		inner, _ := v.(map[string]any)
		for name := range inner {
			if checkPropertyName(name) != nil {
				c.add(RuleLanguageContents, ptr+pointer(name), "contents key "+
					strconv.Quote(name)+" is not a valid property name")
			}
		}
	}
}

// observedData checks the deprecated objects dictionary: its keys, and the
// references between its members.
func (c *objectCheck) observedData() {
	objs, ok := c.obj["objects"].(map[string]any)
	if !ok {
		return
	}
	c.add("deprecated-properties", "/objects", "objects is deprecated in STIX 2.1: "+
		"put the SCOs in the bundle and list them in object_refs")
	for key, member := range objs {
		ptr := pointer("objects", key)
		if n, err := strconv.Atoi(key); err != nil || n < 0 {
			c.add("observable-object-keys", ptr, "objects key "+strconv.Quote(key)+
				" should be a non-negative integer")
		}
		m, ok := member.(map[string]any)
		if !ok {
			continue
		}
		c.memberRefs(objs, m, ptr)
		if typ, ok := m["type"].(string); ok && c.v.schemas.byType[typ] != nil && scoTypes[typ] {
			sch := c.v.schemas.byType[typ]
			if err := sch.Validate(any(m)); err != nil {
				schemaFindings(err, sch, m, func(f Finding) {
					c.addErr(f.Rule, ptr+f.Pointer, f.Message, f.Err)
				})
			}
		}
	}
}

// memberRefs checks the *_ref and *_refs properties of a member of the
// deprecated objects dictionary: they name keys of the dictionary, and the
// referenced member must have an allowed type.
func (c *objectCheck) memberRefs(objs, m map[string]any, ptr string) {
	typ, _ := m["type"].(string)
	for prop, v := range m {
		if !strings.HasSuffix(prop, "_ref") && !strings.HasSuffix(prop, "_refs") {
			continue
		}
		refs := stringList(v)
		if s, ok := v.(string); ok {
			refs = []string{s}
		}
		allowed := refTargets(typ, prop)
		for _, ref := range refs {
			target, ok := objs[ref].(map[string]any)
			if !ok {
				c.add(RuleObservableRefs, ptr+pointer(prop), prop+" names "+strconv.Quote(ref)+
					", which is not a key of objects")
				continue
			}
			tt, _ := target["type"].(string)
			if allowed != nil && !contains(allowed, tt) {
				c.add(RuleObservableRefs, ptr+pointer(prop), prop+" must point to "+
					strings.Join(allowed, " or ")+", not "+tt)
			}
		}
	}
}

// refTargets returns the types a reference property of an SCO may point to,
// from the built-in schema's prefix pattern, or nil when any type is allowed.
func refTargets(typ, prop string) []string {
	return scoRefTargets[typ+"."+prop]
}

var scoRefTargets = map[string][]string{
	"directory.contains_refs":               {"file", "directory"},
	"domain-name.resolves_to_refs":          {"ipv4-addr", "ipv6-addr", "domain-name"},
	"email-addr.belongs_to_ref":             {"user-account"},
	"email-message.from_ref":                {"email-addr"},
	"email-message.sender_ref":              {"email-addr"},
	"email-message.to_refs":                 {"email-addr"},
	"email-message.cc_refs":                 {"email-addr"},
	"email-message.bcc_refs":                {"email-addr"},
	"email-message.raw_email_ref":           {"artifact"},
	"file.parent_directory_ref":             {"directory"},
	"file.content_ref":                      {"artifact"},
	"ipv4-addr.resolves_to_refs":            {"mac-addr"},
	"ipv4-addr.belongs_to_refs":             {"autonomous-system"},
	"ipv6-addr.resolves_to_refs":            {"mac-addr"},
	"ipv6-addr.belongs_to_refs":             {"autonomous-system"},
	"network-traffic.src_ref":               {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"},
	"network-traffic.dst_ref":               {"ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"},
	"network-traffic.src_payload_ref":       {"artifact"},
	"network-traffic.dst_payload_ref":       {"artifact"},
	"network-traffic.encapsulates_refs":     {"network-traffic"},
	"network-traffic.encapsulated_by_ref":   {"network-traffic"},
	"process.opened_connection_refs":        {"network-traffic"},
	"process.creator_user_ref":              {"user-account"},
	"process.image_ref":                     {"file"},
	"process.parent_ref":                    {"process"},
	"process.child_refs":                    {"process"},
	"windows-registry-key.creator_user_ref": {"user-account"},
}
