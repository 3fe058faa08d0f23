// Package exporttest computes what the exports of a STIX bundle must
// contain once the bundle is seeded into the in-memory platform of package
// pycti/pyctitest. It reads the bundle alone and applies the rules that
// package pycti/export documents.
// Tests of the export engine and of connectors built on it compare their
// bundles with it, so that the expected objects never come from the code
// under test.
//
// An Oracle is safe for concurrent use once loaded.
package exporttest

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/opencti-go/sdk/pycti"
)

// Oracle is a bundle as the in-memory platform stores it: types it does
// not model are left out, and prefixed types get the platform's id.
type Oracle struct {
	Objects map[string]map[string]any // stored objects by platform id
	// rels lists the relationships and sightings touching each id.
	rels map[string][]string
	// bad holds the ids of objects that break STIX 2.1 in the source data,
	// with external reference URLs that are not URIs. An export that
	// reaches one must fail validation.
	bad map[string]bool
}

// platformTypes are the bundle types the platform stores under another
// STIX type.
var platformTypes = map[string]string{"x-mitre-data-source": "data-source",
	"x-mitre-data-component": "data-component", "x-opencti-case-incident": "case-incident",
	"x-opencti-case-rfi": "case-rfi", "x-opencti-case-rft": "case-rft",
	"x-opencti-feedback": "feedback", "x-opencti-task": "task"}

// unstored are the bundle types the in-memory platform does not model.
var unstored = map[string]bool{"x-mitre-analytic": true, "x-mitre-asset": true,
	"x-mitre-collection": true, "x-mitre-detection-strategy": true, "x-mitre-matrix": true,
	"x-mitre-tactic": true}

// PlatformID returns the id the platform gives an object seeded under id.
func PlatformID(id string) string {
	typ, rest, ok := strings.Cut(id, "--")
	if own, renamed := platformTypes[typ]; ok && renamed {
		return own + "--" + rest
	}
	return id
}

