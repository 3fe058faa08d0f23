package export_test

import (
	"encoding/json"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

// oracle computes, from a seeded bundle alone, the objects an export must
// hold. It models what the platform stores (types it does not model are
// left out, prefixed types get the platform's id) and the export's rules,
// without reading the platform.
type oracle struct {
	objs map[string]map[string]any // stored objects by platform id
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

// platformID returns the id the platform gives an object seeded under id.
func platformID(id string) string {
	typ, rest, ok := strings.Cut(id, "--")
	if own, renamed := platformTypes[typ]; ok && renamed {
		return own + "--" + rest
	}
	return id
}

func newOracle(t testing.TB, path string) *oracle {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	o := &oracle{objs: map[string]map[string]any{}, rels: map[string][]string{},
		bad: map[string]bool{}}
	for _, obj := range b.Objects {
		if typ := obj["type"].(string); !unstored[typ] {
			id := platformID(obj["id"].(string))
			o.objs[id] = obj
			if !validURLs(obj) {
				o.bad[id] = true
			}
		}
	}
	for id, obj := range o.objs {
		for _, end := range o.ends(obj) {
			o.rels[end] = append(o.rels[end], id)
		}
	}
	for _, list := range o.rels {
		sort.Strings(list)
	}
	return o
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
func (o *oracle) refs(obj map[string]any) []string {
	var out []string
	for k, v := range obj {
		if k == "object_marking_refs" || !(strings.HasSuffix(k, "_ref") ||
			strings.HasSuffix(k, "_refs")) {
			continue
		}
		switch v := v.(type) {
		case string:
			out = append(out, platformID(v))
		case []any:
			for _, x := range v {
				out = append(out, platformID(x.(string)))
			}
		}
	}
	sort.Strings(out)
	return out
}

// ends returns the ends of a relationship or sighting.
func (o *oracle) ends(obj map[string]any) []string {
	var out []string
	for _, k := range []string{"source_ref", "target_ref", "sighting_of_ref"} {
		if s, ok := obj[k].(string); ok {
			out = append(out, platformID(s))
		}
	}
	if list, ok := obj["where_sighted_refs"].([]any); ok {
		for _, x := range list {
			out = append(out, platformID(x.(string)))
		}
	}
	return out
}

func (o *oracle) author(id string) string {
	s, _ := o.objs[id]["created_by_ref"].(string)
	return platformID(s)
}

// exportable reports whether an object is stored with every end it needs.
func (o *oracle) exportable(id string) bool {
	obj, ok := o.objs[id]
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

// expected returns the ids an export of roots must hold, in the given
// mode, by the engine's rules. Simple mode brings each root's author. Full
// mode brings every object a root refers to, its relationships and their
// ends and authors, and the authors of all these. Every object brings its
// marking definitions.
func (o *oracle) expected(roots []string, full bool) []string {
	out := map[string]bool{}
	for _, root := range roots {
		o.expand(root, full, out)
	}
	for id := range out {
		marks, _ := o.objs[id]["object_marking_refs"].([]any)
		for _, m := range marks {
			if _, ok := o.objs[m.(string)]; ok {
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

func (o *oracle) expand(root string, full bool, out map[string]bool) {
	if !o.exportable(root) {
		return
	}
	fetched := map[string]bool{root: true}
	var emit []string
	if !full {
		fetched[o.author(root)] = true
	} else {
		first := append(o.refs(o.objs[root]), o.rels[root]...)
		for _, rel := range o.rels[root] {
			first = append(first, o.ends(o.objs[rel])...)
			first = append(first, o.author(rel))
		}
		for _, id := range first {
			fetched[id] = true
		}
		for id := range keysCopy(fetched) {
			fetched[o.author(id)] = true
		}
		emit = append(o.refs(o.objs[root]), o.rels[root]...)
		for _, rel := range o.rels[root] {
			if o.exportable(rel) {
				emit = append(emit, o.ends(o.objs[rel])...)
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
