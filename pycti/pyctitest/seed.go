package pyctitest

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// SeedResult counts what a seed call stored.
type SeedResult struct {
	Created int            // new entities
	Updated int            // objects merged into an existing entity with the same id
	Skipped map[string]int // STIX types the platform does not model, by type
	// Dangling counts references to objects absent from the store; toStix
	// writes them back as they were seeded.
	Dangling int
}

// SeedFile reads a STIX 2.1 bundle (or a bare JSON array of objects) from
// path and seeds it with SeedBundle.
func (s *Server) SeedFile(path string) (SeedResult, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return SeedResult{}, fmt.Errorf("seed %s: %w", path, err)
	}
	res, err := s.SeedBundle(data)
	if err != nil {
		return res, fmt.Errorf("seed %s: %w", path, err)
	}
	return res, nil
}

// SeedBundle stores the objects of a STIX 2.1 bundle as platform entities:
// domain objects, observables, relationships, sightings, markings, with
// their labels, external references, kill chain phases, authors, container
// members and nested refs. Objects in the platform's own dialect (with the
// OpenCTI extension) keep their internal ids and OpenCTI attributes; other
// objects get a new internal id. Every object keeps its STIX id as standard
// id. Types the platform does not model (x-mitre-tactic, extension
// definitions, ...) are counted in SeedResult.Skipped. Objects are linked
// after all of them are stored, so the order inside the bundle is free.
func (s *Server) SeedBundle(data []byte) (SeedResult, error) {
	var objects []map[string]any
	var bundle struct {
		Objects []map[string]any `json:"objects"`
	}
	trimmed := strings.TrimSpace(string(data))
	var err error
	if strings.HasPrefix(trimmed, "[") {
		err = unmarshalNumbers(data, &objects)
	} else {
		err = unmarshalNumbers(data, &bundle)
		objects = bundle.Objects
	}
	if err != nil {
		return SeedResult{}, fmt.Errorf("invalid STIX bundle: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sd := &seeder{s: s, res: SeedResult{Skipped: map[string]int{}}}
	return sd.run(objects)
}

func unmarshalNumbers(data []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	fixNumbers(v)
	return nil
}

// fixNumbers replaces json.Number with int64 or float64 in decoded data.
func fixNumbers(v any) {
	switch v := v.(type) {
	case *[]map[string]any:
		for _, m := range *v {
			plainNumbers(m)
		}
	case *struct {
		Objects []map[string]any `json:"objects"`
	}:
		for _, m := range v.Objects {
			plainNumbers(m)
		}
	case *map[string]any:
		plainNumbers(*v)
	}
}

// seeder links one batch of STIX objects. The caller holds s.mu.
type seeder struct {
	s     *Server
	res   SeedResult
	links []pendingLinks
}

type pendingLinks struct {
	e   *entity
	obj map[string]any
}

func (sd *seeder) run(objects []map[string]any) (SeedResult, error) {
	for i, obj := range objects {
		e, err := sd.entity(obj)
		if err != nil {
			return sd.res, fmt.Errorf("object %d (%v): %w", i, obj["id"], err)
		}
		if e != nil {
			sd.links = append(sd.links, pendingLinks{e, obj})
		}
	}
	for _, l := range sd.links {
		sd.link(l.e, l.obj)
	}
	for _, l := range sd.links {
		sd.s.data.index(l.e)
	}
	sd.s.data.version++
	return sd.res, nil
}

// entity creates or updates the entity of one STIX object, without links.
func (sd *seeder) entity(obj map[string]any) (*entity, error) {
	stixType, _ := obj["type"].(string)
	stixID, _ := obj["id"].(string)
	if stixType == "" || stixID == "" {
		return nil, fmt.Errorf("object without type or id")
	}
	octi, _ := extensionOf(obj, extOpenCTI)
	entityType, k := sd.classify(stixType, obj, octi)
	if entityType == "" {
		sd.res.Skipped[stixType]++
		return nil, nil
	}
	internalID, _ := octi["id"].(string)
	if internalID == "" {
		internalID, _ = obj["x_opencti_id"].(string)
	}
	existing := sd.s.data.get(internalID)
	if existing == nil {
		existing = sd.s.data.get(stixID)
	}
	e := existing
	if e == nil {
		if internalID == "" {
			internalID = uuid.NewString()
		}
		e = newEntity(k, entityType, internalID, stixID)
		platformStandardID(e, stixType)
		now := isoTime(sd.s.cfg.clock())
		e.fields["created_at"], e.fields["updated_at"] = now, now
		e.fields["creator_id"] = []any{AdminID}
		e.fields["is_inferred"] = false
		sd.res.Created++
	} else {
		sd.res.Updated++
	}
	sd.fill(e, obj, octi)
	if existing == nil {
		defaultCreated(e, e.str("created_at"))
		sd.s.data.insert(e)
	}
	return e, nil
}

// platformStandardID gives an entity seeded under another STIX type than
// the one the platform writes (x-mitre-data-source for Data-Source,
// x-opencti-case-incident for Case-Incident) the standard id the platform
// would give it, of its own type, and keeps the seeded id as another STIX
// id, so that references to it still resolve. A standard id whose prefix
// does not match the object's type is not valid STIX.
func platformStandardID(e *entity, seededType string) {
	own := stixTypeOf(e)
	uuidPart, ok := strings.CutPrefix(e.standardID, seededType+"--")
	if own == seededType || !ok {
		return
	}
	var ids []any
	for _, id := range stringList(e.fields["x_opencti_stix_ids"]) {
		ids = append(ids, id)
	}
	e.fields["x_opencti_stix_ids"] = append(ids, e.standardID)
	e.standardID = own + "--" + uuidPart
	e.fields["standard_id"] = e.standardID
}

// defaultCreated sets created and modified of a new domain object,
// relationship or sighting that has none to now, as the platform does when
// it creates an entity from input without them.
func defaultCreated(e *entity, now string) {
	switch e.kind {
	case kindSDO, kindCoreRel, kindSighting:
	default:
		return
	}
	if _, ok := e.fields["created"]; !ok {
		e.fields["created"] = now
	}
	if _, ok := e.fields["modified"]; !ok {
		e.fields["modified"] = e.fields["created"]
	}
}

// classify returns the entity type and kind of a STIX object, or "" for
// types the platform does not model.
func (sd *seeder) classify(stixType string, obj, octi map[string]any) (string, kind) {
	if t, _ := octi["type"].(string); t != "" {
		switch stixType {
		case "relationship":
			return t, kindCoreRel
		case "sighting":
			return typeSighting, kindSighting
		}
		if ti := lookupType(t); ti != nil {
			return ti.entityType, ti.kind
		}
	}
	switch stixType {
	case "relationship":
		rt, _ := obj["relationship_type"].(string)
		return rt, kindCoreRel
	case "sighting":
		return typeSighting, kindSighting
	case "identity":
		return identityType(obj), kindSDO
	case "location":
		return locationType(obj), kindSDO
	case "threat-actor":
		if t, _ := obj["x_opencti_type"].(string); t == typeThreatActorIndv {
			return t, kindSDO
		}
		return typeThreatActorGrp, kindSDO
	}
	if ti := typesByStixType[stixType]; ti != nil {
		return ti.entityType, ti.kind
	}
	return "", kindSDO
}

func identityType(obj map[string]any) string {
	if t, _ := obj["x_opencti_type"].(string); lookupType(t) != nil {
		return lookupType(t).entityType
	}
	switch strings.ToLower(fmt.Sprint(obj["identity_class"])) {
	case "individual":
		return "Individual"
	case "class":
		return "Sector"
	case "system":
		return "System"
	}
	return typeOrganization
}

func locationType(obj map[string]any) string {
	if t, _ := obj["x_opencti_location_type"].(string); lookupType(t) != nil {
		return lookupType(t).entityType
	}
	for _, c := range []struct{ key, typ string }{{"city", "City"},
		{"administrative_area", "Administrative-Area"}, {"country", "Country"},
		{"region", "Region"}, {"latitude", "Position"}} {
		if obj[c.key] != nil {
			return c.typ
		}
	}
	return "Region"
}

func extensionOf(obj map[string]any, name string) (map[string]any, bool) {
	exts, _ := obj["extensions"].(map[string]any)
	m, ok := exts[name].(map[string]any)
	return m, ok
}

// seedSkipKeys are STIX keys handled by fill or link, not stored as fields.
var seedSkipKeys = map[string]bool{
	"id": true, "type": true, "extensions": true, "labels": true, "created_by_ref": true,
	"object_marking_refs": true, "external_references": true, "kill_chain_phases": true,
	"object_refs": true, "source_ref": true, "target_ref": true, "sighting_of_ref": true,
	"where_sighted_refs": true, "hashes": true, "granular_markings": true,
}

// computedExtKeys are OpenCTI extension keys toStix computes.
var computedExtKeys = map[string]bool{
	"extension_type": true, "id": true, "type": true, "created_at": true, "updated_at": true,
	"stix_ids": true, "is_inferred": true, "creator_ids": true, "files": true,
	"source_ref": true, "source_type": true, "source_value": true,
	"source_ref_object_marking_refs": true, "target_ref": true, "target_type": true,
	"target_value": true, "target_ref_object_marking_refs": true, "sighting_of_ref": true,
	"sighting_of_type": true, "sighting_of_value": true,
	"sighting_of_ref_object_marking_refs": true, "where_sighted_refs": true,
	"where_sighted_types": true, "where_sighted_values": true,
	"where_sighted_refs_object_marking_refs": true, "granted_refs": true,
}

// extToField maps OpenCTI extension keys to the GraphQL attribute that
// stores them; keys not listed keep their name.
var extToField = map[string]string{"negative": "x_opencti_negative"}

// fill copies the attributes of a STIX object into e.
func (sd *seeder) fill(e *entity, obj, octi map[string]any) {
	for k, v := range obj {
		if isEmptyValue(v) {
			sd.markEmpty(e, k, v)
			continue
		}
		if seedSkipKeys[k] {
			continue
		}
		if _, isRef := v.(string); (strings.HasSuffix(k, "_ref") && isRef) || strings.HasSuffix(k, "_refs") {
			continue
		}
		if n, ok := map[string]string{"abstract": "attribute_abstract", "key": "attribute_key",
			"date": "attribute_date", "count": "attribute_count"}[k]; ok && e.kind != kindMarking {
			k = n
		}
		e.fields[k] = v
	}
	if h, ok := obj["hashes"].(map[string]any); ok {
		e.fields["hashes"] = hashesList(h)
	}
	if gm, ok := obj["granular_markings"]; ok {
		sd.extra(e)["granular_markings"] = gm
	}
	sd.fillExtensions(e, obj, octi)
	if e.kind == kindMarking {
		if def, ok := obj["definition"].(map[string]any); ok && e.str("definition") == "" {
			e.fields["definition"] = markingDefinitionText(obj, def)
		} else if name, ok := obj["name"].(string); ok {
			e.fields["definition"] = name
		}
		e.fields["definition_type"] = strings.ToUpper(fmt.Sprint(obj["definition_type"]))
		delete(e.fields, "name")
		setMarkingDefaults(e)
	}
	if e.kind == kindSCO {
		e.fields["observable_value"] = observableValue(e)
	}
	if e.kind == kindSDO && e.entityType == typeMalware {
		if _, ok := e.fields["is_family"]; !ok {
			e.fields["is_family"] = true
		}
	}
}

func (sd *seeder) markEmpty(e *entity, k string, v any) {
	if _, isList := v.([]any); !isList {
		return
	}
	if e.emptyKeys == nil {
		e.emptyKeys = map[string]bool{}
	}
	e.emptyKeys[k] = true
}

func (sd *seeder) extra(e *entity) map[string]any {
	if e.stixExtra == nil {
		e.stixExtra = map[string]any{}
	}
	return e.stixExtra
}

// fillExtensions reads the OpenCTI, observable and MITRE extensions into
// attributes and keeps any other extension as is.
func (sd *seeder) fillExtensions(e *entity, obj, octi map[string]any) {
	exts, _ := obj["extensions"].(map[string]any)
	for name, raw := range exts {
		ext, _ := raw.(map[string]any)
		switch name {
		case extOpenCTI:
			sd.fillOpenCTI(e, ext)
		case extObservable:
			for k, v := range ext {
				switch k {
				case "extension_type", "labels", "created_by_ref", "external_references":
				case "description", "score":
					e.fields["x_opencti_"+k] = v
				default:
					e.fields[k] = v
				}
			}
		case extMITRE:
			for k, v := range ext {
				if k != "extension_type" {
					e.fields["x_mitre_"+k] = v
				}
			}
		default:
			exts := sd.extra(e)
			m, _ := exts["extensions"].(map[string]any)
			if m == nil {
				m = map[string]any{}
				exts["extensions"] = m
			}
			m[name] = raw
		}
	}
}

func (sd *seeder) fillOpenCTI(e *entity, ext map[string]any) {
	for k, v := range ext {
		switch k {
		case "created_at", "updated_at", "is_inferred":
			e.fields[k] = v
		case "stix_ids":
			e.fields["x_opencti_stix_ids"] = v
		case "creator_ids":
			e.fields["creator_id"] = v
		case "files":
			sd.seedFiles(e, v)
		}
		if computedExtKeys[k] {
			if isEmptyValue(v) {
				sd.markEmptyExt(e, k, v)
			}
			continue
		}
		if isEmptyValue(v) {
			sd.markEmptyExt(e, k, v)
			continue
		}
		if f, ok := extToField[k]; ok {
			e.fields[f] = v
			continue
		}
		if e.kind == kindSDO && !propertyExtensionSDOs[sdoStixType(e.entityType)] {
			if e.octiExt == nil {
				e.octiExt = map[string]any{}
			}
			e.octiExt[k] = v
			continue
		}
		e.fields["x_opencti_"+k] = v
	}
}

func (sd *seeder) markEmptyExt(e *entity, k string, v any) {
	if _, isList := v.([]any); !isList {
		return
	}
	if e.emptyKeys == nil {
		e.emptyKeys = map[string]bool{}
	}
	e.emptyKeys["ext:"+k] = true
}

func hashesList(h map[string]any) []any {
	var out []any
	for _, alg := range sortedKeys(h) {
		out = append(out, map[string]any{"algorithm": alg, "hash": h[alg]})
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// markingDefinitionText returns the platform's definition text of a STIX
// marking: "TLP:GREEN" for {"tlp": "green"}, the statement for a
// statement marking.
func markingDefinitionText(obj, def map[string]any) string {
	if name, ok := obj["name"].(string); ok && name != "" {
		return name
	}
	dt := fmt.Sprint(obj["definition_type"])
	v := fmt.Sprint(def[dt])
	if strings.EqualFold(dt, "tlp") {
		return "TLP:" + strings.ToUpper(v)
	}
	return v
}

// observableValue computes the observable_value the platform shows.
func observableValue(e *entity) string {
	for _, k := range []string{"value", "name", "path", "subject", "body", "iban", "card_number",
		"persona_name", "account_login", "user_id", "attribute_key", "command_line", "url",
		"fingerprint_sha256", "serial_number"} {
		if s := e.str(k); s != "" {
			return s
		}
	}
	if h := hashesDict(e.fields["hashes"]); h != nil {
		for _, alg := range []string{"MD5", "SHA-1", "SHA-256", "SHA-512"} {
			if v, ok := h[alg].(string); ok {
				return v
			}
		}
	}
	if n, ok := toNumber(e.fields["number"]); ok {
		return fmt.Sprint(n)
	}
	return e.standardID
}

// seedFiles records the files listed in the OpenCTI extension. Their
// content is unknown, so they are stored empty.
func (sd *seeder) seedFiles(e *entity, v any) {
	for _, raw := range anyList(v) {
		m, _ := raw.(map[string]any)
		id := strings.TrimPrefix(str(m["uri"]), "/storage/get/")
		if id == "" {
			continue
		}
		f := &File{ID: id, Name: str(m["name"]), MimeType: str(m["mime_type"]), EntityID: e.id,
			EntityType: e.entityType, UploadedBy: AdminID}
		if t, err := time.Parse(time.RFC3339Nano, str(m["version"])); err == nil {
			f.Version = t
		}
		if _, ok := sd.s.files[id]; !ok {
			sd.s.fileOrder = append(sd.s.fileOrder, id)
		}
		sd.s.files[id] = f
		e.files = slices.DeleteFunc(e.files, func(x *File) bool { return x.ID == id })
		e.files = append(e.files, f)
	}
}

// tlpOrders are the ranks of the TLP markings inside their type.
var tlpOrders = map[string]int{"TLP:CLEAR": 1, "TLP:WHITE": 1, "TLP:GREEN": 2, "TLP:AMBER": 3,
	"TLP:AMBER+STRICT": 4, "TLP:RED": 5}

// setMarkingDefaults gives a marking the non-null attributes the platform
// always stores: its rank (x_opencti_order) and colour.
func setMarkingDefaults(e *entity) {
	if _, ok := e.fields["x_opencti_order"]; !ok {
		e.fields["x_opencti_order"] = tlpOrders[strings.ToUpper(e.str("definition"))]
	}
	if _, ok := e.fields["x_opencti_color"]; !ok {
		e.fields["x_opencti_color"] = "#ffffff"
	}
}
