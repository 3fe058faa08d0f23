package validate

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// reservedProperties are the property names that STIX 2.1 reserves for
// future use. Producers must not use them on any object.
var reservedProperties = map[string]bool{
	"severity": true, "action": true, "username": true, "phone_numbers": true,
}

// schemaMessage words a schema failure for people who know STIX but not
// JSON Schema. sch and instance are the schema and the value that were
// validated, so that the message can name the value and the alternatives.
func schemaMessage(e *jsonschema.ValidationError, sch *jsonschema.Schema, instance any) string {
	switch k := e.ErrorKind.(type) {
	case *kind.FalseSchema:
		n := len(e.InstanceLocation)
		if n == 0 {
			return "this property is not allowed here: remove it"
		}
		name := e.InstanceLocation[n-1]
		if n == 1 && reservedProperties[name] {
			return "property " + name + " is reserved by STIX 2.1 and must not be used: " +
				"remove it, or move its value into an extension"
		}
		return "property " + name + " is not allowed here: remove it"
	case *kind.AnyOf:
		if len(e.Causes) == 0 {
			return localize(e)
		}
		if names, ok := requiredAlternatives(e.Causes); ok {
			return "needs at least one of " + strings.Join(names, ", or ") + ", but has none"
		}
		return "must satisfy at least one of: " + branchReasons(e.Causes)
	case *kind.OneOf:
		if len(e.Causes) > 0 {
			return "must satisfy exactly one of: " + branchReasons(e.Causes)
		}
		return oneOfManyMessage(e, k, sch)
	case *kind.Not:
		return notMessage(e, instance)
	case *kind.MinItems:
		if k.Got == 0 {
			return "list is empty: a STIX list must have at least one item, so remove the " +
				"property or add an item"
		}
		return "list has " + plural(k.Got, "item") + ", but must have at least " +
			strconv.Itoa(k.Want)
	case *kind.MinProperties:
		if k.Got == 0 {
			return "dictionary is empty: a STIX dictionary must have at least one key, so " +
				"remove the property or add a key"
		}
		return "object has " + plural(k.Got, "property") + ", but must have at least " +
			strconv.Itoa(k.Want)
	case *kind.Type:
		return "value is " + jsonTypeName(k.Got) + ", but must be " +
			joinTypeNames(k.Want)
	case *kind.Minimum:
		return "number " + ratText(k.Got) + " is below the minimum " + ratText(k.Want)
	case *kind.Maximum:
		return "number " + ratText(k.Got) + " is above the maximum " + ratText(k.Want)
	case *kind.ExclusiveMinimum:
		return "number " + ratText(k.Got) + " must be above " + ratText(k.Want)
	case *kind.ExclusiveMaximum:
		return "number " + ratText(k.Got) + " must be below " + ratText(k.Want)
	case *kind.PropertyNames:
		reason := ""
		if len(e.Causes) > 0 {
			reason = ": " + branchReason(e.Causes[0])
		}
		return "invalid property name " + strconv.Quote(k.Property) + reason
	}
	return localize(e)
}

// requiredAlternatives returns the property names of anyOf branches that
// each failed only for missing properties, such as "region", "country" and
// "latitude and longitude". ok is false when any branch failed otherwise.
func requiredAlternatives(branches []*jsonschema.ValidationError) (names []string, ok bool) {
	for _, b := range branches {
		for len(b.Causes) == 1 {
			b = b.Causes[0]
		}
		req, isRequired := b.ErrorKind.(*kind.Required)
		if !isRequired || len(b.Causes) > 0 {
			return nil, false
		}
		names = append(names, strings.Join(req.Missing, " and "))
	}
	return names, true
}

