package validate

import (
	"strings"

	"github.com/opencti-go/sdk/stix"
)

// objectCheck holds the state of checking one object. It is used by one
// goroutine.
type objectCheck struct {
	v        *Validator
	sess     *Session
	obj      map[string]any
	typ, id  string
	idx      int
	findings []Finding
}

// add records a finding of rule unless the rule is off. SHOULD rules are
// warnings, or errors in strict mode; everything else is an error.
func (c *objectCheck) add(rule, ptr, msg string) {
	c.addErr(rule, ptr, msg, nil)
}

// on reports whether rule runs; checks test it before building costly
// messages.
func (c *objectCheck) on(rule string) bool { return c.v.active[rule] }

func (c *objectCheck) addErr(rule, ptr, msg string, err error) {
	if !c.v.active[rule] {
		return
	}
	sev := SeverityError
	if isShould(rule) && !c.v.strict {
		sev = SeverityWarning
	}
	c.findings = append(c.findings, Finding{ObjectID: c.id, Index: c.idx, Pointer: ptr,
		Rule: rule, Severity: sev, Message: shortenText(msg, maxMessageBytes), Err: err})
}

var shouldNames = func() map[string]bool {
	m := map[string]bool{}
	for _, r := range shouldRules {
		m[r.name] = true
	}
	return m
}()

func isShould(rule string) bool { return shouldNames[rule] }

// run performs every check on the object.
func (c *objectCheck) run() {
	if c.isSTIX20() {
		c.findings = append(c.findings, Finding{ObjectID: c.id, Index: c.idx,
			Pointer: "/spec_version", Rule: RuleSpecVersion, Severity: SeverityInfo,
			Message: "object is STIX 2.0 (spec_version missing or 2.0 on an object with " +
				"created): only the id and timestamp order were checked"})
		c.identifiers()
		c.timestamps()
		if c.sess != nil {
			c.sess.record(c)
		}
		return
	}
	c.schema()
	if c.typ == "" {
		return
	}
	c.identifiers()
	c.timestamps()
	c.markings()
	c.customContent()
	c.vocabularies()
	c.typeSpecific()
	c.extraSchemas()
	if c.v.interop {
		c.interop()
	}
	if c.sess != nil {
		c.sess.record(c)
	}
}

// isSTIX20 reports an object that declares spec_version 2.0, or an SDO,
// SRO or marking definition (an object with created) that has no
// spec_version, which STIX 2.0 did not have.
func (c *objectCheck) isSTIX20() bool {
	sv, ok := c.obj["spec_version"]
	if ok {
		return sv == "2.0"
	}
	_, created := c.obj["created"]
	return created && !scoTypes[c.typ]
}

func (c *objectCheck) schema() {
	sch := c.v.schemaFor(c.typ, c.obj)
	if err := sch.Validate(any(c.obj)); err != nil {
		schemaFindings(err, sch, c.obj, func(f Finding) {
			c.addErr(f.Rule, f.Pointer, f.Message, f.Err)
		})
	}
}

// extraSchemas applies the user schemas named after the type and after the
// extension definitions the object uses.
func (c *objectCheck) extraSchemas() {
	if c.v.extra == nil {
		return
	}
	names := []string{c.typ}
	if exts, ok := c.obj["extensions"].(map[string]any); ok {
		for key := range exts {
			names = append(names, key)
		}
	}
	for _, name := range names {
		if err := c.v.extra.broken[name]; err != nil {
			c.addErr(RuleCustomSchema, "", "user schema "+name+".json could not be used: "+
				err.Error(), err)
			continue
		}
		sch := c.v.extra.byType[name]
		if sch == nil {
			continue
		}
		if err := sch.Validate(any(c.obj)); err != nil {
			schemaFindings(err, sch, c.obj, func(f Finding) {
				c.addErr(RuleCustomSchema, f.Pointer, "schema "+name+".json: "+f.Message, f.Err)
			})
		}
	}
}

// instant parses a timestamp property, reporting nothing: invalid
// timestamps are schema findings.
func (c *objectCheck) instant(name string) (stix.Timestamp, bool) {
	s, ok := c.obj[name].(string)
	if !ok {
		return stix.Timestamp{}, false
	}
	if _, _, err := parseTimestamp(s); err != nil {
		return stix.Timestamp{}, false
	}
	t, err := stix.ParseTimestamp(s)
	return t, err == nil
}

// timeOrder lists the pairs of timestamp properties that must be ordered:
// later must be at or after earlier, or strictly after when strict is set.
var timeOrder = []struct {
	types          []string
	earlier, later string
	strict         bool
}{
	{nil, "created", "modified", false},
	{[]string{"campaign", "infrastructure", "intrusion-set", "malware", "sighting",
		"threat-actor"}, "first_seen", "last_seen", false},
	{[]string{"observed-data"}, "first_observed", "last_observed", false},
	{[]string{"indicator"}, "valid_from", "valid_until", true},
	{[]string{"relationship"}, "start_time", "stop_time", true},
	{[]string{"network-traffic"}, "start", "end", false},
	{[]string{"malware-analysis"}, "analysis_started", "analysis_ended", false},
	{[]string{"x509-certificate"}, "validity_not_before", "validity_not_after", false},
}

// timestamps compares timestamps as instants at full precision.
func (c *objectCheck) timestamps() {
	for _, pair := range timeOrder {
		if pair.types != nil && !contains(pair.types, c.typ) {
			continue
		}
		from, ok1 := c.instant(pair.earlier)
		to, ok2 := c.instant(pair.later)
		if !ok1 || !ok2 {
			continue
		}
		if to.Before(from) || pair.strict && to.Equal(from) {
			rel := "at or after"
			if pair.strict {
				rel = "after"
			}
			c.add(RuleTimestampOrder, "/"+pair.later, pair.later+" "+
				c.obj[pair.later].(string)+" must be "+rel+" "+pair.earlier+" "+
				c.obj[pair.earlier].(string))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// strings returns the strings of a list property, skipping other values.
func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func lowerHyphenated(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if ch := s[i]; !isLower(ch) && !isDigit(ch) && ch != '-' {
			return false
		}
	}
	return !strings.HasPrefix(s, "-") && !strings.HasSuffix(s, "-")
}
