package validate

import (
	"strconv"
	"strings"
)

// vocabularies checks open-vocabulary values: membership (one rule per
// vocabulary) and format (open-vocab-format).
func (c *objectCheck) vocabularies() {
	for _, vocab := range vocabularies {
		for _, prop := range vocab.uses[c.typ] {
			c.vocabulary(vocab, prop)
		}
	}
	c.killChains()
	c.hashNames()
	if c.typ == "location" {
		if country, ok := c.obj["country"].(string); ok && !validCountry(country) {
			c.add("countries", "/country", "country "+strconv.Quote(country)+
				" should be an ISO 3166-1 alpha-2 code, such as US or FR")
		}
	}
}

func (c *objectCheck) vocabulary(vocab vocabulary, prop string) {
	var values []string
	switch v := c.obj[prop].(type) {
	case string:
		values = []string{v}
	case []any:
		values = stringList(v)
	}
	for _, value := range values {
		if vocab.values[value] {
			// Vocabulary values such as "c++" and "c#" are right as they
			// are spelled.
			continue
		}
		c.add(vocab.rule, pointer(prop), prop+" value "+strconv.Quote(value)+
			" is not in the "+vocab.rule+" vocabulary")
		if vocab.rule != "account-type" && !lowerHyphenated(value) {
			c.add("open-vocab-format", pointer(prop), prop+" value "+strconv.Quote(value)+
				" should be lower case with hyphens, without spaces or underscores")
		}
	}
}

// killChains checks that kill chain and phase names are lower case with
// hyphens.
func (c *objectCheck) killChains() {
	list, _ := c.obj["kill_chain_phases"].([]any)
	for i, item := range list {
		phase, _ := item.(map[string]any)
		for _, key := range []string{"kill_chain_name", "phase_name"} {
			name, ok := phase[key].(string)
			if ok && !lowerHyphenated(name) {
				c.add("kill-chain-names", "/kill_chain_phases/"+strconv.Itoa(i)+"/"+key,
					key+" "+strconv.Quote(name)+" should be lower case with hyphens")
			}
		}
	}
}

// hashNames checks the keys of hashes dictionaries: names from the
// hash-algorithm vocabulary (or x_ custom names), at most 30 characters.
func (c *objectCheck) hashNames() {
	switch c.typ {
	case "artifact", "file", "x509-certificate":
		c.hashDict(c.obj["hashes"], "/hashes")
	}
	if c.typ != "file" {
		return
	}
	exts, _ := c.obj["extensions"].(map[string]any)
	if ntfs, ok := exts["ntfs-ext"].(map[string]any); ok {
		streams, _ := ntfs["alternate_data_streams"].([]any)
		for i, s := range streams {
			if m, ok := s.(map[string]any); ok {
				c.hashDict(m["hashes"], "/extensions/ntfs-ext/alternate_data_streams/"+
					strconv.Itoa(i)+"/hashes")
			}
		}
	}
	if pe, ok := exts["windows-pebinary-ext"].(map[string]any); ok {
		c.hashDict(pe["file_header_hashes"], "/extensions/windows-pebinary-ext/file_header_hashes")
		if oh, ok := pe["optional_header"].(map[string]any); ok {
			c.hashDict(oh["hashes"], "/extensions/windows-pebinary-ext/optional_header/hashes")
		}
		sections, _ := pe["sections"].([]any)
		for i, s := range sections {
			if m, ok := s.(map[string]any); ok {
				c.hashDict(m["hashes"], "/extensions/windows-pebinary-ext/sections/"+
					strconv.Itoa(i)+"/hashes")
			}
		}
	}
}

func (c *objectCheck) hashDict(v any, ptr string) {
	hashes, _ := v.(map[string]any)
	for name := range hashes {
		if !hashAlgorithms[name] && !strings.HasPrefix(name, "x_") {
			c.add("hash-algo", ptr+pointer(name), "hash name "+strconv.Quote(name)+
				" should be from the hash-algorithm vocabulary (MD5, SHA-1, SHA-256, …) "+
				"or start with x_")
		}
		if len(name) > 30 {
			c.add("hash-length", ptr+pointer(name), "hash name "+strconv.Quote(name)+
				" should have at most 30 characters")
		}
	}
}