// Load reads the STIX 2.1 bundle at path, the one a test seeds into the
// in-memory platform. It fails when the file cannot be read, is not JSON,
// or contains an object without a string type or id.
func Load(path string) (*Oracle, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b struct {
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	o := &Oracle{Objects: map[string]map[string]any{}, rels: map[string][]string{},
		bad: map[string]bool{}}
	for i, obj := range b.Objects {
		typ, typeOK := obj["type"].(string)
		stixID, idOK := obj["id"].(string)
		if !typeOK || !idOK {
			return nil, fmt.Errorf("%s: object %d: type or id missing or not a string", path, i)
		}
		if !unstored[typ] {
			id := PlatformID(stixID)
			o.Objects[id] = obj
			if !validURLs(obj) {
				o.bad[id] = true
			}
		}
	}
	for id, obj := range o.Objects {
		for _, end := range o.ends(obj) {
			o.rels[end] = append(o.rels[end], id)
		}
	}
	for _, list := range o.rels {
		sort.Strings(list)
	}
	return o, nil
}

func validURLs(obj map[string]any) bool {
	refs, _ := obj["external_references"].([]any)
	for _, r := range refs {
		raw, ok := r.(map[string]any)["url"].(string)
		if !ok {
			continue
		}
		if u, err := url.Parse(raw); err != nil || u.Scheme == "" ||
			strings.ContainsAny(raw, " \n\t") {
			return false
		}
	}
	return true
}

// refs returns the platform ids an object refers to, markings aside.
func (o *Oracle) refs(obj map[string]any) []string {
	var out []string
	for k, v := range obj {
		if k == "object_marking_refs" || !(strings.HasSuffix(k, "_ref") ||
			strings.HasSuffix(k, "_refs")) {
			continue
		}
		switch v := v.(type) {
		case string:
			out = append(out, PlatformID(v))
		case []any:
			for _, x := range v {
				out = append(out, PlatformID(x.(string)))
			}
		}
	}
	sort.Strings(out)
	return out
}

// ends returns the ends of a relationship or sighting.
func (o *Oracle) ends(obj map[string]any) []string {
	var out []string
	for _, k := range []string{"source_ref", "target_ref", "sighting_of_ref"} {
		if s, ok := obj[k].(string); ok {
			out = append(out, PlatformID(s))
		}
	}
	if list, ok := obj["where_sighted_refs"].([]any); ok {
		for _, x := range list {
			out = append(out, PlatformID(x.(string)))
		}
	}
	return out
}

func (o *Oracle) author(id string) string {
	s, _ := o.Objects[id]["created_by_ref"].(string)
	return PlatformID(s)
}

// exportable reports whether an object is stored with every end it needs.
func (o *Oracle) exportable(id string) bool {
	obj, ok := o.Objects[id]
	if !ok {
		return false
	}
	for _, end := range o.ends(obj) {
		if !o.exportable(end) {
			return false
		}
	}
	return true
}

// Expected returns the ids an export of roots must hold, in the given
// mode, by the engine's rules. Simple mode brings each root's author. Full
// mode brings every object a root refers to, its relationships and their
// ends and authors, and the authors of all these. Every object brings its
// marking definitions.
func (o *Oracle) Expected(roots []string, full bool) []string {
	out := map[string]bool{}
	for _, root := range roots {
		o.expand(root, full, out)
	}
	for id := range out {
		marks, _ := o.Objects[id]["object_marking_refs"].([]any)
		for _, m := range marks {
			if _, ok := o.Objects[m.(string)]; ok {
				out[m.(string)] = true
			}
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for id := range out {
			if !yield(id) {
				return
			}
		}
	})
}

func (o *Oracle) expand(root string, full bool, out map[string]bool) {
	if !o.exportable(root) {
		return
	}
	fetched := map[string]bool{root: true}
	var emit []string
	if !full {
		fetched[o.author(root)] = true
	} else {
		first := append(o.refs(o.Objects[root]), o.rels[root]...)
		for _, rel := range o.rels[root] {
			first = append(first, o.ends(o.Objects[rel])...)
			first = append(first, o.author(rel))
		}
		for _, id := range first {
			fetched[id] = true
		}
		for id := range keysCopy(fetched) {
			fetched[o.author(id)] = true
		}
		emit = append(o.refs(o.Objects[root]), o.rels[root]...)
		for _, rel := range o.rels[root] {
			if o.exportable(rel) {
				emit = append(emit, o.ends(o.Objects[rel])...)
			}
		}
	}
	var add func(id string)
	add = func(id string) {
		if out[id] || !o.exportable(id) {
			return
		}
		out[id] = true
		if a := o.author(id); fetched[a] {
			add(a)
		}
	}
	add(root)
	for _, id := range emit {
		add(id)
	}
}

// keysCopy returns a copy of m's keys as a set, so that m can grow while the
// copy is walked.
func keysCopy(m map[string]bool) map[string]bool {
	c := make(map[string]bool, len(m))
	for k := range m {
		c[k] = true
	}
	return c
}

// Sample returns up to n ids of each STIX type, the same ones every run.
func (o *Oracle) Sample(n int) []string {
	byType := map[string][]string{}
	for id := range o.Objects {
		typ, _, _ := strings.Cut(id, "--")
		if typ != "marking-definition" {
			byType[typ] = append(byType[typ], id)
		}
	}
	var out []string
	for _, ids := range byType {
		sort.Strings(ids)
		out = append(out, ids[:min(n, len(ids))]...)
	}
	sort.Strings(out)
	return out
}

// InternalIDs reads the internal ids the platform gave the stored objects,
// keyed by platform id, as client sees them.
func (o *Oracle) InternalIDs(ctx context.Context, client *pycti.Client) (map[string]string,
	error) {
	ids := slices.Collect(maps.Keys(o.Objects))
	out := make(map[string]string, len(ids))
	opts := pycti.ListOptions{First: pycti.MaxPageSize}
	for obj, err := range client.StixObjectOrStixRelationships().ByIDs(ctx, ids, opts) {
		if err != nil {
			return nil, err
		}
		out[obj.StandardID] = obj.ID
	}
	return out, nil
}

// Invalid reports whether any of the ids names an object whose source data
// breaks STIX 2.1, so that an export holding it must fail validation.
func (o *Oracle) Invalid(ids []string) bool {
	return slices.ContainsFunc(ids, func(id string) bool { return o.bad[id] })
}

// PyctiIDs returns the ids the pycti dialect writes for platform ids: data
// sources and components carry the x-mitre- prefix, cases and tasks the
// x-opencti- prefix.
func PyctiIDs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		typ, _, _ := strings.Cut(id, "--")
		for bundleType, own := range platformTypes {
			if own == typ {
				id = strings.Replace(id, own, bundleType, 1)
				break
			}
		}
		out[i] = id
	}
	return out
}

