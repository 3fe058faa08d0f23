package export

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/opencti-go/sdk/pycti/stixconv"
)

// sobj is one object of the native profile: the platform's STIX JSON and
// the references the export follows or checks.
type sobj struct {
	id         string // STIX id
	typ        string // STIX type
	internalID string // OpenCTI internal id, "" when the read did not give it
	raw        json.RawMessage
	// refs are the top-level *_ref and *_refs values in key order, marking
	// references aside.
	refs     []stixRef
	markings []string // object_marking_refs
	author   string   // created_by_ref
	// fromID and toID are the internal ids of a relationship's ends, when
	// the read gave them.
	fromID, toID string
	// repairs are the changes final makes for the object to be valid
	// STIX 2.1.
	repairs repair
}

// repair is a set of changes the native profile makes to the platform's
// STIX, where the platform writes something STIX 2.1 forbids.
type repair uint8

const (
	// repairHashNames writes hash algorithms with the names STIX defines
	// for them ("SHA-256" for "sha256").
	repairHashNames repair = 1 << iota
	// repairSeverity moves the top-level severity of incidents and cases,
	// a property name STIX 2.1 reserves, into the OpenCTI extension.
	// NOTE: whether the platform reads severity back from its extension
	// when it imports such a bundle was not checked.
	repairSeverity
	// repairCountry and repairRegion write the name of a country or
	// region location as its country or region: STIX 2.1 requires a
	// location to have a region, a country or coordinates, and the
	// platform writes none of them.
	repairCountry
	repairRegion
	// repairIsFamily writes is_family true on a malware that lacks it, as
	// pycti does, because STIX 2.1 requires the property.
	// NOTE: whether the platform's toStix leaves is_family out when it
	// holds no value was not checked; the in-memory platform does.
	repairIsFamily
)

// openctiExtension is the platform's extension for OpenCTI data.
const openctiExtension = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"

// observableExtension is the platform's extension of observables. It
// holds what STIX does not define on observables, the author among it.
const observableExtension = "extension-definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82"

// observableAuthorKey names, in sobj.refs, the author of an observable,
// which sits in the observable extension's created_by_ref.
const observableAuthorKey = "extensions/" + observableExtension + "/created_by_ref"

// stixRef is one reference of an object: the property and the id.
type stixRef struct {
	key, id string
}

// requiredRefs are the reference properties an object cannot lose: a
// relationship or sighting without an end, or a container without its
// members, breaks STIX 2.1 or states something false.
var requiredRefs = map[string][]string{
	"relationship":  {"source_ref", "target_ref"},
	"sighting":      {"sighting_of_ref", "where_sighted_refs"},
	"report":        {"object_refs"},
	"note":          {"object_refs"},
	"opinion":       {"object_refs"},
	"observed-data": {"object_refs"},
	"grouping":      {"object_refs"},
}

// endKeys are the properties that hold a relationship's or sighting's ends.
var endKeys = map[string]bool{"source_ref": true, "target_ref": true,
	"sighting_of_ref": true, "where_sighted_refs": true}

// parseStix reads the id, type and references of a STIX object.
func parseStix(raw json.RawMessage) (*sobj, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("invalid STIX JSON from the platform: %w", err)
	}
	o := &sobj{raw: raw}
	_ = json.Unmarshal(top["id"], &o.id)
	_ = json.Unmarshal(top["type"], &o.typ)
	keys := make([]string, 0, 8)
	for k := range top {
		if strings.HasSuffix(k, "_ref") || strings.HasSuffix(k, "_refs") {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if _, ok := top["created_by_ref"]; !ok {
		if author := extensionAuthor(top["extensions"]); author != "" {
			o.author = author
			o.refs = append(o.refs, stixRef{observableAuthorKey, author})
		}
	}
	o.repairs = repairsOf(o.typ, top)
	for _, k := range keys {
		ids := refValues(top[k])
		switch k {
		case "object_marking_refs":
			o.markings = ids
		case "created_by_ref":
			if len(ids) > 0 {
				o.author = ids[0]
			}
			fallthrough
		default:
			for _, id := range ids {
				o.refs = append(o.refs, stixRef{k, id})
			}
		}
	}
	return o, nil
}

// extensionAuthor returns the created_by_ref of the observable extension.
func extensionAuthor(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var exts map[string]struct {
		CreatedByRef string `json:"created_by_ref"`
	}
	_ = json.Unmarshal(raw, &exts)
	return exts[observableExtension].CreatedByRef
}

// stixHashNames maps hash algorithm names, upper-cased and without
// separators, to the names STIX 2.1 defines for them.
var stixHashNames = map[string]string{
	"MD5": "MD5", "SHA1": "SHA-1", "SHA256": "SHA-256", "SHA512": "SHA-512",
	"SHA3256": "SHA3-256", "SHA3512": "SHA3-512", "SSDEEP": "SSDEEP", "TLSH": "TLSH",
}

// stixHashName returns the STIX name of a hash algorithm, or name itself
// for an algorithm STIX does not define.
func stixHashName(name string) string {
	key := strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToUpper(name))
	if n, ok := stixHashNames[key]; ok {
		return n
	}
	return name
}

