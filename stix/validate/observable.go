package validate

import (
	"strconv"
	"strings"
)

// observable runs the checks specific to SCO types on obj, whose JSON
// pointer is base.
func (c *objectCheck) observable(typ string, obj map[string]any, base string) {
	exts, _ := obj["extensions"].(map[string]any)
	switch typ {
	case "artifact":
		if mt, ok := obj["mime_type"].(string); ok && !validMediaType(mt) {
			c.add(RuleArtifactMediaType, base+"/mime_type", "mime_type "+strconv.Quote(mt)+
				" is not a media type with a registered top-level type, such as text/plain")
		}
	case "file":
		c.file(obj, exts, base)
	case "directory":
		c.charset(obj, "path_enc", base)
	case "software":
		for i, lang := range stringList(obj["languages"]) {
			if !validSoftwareLanguage(lang) {
				c.add(RuleSoftwareLanguage, base+"/languages/"+strconv.Itoa(i), "language "+
					strconv.Quote(lang)+" is not an ISO 639-2 code or RFC 5646 tag")
			}
		}
	case "network-traffic":
		c.networkTraffic(obj, exts, base)
	case "process":
		if wp, ok := exts["windows-process-ext"].(map[string]any); ok {
			if p, ok := wp["priority"].(string); ok && !strings.HasSuffix(p, "_CLASS") {
				c.add("windows-process-priority-format",
					base+"/extensions/windows-process-ext/priority",
					"priority "+strconv.Quote(p)+" should end in _CLASS")
			}
		}
	}
	c.dictionaryKeys(obj, base)
}

func (c *objectCheck) charset(obj map[string]any, prop, base string) {
	if cs, ok := obj[prop].(string); ok && !validCharset(cs) {
		c.add(RuleCharset, base+"/"+prop, prop+" "+strconv.Quote(cs)+
			" is not a character set name registered with IANA, such as UTF-8")
	}
}

func (c *objectCheck) file(obj, exts map[string]any, base string) {
	c.charset(obj, "name_enc", base)
	if mt, ok := obj["mime_type"].(string); ok && !validMediaType(mt) {
		c.add("mime-type", base+"/mime_type", "mime_type "+strconv.Quote(mt)+
			" should be an IANA media type, such as application/zip")
	}
	if pe, ok := exts["windows-pebinary-ext"].(map[string]any); ok {
		if t, ok := pe["pe_type"].(string); ok && !windowsPEBinaryTypes[t] {
			c.add("windows-pebinary-type", base+"/extensions/windows-pebinary-ext/pe_type",
				"pe_type "+strconv.Quote(t)+" should be exe, dll or sys")
		}
	}
	if pdf, ok := exts["pdf-ext"].(map[string]any); ok {
		info, _ := pdf["document_info_dict"].(map[string]any)
		for key := range info {
			if !pdfInfoKeys[key] {
				c.add("pdf-doc-info", base+"/extensions/pdf-ext/document_info_dict"+pointer(key),
					"document_info_dict key "+strconv.Quote(key)+" is not a standard PDF "+
						"document information key")
			}
		}
	}
}

func (c *objectCheck) networkTraffic(obj, exts map[string]any, base string) {
	_, src := obj["src_port"]
	_, dst := obj["dst_port"]
	if !src || !dst {
		c.add("network-traffic-ports", base, "network traffic should have both src_port "+
			"and dst_port")
	}
	for i, p := range stringList(obj["protocols"]) {
		if !validServiceName(p) || strings.ToLower(p) != p {
			c.add("protocols", base+"/protocols/"+strconv.Itoa(i), "protocol "+strconv.Quote(p)+
				" should be a lower-case IANA service or protocol name, such as tcp or https")
		}
	}
	ipfix, _ := obj["ipfix"].(map[string]any)
	for key := range ipfix {
		if !validIPFIXName(key) {
			c.add("ipfix", base+"/ipfix"+pointer(key), "ipfix key "+strconv.Quote(key)+
				" should be an IPFIX information element name, such as minimumIpTotalLength")
		}
	}
	if http, ok := exts["http-request-ext"].(map[string]any); ok {
		headers, _ := http["request_header"].(map[string]any)
		for key := range headers {
			if !httpRequestHeaders[key] {
				c.add("http-request-headers", base+"/extensions/http-request-ext/request_header"+
					pointer(key), "request header "+strconv.Quote(key)+
					" is not a standard HTTP request header")
			}
		}
	}
	if sock, ok := exts["socket-ext"].(map[string]any); ok {
		opts, _ := sock["options"].(map[string]any)
		for key := range opts {
			if !socketOptions[key] {
				c.add("socket-options", base+"/extensions/socket-ext/options"+pointer(key),
					"socket option "+strconv.Quote(key)+" is not a known "+
						strings.Join(socketOptionPrefixes, "*, ")+"* option")
			}
		}
	}
}

// dictionaryKeys checks that keys of SCO dictionaries are lower case, except
// in dictionaries whose keys follow another convention.
func (c *objectCheck) dictionaryKeys(obj map[string]any, base string) {
	tree := propertyTree(c.typ)
	for prop, v := range obj {
		dict, ok := v.(map[string]any)
		if !ok || dictionaryKeyExceptions[prop] || prop == "extensions" {
			continue
		}
		if child, known := tree.known(prop); known && child != nil {
			continue
		}
		for key := range dict {
			if strings.ToLower(key) != key {
				c.add("observable-dictionary-keys", base+pointer(prop, key), "dictionary key "+
					strconv.Quote(key)+" should be lower case")
			}
		}
	}
}
