package schemasubset

import "strings"

// ParseKeepList reads a keep file: one "Type" or "Type.field" entry per
// line, with blank lines and lines starting with # ignored.
func ParseKeepList(text string) []string {
	var entries []string
	for line := range strings.Lines(text) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			entries = append(entries, line)
		}
	}
	return entries
}