// repairsOf returns the repairs an object needs.
func repairsOf(typ string, top map[string]json.RawMessage) repair {
	var r repair
	if hasOddHashNames(top["hashes"]) {
		r |= repairHashNames
	}
	if _, ok := top["severity"]; ok && typ != "marking-definition" {
		r |= repairSeverity
	}
	if typ == "malware" && !has(top, "is_family") {
		r |= repairIsFamily
	}
	if typ == "location" && !has(top, "region") && !has(top, "country") &&
		!(has(top, "latitude") && has(top, "longitude")) && has(top, "name") {
		var exts map[string]struct {
			LocationType string `json:"location_type"`
		}
		_ = json.Unmarshal(top["extensions"], &exts)
		switch exts[openctiExtension].LocationType {
		case "Country":
			r |= repairCountry
		case "Region":
			r |= repairRegion
		}
	}
	return r
}

func has(top map[string]json.RawMessage, key string) bool {
	v, ok := top[key]
	return ok && string(v) != "null"
}

func hasOddHashNames(raw json.RawMessage) bool {
	if len(raw) == 0 {
		return false
	}
	var hashes map[string]json.RawMessage
	_ = json.Unmarshal(raw, &hashes)
	for name := range hashes {
		if stixHashName(name) != name {
			return true
		}
	}
	return false
}

// refValues decodes a reference property: one id or a list of ids.
func refValues(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil
		}
		return []string{one}
	}
	var list []string
	_ = json.Unmarshal(raw, &list)
	return slices.DeleteFunc(list, func(s string) bool { return s == "" })
}

// ends returns the ids of a relationship's or sighting's ends.
func (o *sobj) ends() []string {
	var out []string
	for _, r := range o.refs {
		if endKeys[r.key] {
			out = append(out, r.id)
		}
	}
	return out
}

// missingRequired reports whether the object loses a required reference
// when the references gone reports are removed, and names it.
func (o *sobj) missingRequired(gone func(string) bool) (string, bool) {
	for _, key := range requiredRefs[o.typ] {
		total, kept := 0, 0
		for _, r := range o.refs {
			if r.key == key {
				total++
				if !gone(r.id) {
					kept++
				}
			}
		}
		lost := kept < total || total == 0
		switch key {
		case "object_refs":
			// A container that lost some members is still true; one the
			// platform wrote without members is left to validation.
			lost = total > 0 && kept == 0
		case "where_sighted_refs":
			lost = kept == 0
		}
		if lost {
			return key, true
		}
	}
	return "", false
}

// final returns the object's JSON as the export writes it: without the
// references gone reports (markings aside), and with its repairs made.
// The JSON is returned unchanged when nothing changes.
func (o *sobj) final(gone func(string) bool) (json.RawMessage, error) {
	if o.repairs == 0 && !slices.ContainsFunc(o.refs, func(r stixRef) bool { return gone(r.id) }) {
		return o.raw, nil
	}
	obj, err := stixconv.ParseObject(o.raw)
	if err != nil {
		return nil, err
	}
	for _, key := range obj.Keys() {
		if key == "object_marking_refs" ||
			!(strings.HasSuffix(key, "_ref") || strings.HasSuffix(key, "_refs")) {
			continue
		}
		stripValue(obj, key, gone)
	}
	if ext := extension(obj, observableExtension, false); ext != nil {
		stripValue(ext, "created_by_ref", gone)
	}
	o.repair(obj)
	return obj.JSON(), nil
}

// repair makes the object's repairs.
func (o *sobj) repair(obj *stixconv.Object) {
	if hashes, ok := obj.Get("hashes").(*stixconv.Object); ok && o.repairs&repairHashNames != 0 {
		renamed := stixconv.NewObject()
		for _, name := range hashes.Keys() {
			renamed.Set(stixHashName(name), hashes.Get(name))
		}
		obj.Set("hashes", renamed)
	}
	if o.repairs&repairSeverity != 0 {
		extension(obj, openctiExtension, true).Set("severity", obj.Get("severity"))
		obj.Delete("severity")
	}
	if o.repairs&repairCountry != 0 {
		obj.Set("country", obj.Get("name"))
	}
	if o.repairs&repairRegion != 0 {
		obj.Set("region", obj.Get("name"))
	}
	if o.repairs&repairIsFamily != 0 {
		obj.Set("is_family", true)
	}
}

// extension returns the object's extension with the given id, creating it
// when create is set; nil when it is absent and create is not set.
func extension(obj *stixconv.Object, id string, create bool) *stixconv.Object {
	exts, ok := obj.Get("extensions").(*stixconv.Object)
	if !ok {
		if !create {
			return nil
		}
		exts = stixconv.NewObject()
		obj.Set("extensions", exts)
	}
	ext, ok := exts.Get(id).(*stixconv.Object)
	if !ok && create {
		ext = stixconv.NewObject()
		ext.Set("extension_type", "property-extension")
		exts.Set(id, ext)
	}
	return ext
}

// stripValue removes from obj[key] the ids gone reports, and the key when
// nothing is left.
func stripValue(obj *stixconv.Object, key string, gone func(string) bool) {
	switch v := obj.Get(key).(type) {
	case string:
		if gone(v) {
			obj.Delete(key)
		}
	case []any:
		kept := slices.DeleteFunc(slices.Clone(v), func(x any) bool {
			s, _ := x.(string)
			return gone(s)
		})
		if len(kept) == 0 {
			obj.Delete(key)
		} else {
			obj.Set(key, kept)
		}
	}
}
