package stix

import "strings"

// References returns every identifier that o refers to: the values of all
// properties named *_ref and *_refs at any depth, so including those inside
// extensions, granular markings and custom properties. Each identifier
// appears once, in the order of its first occurrence in o's JSON encoding.
// Empty strings are left out.
func References(o Object) ([]string, error) {
	data, err := Marshal(o)
	if err != nil {
		return nil, err
	}
	return RawReferences(data)
}

// RawReferences returns the references of an object given as JSON text, as
// References does, without decoding it into a type.
func RawReferences(data []byte) ([]string, error) {
	c := refCollector{seen: map[string]struct{}{}}
	s := scanner{data: data}
	if err := c.value(&s, ""); err != nil {
		return nil, err
	}
	return c.refs, s.end()
}

type refCollector struct {
	refs []string
	seen map[string]struct{}
}

func (c *refCollector) add(id string) {
	if id == "" {
		return // an empty reference, such as "x_mitre_data_source_ref": ""
	}
	if _, dup := c.seen[id]; !dup {
		c.seen[id] = struct{}{}
		c.refs = append(c.refs, id)
	}
}

// value walks the value at the scanner's position. name is the member name
// the value belongs to, "" for array elements of non-reference lists.
func (c *refCollector) value(s *scanner, name string) error {
	switch ch := s.peek(); {
	case ch == '{':
		return s.objectFields(func(key []byte) error { return c.value(s, string(key)) })
	case ch == '[':
		refs := strings.HasSuffix(name, "_refs")
		return s.arrayItems(func() error {
			if refs && s.peek() == '"' {
				id, err := s.str()
				if err == nil {
					c.add(id)
				}
				return err
			}
			return c.value(s, "")
		})
	case ch == '"' && strings.HasSuffix(name, "_ref"):
		id, err := s.str()
		if err == nil {
			c.add(id)
		}
		return err
	}
	return s.skip()
}
