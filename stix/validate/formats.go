package validate

import (
	"encoding/base64"
	"errors"
	"net/netip"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// registerFormats adds the stix-* formats used by the built-in schemas.
func registerFormats(c *jsonschema.Compiler) {
	for name, check := range map[string]func(string) error{
		"stix-identifier":        checkIdentifier,
		"stix-type-name":         checkTypeName,
		"stix-property-name":     checkPropertyName,
		"stix-extension-name":    checkExtensionName,
		"stix-timestamp":         func(s string) error { return checkTimestamp(s, 0, -1) },
		"stix-timestamp-millis":  func(s string) error { return checkTimestamp(s, 3, -1) },
		"stix-timestamp-seconds": func(s string) error { return checkTimestamp(s, 0, 0) },
		"stix-binary":            checkBase64,
		"stix-hex":               checkHex,
		"stix-cpe":               checkCPE,
		"stix-registry-key":      checkRegistryKey,
		"stix-ipv4":              checkIPv4,
		"stix-ipv6":              checkIPv6,
	} {
		c.RegisterFormat(&jsonschema.Format{Name: name, Validate: stringFormat(check)})
	}
	c.RegisterFormat(&jsonschema.Format{Name: "stix-external-reference",
		Validate: checkExternalReference})
	c.RegisterFormat(&jsonschema.Format{Name: "stix-property-names",
		Validate: checkPropertyNames})
	c.RegisterFormat(&jsonschema.Format{Name: "stix-granular-marking",
		Validate: checkGranularMarking})
}

// stringFormat applies check to strings and accepts other JSON types, as
// JSON Schema formats do.
func stringFormat(check func(string) error) func(any) error {
	return func(v any) error {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		return check(s)
	}
}

func isLower(c byte) bool { return c >= 'a' && c <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// checkTypeName checks a STIX type name: 3 to 250 characters of a-z, 0-9
// and single hyphens, starting with a letter.
func checkTypeName(s string) error {
	if len(s) < 3 || len(s) > 250 {
		return errors.New("a type name has 3 to 250 characters")
	}
	if !isLower(s[0]) {
		return errors.New("a type name starts with a lower-case letter a-z")
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLower(c) && !isDigit(c) && c != '-' {
			return errors.New("a type name has only a-z, 0-9 and '-'")
		}
		if c == '-' && i > 0 && s[i-1] == '-' {
			return errors.New("a type name has no '--'")
		}
	}
	if s == "action" {
		return errors.New("type name action is reserved")
	}
	return nil
}

// splitIdentifier splits "type--uuid" at the first "--".
func splitIdentifier(s string) (typ, uuid string, ok bool) {
	return strings.Cut(s, "--")
}

// checkIdentifier checks `<type>--<RFC 4122 UUID>`.
func checkIdentifier(s string) error {
	typ, uuid, ok := splitIdentifier(s)
	if !ok {
		return errors.New("an identifier is <type>--<UUID>")
	}
	if err := checkTypeName(typ); err != nil && typ != "action" {
		return errors.New("the type part is invalid: " + err.Error())
	}
	if !validUUID(uuid) {
		return errors.New("the part after -- is not an RFC 4122 UUID " +
			"(version 1 to 5, variant 10xx)")
	}
	return nil
}

// validUUID checks the 8-4-4-4-12 hex form with a version from 1 to 5 and
// the RFC 4122 variant.
func validUUID(u string) bool {
	if len(u) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			if u[i] != '-' {
				return false
			}
		default:
			if !isHex(u[i]) {
				return false
			}
		}
	}
	if u[14] < '1' || u[14] > '5' {
		return false
	}
	return strings.IndexByte("89abAB", u[19]) >= 0
}

// uuidVersion returns the version digit of a valid UUID.
func uuidVersion(u string) byte { return u[14] - '0' }

// checkPropertyName checks a top-level property name: 3 to 250 characters
// of a-z, 0-9 and underscore, starting with a letter. "id" is the one
// shorter name the specification defines.
func checkPropertyName(s string) error {
	if s == "id" {
		return nil
	}
	if len(s) < 3 || len(s) > 250 {
		return errors.New("a property name has 3 to 250 characters")
	}
	if !isLower(s[0]) {
		return errors.New("a property name starts with a lower-case letter a-z")
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !isLower(c) && !isDigit(c) && c != '_' {
			return errors.New("a property name has only a-z, 0-9 and '_'")
		}
	}
	return nil
}

// checkExtensionName checks a key of an extensions dictionary: an
// extension-definition identifier or a predefined or custom name ending in
// -ext.
func checkExtensionName(s string) error {
	if typ, _, _ := splitIdentifier(s); typ == "extension-definition" {
		return checkIdentifier(s)
	}
	if !strings.HasSuffix(s, "-ext") {
		return errors.New("an extension key is an extension-definition id or ends in -ext")
	}
	if err := checkTypeName(s); err != nil {
		return errors.New("invalid extension name: " + err.Error())
	}
	return nil
}

