package connector

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Source resolves configuration values the way pycti does: for each key an
// environment variable and a two-level config.yml path (section.key).
//
//  1. If the environment variable exists, even empty, its value is taken.
//  2. Otherwise the YAML value at section.key is taken, when present.
//  3. Otherwise the default applies. An empty string also means the default.
//
// Connectors read their own keys from the same Source as the framework, so
// one config.yml and one environment serve both. A Source is safe for
// concurrent use.
type Source struct {
	yaml      map[string]any
	lookupEnv func(string) (string, bool)

	mu       sync.Mutex
	warnings []string        // guarded by mu
	read     map[string]bool // config.yml paths asked for, guarded by mu
}

// NewSource builds a Source from a config.yml document (nil or empty for
// none) and an environment lookup function such as os.LookupEnv (nil for
// none). It reads nothing by itself.
func NewSource(yamlDoc []byte, lookupEnv func(string) (string, bool)) (*Source, error) {
	src := &Source{yaml: map[string]any{}, lookupEnv: lookupEnv, read: map[string]bool{}}
	if src.lookupEnv == nil {
		src.lookupEnv = func(string) (string, bool) { return "", false }
	}
	if len(strings.TrimSpace(string(yamlDoc))) == 0 {
		return src, nil
	}
	if err := yaml.Unmarshal(yamlDoc, &src.yaml); err != nil {
		return nil, fmt.Errorf("parse config.yml: %w", err)
	}
	if src.yaml == nil {
		src.yaml = map[string]any{}
	}
	return src, nil
}

// LoadSource reads the config.yml file at path, when it exists, and the
// process environment. An empty path or a missing file means environment
// only, as pycti does when a connector has no config.yml.
func LoadSource(path string) (*Source, error) {
	var doc []byte
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err == nil:
			doc = data
		case errors.Is(err, fs.ErrNotExist):
		default:
			return nil, fmt.Errorf("read config file %s: %w", path, err)
		}
	}
	src, err := NewSource(doc, os.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return src, nil
}

// Warnings returns notes collected while reading values, such as boolean
// spellings pycti would not accept. The command logs them once its logger
// exists.
func (s *Source) Warnings() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.warnings)
}

func (s *Source) warn(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.warnings = append(s.warnings, fmt.Sprintf(format, args...))
}

// UnreadKeys returns the config.yml paths (section.key) that no read has
// asked for, sorted, such as a misspelt key. A section that is not a
// mapping is returned by its name. Call it after reading every key.
func (s *Source) UnreadKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var unread []string
	for section, v := range s.yaml {
		keys, ok := v.(map[string]any)
		if !ok {
			unread = append(unread, section)
			continue
		}
		for key := range keys {
			if path := section + "." + key; !s.read[path] {
				unread = append(unread, path)
			}
		}
	}
	slices.Sort(unread)
	return unread
}

// raw returns the value for a key and whether one was found. An empty
// string counts as not found, so the default applies.
func (s *Source) raw(env, path string) (any, bool) {
	if path != "" {
		s.mu.Lock()
		s.read[path] = true
		s.mu.Unlock()
	}
	if env != "" {
		if v, ok := s.lookupEnv(env); ok {
			return v, v != ""
		}
	}
	section, key, ok := strings.Cut(path, ".")
	if path == "" || !ok {
		return nil, false
	}
	m, ok := s.yaml[section].(map[string]any)
	if !ok {
		return nil, false
	}
	v, ok := m[key]
	if !ok || v == nil {
		return nil, false
	}
	if str, isStr := v.(string); isStr && str == "" {
		return nil, false
	}
	return v, true
}

// String returns the value of a key as text, or def.
func (s *Source) String(env, path, def string) string {
	v, ok := s.raw(env, path)
	if !ok {
		return def
	}
	switch v := v.(type) {
	case string:
		return v
	case []any:
		parts := make([]string, 0, len(v))
		for _, item := range v {
			parts = append(parts, fmt.Sprint(item))
		}
		return strings.Join(parts, ",")
	default:
		return fmt.Sprint(v)
	}
}

// Bool returns the value of a key as a boolean, or def. It accepts pycti's
// spellings (yes, true, True, no, false, False) and YAML booleans, and also
// what strconv.ParseBool accepts (1, t, TRUE, 0, f, FALSE…) and values with
// spaces around them, with a warning, because pycti would keep those as
// strings.
func (s *Source) Bool(env, path string, def bool) (bool, error) {
	v, ok := s.raw(env, path)
	if !ok {
		return def, nil
	}
	if b, isBool := v.(bool); isBool {
		return b, nil
	}
	if err := notScalar(env, path, v, "true or false"); err != nil {
		return def, err
	}
	raw := fmt.Sprint(v)
	text := strings.TrimSpace(raw)
	b, pyctiSpelling := true, true
	switch text {
	case "yes", "true", "True":
	case "no", "false", "False":
		b = false
	default:
		var err error
		if b, err = strconv.ParseBool(text); err != nil {
			return def, &ConfigError{Env: env, YAML: path,
				Reason: fmt.Sprintf("invalid boolean %q: use true or false", raw)}
		}
		pyctiSpelling = false
	}
	switch {
	case !pyctiSpelling:
		s.warn("%s=%q read as %t; pycti only accepts true, True, yes, false, False or no", env, raw, b)
	case text != raw:
		// pycti compares the raw text, so it would read " false " as a string.
		s.warn("%s=%q read as %t; remove the spaces around it, which pycti does not accept",
			env, raw, b)
	}
	return b, nil
}

// Int returns the value of a key as an integer, or def.
func (s *Source) Int(env, path string, def int) (int, error) {
	v, ok := s.raw(env, path)
	if !ok {
		return def, nil
	}
	if n, isInt := v.(int); isInt {
		return n, nil
	}
	if err := notScalar(env, path, v, "a whole number"); err != nil {
		return def, err
	}
	text := strings.TrimSpace(fmt.Sprint(v))
	n, err := strconv.Atoi(text)
	if err != nil {
		return def, &ConfigError{Env: env, YAML: path,
			Reason: fmt.Sprintf("invalid integer %q: use a whole number", text)}
	}
	return n, nil
}

// Float returns the value of a key as a number, or def.
func (s *Source) Float(env, path string, def float64) (float64, error) {
	v, ok := s.raw(env, path)
	if !ok {
		return def, nil
	}
	if err := notScalar(env, path, v, "a number"); err != nil {
		return def, err
	}
	text := strings.TrimSpace(fmt.Sprint(v))
	f, err := strconv.ParseFloat(text, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return def, &ConfigError{Env: env, YAML: path,
			Reason: fmt.Sprintf("invalid number %q: use a finite decimal number", text)}
	}
	return f, nil
}

// notScalar rejects a YAML list or mapping given where a single value of
// the kind want belongs. Printed as Go values, they would read as
// "map[a:1]" in the error.
func notScalar(env, path string, v any, want string) error {
	kind := ""
	switch v.(type) {
	case map[string]any:
		kind = "a mapping"
	case []any:
		kind = "a list"
	default:
		return nil
	}
	return &ConfigError{Env: env, YAML: path,
		Reason: fmt.Sprintf("invalid value: %s is given where %s belongs", kind, want)}
}

// OptionalBool returns the value of a key as a boolean, or nil when unset.
func (s *Source) OptionalBool(env, path string) (*bool, error) {
	if _, ok := s.raw(env, path); !ok {
		return nil, nil
	}
	b, err := s.Bool(env, path, false)
	if err != nil {
		return nil, err
	}
	return &b, nil
}