// Minus returns the strings of a that b lacks.
func Minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// RoundTripDiff compares an exported object with the seeded one and
// returns the differences, the platform's own data set aside. That is the
// OpenCTI extension, the created and modified the platform sets when the
// source has none, the ATT&CK
// fields it keeps in its MITRE extension, and the ids of prefixed types.
// The export's documented repairs are set aside too: a reserved severity
// moves into the OpenCTI extension, and a country or region location gets
// its name as country or region. The platform also drops empty values. It
// stores external references as entities keyed by URL, so a reference
// whose URL an earlier object's reference shares comes back with that
// one's source name and description: references are compared by URL.
func (o *Oracle) RoundTripDiff(got map[string]any) []string {
	id, _ := got["id"].(string)
	orig, ok := o.Objects[id]
	if !ok || orig["type"] == "marking-definition" {
		return nil
	}
	norm := normalizeNative(got)
	want := map[string]any{}
	for k, v := range orig {
		if k == "extensions" || k == "severity" || emptyValue(v) {
			continue
		}
		want[k] = v
	}
	if refs, ok := want["external_references"]; ok {
		want["external_references"] = referenceKeys(refs)
		norm["external_references"] = referenceKeys(norm["external_references"])
	}
	want["id"] = PlatformID(orig["id"].(string))
	if typ, ok := platformTypes[orig["type"].(string)]; ok {
		want["type"] = typ
	}
	for _, k := range []string{"created", "modified", "country", "region"} {
		if _, ok := want[k]; !ok {
			delete(norm, k)
		}
	}
	for k, v := range want {
		if strings.HasSuffix(k, "_ref") {
			want[k] = PlatformID(v.(string))
		}
	}
	var diffs []string
	for _, k := range slices.Sorted(maps.Keys(union(norm, want))) {
		if !reflect.DeepEqual(norm[k], want[k]) {
			diffs = append(diffs, fmt.Sprintf("%s: %s = %v, seeded %v", id, k, norm[k], want[k]))
		}
	}
	return diffs
}

// normalizeNative removes the platform's extensions from an exported
// object, writing the ATT&CK fields of the MITRE extension back as
// top-level x_mitre_* properties.
func normalizeNative(obj map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		if k != "extensions" {
			out[k] = v
		}
	}
	exts, _ := obj["extensions"].(map[string]any)
	mitre, _ := exts["extension-definition--322b8f77-262a-4cb8-a915-1e441e00329b"].(map[string]any)
	for k, v := range mitre {
		if k != "extension_type" {
			out["x_mitre_"+k] = v
		}
	}
	return out
}

func union(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func emptyValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// referenceKeys returns the identity of each external reference: its URL,
// else its source name and external id.
func referenceKeys(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, r := range list {
		m, _ := r.(map[string]any)
		key, _ := m["url"].(string)
		if key == "" {
			key = fmt.Sprint(m["source_name"], "/", m["external_id"])
		}
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

// OfType returns the stored objects of a STIX type whose OpenCTI entity
// type, when the bundle names it, is entityType: what a query export of
// entityType lists.
func (o *Oracle) OfType(entityType, stixType string) []string {
	var out []string
	for id, obj := range o.Objects {
		if obj["type"] != stixType {
			continue
		}
		ext, _ := obj["extensions"].(map[string]any)
		octi, _ := ext["extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"].(map[string]any)
		if typ, ok := octi["type"].(string); ok && typ != entityType {
			continue
		}
		out = append(out, id)
	}
	return out
}
