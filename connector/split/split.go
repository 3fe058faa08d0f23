// Package split cuts a STIX 2.1 bundle into one-object bundles ordered so
// that dependencies tend to come first, as OpenCTI's Python client (pycti)
// does before it publishes to the platform's worker queue.
//
// The rules follow pycti 6.8.10 and 7.x:
//
//   - Each object gets a weight (nb_deps): 1 plus the weights of the objects
//     its top-level *_ref and *_refs keys point to inside the bundle.
//     Nested keys are not followed.
//   - A reference is removed when its type is not one the platform imports,
//     when it points to the object itself or back along the current chain
//     (a cycle), when the target already points back (a two-object cycle),
//     or, with [Options.CleanupInconsistent], when its target is not in the
//     bundle. A removed *_ref key is set to null.
//   - external_references are de-duplicated by url, else by source_name and
//     external_id; an entry with neither is removed. kill_chain_phases are
//     de-duplicated by kill chain and phase name.
//   - A relationship without both ends, a sighting without sighting_of_ref
//     or where_sighted_refs, an object of a type the platform does not
//     import, and an object whose id an earlier object of the bundle
//     already has are dropped. Unlike pycti, which drops them silently, Split
//     returns each one in [Result.Dropped] with the reason.
//
// Objects come out in depth-first post-order, then stably sorted by weight.
// Each output bundle keeps the original bundle id, has spec_version "2.1"
// and x_opencti_seq set to the object's weight, and the object gains
// nb_deps.
package split

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/google/uuid"
)

// Options tunes splitting.
type Options struct {
	// CleanupInconsistent removes references to objects missing from the
	// bundle (pycti's cleanup_inconsistent_bundle). Default false.
	CleanupInconsistent bool
	// EventVersion, when not empty, is set as x_opencti_event_version on
	// every output bundle.
	EventVersion string
}

// Dropped names an object left out of the output and why.
type Dropped struct {
	ID     string
	Type   string
	Reason string
}

// Result is the outcome of [Bundle].
type Result struct {
	// BundleID is the original bundle id (generated when it had none).
	BundleID string
	// Bundles are the one-object bundles, as JSON, in sending order.
	Bundles [][]byte
	// Dropped are the objects left out.
	Dropped []Dropped
}

// ErrNotBundle is wrapped by the error of [Bundle] for input that is not a
// JSON object with an objects array.
var ErrNotBundle = errors.New("not a STIX bundle")

// openCTIExtension is the extension-definition id of OpenCTI's own
// properties, whose "id" is the internal id.
const openCTIExtension = "extension-definition--ea279b3e-5c71-4632-ac08-831c66a786ba"

type object = map[string]any

type splitter struct {
	opts    Options
	index   map[string]object // by STIX id and by internal id
	weights map[string]int    // by STIX id
	onPath  map[string]bool
	order   []object
	dropped []Dropped
}

// Bundle splits the bundle JSON data. Numbers keep their exact text.
func Bundle(data []byte, opts Options) (*Result, error) {
	var bundle map[string]json.RawMessage
	if err := json.Unmarshal(data, &bundle); err != nil {
		return nil, fmt.Errorf("split bundle: %w: %v", ErrNotBundle, err)
	}
	rawObjects, ok := bundle["objects"]
	if !ok {
		return nil, fmt.Errorf("split bundle: %w: missing objects", ErrNotBundle)
	}
	dec := json.NewDecoder(bytes.NewReader(rawObjects))
	dec.UseNumber()
	var objects []any
	if err := dec.Decode(&objects); err != nil {
		return nil, fmt.Errorf("split bundle: %w: objects is not an array: %v", ErrNotBundle, err)
	}
	res := &Result{BundleID: bundleID(bundle["id"])}
	s := &splitter{opts: opts, index: map[string]object{}, weights: map[string]int{},
		onPath: map[string]bool{}}
	list := s.indexObjects(objects)
	for _, obj := range list {
		s.visit(obj)
	}
	res.Dropped = s.dropped
	sort.SliceStable(s.order, func(i, k int) bool {
		return s.weights[idOf(s.order[i])] < s.weights[idOf(s.order[k])]
	})
	for _, obj := range s.order {
		out, err := s.encode(res.BundleID, obj)
		if err != nil {
			return nil, err
		}
		res.Bundles = append(res.Bundles, out)
	}
	return res, nil
}