// parseTimestamp parses `YYYY-MM-DDTHH:MM:SS[.s+]Z` as an instant in UTC,
// rejecting dates that do not exist. Digits past nanoseconds are dropped. It
// also returns the number of fraction digits.
func parseTimestamp(s string) (time.Time, int, error) {
	const layout = "dddd-dd-ddTdd:dd:dd"
	if len(s) < len(layout)+1 || s[len(s)-1] != 'Z' {
		return time.Time{}, 0, errors.New("a timestamp is YYYY-MM-DDTHH:MM:SS[.s+]Z in UTC")
	}
	for i := 0; i < len(layout); i++ {
		if layout[i] == 'd' && !isDigit(s[i]) || layout[i] != 'd' && layout[i] != s[i] {
			return time.Time{}, 0, errors.New("a timestamp is YYYY-MM-DDTHH:MM:SS[.s+]Z in UTC")
		}
	}
	frac := s[len(layout) : len(s)-1]
	nanos, digits := 0, 0
	if frac != "" {
		if frac[0] != '.' || len(frac) < 2 {
			return time.Time{}, 0, errors.New("a fraction of a second is '.' and digits")
		}
		for i := 1; i < len(frac); i++ {
			if !isDigit(frac[i]) {
				return time.Time{}, 0, errors.New("a fraction of a second has only digits")
			}
			if i <= 9 {
				nanos = nanos*10 + int(frac[i]-'0')
			}
		}
		digits = len(frac) - 1
		for i := digits; i < 9; i++ {
			nanos *= 10
		}
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n
	}
	year, month, day := num(0, 4), num(5, 7), num(8, 10)
	hour, minute, sec := num(11, 13), num(14, 16), num(17, 19)
	leap := sec == 60 && hour == 23 && minute == 59
	if leap {
		sec = 59
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nanos, time.UTC)
	if t.Year() != year || int(t.Month()) != month || t.Day() != day || t.Hour() != hour ||
		t.Minute() != minute {
		return time.Time{}, 0, errors.New("the date or time does not exist")
	}
	if leap {
		t = t.Add(time.Second)
	}
	return t, digits, nil
}

// checkTimestamp checks a timestamp with at least minDigits fraction digits
// and, when maxDigits >= 0, at most maxDigits.
func checkTimestamp(s string, minDigits, maxDigits int) error {
	_, digits, err := parseTimestamp(s)
	if err != nil {
		return err
	}
	if digits < minDigits {
		return errors.New("this timestamp must be precise to the millisecond: " +
			"write at least 3 fraction digits, such as .000Z")
	}
	if maxDigits >= 0 && digits > maxDigits {
		return errors.New("this timestamp takes whole seconds: remove the fraction")
	}
	return nil
}

func checkBase64(s string) error {
	if len(s)%4 != 0 {
		return errors.New("base64 text has a length that is a multiple of 4")
	}
	if _, err := base64.StdEncoding.DecodeString(s); err != nil ||
		strings.ContainsAny(s, "\r\n") {
		return errors.New("not standard base64 with = padding")
	}
	return nil
}

func checkHex(s string) error {
	if s == "" || len(s)%2 != 0 {
		return errors.New("hex text has a positive, even number of digits")
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return errors.New("hex text has only the digits 0-9 a-f A-F")
		}
	}
	return nil
}

// abbreviatedHives are the hive abbreviations a registry key must not use.
var abbreviatedHives = map[string]bool{
	"HKLM": true, "HKCU": true, "HKCR": true, "HKCC": true, "HKU": true,
}

// checkRegistryKey rejects a key whose hive is abbreviated: the full name,
// such as HKEY_LOCAL_MACHINE, is required.
func checkRegistryKey(s string) error {
	hive, _, _ := strings.Cut(s, `\`)
	if abbreviatedHives[strings.ToUpper(hive)] {
		return errors.New("write the full hive name, such as HKEY_LOCAL_MACHINE, not " + hive)
	}
	return nil
}

// checkIPv4 accepts an IPv4 address or CIDR block in dotted-quad form.
func checkIPv4(s string) error {
	addr, ok := parseAddrOrPrefix(s)
	if !ok || !addr.Is4() {
		return errors.New("not an IPv4 address or CIDR block such as 198.51.100.3/24")
	}
	return nil
}

// checkIPv6 accepts an IPv6 address or CIDR block, IPv4-embedded forms
// included, without a zone.
func checkIPv6(s string) error {
	addr, ok := parseAddrOrPrefix(s)
	if !ok || !addr.Is6() || addr.Zone() != "" {
		return errors.New("not an IPv6 address or CIDR block such as 2001:db8::/32")
	}
	return nil
}

func parseAddrOrPrefix(s string) (netip.Addr, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		return p.Addr(), err == nil
	}
	a, err := netip.ParseAddr(s)
	return a, err == nil
}
