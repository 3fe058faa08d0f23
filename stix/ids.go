package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"

	"github.com/google/uuid"
)

// Namespace is the UUID namespace of STIX deterministic identifiers
// (UUIDv5), 00abedb4-aa42-466c-9c01-fed23315a9b7.
// It must not be modified.
var Namespace = uuid.MustParse("00abedb4-aa42-466c-9c01-fed23315a9b7")

// ErrNoIDProperties reports a deterministic id requested from no
// properties.
var ErrNoIDProperties = errors.New("no ID-contributing property is present")

// ErrNotObservable reports an SCO id requested for a type that is not one
// of the 18 STIX 2.1 SCO types.
var ErrNotObservable = errors.New("not a STIX 2.1 SCO type")

// NewID returns a new random identifier objectType--<UUIDv4>.
func NewID(objectType string) string {
	return objectType + "--" + uuid.NewString()
}

// DeterministicID returns objectType--<UUIDv5>, where the UUID is computed
// in the STIX namespace from the RFC 8785 form of props. It serves both the
// SCO identifiers of STIX 2.1 and OpenCTI's standard ids of other objects:
// the caller chooses and normalises the contributing properties. Values in
// props are those CanonicalJSON accepts. It fails with ErrNoIDProperties
// when props is empty.
func DeterministicID(objectType string, props map[string]any) (string, error) {
	if len(props) == 0 {
		return "", ErrNoIDProperties
	}
	name, err := CanonicalJSON(props)
	if err != nil {
		return "", err
	}
	return objectType + "--" + uuid.NewSHA1(Namespace, name).String(), nil
}

// idContributing lists the ID-contributing properties of each SCO type, as
// STIX 2.1 defines them. Process has none: its ids are always UUIDv4.
var idContributing = map[string][]string{
	TypeArtifact:           {"hashes", "payload_bin"},
	TypeAutonomousSystem:   {"number"},
	TypeDirectory:          {"path"},
	TypeDomainName:         {"value"},
	TypeEmailAddr:          {"value"},
	TypeEmailMessage:       {"from_ref", "subject", "body"},
	TypeFile:               {"hashes", "name", "extensions", "parent_directory_ref"},
	TypeIPv4Addr:           {"value"},
	TypeIPv6Addr:           {"value"},
	TypeMACAddr:            {"value"},
	TypeMutex:              {"name"},
	TypeNetworkTraffic:     {"start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"},
	TypeProcess:            {},
	TypeSoftware:           {"name", "cpe", "swid", "vendor", "version"},
	TypeURL:                {"value"},
	TypeUserAccount:        {"account_type", "user_id", "account_login"},
	TypeWindowsRegistryKey: {"key", "values"},
	TypeX509Certificate:    {"hashes", "serial_number"},
}

// hashPreference is the order in which one hash is picked for an SCO id.
var hashPreference = []string{"MD5", "SHA-1", "SHA-256", "SHA-512"}

// IDContributingProperties returns the names of the properties that form
// the deterministic id of an SCO type, and false for types that are not
// STIX 2.1 SCOs. The list is empty for process.
func IDContributingProperties(objectType string) ([]string, bool) {
	props, ok := idContributing[objectType]
	return slices.Clone(props), ok
}

// ObservableID returns the STIX 2.1 identifier of an SCO of objectType
// with the given properties (as Go values or raw JSON). It uses only the
// type's ID-contributing properties that are present and not null, and of
// hashes only one entry: MD5, else SHA-1, else SHA-256, else SHA-512.
// When hashes has none of those, the entry whose name sorts first is used;
// STIX gives no rule for that case, and other producers may pick another.
// When no contributing property is present, or for process, the result is
// a new random UUIDv4 id, as STIX requires. It fails with ErrNotObservable
// for other types.
func ObservableID(objectType string, props map[string]any) (string, error) {
	names, ok := idContributing[objectType]
	if !ok {
		return "", &idError{objectType, ErrNotObservable}
	}
	chosen := make(map[string]any, len(names))
	for _, name := range names {
		v, ok := props[name]
		if !ok || isNullValue(v) {
			continue
		}
		if name == "hashes" {
			h, err := oneHash(v)
			if err != nil {
				return "", &idError{objectType, err}
			}
			if h == nil {
				continue
			}
			v = h
		}
		chosen[name] = v
	}
	if len(chosen) == 0 {
		return NewID(objectType), nil
	}
	id, err := DeterministicID(objectType, chosen)
	if err != nil {
		return "", &idError{objectType, err}
	}
	return id, nil
}

// ObservableIDOf returns the STIX 2.1 identifier of the SCO o, computed
// from its current properties as ObservableID does. It does not change o.
func ObservableIDOf(o Object) (string, error) {
	data, err := Marshal(o)
	if err != nil {
		return "", err
	}
	var props map[string]json.RawMessage
	if err := json.Unmarshal(data, &props); err != nil {
		return "", err
	}
	anyProps := make(map[string]any, len(props))
	for k, v := range props {
		anyProps[k] = v
	}
	return ObservableID(o.ObjectType(), anyProps)
}

type idError struct {
	objectType string
	err        error
}

func (e *idError) Error() string { return "compute id of " + e.objectType + ": " + e.err.Error() }

func (e *idError) Unwrap() error { return e.err }

func isNullValue(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case json.RawMessage:
		return string(bytes.TrimSpace(x)) == "null"
	}
	return false
}

// oneHash returns a one-entry map with the preferred hash of v, or nil when
// v holds no hash.
func oneHash(v any) (map[string]any, error) {
	var hashes map[string]any
	switch x := v.(type) {
	case Hashes:
		hashes = toAnyMap(x)
	case map[string]string:
		hashes = toAnyMap(x)
	case map[string]any:
		hashes = x
	default:
		raw, err := CanonicalJSON(v)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &hashes); err != nil {
			return nil, errors.New("hashes is not an object of hash values")
		}
	}
	if len(hashes) == 0 {
		return nil, nil
	}
	for _, algo := range hashPreference {
		if h, ok := hashes[algo]; ok {
			return map[string]any{algo: h}, nil
		}
	}
	names := make([]string, 0, len(hashes))
	for k := range hashes {
		names = append(names, k)
	}
	first := slices.MinFunc(names, compareUTF16)
	return map[string]any{first: hashes[first]}, nil
}

func toAnyMap[V any](m map[string]V) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