func bundleID(raw json.RawMessage) string {
	var id string
	if json.Unmarshal(raw, &id) == nil && id != "" {
		return id
	}
	return "bundle--" + uuid.NewString()
}

// indexObjects keeps the objects that have an id and indexes them by STIX
// id and by internal id.
func (s *splitter) indexObjects(objects []any) []object {
	list := make([]object, 0, len(objects))
	stixIDs := map[string]bool{}
	for i, item := range objects {
		obj, ok := item.(object)
		id := idOf(obj)
		if !ok || id == "" {
			s.dropped = append(s.dropped, Dropped{ID: fmt.Sprintf("objects[%d]", i),
				Type: typeOf(obj), Reason: "object without an id"})
			continue
		}
		if stixIDs[id] {
			s.dropped = append(s.dropped, Dropped{ID: id, Type: typeOf(obj),
				Reason: fmt.Sprintf("duplicate id at objects[%d]: the first object with this id is sent", i)})
			continue
		}
		stixIDs[id] = true
		// A STIX id takes its place in the index even when an earlier
		// object gave it as its internal id.
		s.index[id] = obj
		list = append(list, obj)
	}
	for _, obj := range list {
		for _, alt := range internalIDs(obj) {
			if _, taken := s.index[alt]; !taken {
				s.index[alt] = obj
			}
		}
	}
	return list
}

func idOf(obj object) string {
	id, _ := obj["id"].(string)
	return id
}

func typeOf(obj object) string {
	t, _ := obj["type"].(string)
	return t
}

