package connector

import (
	"bytes"
	"encoding/json"
)

// memberRaw returns the raw value of the top-level member key of a JSON
// object that is already known to be valid, or nil. Like encoding/json, it
// takes the last occurrence of a repeated key. It slices the input instead
// of decoding it, which costs a fraction of a second decoding pass.
func memberRaw(body []byte, key string) json.RawMessage {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return nil
	}
	var found json.RawMessage
	i++
	for {
		i = skipSpace(body, i)
		if i >= len(body) || body[i] != '"' {
			return found
		}
		end := skipString(body, i)
		name := body[i+1 : end-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			return memberRawSlow(body, key)
		}
		i = skipSpace(body, end)
		if i >= len(body) || body[i] != ':' {
			return found
		}
		start := skipSpace(body, i+1)
		i = skipValue(body, start)
		if string(name) == key {
			found = body[start:i:i]
		}
		i = skipSpace(body, i)
		if i >= len(body) || body[i] != ',' {
			return found
		}
		i++
	}
}

// memberRawSlow handles keys written with escapes.
func memberRawSlow(body []byte, key string) json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return nil
	}
	return m[key]
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] == '"'.
func skipString(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// skipValue returns the index after the value starting at b[i].
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return i
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				i = skipString(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
		}
		return len(b)
	default:
		for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' &&
			b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
			i++
		}
		return i
	}
}
