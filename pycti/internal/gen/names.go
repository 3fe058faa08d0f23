package gen

import (
	"bytes"
	"encoding/json"
	"slices"
	"sync"
)

// TypeName is an OpenCTI type name such as "Malware", decoded through a
// shared table so that the thousands of objects of a listing share one
// string per type name instead of allocating one each.
type TypeName string

// UnmarshalJSON decodes a JSON string, or null as "".
func (n *TypeName) UnmarshalJSON(b []byte) error {
	if s, ok := simpleString(b); ok {
		*n = TypeName(internName(s))
		return nil
	}
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*n = ""
	if s != nil {
		*n = TypeName(internName([]byte(*s)))
	}
	return nil
}

// TypeNames is a list of OpenCTI type names, such as parent_types. It
// decodes into a slice of exactly its length whose strings come from the
// shared table of TypeName, so that a list costs one allocation.
type TypeNames []string

// UnmarshalJSON decodes a JSON array of strings, or null as nil.
func (t *TypeNames) UnmarshalJSON(b []byte) error {
	if names, ok := simpleStrings(b); ok {
		*t = names
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	for i, s := range list {
		list[i] = internName([]byte(s))
	}
	*t = slices.Clip(list)
	return nil
}

// maxNames bounds the shared table. The platform has a few hundred type
// names; the bound only stops unexpected input from growing it forever.
const maxNames = 4096

var names = struct {
	sync.RWMutex
	m map[string]string
}{m: map[string]string{}}

// internName returns the shared copy of b, adding it to the table when
// there is room.
func internName(b []byte) string {
	names.RLock()
	s, ok := names.m[string(b)]
	names.RUnlock()
	if ok {
		return s
	}
	s = string(b)
	names.Lock()
	if len(names.m) < maxNames {
		names.m[s] = s
	}
	names.Unlock()
	return s
}

// simpleString returns the content of a JSON string of plain ASCII, and
// false for anything else (escapes, other text, null, other values).
func simpleString(b []byte) ([]byte, bool) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return nil, false
	}
	inner := b[1 : len(b)-1]
	if !plainASCII(inner) || bytes.IndexByte(inner, '"') >= 0 {
		return nil, false
	}
	return inner, true
}

// plainASCII reports whether s has only ASCII bytes and no escape, so that
// its decoded text is s itself. encoding/json replaces invalid UTF-8, which
// this fast path leaves to it.
func plainASCII(s []byte) bool {
	for _, c := range s {
		if c >= 0x80 || c == '\\' {
			return false
		}
	}
	return true
}

// simpleStrings decodes a JSON array of plain ASCII strings, and returns
// false for anything else, which the caller hands to encoding/json.
func simpleStrings(b []byte) ([]string, bool) {
	b = bytes.TrimSpace(b)
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	var stack [16]string
	list := stack[:0]
	rest := bytes.TrimSpace(b[1 : len(b)-1])
	for len(rest) > 0 {
		if rest[0] != '"' {
			return nil, false
		}
		end := bytes.IndexByte(rest[1:], '"') + 1
		if end == 0 {
			return nil, false
		}
		item := rest[1:end]
		if !plainASCII(item) {
			return nil, false
		}
		list = append(list, internName(item))
		rest = bytes.TrimSpace(rest[end+1:])
		if len(rest) == 0 {
			break
		}
		if rest[0] != ',' {
			return nil, false
		}
		rest = bytes.TrimSpace(rest[1:])
		if len(rest) == 0 {
			return nil, false
		}
	}
	return append(make([]string, 0, len(list)), list...), true
}