func internalIDs(obj object) []string {
	var ids []string
	if id, ok := obj["x_opencti_id"].(string); ok && id != "" {
		ids = append(ids, id)
	}
	if exts, ok := obj["extensions"].(object); ok {
		if ext, ok := exts[openCTIExtension].(object); ok {
			if id, ok := ext["id"].(string); ok && id != "" {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// visit computes the weight of obj, cleaning its references and visiting
// its dependencies first, then appends it to the output or to the dropped
// list.
func (s *splitter) visit(obj object) int {
	id := idOf(obj)
	if w, ok := s.weights[id]; ok {
		return w
	}
	s.onPath[id] = true
	weight := 1
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		switch {
		case strings.HasSuffix(key, "_refs"):
			weight += s.walkList(obj, key)
		case strings.HasSuffix(key, "_ref"):
			weight += s.walkOne(obj, key)
		}
	}
	delete(s.onPath, id)
	s.weights[id] = weight
	cleanExternalReferences(obj)
	cleanKillChainPhases(obj)
	obj["nb_deps"] = weight
	if reason := incompatible(obj); reason != "" {
		s.dropped = append(s.dropped, Dropped{ID: id, Type: typeOf(obj), Reason: reason})
	} else {
		s.order = append(s.order, obj)
	}
	return weight
}

func (s *splitter) walkList(obj object, key string) int {
	refs, ok := obj[key].([]any)
	if !ok {
		return 0
	}
	weight := 0
	kept := make([]any, 0, len(refs))
	seen := map[string]bool{}
	for _, item := range refs {
		ref, ok := item.(string)
		if !ok || seen[ref] || !s.keep(obj, ref) {
			continue
		}
		seen[ref] = true
		kept = append(kept, ref)
		if target, ok := s.index[ref]; ok {
			weight += s.visit(target)
		}
	}
	obj[key] = kept
	return weight
}

func (s *splitter) walkOne(obj object, key string) int {
	ref, ok := obj[key].(string)
	if !ok {
		return 0
	}
	if !s.keep(obj, ref) {
		obj[key] = nil
		return 0
	}
	if target, ok := s.index[ref]; ok {
		return s.visit(target)
	}
	return 0
}

// keep applies the reference rules of the package documentation.
func (s *splitter) keep(obj object, ref string) bool {
	if prefix, _, found := strings.Cut(ref, "--"); found && !supportedTypes[prefix] {
		return false
	}
	id := idOf(obj)
	target, inBundle := s.index[ref]
	if ref == id || (inBundle && idOf(target) == id) {
		return false
	}
	if inBundle && (s.onPath[idOf(target)] || references(target, obj)) {
		return false
	}
	if !inBundle && s.opts.CleanupInconsistent {
		return false
	}
	return true
}

// references reports whether from already points to to through one of
// its top-level reference keys.
func references(from, to object) bool {
	ids := append([]string{idOf(to)}, internalIDs(to)...)
	for key, v := range from {
		switch {
		case strings.HasSuffix(key, "_refs"):
			list, _ := v.([]any)
			for _, item := range list {
				if ref, ok := item.(string); ok && slices.Contains(ids, ref) {
					return true
				}
			}
		case strings.HasSuffix(key, "_ref"):
			if ref, ok := v.(string); ok && slices.Contains(ids, ref) {
				return true
			}
		}
	}
	return false
}

// incompatible returns why the platform would not import obj, or "".
func incompatible(obj object) string {
	switch t := typeOf(obj); t {
	case "relationship":
		if obj["source_ref"] == nil || obj["target_ref"] == nil {
			return "relationship without source_ref or target_ref"
		}
	case "sighting":
		refs, _ := obj["where_sighted_refs"].([]any)
		if obj["sighting_of_ref"] == nil || len(refs) == 0 {
			return "sighting without sighting_of_ref or where_sighted_refs"
		}
	default:
		if !supportedTypes[t] {
			return fmt.Sprintf("type %q is not imported by the platform", t)
		}
	}
	return ""
}

func cleanExternalReferences(obj object) {
	refs, ok := obj["external_references"].([]any)
	if !ok {
		return
	}
	kept := make([]any, 0, len(refs))
	seen := map[string]bool{}
	for _, item := range refs {
		ref, ok := item.(object)
		if !ok {
			continue
		}
		url, _ := ref["url"].(string)
		source, _ := ref["source_name"].(string)
		external, _ := ref["external_id"].(string)
		key := "url:" + url
		if url == "" {
			if source == "" || external == "" {
				continue
			}
			key = "id:" + source + "\x00" + external
		}
		if !seen[key] {
			seen[key] = true
			kept = append(kept, ref)
		}
	}
	obj["external_references"] = kept
}

func cleanKillChainPhases(obj object) {
	phases, ok := obj["kill_chain_phases"].([]any)
	if !ok {
		return
	}
	kept := make([]any, 0, len(phases))
	seen := map[string]bool{}
	for _, item := range phases {
		phase, ok := item.(object)
		if !ok {
			continue
		}
		chain, _ := phase["kill_chain_name"].(string)
		name, _ := phase["phase_name"].(string)
		if key := chain + "\x00" + name; !seen[key] {
			seen[key] = true
			kept = append(kept, phase)
		}
	}
	obj["kill_chain_phases"] = kept
}

func (s *splitter) encode(bundleID string, obj object) ([]byte, error) {
	out := map[string]any{
		"type":          "bundle",
		"id":            bundleID,
		"spec_version":  "2.1",
		"x_opencti_seq": s.weights[idOf(obj)],
		"objects":       []any{obj},
	}
	if s.opts.EventVersion != "" {
		out["x_opencti_event_version"] = s.opts.EventVersion
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, fmt.Errorf("encode split bundle for %s: %w", idOf(obj), err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}