// oneOfManyMessage builds the message for a oneOf that failed because several branches
// matched. When the branches sit at the root of sch and only require
// properties, it names those properties.
func oneOfManyMessage(e *jsonschema.ValidationError, k *kind.OneOf,
	sch *jsonschema.Schema) string {
	var present []string
	if sch != nil && e.SchemaURL == sch.Location && len(e.InstanceLocation) == 0 {
		for _, i := range k.Subschemas {
			if i >= len(sch.OneOf) || len(sch.OneOf[i].Required) == 0 {
				present = nil
				break
			}
			present = append(present, strings.Join(sch.OneOf[i].Required, " and "))
		}
	}
	if len(present) > 1 {
		return "has both " + strings.Join(present, " and ") + ", but must have exactly one " +
			"of them: remove all but one"
	}
	var branches []string
	for _, i := range k.Subschemas {
		branches = append(branches, strconv.Itoa(i))
	}
	return "matches alternatives " + strings.Join(branches, " and ") + " of the schema, " +
		"but must match exactly one"
}

// notMessage builds the message for a failed not keyword. STIX schemas use not to exclude
// values, such as references to some object types, and combinations of
// properties.
func notMessage(e *jsonschema.ValidationError, instance any) string {
	value, found := valueAt(instance, e.InstanceLocation)
	s, isString := value.(string)
	if !found || !isString {
		return "has a value or combination of properties that is not allowed here"
	}
	n := len(e.InstanceLocation)
	name := ""
	if n > 0 {
		name = e.InstanceLocation[n-1]
	}
	if n >= 2 && strings.HasSuffix(e.InstanceLocation[n-2], "_refs") {
		name = e.InstanceLocation[n-2]
	}
	if typ, _, ok := splitIdentifier(s); ok &&
		(strings.HasSuffix(name, "_ref") || strings.HasSuffix(name, "_refs")) {
		return "reference " + strconv.Quote(s) + " points at " + withArticle(typ) + ", which " + name +
			" must not reference"
	}
	return "value " + strconv.Quote(s) + " is not allowed here"
}

// valueAt returns the value at the instance location tokens, and whether
// it exists.
func valueAt(instance any, tokens []string) (any, bool) {
	v := instance
	for _, t := range tokens {
		switch c := v.(type) {
		case map[string]any:
			next, ok := c[t]
			if !ok {
				return nil, false
			}
			v = next
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			v = c[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// withArticle puts "a" or "an" before a type name, by its first letter.
func withArticle(name string) string {
	if name != "" && strings.ContainsRune("aeiou", rune(name[0])) {
		return "an " + name
	}
	return "a " + name
}

// jsonTypeName names a JSON Schema type with its article: "an object",
// "a string".
func jsonTypeName(t string) string {
	return withArticle(t)
}

func joinTypeNames(types []string) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = jsonTypeName(t)
	}
	return strings.Join(names, " or ")
}

func plural(n int, noun string) string {
	s := strconv.Itoa(n) + " " + noun
	switch {
	case n == 1:
	case strings.HasSuffix(noun, "y"):
		s = s[:len(s)-1] + "ies"
	default:
		s += "s"
	}
	return s
}

// ratText formats a number of a range keyword. The schema library prints
// such numbers as float64, which shows 1e400 as +Inf and rounds
// 100.0000000000000001 to 100, so the message would not name the value.
func ratText(r *big.Rat) string {
	if r.IsInt() && r.Num().IsInt64() {
		return r.Num().String()
	}
	return new(big.Float).SetPrec(256).SetRat(r).Text('g', 25)
}

// branchReason summarises why one anyOf or oneOf branch failed.
func branchReason(e *jsonschema.ValidationError) string {
	for len(e.Causes) == 1 {
		e = e.Causes[0]
	}
	if len(e.Causes) == 0 {
		return localize(e)
	}
	var parts []string
	for _, c := range e.Causes {
		parts = append(parts, branchReason(c))
	}
	return strings.Join(parts, " and ")
}

// branchReasons joins the reasons of the failed branches of anyOf or oneOf.
func branchReasons(branches []*jsonschema.ValidationError) string {
	var reasons []string
	for _, c := range branches {
		reasons = append(reasons, branchReason(c))
	}
	return strings.Join(reasons, "; or ")
}
