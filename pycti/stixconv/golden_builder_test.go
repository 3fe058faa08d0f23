package stixconv

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
)

// uuidFor returns a version-4-shaped UUID derived from seed, so that test
// ids are stable and well formed.
func uuidFor(seed string) string {
	h := sha256.Sum256([]byte(seed))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

func sid(stixType, seed string) string { return stixType + "--" + uuidFor(stixType+seed) }

// Marking nodes as the raw reads return them.
var testMarkings = map[string]string{
	"amber": markingNode("mk-amber", "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82",
		"TLP", "TLP:AMBER", 3),
	"clear": markingNode("mk-clear", "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9",
		"TLP", "TLP:CLEAR", 1),
	"strict": markingNode("mk-strict", "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37",
		"TLP", "TLP:AMBER+STRICT", 4),
	"pap": markingNode("mk-pap", "marking-definition--89484dde-e3d2-547f-a6c6-d14824429eb1",
		"PAP", "PAP:GREEN", 2),
	"statement": markingNode("mk-stmt", sid("marking-definition", "statement"),
		"statement", "Copyright Example Org. Internal use.", 1),
}

func markingNode(id, std, defType, def string, order int) string {
	return fmt.Sprintf(`{"id":%q,"standard_id":%q,"entity_type":"Marking-Definition",`+
		`"definition_type":%q,"definition":%q,"created":"2023-11-02T09:15:00.000Z",`+
		`"modified":"2023-11-02T09:15:00.000Z","x_opencti_order":%d,"x_opencti_color":"#ffc000"}`,
		id, std, defType, def, order)
}

// testAuthor is the author identity node of most test entities.
var testAuthor = `{"id":"author-1","standard_id":"` + sid("identity", "author") + `",` +
	`"entity_type":"Organization","parent_types":["Basic-Object","Stix-Object",` +
	`"Stix-Core-Object","Stix-Domain-Object","Identity"],"spec_version":"2.1",` +
	`"identity_class":"organization","name":"Example Intel Team","description":"",` +
	`"roles":null,"contact_information":null,"x_opencti_aliases":[],` +
	`"created":"2023-01-10T00:00:00.000Z","modified":"2023-01-10T00:00:00.000Z",` +
	`"objectLabel":[],"x_opencti_organization_type":"vendor","x_opencti_reliability":"B"}`

// spec describes one test entity: its type, blocks and own fields.
type spec struct {
	name       string // golden file stem
	entityType string
	parents    string // extra parent types, comma separated
	stixType   string // type part of the standard id
	blocks     string // S status, A author, O orgs, M markings, L labels, E references, D SDO
	fields     string // own fields, JSON object members in selection order
	tail       string // members after the own fields (members, files, phases)
	markings   []string
	author     string // author node; "" means testAuthor, "-" none
}

func (s spec) node() json.RawMessage {
	parents := `"Basic-Object","Stix-Object","Stix-Core-Object"`
	for _, p := range strings.Split(s.parents, ",") {
		if p != "" {
			parents += `,"` + p + `"`
		}
	}
	parts := []string{
		fmt.Sprintf(`"id":"%s-1"`, strings.ToLower(s.name)),
		fmt.Sprintf(`"standard_id":%q`, sid(s.stixType, s.name)),
		fmt.Sprintf(`"entity_type":%q`, s.entityType),
		`"parent_types":[` + parents + `]`,
		`"spec_version":"2.1"`,
		`"created_at":"2024-02-01T09:00:00.000Z"`, `"updated_at":"2024-02-03T09:00:00.000Z"`,
	}
	for _, b := range strings.Fields(s.blocks) {
		parts = append(parts, s.block(b))
	}
	for _, f := range []string{s.fields, s.tail} {
		if f != "" {
			parts = append(parts, f)
		}
	}
	return json.RawMessage("{" + strings.Join(parts, ",") + "}")
}

func (s spec) block(b string) string {
	switch b {
	case "S":
		return `"status":{"id":"status-analyzing","template":{"id":"tpl-1","name":"Analyzing",` +
			`"color":"#ff9800"}}`
	case "A":
		switch s.author {
		case "":
			return `"createdBy":` + testAuthor
		case "-":
			return `"createdBy":null`
		}
		return `"createdBy":` + s.author
	case "O":
		return `"objectOrganization":[{"id":"org-partner","standard_id":"` +
			sid("identity", "partner") + `","name":"Partner CERT"}]`
	case "M":
		var nodes []string
		for _, m := range s.markings {
			nodes = append(nodes, testMarkings[m])
		}
		return `"objectMarking":[` + strings.Join(nodes, ",") + `]`
	case "L":
		return `"objectLabel":[{"id":"label-1","value":"espionage","color":"#00ff00"}]`
	case "E":
		return `"externalReferences":{"edges":[{"node":{"id":"ref-1","standard_id":"` +
			sid("external-reference", s.name) + `","entity_type":"External-Reference",` +
			`"source_name":"Example blog","description":null,` +
			`"url":"https://blog.example.org/` + strings.ToLower(s.name) + `",` +
			`"hash":"d41d8cd98f00b204e9800998ecf8427e","external_id":"","created":` +
			`"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z"}}]}`
	case "D":
		return `"revoked":false,"confidence":80,"created":"2024-02-01T09:00:00.000Z",` +
			`"modified":"2024-02-02T09:00:00.000Z"`
	}
	panic("unknown block " + b)
}

// members returns a container's objects connection.
func members(nodes ...string) string {
	edges := make([]string, len(nodes))
	for i, n := range nodes {
		edges[i] = `{"node":` + n + `}`
	}
	return `"objects":{"edges":[` + strings.Join(edges, ",") + `]}`
}

func member(id, entityType, stixType, parents string) string {
	return fmt.Sprintf(`{"id":%q,"entity_type":%q,"parent_types":[%s],"standard_id":%q}`,
		id, entityType, parents, sid(stixType, id))
}

// fileList returns an importFiles connection with the given files.
func fileList(files ...string) string {
	edges := make([]string, len(files))
	for i, f := range files {
		edges[i] = `{"node":` + f + `}`
	}
	return `"importFiles":{"edges":[` + strings.Join(edges, ",") + `]}`
}

func fileNode(id, name, mimeType, version string, markings ...string) string {
	v := "null"
	if version != "" {
		v = `"` + version + `"`
	}
	var ms []string
	for _, m := range markings {
		ms = append(ms, testMarkings[m])
	}
	return fmt.Sprintf(`{"id":%q,"name":%q,"size":12,"metaData":{"mimetype":%q,"version":%s},`+
		`"objectMarking":[%s]}`, id, name, mimeType, v, strings.Join(ms, ","))
}

// refNode returns a nested ref relationship node.
func refNode(fromID, relType, toID, toType, toStix, extra string) json.RawMessage {
	to := fmt.Sprintf(`"id":%q,"standard_id":%q,"entity_type":%q,"parent_types":`+
		`["Stix-Cyber-Observable"]`, toID, sid(toStix, toID), toType)
	if extra != "" {
		to += "," + extra
	}
	return json.RawMessage(fmt.Sprintf(`{"id":"ref-%s-%s","entity_type":%q,`+
		`"parent_types":["basic-relationship","stix-relationship","stix-ref-relationship"],`+
		`"standard_id":"relationship-meta--%s","relationship_type":%q,`+
		`"from":{"id":%q},"to":{%s}}`, fromID, toID, relType, uuidFor(fromID+toID), relType,
		fromID, to))
}
