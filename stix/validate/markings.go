package validate

import (
	"strconv"
	"strings"
)

// RuleTLPv2 is the SHOULD rule for TLP 2.0 levels (clear, amber+strict)
// written as STIX TLP markings. STIX 2.1 defines only TLP 1.0 markings, but
// OpenCTI exports TLP 2.0 levels this way, so they are warnings, not errors.
const RuleTLPv2 = "tlp-v2"

// markings checks marking definitions and granular markings.
func (c *objectCheck) markings() {
	if c.typ == "marking-definition" {
		c.markingDefinition()
	}
	list, _ := c.obj["granular_markings"].([]any)
	for i, item := range list {
		gm, ok := item.(map[string]any)
		if !ok {
			continue
		}
		base := "/granular_markings/" + strconv.Itoa(i)
		if c.id != "" && gm["marking_ref"] == c.id {
			c.add(RuleMarkingSelf, base+"/marking_ref",
				"a marking definition must not mark itself")
		}
		for j, sel := range stringList(gm["selectors"]) {
			if !resolveSelector(c.obj, sel) {
				c.add(RuleMarkingSelector, base+"/selectors/"+strconv.Itoa(j),
					"selector "+strconv.Quote(sel)+" does not match any property of the object")
			}
		}
	}
	if lang, ok := c.obj["lang"].(string); ok && !validLanguageTag(lang) {
		c.add(RuleLanguage, "/lang", "lang "+strconv.Quote(lang)+
			" is not a known RFC 5646 language tag, such as en or fr-CA")
	}
}

func (c *objectCheck) markingDefinition() {
	for i, ref := range stringList(c.obj["object_marking_refs"]) {
		if ref == c.id {
			c.add(RuleMarkingSelf, "/object_marking_refs/"+strconv.Itoa(i),
				"a marking definition must not mark itself")
		}
	}
	dtype, hasType := c.obj["definition_type"].(string)
	if hasType && dtype != "tlp" && dtype != "statement" {
		c.add("marking-definition-type", "/definition_type", "definition_type "+
			strconv.Quote(dtype)+" should be tlp or statement; define other markings "+
			"through an extension")
	}
	if dtype == "tlp" {
		c.tlp()
	}
	if level, ok := tlp2Markings[c.id]; ok {
		c.tlp2(level)
	}
}

// tlp2 checks a marking that uses the id of an OASIS TLP 2.0 marking: it
// must state the same level through the TLP 2.0 extension.
func (c *objectCheck) tlp2(level string) {
	exts, _ := c.obj["extensions"].(map[string]any)
	ext, _ := exts[tlp2Extension].(map[string]any)
	got, _ := ext["tlp_2_0"].(string)
	if got != level {
		c.add(RuleTLP, pointer("extensions", tlp2Extension, "tlp_2_0"), "marking "+c.id+
			" is the TLP 2.0 marking TLP:"+strings.ToUpper(level)+", so extension "+
			tlp2Extension+" must have tlp_2_0 "+strconv.Quote(level))
	}
}

// tlp checks a TLP marking against the four predefined STIX 2.1 TLP
// markings, which have fixed ids, names and created timestamps.
func (c *objectCheck) tlp() {
	def, _ := c.obj["definition"].(map[string]any)
	level, _ := def["tlp"].(string)
	canonical, isCanonical := tlpMarkings[c.id]
	if v2, ok := tlp2Levels[level]; ok {
		c.add(RuleTLPv2, "/definition/tlp", "tlp "+strconv.Quote(level)+" is a TLP 2.0 level ("+
			v2+") that STIX 2.1 does not define; consumers may not recognise it")
		return
	}
	switch {
	case !isCanonical:
		for id, lvl := range tlpMarkings {
			if lvl == level {
				c.add(RuleTLP, "/id", "TLP:"+strings.ToUpper(level)+" must use the "+
					"predefined marking definition "+id)
				return
			}
		}
		c.add(RuleTLP, "/definition/tlp", "tlp "+strconv.Quote(level)+
			" is not a TLP level: use white, green, amber or red")
	case level != canonical:
		c.add(RuleTLP, "/definition/tlp", "marking "+c.id+" is TLP:"+
			strings.ToUpper(canonical)+", so definition.tlp must be "+canonical)
	default:
		c.tlpDetails(canonical)
	}
}

func (c *objectCheck) tlpDetails(level string) {
	want := "TLP:" + strings.ToUpper(level)
	name, _ := c.obj["name"].(string)
	switch {
	case level == "white" && name == "TLP:CLEAR":
		c.add(RuleTLPv2, "/name", "name TLP:CLEAR is the TLP 2.0 name of TLP:WHITE; "+
			"STIX 2.1 names this marking TLP:WHITE")
	case name != want:
		c.add(RuleTLP, "/name", "the predefined marking "+c.id+" has name "+want)
	}
	if created, _ := c.obj["created"].(string); created != "2017-01-20T00:00:00.000Z" {
		c.add(RuleTLP, "/created", "the predefined TLP markings have created "+
			"2017-01-20T00:00:00.000Z")
	}
}

// resolveSelector reports whether a granular marking selector, such as
// "description" or "external_references.[0].url", names a value of obj.
func resolveSelector(obj map[string]any, sel string) bool {
	if sel == "" {
		return false
	}
	var cur any = obj
	for _, part := range splitSelector(sel) {
		if strings.HasPrefix(part, "[") && strings.HasSuffix(part, "]") {
			n, err := strconv.Atoi(part[1 : len(part)-1])
			list, ok := cur.([]any)
			if err != nil || !ok || n < 0 || n >= len(list) {
				return false
			}
			cur = list[n]
			continue
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

// splitSelector splits at dots and before list indexes, so that both
// "a.[0].b" and "a[0].b" give a, [0], b.
func splitSelector(sel string) []string {
	var parts []string
	for _, seg := range strings.Split(sel, ".") {
		for {
			i := strings.IndexByte(seg, '[')
			if i <= 0 {
				break
			}
			parts = append(parts, seg[:i])
			seg = seg[i:]
		}
		if j := strings.Index(seg, "]["); j > 0 {
			parts = append(parts, seg[:j+1])
			seg = seg[j+1:]
		}
		parts = append(parts, seg)
	}
	return parts
}
