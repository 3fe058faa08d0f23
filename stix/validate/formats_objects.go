package validate

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
)

var (
	cveID   = regexp.MustCompile(`^CVE-\d{4}-(0\d{3}|[1-9]\d{3,})$`)
	capecID = regexp.MustCompile(`^CAPEC-\d+$`)
)

// checkExternalReference checks an external reference in one call: the
// string properties, one of description, url or external_id besides
// source_name, and the CVE and CAPEC id forms. The schema checks url and
// hashes.
func checkExternalReference(v any) error {
	ref, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	for _, prop := range []string{"source_name", "description", "external_id"} {
		if val, ok := ref[prop]; ok {
			if _, isString := val.(string); !isString {
				return errors.New(prop + " must be a string")
			}
		}
	}
	_, desc := ref["description"]
	_, url := ref["url"]
	extID, hasID := ref["external_id"].(string)
	_, idPresent := ref["external_id"]
	if !desc && !url && !idPresent {
		return errors.New("an external reference needs description, url or external_id " +
			"besides source_name")
	}
	source, _ := ref["source_name"].(string)
	switch {
	case source == "cve" && (!hasID || !cveID.MatchString(extID)):
		return errors.New("source_name cve needs external_id CVE-YYYY-NNNN")
	case source == "capec" && (!hasID || !capecID.MatchString(extID)):
		return errors.New("source_name capec needs external_id CAPEC-N")
	case hasID && cveID.MatchString(extID) && source != "cve":
		return errors.New("external_id " + extID + " is a CVE id, so source_name must be cve")
	case hasID && capecID.MatchString(extID) && source != "capec":
		return errors.New("external_id " + extID + " is a CAPEC id, so source_name must be capec")
	}
	return nil
}

// checkGranularMarking requires exactly one of marking_ref and lang. A
// lang-only granular marking states the language of the selected text.
func checkGranularMarking(v any) error {
	gm, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	_, ref := gm["marking_ref"]
	_, lang := gm["lang"]
	switch {
	case ref && lang:
		return errors.New("a granular marking has marking_ref or lang, not both")
	case !ref && !lang:
		return errors.New("a granular marking needs marking_ref or lang")
	}
	return nil
}

// propertyNamesError lists the invalid property names of one object.
type propertyNamesError struct {
	names   []string
	reasons []string
}

func (e *propertyNamesError) Error() string {
	var sb strings.Builder
	for i, n := range e.names {
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString("invalid property name " + strconv.Quote(n) + ": " + e.reasons[i])
	}
	return sb.String()
}

// checkPropertyNames checks every property name of an object with
// checkPropertyName, in one call per object.
func checkPropertyNames(v any) error {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	var perr *propertyNamesError
	for name := range obj {
		if err := checkPropertyName(name); err != nil {
			if perr == nil {
				perr = &propertyNamesError{}
			}
			perr.names = append(perr.names, name)
			perr.reasons = append(perr.reasons, err.Error())
		}
	}
	if perr == nil {
		return nil
	}
	return perr
}
